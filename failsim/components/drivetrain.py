"""Shaft coupling, driven load and rolling bearings."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..physics.bearing import BearingGeometry, CharacteristicFrequencies, multipliers
from ..physics.mechanics import bearing_friction_torque_n_m


@dataclass(frozen=True)
class Shaft:
    """Torsional coupling between motor and load: spring (N m/rad) and damper (N m s/rad)."""

    coupling_stiffness_n_m_rad: float
    coupling_damping_n_m_s_rad: float

    @classmethod
    def from_dict(cls, d: dict) -> Shaft:
        return cls(float(d["coupling_stiffness_n_m_rad"]), float(d["coupling_damping_n_m_s_rad"]))


@dataclass(frozen=True)
class Load:
    """Driven load: torque law, inertia and breakaway (static friction) torque.

    ``type``: ``constant`` (T_N sgn w), ``linear`` (T_N w/w_N), ``quadratic``
    (T_N (w/w_N)^2 sgn w: fans, centrifugal pumps) or ``polynomial``
    (sgn w (a + b|w| + c w^2)). A scenario's load profile scales the law (per unit).
    """

    type: str
    rated_torque_n_m: float
    rated_speed_rpm: float | None
    inertia_kg_m2: float
    breakaway_torque_n_m: float
    a_n_m: float = 0.0
    b_n_m_s_rad: float = 0.0
    c_n_m_s2_rad2: float = 0.0

    @classmethod
    def from_dict(cls, d: dict) -> Load:
        coef = d.get("coefficients") or {}
        rs = d.get("rated_speed_rpm")
        return cls(
            type=str(d["type"]),
            rated_torque_n_m=float(d["rated_torque_n_m"]),
            rated_speed_rpm=None if rs is None else float(rs),
            inertia_kg_m2=float(d["inertia_kg_m2"]),
            breakaway_torque_n_m=float(d.get("breakaway_torque_n_m", 0.0)),
            a_n_m=float(coef.get("a_n_m", 0.0)),
            b_n_m_s_rad=float(coef.get("b_n_m_s_rad", 0.0)),
            c_n_m_s2_rad2=float(coef.get("c_n_m_s2_rad2", 0.0)),
        )

    @property
    def rated_speed_rad_s(self) -> float:
        return math.nan if self.rated_speed_rpm is None else self.rated_speed_rpm * math.pi / 30


@dataclass(frozen=True)
class Bearing:
    """A rolling bearing on the motor shaft.

    Friction by the SKF constant-coefficient model; geometry (for the characteristic defect
    frequencies) given explicitly or looked up in the bearing catalogue by designation;
    ``load_zone_epsilon`` is Harris's load-distribution factor (0.5: a +/-90 degree zone).
    """

    name: str
    designation: str
    bore_diameter_m: float
    friction_coefficient: float
    radial_load_n: float
    position_m: float = 0.0
    load_zone_epsilon: float = 0.5
    geometry: BearingGeometry | None = None

    @classmethod
    def from_dict(cls, d: dict) -> Bearing:
        geometry = None
        g = d.get("geometry")
        if g:
            geometry = BearingGeometry(
                n_elements=int(g["n_elements"]),
                element_diameter_m=float(g["element_diameter_m"]),
                pitch_diameter_m=float(g["pitch_diameter_m"]),
                contact_angle_deg=float(g.get("contact_angle_deg", 0.0)),
            )
        elif d.get("designation"):
            from ..catalogue.bearings import lookup_bearing
            from ..errors import SpecError

            try:
                geometry = lookup_bearing(str(d["designation"])).geometry
            except SpecError:
                geometry = None  # not in the catalogue: no defect frequencies
        return cls(
            name=str(d["name"]),
            designation=str(d.get("designation", "")),
            bore_diameter_m=float(d["bore_diameter_m"]),
            friction_coefficient=float(d["friction_coefficient"]),
            radial_load_n=float(d["radial_load_n"]),
            position_m=float(d.get("position_m", 0.0)),
            load_zone_epsilon=float(d.get("load_zone_epsilon", 0.5)),
            geometry=geometry,
        )

    def multipliers(self) -> CharacteristicFrequencies | None:
        """FTF, BPFO, BPFI, BSF as multiples of the shaft frequency (None without geometry)."""
        return None if self.geometry is None else multipliers(self.geometry)

    @property
    def friction_torque_n_m(self) -> float:
        """M = 0.5 mu F d, N m."""
        return bearing_friction_torque_n_m(
            self.friction_coefficient, self.radial_load_n, self.bore_diameter_m
        )


@dataclass(frozen=True)
class Brake:
    """Spring-applied (fail-safe) brake on the motor shaft.

    Released while the motor is powered; its springs engage it ``engage_delay_s`` after the
    power is removed (contactor opens, drive gates block), with the dynamic torque
    ``torque_n_m`` opposing the motor's rotation.
    """

    torque_n_m: float
    engage_delay_s: float = 0.05

    @classmethod
    def from_dict(cls, d: dict) -> Brake:
        return cls(float(d["torque_n_m"]), float(d.get("engage_delay_s", 0.05)))
