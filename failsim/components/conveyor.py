"""Lumped belt conveyor declaration (DIN 22101 resistances, capstan drive pulley)."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class BeltConveyor:
    """A belt conveyor seen as one moving mass: belt and idlers (per metre), bulk load fed at
    a design throughput, running resistance in the DIN 22101 form, a drive pulley that
    grips the belt up to the Euler-Eytelwein limit T2 (e^{mu theta} - 1)."""

    length_m: float
    lift_m: float
    coefficient_c: float | None
    friction_factor: float
    carry_idler_mass_kg_m: float
    return_idler_mass_kg_m: float
    belt_mass_kg_m: float
    design_belt_speed_m_s: float
    design_throughput_t_h: float
    special_resistance_n: float
    pulley_diameter_m: float
    wrap_angle_deg: float
    friction_static: float
    friction_kinetic: float
    stribeck_velocity_m_s: float
    takeup_tension_n: float
    slip_detect_pct: float

    @classmethod
    def from_dict(cls, d: dict) -> BeltConveyor:
        kw = {}
        for f in fields(cls):
            v = d.get(f.name)
            kw[f.name] = None if v is None else float(v)
        return cls(**kw)

    @property
    def cos_incline(self) -> float:
        """cos(delta) of the mean inclination from lift and length."""
        s = min(1.0, abs(self.lift_m) / self.length_m)
        return math.sqrt(1.0 - s * s)

    @property
    def coefficient_c_value(self) -> float:
        """Coefficient C: given, or from the length (ISO 5048 / DIN 22101 table)."""
        if self.coefficient_c is not None:
            return self.coefficient_c
        from ..physics.conveyor import coefficient_c

        return float(coefficient_c(self.length_m))

    @property
    def design_load_kg_m(self) -> float:
        """Bulk load per metre at the design throughput and speed, q_G = Q / (3.6 v)."""
        return self.design_throughput_t_h / (3.6 * self.design_belt_speed_m_s)
