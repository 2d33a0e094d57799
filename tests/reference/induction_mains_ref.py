"""Slow, plain reference of the induction-motor-on-mains kernel.

Written from the equations (``reference/physics.md`` sections 1 and 3) and from the documented
behaviour of :mod:`failsim.kernels.machine_kernel` (its module docstring and the comments in
:mod:`failsim.kernels.layout`), without looking at how the kernel computes anything. Space
vectors are Python complex numbers ``alpha + j beta`` (amplitude-invariant Clarke transform),
the thermal step uses :func:`numpy.linalg.solve`, and the streams are interpolated after the
run from the per-step output values. Nothing here is fast; it is meant to be read.

Model
-----
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
* contactor open (or two lines open): the stator current is zero and the terminal voltage is
  the voltage induced by the rotor field, ``(L_m / L_r) dpsi_r/dt``;
* iron loss: a conductance ``G_fe`` per phase at the terminals; its current flows in the
  lines (and obeys the open-line constraint too);
* mechanics: two masses joined by a spring-damper; motor windage ``k w |w|``, viscous
  ``B w`` and bearing Coulomb friction ``T_0 tanh(w / w_eps)``; load law scaled by the load
  profile, plus breakaway ``T_b tanh(w_l / w_eps_l)`` and an external torque.

Thermal network, backward Euler over the sub-cycle ``h`` with the mean losses ``P``::

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

from failsim.kernels import layout as L
from failsim.kernels.pack import Packed

#: unit vector of phase k's magnetic axis, k = 0 (a), 1 (b), 2 (c)
PHASE_AXES = tuple(cmath.exp(2j * math.pi * k / 3.0) for k in range(3))


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
    loss_bearings: list[float]  # per bearing


@dataclass
class ReferenceResult:
    """Final carried state in the kernel's layout, the event log and both streams."""

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


class InductionMainsReference:
    """Plain simulation of the packed machine and scenario (the arrays are copied)."""

    def __init__(self, packed: Packed):
        pk = packed.copy()
        self.p = pk.p
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
    def param(self, index: int) -> float:
        return float(self.p[index])

    def profile(self, j: int, t: float) -> float:
        return profile_value(self.prof[j, : self.prof_n[j]], t)

    def open_line_index(self) -> int | None:
        """The single open line, or None when all three conduct."""
        if len(self.open_phases) == 1:
            return next(iter(self.open_phases))
        return None

    def stator_conducts(self) -> bool:
        return self.contactor_closed and len(self.open_phases) <= 1

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

    # ------------------------------------------------------------------ physics
    def load_torque(self, w_load: float, t: float) -> float:
        """Torque the load takes from the load shaft, N m."""
        p = self.param
        kind = int(p(L.P_LOAD_KIND))
        t_n = p(L.P_LOAD_TN)
        w_n = p(L.P_LOAD_WN)
        sign = math.tanh(w_load / p(L.P_WEPS_L))  # regularised sgn(w_load)
        if kind == L.LOAD_CONSTANT:
            law = t_n * sign
        elif kind == L.LOAD_LINEAR:
            law = t_n * w_load / w_n
        elif kind == L.LOAD_QUADRATIC:
            law = t_n * (w_load / w_n) * abs(w_load / w_n)
        else:
            a, b, c = p(L.P_LOAD_A), p(L.P_LOAD_B), p(L.P_LOAD_C)
            law = sign * (a + b * abs(w_load) + c * w_load**2)
        scale = self.profile(L.PROF_LOAD, t)
        return scale * law + p(L.P_LOAD_BREAKAWAY) * sign + p(L.P_EXT_TORQUE)

    def supply_voltage(self, t: float, theta: float) -> complex:
        """Positive plus negative sequence supply voltage space vector, V."""
        p = self.param
        amplitude = p(L.P_V_PEAK) * self.profile(L.PROF_VOLTAGE, t)
        positive = cmath.exp(1j * theta)
        negative = p(L.P_UNBALANCE) * cmath.exp(-1j * (theta + p(L.P_UNBALANCE_ANGLE)))
        return amplitude * (positive + negative)

    def derivative(self, x: np.ndarray, t: float, theta_supply: float) -> Derivative:
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
            u_supply = self.supply_voltage(t, theta_supply)
            di_s = (u_supply - r_s * i_s - k_r * dpsi_r) / sigma_l_s
            line = self.open_line_index()
            if line is None:
                u_terminal = u_supply
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

        # mechanics
        torque_e = 1.5 * npp * k_r * (psi_r.conjugate() * i_s).imag
        torque_shaft = p(L.P_K_COUPLING) * x[L.X_TWIST] + p(L.P_C_COUPLING) * (w_m - w_l)
        friction_direction = math.tanh(w_m / p(L.P_WEPS_M))
        bearing_torques = [
            p(L.P_BEARING_T0 + j) * friction_direction for j in range(int(p(L.P_N_BEARINGS)))
        ]
        torque_windage = p(L.P_B_VISCOUS) * w_m + p(L.P_K_WINDAGE) * w_m * abs(w_m)
        dw_m = (torque_e - torque_shaft - sum(bearing_torques) - torque_windage) / p(L.P_JM)
        dw_l = (torque_shaft - self.load_torque(w_l, t)) / p(L.P_JL)

        dx = np.zeros(L.N_X)
        dx[L.X_ISA], dx[L.X_ISB] = di_s.real, di_s.imag
        dx[L.X_PSIRA], dx[L.X_PSIRB] = dpsi_r.real, dpsi_r.imag
        dx[L.X_WM] = dw_m
        dx[L.X_WL] = dw_l
        dx[L.X_TWIST] = w_m - w_l
        dx[L.X_THM] = w_m
        return Derivative(
            dx=dx,
            torque_e=torque_e,
            torque_shaft=torque_shaft,
            line_current=i_s + i_iron,
            terminal_voltage=u_terminal,
            loss_cu_stator=loss_cu_stator,
            loss_cu_rotor=loss_cu_rotor,
            loss_iron=loss_iron,
            loss_windage=torque_windage * w_m,
            loss_bearings=[tb * w_m for tb in bearing_torques],
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
        y[L.Y_WM] = x[L.X_WM]
        y[L.Y_THM] = x[L.X_THM]
        y[L.Y_PSIRA] = x[L.X_PSIRA]
        y[L.Y_PSIRB] = x[L.X_PSIRB]
        return y

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
        return float(self.temps[sig - L.SIG_TEMP0])

    def command_contactor_open(self, t: float, source: int) -> None:
        if self.contactor_closed and self.contactor_open_at < 0.0:
            # the opening is scheduled on the step grid: the step of the command plus the
            # drop-out delay rounded to whole steps
            rate = self.param(L.P_RATE_HZ)
            self.contactor_open_at = float(
                round(t * rate) + round(self.param(L.P_CONTACTOR_DELAY) * rate)
            )
            self.log(t, L.EV_CONTACTOR_OPEN_COMMAND, source)

    def act(self, action: int, arg: int, value: float, t: float) -> None:
        if action == L.ACT_CLOSE_CONTACTOR:
            if not self.contactor_closed and not self.relay_tripped:
                self.contactor_closed = True
                self.reached_running = False
                self.contactor_open_at = -1.0
                self.log(t, L.EV_CONTACTOR_CLOSED)
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
            self.log(t, L.EV_PARAM_SET, arg, value)

    def current_machine_state(self) -> int:
        p = self.param
        if self.relay_tripped:
            return L.MS_TRIPPED
        if self.contactor_closed:
            if self.x[L.X_WM] >= p(L.P_W_RUNNING):
                self.reached_running = True
            return L.MS_RUNNING if self.reached_running else L.MS_STARTING
        if abs(self.x[L.X_WM]) > p(L.P_W_STANDSTILL):
            return L.MS_STOPPING
        return L.MS_STOPPED

    # ------------------------------------------------------------------ one step
    def discrete_events(self, n: int, t: float) -> None:
        """Everything that happens at the step boundary t_n, in the documented order."""
        p = self.param
        if self.contactor_open_at >= 0.0 and n >= self.contactor_open_at:
            self.contactor_open_at = -1.0
            self.contactor_closed = False
            self.interrupt_currents()
            self.log(t, L.EV_CONTACTOR_OPENED)
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
                self.command_contactor_open(t, 1)
            for j in range(self.trig_i.shape[0]):
                kind, action, arg, sig = (int(v) for v in self.trig_i[j])
                if kind == L.TRIG_AT_TIME or self.trig_s[j, 0]:
                    continue
                v = self.signal(sig)
                threshold, hold_s, value = self.trig_f[j]
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
        two_pi_f = 2.0 * math.pi * self.param(L.P_F_SUPPLY)
        while self.step < n_end and not self.diverged:
            n = self.step
            t = n / rate
            self.discrete_events(n, t)
            slow_state = np.concatenate(([self.relay_level], self.temps))

            x0 = self.x.copy()
            th0 = self.theta_supply
            d1 = self.derivative(x0, t, th0)
            y_start = self.outputs(x0, d1)
            self.accumulate(d1, y_start, dt)
            k1 = d1.dx
            k2 = self.derivative(x0 + 0.5 * dt * k1, t + 0.5 * dt, th0 + two_pi_f * 0.5 * dt).dx
            k3 = self.derivative(x0 + 0.5 * dt * k2, t + 0.5 * dt, th0 + two_pi_f * 0.5 * dt).dx
            k4 = self.derivative(x0 + dt * k3, t + dt, th0 + two_pi_f * dt).dx
            self.x = x0 + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
            self.theta_supply = th0 + two_pi_f * dt
            if self.theta_supply >= 2.0 * math.pi:
                self.theta_supply -= 2.0 * math.pi
            self.step = n + 1
            t1 = self.step / rate

            reason = self.divergence()
            if reason:
                self.diverged = reason
                self.log(t1, L.EV_DIVERGED, reason)
                break
            y_end = self.outputs(self.x, self.derivative(self.x, t1, self.theta_supply))
            self.step_index.append(n)
            self.y_start.append(y_start)
            self.y_end.append(y_end)
            self.slow_states.append(slow_state)

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
        trace_rows = [L.Y_THM, L.Y_WM, L.Y_PSIRA, L.Y_PSIRB]  # the T_* order
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
    ref = InductionMainsReference(packed)
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
