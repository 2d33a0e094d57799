"""Slow, plain reference of the machine kernel (:mod:`failsim.kernels.machine_kernel`).

Written from the equations (``reference/physics.md`` sections 1, 3, 5 and 6, ``docs/physics.md``)
and from the documented behaviour of the kernel (its docstrings and comments and the comments in
:mod:`failsim.kernels.layout`), without looking at how the kernel computes anything. Space
vectors are Python complex numbers ``alpha + j beta`` (amplitude-invariant Clarke transform),
the thermal step uses :func:`numpy.linalg.solve`, and the streams are interpolated after the
run from the per-step output values. Nothing here is fast; it is meant to be read.

Covered: the induction motor on mains (contactor) or on a V/f drive, the two-mass shaft, an
optional gearbox, a load law or a lumped belt conveyor, the drag of bearing defects, the thermal
network and the overload relay. (The DC motor is not covered.)

Induction motor
---------------
Stator frame, rotor flux linkage as state (Krause)::

    i_r = (psi_r - L_m i_s) / L_r
    dpsi_r/dt = -v_r + j p w_m psi_r,   v_r = R_r i_r          (symmetric rotor)
    u_s = R_s i_s + sigma L_s di_s/dt + (L_m / L_r) dpsi_r/dt
    T_e = 1.5 p (L_m / L_r) Im(conj(psi_r) i_s)

Generalisations:

* broken bars: the rotor resistance is ``R_r (1 + asym)`` on the rotor d axis, which sits at
  the electrical angle ``p theta_m``; ``v_r`` is computed in rotor coordinates and turned back;
* one open line k: the stator current can only flow along ``e_perp = j exp(j 2 pi k / 3)``
  (perpendicular to the axis of phase k); the voltage equation is kept along ``e_perp`` only
  and the open terminal floats (its voltage follows from the machine);
* no source (contactor open, drive gates off or blocked, or two lines open): the stator
  current is zero and the terminal voltage is the voltage induced by the rotor field,
  ``(L_m / L_r) dpsi_r/dt``;
* iron loss: a conductance ``G_fe`` per phase at the terminals; its current flows in the
  lines (and obeys the open-line constraint too).

Source: mains or V/f drive
--------------------------
Mains: positive sequence ``V exp(j theta)`` plus a negative sequence, ``theta`` advancing at the
supply frequency; the voltage profile scales it. Drive (average model)::

    u = V(f_out) exp(j theta_out),  V(f) = V_N (b + (1 - b) min(|f| / f_N, 1))   (V/f law)
    |u| <= V_dc / sqrt(3)                                      (linear SVPWM limit)
    C dV_dc/dt = i_rect - (p_inv + p_chop) / V_dc            (no load current below 1 V)
    i_rect = max(0, (V_rect v - V_dc) / R_src) while the mains contactor is closed
    p_inv = terminal power of the motor (incl. iron loss), p_chop = V_dc^2 / R_br while on

The voltage profile ``v`` scales the rectifier, not the drive's regulated output. ``f_out`` is
held over a solver step and ``theta_out`` advances by ``2 pi f_out dt`` after it.

Discrete drive logic at each step boundary (after a pending contactor opening, before the time
triggers): chopper hysteresis (on above ``chopper_on_v``, off below ``chopper_off_v``); trips
(overvoltage always, undervoltage while the output is on; overload from the relay) that
command STO; a pending STO blocks the gates (``sto_response_s`` after its command, on the step
grid), zeroes ``f_out`` and interrupts the current; otherwise ``f_out`` moves by one step of
its ramp towards the target (the set-point when running, 0 Hz in the stops): up only while
the stator current peak is below the limit, back down above 1.1 times it; down only while the
DC link is below the overvoltage-control level. At 0 Hz a ramp stop switches the gates off and
SS1 blocks them (STO); SS2 holds 0 Hz with the output on.

Safe stops follow the documentation (IEC 61800-5-2, stop category 1 for SS1): once SS1 runs,
neither a start command nor a repeated SS1 command changes it, and the gates blocking is logged
once. (The kernel differs here; see the xfail tests in ``tests/unit/kernels``.)

Mechanics, gearbox and load
---------------------------
Two masses joined by a spring-damper; motor windage ``k w |w|``, viscous ``B w`` and bearing
Coulomb friction ``T_0 tanh(w / w_eps)``. Beyond the coupling a gearbox of ratio i (output
speed ``w_o = w_l / i``) whose efficiency always opposes the power flow::

    T_in = T_o / (i eta)  if T_o w_o >= 0 (the load takes power),  T_o eta / i  otherwise

then a breakaway torque ``T_b tanh(w_l / w_eps_l)`` and an external torque on the load shaft.

A localised bearing defect k drags on the motor shaft: each rolling element that crosses it
loses the energy ``E_k(t)`` (a profile over absolute time, 0 outside the defect's windows), in a
narrow pulse per passage at the pulse phase ``phi = order_k theta_m``::

    T_k = (E_k order_k / 2 pi) g(phi) tanh(w_m / w_eps_m)
    g(phi) = exp(kappa_k cos phi) / I0(kappa_k)

``g`` has a mean of 1 over a period of ``phi``, so the integral of ``T_k`` over one passage
(``2 pi / order_k`` of shaft angle) is ``E_k``; its power ``T_k w_m`` heats the bearing's node.
``T_o`` is a load law at ``w_o`` scaled by the load profile, or the belt conveyor's pulley
torque ``F_t r``::

    v_p = w_o r,  v_rel = v_p - v_b
    mu = mu_k + (mu_s - mu_k) exp(-max(|v_rel| - 3 v_eps, 0) / v_S)   (static in the creep band)
    F_t = T_2 (exp(mu theta) - 1) tanh(v_rel / v_eps)                (Euler-Eytelwein limit)
    F_res = [C f L g (q_fix + q_G cos d) + F_S] tanh(v_b / v_eps_res) + q_G H g,  q_G = m / L
    (m_belt + m) dv_b/dt = F_t - F_res
    dm/dt = Q lambda(t) clip(v_b / v_N, 0, 1) - m max(v_b, 0) / L    (feeder follows the belt)

with ``m`` clipped at 0 where it is a mass. After every step the belt slip
``(v_p - v_b) / max(|v_p|, 0.05 v_N)`` is checked: gross slip starts above the detection
threshold with ``v_rel`` beyond the creep band ``3 v_eps``, and ends below half the threshold
or back inside the band.

Thermal network and relay
-------------------------
Backward Euler over the sub-cycle ``h`` with the mean losses ``P``::

    (C / h + G_int + fan(w) diag(g_amb)) T_new = C / h T_old + P + fan(w) g_amb T_amb
    fan(w) = standstill + (1 - standstill) (|w| / w_N) ** exponent

Overload relay replica, exact for a constant mean square over the sub-cycle::

    level_new = target + (level - target) exp(-h / tau),  target = max_k mean(i_k^2) / (k I_e)^2
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass

import numpy as np
from scipy.special import i0e

from failsim.kernels import layout as L
from failsim.kernels.pack import Packed

#: unit vector of phase k's magnetic axis, k = 0 (a), 1 (b), 2 (c)
PHASE_AXES = tuple(cmath.exp(2j * math.pi * k / 3.0) for k in range(3))
G_N = 9.80665  # standard gravity, m/s^2


def phase_values(vector: complex) -> tuple[float, float, float]:
    """Phase quantities (a, b, c) of an alpha-beta space vector (no zero sequence)."""
    return tuple((vector * axis.conjugate()).real for axis in PHASE_AXES)


def dot(a: complex, b: complex) -> float:
    """Scalar product of two plane vectors given as complex numbers."""
    return a.real * b.real + a.imag * b.imag


def project(vector: complex, direction: complex) -> complex:
    """Component of ``vector`` along the unit vector ``direction``."""
    return dot(vector, direction) * direction


def profile_value(points: np.ndarray, t: float) -> float:
    """Piecewise-linear profile through ``points`` (rows (t_s, value)) at time ``t``.

    Held at the first value before the first point and at the last value after the last one;
    at repeated times the later value applies (a step). An empty profile is 1.
    """
    n = points.shape[0]
    if n == 0:
        return 1.0
    times = points[:, 0]
    values = points[:, 1]
    m = int(np.searchsorted(times, t, side="right")) - 1  # last point with time <= t
    if m < 0:
        return float(values[0])
    if m == n - 1:
        return float(values[-1])
    t0, t1 = times[m], times[m + 1]
    return float(values[m] + (values[m + 1] - values[m]) * (t - t0) / (t1 - t0))


@dataclass
class LoadSide:
    """Everything beyond the coupling at one instant."""

    torque: float  # torque the load shaft delivers to the rest of the train, N m (motor side)
    torque_out: float  # torque at the gearbox output, N m
    w_out: float  # gearbox output speed, rad/s
    dv_belt: float  # m/s^2
    dm_load: float  # kg/s
    v_pulley: float  # drive-pulley surface speed, m/s
    belt_force: float  # friction force of the pulley on the belt, N
    resistance: float  # running resistance of the belt, N


@dataclass
class Derivative:
    """Time derivative of the continuous state and what the outputs and losses need."""

    dx: np.ndarray
    torque_e: float  # N m
    torque_shaft: float  # coupling torque, N m
    line_current: complex  # stator current + iron-loss shunt current, A
    terminal_voltage: complex  # V
    loss_cu_stator: float  # W
    loss_cu_rotor: float
    loss_iron: float
    loss_windage: float  # windage + viscous
    loss_bearings: list[float]  # per bearing (a seizure's and defects' friction loss included)
    rectifier_current: float  # A (drives)
    p_chopper: float  # braking-resistor power, W (drives)
    load: LoadSide


@dataclass
class ReferenceResult:
    """Final carried state in the kernel's layout, the event log and the streams."""

    x: np.ndarray
    s: np.ndarray
    ii: np.ndarray
    p: np.ndarray
    trig_s: np.ndarray
    events: np.ndarray  # rows (t_s, code, arg, value)
    fast: np.ndarray  # (N_F, samples), samples k = fast_k0 ...
    slow: np.ndarray  # (N_Q, samples), samples k = slow_k0 ...
    fast_k0: int
    slow_k0: int
    trace: np.ndarray  # (N_T, samples) kinematic trace, samples k = trace_k0 ...
    trace_k0: int


class MachineReference:
    """Plain simulation of the packed machine and scenario (the arrays are copied)."""

    def __init__(self, packed: Packed):
        pk = packed.copy()
        self.p = pk.p
        self.derive_params()
        if int(self.p[L.P_MOTOR_KIND]) != L.MOTOR_INDUCTION:
            raise NotImplementedError("the reference covers the induction motor only")
        supply_kind = int(self.p[L.P_SUPPLY_KIND])
        if supply_kind not in (L.SUPPLY_MAINS, L.SUPPLY_VFD):
            raise NotImplementedError(f"supply kind {supply_kind} is not covered")
        self.on_drive = supply_kind == L.SUPPLY_VFD
        self.prof = pk.prof
        self.prof_n = pk.prof_n
        self.th = pk.th
        self.trig_i = pk.trig_i
        self.trig_f = pk.trig_f
        self.trig_s = pk.trig_s
        # continuous state
        self.x = pk.x.copy()
        # discrete state
        s, ii = pk.s, pk.ii
        self.step = int(ii[L.I_STEP])
        self.theta_supply = float(s[L.S_THETA_SUPPLY])
        self.relay_level = float(s[L.S_RELAY_LEVEL])
        self.r_stator = float(s[L.S_RS])
        self.r_rotor = float(s[L.S_RR])
        self.contactor_open_at = float(s[L.S_CONTACTOR_OPEN_AT])
        self.contactor_closed = bool(ii[L.I_CONTACTOR])
        self.open_phases = {k for k in range(3) if int(ii[L.I_PHASE_OPEN]) & (1 << k)}
        self.relay_tripped = bool(ii[L.I_RELAY_TRIPPED])
        self.machine_state = int(ii[L.I_MACHINE_STATE])
        self.reached_running = bool(ii[L.I_REACHED_RUNNING])
        self.state_logged = bool(ii[L.I_STATE_LOGGED])
        self.diverged = int(ii[L.I_DIVERGED])
        self.cond_current_rms = float(s[L.S_COND_CURRENT_RMS])
        n_nodes = int(self.p[L.P_N_NODES])
        self.temps = s[L.S_TEMPS0 : L.S_TEMPS0 + n_nodes].copy()
        # drive
        self.theta_out = float(s[L.S_THETA_OUT])
        self.f_out = float(s[L.S_F_OUT])
        self.f_ref = float(s[L.S_F_REF])
        self.sto_at = float(s[L.S_STO_AT])
        self.acc_chopper = float(s[L.S_ACC_CHOPPER])
        self.drive_mode = int(ii[L.I_DRIVE_MODE])
        self.chopper_on = bool(ii[L.I_CHOPPER_ON])
        self.drive_fault = int(ii[L.I_DRIVE_FAULT])
        # conveyor
        self.belt_slipping = bool(ii[L.I_BELT_SLIPPING])
        # spring-applied brake
        self.brake_engaged = bool(ii[L.I_BRAKE])
        self.brake_at = float(s[L.S_BRAKE_AT])
        # relative profiles: start times (-1 until a trigger starts them)
        self.rel_t0 = [float(s[L.S_REL_T0 + r]) for r in range(L.N_REL_MAX)]
        # heat input integrals per node since the caller's last reset, J, and their time, s
        self.loss_integrals = s[L.S_LOSS_INT0 : L.S_LOSS_INT0 + L.N_NODE_MAX].copy()
        self.loss_time = float(s[L.S_LOSS_INT_T])
        # integrals since the last thermal step
        self.acc_time = float(s[L.S_ACC_DT])
        self.acc_losses = {
            "cu_stator": float(s[L.S_ACC_CU_S]),
            "cu_rotor": float(s[L.S_ACC_CU_R]),
            "iron": float(s[L.S_ACC_FE]),
            "windage": float(s[L.S_ACC_FW]),
        }
        self.acc_bearings = [float(s[L.S_ACC_BEARING0 + j]) for j in range(L.N_BEARING_MAX)]
        self.acc_i2 = [float(s[L.S_ACC_I2A + k]) for k in range(3)]
        self.events: list[tuple[float, int, int, float]] = []
        # per-step records for the streams
        self.step_index: list[int] = []
        self.y_start: list[np.ndarray] = []  # outputs at t_n, after the discrete events
        self.y_end: list[np.ndarray] = []  # outputs at t_n+1, from the state after the step
        self.slow_states: list[np.ndarray] = []  # relay level and temperatures during the step

    # ------------------------------------------------------------------ helpers
    def derive_params(self) -> None:
        """The kernel's derived parameters (a cache of the static capstan limit)."""
        p = self.p
        p[L.P_BELT_FMAX_S] = p[L.P_BELT_T2] * (math.exp(p[L.P_BELT_MU_S] * p[L.P_BELT_WRAP]) - 1)

    def param(self, index: int) -> float:
        return float(self.p[index])

    def profile(self, j: int, t: float) -> float:
        return profile_value(self.prof[j, : self.prof_n[j]], t)

    def relative(self, target: int, t: float) -> list[float]:
        """Values at t of the started relative profiles acting on ``target`` (REL_*)."""
        out = []
        for r in range(int(self.param(L.P_N_REL))):
            if self.rel_t0[r] >= 0.0 and int(self.param(L.P_REL_TARGET0 + r)) == target:
                out.append(self.profile(L.N_PROF + r, t - self.rel_t0[r]))
        return out

    def load_scale(self, t: float) -> float:
        return self.profile(L.PROF_LOAD, t) + sum(self.relative(L.REL_LOAD, t))

    def voltage_scale(self, t: float) -> float:
        return self.profile(L.PROF_VOLTAGE, t) * math.prod(self.relative(L.REL_VOLTAGE, t))

    def friction_level(self, t: float) -> float:
        """Seizure friction level, N m; with a lubrication loss it runs away above the
        bearing's runaway temperature (exponentially, up to a seized bearing's friction)."""
        level = self.profile(L.PROF_FRICTION, t) + sum(self.relative(L.REL_FRICTION, t))
        node = int(self.param(L.P_LUBE_NODE))
        if level != 0.0 and node >= 0:
            excess = self.temps[node] - self.param(L.P_LUBE_T_RUN)
            if excess > 0.0:
                factor = math.exp(min(excess / self.param(L.P_LUBE_DT), 50.0))
                level = min(level * factor, self.param(L.P_LUBE_TMAX))
        return level

    def defect_drag(self, x: np.ndarray, t: float) -> list[tuple[int, float]]:
        """(bearing slot, drag torque in N m) of each bearing defect at state x and time t."""
        p = self.param
        out = []
        for k in range(int(p(L.P_N_DEFECTS))):
            energy = self.profile(int(p(L.P_DEF_PROF0 + k)), t)
            order, kappa = p(L.P_DEF_ORDER0 + k), p(L.P_DEF_KAPPA0 + k)
            phi = order * x[L.X_THM]
            # exp(kappa cos phi) / I0(kappa), written with the scaled I0 (no overflow)
            shape = math.exp(kappa * (math.cos(phi) - 1.0)) / i0e(kappa)
            mean_torque = energy * order / (2.0 * math.pi)
            torque = mean_torque * shape * math.tanh(x[L.X_WM] / p(L.P_WEPS_M))
            out.append((int(p(L.P_DEF_SLOT0 + k)), torque))
        return out

    def open_line_index(self) -> int | None:
        """The single open line, or None when all three conduct."""
        if len(self.open_phases) == 1:
            return next(iter(self.open_phases))
        return None

    def source_on(self) -> bool:
        """A voltage source feeds the terminals: the contactor (mains) or the gates (drive)."""
        if self.on_drive:
            return self.drive_mode not in (L.DRV_OFF, L.DRV_STO)
        return self.contactor_closed

    def stator_conducts(self) -> bool:
        return self.source_on() and len(self.open_phases) <= 1

    def log(self, t: float, code: int, arg: int = 0, value: float = 0.0) -> None:
        self.events.append((t, code, arg, value))

    def interrupt_currents(self) -> None:
        """Current in an open line stops at once (all of it if no path is left)."""
        i_s = complex(self.x[L.X_ISA], self.x[L.X_ISB])
        if not self.stator_conducts():
            i_s = 0j
        elif self.open_line_index() is not None:
            i_s = project(i_s, 1j * PHASE_AXES[self.open_line_index()])
        self.x[L.X_ISA] = i_s.real
        self.x[L.X_ISB] = i_s.imag

    def on_step_grid(self, t: float, delay_s: float) -> float:
        """Step index of ``t`` (a step time) plus a delay rounded to whole steps."""
        rate = self.param(L.P_RATE_HZ)
        return float(round(t * rate) + round(delay_s * rate))

    # ------------------------------------------------------------------ source
    def source_angle(self) -> float:
        return self.theta_out if self.on_drive else self.theta_supply

    def source_frequency(self) -> float:
        return self.f_out if self.on_drive else self.param(L.P_F_SUPPLY)

    def vf_amplitude(self, f_hz: float) -> float:
        """Phase peak voltage of the V/f law (flat above the base frequency)."""
        p = self.param
        boost = p(L.P_DRV_BOOST)
        return p(L.P_DRV_VN) * (boost + (1.0 - boost) * min(abs(f_hz) / p(L.P_DRV_FN), 1.0))

    def source_voltage(self, t: float, theta: float, v_dc: float) -> complex:
        """Voltage space vector the source applies at time t and angle theta, V."""
        p = self.param
        if self.on_drive:
            u = self.vf_amplitude(self.f_out) * cmath.exp(1j * theta)
            u_max = max(v_dc, 0.0) / math.sqrt(3.0)
            return u * (u_max / abs(u)) if abs(u) > u_max else u
        amplitude = p(L.P_V_PEAK) * self.voltage_scale(t)
        positive = cmath.exp(1j * theta)
        negative = p(L.P_UNBALANCE) * cmath.exp(-1j * (theta + p(L.P_UNBALANCE_ANGLE)))
        return amplitude * (positive + negative)

    # ------------------------------------------------------------------ load side
    def through_gearbox(self, torque_out: float, w_out: float) -> float:
        """Torque the gearbox output torque needs at the input; losses oppose the power flow."""
        ratio, efficiency = self.param(L.P_GEAR_RATIO), self.param(L.P_GEAR_EFF)
        if torque_out * w_out >= 0.0:  # power flows to the load: the motor pays the losses
            return torque_out / (ratio * efficiency)
        return torque_out * efficiency / ratio  # the load drives: the losses eat into it

    def load_law(self, w_out: float, t: float) -> float:
        """Load-law torque at the gearbox output, scaled by the load profile, N m."""
        p = self.param
        kind = int(p(L.P_LOAD_KIND))
        t_n, w_n = p(L.P_LOAD_TN), p(L.P_LOAD_WN)
        sign = math.tanh(w_out / p(L.P_WEPS_L))  # regularised sgn(w_out)
        if kind == L.LOAD_CONSTANT:
            law = t_n * sign
        elif kind == L.LOAD_LINEAR:
            law = t_n * w_out / w_n
        elif kind == L.LOAD_QUADRATIC:
            law = t_n * (w_out / w_n) * abs(w_out / w_n)
        else:
            a, b, c = p(L.P_LOAD_A), p(L.P_LOAD_B), p(L.P_LOAD_C)
            law = sign * (a + b * abs(w_out) + c * w_out**2)
        return self.load_scale(t) * law

    def load_side(self, x: np.ndarray, t: float) -> LoadSide:
        p = self.param
        w_l = x[L.X_WL]
        w_out = w_l / p(L.P_GEAR_RATIO)
        dv_belt = dm_load = v_pulley = belt_force = resistance = 0.0
        if p(L.P_CONVEYOR) != 0.0:
            r = p(L.P_PULLEY_R)
            v_belt = x[L.X_VBELT]
            v_pulley = w_out * r
            v_rel = v_pulley - v_belt
            v_eps = p(L.P_BELT_VEPS)
            beyond_creep = max(abs(v_rel) - 3.0 * v_eps, 0.0)
            mu_s, mu_k = p(L.P_BELT_MU_S), p(L.P_BELT_MU_K)
            mu = mu_k + (mu_s - mu_k) * math.exp(-beyond_creep / p(L.P_BELT_VSTRIB))
            capstan = p(L.P_BELT_T2) * (math.exp(mu * p(L.P_BELT_WRAP)) - 1.0)
            belt_force = capstan * math.tanh(v_rel / v_eps)
            mass = max(x[L.X_MLOAD], 0.0)
            q_g = mass / p(L.P_CONV_LEN)
            main = p(L.P_CONV_CFLG) * (p(L.P_CONV_QFIX) + q_g * p(L.P_CONV_COSD))
            direction = math.tanh(v_belt / p(L.P_BELT_VEPS_RES))
            resistance = (main + p(L.P_CONV_SPECIAL)) * direction + q_g * p(L.P_CONV_LIFT) * G_N
            dv_belt = (belt_force - resistance) / (p(L.P_BELT_MASS) + mass)
            feeder = min(max(v_belt / p(L.P_BELT_VN), 0.0), 1.0)
            feed = p(L.P_FEED_KG_S) * self.load_scale(t) * feeder
            dm_load = feed - mass * max(v_belt, 0.0) / p(L.P_CONV_LEN)
            torque_out = belt_force * r
        else:
            torque_out = self.load_law(w_out, t)
        torque = (
            self.through_gearbox(torque_out, w_out)
            + p(L.P_LOAD_BREAKAWAY) * math.tanh(w_l / p(L.P_WEPS_L))
            + p(L.P_EXT_TORQUE)
        )
        return LoadSide(
            torque, torque_out, w_out, dv_belt, dm_load, v_pulley, belt_force, resistance
        )

    # ------------------------------------------------------------------ derivative
    def derivative(self, x: np.ndarray, t: float, theta: float) -> Derivative:
        p = self.param
        npp = p(L.P_POLE_PAIRS)
        l_s, l_r, l_m = p(L.P_LS), p(L.P_LR), p(L.P_LM)
        sigma_l_s = l_s - l_m**2 / l_r
        k_r = l_m / l_r
        r_s, r_r = self.r_stator, self.r_rotor
        i_s = complex(x[L.X_ISA], x[L.X_ISB])
        psi_r = complex(x[L.X_PSIRA], x[L.X_PSIRB])
        w_m, w_l = x[L.X_WM], x[L.X_WL]

        # rotor: resistive drop computed in rotor coordinates (d axis at p theta_m)
        i_r = (psi_r - l_m * i_s) / l_r
        to_stator = cmath.exp(1j * npp * x[L.X_THM])
        i_r_rotor = i_r / to_stator
        v_r_rotor = complex(r_r * (1.0 + p(L.P_ROTOR_ASYM)) * i_r_rotor.real, r_r * i_r_rotor.imag)
        v_r = v_r_rotor * to_stator
        loss_cu_rotor = 1.5 * dot(v_r_rotor, i_r_rotor)
        dpsi_r = -v_r + 1j * npp * w_m * psi_r

        # stator
        if self.stator_conducts():
            u_source = self.source_voltage(t, theta, x[L.X_VDC])
            di_s = (u_source - r_s * i_s - k_r * dpsi_r) / sigma_l_s
            line = self.open_line_index()
            if line is None:
                u_terminal = u_source
                i_iron = p(L.P_G_FE) * u_terminal
            else:
                e_perp = 1j * PHASE_AXES[line]
                di_s = project(di_s, e_perp)
                u_terminal = r_s * i_s + sigma_l_s * di_s + k_r * dpsi_r
                i_iron = p(L.P_G_FE) * project(u_terminal, e_perp)
        else:
            di_s = 0j
            u_terminal = k_r * dpsi_r
            i_iron = 0j
        loss_iron = 1.5 * dot(u_terminal, i_iron)
        loss_cu_stator = 1.5 * r_s * abs(i_s) ** 2
        line_current = i_s + i_iron

        # DC link of the drive
        dv_dc = i_rect = p_chop = 0.0
        if self.on_drive:
            v_dc = x[L.X_VDC]
            if self.contactor_closed:
                v_rect = p(L.P_DRV_VRECT) * self.voltage_scale(t)
                i_rect = max(0.0, (v_rect - v_dc) / p(L.P_DRV_RSRC))
            p_inverter = 1.5 * dot(u_terminal, line_current) if self.stator_conducts() else 0.0
            if self.chopper_on and p(L.P_DRV_RBRAKE) > 0.0:
                p_chop = v_dc**2 / p(L.P_DRV_RBRAKE)
            i_dc = (p_inverter + p_chop) / v_dc if v_dc > 1.0 else 0.0
            dv_dc = (i_rect - i_dc) / p(L.P_DRV_C)

        # mechanics
        torque_e = 1.5 * npp * k_r * (psi_r.conjugate() * i_s).imag
        torque_shaft = p(L.P_K_COUPLING) * x[L.X_TWIST] + p(L.P_C_COUPLING) * (w_m - w_l)
        friction_direction = math.tanh(w_m / p(L.P_WEPS_M))
        bearing_torques = [
            p(L.P_BEARING_T0 + j) * friction_direction for j in range(int(p(L.P_N_BEARINGS)))
        ]
        torque_windage = p(L.P_B_VISCOUS) * w_m + p(L.P_K_WINDAGE) * w_m * abs(w_m)
        torque_brake = 0.0
        if self.brake_engaged:  # Coulomb friction, regularised like the bearings'
            torque_brake = p(L.P_BRAKE_TORQUE) * math.tanh(w_m / p(L.P_WEPS_BRAKE))
        # seizure: Stribeck friction on the motor or the load shaft, its heat in a bearing
        seize_m = seize_l = loss_seize = 0.0
        level = self.friction_level(t)
        if level != 0.0:
            motor_side = p(L.P_SEIZE_SHAFT) == L.SHAFT_MOTOR
            w = w_m if motor_side else w_l
            stribeck = 1.0 + (p(L.P_SEIZE_STATIC) - 1.0) * math.exp(-((w / p(L.P_SEIZE_WS)) ** 2))
            torque_seize = level * stribeck * math.tanh(w / p(L.P_WEPS_SEIZE))
            loss_seize = torque_seize * w
            if motor_side:
                seize_m = torque_seize
            else:
                seize_l = torque_seize
        defects = self.defect_drag(x, t)
        dw_m = (
            torque_e
            - torque_shaft
            - sum(bearing_torques)
            - torque_windage
            - torque_brake
            - seize_m
            - sum(torque for _, torque in defects)
        ) / p(L.P_JM)
        load = self.load_side(x, t)
        dw_l = (torque_shaft - load.torque - seize_l) / p(L.P_JL)
        loss_bearings = [tb * w_m for tb in bearing_torques]
        if p(L.P_SEIZE_BEARING) >= 0.0:
            slot = int(p(L.P_SEIZE_BEARING))
            loss_bearings += [0.0] * (slot + 1 - len(loss_bearings))
            loss_bearings[slot] += loss_seize
        for slot, torque in defects:
            loss_bearings[slot] += torque * w_m

        dx = np.zeros(L.N_X)
        dx[L.X_ISA], dx[L.X_ISB] = di_s.real, di_s.imag
        dx[L.X_PSIRA], dx[L.X_PSIRB] = dpsi_r.real, dpsi_r.imag
        dx[L.X_WM] = dw_m
        dx[L.X_WL] = dw_l
        dx[L.X_TWIST] = w_m - w_l
        dx[L.X_THM] = w_m
        dx[L.X_VDC] = dv_dc
        dx[L.X_VBELT] = load.dv_belt
        dx[L.X_MLOAD] = load.dm_load
        return Derivative(
            dx=dx,
            torque_e=torque_e,
            torque_shaft=torque_shaft,
            line_current=line_current,
            terminal_voltage=u_terminal,
            loss_cu_stator=loss_cu_stator,
            loss_cu_rotor=loss_cu_rotor,
            loss_iron=loss_iron,
            loss_windage=torque_windage * w_m,
            loss_bearings=loss_bearings,
            rectifier_current=i_rect,
            p_chopper=p_chop,
            load=load,
        )

    def outputs(self, x: np.ndarray, d: Derivative) -> np.ndarray:
        """Per-step output vector in the kernel's Y_* layout."""
        currents = phase_values(d.line_current)
        voltages = phase_values(d.terminal_voltage)
        y = np.zeros(L.N_Y)
        y[L.Y_IA], y[L.Y_IB], y[L.Y_IC] = currents
        y[L.Y_UA], y[L.Y_UB], y[L.Y_UC] = voltages
        y[L.Y_ISQ] = sum(i * i for i in currents)
        y[L.Y_USQ] = sum(u * u for u in voltages)
        y[L.Y_P] = sum(u * i for u, i in zip(voltages, currents, strict=True))
        y[L.Y_TSHAFT] = d.torque_shaft
        if self.on_drive and self.source_on():
            # phase of the drive's output for the PWM-ripple lines of the sensor stage
            y[L.Y_COS_OUT] = math.cos(self.theta_out)
            y[L.Y_SIN_OUT] = math.sin(self.theta_out)
        y[L.Y_WM] = x[L.X_WM]
        y[L.Y_VDC] = x[L.X_VDC]
        y[L.Y_FOUT] = self.f_out
        y[L.Y_VBELT] = x[L.X_VBELT]
        y[L.Y_VPULLEY] = d.load.v_pulley
        y[L.Y_MLOAD] = x[L.X_MLOAD]
        y[L.Y_PCHOP] = d.p_chopper
        y[L.Y_THM] = x[L.X_THM]
        y[L.Y_PSIRA] = x[L.X_PSIRA]
        y[L.Y_PSIRB] = x[L.X_PSIRB]
        return y

    # ------------------------------------------------------------------ thermal and relay
    def fan_factor(self) -> float:
        p = self.param
        standstill = p(L.P_FAN_STANDSTILL)
        ratio = abs(self.x[L.X_WM]) / p(L.P_W_RATED)
        return standstill + (1.0 - standstill) * ratio ** p(L.P_FAN_EXPONENT)

    def thermal_step(self) -> float:
        """Backward-Euler step over the time since the last one; returns its length, s."""
        p = self.param
        h = self.acc_time
        n = int(p(L.P_N_NODES))
        g_internal = self.th[:n, :n]
        g_ambient = self.th[:n, n] * self.fan_factor()
        capacity = self.th[:n, n + 1]
        heat = np.zeros(n)
        heat[int(p(L.P_NODE_WINDING))] += self.acc_losses["cu_stator"] / h
        heat[int(p(L.P_NODE_ROTOR))] += self.acc_losses["cu_rotor"] / h
        heat[int(p(L.P_NODE_IRON))] += self.acc_losses["iron"] / h
        heat[int(p(L.P_NODE_HOUSING))] += self.acc_losses["windage"] / h
        for j in range(int(p(L.P_N_BEARINGS))):
            heat[int(p(L.P_NODE_BEARING0 + j))] += self.acc_bearings[j] / h
        self.loss_integrals[:n] += heat * h
        self.loss_time += h
        a = np.diag(capacity / h + g_ambient) + g_internal
        b = capacity / h * self.temps + heat + g_ambient * p(L.P_T_AMBIENT)
        self.temps = np.linalg.solve(a, b)
        if p(L.P_THERMAL_COUPLING) != 0.0:
            t_ref = p(L.P_R_REF_TEMP_C)
            t_w = self.temps[int(p(L.P_NODE_WINDING))]
            t_r = self.temps[int(p(L.P_NODE_ROTOR))]
            k_s, k_r = p(L.P_RS_TEMP_K), p(L.P_RR_TEMP_K)
            self.r_stator = p(L.P_RS_REF) * (k_s + t_w) / (k_s + t_ref)
            self.r_rotor = p(L.P_RR_REF) * (k_r + t_r) / (k_r + t_ref)
        return h

    def relay_step(self, h: float) -> None:
        p = self.param
        mean_square = max(self.acc_i2) / h
        self.cond_current_rms = math.sqrt(mean_square)
        target = mean_square / (p(L.P_RELAY_IE) * p(L.P_RELAY_K)) ** 2
        self.relay_level = target + (self.relay_level - target) * math.exp(-h / p(L.P_RELAY_TAU))

    def reset_accumulators(self) -> None:
        self.acc_time = 0.0
        for key in self.acc_losses:
            self.acc_losses[key] = 0.0
        self.acc_bearings = [0.0] * L.N_BEARING_MAX
        self.acc_i2 = [0.0, 0.0, 0.0]

    def belt_slip(self) -> float:
        """(v_p - v_b) / max(|v_p|, 5 % of the design speed); 0 without a conveyor."""
        p = self.param
        if p(L.P_CONVEYOR) == 0.0:
            return 0.0
        v_pulley = self.x[L.X_WL] / p(L.P_GEAR_RATIO) * p(L.P_PULLEY_R)
        return (v_pulley - self.x[L.X_VBELT]) / max(abs(v_pulley), 0.05 * p(L.P_BELT_VN))

    def signal(self, sig: int) -> float:
        p = self.param
        x = self.x
        if sig == L.SIG_SPEED_RPM:
            return x[L.X_WM] * 30.0 / math.pi
        if sig == L.SIG_TORQUE_N_M:
            return p(L.P_K_COUPLING) * x[L.X_TWIST] + p(L.P_C_COUPLING) * (x[L.X_WM] - x[L.X_WL])
        if sig == L.SIG_CURRENT_RMS_A:
            return self.cond_current_rms
        if sig == L.SIG_RELAY_LEVEL:
            return self.relay_level
        if sig == L.SIG_DC_LINK_V:
            return x[L.X_VDC]
        if sig == L.SIG_BELT_SPEED:
            return x[L.X_VBELT]
        if sig == L.SIG_BELT_SLIP_PCT:
            return 100.0 * self.belt_slip()
        return float(self.temps[sig - L.SIG_TEMP0])

    # ------------------------------------------------------------------ commands
    def brake_power_off(self, t: float) -> None:
        """Power removed: the brake's springs engage it after its delay (on the step grid)."""
        if self.param(L.P_BRAKE_TORQUE) > 0.0 and not self.brake_engaged and self.brake_at < 0:
            self.brake_at = self.on_step_grid(t, self.param(L.P_BRAKE_DELAY))

    def brake_release(self, t: float) -> None:
        """Power applied: the coil lifts the brake; a pending engagement is cancelled."""
        if self.param(L.P_BRAKE_TORQUE) > 0.0:
            self.brake_at = -1.0
            if self.brake_engaged:
                self.brake_engaged = False
                self.log(t, L.EV_BRAKE, 0, self.x[L.X_WM])

    def command_contactor_open(self, t: float, source: int) -> None:
        if self.contactor_closed and self.contactor_open_at < 0.0:
            # the opening is scheduled on the step grid after the drop-out delay
            self.contactor_open_at = self.on_step_grid(t, self.param(L.P_CONTACTOR_DELAY))
            self.log(t, L.EV_CONTACTOR_OPEN_COMMAND, source)

    def set_drive_mode(self, mode: int, t: float) -> None:
        if mode != self.drive_mode:
            self.drive_mode = mode
            self.log(t, L.EV_DRIVE_MODE, mode)

    def command_sto(self, t: float) -> None:
        """STO reaches the power stage after the drive's response time (on the step grid)."""
        if self.drive_mode != L.DRV_STO and self.sto_at < 0.0:
            self.sto_at = self.on_step_grid(t, self.param(L.P_DRV_STO_DELAY))

    def block_gates(self, t: float) -> None:
        """Safe torque off: the gates block, the output frequency drops, no current flows."""
        self.sto_at = -1.0  # a pending STO has nothing left to do
        self.set_drive_mode(L.DRV_STO, t)
        self.log(t, L.EV_STO_ACTIVE)
        self.f_out = 0.0
        self.interrupt_currents()
        self.brake_power_off(t)

    def trip_drive(self, fault: int, value: float, t: float) -> None:
        """A drive fault is latched (the first one counts) and blocks the gates at once."""
        if not self.drive_fault:
            self.drive_fault = fault
            self.log(t, L.EV_DRIVE_FAULT, fault, value)
            if self.drive_mode != L.DRV_STO:
                self.block_gates(t)

    def command_drive(self, action: int, value: float, t: float) -> None:
        mode = self.drive_mode
        if action == L.ACT_DRIVE_START:
            blocked = self.drive_fault or self.relay_tripped or self.sto_at >= 0.0
            if not blocked and mode not in (L.DRV_RUN, L.DRV_STO, L.DRV_SS1):
                if self.f_ref <= 0.0:
                    self.f_ref = self.param(L.P_DRV_FSET)
                self.reached_running = False
                self.set_drive_mode(L.DRV_RUN, t)
                self.brake_release(t)
        elif action == L.ACT_DRIVE_STOP:
            if mode == L.DRV_RUN:
                self.set_drive_mode(L.DRV_RAMP_STOP, t)
        elif action == L.ACT_SS1:
            if mode in (L.DRV_RUN, L.DRV_RAMP_STOP, L.DRV_SS2):
                self.set_drive_mode(L.DRV_SS1, t)
            elif mode in (L.DRV_OFF, L.DRV_STO):  # nothing to decelerate
                self.command_sto(t)
        elif action == L.ACT_SS2:
            if mode in (L.DRV_RUN, L.DRV_RAMP_STOP):
                self.set_drive_mode(L.DRV_SS2, t)
        elif action == L.ACT_STO:
            self.command_sto(t)
        elif action == L.ACT_DRIVE_SETPOINT:
            self.f_ref = value

    def act(self, action: int, arg: int, value: float, t: float) -> None:
        if not self.on_drive:
            # on mains a stop of category 0 opens the contactor and a start closes it
            if action in (L.ACT_STO, L.ACT_SS1, L.ACT_DRIVE_STOP):
                action = L.ACT_OPEN_CONTACTOR
            elif action == L.ACT_DRIVE_START:
                action = L.ACT_CLOSE_CONTACTOR
        if action == L.ACT_CLOSE_CONTACTOR:
            if not self.contactor_closed and not self.relay_tripped:
                self.contactor_closed = True
                self.reached_running = False
                self.contactor_open_at = -1.0
                self.log(t, L.EV_CONTACTOR_CLOSED)
                self.brake_release(t)
        elif action == L.ACT_OPEN_CONTACTOR:
            self.command_contactor_open(t, 0)
        elif action == L.ACT_OPEN_PHASE:
            if arg not in self.open_phases:
                self.open_phases.add(arg)
                self.interrupt_currents()
                self.log(t, L.EV_PHASE_OPENED, arg)
        elif action == L.ACT_RESTORE_PHASE:
            if arg in self.open_phases:
                self.open_phases.discard(arg)
                self.log(t, L.EV_PHASE_RESTORED, arg)
        elif action == L.ACT_SET_PARAM:
            self.p[arg] = value
            self.derive_params()
            self.log(t, L.EV_PARAM_SET, arg, value)
        elif action == L.ACT_START_PROFILE:
            if self.rel_t0[arg] < 0.0:
                self.rel_t0[arg] = t
        elif self.on_drive:
            self.command_drive(action, value, t)

    def current_machine_state(self) -> int:
        p = self.param
        if self.relay_tripped or self.drive_fault:
            return L.MS_TRIPPED
        if self.on_drive:
            if self.drive_mode == L.DRV_RUN:
                if self.f_out >= self.f_ref:  # reached the set-point since the start
                    self.reached_running = True
                if not self.reached_running:
                    return L.MS_STARTING
                stalled = abs(self.x[L.X_WM]) < p(L.P_W_STALL)
                return L.MS_STALLED if stalled else L.MS_RUNNING
        elif self.contactor_closed:
            if self.x[L.X_WM] >= p(L.P_W_RUNNING):
                self.reached_running = True
            if not self.reached_running:
                return L.MS_STARTING
            stalled = abs(self.x[L.X_WM]) < p(L.P_W_STALL)
            return L.MS_STALLED if stalled else L.MS_RUNNING
        if abs(self.x[L.X_WM]) > p(L.P_W_STANDSTILL):
            return L.MS_STOPPING
        return L.MS_STOPPED

    # ------------------------------------------------------------------ drive logic
    def drive_logic(self, n: int, t: float, dt: float) -> None:
        """The drive's discrete logic at step n, in the documented order."""
        p = self.param
        v_dc = self.x[L.X_VDC]
        if p(L.P_DRV_RBRAKE) > 0.0:  # chopper with hysteresis
            if not self.chopper_on and v_dc > p(L.P_DRV_VCHOP_ON):
                self.chopper_on = True
            elif self.chopper_on and v_dc < p(L.P_DRV_VCHOP_OFF):
                self.chopper_on = False
        if v_dc > p(L.P_DRV_VOV):
            self.trip_drive(L.FAULT_OVERVOLTAGE, v_dc, t)
        elif self.source_on() and v_dc < p(L.P_DRV_VUV):
            self.trip_drive(L.FAULT_UNDERVOLTAGE, v_dc, t)
        if self.sto_at >= 0.0 and n >= self.sto_at:
            self.block_gates(t)
            return
        if not self.source_on():
            return
        mode = self.drive_mode
        target = self.f_ref if mode == L.DRV_RUN else 0.0
        f = self.f_out
        i_peak = abs(complex(self.x[L.X_ISA], self.x[L.X_ISB]))
        step = p(L.P_DRV_RAMP_UP) * dt
        if mode == L.DRV_RUN and i_peak > p(L.P_DRV_ILIM):
            # current limit (stall prevention) at any speed: back off with the excess
            excess = i_peak / p(L.P_DRV_ILIM) - 1.0
            f = max(0.0, f - 10.0 * p(L.P_DRV_FN) * excess * dt)
        elif f < target:
            if i_peak < p(L.P_DRV_ILIM):  # accelerate while below the limit
                f = min(target, f + step)
        elif f > target and v_dc < p(L.P_DRV_VOV_CTRL):
            # decelerate unless the DC link is too high (then the ramp stretches)
            safe = mode in (L.DRV_SS1, L.DRV_SS2)
            step = p(L.P_DRV_SS1_RAMP if safe else L.P_DRV_RAMP_DOWN) * dt
            f = max(target, f - step)
        self.f_out = f
        if f == 0.0 and target == 0.0:
            if mode == L.DRV_RAMP_STOP:
                self.set_drive_mode(L.DRV_OFF, t)
                self.interrupt_currents()
                self.brake_power_off(t)
            elif mode == L.DRV_SS1:
                self.block_gates(t)

    def detect_belt_slip(self, t: float) -> None:
        """Gross slip: beyond the detection threshold and outside the friction's creep band."""
        p = self.param
        slip = self.belt_slip()
        v_rel = self.x[L.X_WL] / p(L.P_GEAR_RATIO) * p(L.P_PULLEY_R) - self.x[L.X_VBELT]
        gross = v_rel > 3.0 * p(L.P_BELT_VEPS)
        threshold = p(L.P_SLIP_DETECT)
        if not self.belt_slipping and slip > threshold and gross:
            self.belt_slipping = True
            self.log(t, L.EV_BELT_SLIP, 1, slip)
        elif self.belt_slipping and (slip < 0.5 * threshold or not gross):
            self.belt_slipping = False
            self.log(t, L.EV_BELT_SLIP, 0, slip)

    # ------------------------------------------------------------------ one step
    def discrete_events(self, n: int, t: float, dt: float) -> None:
        """Everything that happens at the step boundary t_n, in the documented order."""
        p = self.param
        if self.contactor_open_at >= 0.0 and n >= self.contactor_open_at:
            self.contactor_open_at = -1.0
            self.contactor_closed = False
            self.interrupt_currents()
            self.log(t, L.EV_CONTACTOR_OPENED)
            self.brake_power_off(t)
        if self.brake_at >= 0.0 and n >= self.brake_at:
            self.brake_at = -1.0
            self.brake_engaged = True
            self.log(t, L.EV_BRAKE, 1, self.x[L.X_WM])
        if self.on_drive:
            self.drive_logic(n, t, dt)
        for j in range(self.trig_i.shape[0]):
            kind, action, arg, _ = (int(v) for v in self.trig_i[j])
            if kind == L.TRIG_AT_TIME and not self.trig_s[j, 0] and t >= self.trig_f[j, 0]:
                self.trig_s[j, 0] = 1.0
                self.log(t, L.EV_TRIGGER_FIRED, j)
                self.act(action, arg, self.trig_f[j, 2], t)
        if n > 0 and n % int(p(L.P_THERMAL_SUBSTEPS)) == 0:
            h = self.thermal_step()
            self.relay_step(h)
            self.reset_accumulators()
            if p(L.P_RELAY_ENABLED) != 0.0 and not self.relay_tripped and self.relay_level >= 1:
                self.relay_tripped = True
                self.log(t, L.EV_RELAY_TRIPPED, 0, self.cond_current_rms)
                if self.on_drive:
                    self.trip_drive(L.FAULT_OVERLOAD, self.cond_current_rms, t)
                else:
                    self.command_contactor_open(t, 1)
            for j in range(self.trig_i.shape[0]):
                kind, action, arg, sig = (int(v) for v in self.trig_i[j])
                if kind == L.TRIG_AT_TIME or self.trig_s[j, 0]:
                    continue
                v = self.signal(sig)
                threshold, hold_s, value, armed_from = self.trig_f[j]
                if t < armed_from:  # not watched yet (a start-up bypass)
                    continue
                holds = v > threshold if kind == L.TRIG_ABOVE else v < threshold
                if not holds:
                    self.trig_s[j, 1] = 0.0
                    continue
                self.trig_s[j, 1] += h
                if self.trig_s[j, 1] >= hold_s:
                    self.trig_s[j, 0] = 1.0
                    self.log(t, L.EV_TRIGGER_FIRED, j, v)
                    self.act(action, arg, value, t)
        state = self.current_machine_state()
        if state != self.machine_state or not self.state_logged:
            self.machine_state = state
            self.state_logged = True
            self.log(t, L.EV_STATE, state, self.x[L.X_WM])

    def accumulate(self, d: Derivative, y: np.ndarray, dt: float) -> None:
        """Left-rectangle integrals of the losses and of i^2 over [t_n, t_n+1)."""
        self.acc_time += dt
        self.acc_losses["cu_stator"] += d.loss_cu_stator * dt
        self.acc_losses["cu_rotor"] += d.loss_cu_rotor * dt
        self.acc_losses["iron"] += d.loss_iron * dt
        self.acc_losses["windage"] += d.loss_windage * dt
        for j, loss in enumerate(d.loss_bearings):
            self.acc_bearings[j] += loss * dt
        for k, key in enumerate((L.Y_IA, L.Y_IB, L.Y_IC)):
            self.acc_i2[k] += y[key] ** 2 * dt

    def divergence(self) -> int:
        p = self.param
        x = self.x
        if not np.all(np.isfinite(x)):
            return L.DIV_NONFINITE
        if math.hypot(x[L.X_ISA], x[L.X_ISB]) ** 2 > p(L.P_I_LIMIT) ** 2:
            return L.DIV_CURRENT
        if max(abs(x[L.X_WM]), abs(x[L.X_WL])) > p(L.P_W_LIMIT):
            return L.DIV_SPEED
        return 0

    def run(self, n_end: int) -> None:
        """Integrate steps self.step .. n_end - 1 (stops early if the state diverges)."""
        rate = self.param(L.P_RATE_HZ)
        dt = 1.0 / rate
        while self.step < n_end and not self.diverged:
            n = self.step
            t = n / rate
            self.discrete_events(n, t, dt)
            slow_state = np.concatenate(([self.relay_level], self.temps))

            # RK4; the source angle advances at the source frequency, held over the step
            x0 = self.x.copy()
            th0 = self.source_angle()
            w_src = 2.0 * math.pi * self.source_frequency()
            d1 = self.derivative(x0, t, th0)
            y_start = self.outputs(x0, d1)
            self.accumulate(d1, y_start, dt)
            k1 = d1.dx
            k2 = self.derivative(x0 + 0.5 * dt * k1, t + 0.5 * dt, th0 + w_src * 0.5 * dt).dx
            k3 = self.derivative(x0 + 0.5 * dt * k2, t + 0.5 * dt, th0 + w_src * 0.5 * dt).dx
            k4 = self.derivative(x0 + dt * k3, t + dt, th0 + w_src * dt).dx
            self.x = x0 + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
            self.theta_supply = self.advance_angle(self.theta_supply, self.param(L.P_F_SUPPLY), dt)
            if self.on_drive:
                self.theta_out = self.advance_angle(self.theta_out, self.f_out, dt)
            self.step = n + 1
            t1 = self.step / rate

            reason = self.divergence()
            if reason:
                self.diverged = reason
                self.log(t1, L.EV_DIVERGED, reason)
                break
            y_end = self.outputs(self.x, self.derivative(self.x, t1, self.source_angle()))
            if self.param(L.P_CONVEYOR) != 0.0:
                self.detect_belt_slip(t1)
            self.step_index.append(n)
            self.y_start.append(y_start)
            self.y_end.append(y_end)
            self.slow_states.append(slow_state)

    @staticmethod
    def advance_angle(theta: float, f_hz: float, dt: float) -> float:
        """Angle after one step at frequency f, wrapped to [0, 2 pi)."""
        theta += 2.0 * math.pi * f_hz * dt
        return theta - 2.0 * math.pi if theta >= 2.0 * math.pi else theta

    # ------------------------------------------------------------------ streams
    def _sample_position(self, k: int, fs: int) -> tuple[int, float]:
        """Step n with t_n <= k / fs < t_n+1 and the fraction of the step, exactly."""
        rate = int(self.param(L.P_RATE_HZ))
        n = (k * rate) // fs
        return n, (k * rate - n * fs) / fs

    def streams(self, fast_rate: int, slow_rate: int, n_start: int = 0, trace_rate: int = 0):
        """Fast and slow stream samples for the steps recorded since ``n_start``.

        A sample k belongs to the step whose interval [t_n, t_n+1) holds k / fs. The fast
        stream is the linear interpolation of the per-step outputs; the slow stream's means
        are differences of the running integral of that same piecewise-linear function.
        """
        rate = int(self.param(L.P_RATE_HZ))
        dt = 1.0 / rate
        first = {n: i for i, n in enumerate(self.step_index)}
        n_done = self.step_index[-1] + 1 if self.step_index else n_start
        ys = np.array(self.y_start).reshape(-1, L.N_Y)
        ye = np.array(self.y_end).reshape(-1, L.N_Y)
        # running integral of each output at the step boundaries since n_start
        cumulative = np.vstack([np.zeros(L.N_Y), np.cumsum(0.5 * dt * (ys + ye), axis=0)])

        def value_at(k: int, fs: int) -> np.ndarray:
            n, phi = self._sample_position(k, fs)
            i = first[n]
            return ys[i] + phi * (ye[i] - ys[i])

        def integral_to(k: int, fs: int) -> np.ndarray:
            n, phi = self._sample_position(k, fs)
            i = first[n]
            return cumulative[i] + dt * (phi * ys[i] + 0.5 * phi**2 * (ye[i] - ys[i]))

        def sample_range(fs: int) -> range:
            return range(-(-n_start * fs // rate), -(-n_done * fs // rate))

        fast_k = sample_range(fast_rate)
        fast = np.zeros((L.N_F, len(fast_k)))
        for col, k in enumerate(fast_k):
            fast[:, col] = value_at(k, fast_rate)[: L.N_F]

        slow_k = sample_range(slow_rate)
        slow = np.zeros((L.N_Q, len(slow_k)))
        means = slice(L.Y_ISQ, L.Y_ISQ + L.N_AVG)
        for col, k in enumerate(slow_k):
            n, _ = self._sample_position(k, slow_rate)
            slow[L.Q_THETA_M, col] = value_at(k, slow_rate)[L.Y_THM]
            if k == 0:
                slow[L.Q_ISQ : L.Q_ISQ + L.N_AVG, col] = ys[first[0], means]
            else:
                interval = integral_to(k, slow_rate) - integral_to(k - 1, slow_rate)
                slow[L.Q_ISQ : L.Q_ISQ + L.N_AVG, col] = interval[means] * slow_rate
            state = self.slow_states[first[n]]
            slow[L.Q_RELAY, col] = state[0]
            slow[L.Q_TEMP0 : L.Q_TEMP0 + len(state) - 1, col] = state[1:]
        trace_k = sample_range(trace_rate) if trace_rate else range(0)
        trace_rows = [L.Y_THM, L.Y_WM, L.Y_PSIRA, L.Y_PSIRB, L.Y_TSHAFT]  # the T_* order
        trace = np.zeros((L.N_T, len(trace_k)))
        for col, k in enumerate(trace_k):
            trace[:, col] = value_at(k, trace_rate)[trace_rows]
        self.trace_result = (trace, trace_k.start, trace_k.stop)
        # integral since the last slow sample (what the kernel carries to the next call)
        if len(slow_k):
            tail = cumulative[-1] - integral_to(slow_k[-1], slow_rate)
        else:
            tail = cumulative[-1]
        return fast, fast_k.start, slow, slow_k.start, tail[means], fast_k.stop, slow_k.stop

    # ------------------------------------------------------------------ result
    def result(self, fast_rate: int, slow_rate: int, trace_rate: int = 0) -> ReferenceResult:
        """Final state in the kernel's layout plus streams and events (for a run from 0)."""
        fast, fast_k0, slow, slow_k0, slow_tail, k_fast, k_slow = self.streams(
            fast_rate, slow_rate, trace_rate=trace_rate
        )
        trace, trace_k0, k_trace = self.trace_result
        s = np.zeros(L.N_S)
        s[L.S_THETA_SUPPLY] = self.theta_supply
        s[L.S_RELAY_LEVEL] = self.relay_level
        s[L.S_RS] = self.r_stator
        s[L.S_RR] = self.r_rotor
        s[L.S_CONTACTOR_OPEN_AT] = self.contactor_open_at
        s[L.S_ACC_DT] = self.acc_time
        s[L.S_ACC_CU_S] = self.acc_losses["cu_stator"]
        s[L.S_ACC_CU_R] = self.acc_losses["cu_rotor"]
        s[L.S_ACC_FE] = self.acc_losses["iron"]
        s[L.S_ACC_FW] = self.acc_losses["windage"]
        s[L.S_ACC_I2A : L.S_ACC_I2A + 3] = self.acc_i2
        s[L.S_ACC_BEARING0 : L.S_ACC_BEARING0 + L.N_BEARING_MAX] = self.acc_bearings
        s[L.S_SLOW_ACC0 : L.S_SLOW_ACC0 + L.N_AVG] = slow_tail
        s[L.S_COND_CURRENT_RMS] = self.cond_current_rms
        s[L.S_TEMPS0 : L.S_TEMPS0 + len(self.temps)] = self.temps
        s[L.S_THETA_OUT] = self.theta_out
        s[L.S_F_OUT] = self.f_out
        s[L.S_F_REF] = self.f_ref
        s[L.S_STO_AT] = self.sto_at
        s[L.S_ACC_CHOPPER] = self.acc_chopper
        s[L.S_BRAKE_AT] = self.brake_at
        s[L.S_REL_T0 : L.S_REL_T0 + L.N_REL_MAX] = self.rel_t0
        s[L.S_LOSS_INT0 : L.S_LOSS_INT0 + L.N_NODE_MAX] = self.loss_integrals
        s[L.S_LOSS_INT_T] = self.loss_time
        ii = np.zeros(L.N_I, dtype=np.int64)
        ii[L.I_STEP] = self.step
        ii[L.I_CONTACTOR] = int(self.contactor_closed)
        ii[L.I_PHASE_OPEN] = sum(1 << k for k in self.open_phases)
        ii[L.I_RELAY_TRIPPED] = int(self.relay_tripped)
        ii[L.I_MACHINE_STATE] = self.machine_state
        ii[L.I_REACHED_RUNNING] = int(self.reached_running)
        ii[L.I_N_EVENTS] = len(self.events)
        ii[L.I_DIVERGED] = self.diverged
        ii[L.I_STATE_LOGGED] = int(self.state_logged)
        ii[L.I_K_FAST] = k_fast
        ii[L.I_K_SLOW] = k_slow
        ii[L.I_K_TRACE] = k_trace
        ii[L.I_DRIVE_MODE] = self.drive_mode
        ii[L.I_CHOPPER_ON] = int(self.chopper_on)
        ii[L.I_DRIVE_FAULT] = self.drive_fault
        ii[L.I_BELT_SLIPPING] = int(self.belt_slipping)
        ii[L.I_BRAKE] = int(self.brake_engaged)
        return ReferenceResult(
            x=self.x.copy(),
            s=s,
            ii=ii,
            p=self.p.copy(),
            trig_s=self.trig_s.copy(),
            events=np.array(self.events, dtype=np.float64).reshape(-1, L.N_EV_COLS),
            fast=fast,
            slow=slow,
            fast_k0=fast_k0,
            slow_k0=slow_k0,
            trace=trace,
            trace_k0=trace_k0,
        )


def simulate(
    packed: Packed, n_end: int, fast_rate: int, slow_rate: int, trace_rate: int = 0
) -> ReferenceResult:
    """Run the reference from the packed initial state up to step ``n_end``."""
    ref = MachineReference(packed)
    ref.run(n_end)
    return ref.result(fast_rate, slow_rate, trace_rate)


def magnetic_energy_j(x: np.ndarray, p: np.ndarray) -> float:
    """Energy stored in the machine's magnetic field, 1.5 * 0.5 (psi_s i_s + psi_r i_r), J."""
    l_s, l_r, l_m = p[L.P_LS], p[L.P_LR], p[L.P_LM]
    i_s = complex(x[L.X_ISA], x[L.X_ISB])
    psi_r = complex(x[L.X_PSIRA], x[L.X_PSIRB])
    i_r = (psi_r - l_m * i_s) / l_r
    psi_s = l_s * i_s + l_m * i_r
    return 0.75 * (dot(psi_s, i_s) + dot(psi_r, i_r))
