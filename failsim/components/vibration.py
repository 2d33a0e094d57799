"""Vibration declarations: structural modes, force sources and accelerometers."""

from __future__ import annotations

from dataclasses import dataclass

G0 = 9.80665  # standard gravity, m/s^2 (accelerometer ranges are given in g)


@dataclass(frozen=True)
class Mode:
    """A structural mode: natural frequency (Hz), damping ratio, modal mass (kg), the
    direction it moves in and its participation at each bearing location."""

    name: str
    frequency_hz: float
    damping_ratio: float
    modal_mass_kg: float
    direction: str
    shape: tuple[tuple[str, float], ...]

    def participation(self, location: str) -> float:
        """Mode-shape factor at ``location``; a mode with no shape given moves everywhere."""
        if not self.shape:
            return 1.0
        return dict(self.shape).get(location, 0.0)


@dataclass(frozen=True)
class Accelerometer:
    """An accelerometer on a bearing housing and its DAQ channel."""

    name: str
    location: str
    axis: str
    sensitivity_mv_per_g: float
    sensitivity_error_pct: float
    range_g: float
    noise_ug_per_sqrt_hz: float
    mounted_resonance_hz: float
    mounted_damping_ratio: float
    highpass_hz: float
    adc_bits: int

    @property
    def column(self) -> str:
        return f"accel_{self.name}_m_s2"

    @property
    def range_m_s2(self) -> float:
        return self.range_g * G0

    @property
    def noise_m_s2_per_sqrt_hz(self) -> float:
        return self.noise_ug_per_sqrt_hz * 1e-6 * G0


@dataclass(frozen=True)
class VibrationModel:
    """Force sources of the machine and the structure that carries them to the sensors.

    Residual imbalance follows ISO 21940-11: eccentricity e = G / w_N for grade G (mm/s) at
    the rated speed w_N, force m e w^2 at the shaft speed w; harmonics scale that force.
    """

    rotor_mass_kg: float
    balance_grade_mm_s: float
    imbalance_phase_deg: float | None
    harmonics: tuple[tuple[int, float], ...]
    magnetic_force_n: float
    background_force_n_per_sqrt_hz: float
    modes: tuple[Mode, ...]
    gear_mesh_force_n: float = 0.0
    gear_mesh_modulation: float = 0.1
    gear_mesh_location: str | None = None

    @classmethod
    def from_dict(cls, d: dict) -> VibrationModel:
        modes = tuple(
            Mode(
                name=m["name"],
                frequency_hz=float(m["frequency_hz"]),
                damping_ratio=float(m["damping_ratio"]),
                modal_mass_kg=float(m["modal_mass_kg"]),
                direction=m["direction"],
                shape=tuple((k, float(v)) for k, v in (m.get("shape") or {}).items()),
            )
            for m in d["modes"]
        )
        return cls(
            rotor_mass_kg=float(d["rotor_mass_kg"]),
            balance_grade_mm_s=float(d["balance_grade_mm_s"]),
            imbalance_phase_deg=d.get("imbalance_phase_deg"),
            harmonics=tuple((int(h["order"]), float(h["ratio"])) for h in d["harmonics"]),
            magnetic_force_n=float(d["magnetic_force_n"]),
            gear_mesh_force_n=float(d.get("gear_mesh_force_n", 0.0)),
            gear_mesh_modulation=float(d.get("gear_mesh_modulation", 0.1)),
            gear_mesh_location=d.get("gear_mesh_location"),
            background_force_n_per_sqrt_hz=float(d["background_force_n_per_sqrt_hz"]),
            modes=modes,
        )

    def eccentricity_m(self, rated_speed_rad_s: float) -> float:
        """Mass eccentricity e = G / w_N (m) for the balance grade G."""
        return self.balance_grade_mm_s * 1e-3 / rated_speed_rad_s

    def imbalance_force_n(self, speed_rad_s: float, rated_speed_rad_s: float) -> float:
        """Rotating imbalance force m e w^2 (N)."""
        return self.rotor_mass_kg * self.eccentricity_m(rated_speed_rad_s) * speed_rad_s**2


def accelerometer_from_dict(d: dict) -> Accelerometer:
    return Accelerometer(
        name=d["name"],
        location=d["location"],
        axis=d["axis"],
        sensitivity_mv_per_g=float(d["sensitivity_mv_per_g"]),
        sensitivity_error_pct=float(d["sensitivity_error_pct"]),
        range_g=float(d["range_g"]),
        noise_ug_per_sqrt_hz=float(d["noise_ug_per_sqrt_hz"]),
        mounted_resonance_hz=float(d["mounted_resonance_hz"]),
        mounted_damping_ratio=float(d["mounted_damping_ratio"]),
        highpass_hz=float(d["highpass_hz"]),
        adc_bits=int(d["adc_bits"]),
    )
