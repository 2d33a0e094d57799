"""Localised rolling-bearing defects as impact sources of the vibration stage.

A defect of width ``w`` on the outer race, the inner race, a rolling element or the cage
makes an impact each time a rolling element meets it: at BPFO, BPFI, 2 x BSF (the element
strikes both races) or FTF times the shaft frequency, with a random slip of the elements
(1-2 %), weighted by the load zone (Harris's load distribution with a floor, so a defect
outside the zone still shows), and modulated where the defect moves through the load zone:
the inner race once per shaft turn, a rolling element with the cage (McFadden & Smith 1984;
Randall & Antoni 2011; physics.md section 2).

Impulse of one impact (an engineering model, stated in docs/faults/bearing-defects.md):

    I = Q_max q(psi) (w / v_n) (v / v_n)^1.5

the load the element carries, Q_max = 5 F_r / (Z cos alpha) (Stribeck) times its load-zone
weight, over the time the element takes to cross the defect at the rated speed (the
contact unloads and reloads across it), scaled with the speed^1.5 that measured defect
amplitudes follow. A growing defect (``growth.time_to_failure_s``) widens exponentially
from its onset width w_0 to the failure width w_f = d / 4 in that time,
w(t) = w_0 (w_f / w_0)^((t - t_on) / T_f), and its impulses follow w(t).
``v`` is the speed at which the contact crosses the defect:
outer race FTF w r_o, inner race (1 - FTF) w r_i, element BSF w d / 2. The cage carries no
rolling load: a damaged pocket is knocked by its rolling element, an impulse of the element's
momentum m_e FTF w D / 2 once per cage turn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..components.drivetrain import Bearing
from ..rng import component_rng
from ..vibration.sources import ImpactTrain
from .triggers import fault_windows

PARTS = ("outer_race", "inner_race", "ball", "cage")
#: the defect's health reaches 0 when its width is this fraction of the element diameter
FAILURE_WIDTH_FRACTION = 0.25
#: beyond this fraction of the element diameter the element no longer carries load across
#: the defect: the strike stops growing with the width (only its entry-exit time does)
SATURATION_WIDTH_FRACTION = 0.02
#: load-zone weight of an impact outside the load zone (the defect still shows)
LOAD_ZONE_FLOOR = 0.1
SPEED_EXPONENT = 1.5
#: broadband force of distributed wear at the failure width, as a fraction of Q_max
WEAR_NOISE_FRACTION = 0.05
STEEL_DENSITY_KG_M3 = 7850.0


@dataclass
class BearingDefect:
    """One bearing defect of a scenario, with its active windows."""

    index: int  # position in the scenario's faults
    bearing: str
    part: str
    size_mm: float
    position_rad: float
    slip_std: float
    windows: list[tuple[float, float | None]]
    label: str = ""
    time_to_failure_s: float | None = None  # growth to the failure width, from the onset

    def width_profile(self, failure_mm: float) -> list[tuple[float, float]] | None:
        """Width (mm) over time as breakpoints (exponential growth sampled at 41 points, then
        held at the failure width), or None for a defect that does not grow."""
        t_f = self.time_to_failure_s
        if t_f is None:
            return None
        on = self.windows[0][0]
        w0 = self.size_mm
        ratio = max(failure_mm / w0, 1.0)
        pts = [(0.0, w0)]
        for k in range(40):
            pts.append((on + t_f * k / 40.0, w0 * ratio ** (k / 40.0)))
        pts.append((on + t_f, max(failure_mm, w0)))  # exactly the failure width: health 0
        return pts

    def failure_time_s(self, failure_mm: float) -> float | None:
        """When the growing defect reaches the failure width (s; its onset if it starts at
        or beyond it), or None for a defect that does not grow."""
        t_f = self.time_to_failure_s
        if t_f is None:
            return None
        on = self.windows[0][0]
        return on if self.size_mm >= failure_mm else on + t_f


def bearing_defects_from_spec(
    faults: Sequence[Mapping], seed: int, duration_s: float
) -> list[BearingDefect]:
    """The ``bearing_defect`` faults of a scenario, their windows resolved from ``seed``."""
    out = []
    for i, f in enumerate(faults):
        if f["kind"] != "bearing_defect":
            continue
        windows = fault_windows(f["trigger"], duration_s, seed, i)
        if not windows:
            continue
        out.append(
            BearingDefect(
                index=i,
                bearing=f["target"].split(".", 1)[1],
                part=str(f["part"]),
                size_mm=float(f["size_mm"]),
                position_rad=math.radians(float(f.get("position_deg") or 0.0)),
                slip_std=float(f.get("slip_pct", 1.5)) / 100.0,
                windows=windows,
                label=f.get("label", ""),
                time_to_failure_s=(
                    float(f["growth"]["time_to_failure_s"]) if f.get("growth") else None
                ),
            )
        )
    return out


def wear_noise(defect: BearingDefect, bearing: Bearing, location: int, seed: int):
    """The distributed-wear broadband source of a growing defect (None if it does not
    grow): rms 0.05 Q_max (w / w_f)^2, Q_max = 5 F_r / (Z cos alpha)."""
    from ..vibration.sources import WearNoise

    w_f = failure_size_mm(bearing)
    widths = defect.width_profile(w_f)
    if widths is None or defect.part == "cage":
        return None
    g = bearing.geometry
    q_max = (
        5.0 * bearing.radial_load_n / (g.n_elements * math.cos(math.radians(g.contact_angle_deg)))
    )
    times = np.array([p[0] for p in widths])
    ratio = np.array([p[1] for p in widths]) / w_f
    rng = component_rng(seed, f"fault.{defect.index}.wear")
    return WearNoise(location, WEAR_NOISE_FRACTION * q_max, rng, (times, ratio), defect.windows)


def failure_size_mm(bearing: Bearing) -> float:
    """Defect width (mm) at which its health reaches 0."""
    return FAILURE_WIDTH_FRACTION * bearing.geometry.element_diameter_m * 1e3


def impact_train(
    defect: BearingDefect, bearing: Bearing, rated_speed_rad_s: float, seed: int
) -> ImpactTrain:
    """The impact source of ``defect`` on ``bearing`` (which has a geometry)."""
    g = bearing.geometry
    m = bearing.multipliers()
    cos_a = math.cos(math.radians(g.contact_angle_deg))
    d, big_d = g.element_diameter_m, g.pitch_diameter_m
    r_o = 0.5 * (big_d + d * cos_a)
    r_i = 0.5 * (big_d - d * cos_a)
    w_n = rated_speed_rad_s
    order, modulation, carrier = {
        "outer_race": (m.bpfo, "fixed", 1.0),
        "inner_race": (m.bpfi, "rotating", 1.0),
        "ball": (2.0 * m.bsf, "rotating", m.ftf),
        "cage": (m.ftf, "none", 1.0),
    }[defect.part]
    crossing_speed = {
        "outer_race": m.ftf * w_n * r_o,
        "inner_race": (1.0 - m.ftf) * w_n * r_i,
        "ball": m.bsf * w_n * 0.5 * d,
        "cage": m.ftf * w_n * 0.5 * big_d,
    }[defect.part]
    w_sat = SATURATION_WIDTH_FRACTION * d * 1e3  # mm
    if defect.part == "cage":
        impulse = STEEL_DENSITY_KG_M3 * math.pi * d**3 / 6.0 * crossing_speed
    else:
        q_max = 5.0 * bearing.radial_load_n / (g.n_elements * cos_a)
        impulse = q_max * (min(defect.size_mm, w_sat) * 1e-3) / crossing_speed
    scale = width_scale = None
    widths = defect.width_profile(failure_size_mm(bearing))
    if widths is not None and defect.part != "cage":
        times = np.array([p[0] for p in widths])
        w_t = np.array([p[1] for p in widths])
        width_scale = (times, w_t / defect.size_mm)
        scale = (times, np.minimum(w_t, w_sat) / min(defect.size_mm, w_sat))
    return ImpactTrain(
        bearing.name,
        order,
        impulse,
        defect.slip_std,
        component_rng(seed, f"fault.{defect.index}.impacts"),
        modulation=modulation,
        carrier_order=carrier,
        defect_angle_rad=defect.position_rad,
        load_zone_epsilon=bearing.load_zone_epsilon,
        load_zone_floor=LOAD_ZONE_FLOOR,
        speed_ref_rad_s=w_n,
        speed_exponent=SPEED_EXPONENT,
        windows=defect.windows,
        scale_profile=scale,
        crossing_s_at_ref=0.0 if defect.part == "cage" else defect.size_mm * 1e-3 / crossing_speed,
        width_profile=width_scale,
        unloading_ratio=(
            1.0 if defect.part == "cage" else defect.size_mm / min(defect.size_mm, w_sat)
        ),
    )
