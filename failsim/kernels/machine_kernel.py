"""Numba kernel of a motor-driven machine: induction motor on mains or on a V/f drive with its
DC link, braking chopper and safety functions, two-mass shaft, gearbox, load law or lumped
belt conveyor, the drag of bearing defects, thermal network, overload relay.

Private layer. Arrays in, arrays out; the slot names are in :mod:`failsim.kernels.layout`.

One call of :func:`advance` integrates solver steps ``ii[I_STEP]`` .. ``n_end - 1`` with
fixed-step RK4 at ``p[P_RATE_HZ]`` (time of step n is exactly ``n / rate``), and writes

* the fast (electrical) stream, instantaneous values linearly interpolated to ``t = k / fs``;
* the slow (process) stream, interval means and instantaneous states at ``t = k / fs``;
* the event log (``ev``), one row per realised discrete event.

Discrete things happen at step boundaries, in this order: pending contactor opening, the
drive's step (chopper, DC-link trips, pending STO, output ramp), time triggers, and (every
``thermal_substeps`` steps) the thermal network, the overload relay and condition triggers,
which see the means of the losses and of ``i^2`` over their sub-cycle (so the 50 Hz ripple
is integrated, not sampled). All carried state lives in ``x``, ``s``, ``ii`` and
``trig_s``, so splitting a run into chunks does not change a single bit of the result.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..config import NUMBA_OPTIONS
from . import layout as L

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
A_VPULLEY = 11  # drive-pulley surface speed, m/s (conveyors)
A_PCHOP = 12  # braking-resistor power, W
A_PSEIZE = 13  # seizure friction loss, W
A_PDEF0 = 14  # friction loss of each bearing defect, W (N_DEFECT_MAX slots)
N_A = A_PDEF0 + L.N_DEFECT_MAX

# stage inputs u (see _stage_inputs): 15 fixed entries, then each bearing defect's energy
# per passage (J) at t_n, t_n + dt/2, t_n + dt: u[U_DEF0 + 3 k + stage]
U_DEF0 = 15
N_U = U_DEF0 + 3 * L.N_DEFECT_MAX


@njit(**NUMBA_OPTIONS)
def _profile_value(prof, prof_n, j, cursor, t):
    """Piecewise-linear profile j at time t, searching forward from ``cursor``.

    prof[j, m] = (time, value, slope to the next point); held before the first and after the
    last point; a repeated time is a step (the later value applies)."""
    n = prof_n[j]
    if n <= 1:
        return 1.0 if n == 0 else prof[j, 0, 1]
    m = cursor
    while m + 1 < n and prof[j, m + 1, 0] <= t:
        m += 1
    if m == 0 and t < prof[j, 0, 0]:
        return prof[j, 0, 1]
    return prof[j, m, 1] + prof[j, m, 2] * (t - prof[j, m, 0])


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
def _output_on(ii, p):
    """True while the motor is connected to a voltage source: the mains contactor is closed,
    or the drive's power stage is switching."""
    if p[L.P_SUPPLY_KIND] != L.SUPPLY_MAINS:
        mode = ii[L.I_DRIVE_MODE]
        return mode != L.DRV_OFF and mode != L.DRV_STO
    return ii[L.I_CONTACTOR] == 1


@njit(**NUMBA_OPTIONS)
def _induction_electrical(x, ua, ub, vscale, s, ii, p, dx, aux):
    """Induction motor (stator frame) and, on a drive, its DC link: fills the electrical
    derivatives and auxiliaries; returns the electromagnetic torque (N m)."""
    isa = x[L.X_ISA]
    isb = x[L.X_ISB]
    pra = x[L.X_PSIRA]
    prb = x[L.X_PSIRB]
    wm = x[L.X_WM]
    ls = p[L.P_LS]
    lr = p[L.P_LR]
    lm = p[L.P_LM]
    npp = p[L.P_POLE_PAIRS]
    sig_ls = ls - lm * lm / lr  # sigma * L_s
    kr = lm / lr
    rs = s[L.S_RS]
    rr = s[L.S_RR]

    # rotor circuit (stator frame), with an optional rotor-axis resistance asymmetry
    ira = (pra - lm * isa) / lr
    irb = (prb - lm * isb) / lr
    asym = p[L.P_ROTOR_ASYM]
    if asym != 0.0:
        the = npp * x[L.X_THM]
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
    open_idx = _open_phase_index(ii[L.I_PHASE_OPEN])
    vfd = p[L.P_SUPPLY_KIND] == L.SUPPLY_VFD
    conducting = _output_on(ii, p) and open_idx < 3
    if conducting and vfd:
        # the inverter cannot put out more than the DC link allows (SVPWM: V_dc / sqrt 3)
        umag = math.sqrt(ua * ua + ub * ub)
        vmax = max(x[L.X_VDC], 0.0) / math.sqrt(3.0)
        if umag > vmax:
            scale = vmax / umag
            ua = ua * scale
            ub = ub * scale
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
            ifa = p[L.P_G_FE] * up * epa
            ifb = p[L.P_G_FE] * up * epb
            pfe = 1.5 * p[L.P_G_FE] * up * up
        else:
            uma = ua
            umb = ub
            ifa = p[L.P_G_FE] * ua
            ifb = p[L.P_G_FE] * ub
            pfe = 1.5 * p[L.P_G_FE] * (ua * ua + ub * ub)
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
    ila = isa + ifa
    ilb = isb + ifb
    # DC link of a drive: rectifier charging from the supply, inverter power, chopper
    pchop = 0.0
    dvdc = 0.0
    if vfd:
        vdc = x[L.X_VDC]
        i_rect = 0.0
        if ii[L.I_CONTACTOR] == 1:
            i_rect = max(0.0, (p[L.P_DRV_VRECT] * vscale - vdc) / p[L.P_DRV_RSRC])
        p_inv = 0.0
        if conducting:
            p_inv = 1.5 * (uma * ila + umb * ilb)
        if ii[L.I_CHOPPER_ON] == 1 and p[L.P_DRV_RBRAKE] > 0.0:
            pchop = vdc * vdc / p[L.P_DRV_RBRAKE]
        i_load = (p_inv + pchop) / vdc if vdc > 1.0 else 0.0
        dvdc = (i_rect - i_load) / p[L.P_DRV_C]
    dx[L.X_ISA] = disa
    dx[L.X_ISB] = disb
    dx[L.X_PSIRA] = dpra
    dx[L.X_PSIRB] = dprb
    dx[L.X_VDC] = dvdc
    dx[L.X_INT_SPEED] = 0.0
    dx[L.X_INT_CURRENT] = 0.0
    aux[A_ILA] = ila
    aux[A_ILB] = ilb
    aux[A_UMA] = uma
    aux[A_UMB] = umb
    aux[A_PFE] = pfe
    aux[A_PCUR] = pcur
    aux[A_PCUS] = 1.5 * rs * (isa * isa + isb * isb)
    aux[A_PCHOP] = pchop
    return te


@njit(**NUMBA_OPTIONS)
def _dc_electrical(x, s, ii, p, dx, aux):
    """DC motor on a DC drive: armature circuit, field circuit (or permanent magnet) and the
    drive's cascaded PI speed and current controllers with current and voltage limits.
    Returns the electromagnetic torque (N m). Armature copper loss goes to the rotor node,
    field loss to the (stator) winding node.

    L_a di_a/dt = u_a - R_a i_a - k_e w;  T_e = k_e i_a;  L_f di_f/dt = u_f - R_f i_f with
    k_e = L'_e i_f for a separately excited field.
    """
    ia = x[L.X_ISA]
    i_f = x[L.X_ISB]
    wm = x[L.X_WM]
    ra = s[L.S_RR]  # the armature is on the rotor: its resistance follows the rotor node
    if p[L.P_DC_RF] > 0.0:
        ke = p[L.P_DC_LFC] * i_f
        dif = (p[L.P_DC_UF] - p[L.P_DC_RF] * i_f) / p[L.P_DC_LF]
        pfield = p[L.P_DC_RF] * i_f * i_f
        uf = p[L.P_DC_UF]
    else:
        ke = p[L.P_DC_KE]
        dif = 0.0
        pfield = 0.0
        uf = 0.0
    on = _output_on(ii, p)
    ua = 0.0
    dint_w = 0.0
    dint_i = 0.0
    if on:
        # speed controller -> current reference (limited, integrator held when saturated)
        ew = s[L.S_F_OUT] - wm
        iref = p[L.P_DC_KP_W] * ew + p[L.P_DC_KI_W] * x[L.X_INT_SPEED]
        ilim = p[L.P_DRV_ILIM]
        if iref > ilim:
            iref = ilim
        elif iref < -ilim:
            iref = -ilim
        else:
            dint_w = ew
        # current controller with EMF feed-forward -> armature voltage (limited)
        ei = iref - ia
        ua = p[L.P_DC_KP_I] * ei + p[L.P_DC_KI_I] * x[L.X_INT_CURRENT] + ke * wm
        vmax = p[L.P_DC_VMAX]
        vmin = -vmax if p[L.P_DC_4Q] != 0.0 else 0.0
        if ua > vmax:
            ua = vmax
        elif ua < vmin:
            ua = vmin
        else:
            dint_i = ei
        dia = (ua - ra * ia - ke * wm) / p[L.P_DC_LA]
    else:
        dia = 0.0
        ua = ke * wm  # open armature: the terminals show the back EMF
    dx[L.X_ISA] = dia
    dx[L.X_ISB] = dif
    dx[L.X_PSIRA] = 0.0
    dx[L.X_PSIRB] = 0.0
    dx[L.X_VDC] = 0.0
    dx[L.X_INT_SPEED] = dint_w
    dx[L.X_INT_CURRENT] = dint_i
    aux[A_ILA] = ia
    aux[A_ILB] = i_f
    aux[A_UMA] = ua
    aux[A_UMB] = uf
    aux[A_PFE] = 0.0
    aux[A_PCUR] = ra * ia * ia
    aux[A_PCUS] = pfield
    aux[A_PCHOP] = 0.0
    return ke * ia


@njit(**NUMBA_OPTIONS)
def _friction(w, level, rs, ws, weps):
    """Regularised Stribeck friction torque (N m) at speed w (rad/s): kinetic level times
    (1 + (rs - 1) exp(-(w/ws)^2)), in the direction of w."""
    a = w / ws
    return level * (1.0 + (rs - 1.0) * math.exp(-a * a)) * _fast_tanh(w / weps)


@njit(**NUMBA_OPTIONS)
def _defect_torque(x, u, stage, bear_scale, p, aux):
    """Drag torque (N m) of the bearing defects on the motor shaft; each one's power into
    aux[A_PDEF0 + k] (W).

    Each passage of a loaded rolling element over a localised defect costs the energy
    E = Q h (the element drops into the defect and is lifted out; E over time in
    u[U_DEF0 + 3 k + stage], 0 outside the defect's windows). In the shaft angle the drag is
    a periodic train of narrow von Mises pulses, one per passage at phase
    phi = order theta_m, scaled so that its integral over one period 2 pi / order is E:

        T_k = E c_k exp(kappa_k (cos phi - 1)) tanh(w_m / w_eps),  c_k = order / (2 pi i0e)

    (i0e = I0(kappa) e^-kappa, the mean of exp(kappa (cos phi - 1))), so its mean is
    E order / (2 pi) and its mean power E f_defect. One cos and one exp per active defect."""
    wm = x[L.X_WM]
    th = x[L.X_THM]
    total = 0.0
    for k in range(int(p[L.P_N_DEFECTS])):
        e = u[U_DEF0 + 3 * k + stage]
        if e != 0.0:
            phi = p[L.P_DEF_ORDER0 + k] * th
            tk = e * p[L.P_DEF_NORM0 + k] * math.exp(p[L.P_DEF_KAPPA0 + k] * (math.cos(phi) - 1.0))
            tk *= bear_scale
            total += tk
            aux[A_PDEF0 + k] = tk * wm
        else:
            aux[A_PDEF0 + k] = 0.0
    return total


@njit(**NUMBA_OPTIONS)
def _deriv(x, ua, ub, load_scale, vscale, fric, u, stage, s, ii, p, dx, aux):
    """Right-hand side for source voltage (ua, ub) (V, alpha-beta: mains, or the drive's V/f
    output before its DC-link limit), load-profile scale ``load_scale`` and supply-voltage
    scale ``vscale`` (per unit), seizure friction level ``fric`` (N m), and the bearing
    defects' energies of RK4 stage ``stage`` (0: t_n, 1: t_n + dt/2, 2: t_n + dt) in ``u``;
    fills ``dx`` and ``aux``."""
    if p[L.P_MOTOR_KIND] == L.MOTOR_DC:
        te = _dc_electrical(x, s, ii, p, dx, aux)
    else:
        te = _induction_electrical(x, ua, ub, vscale, s, ii, p, dx, aux)
    wm = x[L.X_WM]
    wl = x[L.X_WL]
    tsh = p[L.P_K_COUPLING] * x[L.X_TWIST] + p[L.P_C_COUPLING] * (wm - wl)
    bear_scale = _fast_tanh(wm / p[L.P_WEPS_M])
    tb = p[L.P_BEARING_T_TOTAL]
    tfw = p[L.P_B_VISCOUS] * wm + p[L.P_K_WINDAGE] * wm * abs(wm)
    tm = te - tsh - tb * bear_scale - tfw
    if p[L.P_N_DEFECTS] > 0.0:
        tm -= _defect_torque(x, u, stage, bear_scale, p, aux)
    if ii[L.I_BRAKE] == 1:
        tm -= p[L.P_BRAKE_TORQUE] * _fast_tanh(wm / p[L.P_WEPS_BRAKE])
    t_seize_m = 0.0
    t_seize_l = 0.0
    p_seize = 0.0
    if fric != 0.0:
        if p[L.P_LUBE_NODE] >= 0.0:
            excess = s[L.S_TEMPS0 + int(p[L.P_LUBE_NODE])] - p[L.P_LUBE_T_RUN]
            if excess > 0.0:
                fric = min(fric * math.exp(min(excess / p[L.P_LUBE_DT], 50.0)), p[L.P_LUBE_TMAX])
        shaft = p[L.P_SEIZE_SHAFT]
        w_s = wm if shaft == L.SHAFT_MOTOR else wl
        tf = _friction(w_s, fric, p[L.P_SEIZE_STATIC], p[L.P_SEIZE_WS], p[L.P_WEPS_SEIZE])
        p_seize = tf * w_s
        if shaft == L.SHAFT_MOTOR:
            t_seize_m = tf
        else:
            t_seize_l = tf
    dwm = (tm - t_seize_m) / p[L.P_JM]

    # load at the gearbox output: a load law scaled by the load profile, or the belt conveyor
    sgn_l = _fast_tanh(wl / p[L.P_WEPS_L])
    ratio = p[L.P_GEAR_RATIO]
    wout = wl / ratio
    dvb = 0.0
    dml = 0.0
    vpulley = 0.0
    if p[L.P_CONVEYOR] != 0.0:
        r = p[L.P_PULLEY_R]
        vb = x[L.X_VBELT]
        vpulley = wout * r
        vrel = vpulley - vb
        # Euler-Eytelwein capstan limit with a Stribeck friction coefficient, regularised:
        # static friction holds within the creep band of the regularisation (|v_rel| up to
        # 3 v_eps, where tanh has reached 0.995); beyond it the coefficient falls to kinetic
        v_over = abs(vrel) - 3.0 * p[L.P_BELT_VEPS]
        if v_over <= 0.0:  # within the creep band: the static capstan limit (precomputed)
            fmax = p[L.P_BELT_FMAX_S]
        else:
            mu = p[L.P_BELT_MU_K] + (p[L.P_BELT_MU_S] - p[L.P_BELT_MU_K]) * math.exp(
                -v_over / p[L.P_BELT_VSTRIB]
            )
            fmax = p[L.P_BELT_T2] * (math.exp(mu * p[L.P_BELT_WRAP]) - 1.0)
        ft = fmax * _fast_tanh(vrel / p[L.P_BELT_VEPS])
        # running resistance (DIN 22101 form) of belt, idlers and bulk load; lift
        mload = max(x[L.X_MLOAD], 0.0)
        qg = mload / p[L.P_CONV_LEN]
        main = p[L.P_CONV_CFLG] * (p[L.P_CONV_QFIX] + qg * p[L.P_CONV_COSD])
        fres = (main + p[L.P_CONV_SPECIAL]) * _fast_tanh(vb / p[L.P_BELT_VEPS_RES])
        fres += qg * p[L.P_CONV_LIFT] * 9.80665
        dvb = (ft - fres) / (p[L.P_BELT_MASS] + mload)
        follow = min(max(vb / p[L.P_BELT_VN], 0.0), 1.0)
        dml = p[L.P_FEED_KG_S] * load_scale * follow - mload * max(vb, 0.0) / p[L.P_CONV_LEN]
        tout = ft * r
    else:
        kind = int(p[L.P_LOAD_KIND])
        sgn_o = _fast_tanh(wout / p[L.P_WEPS_L])
        if kind == L.LOAD_CONSTANT:
            tout = p[L.P_LOAD_TN] * sgn_o
        elif kind == L.LOAD_LINEAR:
            tout = p[L.P_LOAD_TN] * wout / p[L.P_LOAD_WN]
        elif kind == L.LOAD_QUADRATIC:
            tout = p[L.P_LOAD_TN] * wout * abs(wout) / (p[L.P_LOAD_WN] * p[L.P_LOAD_WN])
        else:
            tout = sgn_o * (p[L.P_LOAD_A] + p[L.P_LOAD_B] * abs(wout) + p[L.P_LOAD_C] * wout * wout)
        tout = load_scale * tout
    # through the gearbox: its losses always oppose the power flow
    if tout * wout >= 0.0:
        tin = tout / (ratio * p[L.P_GEAR_EFF])
    else:
        tin = tout * p[L.P_GEAR_EFF] / ratio
    tl = tin + p[L.P_LOAD_BREAKAWAY] * sgn_l + p[L.P_EXT_TORQUE] + t_seize_l
    dwl = (tsh - tl) / p[L.P_JL]

    dx[L.X_WM] = dwm
    dx[L.X_WL] = dwl
    dx[L.X_TWIST] = wm - wl
    dx[L.X_THM] = wm
    dx[L.X_VBELT] = dvb
    dx[L.X_MLOAD] = dml

    aux[A_TE] = te
    aux[A_TSHAFT] = tsh
    aux[A_PFW] = tfw * wm
    aux[A_BEAR_SCALE] = bear_scale
    aux[A_VPULLEY] = vpulley
    aux[A_PSEIZE] = p_seize


@njit(**NUMBA_OPTIONS)
def _supply(c, sn, vs, p, out, j):
    """Supply voltage (alpha, beta) for positive-sequence phasor (c, sn) = (cos, sin) of the
    supply angle, amplitude ``vs`` (V), into out[j], out[j + 1]. The negative sequence has
    the ratio P_UNBALANCE at the angle offset P_UNBALANCE_ANGLE."""
    u2 = p[L.P_UNBALANCE]
    if u2 == 0.0:
        out[j] = vs * c
        out[j + 1] = vs * sn
    else:
        ca = math.cos(p[L.P_UNBALANCE_ANGLE])
        sa = math.sin(p[L.P_UNBALANCE_ANGLE])
        cn = c * ca - sn * sa
        snn = sn * ca + c * sa
        out[j] = vs * (c + u2 * cn)
        out[j + 1] = vs * (sn - u2 * snn)


@njit(**NUMBA_OPTIONS)
def vf_peak_voltage(f_hz, p):
    """Phase peak voltage of the drive's V/f law at output frequency f (Hz)."""
    ratio = min(abs(f_hz) / p[L.P_DRV_FN], 1.0)
    return p[L.P_DRV_VN] * (p[L.P_DRV_BOOST] + (1.0 - p[L.P_DRV_BOOST]) * ratio)


@njit(**NUMBA_OPTIONS)
def _stage_inputs(t, dt, s, ii, p, prof, prof_n, half_step, u):
    """Source voltages, load scales, supply-voltage scales and seizure friction levels at
    t_n, t_n + dt/2 and t_n + dt, into u = (ua0, ub0, ua1, ub1, ua2, ub2, load0, load1, load2,
    v0, v1, v2, fric0, fric1, fric2), then the bearing defects' energies per passage (J) at
    the same three times (u[U_DEF0 + 3 k + stage]).

    The source is the mains (its angle S_THETA_SUPPLY) or the drive output (S_THETA_OUT at
    the V/f voltage of S_F_OUT). The phasor is rotated by the half-step angle instead of
    evaluating cos/sin at every stage; ``half_step`` False gives only the t_n values."""
    cv = ii[L.I_PROF_CURSOR0 + L.PROF_VOLTAGE]
    cl = ii[L.I_PROF_CURSOR0 + L.PROF_LOAD]
    v0 = _profile_value(prof, prof_n, L.PROF_VOLTAGE, cv, t)
    v1 = _profile_value(prof, prof_n, L.PROF_VOLTAGE, cv, t + 0.5 * dt)
    v2 = _profile_value(prof, prof_n, L.PROF_VOLTAGE, cv, t + dt)
    u[6] = _profile_value(prof, prof_n, L.PROF_LOAD, cl, t)
    u[7] = _profile_value(prof, prof_n, L.PROF_LOAD, cl, t + 0.5 * dt)
    u[8] = _profile_value(prof, prof_n, L.PROF_LOAD, cl, t + dt)
    u[9] = v0
    u[10] = v1
    u[11] = v2
    if prof_n[L.PROF_FRICTION] > 1:
        cf = ii[L.I_PROF_CURSOR0 + L.PROF_FRICTION]
        u[12] = _profile_value(prof, prof_n, L.PROF_FRICTION, cf, t)
        u[13] = _profile_value(prof, prof_n, L.PROF_FRICTION, cf, t + 0.5 * dt)
        u[14] = _profile_value(prof, prof_n, L.PROF_FRICTION, cf, t + dt)
    else:
        u[12] = prof[L.PROF_FRICTION, 0, 1]
        u[13] = u[12]
        u[14] = u[12]
    if p[L.P_N_REL] > 0.0:
        _relative_inputs(t, dt, s, ii, p, prof, prof_n, True, u)
    for k in range(int(p[L.P_N_DEFECTS])):
        j = int(p[L.P_DEF_PROF0 + k])
        c = ii[L.I_PROF_CURSOR0 + j]
        u[U_DEF0 + 3 * k] = _profile_value(prof, prof_n, j, c, t)
        u[U_DEF0 + 3 * k + 1] = _profile_value(prof, prof_n, j, c, t + 0.5 * dt)
        u[U_DEF0 + 3 * k + 2] = _profile_value(prof, prof_n, j, c, t + dt)
    if p[L.P_SUPPLY_KIND] == L.SUPPLY_VFD:
        angle = s[L.S_THETA_OUT]
        f = s[L.S_F_OUT]
    else:
        angle = s[L.S_THETA_SUPPLY]
        f = p[L.P_F_SUPPLY]
    c0 = math.cos(angle)
    s0 = math.sin(angle)
    rot_c = 1.0
    rot_s = 0.0
    if half_step:
        half = math.pi * f * dt
        rot_c = math.cos(half)
        rot_s = math.sin(half)
    c1 = c0 * rot_c - s0 * rot_s
    s1 = s0 * rot_c + c0 * rot_s
    c2 = c1 * rot_c - s1 * rot_s
    s2 = s1 * rot_c + c1 * rot_s
    if p[L.P_SUPPLY_KIND] == L.SUPPLY_VFD:
        vv = vf_peak_voltage(f, p)
        u[0] = vv * c0
        u[1] = vv * s0
        u[2] = vv * c1
        u[3] = vv * s1
        u[4] = vv * c2
        u[5] = vv * s2
    else:
        vp = p[L.P_V_PEAK]
        _supply(c0, s0, vp * u[9], p, u, 0)
        _supply(c1, s1, vp * u[10], p, u, 2)
        _supply(c2, s2, vp * u[11], p, u, 4)


@njit(**NUMBA_OPTIONS)
def _relative_inputs(t, dt, s, ii, p, prof, prof_n, half_step, u):
    """Add the started relative profiles (fault profiles over the time since their trigger)
    to the stage inputs u: load scales u[6..8], voltage scales u[9..11], friction u[12..14]
    (only the t_n entries unless ``half_step``)."""
    for r in range(int(p[L.P_N_REL])):
        t0 = s[L.S_REL_T0 + r]
        if t0 < 0.0:
            continue
        j = L.N_PROF + r
        c = ii[L.I_PROF_CURSOR0 + j]
        k = 6 + 3 * int(p[L.P_REL_TARGET0 + r])
        a = _profile_value(prof, prof_n, j, c, t - t0)
        if k == 9:
            u[9] *= a
        else:
            u[k] += a
        if half_step:
            b = _profile_value(prof, prof_n, j, c, t + 0.5 * dt - t0)
            e = _profile_value(prof, prof_n, j, c, t + dt - t0)
            if k == 9:
                u[10] *= b
                u[11] *= e
            else:
                u[k + 1] += b
                u[k + 2] += e


@njit(**NUMBA_OPTIONS)
def _source_at(t, s, ii, p, prof, prof_n, u):
    """Only the t_n entries of :func:`_stage_inputs` (u[0], u[1], u[6], u[9], u[12] and the
    defects' u[U_DEF0 + 3 k]): what the derivative at the end of a step needs."""
    v0 = _profile_value(prof, prof_n, L.PROF_VOLTAGE, ii[L.I_PROF_CURSOR0 + L.PROF_VOLTAGE], t)
    u[6] = _profile_value(prof, prof_n, L.PROF_LOAD, ii[L.I_PROF_CURSOR0 + L.PROF_LOAD], t)
    u[9] = v0
    u[12] = _profile_value(prof, prof_n, L.PROF_FRICTION, ii[L.I_PROF_CURSOR0 + L.PROF_FRICTION], t)
    if p[L.P_N_REL] > 0.0:
        _relative_inputs(t, 0.0, s, ii, p, prof, prof_n, False, u)
    for k in range(int(p[L.P_N_DEFECTS])):
        j = int(p[L.P_DEF_PROF0 + k])
        u[U_DEF0 + 3 * k] = _profile_value(prof, prof_n, j, ii[L.I_PROF_CURSOR0 + j], t)
    if p[L.P_SUPPLY_KIND] == L.SUPPLY_VFD:
        angle = s[L.S_THETA_OUT]
        vv = vf_peak_voltage(s[L.S_F_OUT], p)
        u[0] = vv * math.cos(angle)
        u[1] = vv * math.sin(angle)
    else:
        angle = s[L.S_THETA_SUPPLY]
        _supply(math.cos(angle), math.sin(angle), p[L.P_V_PEAK] * u[9], p, u, 0)


@njit(**NUMBA_OPTIONS)
def _outputs(x, s, ii, p, aux, y):
    """Per-step output vector y from the state and the auxiliaries of its derivative.

    Induction motor: phase currents and voltages from the alpha-beta vectors. DC motor:
    (armature current, field current, 0) and (armature voltage, field voltage, 0); the
    squared-current and power channels cover the armature (and the field's power)."""
    ila = aux[A_ILA]
    ilb = aux[A_ILB]
    uma = aux[A_UMA]
    umb = aux[A_UMB]
    if p[L.P_MOTOR_KIND] == L.MOTOR_DC:
        y[L.Y_IA] = ila
        y[L.Y_IB] = ilb
        y[L.Y_IC] = 0.0
        y[L.Y_UA] = uma
        y[L.Y_UB] = umb
        y[L.Y_UC] = 0.0
        y[L.Y_ISQ] = ila * ila
        y[L.Y_USQ] = uma * uma
        y[L.Y_P] = uma * ila + umb * ilb
    else:
        y[L.Y_IA] = ila
        y[L.Y_IB] = -0.5 * ila + SQRT3_2 * ilb
        y[L.Y_IC] = -0.5 * ila - SQRT3_2 * ilb
        y[L.Y_UA] = uma
        y[L.Y_UB] = -0.5 * uma + SQRT3_2 * umb
        y[L.Y_UC] = -0.5 * uma - SQRT3_2 * umb
        y[L.Y_ISQ] = y[L.Y_IA] * y[L.Y_IA] + y[L.Y_IB] * y[L.Y_IB] + y[L.Y_IC] * y[L.Y_IC]
        y[L.Y_USQ] = y[L.Y_UA] * y[L.Y_UA] + y[L.Y_UB] * y[L.Y_UB] + y[L.Y_UC] * y[L.Y_UC]
        y[L.Y_P] = 1.5 * (uma * ila + umb * ilb)
    y[L.Y_TSHAFT] = aux[A_TSHAFT]
    if p[L.P_SUPPLY_KIND] == L.SUPPLY_VFD and _output_on(ii, p):
        y[L.Y_COS_OUT] = math.cos(s[L.S_THETA_OUT])
        y[L.Y_SIN_OUT] = math.sin(s[L.S_THETA_OUT])
    else:
        y[L.Y_COS_OUT] = 0.0
        y[L.Y_SIN_OUT] = 0.0
    y[L.Y_WM] = x[L.X_WM]
    y[L.Y_VDC] = x[L.X_VDC]
    y[L.Y_FOUT] = s[L.S_F_OUT]
    y[L.Y_VBELT] = x[L.X_VBELT]
    y[L.Y_VPULLEY] = aux[A_VPULLEY]
    y[L.Y_MLOAD] = x[L.X_MLOAD]
    y[L.Y_PCHOP] = aux[A_PCHOP]
    y[L.Y_THM] = x[L.X_THM]
    y[L.Y_PSIRA] = x[L.X_PSIRA]
    y[L.Y_PSIRB] = x[L.X_PSIRB]


@njit(**NUMBA_OPTIONS)
def _log(ev, ii, t, code, arg, value):
    k = ii[L.I_N_EVENTS]
    if k < ev.shape[0]:
        ev[k, 0] = t
        ev[k, 1] = code
        ev[k, 2] = arg
        ev[k, 3] = value
        ii[L.I_N_EVENTS] = k + 1


@njit(**NUMBA_OPTIONS)
def _opening_step(t, p):
    """Step at which contacts commanded open at time t (a step time) open: the command's step
    plus the drop-out delay rounded to whole steps (exact on the step grid)."""
    rate = p[L.P_RATE_HZ]
    return float(round(t * rate) + round(p[L.P_CONTACTOR_DELAY] * rate))


@njit(**NUMBA_OPTIONS)
def _derived_params(p):
    """Parameters derived from others (refreshed whenever parameters may have changed)."""
    p[L.P_BELT_FMAX_S] = p[L.P_BELT_T2] * (math.exp(p[L.P_BELT_MU_S] * p[L.P_BELT_WRAP]) - 1.0)


@njit(**NUMBA_OPTIONS)
def _brake_power_off(t, s, ii, p):
    """The motor's power is removed: the brake coil drops and the springs engage the brake
    after its delay (on the step grid). No effect without a brake or when already engaged."""
    if p[L.P_BRAKE_TORQUE] > 0.0 and ii[L.I_BRAKE] == 0 and s[L.S_BRAKE_AT] < 0.0:
        rate = p[L.P_RATE_HZ]
        s[L.S_BRAKE_AT] = float(round(t * rate) + round(p[L.P_BRAKE_DELAY] * rate))


@njit(**NUMBA_OPTIONS)
def _brake_release(t, x, s, ii, p, ev):
    """Power is applied: the brake coil lifts the brake (a pending engagement is cancelled)."""
    if p[L.P_BRAKE_TORQUE] > 0.0:
        s[L.S_BRAKE_AT] = -1.0
        if ii[L.I_BRAKE] == 1:
            ii[L.I_BRAKE] = 0
            _log(ev, ii, t, L.EV_BRAKE, 0, x[L.X_WM])


@njit(**NUMBA_OPTIONS)
def _apply_action(action, arg, value, t, x, s, ii, p, ev):
    """Carry out one trigger action at time t. Returns True if the modes changed.

    (Not recursive: Numba's cache does not handle self-recursive kernels.)"""
    if p[L.P_SUPPLY_KIND] == L.SUPPLY_MAINS:
        # without a drive, a stop of category 0 is the contactor opening, a start its closing
        if action == L.ACT_STO or action == L.ACT_SS1 or action == L.ACT_DRIVE_STOP:
            action = L.ACT_OPEN_CONTACTOR
        elif action == L.ACT_DRIVE_START:
            action = L.ACT_CLOSE_CONTACTOR
    if action == L.ACT_CLOSE_CONTACTOR:
        if ii[L.I_CONTACTOR] == 0 and ii[L.I_RELAY_TRIPPED] == 0:
            ii[L.I_CONTACTOR] = 1
            ii[L.I_REACHED_RUNNING] = 0
            s[L.S_CONTACTOR_OPEN_AT] = -1.0
            _log(ev, ii, t, L.EV_CONTACTOR_CLOSED, 0, 0.0)
            _brake_release(t, x, s, ii, p, ev)
            return True
    elif action == L.ACT_OPEN_CONTACTOR:
        if ii[L.I_CONTACTOR] == 1 and s[L.S_CONTACTOR_OPEN_AT] < 0.0:
            s[L.S_CONTACTOR_OPEN_AT] = _opening_step(t, p)
            _log(ev, ii, t, L.EV_CONTACTOR_OPEN_COMMAND, 0, 0.0)
            return True
    elif action == L.ACT_OPEN_PHASE:
        bit = 1 << arg
        if ii[L.I_PHASE_OPEN] & bit == 0:
            ii[L.I_PHASE_OPEN] |= bit
            _project_currents(x, ii, p)
            _log(ev, ii, t, L.EV_PHASE_OPENED, arg, 0.0)
            return True
    elif action == L.ACT_RESTORE_PHASE:
        bit = 1 << arg
        if ii[L.I_PHASE_OPEN] & bit != 0:
            ii[L.I_PHASE_OPEN] &= ~bit
            _log(ev, ii, t, L.EV_PHASE_RESTORED, arg, 0.0)
            return True
    elif action == L.ACT_SET_PARAM:
        p[arg] = value
        _derived_params(p)
        _log(ev, ii, t, L.EV_PARAM_SET, arg, value)
        return True
    elif action == L.ACT_START_PROFILE:
        if s[L.S_REL_T0 + arg] < 0.0:
            s[L.S_REL_T0 + arg] = t
            return True
    elif p[L.P_SUPPLY_KIND] != L.SUPPLY_MAINS:
        return _drive_action(action, value, t, x, s, ii, p, ev)
    return False


@njit(**NUMBA_OPTIONS)
def _set_drive_mode(mode, t, ii, ev):
    if ii[L.I_DRIVE_MODE] != mode:
        ii[L.I_DRIVE_MODE] = mode
        _log(ev, ii, t, L.EV_DRIVE_MODE, mode, 0.0)


@njit(**NUMBA_OPTIONS)
def _command_sto(t, s, ii, p, ev):
    """Schedule STO after the drive's response time (on the step grid)."""
    if ii[L.I_DRIVE_MODE] != L.DRV_STO and s[L.S_STO_AT] < 0.0:
        rate = p[L.P_RATE_HZ]
        s[L.S_STO_AT] = float(round(t * rate) + round(p[L.P_DRV_STO_DELAY] * rate))


@njit(**NUMBA_OPTIONS)
def _drive_action(action, value, t, x, s, ii, p, ev):
    """Commands to a variable-frequency drive. Returns True if anything changed."""
    mode = ii[L.I_DRIVE_MODE]
    blocked = ii[L.I_DRIVE_FAULT] != 0 or ii[L.I_RELAY_TRIPPED] != 0
    if action == L.ACT_DRIVE_START:
        # refused while tripped, while STO is pending or active, and during an SS1 stop
        busy = mode == L.DRV_RUN or mode == L.DRV_STO or mode == L.DRV_SS1
        if not blocked and not busy and s[L.S_STO_AT] < 0.0:
            if s[L.S_F_REF] <= 0.0:
                s[L.S_F_REF] = p[L.P_DRV_FSET]
            ii[L.I_REACHED_RUNNING] = 0
            _set_drive_mode(L.DRV_RUN, t, ii, ev)
            _brake_release(t, x, s, ii, p, ev)
            return True
    elif action == L.ACT_DRIVE_STOP:
        if mode == L.DRV_RUN:
            _set_drive_mode(L.DRV_RAMP_STOP, t, ii, ev)
            return True
    elif action == L.ACT_SS1:
        if mode == L.DRV_RUN or mode == L.DRV_RAMP_STOP or mode == L.DRV_SS2:
            _set_drive_mode(L.DRV_SS1, t, ii, ev)
            return True
        if mode == L.DRV_OFF or mode == L.DRV_STO:  # nothing to decelerate
            _command_sto(t, s, ii, p, ev)
            return True
        # already in SS1: the stop goes on
    elif action == L.ACT_SS2:
        if mode == L.DRV_RUN or mode == L.DRV_RAMP_STOP:
            _set_drive_mode(L.DRV_SS2, t, ii, ev)
            return True
    elif action == L.ACT_STO:
        _command_sto(t, s, ii, p, ev)
        return True
    elif action == L.ACT_DRIVE_SETPOINT:
        s[L.S_F_REF] = value
        return True
    return False


@njit(**NUMBA_OPTIONS)
def _project_currents(x, ii, p):
    """Interrupt the stator current in open lines (all of it if no path is left)."""
    if p[L.P_MOTOR_KIND] == L.MOTOR_DC:
        if not _output_on(ii, p):
            x[L.X_ISA] = 0.0  # the armature circuit opens; the field stays excited
        return
    open_idx = _open_phase_index(ii[L.I_PHASE_OPEN])
    if not _output_on(ii, p) or open_idx == 3:
        x[L.X_ISA] = 0.0
        x[L.X_ISB] = 0.0
    elif open_idx >= 0:
        ang = TWO_PI * open_idx / 3.0
        epa = -math.sin(ang)
        epb = math.cos(ang)
        proj = x[L.X_ISA] * epa + x[L.X_ISB] * epb
        x[L.X_ISA] = proj * epa
        x[L.X_ISB] = proj * epb


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
    """Backward-Euler step of C dT/dt = P - G T + g_amb fan(w) (T_amb - T) over L.S_ACC_DT.

    Losses are the means over the sub-cycle. Also updates the temperature-dependent
    resistances. Returns the sub-cycle length (s).
    """
    dt = s[L.S_ACC_DT]
    n = int(p[L.P_N_NODES])
    fan = fan_factor(x[L.X_WM], p)
    tamb = p[L.P_T_AMBIENT]
    for i in range(n):
        rhs[i] = 0.0
    rhs[int(p[L.P_NODE_WINDING])] += s[L.S_ACC_CU_S] / dt
    rhs[int(p[L.P_NODE_ROTOR])] += s[L.S_ACC_CU_R] / dt
    rhs[int(p[L.P_NODE_IRON])] += s[L.S_ACC_FE] / dt
    rhs[int(p[L.P_NODE_HOUSING])] += s[L.S_ACC_FW] / dt
    for j in range(int(p[L.P_N_BEARINGS])):
        rhs[int(p[L.P_NODE_BEARING0 + j])] += s[L.S_ACC_BEARING0 + j] / dt
    for i in range(n):
        s[L.S_LOSS_INT0 + i] += rhs[i] * dt
    s[L.S_LOSS_INT_T] += dt
    for i in range(n):
        c_dt = th[i, n + 1] / dt
        g_amb = th[i, n] * fan
        for j in range(n):
            amat[i, j] = th[i, j]
        amat[i, i] += c_dt + g_amb
        rhs[i] += c_dt * s[L.S_TEMPS0 + i] + g_amb * tamb
    _solve_in_place(amat[:n, :n], rhs[:n])
    for i in range(n):
        s[L.S_TEMPS0 + i] = rhs[i]
    update_resistances(s, p)
    return dt


@njit(**NUMBA_OPTIONS)
def fan_factor(w_rad_s, p):
    """Ambient conductance factor of the shaft fan at speed w (rad/s): the standstill
    ratio, rising to 1 at rated speed with the fan exponent."""
    w_ratio = abs(w_rad_s) / p[L.P_W_RATED]
    return p[L.P_FAN_STANDSTILL] + (1.0 - p[L.P_FAN_STANDSTILL]) * w_ratio ** p[L.P_FAN_EXPONENT]


@njit(**NUMBA_OPTIONS)
def update_resistances(s, p):
    """Stator and rotor resistances at the winding and rotor temperatures (unless the
    thermal coupling is off)."""
    if p[L.P_THERMAL_COUPLING] != 0.0:
        tref = p[L.P_R_REF_TEMP_C]
        tw = s[L.S_TEMPS0 + int(p[L.P_NODE_WINDING])]
        tr = s[L.S_TEMPS0 + int(p[L.P_NODE_ROTOR])]
        s[L.S_RS] = p[L.P_RS_REF] * (p[L.P_RS_TEMP_K] + tw) / (p[L.P_RS_TEMP_K] + tref)
        s[L.S_RR] = p[L.P_RR_REF] * (p[L.P_RR_TEMP_K] + tr) / (p[L.P_RR_TEMP_K] + tref)


@njit(**NUMBA_OPTIONS)
def _signal(sig, x, s, p):
    """Value of condition signal ``sig`` now."""
    if sig == L.SIG_SPEED_RPM:
        return x[L.X_WM] * 60.0 / TWO_PI
    if sig == L.SIG_TORQUE_N_M:
        return p[L.P_K_COUPLING] * x[L.X_TWIST] + p[L.P_C_COUPLING] * (x[L.X_WM] - x[L.X_WL])
    if sig == L.SIG_CURRENT_RMS_A:
        return s[L.S_COND_CURRENT_RMS]
    if sig == L.SIG_RELAY_LEVEL:
        return s[L.S_RELAY_LEVEL]
    if sig == L.SIG_DC_LINK_V:
        return x[L.X_VDC]
    if sig == L.SIG_BELT_SPEED:
        return x[L.X_VBELT]
    if sig == L.SIG_BELT_SLIP_PCT:
        return 100.0 * _belt_slip(x, p)
    return s[L.S_TEMPS0 + sig - L.SIG_TEMP0]


@njit(**NUMBA_OPTIONS)
def _belt_slip(x, p):
    """Relative slip of the belt on the drive pulley, (v_pulley - v_belt) / v_pulley."""
    if p[L.P_CONVEYOR] == 0.0:
        return 0.0
    vp = x[L.X_WL] / p[L.P_GEAR_RATIO] * p[L.P_PULLEY_R]
    return (vp - x[L.X_VBELT]) / max(abs(vp), 0.05 * p[L.P_BELT_VN])


@njit(**NUMBA_OPTIONS)
def _machine_state(x, s, ii, p):
    if ii[L.I_RELAY_TRIPPED] == 1 or ii[L.I_DRIVE_FAULT] != 0:
        return L.MS_TRIPPED
    if p[L.P_SUPPLY_KIND] != L.SUPPLY_MAINS:
        if ii[L.I_DRIVE_MODE] == L.DRV_RUN:
            if ii[L.I_REACHED_RUNNING] == 0 and s[L.S_F_OUT] >= s[L.S_F_REF]:
                ii[L.I_REACHED_RUNNING] = 1
            if ii[L.I_REACHED_RUNNING] == 1:
                if abs(x[L.X_WM]) < p[L.P_W_STALL]:
                    return L.MS_STALLED
                return L.MS_RUNNING
            return L.MS_STARTING
        if abs(x[L.X_WM]) > p[L.P_W_STANDSTILL]:
            return L.MS_STOPPING
        return L.MS_STOPPED
    if ii[L.I_CONTACTOR] == 1:
        if ii[L.I_REACHED_RUNNING] == 0 and x[L.X_WM] >= p[L.P_W_RUNNING]:
            ii[L.I_REACHED_RUNNING] = 1
        if ii[L.I_REACHED_RUNNING] == 1:
            if abs(x[L.X_WM]) < p[L.P_W_STALL]:
                return L.MS_STALLED
            return L.MS_RUNNING
        return L.MS_STARTING
    if abs(x[L.X_WM]) > p[L.P_W_STANDSTILL]:
        return L.MS_STOPPING
    return L.MS_STOPPED


@njit(**NUMBA_OPTIONS)
def _block_gates(x, s, ii, p, ev, t):
    """Safe torque off reaches the power stage: gates blocked, no output, no current; a
    pending STO command has nothing left to do."""
    s[L.S_STO_AT] = -1.0
    _set_drive_mode(L.DRV_STO, t, ii, ev)
    _log(ev, ii, t, L.EV_STO_ACTIVE, 0, 0.0)
    s[L.S_F_OUT] = 0.0
    _project_currents(x, ii, p)
    _brake_power_off(t, s, ii, p)


@njit(**NUMBA_OPTIONS)
def _drive_fault(code, value, t, x, s, ii, p, ev):
    """A drive trip (the first fault is latched): the power stage blocks at once, as drives
    do on a fault (microseconds), without the STO input's response time."""
    if ii[L.I_DRIVE_FAULT] == 0:
        ii[L.I_DRIVE_FAULT] = code
        _log(ev, ii, t, L.EV_DRIVE_FAULT, code, value)
        if ii[L.I_DRIVE_MODE] != L.DRV_STO:
            _block_gates(x, s, ii, p, ev, t)


@njit(**NUMBA_OPTIONS)
def _drive_step(x, s, ii, p, ev, t, n, dt):
    """The drive's discrete logic at step n: braking chopper (hysteresis), DC-link trips,
    pending STO, and the output-frequency ramp with current limit and DC-link overvoltage
    control. Returns True if anything the derivative depends on changed."""
    changed = False
    vdc = x[L.X_VDC]
    vfd = p[L.P_SUPPLY_KIND] == L.SUPPLY_VFD
    if vfd and p[L.P_DRV_RBRAKE] > 0.0:
        # hysteresis control; no event per toggle (braking_power_w shows the braking)
        if ii[L.I_CHOPPER_ON] == 0 and vdc > p[L.P_DRV_VCHOP_ON]:
            ii[L.I_CHOPPER_ON] = 1
            changed = True
        elif ii[L.I_CHOPPER_ON] == 1 and vdc < p[L.P_DRV_VCHOP_OFF]:
            ii[L.I_CHOPPER_ON] = 0
            changed = True
    mode = ii[L.I_DRIVE_MODE]
    on = mode != L.DRV_OFF and mode != L.DRV_STO
    if vfd and vdc > p[L.P_DRV_VOV]:
        _drive_fault(L.FAULT_OVERVOLTAGE, vdc, t, x, s, ii, p, ev)
    elif vfd and on and vdc < p[L.P_DRV_VUV]:
        _drive_fault(L.FAULT_UNDERVOLTAGE, vdc, t, x, s, ii, p, ev)
    if s[L.S_STO_AT] >= 0.0 and n >= s[L.S_STO_AT]:
        _block_gates(x, s, ii, p, ev, t)
        return True
    mode = ii[L.I_DRIVE_MODE]
    if mode == L.DRV_OFF or mode == L.DRV_STO:
        return True if ii[L.I_DRIVE_FAULT] != 0 else changed
    target = s[L.S_F_REF] if mode == L.DRV_RUN else 0.0
    up = p[L.P_DRV_RAMP_UP]
    down = p[L.P_DRV_SS1_RAMP] if mode == L.DRV_SS1 or mode == L.DRV_SS2 else p[L.P_DRV_RAMP_DOWN]
    f = s[L.S_F_OUT]
    i_peak = math.sqrt(x[L.X_ISA] * x[L.X_ISA] + x[L.X_ISB] * x[L.X_ISB])
    if not vfd:
        # DC drive: the speed reference ramps; its controllers enforce the current limit
        if f < target:
            f = min(target, f + up * dt)
        elif f > target:
            f = max(target, f - down * dt)
    elif mode == L.DRV_RUN and i_peak > p[L.P_DRV_ILIM]:
        # current limit (stall prevention), at any speed: the output frequency backs off in
        # proportion to the excess, 10 f_N per s per unit excess
        excess = i_peak / p[L.P_DRV_ILIM] - 1.0
        f = max(0.0, f - 10.0 * p[L.P_DRV_FN] * excess * dt)
    elif f < target:
        if i_peak < p[L.P_DRV_ILIM]:
            f = min(target, f + up * dt)
    elif f > target:
        if vdc < p[L.P_DRV_VOV_CTRL]:
            f = max(target, f - down * dt)  # else hold: the ramp stretches
    if f != s[L.S_F_OUT]:
        s[L.S_F_OUT] = f
        changed = True
    if f == 0.0 and target == 0.0:
        if mode == L.DRV_RAMP_STOP:
            _set_drive_mode(L.DRV_OFF, t, ii, ev)
            _project_currents(x, ii, p)
            _brake_power_off(t, s, ii, p)
            changed = True
        elif mode == L.DRV_SS1:
            _block_gates(x, s, ii, p, ev, t)
            changed = True
    return changed


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
    ev[:ii[L.I_N_EVENTS]]."""
    rate = int(p[L.P_RATE_HZ])
    dt = 1.0 / p[L.P_RATE_HZ]
    sub = int(p[L.P_THERMAL_SUBSTEPS])
    n_nodes = int(p[L.P_N_NODES])
    n_trig = trig_i.shape[0]
    ev_room = ev.shape[0] - 16

    k1 = np.empty(L.N_X)
    k2 = np.empty(L.N_X)
    k3 = np.empty(L.N_X)
    k4 = np.empty(L.N_X)
    xs = np.empty(L.N_X)
    aux = np.empty(N_A)
    aux_tmp = np.empty(N_A)
    y0 = np.empty(L.N_Y)
    y1 = np.empty(L.N_Y)
    amat = np.empty((n_nodes, n_nodes))
    rhs = np.empty(n_nodes)
    u = np.zeros(N_U)
    vfd = p[L.P_SUPPLY_KIND] == L.SUPPLY_VFD
    driven = p[L.P_SUPPLY_KIND] != L.SUPPLY_MAINS
    n_rel_end = L.N_PROF + int(p[L.P_N_REL])
    ii[L.I_CACHE_VALID] = 0
    _derived_params(p)

    n = ii[L.I_STEP]
    while n < n_end:
        if ii[L.I_N_EVENTS] >= ev_room:
            break
        t = n / p[L.P_RATE_HZ]
        changed = False

        # ---------------------------------------------------------- discrete events at t_n
        if s[L.S_CONTACTOR_OPEN_AT] >= 0.0 and n >= s[L.S_CONTACTOR_OPEN_AT]:
            s[L.S_CONTACTOR_OPEN_AT] = -1.0
            ii[L.I_CONTACTOR] = 0
            _project_currents(x, ii, p)
            _log(ev, ii, t, L.EV_CONTACTOR_OPENED, 0, 0.0)
            _brake_power_off(t, s, ii, p)
            changed = True
        if s[L.S_BRAKE_AT] >= 0.0 and n >= s[L.S_BRAKE_AT]:
            s[L.S_BRAKE_AT] = -1.0
            ii[L.I_BRAKE] = 1
            _log(ev, ii, t, L.EV_BRAKE, 1, x[L.X_WM])
            changed = True
        if driven and _drive_step(x, s, ii, p, ev, t, n, dt):
            changed = True
        for j in range(n_trig):
            if trig_i[j, 0] == L.TRIG_AT_TIME and trig_s[j, 0] == 0.0 and t >= trig_f[j, 0]:
                trig_s[j, 0] = 1.0
                _log(ev, ii, t, L.EV_TRIGGER_FIRED, j, 0.0)
                if _apply_action(trig_i[j, 1], trig_i[j, 2], trig_f[j, 2], t, x, s, ii, p, ev):
                    changed = True
        if n > 0 and n % sub == 0:
            dt_th = _thermal_step(x, s, p, th, amat, rhs)
            # overload relay replica on the largest phase mean square
            ms = max(s[L.S_ACC_I2A], max(s[L.S_ACC_I2B], s[L.S_ACC_I2C])) / dt_th
            s[L.S_COND_CURRENT_RMS] = math.sqrt(ms)
            ie_k = p[L.P_RELAY_IE] * p[L.P_RELAY_K]
            target = ms / (ie_k * ie_k)
            lvl = s[L.S_RELAY_LEVEL]
            s[L.S_RELAY_LEVEL] = target + (lvl - target) * math.exp(-dt_th / p[L.P_RELAY_TAU])
            for j in range(L.S_ACC_DT, L.S_ACC_BEARING0 + L.N_BEARING_MAX):
                s[j] = 0.0
            if (
                p[L.P_RELAY_ENABLED] != 0.0
                and ii[L.I_RELAY_TRIPPED] == 0
                and s[L.S_RELAY_LEVEL] >= 1.0
            ):
                ii[L.I_RELAY_TRIPPED] = 1
                _log(ev, ii, t, L.EV_RELAY_TRIPPED, 0, s[L.S_COND_CURRENT_RMS])
                if driven:
                    _drive_fault(L.FAULT_OVERLOAD, s[L.S_COND_CURRENT_RMS], t, x, s, ii, p, ev)
                elif ii[L.I_CONTACTOR] == 1 and s[L.S_CONTACTOR_OPEN_AT] < 0.0:
                    s[L.S_CONTACTOR_OPEN_AT] = _opening_step(t, p)
                    _log(ev, ii, t, L.EV_CONTACTOR_OPEN_COMMAND, 1, 0.0)
            for j in range(n_trig):
                kind = trig_i[j, 0]
                if kind == L.TRIG_AT_TIME or trig_s[j, 0] != 0.0 or t < trig_f[j, 3]:
                    continue
                v = _signal(trig_i[j, 3], x, s, p)
                hit = (kind == L.TRIG_ABOVE and v > trig_f[j, 0]) or (
                    kind == L.TRIG_BELOW and v < trig_f[j, 0]
                )
                if hit:
                    trig_s[j, 1] += dt_th
                    if trig_s[j, 1] >= trig_f[j, 1]:
                        trig_s[j, 0] = 1.0
                        _log(ev, ii, t, L.EV_TRIGGER_FIRED, j, v)
                        _apply_action(trig_i[j, 1], trig_i[j, 2], trig_f[j, 2], t, x, s, ii, p, ev)
                else:
                    trig_s[j, 1] = 0.0
            changed = True
        # profile cursors (relative profiles over the time since their start)
        for j in range(prof_n.shape[0]):
            tj = t
            if L.N_PROF <= j < n_rel_end:
                if s[L.S_REL_T0 + j - L.N_PROF] < 0.0:
                    continue
                tj = t - s[L.S_REL_T0 + j - L.N_PROF]
            m = ii[L.I_PROF_CURSOR0 + j]
            while m + 1 < prof_n[j] and prof[j, m + 1, 0] <= tj:
                m += 1
            ii[L.I_PROF_CURSOR0 + j] = m
        st = _machine_state(x, s, ii, p)
        if st != ii[L.I_MACHINE_STATE] or ii[L.I_STATE_LOGGED] == 0:
            ii[L.I_MACHINE_STATE] = st
            ii[L.I_STATE_LOGGED] = 1
            _log(ev, ii, t, L.EV_STATE, st, x[L.X_WM])

        # ---------------------------------------------------------- derivative at t_n
        _stage_inputs(t, dt, s, ii, p, prof, prof_n, True, u)
        if changed or ii[L.I_CACHE_VALID] == 0:
            _deriv(x, u[0], u[1], u[6], u[9], u[12], u, 0, s, ii, p, k1, aux)
            _outputs(x, s, ii, p, aux, y0)
        # losses over [t_n, t_n+1) (left rectangle at 20 kHz resolves the mains ripple)
        s[L.S_ACC_DT] += dt
        s[L.S_ACC_CU_S] += aux[A_PCUS] * dt
        s[L.S_ACC_CU_R] += aux[A_PCUR] * dt
        s[L.S_ACC_FE] += aux[A_PFE] * dt
        s[L.S_ACC_FW] += aux[A_PFW] * dt
        for j in range(int(p[L.P_N_BEARINGS])):
            s[L.S_ACC_BEARING0 + j] += p[L.P_BEARING_T0 + j] * aux[A_BEAR_SCALE] * x[L.X_WM] * dt
        if p[L.P_SEIZE_BEARING] >= 0.0:
            s[L.S_ACC_BEARING0 + int(p[L.P_SEIZE_BEARING])] += aux[A_PSEIZE] * dt
        for k in range(int(p[L.P_N_DEFECTS])):
            s[L.S_ACC_BEARING0 + int(p[L.P_DEF_SLOT0 + k])] += aux[A_PDEF0 + k] * dt
        s[L.S_ACC_I2A] += y0[L.Y_IA] * y0[L.Y_IA] * dt
        s[L.S_ACC_I2B] += y0[L.Y_IB] * y0[L.Y_IB] * dt
        s[L.S_ACC_I2C] += y0[L.Y_IC] * y0[L.Y_IC] * dt

        # ---------------------------------------------------------- RK4 step
        for j in range(L.N_X):
            xs[j] = x[j] + 0.5 * dt * k1[j]
        _deriv(xs, u[2], u[3], u[7], u[10], u[13], u, 1, s, ii, p, k2, aux_tmp)
        for j in range(L.N_X):
            xs[j] = x[j] + 0.5 * dt * k2[j]
        _deriv(xs, u[2], u[3], u[7], u[10], u[13], u, 1, s, ii, p, k3, aux_tmp)
        for j in range(L.N_X):
            xs[j] = x[j] + dt * k3[j]
        _deriv(xs, u[4], u[5], u[8], u[11], u[14], u, 2, s, ii, p, k4, aux_tmp)
        for j in range(L.N_X):
            x[j] += dt / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j])
        th_s = s[L.S_THETA_SUPPLY] + TWO_PI * p[L.P_F_SUPPLY] * dt
        if th_s >= TWO_PI:
            th_s -= TWO_PI
        s[L.S_THETA_SUPPLY] = th_s
        if vfd:
            th_o = s[L.S_THETA_OUT] + TWO_PI * s[L.S_F_OUT] * dt
            if th_o >= TWO_PI:
                th_o -= TWO_PI
            s[L.S_THETA_OUT] = th_o
        n += 1
        ii[L.I_STEP] = n
        t1 = n / p[L.P_RATE_HZ]

        # ---------------------------------------------------------- divergence guard
        bad = 0
        for j in range(L.N_X):
            if not math.isfinite(x[j]):
                bad = L.DIV_NONFINITE
        if bad == 0:
            if x[L.X_ISA] * x[L.X_ISA] + x[L.X_ISB] * x[L.X_ISB] > p[L.P_I_LIMIT] * p[L.P_I_LIMIT]:
                bad = L.DIV_CURRENT
            elif abs(x[L.X_WM]) > p[L.P_W_LIMIT] or abs(x[L.X_WL]) > p[L.P_W_LIMIT]:
                bad = L.DIV_SPEED
        if bad != 0:
            ii[L.I_DIVERGED] = bad
            _log(ev, ii, t1, L.EV_DIVERGED, bad, 0.0)
            break

        # ---------------------------------------------------------- outputs in [t_n, t_n+1)
        # derivative at t_n+1 with the supply phasor of the new angle (also k1 of the next step)
        _source_at(t1, s, ii, p, prof, prof_n, u)
        _deriv(x, u[0], u[1], u[6], u[9], u[12], u, 0, s, ii, p, k1, aux)
        _outputs(x, s, ii, p, aux, y1)
        if p[L.P_CONVEYOR] != 0.0:
            # gross slip: beyond the detection threshold and clearly outside the creep band
            # of the regularised friction (tanh saturated)
            slip = _belt_slip(x, p)
            vp = x[L.X_WL] / p[L.P_GEAR_RATIO] * p[L.P_PULLEY_R]
            vrel = vp - x[L.X_VBELT]
            gross = vrel > 3.0 * p[L.P_BELT_VEPS]
            if ii[L.I_BELT_SLIPPING] == 0 and slip > p[L.P_SLIP_DETECT] and gross:
                ii[L.I_BELT_SLIPPING] = 1
                _log(ev, ii, t1, L.EV_BELT_SLIP, 1, slip)
            elif ii[L.I_BELT_SLIPPING] == 1 and (slip < 0.5 * p[L.P_SLIP_DETECT] or not gross):
                ii[L.I_BELT_SLIPPING] = 0
                _log(ev, ii, t1, L.EV_BELT_SLIP, 0, slip)
        ii[L.I_CACHE_VALID] = 1
        nm1 = n - 1
        kf = ii[L.I_K_FAST]
        while kf * rate < n * fast_rate:
            phi = (kf * rate - nm1 * fast_rate) / fast_rate
            col = kf - fast_k0
            for j in range(L.N_F):
                fast_out[j, col] = y0[j] + phi * (y1[j] - y0[j])
            kf += 1
        ii[L.I_K_FAST] = kf
        ks = ii[L.I_K_SLOW]
        while ks * rate < n * slow_rate:
            phi = (ks * rate - nm1 * slow_rate) / slow_rate
            col = ks - slow_k0
            slow_out[L.Q_THETA_M, col] = y0[L.Y_THM] + phi * (y1[L.Y_THM] - y0[L.Y_THM])
            for j in range(L.N_AVG):
                yj0 = y0[L.Y_ISQ + j]
                dyj = y1[L.Y_ISQ + j] - yj0
                part = dt * (phi * yj0 + 0.5 * phi * phi * dyj)
                if ks == 0:
                    slow_out[L.Q_ISQ + j, col] = yj0
                else:
                    slow_out[L.Q_ISQ + j, col] = (s[L.S_SLOW_ACC0 + j] + part) * slow_rate
                s[L.S_SLOW_ACC0 + j] = -part
            slow_out[L.Q_RELAY, col] = s[L.S_RELAY_LEVEL]
            for j in range(n_nodes):
                slow_out[L.Q_TEMP0 + j, col] = s[L.S_TEMPS0 + j]
            ks += 1
        ii[L.I_K_SLOW] = ks
        if trace_rate > 0:
            kt = ii[L.I_K_TRACE]
            while kt * rate < n * trace_rate:
                phi = (kt * rate - nm1 * trace_rate) / trace_rate
                col = kt - trace_k0
                trace_out[L.T_THETA_M, col] = y0[L.Y_THM] + phi * (y1[L.Y_THM] - y0[L.Y_THM])
                trace_out[L.T_WM, col] = y0[L.Y_WM] + phi * (y1[L.Y_WM] - y0[L.Y_WM])
                trace_out[L.T_PSIRA, col] = y0[L.Y_PSIRA] + phi * (y1[L.Y_PSIRA] - y0[L.Y_PSIRA])
                trace_out[L.T_PSIRB, col] = y0[L.Y_PSIRB] + phi * (y1[L.Y_PSIRB] - y0[L.Y_PSIRB])
                trace_out[L.T_TSHAFT, col] = y0[L.Y_TSHAFT] + phi * (
                    y1[L.Y_TSHAFT] - y0[L.Y_TSHAFT]
                )
                kt += 1
            ii[L.I_K_TRACE] = kt
        for j in range(L.N_AVG):
            s[L.S_SLOW_ACC0 + j] += 0.5 * dt * (y0[L.Y_ISQ + j] + y1[L.Y_ISQ + j])
        for j in range(L.N_Y):
            y0[j] = y1[j]
    ii[L.I_CACHE_VALID] = 0
