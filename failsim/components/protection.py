"""Motor protection: thermal overload relay."""

from __future__ import annotations

from dataclasses import dataclass

from ..physics.overload_relay import replica_time_constant_s


@dataclass(frozen=True)
class OverloadRelay:
    """Thermal-replica overload relay (IEC 60255-149) with an IEC 60947-4-1 trip class.

    Level dtheta/dt = ((I / I_e)^2 / k^2 - theta) / tau; trips (and opens the contactor) when
    the level reaches 1. I is the rms current of the most loaded phase.
    """

    enabled: bool
    trip_class: int
    current_setting_a: float
    k_factor: float
    time_constant_s: float

    @classmethod
    def from_dict(cls, d: dict) -> OverloadRelay:
        cls_ = int(d.get("trip_class", 10))
        tau = d.get("time_constant_s")
        return cls(
            enabled=bool(d.get("enabled", True)),
            trip_class=cls_,
            current_setting_a=float(d["current_setting_a"]),
            k_factor=float(d.get("k_factor", 1.125)),
            time_constant_s=float(tau) if tau is not None else replica_time_constant_s(cls_),
        )
