"""Machine faults compiled into the kernel's inputs: triggers and operating profiles.

A machine fault is a physical cause inside the simulation: the kernel sees it as a switching
action (a phase opening), a change of its supply-voltage profile (a sag) or extra load torque
in its load profile (an overload). Its onset and end are trigger firings, so the labels follow
the realised events of the run.

Profiles are lists of breakpoints (t_s, value), linear between points; two points at the same
time make a step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .triggers import fault_windows

MACHINE_FAULT_KINDS = ("overload", "voltage_sag", "phase_loss")

#: kind -> (severity unit, severity at which health reaches 0)
SEVERITY: dict[str, tuple[str, float]] = {
    "overload": ("pu", 1.0),  # 100 % extra load: twice the rated torque, no motor's duty
    "voltage_sag": ("pu", 0.9),  # IEEE 1159: below 0.1 pu remaining is an interruption
    "phase_loss": ("phases", 1.0),  # one open phase: the machine has lost a supply line
}


def health(kind: str, severity: np.ndarray) -> np.ndarray:
    """Health 1 (new) .. 0 (failure threshold) of a fault of ``kind`` at ``severity``."""
    threshold = SEVERITY[kind][1]
    return np.clip(1.0 - np.asarray(severity, dtype=np.float64) / threshold, 0.0, 1.0)


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
    """One trigger the kernel fires for a fault: its onset or its end."""

    fault_index: int
    role: str  # "onset" or "end"
    at_s: float
    action: int
    arg: int


@dataclass
class CompiledFaults:
    """Machine faults of a scenario, as the kernel takes them."""

    load_extra: list[tuple[float, float]] = field(default_factory=lambda: [(0.0, 0.0)])
    voltage_factor: list[tuple[float, float]] = field(default_factory=lambda: [(0.0, 1.0)])
    triggers: list[FaultTrigger] = field(default_factory=list)
    #: fault index -> (kind, target, severity value, unit, severity profile or None, label)
    info: dict[int, tuple] = field(default_factory=dict)


def compile_machine_faults(
    faults: Sequence[Mapping],
    t_end_s: float,
    act_open_phase: int,
    act_restore_phase: int,
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
        severity_pts: list[tuple[float, float]] = [(0.0, 0.0)]
        for on, off in fault_windows(f["trigger"], t_end_s, seed, i):
            if kind == "phase_loss":
                arg = phases[f["target"].split(".")[1]]
                out.triggers.append(FaultTrigger(i, "onset", on, act_open_phase, arg))
                if off is not None:
                    out.triggers.append(FaultTrigger(i, "end", off, act_restore_phase, arg))
                continue
            if kind == "overload":
                pts = overload_points(f, t_end_s, on, off)
                out.load_extra = combine(out.load_extra, pts, lambda u, v: u + v)
                severity_pts = combine(severity_pts, pts, lambda u, v: u + v)
            else:  # voltage_sag
                pts = sag_factor_points(f, t_end_s, on, off)
                out.voltage_factor = combine(out.voltage_factor, pts, lambda u, v: u * v)
            out.triggers.append(FaultTrigger(i, "onset", on, 0, 0))
            if off is not None:
                out.triggers.append(FaultTrigger(i, "end", off, 0, 0))
        if kind == "phase_loss":
            out.info[i] = (kind, f["target"], 1.0, unit, None, label)
        elif kind == "overload":
            out.info[i] = (kind, f["target"], float(f["extra_load_pu"]), unit, severity_pts, label)
        else:
            out.info[i] = (kind, f["target"], float(f["depth_pu"]), unit, None, label)
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
