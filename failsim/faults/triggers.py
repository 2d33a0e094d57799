"""Fault triggers resolved into active windows before the run.

A trigger has an onset ``at_s`` and an optional ``duration_s``. ``random`` delays the onset
by a draw from a Weibull distribution (shape 1: exponential, a constant hazard rate) from the
run's seed; ``intermittent`` switches the fault on for ``on_s`` and off for ``off_s``, again
and again, from the onset until its end. Each window is [onset, end); an end of None means
the fault lasts to the end of the run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from ..rng import component_rng


def random_delay_s(random: Mapping, seed: int, fault_index: int) -> float:
    """Weibull-distributed delay (s) of a random onset: scale_s * (-ln(1 - u))^(1 / shape)
    with u uniform from the generator of fault ``fault_index`` under ``seed``."""
    u = component_rng(seed, f"fault.{fault_index}.trigger").random()
    shape = float(random.get("shape", 1.0))
    return float(random["scale_s"]) * (-math.log1p(-u)) ** (1.0 / shape)


def fault_windows(
    trigger: Mapping, t_end_s: float, seed: int, fault_index: int
) -> list[tuple[float, float | None]]:
    """Active windows [onset, end) of a fault within a run of ``t_end_s`` seconds; end None
    means to the end of the run. Empty when a random onset falls after the run."""
    on = float(trigger["at_s"])
    if trigger.get("random"):
        on += random_delay_s(trigger["random"], seed, fault_index)
    if on >= t_end_s:
        return []
    dur = trigger.get("duration_s")
    end = t_end_s if dur is None else min(t_end_s, on + float(dur))
    inter = trigger.get("intermittent")
    if not inter:
        return [(on, None if end >= t_end_s else end)]
    on_s, off_s = float(inter["on_s"]), float(inter["off_s"])
    windows: list[tuple[float, float | None]] = []
    k = 0
    while True:
        a = on + k * (on_s + off_s)
        if a >= end:
            break
        b = min(end, a + on_s)
        windows.append((a, None if b >= t_end_s else b))
        k += 1
    return windows
