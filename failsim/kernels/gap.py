"""Fast-forward of the slow state across a gap between recording bursts.

A run recorded in bursts (``recording`` in a scenario: ``burst_s`` every ``every_s``)
simulates only the bursts, each after a lead-in that lets the fast states settle. Across the
gap the machine is taken to run as it did in the last burst, and only the slow state moves:

* the thermal network under the mean heat input of the last burst and the fan cooling at the
  speed it ended with, solved exactly for constant input,
  T(t + g) = T_ss + e^{-C^{-1} A g} (T(t) - T_ss),  A = G + diag(g_amb fan),
  T_ss = A^{-1} (P + g_amb fan T_amb);
* the resistances at the new winding and rotor temperatures;
* the overload relay's replica, exactly for its last mean-square current:
  theta(t + g) = theta_ss + (theta(t) - theta_ss) e^{-g / tau};
* the step index and the stream sample counters, so that time stays absolute.

Everything else (speeds, currents, drive state, fault profiles, which are functions of
absolute time) continues from the end of the last burst; a discrete event that falls in a
gap (a time trigger, a trip) is realised at the first step simulated after it.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import expm

from . import layout as L
from .machine_kernel import fan_factor, update_resistances
from .pack import Packed


def reset_loss_integrals(pk: Packed) -> None:
    """Start a new mean of the heat input (at the start of a burst)."""
    pk.s[L.S_LOSS_INT0 : L.S_LOSS_INT0 + L.N_NODE_MAX] = 0.0
    pk.s[L.S_LOSS_INT_T] = 0.0


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def skip_gap(pk: Packed, n_next: int, rates: tuple[int, int, int]) -> None:
    """Move the carried state of ``pk`` from its current step to step ``n_next`` without
    integrating the fast dynamics; ``rates`` = (fast, slow, trace) sample rates, Hz."""
    p, s, ii, x = pk.p, pk.s, pk.ii, pk.x
    rate = int(p[L.P_RATE_HZ])
    n_now = int(ii[L.I_STEP])
    if n_next <= n_now:
        return
    gap_s = (n_next - n_now) / rate
    n = int(p[L.P_N_NODES])
    th = pk.th
    heat = np.zeros(n)
    if s[L.S_LOSS_INT_T] > 0.0:
        heat = s[L.S_LOSS_INT0 : L.S_LOSS_INT0 + n] / s[L.S_LOSS_INT_T]
    fan = fan_factor(x[L.X_WM], p)
    g_amb = th[:n, n] * fan
    a = th[:n, :n] + np.diag(g_amb)
    t_ss = np.linalg.solve(a, heat + g_amb * p[L.P_T_AMBIENT])
    decay = expm(-(a / th[:n, n + 1][:, None]) * gap_s)
    temps = s[L.S_TEMPS0 : L.S_TEMPS0 + n]
    s[L.S_TEMPS0 : L.S_TEMPS0 + n] = t_ss + decay @ (temps - t_ss)
    update_resistances(s, p)
    ie_k = p[L.P_RELAY_IE] * p[L.P_RELAY_K]
    target = s[L.S_COND_CURRENT_RMS] ** 2 / (ie_k * ie_k)
    level = s[L.S_RELAY_LEVEL]
    s[L.S_RELAY_LEVEL] = target + (level - target) * np.exp(-gap_s / p[L.P_RELAY_TAU])
    fast, slow, trace = rates
    ii[L.I_STEP] = n_next
    ii[L.I_K_FAST] = _ceil_div(n_next * fast, rate)
    ii[L.I_K_SLOW] = _ceil_div(n_next * slow, rate)
    ii[L.I_K_TRACE] = _ceil_div(n_next * trace, rate) if trace else ii[L.I_K_TRACE]
    s[L.S_SLOW_ACC0 : L.S_SLOW_ACC0 + L.N_AVG_MAX] = 0.0  # the lead-in's first means
