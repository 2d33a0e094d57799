"""Squirrel-cage induction motor: steady-state equivalent circuit and reference-frame transforms.

The steady state of a three-phase induction motor on a sinusoidal, balanced supply follows from
the per-phase T equivalent circuit (Krause, Wasynczuk & Sudhoff, ch. 6)::

    V_ph -- R_s -- jX_σs --+-- jX_σr -- R_r/s --+
                           |                    |
                          jX_m                  |
                           |                    |
    N  --------------------+--------------------+

with an optional iron-loss resistance R_fe across the terminals ("approximate" placement).
Reactances are X = 2π f L at the supply frequency f. All quantities are per phase and rms unless
a name says otherwise; powers and torque are for the whole (three-phase) machine.

The transforms follow the amplitude-invariant convention used by the stator-frame model of
``reference/physics.md`` section 1: a balanced set of phase currents of amplitude Î maps onto a
space vector of length Î.

References
----------
.. [1] P. C. Krause, O. Wasynczuk, S. D. Sudhoff, *Analysis of Electric Machinery and Drive
   Systems*, IEEE Press / Wiley (steady-state equivalent circuit, reference-frame theory).
.. [2] Modelica Buildings library, ``IM_10HP_400V_50Hz`` motor record (worked example
   parameters).
.. [3] gym-electric-motor documentation (upb-lea), squirrel-cage induction motor model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "InductionMotorCircuit",
    "SteadyState",
    "breakdown",
    "clarke",
    "equivalent_circuit",
    "inverse_clarke",
    "inverse_park",
    "iron_loss_resistance_ohm",
    "locked_rotor",
    "park",
    "slip_for_torque",
    "synchronous_speed_rpm",
]

FloatOrArray = float | np.ndarray

_SQRT3 = math.sqrt(3.0)


@dataclass(frozen=True)
class InductionMotorCircuit:
    """Per-phase parameters of the induction-motor T equivalent circuit.

    Rotor quantities are referred to the stator. Inductances are the values at the rated
    operating point; saturation is not modelled.

    Parameters
    ----------
    stator_resistance_ohm : float
        Stator winding resistance per phase R_s, Ω (>= 0).
    rotor_resistance_ohm : float
        Rotor resistance per phase referred to the stator R_r, Ω (> 0).
    stator_leakage_inductance_h : float
        Stator leakage inductance L_σs = L_s - L_m, H (>= 0).
    rotor_leakage_inductance_h : float
        Rotor leakage inductance referred to the stator L_σr = L_r - L_m, H (>= 0).
    magnetizing_inductance_h : float
        Magnetising (mutual) inductance L_m, H (> 0).
    pole_pairs : int
        Number of pole pairs p (>= 1); a 4-pole machine has p = 2.
    iron_loss_resistance_ohm : float, optional
        Per-phase equivalent iron-loss resistance R_fe across the stator terminals, Ω (> 0).
        The default ``math.inf`` means no iron loss. See :func:`iron_loss_resistance_ohm`.

    Notes
    -----
    The iron-loss shunt sits at the terminals ("approximate" placement), so its current does
    not flow through R_s and jX_σs and the iron loss is exactly P_fe = 3 V_ph² / R_fe at any
    slip. This keeps the iron loss independent of load, as it nearly is in a real machine
    (physics.md section 3), at the cost of neglecting the small R_s drop of the core-loss
    current.
    """

    stator_resistance_ohm: float
    rotor_resistance_ohm: float
    stator_leakage_inductance_h: float
    rotor_leakage_inductance_h: float
    magnetizing_inductance_h: float
    pole_pairs: int
    iron_loss_resistance_ohm: float = math.inf

    def __post_init__(self) -> None:
        non_negative = (
            "stator_resistance_ohm",
            "stator_leakage_inductance_h",
            "rotor_leakage_inductance_h",
        )
        positive = ("rotor_resistance_ohm", "magnetizing_inductance_h")
        for name in non_negative + positive:
            value = getattr(self, name)
            bound_ok = value > 0.0 if name in positive else value >= 0.0
            if not (math.isfinite(value) and bound_ok):
                allowed = "> 0" if name in positive else ">= 0"
                raise ValueError(
                    f"InductionMotorCircuit.{name} must be finite and {allowed}, got {value!r}"
                )
        if not self.iron_loss_resistance_ohm > 0.0:  # also rejects NaN; inf means no iron loss
            raise ValueError(
                "InductionMotorCircuit.iron_loss_resistance_ohm must be > 0 (inf for no iron "
                f"loss), got {self.iron_loss_resistance_ohm!r}"
            )
        pole_pairs = self.pole_pairs
        if isinstance(pole_pairs, bool) or not float(pole_pairs).is_integer() or pole_pairs < 1:
            raise ValueError(
                f"InductionMotorCircuit.pole_pairs must be an integer >= 1, got {pole_pairs!r}"
            )


class SteadyState(NamedTuple):
    """Steady operating point of an induction motor from the equivalent circuit.

    Every field is a float for a scalar slip, or an array shaped like the broadcast inputs.

    Attributes
    ----------
    slip : float or ndarray
        Slip s = (n_sync - n) / n_sync, dimensionless.
    speed_rpm : float or ndarray
        Shaft speed n = (1 - s) n_sync, rpm.
    stator_current_a : float or ndarray
        Rms line current, including the iron-loss shunt current, A.
    rotor_current_a : float or ndarray
        Rms rotor current referred to the stator, A.
    torque_n_m : float or ndarray
        Electromagnetic (air-gap) torque T_e = P_ag / ω_sync, N m.
    power_factor : float or ndarray
        cos φ = P_in / (3 V_ph I), negative when the machine generates.
    input_power_w : float or ndarray
        Electrical input power of the three phases, W.
    airgap_power_w : float or ndarray
        Power crossing the air gap P_ag, W.
    stator_copper_loss_w : float or ndarray
        Stator copper loss 3 I_T² R_s, with I_T the current of the T circuit, W.
    rotor_copper_loss_w : float or ndarray
        Rotor copper loss 3 I_r² R_r = s P_ag, W.
    iron_loss_w : float or ndarray
        Iron loss 3 V_ph² / R_fe, W.
    mechanical_power_w : float or ndarray
        Internal mechanical power (1 - s) P_ag = T_e ω, before friction and windage, W.
    """

    slip: FloatOrArray
    speed_rpm: FloatOrArray
    stator_current_a: FloatOrArray
    rotor_current_a: FloatOrArray
    torque_n_m: FloatOrArray
    power_factor: FloatOrArray
    input_power_w: FloatOrArray
    airgap_power_w: FloatOrArray
    stator_copper_loss_w: FloatOrArray
    rotor_copper_loss_w: FloatOrArray
    iron_loss_w: FloatOrArray
    mechanical_power_w: FloatOrArray


def _as_output(x: np.ndarray) -> FloatOrArray:
    """Return a Python float for a 0-d result, the array otherwise."""
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def _check_supply(line_voltage_v: ArrayLike, frequency_hz: float) -> None:
    if not (np.isfinite(frequency_hz) and frequency_hz > 0.0):
        raise ValueError(f"frequency_hz must be finite and > 0, got {frequency_hz!r}")
    voltage = np.asarray(line_voltage_v, dtype=float)
    if not np.all(np.isfinite(voltage)) or np.any(voltage < 0.0):
        raise ValueError(f"line_voltage_v must be finite and >= 0, got {line_voltage_v!r}")


def synchronous_speed_rpm(frequency_hz: ArrayLike, pole_pairs: int) -> FloatOrArray:
    """Synchronous speed of a rotating field.

    Parameters
    ----------
    frequency_hz : float or array_like
        Supply frequency f_s, Hz.
    pole_pairs : int
        Number of pole pairs p (>= 1).

    Returns
    -------
    float or ndarray
        Synchronous speed n_sync, rpm.

    Notes
    -----
    .. math:: n_\\mathrm{sync} = 60 f_s / p

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*.
    """
    if pole_pairs < 1:
        raise ValueError(f"pole_pairs must be >= 1, got {pole_pairs!r}")
    return _as_output(60.0 * np.asarray(frequency_hz, dtype=float) / pole_pairs)


def equivalent_circuit(
    circuit: InductionMotorCircuit,
    line_voltage_v: ArrayLike,
    frequency_hz: float,
    slip: ArrayLike,
) -> SteadyState:
    """Solve the per-phase T equivalent circuit at a given slip.

    Parameters
    ----------
    circuit : InductionMotorCircuit
        Machine parameters.
    line_voltage_v : float or array_like
        Rms line-to-line supply voltage V_LL, V (>= 0). Broadcast against ``slip``.
    frequency_hz : float
        Supply frequency f_s, Hz (> 0).
    slip : float or array_like
        Slip s, dimensionless. ``0`` is synchronous speed (no rotor current), ``1`` is
        standstill, negative values are generating. Any finite value is accepted.

    Returns
    -------
    SteadyState
        Currents, torque, powers and losses; floats for scalar inputs, arrays otherwise.

    Notes
    -----
    With ω_e = 2π f_s, X = ω_e L and V_ph = V_LL / √3, the T-circuit impedance is

    .. math:: Z = R_s + jX_{σs} + jX_m \\parallel (R_r/s + jX_{σr})

    The rotor branch is evaluated as an admittance Y_r = s / (R_r + j s X_σr), which is zero at
    s = 0, so synchronous speed needs no special case. With I_T = V_ph / Z, the air-gap voltage
    E = V_ph - I_T (R_s + jX_σs) and I_r = E Y_r:

    .. math::

        P_{ag} = 3 |E|^2 \\mathrm{Re}(Y_r) = 3 I_r^2 R_r / s, \\quad
        T_e = P_{ag} / ω_{sync}, \\quad ω_{sync} = ω_e / p

        P_{cu,r} = s P_{ag}, \\quad P_{mech} = (1 - s) P_{ag}, \\quad
        P_{fe} = 3 V_{ph}^2 / R_{fe}

        P_{in} = 3 V_{ph} \\mathrm{Re}(I) = P_{cu,s} + P_{fe} + P_{cu,r} + P_{mech}

    where the line current I = I_T + V_ph / R_fe and P_cu,s = 3 |I_T|² R_s.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*,
       steady-state operation of the induction machine.
    """
    _check_supply(line_voltage_v, frequency_hz)
    s = np.asarray(slip, dtype=float)
    if not np.all(np.isfinite(s)):
        raise ValueError(f"slip must be finite, got {slip!r}")
    v_ph = np.asarray(line_voltage_v, dtype=float) / _SQRT3
    s, v_ph = np.broadcast_arrays(s, v_ph)

    omega_e = 2.0 * math.pi * frequency_hz
    c = circuit
    z_stator = c.stator_resistance_ohm + 1j * omega_e * c.stator_leakage_inductance_h
    y_magnetizing = 1.0 / (1j * omega_e * c.magnetizing_inductance_h)
    y_rotor = s / (c.rotor_resistance_ohm + 1j * s * omega_e * c.rotor_leakage_inductance_h)
    z_total = z_stator + 1.0 / (y_magnetizing + y_rotor)

    i_t = v_ph / z_total
    e_airgap = v_ph - i_t * z_stator
    i_rotor = e_airgap * y_rotor
    i_fe = v_ph / c.iron_loss_resistance_ohm
    i_line = i_t + i_fe

    stator_current = np.abs(i_line)
    stator_cu = 3.0 * np.abs(i_t) ** 2 * c.stator_resistance_ohm
    iron = 3.0 * v_ph**2 / c.iron_loss_resistance_ohm
    airgap = 3.0 * np.abs(e_airgap) ** 2 * y_rotor.real
    input_power = 3.0 * v_ph * i_line.real
    apparent = 3.0 * v_ph * stator_current
    with np.errstate(invalid="ignore", divide="ignore"):
        power_factor = np.where(apparent > 0.0, input_power / apparent, 1.0)

    omega_sync = omega_e / c.pole_pairs
    return SteadyState(
        slip=_as_output(s),
        speed_rpm=_as_output((1.0 - s) * 60.0 * frequency_hz / c.pole_pairs),
        stator_current_a=_as_output(stator_current),
        rotor_current_a=_as_output(np.abs(i_rotor)),
        torque_n_m=_as_output(airgap / omega_sync),
        power_factor=_as_output(power_factor),
        input_power_w=_as_output(input_power),
        airgap_power_w=_as_output(airgap),
        stator_copper_loss_w=_as_output(stator_cu),
        rotor_copper_loss_w=_as_output(s * airgap),
        iron_loss_w=_as_output(iron),
        mechanical_power_w=_as_output((1.0 - s) * airgap),
    )


def locked_rotor(
    circuit: InductionMotorCircuit, line_voltage_v: ArrayLike, frequency_hz: float
) -> SteadyState:
    """Steady state at standstill (slip = 1): starting current and starting torque.

    Parameters
    ----------
    circuit : InductionMotorCircuit
        Machine parameters.
    line_voltage_v : float or array_like
        Rms line-to-line supply voltage, V.
    frequency_hz : float
        Supply frequency, Hz (> 0).

    Returns
    -------
    SteadyState
        The operating point at s = 1; ``mechanical_power_w`` is zero.

    Notes
    -----
    Equal to ``equivalent_circuit(circuit, line_voltage_v, frequency_hz, 1.0)``. The result is
    the quasi-steady locked-rotor point; the first cycles after switching on also carry a
    decaying DC offset that the equivalent circuit does not describe. Deep-bar and double-cage
    effects (a higher R_r at standstill) are not modelled.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*.
    """
    return equivalent_circuit(circuit, line_voltage_v, frequency_hz, 1.0)


def _thevenin_impedance(circuit: InductionMotorCircuit, frequency_hz: float) -> tuple[float, float]:
    """Return (R_th, X_th + X_σr): the resistance and reactance of the rotor-branch loop."""
    omega_e = 2.0 * math.pi * frequency_hz
    z_stator = complex(circuit.stator_resistance_ohm, omega_e * circuit.stator_leakage_inductance_h)
    z_m = 1j * omega_e * circuit.magnetizing_inductance_h
    z_th = z_stator * z_m / (z_stator + z_m)
    return z_th.real, z_th.imag + omega_e * circuit.rotor_leakage_inductance_h


def breakdown(
    circuit: InductionMotorCircuit,
    line_voltage_v: float,
    frequency_hz: float,
    *,
    generating: bool = False,
) -> tuple[float, float]:
    """Slip and torque at the maximum (breakdown, pull-out) torque.

    Parameters
    ----------
    circuit : InductionMotorCircuit
        Machine parameters.
    line_voltage_v : float
        Rms line-to-line supply voltage, V.
    frequency_hz : float
        Supply frequency, Hz (> 0).
    generating : bool, optional
        If true, return the generating pull-out point (negative slip and torque) instead.

    Returns
    -------
    slip : float
        Breakdown slip s_k (positive when motoring).
    torque_n_m : float
        Breakdown torque T_k, N m (negative when generating).

    Notes
    -----
    Seen from the rotor branch, the rest of the circuit is a Thevenin source
    V_th = V_ph jX_m / (R_s + j(X_σs + X_m)) with impedance Z_th = R_th + jX_th. With
    u = R_r / s,

    .. math:: P_{ag} = \\frac{3 |V_{th}|^2 u}{(R_{th} + u)^2 + (X_{th} + X_{σr})^2}

    which is maximal at u = ±sqrt(R_th² + (X_th + X_σr)²), so the breakdown slip is exact:

    .. math:: s_k = \\pm \\frac{R_r}{\\sqrt{R_{th}^2 + (X_{th} + X_{σr})^2}}

    The iron-loss shunt sits at the terminals and does not change V_th or Z_th. The torque is
    evaluated with :func:`equivalent_circuit` at s_k.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*,
       maximum torque of the induction machine.
    """
    _check_supply(line_voltage_v, frequency_hz)
    r_th, x_loop = _thevenin_impedance(circuit, frequency_hz)
    s_k = circuit.rotor_resistance_ohm / math.hypot(r_th, x_loop)
    if generating:
        s_k = -s_k
    torque = equivalent_circuit(circuit, line_voltage_v, frequency_hz, s_k).torque_n_m
    return s_k, float(torque)


def slip_for_torque(
    circuit: InductionMotorCircuit,
    line_voltage_v: float,
    frequency_hz: float,
    torque_n_m: float,
) -> float:
    """Slip on the stable branch of the torque-slip curve at a given electromagnetic torque.

    Parameters
    ----------
    circuit : InductionMotorCircuit
        Machine parameters.
    line_voltage_v : float
        Rms line-to-line supply voltage, V.
    frequency_hz : float
        Supply frequency, Hz (> 0).
    torque_n_m : float
        Electromagnetic torque T_e, N m. Positive values give the motoring point
        0 < s <= s_k; negative values the generating point s_k,gen <= s < 0; zero gives s = 0.

    Returns
    -------
    float
        Slip s, dimensionless.

    Raises
    ------
    ValueError
        If |torque_n_m| exceeds the breakdown torque (no steady operating point exists).

    Notes
    -----
    Solves T_e(s) = T with Brent's method on the bracket between s = 0 and the breakdown slip
    from :func:`breakdown`, where T_e(s) is monotone. In a drive train in steady state,
    T_e = T_L + Bω + friction, so pass the total load torque.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*.
    """
    if not math.isfinite(torque_n_m):
        raise ValueError(f"torque_n_m must be finite, got {torque_n_m!r}")
    if torque_n_m == 0.0:
        return 0.0
    generating = torque_n_m < 0.0
    s_k, t_k = breakdown(circuit, line_voltage_v, frequency_hz, generating=generating)
    if abs(torque_n_m) > abs(t_k) * (1.0 + 1e-12):
        branch = "generating" if generating else "motoring"
        raise ValueError(
            f"torque_n_m = {torque_n_m:.6g} N m exceeds the {branch} breakdown torque "
            f"{t_k:.6g} N m (at slip {s_k:.4g}) for {line_voltage_v:.6g} V, "
            f"{frequency_hz:.6g} Hz: the motor has no steady operating point at this torque"
        )
    if abs(torque_n_m) >= abs(t_k):
        return s_k

    def residual(s: float) -> float:
        return equivalent_circuit(circuit, line_voltage_v, frequency_hz, s).torque_n_m - torque_n_m

    lo, hi = (s_k, 0.0) if generating else (0.0, s_k)
    from scipy.optimize import brentq  # imported here: scipy.optimize is slow to import

    return float(brentq(residual, lo, hi, xtol=1e-15, rtol=4.0 * np.finfo(float).eps))


def iron_loss_resistance_ohm(
    iron_loss_w: float,
    line_voltage_v: float,
    frequency_hz: float,
    eddy_fraction: float,
    at_frequency_hz: float | None = None,
) -> float:
    """Per-phase iron-loss shunt resistance from a rated iron loss (Steinmetz, B² form).

    Parameters
    ----------
    iron_loss_w : float
        Iron loss of the machine at rated voltage and frequency P_fe,N, W (>= 0).
    line_voltage_v : float
        Rated rms line-to-line voltage V_N, V (> 0).
    frequency_hz : float
        Rated frequency f_N, Hz (> 0).
    eddy_fraction : float
        Share of the rated iron loss due to eddy currents, in [0, 1]; the rest is hysteresis.
    at_frequency_hz : float, optional
        Frequency at which the resistance is wanted, Hz (> 0). Defaults to ``frequency_hz``.

    Returns
    -------
    float
        R_fe, Ω per phase, for :class:`InductionMotorCircuit`; ``math.inf`` when
        ``iron_loss_w`` is zero.

    Notes
    -----
    The flux density scales as B ∝ V / f. With hysteresis loss k_h f B² and eddy loss
    k_e f² B², the iron loss at voltage V and frequency f is

    .. math:: P_{fe} = V^2 (a / f + b), \\quad b V_N^2 = e P_{fe,N}, \\quad
              a V_N^2 / f_N = (1 - e) P_{fe,N}

    with e the eddy fraction. A shunt at the terminals dissipates P = 3 V_ph² / R_fe = V² / R_fe,
    hence

    .. math:: R_{fe}(f) = \\frac{V_N^2}{P_{fe,N} \\left[(1 - e) f_N / f + e\\right]}

    At a fixed frequency, the loss of the shunt scales with V², as the Steinmetz law does.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*.
    .. [2] Boglietti et al. 2009, IEEE Trans. Ind. Electron. 56(3) (loss components in
       thermal models of electrical machines).
    """
    if at_frequency_hz is None:
        at_frequency_hz = frequency_hz
    if not (math.isfinite(iron_loss_w) and iron_loss_w >= 0.0):
        raise ValueError(f"iron_loss_w must be finite and >= 0, got {iron_loss_w!r}")
    for name, value in (
        ("line_voltage_v", line_voltage_v),
        ("frequency_hz", frequency_hz),
        ("at_frequency_hz", at_frequency_hz),
    ):
        if not (math.isfinite(value) and value > 0.0):
            raise ValueError(f"{name} must be finite and > 0, got {value!r}")
    if not 0.0 <= eddy_fraction <= 1.0:
        raise ValueError(f"eddy_fraction must be in [0, 1], got {eddy_fraction!r}")
    if iron_loss_w == 0.0:
        return math.inf
    shape = (1.0 - eddy_fraction) * frequency_hz / at_frequency_hz + eddy_fraction
    return line_voltage_v**2 / (iron_loss_w * shape)


def clarke(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> tuple[FloatOrArray, FloatOrArray]:
    """Amplitude-invariant Clarke transform, phase quantities to the stator (αβ) frame.

    Parameters
    ----------
    a, b, c : float or array_like
        Phase quantities (currents in A, voltages in V, fluxes in Wb: the unit carries over).

    Returns
    -------
    alpha, beta : float or ndarray
        Components of the space vector, same unit as the inputs.

    Notes
    -----
    .. math:: x_α = \\tfrac{2}{3}\\left(x_a - \\tfrac{x_b + x_c}{2}\\right), \\quad
              x_β = \\frac{x_b - x_c}{\\sqrt{3}}

    A balanced set of amplitude X̂ traces a circle of radius X̂. The zero-sequence component
    (x_a + x_b + x_c) / 3 is discarded.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*,
       reference-frame theory.
    """
    a, b, c = np.asarray(a, dtype=float), np.asarray(b, dtype=float), np.asarray(c, dtype=float)
    alpha = (2.0 / 3.0) * (a - 0.5 * (b + c))
    beta = (b - c) / _SQRT3
    return _as_output(alpha), _as_output(beta)


def inverse_clarke(
    alpha: ArrayLike, beta: ArrayLike
) -> tuple[FloatOrArray, FloatOrArray, FloatOrArray]:
    """Inverse amplitude-invariant Clarke transform, αβ frame to phase quantities.

    Parameters
    ----------
    alpha, beta : float or array_like
        Space-vector components (any unit).

    Returns
    -------
    a, b, c : float or ndarray
        Phase quantities with zero zero-sequence component (a + b + c = 0).

    Notes
    -----
    .. math:: x_a = x_α, \\quad x_{b,c} = -\\tfrac{1}{2} x_α \\pm \\tfrac{\\sqrt{3}}{2} x_β

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*.
    """
    alpha, beta = np.asarray(alpha, dtype=float), np.asarray(beta, dtype=float)
    half_sqrt3 = 0.5 * _SQRT3
    a = alpha + 0.0 * beta
    b = -0.5 * alpha + half_sqrt3 * beta
    c = -0.5 * alpha - half_sqrt3 * beta
    return _as_output(a), _as_output(b), _as_output(c)


def park(
    alpha: ArrayLike, beta: ArrayLike, theta_rad: ArrayLike
) -> tuple[FloatOrArray, FloatOrArray]:
    """Park rotation from the stationary αβ frame to a frame at angle θ (dq).

    Parameters
    ----------
    alpha, beta : float or array_like
        Stationary-frame components (any unit).
    theta_rad : float or array_like
        Angle of the d axis from the α axis, rad (electrical).

    Returns
    -------
    d, q : float or ndarray
        Rotating-frame components, same unit as the inputs.

    Notes
    -----
    .. math:: x_d = x_α \\cos θ + x_β \\sin θ, \\quad x_q = -x_α \\sin θ + x_β \\cos θ

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*.
    """
    alpha, beta = np.asarray(alpha, dtype=float), np.asarray(beta, dtype=float)
    cos, sin = np.cos(theta_rad), np.sin(theta_rad)
    return _as_output(alpha * cos + beta * sin), _as_output(-alpha * sin + beta * cos)


def inverse_park(
    d: ArrayLike, q: ArrayLike, theta_rad: ArrayLike
) -> tuple[FloatOrArray, FloatOrArray]:
    """Inverse Park rotation from a frame at angle θ (dq) to the stationary αβ frame.

    Parameters
    ----------
    d, q : float or array_like
        Rotating-frame components (any unit).
    theta_rad : float or array_like
        Angle of the d axis from the α axis, rad (electrical).

    Returns
    -------
    alpha, beta : float or ndarray
        Stationary-frame components, same unit as the inputs.

    Notes
    -----
    .. math:: x_α = x_d \\cos θ - x_q \\sin θ, \\quad x_β = x_d \\sin θ + x_q \\cos θ

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*.
    """
    d, q = np.asarray(d, dtype=float), np.asarray(q, dtype=float)
    cos, sin = np.cos(theta_rad), np.sin(theta_rad)
    return _as_output(d * cos - q * sin), _as_output(d * sin + q * cos)
