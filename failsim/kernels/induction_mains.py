"""Numba kernel: induction motor on a mains supply, two-mass shaft, thermal network, relay.

Private layer. Arrays in, arrays out; the slot names are in :mod:`failsim.kernels.layout`.

One call of :func:`advance` integrates solver steps ``ii[I_STEP]`` .. ``n_end - 1`` with
fixed-step RK4 at ``p[P_RATE_HZ]`` (time of step n is exactly ``n / rate``), and writes

* the fast (electrical) stream, instantaneous values linearly interpolated to ``t = k / fs``;
* the slow (process) stream, interval means and instantaneous states at ``t = k / fs``;
* the event log (``ev``), one row per realised discrete event.

Discrete things happen at step boundaries, in this order: pending contactor opening, time
triggers, and (every ``thermal_substeps`` steps) the thermal network, the overload relay and
condition triggers, which see the means of the losses and of ``i^2`` over their sub-cycle (so
the 50 Hz ripple is integrated, not sampled). All carried state lives in ``x``, ``s``, ``ii``
and ``trig_s``, so splitting a run into chunks does not change a single bit of the result.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..config import NUMBA_OPTIONS
from .layout import (
    ACT_CLOSE_CONTACTOR,
    ACT_OPEN_CONTACTOR,
    ACT_OPEN_PHASE,
    ACT_RESTORE_PHASE,
    ACT_SET_PARAM,
    DIV_CURRENT,
    DIV_NONFINITE,
    DIV_SPEED,
    EV_CONTACTOR_CLOSED,
    EV_CONTACTOR_OPEN_COMMAND,
    EV_CONTACTOR_OPENED,
    EV_DIVERGED,
    EV_PARAM_SET,
    EV_PHASE_OPENED,
    EV_PHASE_RESTORED,
    EV_RELAY_TRIPPED,
    EV_STATE,
    EV_TRIGGER_FIRED,
    I_CACHE_VALID,
    I_CONTACTOR,
    I_DIVERGED,
    I_K_FAST,
    I_K_SLOW,
    I_K_TRACE,
    I_MACHINE_STATE,
    I_N_EVENTS,
    I_PHASE_OPEN,
    I_PROF_CURSOR0,
    I_REACHED_RUNNING,
    I_RELAY_TRIPPED,
    I_STATE_LOGGED,
    I_STEP,
    LOAD_CONSTANT,
    LOAD_LINEAR,
    LOAD_QUADRATIC,
    MS_RUNNING,
    MS_STARTING,
    MS_STOPPED,
    MS_STOPPING,
    MS_TRIPPED,
    N_AVG,
    N_BEARING_MAX,
    N_F,
    N_X,
    N_Y,
    P_B_VISCOUS,
    P_BEARING_T0,
    P_BEARING_T_TOTAL,
    P_C_COUPLING,
    P_CONTACTOR_DELAY,
    P_EXT_TORQUE,
    P_F_SUPPLY,
    P_FAN_EXPONENT,
    P_FAN_STANDSTILL,
    P_G_FE,
    P_I_LIMIT,
    P_JL,
    P_JM,
    P_K_COUPLING,
    P_K_WINDAGE,
    P_LM,
    P_LOAD_A,
    P_LOAD_B,
    P_LOAD_BREAKAWAY,
    P_LOAD_C,
    P_LOAD_KIND,
    P_LOAD_TN,
    P_LOAD_WN,
    P_LR,
    P_LS,
    P_N_BEARINGS,
    P_N_NODES,
    P_NODE_BEARING0,
    P_NODE_HOUSING,
    P_NODE_IRON,
    P_NODE_ROTOR,
    P_NODE_WINDING,
    P_POLE_PAIRS,
    P_R_REF_TEMP_C,
    P_RATE_HZ,
    P_RELAY_ENABLED,
    P_RELAY_IE,
    P_RELAY_K,
    P_RELAY_TAU,
    P_ROTOR_ASYM,
    P_RR_REF,
    P_RR_TEMP_K,
    P_RS_REF,
    P_RS_TEMP_K,
    P_T_AMBIENT,
    P_THERMAL_COUPLING,
    P_THERMAL_SUBSTEPS,
    P_UNBALANCE,
    P_UNBALANCE_ANGLE,
    P_V_PEAK,
    P_W_LIMIT,
    P_W_RATED,
    P_W_RUNNING,
    P_W_STANDSTILL,
    P_WEPS_L,
    P_WEPS_M,
    PROF_LOAD,
    PROF_VOLTAGE,
    Q_ISQ,
    Q_RELAY,
    Q_TEMP0,
    Q_THETA_M,
    S_ACC_BEARING0,
    S_ACC_CU_R,
    S_ACC_CU_S,
    S_ACC_DT,
    S_ACC_FE,
    S_ACC_FW,
    S_ACC_I2A,
    S_ACC_I2B,
    S_ACC_I2C,
    S_COND_CURRENT_RMS,
    S_CONTACTOR_OPEN_AT,
    S_RELAY_LEVEL,
    S_RR,
    S_RS,
    S_SLOW_ACC0,
    S_TEMPS0,
    S_THETA_SUPPLY,
    SIG_CURRENT_RMS_A,
    SIG_RELAY_LEVEL,
    SIG_SPEED_RPM,
    SIG_TEMP0,
    SIG_TORQUE_N_M,
    T_PSIRA,
    T_PSIRB,
    T_THETA_M,
    T_WM,
    TRIG_ABOVE,
    TRIG_AT_TIME,
    TRIG_BELOW,
    X_ISA,
    X_ISB,
    X_PSIRA,
    X_PSIRB,
    X_THM,
    X_TWIST,
    X_WL,
    X_WM,
    Y_IA,
    Y_IB,
    Y_IC,
    Y_ISQ,
    Y_P,
    Y_PSIRA,
    Y_PSIRB,
    Y_THM,
    Y_TSHAFT,
    Y_UA,
    Y_UB,
    Y_UC,
    Y_USQ,
    Y_WM,
)

TWO_PI = 2.0 * math.pi
SQRT3_2 = 0.5 * math.sqrt(3.0)

# auxiliary quantities returned by _deriv
A_TE = 0  # electromagnetic torque, N m
A_TSHAFT = 1  # coupling torque, N m
A_ILA = 2  # line current alpha, A (stator + iron-loss shunt)
A_ILB = 3
A_UMA = 4  # motor terminal voltage alpha, V
A_UMB = 5
A_PFE = 6  # iron loss, W
A_PCUR = 7  # rotor copper loss, W
A_PCUS = 8  # stator copper loss, W
A_PFW = 9  # windage + viscous loss, W
A_BEAR_SCALE = 10  # tanh(w / w_eps): bearing friction direction and regularisation
N_A = 11


@njit(**NUMBA_OPTIONS)
def _profile_value(prof, prof_n, j, cursor, t):
    """Piecewise-linear profile j at time t, searching forward from ``cursor``."""
    n = prof_n[j]
    if n == 0:
        return 1.0
    m = cursor
    while m + 1 < n and prof[j, m + 1, 0] <= t:
        m += 1
    if m == 0 and t < prof[j, 0, 0]:
        return prof[j, 0, 1]
    if m + 1 >= n:
        return prof[j, n - 1, 1]
    t0 = prof[j, m, 0]
    t1 = prof[j, m + 1, 0]
    if t1 <= t0:
        return prof[j, m + 1, 1]
    return prof[j, m, 1] + (prof[j, m + 1, 1] - prof[j, m, 1]) * (t - t0) / (t1 - t0)


@njit(**NUMBA_OPTIONS)
def _open_phase_index(mask):
    """Index of the single open phase, -1 if none, 3 if two or more (no current path)."""
    if mask == 0:
        return -1
    if mask == 1:
        return 0
    if mask == 2:
        return 1
    if mask == 4:
        return 2
    return 3


@njit(**NUMBA_OPTIONS)
def _fast_tanh(v):
    """tanh, exact to the last bit: beyond |v| = 20 it is +/-1 in double precision."""
    if v > 20.0:
        return 1.0
    if v < -20.0:
        return -1.0
    return math.tanh(v)


@njit(**NUMBA_OPTIONS)
def _deriv(x, ua, ub, load_scale, s, ii, p, dx, aux):
    """Right-hand side for supply voltage (ua, ub) (V, alpha-beta, as applied if the
    contactor conducts) and load-profile scale ``load_scale``; fills ``dx`` and ``aux``."""
    isa = x[X_ISA]
    isb = x[X_ISB]
    pra = x[X_PSIRA]
    prb = x[X_PSIRB]
    wm = x[X_WM]
    wl = x[X_WL]
    ls = p[P_LS]
    lr = p[P_LR]
    lm = p[P_LM]
    npp = p[P_POLE_PAIRS]
    sig_ls = ls - lm * lm / lr  # sigma * L_s
    kr = lm / lr
    rs = s[S_RS]
    rr = s[S_RR]

    # rotor circuit (stator frame), with an optional rotor-axis resistance asymmetry
    ira = (pra - lm * isa) / lr
    irb = (prb - lm * isb) / lr
    asym = p[P_ROTOR_ASYM]
    if asym != 0.0:
        the = npp * x[X_THM]
        c = math.cos(the)
        sn = math.sin(the)
        ird = c * ira + sn * irb
        irq = -sn * ira + c * irb
        vd = rr * (1.0 + asym) * ird
        vq = rr * irq
        vra = c * vd - sn * vq
        vrb = sn * vd + c * vq
        pcur = 1.5 * (vd * ird + vq * irq)
    else:
        vra = rr * ira
        vrb = rr * irb
        pcur = 1.5 * rr * (ira * ira + irb * irb)
    we = npp * wm
    dpra = -vra - we * prb
    dprb = -vrb + we * pra

    # stator circuit
    open_idx = _open_phase_index(ii[I_PHASE_OPEN])
    conducting = ii[I_CONTACTOR] == 1 and open_idx < 3
    if conducting:
        disa = (ua - rs * isa - kr * dpra) / sig_ls
        disb = (ub - rs * isb - kr * dprb) / sig_ls
        if open_idx >= 0:
            # one line open: current can only flow along e_perp, perpendicular to the open
            # phase's axis; the open terminal floats (its voltage follows from the machine)
            ang = TWO_PI * open_idx / 3.0
            epa = -math.sin(ang)
            epb = math.cos(ang)
            proj = disa * epa + disb * epb
            disa = proj * epa
            disb = proj * epb
            uma = rs * isa + sig_ls * disa + kr * dpra
            umb = rs * isb + sig_ls * disb + kr * dprb
            up = ua * epa + ub * epb
            ifa = p[P_G_FE] * up * epa
            ifb = p[P_G_FE] * up * epb
            pfe = 1.5 * p[P_G_FE] * up * up
        else:
            uma = ua
            umb = ub
            ifa = p[P_G_FE] * ua
            ifb = p[P_G_FE] * ub
            pfe = 1.5 * p[P_G_FE] * (ua * ua + ub * ub)
    else:
        disa = 0.0
        disb = 0.0
        # residual voltage of the rotor field at the open terminals
        uma = kr * dpra
        umb = kr * dprb
        ifa = 0.0
        ifb = 0.0
        pfe = 0.0

    te = 1.5 * npp * kr * (pra * isb - prb * isa)
    tsh = p[P_K_COUPLING] * x[X_TWIST] + p[P_C_COUPLING] * (wm - wl)
    bear_scale = _fast_tanh(wm / p[P_WEPS_M])
    tb = p[P_BEARING_T_TOTAL]
    tfw = p[P_B_VISCOUS] * wm + p[P_K_WINDAGE] * wm * abs(wm)
    dwm = (te - tsh - tb * bear_scale - tfw) / p[P_JM]

    # load law, scaled by the load profile
    kind = int(p[P_LOAD_KIND])
    sgn_l = _fast_tanh(wl / p[P_WEPS_L])
    if kind == LOAD_CONSTANT:
        tl = p[P_LOAD_TN] * sgn_l
    elif kind == LOAD_LINEAR:
        tl = p[P_LOAD_TN] * wl / p[P_LOAD_WN]
    elif kind == LOAD_QUADRATIC:
        tl = p[P_LOAD_TN] * wl * abs(wl) / (p[P_LOAD_WN] * p[P_LOAD_WN])
    else:
        tl = sgn_l * (p[P_LOAD_A] + p[P_LOAD_B] * abs(wl) + p[P_LOAD_C] * wl * wl)
    tl = load_scale * tl + p[P_LOAD_BREAKAWAY] * sgn_l + p[P_EXT_TORQUE]
    dwl = (tsh - tl) / p[P_JL]

    dx[X_ISA] = disa
    dx[X_ISB] = disb
    dx[X_PSIRA] = dpra
    dx[X_PSIRB] = dprb
    dx[X_WM] = dwm
    dx[X_WL] = dwl
    dx[X_TWIST] = wm - wl
    dx[X_THM] = wm

    aux[A_TE] = te
    aux[A_TSHAFT] = tsh
    aux[A_ILA] = isa + ifa
    aux[A_ILB] = isb + ifb
    aux[A_UMA] = uma
    aux[A_UMB] = umb
    aux[A_PFE] = pfe
    aux[A_PCUR] = pcur
    aux[A_PCUS] = 1.5 * rs * (isa * isa + isb * isb)
    aux[A_PFW] = tfw * wm
    aux[A_BEAR_SCALE] = bear_scale


@njit(**NUMBA_OPTIONS)
def _supply(c, sn, vs, p, out, j):
    """Supply voltage (alpha, beta) for positive-sequence phasor (c, sn) = (cos, sin) of the
    supply angle, amplitude ``vs`` (V), into out[j], out[j + 1]. The negative sequence has
    the ratio P_UNBALANCE at the angle offset P_UNBALANCE_ANGLE."""
    u2 = p[P_UNBALANCE]
    if u2 == 0.0:
        out[j] = vs * c
        out[j + 1] = vs * sn
    else:
        ca = math.cos(p[P_UNBALANCE_ANGLE])
        sa = math.sin(p[P_UNBALANCE_ANGLE])
        cn = c * ca - sn * sa
        snn = sn * ca + c * sa
        out[j] = vs * (c + u2 * cn)
        out[j + 1] = vs * (sn - u2 * snn)


@njit(**NUMBA_OPTIONS)
def _stage_inputs(t, dt, s, ii, p, prof, prof_n, rot_c, rot_s, u):
    """Supply voltages and load scales at t_n, t_n + dt/2 and t_n + dt, into
    u = (ua0, ub0, ua1, ub1, ua2, ub2, scale0, scale1, scale2). The phasor is rotated by the
    half-step angle (rot_c, rot_s) instead of evaluating cos/sin at every stage."""
    c0 = math.cos(s[S_THETA_SUPPLY])
    s0 = math.sin(s[S_THETA_SUPPLY])
    c1 = c0 * rot_c - s0 * rot_s
    s1 = s0 * rot_c + c0 * rot_s
    c2 = c1 * rot_c - s1 * rot_s
    s2 = s1 * rot_c + c1 * rot_s
    cv = ii[I_PROF_CURSOR0 + PROF_VOLTAGE]
    cl = ii[I_PROF_CURSOR0 + PROF_LOAD]
    vp = p[P_V_PEAK]
    _supply(c0, s0, vp * _profile_value(prof, prof_n, PROF_VOLTAGE, cv, t), p, u, 0)
    _supply(c1, s1, vp * _profile_value(prof, prof_n, PROF_VOLTAGE, cv, t + 0.5 * dt), p, u, 2)
    _supply(c2, s2, vp * _profile_value(prof, prof_n, PROF_VOLTAGE, cv, t + dt), p, u, 4)
    u[6] = _profile_value(prof, prof_n, PROF_LOAD, cl, t)
    u[7] = _profile_value(prof, prof_n, PROF_LOAD, cl, t + 0.5 * dt)
    u[8] = _profile_value(prof, prof_n, PROF_LOAD, cl, t + dt)


@njit(**NUMBA_OPTIONS)
def _outputs(x, aux, y):
    """Per-step output vector y from the state and the auxiliaries of its derivative."""
    ila = aux[A_ILA]
    ilb = aux[A_ILB]
    uma = aux[A_UMA]
    umb = aux[A_UMB]
    y[Y_IA] = ila
    y[Y_IB] = -0.5 * ila + SQRT3_2 * ilb
    y[Y_IC] = -0.5 * ila - SQRT3_2 * ilb
    y[Y_UA] = uma
    y[Y_UB] = -0.5 * uma + SQRT3_2 * umb
    y[Y_UC] = -0.5 * uma - SQRT3_2 * umb
    y[Y_ISQ] = y[Y_IA] * y[Y_IA] + y[Y_IB] * y[Y_IB] + y[Y_IC] * y[Y_IC]
    y[Y_USQ] = y[Y_UA] * y[Y_UA] + y[Y_UB] * y[Y_UB] + y[Y_UC] * y[Y_UC]
    y[Y_P] = 1.5 * (uma * ila + umb * ilb)
    y[Y_TSHAFT] = aux[A_TSHAFT]
    y[Y_WM] = x[X_WM]
    y[Y_THM] = x[X_THM]
    y[Y_PSIRA] = x[X_PSIRA]
    y[Y_PSIRB] = x[X_PSIRB]


@njit(**NUMBA_OPTIONS)
def _log(ev, ii, t, code, arg, value):
    k = ii[I_N_EVENTS]
    if k < ev.shape[0]:
        ev[k, 0] = t
        ev[k, 1] = code
        ev[k, 2] = arg
        ev[k, 3] = value
        ii[I_N_EVENTS] = k + 1


@njit(**NUMBA_OPTIONS)
def _opening_step(t, p):
    """Step at which contacts commanded open at time t (a step time) open: the command's step
    plus the drop-out delay rounded to whole steps (exact on the step grid)."""
    rate = p[P_RATE_HZ]
    return float(round(t * rate) + round(p[P_CONTACTOR_DELAY] * rate))


@njit(**NUMBA_OPTIONS)
def _apply_action(action, arg, value, t, x, s, ii, p, ev):
    """Carry out one trigger action at time t. Returns True if the modes changed."""
    if action == ACT_CLOSE_CONTACTOR:
        if ii[I_CONTACTOR] == 0 and ii[I_RELAY_TRIPPED] == 0:
            ii[I_CONTACTOR] = 1
            ii[I_REACHED_RUNNING] = 0
            s[S_CONTACTOR_OPEN_AT] = -1.0
            _log(ev, ii, t, EV_CONTACTOR_CLOSED, 0, 0.0)
            return True
    elif action == ACT_OPEN_CONTACTOR:
        if ii[I_CONTACTOR] == 1 and s[S_CONTACTOR_OPEN_AT] < 0.0:
            s[S_CONTACTOR_OPEN_AT] = _opening_step(t, p)
            _log(ev, ii, t, EV_CONTACTOR_OPEN_COMMAND, 0, 0.0)
            return True
    elif action == ACT_OPEN_PHASE:
        bit = 1 << arg
        if ii[I_PHASE_OPEN] & bit == 0:
            ii[I_PHASE_OPEN] |= bit
            _project_currents(x, ii)
            _log(ev, ii, t, EV_PHASE_OPENED, arg, 0.0)
            return True
    elif action == ACT_RESTORE_PHASE:
        bit = 1 << arg
        if ii[I_PHASE_OPEN] & bit != 0:
            ii[I_PHASE_OPEN] &= ~bit
            _log(ev, ii, t, EV_PHASE_RESTORED, arg, 0.0)
            return True
    elif action == ACT_SET_PARAM:
        p[arg] = value
        _log(ev, ii, t, EV_PARAM_SET, arg, value)
        return True
    return False


@njit(**NUMBA_OPTIONS)
def _project_currents(x, ii):
    """Interrupt the stator current in open lines (all of it if no path is left)."""
    open_idx = _open_phase_index(ii[I_PHASE_OPEN])
    if ii[I_CONTACTOR] == 0 or open_idx == 3:
        x[X_ISA] = 0.0
        x[X_ISB] = 0.0
    elif open_idx >= 0:
        ang = TWO_PI * open_idx / 3.0
        epa = -math.sin(ang)
        epb = math.cos(ang)
        proj = x[X_ISA] * epa + x[X_ISB] * epb
        x[X_ISA] = proj * epa
        x[X_ISB] = proj * epb


@njit(**NUMBA_OPTIONS)
def _solve_in_place(a, b):
    """Solve a z = b by Gaussian elimination with partial pivoting; b becomes z."""
    n = b.shape[0]
    for col in range(n):
        piv = col
        big = abs(a[col, col])
        for r in range(col + 1, n):
            if abs(a[r, col]) > big:
                big = abs(a[r, col])
                piv = r
        if piv != col:
            for c in range(n):
                tmp = a[col, c]
                a[col, c] = a[piv, c]
                a[piv, c] = tmp
            tmp = b[col]
            b[col] = b[piv]
            b[piv] = tmp
        for r in range(col + 1, n):
            f = a[r, col] / a[col, col]
            if f != 0.0:
                for c in range(col, n):
                    a[r, c] -= f * a[col, c]
                b[r] -= f * b[col]
    for r in range(n - 1, -1, -1):
        acc = b[r]
        for c in range(r + 1, n):
            acc -= a[r, c] * b[c]
        b[r] = acc / a[r, r]


@njit(**NUMBA_OPTIONS)
def _thermal_step(x, s, p, th, amat, rhs):
    """Backward-Euler step of C dT/dt = P - G T + g_amb fan(w) (T_amb - T) over S_ACC_DT.

    Losses are the means over the sub-cycle. Also updates the temperature-dependent
    resistances. Returns the sub-cycle length (s).
    """
    dt = s[S_ACC_DT]
    n = int(p[P_N_NODES])
    w_ratio = abs(x[X_WM]) / p[P_W_RATED]
    fan = p[P_FAN_STANDSTILL] + (1.0 - p[P_FAN_STANDSTILL]) * w_ratio ** p[P_FAN_EXPONENT]
    tamb = p[P_T_AMBIENT]
    for i in range(n):
        rhs[i] = 0.0
    rhs[int(p[P_NODE_WINDING])] += s[S_ACC_CU_S] / dt
    rhs[int(p[P_NODE_ROTOR])] += s[S_ACC_CU_R] / dt
    rhs[int(p[P_NODE_IRON])] += s[S_ACC_FE] / dt
    rhs[int(p[P_NODE_HOUSING])] += s[S_ACC_FW] / dt
    for j in range(int(p[P_N_BEARINGS])):
        rhs[int(p[P_NODE_BEARING0 + j])] += s[S_ACC_BEARING0 + j] / dt
    for i in range(n):
        c_dt = th[i, n + 1] / dt
        g_amb = th[i, n] * fan
        for j in range(n):
            amat[i, j] = th[i, j]
        amat[i, i] += c_dt + g_amb
        rhs[i] += c_dt * s[S_TEMPS0 + i] + g_amb * tamb
    _solve_in_place(amat[:n, :n], rhs[:n])
    for i in range(n):
        s[S_TEMPS0 + i] = rhs[i]
    if p[P_THERMAL_COUPLING] != 0.0:
        tref = p[P_R_REF_TEMP_C]
        tw = s[S_TEMPS0 + int(p[P_NODE_WINDING])]
        tr = s[S_TEMPS0 + int(p[P_NODE_ROTOR])]
        s[S_RS] = p[P_RS_REF] * (p[P_RS_TEMP_K] + tw) / (p[P_RS_TEMP_K] + tref)
        s[S_RR] = p[P_RR_REF] * (p[P_RR_TEMP_K] + tr) / (p[P_RR_TEMP_K] + tref)
    return dt


@njit(**NUMBA_OPTIONS)
def _signal(sig, x, s, p):
    """Value of condition signal ``sig`` now."""
    if sig == SIG_SPEED_RPM:
        return x[X_WM] * 60.0 / TWO_PI
    if sig == SIG_TORQUE_N_M:
        return p[P_K_COUPLING] * x[X_TWIST] + p[P_C_COUPLING] * (x[X_WM] - x[X_WL])
    if sig == SIG_CURRENT_RMS_A:
        return s[S_COND_CURRENT_RMS]
    if sig == SIG_RELAY_LEVEL:
        return s[S_RELAY_LEVEL]
    return s[S_TEMPS0 + sig - SIG_TEMP0]


@njit(**NUMBA_OPTIONS)
def _machine_state(x, s, ii, p):
    if ii[I_RELAY_TRIPPED] == 1:
        return MS_TRIPPED
    if ii[I_CONTACTOR] == 1:
        if ii[I_REACHED_RUNNING] == 0 and x[X_WM] >= p[P_W_RUNNING]:
            ii[I_REACHED_RUNNING] = 1
        if ii[I_REACHED_RUNNING] == 1:
            return MS_RUNNING
        return MS_STARTING
    if abs(x[X_WM]) > p[P_W_STANDSTILL]:
        return MS_STOPPING
    return MS_STOPPED


@njit(**NUMBA_OPTIONS)
def advance(
    x,
    s,
    ii,
    p,
    prof,
    prof_n,
    th,
    trig_i,
    trig_f,
    trig_s,
    ev,
    n_end,
    fast_rate,
    fast_out,
    fast_k0,
    slow_rate,
    slow_out,
    slow_k0,
    trace_rate,
    trace_out,
    trace_k0,
):
    """Integrate up to step ``n_end`` (exclusive), or until the event buffer is nearly full
    or the state diverges. Carried state: x, s, ii, trig_s. Outputs: fast_out[:, k - fast_k0],
    slow_out[:, k - slow_k0], trace_out[:, k - trace_k0] (skipped when trace_rate is 0),
    ev[:ii[I_N_EVENTS]]."""
    rate = int(p[P_RATE_HZ])
    dt = 1.0 / p[P_RATE_HZ]
    sub = int(p[P_THERMAL_SUBSTEPS])
    n_nodes = int(p[P_N_NODES])
    n_trig = trig_i.shape[0]
    ev_room = ev.shape[0] - 16

    k1 = np.empty(N_X)
    k2 = np.empty(N_X)
    k3 = np.empty(N_X)
    k4 = np.empty(N_X)
    xs = np.empty(N_X)
    aux = np.empty(N_A)
    aux_tmp = np.empty(N_A)
    y0 = np.empty(N_Y)
    y1 = np.empty(N_Y)
    amat = np.empty((n_nodes, n_nodes))
    rhs = np.empty(n_nodes)
    u = np.empty(9)
    ii[I_CACHE_VALID] = 0

    n = ii[I_STEP]
    while n < n_end:
        if ii[I_N_EVENTS] >= ev_room:
            break
        t = n / p[P_RATE_HZ]
        changed = False

        # ---------------------------------------------------------- discrete events at t_n
        if s[S_CONTACTOR_OPEN_AT] >= 0.0 and n >= s[S_CONTACTOR_OPEN_AT]:
            s[S_CONTACTOR_OPEN_AT] = -1.0
            ii[I_CONTACTOR] = 0
            _project_currents(x, ii)
            _log(ev, ii, t, EV_CONTACTOR_OPENED, 0, 0.0)
            changed = True
        for j in range(n_trig):
            if trig_i[j, 0] == TRIG_AT_TIME and trig_s[j, 0] == 0.0 and t >= trig_f[j, 0]:
                trig_s[j, 0] = 1.0
                _log(ev, ii, t, EV_TRIGGER_FIRED, j, 0.0)
                if _apply_action(trig_i[j, 1], trig_i[j, 2], trig_f[j, 2], t, x, s, ii, p, ev):
                    changed = True
        if n > 0 and n % sub == 0:
            dt_th = _thermal_step(x, s, p, th, amat, rhs)
            # overload relay replica on the largest phase mean square
            ms = max(s[S_ACC_I2A], max(s[S_ACC_I2B], s[S_ACC_I2C])) / dt_th
            s[S_COND_CURRENT_RMS] = math.sqrt(ms)
            ie_k = p[P_RELAY_IE] * p[P_RELAY_K]
            target = ms / (ie_k * ie_k)
            lvl = s[S_RELAY_LEVEL]
            s[S_RELAY_LEVEL] = target + (lvl - target) * math.exp(-dt_th / p[P_RELAY_TAU])
            for j in range(S_ACC_DT, S_ACC_BEARING0 + N_BEARING_MAX):
                s[j] = 0.0
            if p[P_RELAY_ENABLED] != 0.0 and ii[I_RELAY_TRIPPED] == 0 and s[S_RELAY_LEVEL] >= 1.0:
                ii[I_RELAY_TRIPPED] = 1
                _log(ev, ii, t, EV_RELAY_TRIPPED, 0, s[S_COND_CURRENT_RMS])
                if ii[I_CONTACTOR] == 1 and s[S_CONTACTOR_OPEN_AT] < 0.0:
                    s[S_CONTACTOR_OPEN_AT] = _opening_step(t, p)
                    _log(ev, ii, t, EV_CONTACTOR_OPEN_COMMAND, 1, 0.0)
            for j in range(n_trig):
                kind = trig_i[j, 0]
                if kind == TRIG_AT_TIME or trig_s[j, 0] != 0.0:
                    continue
                v = _signal(trig_i[j, 3], x, s, p)
                hit = (kind == TRIG_ABOVE and v > trig_f[j, 0]) or (
                    kind == TRIG_BELOW and v < trig_f[j, 0]
                )
                if hit:
                    trig_s[j, 1] += dt_th
                    if trig_s[j, 1] >= trig_f[j, 1]:
                        trig_s[j, 0] = 1.0
                        _log(ev, ii, t, EV_TRIGGER_FIRED, j, v)
                        _apply_action(trig_i[j, 1], trig_i[j, 2], trig_f[j, 2], t, x, s, ii, p, ev)
                else:
                    trig_s[j, 1] = 0.0
            changed = True
        # profile cursors
        for j in range(prof_n.shape[0]):
            m = ii[I_PROF_CURSOR0 + j]
            while m + 1 < prof_n[j] and prof[j, m + 1, 0] <= t:
                m += 1
            ii[I_PROF_CURSOR0 + j] = m
        st = _machine_state(x, s, ii, p)
        if st != ii[I_MACHINE_STATE] or ii[I_STATE_LOGGED] == 0:
            ii[I_MACHINE_STATE] = st
            ii[I_STATE_LOGGED] = 1
            _log(ev, ii, t, EV_STATE, st, x[X_WM])

        # ---------------------------------------------------------- derivative at t_n
        half = math.pi * p[P_F_SUPPLY] * dt
        _stage_inputs(t, dt, s, ii, p, prof, prof_n, math.cos(half), math.sin(half), u)
        if changed or ii[I_CACHE_VALID] == 0:
            _deriv(x, u[0], u[1], u[6], s, ii, p, k1, aux)
            _outputs(x, aux, y0)
        # losses over [t_n, t_n+1) (left rectangle at 20 kHz resolves the mains ripple)
        s[S_ACC_DT] += dt
        s[S_ACC_CU_S] += aux[A_PCUS] * dt
        s[S_ACC_CU_R] += aux[A_PCUR] * dt
        s[S_ACC_FE] += aux[A_PFE] * dt
        s[S_ACC_FW] += aux[A_PFW] * dt
        for j in range(int(p[P_N_BEARINGS])):
            s[S_ACC_BEARING0 + j] += p[P_BEARING_T0 + j] * aux[A_BEAR_SCALE] * x[X_WM] * dt
        s[S_ACC_I2A] += y0[Y_IA] * y0[Y_IA] * dt
        s[S_ACC_I2B] += y0[Y_IB] * y0[Y_IB] * dt
        s[S_ACC_I2C] += y0[Y_IC] * y0[Y_IC] * dt

        # ---------------------------------------------------------- RK4 step
        for j in range(N_X):
            xs[j] = x[j] + 0.5 * dt * k1[j]
        _deriv(xs, u[2], u[3], u[7], s, ii, p, k2, aux_tmp)
        for j in range(N_X):
            xs[j] = x[j] + 0.5 * dt * k2[j]
        _deriv(xs, u[2], u[3], u[7], s, ii, p, k3, aux_tmp)
        for j in range(N_X):
            xs[j] = x[j] + dt * k3[j]
        _deriv(xs, u[4], u[5], u[8], s, ii, p, k4, aux_tmp)
        for j in range(N_X):
            x[j] += dt / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j])
        th_s = s[S_THETA_SUPPLY] + TWO_PI * p[P_F_SUPPLY] * dt
        if th_s >= TWO_PI:
            th_s -= TWO_PI
        s[S_THETA_SUPPLY] = th_s
        n += 1
        ii[I_STEP] = n
        t1 = n / p[P_RATE_HZ]

        # ---------------------------------------------------------- divergence guard
        bad = 0
        for j in range(N_X):
            if not math.isfinite(x[j]):
                bad = DIV_NONFINITE
        if bad == 0:
            if x[X_ISA] * x[X_ISA] + x[X_ISB] * x[X_ISB] > p[P_I_LIMIT] * p[P_I_LIMIT]:
                bad = DIV_CURRENT
            elif abs(x[X_WM]) > p[P_W_LIMIT] or abs(x[X_WL]) > p[P_W_LIMIT]:
                bad = DIV_SPEED
        if bad != 0:
            ii[I_DIVERGED] = bad
            _log(ev, ii, t1, EV_DIVERGED, bad, 0.0)
            break

        # ---------------------------------------------------------- outputs in [t_n, t_n+1)
        # derivative at t_n+1 with the supply phasor of the new angle (also k1 of the next step)
        _stage_inputs(t1, dt, s, ii, p, prof, prof_n, 1.0, 0.0, u)
        _deriv(x, u[0], u[1], u[6], s, ii, p, k1, aux)
        _outputs(x, aux, y1)
        ii[I_CACHE_VALID] = 1
        nm1 = n - 1
        kf = ii[I_K_FAST]
        while kf * rate < n * fast_rate:
            phi = (kf * rate - nm1 * fast_rate) / fast_rate
            col = kf - fast_k0
            for j in range(N_F):
                fast_out[j, col] = y0[j] + phi * (y1[j] - y0[j])
            kf += 1
        ii[I_K_FAST] = kf
        ks = ii[I_K_SLOW]
        while ks * rate < n * slow_rate:
            phi = (ks * rate - nm1 * slow_rate) / slow_rate
            col = ks - slow_k0
            slow_out[Q_THETA_M, col] = y0[Y_THM] + phi * (y1[Y_THM] - y0[Y_THM])
            for j in range(N_AVG):
                yj0 = y0[Y_ISQ + j]
                dyj = y1[Y_ISQ + j] - yj0
                part = dt * (phi * yj0 + 0.5 * phi * phi * dyj)
                if ks == 0:
                    slow_out[Q_ISQ + j, col] = yj0
                else:
                    slow_out[Q_ISQ + j, col] = (s[S_SLOW_ACC0 + j] + part) * slow_rate
                s[S_SLOW_ACC0 + j] = -part
            slow_out[Q_RELAY, col] = s[S_RELAY_LEVEL]
            for j in range(n_nodes):
                slow_out[Q_TEMP0 + j, col] = s[S_TEMPS0 + j]
            ks += 1
        ii[I_K_SLOW] = ks
        if trace_rate > 0:
            kt = ii[I_K_TRACE]
            while kt * rate < n * trace_rate:
                phi = (kt * rate - nm1 * trace_rate) / trace_rate
                col = kt - trace_k0
                trace_out[T_THETA_M, col] = y0[Y_THM] + phi * (y1[Y_THM] - y0[Y_THM])
                trace_out[T_WM, col] = y0[Y_WM] + phi * (y1[Y_WM] - y0[Y_WM])
                trace_out[T_PSIRA, col] = y0[Y_PSIRA] + phi * (y1[Y_PSIRA] - y0[Y_PSIRA])
                trace_out[T_PSIRB, col] = y0[Y_PSIRB] + phi * (y1[Y_PSIRB] - y0[Y_PSIRB])
                kt += 1
            ii[I_K_TRACE] = kt
        for j in range(N_AVG):
            s[S_SLOW_ACC0 + j] += 0.5 * dt * (y0[Y_ISQ + j] + y1[Y_ISQ + j])
        for j in range(N_Y):
            y0[j] = y1[j]
    ii[I_CACHE_VALID] = 0
