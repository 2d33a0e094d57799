"""Machine faults compiled into the kernel's inputs: triggers and operating profiles.

A machine fault is a physical cause inside the simulation: the kernel sees it as a switching
action (a phase opening, a safety function, a parameter change such as a supply unbalance or a
broken-bar rotor asymmetry), a change of its supply-voltage profile (a sag), extra load torque
in its load profile (an overload) or a friction-torque profile on a shaft (a seizure). Its
onset and end are trigger firings, so the labels follow the realised events of the run.

Profiles are lists of breakpoints (t_s, value), linear between points; two points at the same
time make a step.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..kernels import layout as L
from .triggers import fault_windows

MACHINE_FAULT_KINDS = (
    "overload",
    "voltage_sag",
    "phase_loss",
    "voltage_unbalance",
    "broken_rotor_bars",
    "seizure",
    "emergency_stop",
    "controlled_stop",
    "belt_slip",
    "conveyor_jam",
    "idler_seizure",
    "lubrication_loss",
)
#: kinds the kernel carries out as switching actions (the others change a profile)
ACTION_FAULT_KINDS = (
    "phase_loss",
    "voltage_unbalance",
    "broken_rotor_bars",
    "emergency_stop",
    "controlled_stop",
    "belt_slip",
    "conveyor_jam",
    "idler_seizure",
)
#: stops are latched: no duration, no intermittent switching
STOP_FAULT_KINDS = ("emergency_stop", "controlled_stop")

#: kind -> (severity unit, severity at which health reaches 0; None: from the machine)
SEVERITY: dict[str, tuple[str, float | None]] = {
    "overload": ("pu", 1.0),  # 100 % extra load: twice the rated torque, no motor's duty
    "voltage_sag": ("pu", 0.9),  # IEEE 1159: below 0.1 pu remaining is an interruption
    "phase_loss": ("phases", 1.0),  # one open phase: the machine has lost a supply line
    "voltage_unbalance": ("%", 5.0),  # NEMA MG-1: no operation above 5 % unbalance
    "broken_rotor_bars": ("bars", None),  # N/6 bars: the rotor resistance has doubled
    "seizure": ("N m", None),  # the motor's breakdown torque: the train locks up
    "emergency_stop": ("category", 0.0),  # out of production from the onset
    "controlled_stop": ("category", 0.0),
    "bearing_defect": ("mm", None),  # a quarter of the rolling-element diameter
    "belt_slip": ("%", None),  # the capstan limit no longer covers the design load
    "conveyor_jam": ("N", None),  # the jam takes all the grip left at the design load
    "idler_seizure": ("idlers", None),  # the seized rolls take all the grip left
    "imbalance": ("g mm", None),  # balance grade G 16 for the rotor (shaft_faults.py)
    "misalignment": ("mm", 0.5),  # equivalent offset at the coupling
    "lubrication_loss": ("x", 100.0),  # friction 100 times the healthy bearing's
    "gear_tooth_damage": ("%", 100.0),  # the tooth carries nothing: broken
    "looseness": ("%", 100.0),  # the support holds nothing on one side
}


def health(kind: str, severity: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """Health 1 (new) .. 0 (failure threshold) of a fault of ``kind`` at ``severity``;
    ``threshold`` overrides the kind's fixed threshold (machine-dependent kinds). A threshold
    of 0 means health 0 from the onset (stops)."""
    if threshold is None:
        threshold = SEVERITY[kind][1]
    sev = np.asarray(severity, dtype=np.float64)
    if not threshold:
        return np.zeros(sev.shape)
    h = np.clip(1.0 - sev / threshold, 0.0, 1.0)
    return np.where(h < 1e-9, 0.0, h)  # at the threshold up to rounding: failed


def rotor_asymmetry(broken_bars: int, rotor_bars: int) -> float:
    """Relative extra rotor resistance on one rotor axis (the kernel's asymmetry) of a cage
    with ``broken_bars`` adjacent broken bars out of ``rotor_bars``.

    The equivalent resistance increase of the faulted rotor phase is
    dR/R = 3 n / (N - 3 n) (Bellini et al. 2001); on the two-axis rotor (power-invariant
    transformation) one phase's extra resistance appears as 2/3 of it on one axis, so
    a = 2 n / (N - 3 n)."""
    n, big_n = int(broken_bars), int(rotor_bars)
    if not 0 < 3 * n < big_n:
        raise ValueError(f"broken_bars = {n} must be between 1 and {(big_n - 1) // 3}")
    return 2.0 * n / (big_n - 3.0 * n)


def phase_of(h: np.ndarray) -> np.ndarray:
    """Fault phase from health: incipient above 2/3, developing above 0, failed at 0."""
    h = np.asarray(h)
    return np.where(h > 2.0 / 3.0, "incipient", np.where(h > 0.0, "developing", "failed"))


# ------------------------------------------------------------------ piecewise profiles


def _limits(pts: Sequence[tuple[float, float]], t: float) -> tuple[float, float]:
    """Left and right limit at ``t`` of the profile ``pts`` (held before the first point
    and after the last)."""
    times = [p[0] for p in pts]
    if t < times[0]:
        return pts[0][1], pts[0][1]
    if t > times[-1]:
        return pts[-1][1], pts[-1][1]
    # points exactly at t: the first gives the left limit, the last the right limit
    at = [i for i, tt in enumerate(times) if tt == t]
    if at:
        return pts[at[0]][1], pts[at[-1]][1]
    k = max(i for i, tt in enumerate(times) if tt < t)
    (t0, v0), (t1, v1) = pts[k], pts[k + 1]
    v = v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return v, v


def combine(
    a: Sequence[tuple[float, float]],
    b: Sequence[tuple[float, float]],
    op: Callable[[float, float], float],
) -> list[tuple[float, float]]:
    """Breakpoints of op(a(t), b(t)). Exact for sums of piecewise-linear profiles and for
    products where at most one factor varies on each interval (steps times anything)."""
    times = sorted({p[0] for p in a} | {p[0] for p in b})
    out: list[tuple[float, float]] = []
    for t in times:
        al, ar = _limits(a, t)
        bl, br = _limits(b, t)
        left, right = op(al, bl), op(ar, br)
        out.append((t, left))
        if right != left:
            out.append((t, right))
    return out


def overload_points(
    f: Mapping, t_end_s: float, on: float | None = None, off: float | None = None
) -> list[tuple[float, float]]:
    """Extra load (pu) of an overload fault active over [on, off) as breakpoints: a step or
    ramp from the onset, optionally cyclic, back to 0 at its end (or held to ``t_end_s``).
    ``on`` and ``off`` default to the fault's ``at_s`` and ``at_s + duration_s``."""
    if on is None:
        on = float(f["trigger"]["at_s"])
        dur = f["trigger"].get("duration_s")
        off = None if dur is None else on + float(dur)
    off = t_end_s if off is None else min(t_end_s, off)
    x = float(f["extra_load_pu"])
    ramp = float(f.get("ramp_s") or 0.0)
    period = f.get("period_s")
    pts = [(0.0, 0.0), (on, 0.0)]
    if period is None:
        top = on + ramp
        if top < off:
            pts.append((top, x))
            pts.append((off, x))
            pts.append((off, 0.0))
        else:  # ends during the ramp
            pts.append((off, x * (off - on) / ramp))
            pts.append((off, 0.0))
        return pts
    period = float(period)
    high = float(f.get("duty", 0.5)) * period
    k = 0
    while on + k * period < off:
        c0 = on + k * period
        c1 = min(off, c0 + high)
        r1 = min(c1, c0 + ramp)
        pts.append((c0, 0.0))
        if r1 > c0:
            pts.append((r1, x * (r1 - c0) / ramp if ramp > 0 else x))
        else:
            pts.append((c0, x))
        pts.append((c1, pts[-1][1]))
        pts.append((c1, 0.0))
        k += 1
    return pts


def seizure_points(
    f: Mapping, t_end_s: float, on: float, off: float | None
) -> list[tuple[float, float]]:
    """Friction torque (N m) of a seizure from its onset: an exponential runaway to
    ``friction_torque_n_m`` over ``runaway_s`` (a step when 0), held to its end.

    T(t) = T_f (e^{(t - t_on)/tau} - 1) / (e^{R/tau} - 1) on [t_on, t_on + R] with
    tau = R/5 (slow creep, then the jump), sampled at 40 breakpoints."""
    off = t_end_s if off is None else min(t_end_s, off)
    torque = float(f["friction_torque_n_m"])
    runaway = float(f.get("runaway_s") or 0.0)
    pts = [(0.0, 0.0), (on, 0.0)]
    if runaway <= 0.0:
        pts.append((on, torque))
    else:
        tau = runaway / 5.0
        scale = math.expm1(runaway / tau)
        for k in range(1, 41):
            tk = on + runaway * k / 40.0
            if tk >= off:
                break
            pts.append((tk, torque * math.expm1((tk - on) / tau) / scale))
    if off < t_end_s:
        pts.append((off, pts[-1][1] if pts[-1][0] == off else _held(pts, off)))
        pts.append((off, 0.0))
    return pts


def _held(pts: Sequence[tuple[float, float]], t: float) -> float:
    return _limits(pts, t)[0]


def lubrication_points(
    f: Mapping, t_end_s: float, on: float, off: float | None
) -> list[tuple[float, float]]:
    """Friction multiplier of a bearing losing its lubricant: 1 before the onset, rising
    linearly to ``friction_factor`` over ``degradation_s`` (at once when 0), held to the end
    of the window, back to 1 after it."""
    off_t = t_end_s if off is None else min(t_end_s, off)
    m = float(f["friction_factor"])
    ramp = float(f.get("degradation_s") or 0.0)
    pts = [(0.0, 1.0), (on, 1.0)]
    if ramp <= 0.0:
        pts.append((on, m))
    elif on + ramp < off_t:
        pts.append((on + ramp, m))
    else:
        pts.append((off_t, 1.0 + (m - 1.0) * (off_t - on) / ramp))
    if off is not None and off < t_end_s:
        pts.append((off_t, _held(pts, off_t)))
        pts.append((off_t, 1.0))
    return pts


def sag_factor_points(
    f: Mapping, t_end_s: float, on: float, off: float | None
) -> list[tuple[float, float]]:
    """Factor on the supply voltage of a sag fault: 1, then 1 - depth_pu over [on, off)."""
    off = t_end_s if off is None else min(t_end_s, off)
    r = 1.0 - float(f["depth_pu"])
    return [(0.0, 1.0), (on, 1.0), (on, r), (off, r), (off, 1.0)]


# ------------------------------------------------------------------ what the kernel gets


@dataclass
class FaultTrigger:
    """One trigger the kernel fires for a fault: its onset or its end, at a time or (``when``,
    the scenario's condition mapping) when a simulated quantity crosses a threshold."""

    fault_index: int
    role: str  # "onset" or "end"
    at_s: float
    action: int
    arg: int
    value: float = 0.0
    when: Mapping | None = None


@dataclass
class FaultInfo:
    """What the labels need of one fault."""

    kind: str
    target: str
    severity: float  # in ``unit``
    unit: str
    profile: list[tuple[float, float]] | None  # severity over time, or None if constant
    label: str
    threshold: float | None = None  # severity at health 0, if machine-dependent
    #: the profile's times count from the realised onset (a condition-triggered fault)
    relative: bool = False


@dataclass
class Seizure:
    """Where the seizure friction acts: shaft (layout SHAFT_*), Stribeck parameters, and the
    bearing slot that takes the heat (-1: none)."""

    shaft: int
    static_ratio: float
    stribeck_speed_rad_s: float
    bearing_slot: int
    #: lubrication loss: (runaway temperature degC, K per e-fold); None for a seizure
    runaway: tuple[float, float] | None = None


@dataclass
class CompiledFaults:
    """Machine faults of a scenario, as the kernel takes them."""

    load_extra: list[tuple[float, float]] = field(default_factory=lambda: [(0.0, 0.0)])
    voltage_factor: list[tuple[float, float]] = field(default_factory=lambda: [(0.0, 1.0)])
    friction: list[tuple[float, float]] = field(default_factory=lambda: [(0.0, 0.0)])
    #: profiles of condition-triggered faults over the time since their onset:
    #: (layout REL_* target, breakpoints)
    relative: list[tuple[int, list[tuple[float, float]]]] = field(default_factory=list)
    seizure: Seizure | None = None
    triggers: list[FaultTrigger] = field(default_factory=list)
    info: dict[int, FaultInfo] = field(default_factory=dict)


@dataclass(frozen=True)
class MachineContext:
    """Facts of the machine that some faults need."""

    supply_kind: int  # layout SUPPLY_*
    bearing_names: tuple[str, ...] = ()
    bearing_friction_n_m: tuple[float, ...] = ()  # healthy friction torque of each bearing
    rotor_bars: int | None = None
    breakdown_torque_n_m: float = math.inf  # largest torque the motor can deliver
    base_unbalance: float = 0.0  # scenario's negative/positive sequence ratio
    base_unbalance_angle_rad: float = 0.0
    belt: BeltContext | None = None  # the belt conveyor, if the machine has one


@dataclass(frozen=True)
class BeltContext:
    """The belt conveyor's drive-pulley grip and running resistance."""

    takeup_tension_n: float  # T_2
    friction_static: float  # mu_s of belt on lagging
    friction_kinetic: float  # mu_k
    wrap_rad: float  # theta
    special_resistance_n: float  # F_S
    rated_resistance_n: float  # F_U at the design throughput
    carry_load_kg_m: float = 0.0  # belt and bulk load per metre on the carry side, design

    def capstan_n(self, mu: float | None = None, t2: float | None = None) -> float:
        """Largest force the pulley can pass to the belt, T_2 (e^(mu theta) - 1), N."""
        mu = self.friction_static if mu is None else mu
        t2 = self.takeup_tension_n if t2 is None else t2
        return t2 * math.expm1(mu * self.wrap_rad)


def _stop_action(kind: str, category: int, supply_kind: int) -> int:
    if kind == "controlled_stop":
        return L.ACT_SS2
    if category == 1:
        return L.ACT_SS1
    return L.ACT_OPEN_CONTACTOR if supply_kind == L.SUPPLY_MAINS else L.ACT_STO


def compile_machine_faults(
    faults: Sequence[Mapping],
    t_end_s: float,
    machine: MachineContext,
    seed: int = 0,
) -> CompiledFaults:
    """Profiles and triggers of the machine faults among a scenario's ``faults``; random and
    intermittent triggers are resolved into windows from ``seed``."""
    out = CompiledFaults()
    phases = {"a": 0, "b": 1, "c": 2}
    for i, f in enumerate(faults):
        kind = f["kind"]
        if kind not in MACHINE_FAULT_KINDS:
            continue
        unit = SEVERITY[kind][0]
        label = f.get("label", "")
        trig = f["trigger"]
        when = trig.get("when")
        severity_pts: list[tuple[float, float]] = [(0.0, 0.0)]
        threshold: float | None = None
        severity = 1.0
        # switching actions: (action, arg, value) at the onset and at the end
        onset: list[tuple[int, int, float]] = []
        ending: list[tuple[int, int, float]] = []
        if kind == "phase_loss":
            arg = phases[f["target"].split(".")[1]]
            onset, ending = [(L.ACT_OPEN_PHASE, arg, 0.0)], [(L.ACT_RESTORE_PHASE, arg, 0.0)]
        elif kind == "voltage_unbalance":
            severity = float(f["unbalance_pct"])
            angle = math.radians(float(f.get("angle_deg", 0.0)))
            onset = [
                (L.ACT_SET_PARAM, L.P_UNBALANCE_ANGLE, angle),
                (L.ACT_SET_PARAM, L.P_UNBALANCE, severity / 100.0),
            ]
            ending = [
                (L.ACT_SET_PARAM, L.P_UNBALANCE_ANGLE, machine.base_unbalance_angle_rad),
                (L.ACT_SET_PARAM, L.P_UNBALANCE, machine.base_unbalance),
            ]
        elif kind == "belt_slip":
            belt = machine.belt
            keep_mu = 1.0 - float(f["friction_loss_pct"]) / 100.0
            keep_t2 = 1.0 - float(f.get("takeup_loss_pct", 0.0)) / 100.0
            mu_s, mu_k = belt.friction_static * keep_mu, belt.friction_kinetic * keep_mu
            t2 = belt.takeup_tension_n * keep_t2
            # severity: the loss of the capstan limit; health 0 when it no longer covers the
            # running resistance at the design throughput
            severity = 100.0 * (1.0 - belt.capstan_n(mu_s, t2) / belt.capstan_n())
            threshold = 100.0 * (1.0 - belt.rated_resistance_n / belt.capstan_n())
            onset = [
                (L.ACT_SET_PARAM, L.P_BELT_MU_K, mu_k),
                (L.ACT_SET_PARAM, L.P_BELT_T2, t2),
                (L.ACT_SET_PARAM, L.P_BELT_MU_S, mu_s),
            ]
            ending = [
                (L.ACT_SET_PARAM, L.P_BELT_MU_K, belt.friction_kinetic),
                (L.ACT_SET_PARAM, L.P_BELT_T2, belt.takeup_tension_n),
                (L.ACT_SET_PARAM, L.P_BELT_MU_S, belt.friction_static),
            ]
        elif kind == "idler_seizure":
            belt = machine.belt
            n_idlers = int(f["seized_idlers"])
            severity = float(n_idlers)
            # each seized roll brakes the belt that slides over it: mu N, with N the weight of
            # the belt and load on the roll's spacing
            per_idler = (
                float(f.get("belt_roll_friction", 0.4))
                * belt.carry_load_kg_m
                * 9.80665
                * float(f.get("idler_spacing_m", 1.2))
            )
            # health 0 when the seized rolls take all the grip left at the design load
            threshold = (belt.capstan_n() - belt.rated_resistance_n) / per_idler
            base = belt.special_resistance_n
            onset = [(L.ACT_SET_PARAM, L.P_CONV_SPECIAL, base + n_idlers * per_idler)]
            ending = [(L.ACT_SET_PARAM, L.P_CONV_SPECIAL, base)]
        elif kind == "conveyor_jam":
            belt = machine.belt
            severity = float(f["resistance_n"])
            # health 0 when the jam takes all the pulley's grip left at the design throughput
            threshold = belt.capstan_n() - belt.rated_resistance_n
            base = belt.special_resistance_n
            onset = [(L.ACT_SET_PARAM, L.P_CONV_SPECIAL, base + severity)]
            ending = [(L.ACT_SET_PARAM, L.P_CONV_SPECIAL, base)]
        elif kind == "broken_rotor_bars":
            n = int(f["broken_bars"])
            big_n = int(machine.rotor_bars or 0)
            severity, threshold = float(n), big_n / 6.0
            onset = [(L.ACT_SET_PARAM, L.P_ROTOR_ASYM, rotor_asymmetry(n, big_n))]
            ending = [(L.ACT_SET_PARAM, L.P_ROTOR_ASYM, 0.0)]
        elif kind in STOP_FAULT_KINDS:
            severity = 2.0 if kind == "controlled_stop" else float(f["category"])
            onset = [(_stop_action(kind, int(severity), machine.supply_kind), 0, 0.0)]
        elif kind == "seizure":
            severity = float(f["friction_torque_n_m"])
            threshold = machine.breakdown_torque_n_m
            target = f["target"]
            if target == "load":
                out.seizure = Seizure(L.SHAFT_LOAD, 1.0, 1.0, -1)
            else:
                slot = machine.bearing_names.index(target.split(".", 1)[1])
                out.seizure = Seizure(L.SHAFT_MOTOR, 1.0, 1.0, slot)
            out.seizure.static_ratio = float(f.get("static_ratio", 1.5))
            out.seizure.stribeck_speed_rad_s = float(f.get("stribeck_speed_rad_s", 2.0))
        elif kind == "lubrication_loss":
            severity = float(f["friction_factor"])
            slot = machine.bearing_names.index(f["target"].split(".", 1)[1])
            runaway = (float(f.get("runaway_temp_c", 110.0)), float(f.get("runaway_width_k", 10.0)))
            out.seizure = Seizure(L.SHAFT_MOTOR, 1.0, 1.0, slot, runaway)
        elif kind == "overload":
            severity = float(f["extra_load_pu"])
        elif kind == "voltage_sag":
            severity = float(f["depth_pu"])

        if when is not None and kind not in ACTION_FAULT_KINDS:
            # a profile over the time since the onset, started by the condition's trigger
            if kind == "overload":
                pts, target = overload_points(f, t_end_s, 0.0, None), L.REL_LOAD
                severity_pts = pts
            elif kind == "voltage_sag":
                pts, target = sag_factor_points(f, t_end_s, 0.0, None), L.REL_VOLTAGE
            elif kind == "lubrication_loss":
                factors = lubrication_points(f, t_end_s, 0.0, None)
                t_b = machine.bearing_friction_n_m[out.seizure.bearing_slot]
                pts = [(t, (m - 1.0) * t_b) for t, m in factors]
                target, severity_pts = L.REL_FRICTION, factors
            else:
                pts, target = seizure_points(f, t_end_s, 0.0, None), L.REL_FRICTION
                severity_pts = pts
            if len(out.relative) >= L.N_REL_MAX:
                raise ValueError(
                    f"at most {L.N_REL_MAX} condition-triggered overloads, sags and seizures"
                )
            start = (L.ACT_START_PROFILE, len(out.relative), 0.0)
            out.relative.append((target, pts))
            out.triggers.append(FaultTrigger(i, "onset", math.inf, *start, when))
            profile = severity_pts if kind in ("overload", "seizure", "lubrication_loss") else None
            out.info[i] = FaultInfo(
                kind, f["target"], severity, unit, profile, label, threshold, relative=True
            )
            continue
        if when is not None:
            windows: list[tuple[float, float | None]] = [(math.inf, None)]
        else:
            windows = fault_windows(trig, t_end_s, seed, i)
        for on, off in windows:
            if kind == "overload":
                pts = overload_points(f, t_end_s, on, off)
                out.load_extra = combine(out.load_extra, pts, lambda u, v: u + v)
                severity_pts = combine(severity_pts, pts, lambda u, v: u + v)
            elif kind == "voltage_sag":
                pts = sag_factor_points(f, t_end_s, on, off)
                out.voltage_factor = combine(out.voltage_factor, pts, lambda u, v: u * v)
            elif kind == "seizure":
                pts = seizure_points(f, t_end_s, on, off)
                out.friction = combine(out.friction, pts, lambda u, v: u + v)
                severity_pts = combine(severity_pts, pts, lambda u, v: u + v)
            elif kind == "lubrication_loss":
                factors = lubrication_points(f, t_end_s, on, off)
                t_b = machine.bearing_friction_n_m[out.seizure.bearing_slot]
                extra = [(t, (m - 1.0) * t_b) for t, m in factors]
                out.friction = combine(out.friction, extra, lambda u, v: u + v)
                # each window's multiplier is 1 outside it: the largest is the one active
                if severity_pts == [(0.0, 0.0)]:
                    severity_pts = factors
                else:
                    severity_pts = combine(severity_pts, factors, max)
            # the first action of an onset or end carries the label's role; further actions
            # at the same instant are plain "action" firings
            for k, (action, arg, value) in enumerate(onset or [(0, 0, 0.0)]):
                role = "onset" if k == 0 else "action"
                out.triggers.append(FaultTrigger(i, role, on, action, arg, value, when))
            if off is not None:
                for k, (action, arg, value) in enumerate(ending or [(0, 0, 0.0)]):
                    role = "end" if k == 0 else "action"
                    out.triggers.append(FaultTrigger(i, role, off, action, arg, value))
        profile = severity_pts if kind in ("overload", "seizure", "lubrication_loss") else None
        out.info[i] = FaultInfo(kind, f["target"], severity, unit, profile, label, threshold)
    return out


def profile_value(pts: Sequence[tuple[float, float]], t_s: np.ndarray) -> np.ndarray:
    """Right-continuous value of a breakpoint profile at times ``t_s``."""
    times = np.array([p[0] for p in pts])
    vals = np.array([p[1] for p in pts])
    out = np.empty(np.shape(t_s))
    for n, t in enumerate(np.asarray(t_s, dtype=np.float64).ravel()):
        k = int(np.searchsorted(times, t, side="right")) - 1
        if k < 0:
            out.flat[n] = vals[0]
        elif k + 1 >= len(times) or times[k + 1] == times[k]:
            out.flat[n] = vals[k]
        else:
            out.flat[n] = vals[k] + (vals[k + 1] - vals[k]) * (t - times[k]) / (
                times[k + 1] - times[k]
            )
    return out
