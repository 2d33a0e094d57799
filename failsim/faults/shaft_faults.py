"""Rotor imbalance and shaft misalignment as force sources of the vibration stage.

Imbalance (ISO 1940): an unbalance U (g mm) on the rotor turns with it, a 1x force
F = U w^2 shared by the bearings. Health reaches 0 at the unbalance of balance grade G 16 for
the rotor (2.5 times the G 6.3 of general machinery): U = 1000 m_rotor G / w_N (g mm).

Misalignment (an engineering model, after the coupling reaction moments of Gibbons 1976 and
Piotrowski's Shaft Alignment Handbook): a flexible coupling that transmits the torque T with
a parallel offset delta and an angle alpha between the shafts pushes its bearing with

    F_2x = (|T| / r_c) (delta / l_c + alpha)   radial, twice per turn
    F_1x = (|T| / r_c) alpha                   axial, once per turn

for a coupling radius r_c = 50 mm and a spacer length l_c = 100 mm, on the bearing next to
the coupling (the machine's first bearing). Health reaches 0 at an equivalent offset
delta + alpha l_c of 0.5 mm, about five times the offset tolerated at 1500-1800 rpm.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from ..rng import component_rng
from ..vibration.sources import ShaftOrderForce
from .triggers import fault_windows

SHAFT_FAULT_KINDS = ("imbalance", "misalignment")
COUPLING_RADIUS_M = 0.05
COUPLING_LENGTH_M = 0.10
IMBALANCE_FAILURE_GRADE_MM_S = 16.0
MISALIGNMENT_FAILURE_MM = 0.5


def imbalance_failure_g_mm(rotor_mass_kg: float, rated_speed_rad_s: float) -> float:
    """Unbalance (g mm) of balance grade G 16 for the rotor: health 0."""
    return 1000.0 * rotor_mass_kg * IMBALANCE_FAILURE_GRADE_MM_S / rated_speed_rad_s


def equivalent_offset_mm(f: Mapping) -> float:
    """delta + alpha l_c of a misalignment fault, mm."""
    alpha = float(f.get("angular_mm_per_100mm") or 0.0) / 100.0
    return float(f.get("offset_mm") or 0.0) + alpha * COUPLING_LENGTH_M * 1e3


def shaft_force(f: Mapping, index: int, n_locations: int, seed: int, duration_s: float):
    """(force source, windows, severity, unit) of an imbalance or misalignment fault."""
    windows = fault_windows(f["trigger"], duration_s, seed, index)
    rng = component_rng(seed, f"fault.{index}.phase")
    phase, axial_phase = rng.uniform(0.0, 2.0 * math.pi, 2)
    if f["kind"] == "imbalance":
        u_g_mm = float(f["unbalance_g_mm"])
        source = ShaftOrderForce(
            {i: 1.0 / n_locations for i in range(n_locations)},
            1,
            phase,
            radial_per_w2=u_g_mm * 1e-6,
            windows=windows,
        )
        return source, windows, u_g_mm, "g mm"
    alpha = float(f.get("angular_mm_per_100mm") or 0.0) / 100.0
    delta = float(f.get("offset_mm") or 0.0) * 1e-3
    source = ShaftOrderForce(
        {0: 1.0},
        2,
        phase,
        radial_per_torque=(delta / COUPLING_LENGTH_M + alpha) / COUPLING_RADIUS_M,
        axial_order=1,
        axial_per_torque=alpha / COUPLING_RADIUS_M,
        axial_phase_rad=axial_phase,
        windows=windows,
    )
    return source, windows, equivalent_offset_mm(f), "mm"


def shaft_faults(faults: Sequence[Mapping]) -> list[tuple[int, Mapping]]:
    """(index, fault) of the imbalance and misalignment faults of a scenario."""
    return [(i, f) for i, f in enumerate(faults) if f["kind"] in SHAFT_FAULT_KINDS]
