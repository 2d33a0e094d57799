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

The same cause acts on the shaft (:func:`drag_torques`, an engineering model, stated in
docs/faults/bearing-defects.md): each loaded element that crosses the defect drops into it and
must be lifted out at its far edge, which costs the energy

    E = Q h,   Q = Q_max W,   h = d/2 - sqrt((d/2)^2 - (w_e/2)^2) ~ w_e^2 / (4 d)

per passage, w_e = min(w, w_s) the width up to the saturation width (where the strike stops
growing too). At f_defect passages per second this is a mean drag power E f_defect, a drag
torque E f_defect / w on the shaft that carries the bearing (the motor shaft), which the
kernel applies as a pulse train in the shaft angle: the stator current gets the
phase-modulation sidebands f_s +/- k f_defect by itself, and the power heats the bearing's
thermal node. W is the load-zone weight at the defect: at its position for the outer race,
the mean over a turn for the inner race and a rolling element (which carry it through the
zone). A ball defect meets both races (2 BSF passages); the cage carries no rolling load and
has no drag.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..components.drivetrain import Bearing
from ..errors import SpecError
from ..kernels.layout import N_DEFECT_MAX
from ..physics.bearing import defect_drop_depth_m, load_zone_weights
from ..rng import component_rng
from ..vibration.sources import ImpactTrain
from .machine_faults import combine
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
#: one standard deviation of a defect's drag pulse spans at least this many solver steps at
#: the motor's rated speed, so that RK4 and the heat integral resolve every pulse
PULSE_MIN_STEPS = 2.0


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


@dataclass(frozen=True)
class DefectDrag:
    """The drag torque of one bearing defect on the motor shaft, as the kernel takes it:

    T = E(t) c exp(kappa (cos(order theta) - 1)) sgn(w),   c = order / (2 pi I0(kappa) e^-kappa)

    a von Mises pulse per passage of a rolling element, whose integral over one passage
    (2 pi / order of shaft angle) is the energy E(t)."""

    slot: int  # bearing slot: its thermal node takes the heat
    order: float  # passages per shaft turn (f_defect / f_r)
    kappa: float  # concentration of a pulse, -
    energy: list[tuple[float, float]]  # E(t) (s, J): 0 outside the defect's windows

    @property
    def norm(self) -> float:
        """c = order / (2 pi I0(kappa) e^-kappa), 1/rad: the peak torque is c E."""
        from scipy.special import i0e

        return self.order / (2.0 * math.pi * float(i0e(self.kappa)))


def load_weight(bearing: Bearing, part: str, position_rad: float) -> float:
    """Load-zone weight W = floor + (1 - floor) q of the element at a defect: at the defect's
    position for the outer race, averaged over a turn for the inner race and a rolling element,
    which carry the defect through the load zone (and 1 for the cage)."""
    if part == "cage":
        return 1.0
    if part == "outer_race":
        psi = np.array([position_rad])
    else:
        psi = (np.arange(7200) + 0.5) * (2.0 * math.pi / 7200) - math.pi
    q = np.asarray(load_zone_weights(psi, epsilon=bearing.load_zone_epsilon), dtype=np.float64)
    return float(np.mean(LOAD_ZONE_FLOOR + (1.0 - LOAD_ZONE_FLOOR) * q))


def passage_energy_j(bearing: Bearing, part: str, width_mm: float, position_rad: float) -> float:
    """Energy (J) one rolling element loses crossing a defect of ``width_mm``: E = Q_max W h,
    h the drop of its centre into the defect, the width capped at the saturation width
    (0 for the cage, which carries no rolling load)."""
    if part == "cage":
        return 0.0
    g = bearing.geometry
    d = g.element_diameter_m
    q_max = (
        5.0 * bearing.radial_load_n / (g.n_elements * math.cos(math.radians(g.contact_angle_deg)))
    )
    w = min(width_mm * 1e-3, SATURATION_WIDTH_FRACTION * d)
    return q_max * load_weight(bearing, part, position_rad) * float(defect_drop_depth_m(w, d))


def _energy_points(defect: BearingDefect, bearing: Bearing) -> list[tuple[float, float]]:
    """E(t) (s, J) of a defect: its energy per passage over time (following the width of a
    growing defect, with a breakpoint where it reaches the saturation width), times 1 inside
    its windows and 0 outside."""

    def energy(w_mm: float) -> float:
        return passage_energy_j(bearing, defect.part, w_mm, defect.position_rad)

    widths = defect.width_profile(failure_size_mm(bearing))
    if widths is None:
        pts = [(0.0, energy(defect.size_mm))]
    else:
        w_sat = SATURATION_WIDTH_FRACTION * bearing.geometry.element_diameter_m * 1e3
        on, w0, w_f = widths[1][0], defect.size_mm, widths[-1][1]
        extra = []
        if w0 < w_sat < w_f:  # w(t) = w_0 (w_f / w_0)^((t - t_on) / T_f) reaches w_s
            t_sat = on + defect.time_to_failure_s * math.log(w_sat / w0) / math.log(w_f / w0)
            extra = [(t_sat, w_sat)]
        widths = sorted(widths + extra, key=lambda p: p[0])
        pts = [(t, energy(w)) for t, w in widths]
    gate = [(0.0, 0.0)]
    for on, off in defect.windows:
        gate += [(on, 0.0), (on, 1.0)]
        if off is not None:
            gate += [(off, 1.0), (off, 0.0)]
    return combine(gate, pts, lambda a, b: a * b)


def drag_torque(
    defect: BearingDefect,
    bearing: Bearing,
    slot: int,
    rated_speed_rad_s: float,
    solver_rate_hz: float,
) -> DefectDrag | None:
    """The drag-torque pulse train of ``defect`` on ``bearing`` (None for the cage).

    Passages per shaft turn: BPFO, BPFI or 2 BSF. A pulse lasts as long as the element takes
    to cross the defect, a shaft-angle-independent fraction of the passage period: in the
    pulse phase it spans w Z / r_o (outer race), w Z / r_i (inner race) or 4 w / d (ball),
    and the von Mises pulse gets the standard deviation of a rectangle that long,
    kappa = 12 / span^2, but at least ``PULSE_MIN_STEPS`` solver steps at the rated speed."""
    if defect.part == "cage":
        return None
    g = bearing.geometry
    m = bearing.multipliers()
    cos_a = math.cos(math.radians(g.contact_angle_deg))
    d, big_d = g.element_diameter_m, g.pitch_diameter_m
    w = defect.size_mm * 1e-3
    order, span = {
        "outer_race": (m.bpfo, w * g.n_elements / (0.5 * (big_d + d * cos_a))),
        "inner_race": (m.bpfi, w * g.n_elements / (0.5 * (big_d - d * cos_a))),
        "ball": (2.0 * m.bsf, 4.0 * w / d),
    }[defect.part]
    sigma_min = PULSE_MIN_STEPS * order * rated_speed_rad_s / solver_rate_hz
    kappa = min(12.0 / span**2, 1.0 / sigma_min**2)
    return DefectDrag(slot, float(order), float(kappa), _energy_points(defect, bearing))


def drag_torques(
    faults: Sequence[Mapping],
    bearings: Sequence[Bearing],
    seed: int,
    duration_s: float,
    rated_speed_rad_s: float,
    solver_rate_hz: float,
) -> list[DefectDrag]:
    """The drag torques of a scenario's bearing defects (not the cage's), at most
    ``N_DEFECT_MAX`` of them; windows as for the vibration stage and the labels."""
    slots = {b.name: j for j, b in enumerate(bearings)}
    out = []
    for defect in bearing_defects_from_spec(faults, seed, duration_s):
        bearing = bearings[slots[defect.bearing]]
        if bearing.geometry is None:
            continue
        drag = drag_torque(
            defect, bearing, slots[defect.bearing], rated_speed_rad_s, solver_rate_hz
        )
        if drag is None:
            continue
        if len(out) == N_DEFECT_MAX:
            raise SpecError(
                f"at most {N_DEFECT_MAX} bearing defects on races or rolling elements per run "
                "(each drags on the shaft); cage defects do not count",
                field=f"faults[{defect.index}]",
                value="bearing_defect",
            )
        out.append(drag)
    return out
