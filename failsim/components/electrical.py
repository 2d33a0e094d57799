"""Supply and induction motor declarations."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..physics.induction_motor import InductionMotorCircuit, iron_loss_resistance_ohm


@dataclass(frozen=True)
class MainsSupply:
    """Three-phase mains through a contactor.

    Attributes
    ----------
    line_voltage_v: rated line-to-line rms voltage, V.
    frequency_hz: supply frequency, Hz.
    contactor_drop_delay_s: time from an open command to the contacts opening, s.
    """

    line_voltage_v: float
    frequency_hz: float
    contactor_drop_delay_s: float

    @classmethod
    def from_dict(cls, d: dict) -> MainsSupply:
        return cls(
            line_voltage_v=float(d["line_voltage_v"]),
            frequency_hz=float(d["frequency_hz"]),
            contactor_drop_delay_s=float(d["contactor_drop_delay_s"]),
        )


@dataclass(frozen=True)
class Nameplate:
    """Rated values as printed on the motor's nameplate (informative; physics uses the circuit)."""

    power_w: float
    line_voltage_v: float
    frequency_hz: float
    speed_rpm: float
    current_a: float


@dataclass(frozen=True)
class InductionMotor:
    """Squirrel-cage induction motor: T-equivalent circuit, losses and rotor inertia.

    Resistances are given at ``resistance_reference_temp_c`` and follow the winding and rotor
    temperatures with the conductor's temperature constant. Iron loss is declared at rated
    voltage and frequency and split into hysteresis and eddy parts (Steinmetz, B^2 form).
    Windage loss is declared at rated speed and scales with speed cubed.
    """

    rated: Nameplate
    pole_pairs: int
    stator_resistance_ohm: float
    rotor_resistance_ohm: float
    stator_leakage_inductance_h: float
    rotor_leakage_inductance_h: float
    magnetizing_inductance_h: float
    resistance_reference_temp_c: float
    stator_conductor: str
    rotor_conductor: str
    inertia_kg_m2: float
    iron_loss_w: float
    iron_loss_eddy_fraction: float
    windage_loss_w: float
    viscous_friction_n_m_s_rad: float
    rotor_bars: int | None = None

    @classmethod
    def from_dict(cls, d: dict) -> InductionMotor:
        return cls(
            rated=Nameplate(**{k: float(v) for k, v in d["rated"].items()}),
            pole_pairs=int(d["pole_pairs"]),
            stator_resistance_ohm=float(d["stator_resistance_ohm"]),
            rotor_resistance_ohm=float(d["rotor_resistance_ohm"]),
            stator_leakage_inductance_h=float(d["stator_leakage_inductance_h"]),
            rotor_leakage_inductance_h=float(d["rotor_leakage_inductance_h"]),
            magnetizing_inductance_h=float(d["magnetizing_inductance_h"]),
            resistance_reference_temp_c=float(d["resistance_reference_temp_c"]),
            stator_conductor=str(d["stator_conductor"]),
            rotor_conductor=str(d["rotor_conductor"]),
            inertia_kg_m2=float(d["inertia_kg_m2"]),
            iron_loss_w=float(d["iron_loss_w"]),
            iron_loss_eddy_fraction=float(d["iron_loss_eddy_fraction"]),
            windage_loss_w=float(d["windage_loss_w"]),
            viscous_friction_n_m_s_rad=float(d["viscous_friction_n_m_s_rad"]),
            rotor_bars=None if d.get("rotor_bars") is None else int(d["rotor_bars"]),
        )

    @property
    def rated_speed_rad_s(self) -> float:
        """Nameplate speed, rad/s."""
        return self.rated.speed_rpm * 2.0 * math.pi / 60.0

    def synchronous_speed_rad_s(self, frequency_hz: float) -> float:
        """Synchronous mechanical speed 2 pi f / p, rad/s."""
        return 2.0 * math.pi * frequency_hz / self.pole_pairs

    def windage_coefficient(self) -> float:
        """k in T_windage = k w |w| (N m s^2/rad^2), from the loss at rated speed."""
        w = self.rated_speed_rad_s
        return self.windage_loss_w / w**3

    def circuit(self, frequency_hz: float | None = None, *, with_iron_loss: bool = True):
        """The steady-state T circuit at reference temperature.

        With ``with_iron_loss`` the iron-loss shunt resistance at ``frequency_hz`` (default the
        nameplate frequency) is included.
        """
        f = self.rated.frequency_hz if frequency_hz is None else frequency_hz
        r_fe = math.inf
        if with_iron_loss and self.iron_loss_w > 0.0:
            r_fe = iron_loss_resistance_ohm(
                self.iron_loss_w,
                self.rated.line_voltage_v,
                self.rated.frequency_hz,
                self.iron_loss_eddy_fraction,
                f,
            )
        return InductionMotorCircuit(
            stator_resistance_ohm=self.stator_resistance_ohm,
            rotor_resistance_ohm=self.rotor_resistance_ohm,
            stator_leakage_inductance_h=self.stator_leakage_inductance_h,
            rotor_leakage_inductance_h=self.rotor_leakage_inductance_h,
            magnetizing_inductance_h=self.magnetizing_inductance_h,
            pole_pairs=self.pole_pairs,
            iron_loss_resistance_ohm=r_fe,
        )


@dataclass(frozen=True)
class DCNameplate:
    """Rated values of a DC motor."""

    power_w: float
    voltage_v: float
    speed_rpm: float
    current_a: float


@dataclass(frozen=True)
class DCField:
    """Separately excited field winding: k_e = field_constant_h x i_f."""

    resistance_ohm: float
    inductance_h: float
    field_constant_h: float
    voltage_v: float


@dataclass(frozen=True)
class DCMotor:
    """DC motor: armature circuit, permanent-magnet or separately excited field, losses.

    u_a = R_a i_a + L_a di_a/dt + k_e w, T_e = k_e i_a; the armature resistance follows the
    rotor temperature (copper).
    """

    rated: DCNameplate
    armature_resistance_ohm: float
    armature_inductance_h: float
    back_emf_constant_v_s_rad: float | None
    field: DCField | None
    inertia_kg_m2: float
    resistance_reference_temp_c: float
    windage_loss_w: float
    viscous_friction_n_m_s_rad: float
    kind: str = "dc"

    @classmethod
    def from_dict(cls, d: dict) -> DCMotor:
        r = d["rated"]
        f = d.get("field")
        k = d.get("back_emf_constant_v_s_rad")
        return cls(
            rated=DCNameplate(
                power_w=float(r["power_w"]),
                voltage_v=float(r["voltage_v"]),
                speed_rpm=float(r["speed_rpm"]),
                current_a=float(r["current_a"]),
            ),
            armature_resistance_ohm=float(d["armature_resistance_ohm"]),
            armature_inductance_h=float(d["armature_inductance_h"]),
            back_emf_constant_v_s_rad=None if k is None else float(k),
            field=None if not f else DCField(**{key: float(v) for key, v in f.items()}),
            inertia_kg_m2=float(d["inertia_kg_m2"]),
            resistance_reference_temp_c=float(d["resistance_reference_temp_c"]),
            windage_loss_w=float(d["windage_loss_w"]),
            viscous_friction_n_m_s_rad=float(d["viscous_friction_n_m_s_rad"]),
        )

    @property
    def rated_speed_rad_s(self) -> float:
        return self.rated.speed_rpm * 2.0 * math.pi / 60.0

    @property
    def emf_constant_v_s_rad(self) -> float:
        """k_e at the rated field (V s/rad)."""
        if self.field is not None:
            return self.field.field_constant_h * self.field.voltage_v / self.field.resistance_ohm
        return float(self.back_emf_constant_v_s_rad)

    def windage_coefficient(self) -> float:
        """k in T_windage = k w |w| (N m s^2/rad^2), from the loss at rated speed."""
        return self.windage_loss_w / self.rated_speed_rad_s**3


@dataclass(frozen=True)
class DCDrive:
    """Controlled converter feeding a DC motor: speed ramp, cascaded PI speed and current
    control (tuned to the given bandwidths from the motor's parameters), current and voltage
    limits, two- or four-quadrant, safety functions as on the variable-frequency drive."""

    max_voltage_v: float
    four_quadrant: bool
    current_limit_a: float
    ramp_up_s: float
    ramp_down_s: float
    safe_stop_ramp_s: float
    current_loop_bandwidth_hz: float
    speed_loop_bandwidth_hz: float
    sto_response_s: float
    speed_setpoint_rpm: float

    @classmethod
    def from_dict(cls, d: dict) -> DCDrive:
        return cls(
            max_voltage_v=float(d["max_voltage_v"]),
            four_quadrant=bool(d["four_quadrant"]),
            current_limit_a=float(d["current_limit_a"]),
            ramp_up_s=float(d["ramp_up_s"]),
            ramp_down_s=float(d["ramp_down_s"]),
            safe_stop_ramp_s=float(d["safe_stop_ramp_s"]),
            current_loop_bandwidth_hz=float(d["current_loop_bandwidth_hz"]),
            speed_loop_bandwidth_hz=float(d["speed_loop_bandwidth_hz"]),
            sto_response_s=float(d["sto_response_s"]),
            speed_setpoint_rpm=float(d["speed_setpoint_rpm"]),
        )
