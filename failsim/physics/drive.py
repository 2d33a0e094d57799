"""Variable-frequency drive (average model): V/f law, ramps, DC link, braking and safe stops.

The drive is modelled by its averaged behaviour: the inverter delivers the fundamental
voltage commanded by a V/f law at a frequency that follows a ramp; the PWM carrier only adds
ripple lines (:func:`pwm_ripple_lines_hz`). The DC link is a capacitor charged by a six-pulse
diode rectifier, so energy returned by the motor while it brakes has nowhere to go but the
capacitor and, above a threshold, a braking chopper (resistor).

Voltages are rms line-to-line unless a name says otherwise; the DC link voltage is the mean
voltage across the capacitor.

References
----------
.. [1] N. Mohan, T. M. Undeland, W. P. Robbins, *Power Electronics: Converters, Applications,
   and Design*, Wiley (diode rectifiers, PWM inverters).
.. [2] D. G. Holmes, T. A. Lipo, *Pulse Width Modulation for Power Converters*, IEEE Press /
   Wiley (carrier harmonics, space-vector modulation).
.. [3] IEC 61800-5-2, Adjustable speed electrical power drive systems - Safety requirements -
   Functional (STO, SS1, SS2).
.. [4] IEC 60204-1, Safety of machinery - Electrical equipment of machines, §9.2.2 (stop
   categories 0, 1, 2); ISO 13850 (emergency stop).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "EMERGENCY_STOP_CATEGORIES",
    "MODULATIONS",
    "STOP_CATEGORIES",
    "brake_stop_time_s",
    "chopper_power_w",
    "dc_link_energy_j",
    "dc_link_rise_v",
    "dc_link_voltage_v",
    "max_output_line_voltage_v",
    "pwm_ripple_lines_hz",
    "ramp_frequency_hz",
    "ramp_time_s",
    "regenerated_energy_j",
    "regenerative_power_w",
    "stop_category",
    "vf_voltage_v",
]

FloatOrArray = float | np.ndarray

_SQRT2 = math.sqrt(2.0)
_SQRT3 = math.sqrt(3.0)

#: Maximum rms line-to-line fundamental of a two-level inverter per volt of DC link, by
#: modulation method (linear range; "six_step" is the square-wave limit).
MODULATIONS: dict[str, float] = {
    "spwm": _SQRT3 / (2.0 * _SQRT2),  # 0.6124: sine-triangle, modulation index 1
    "svpwm": 1.0 / _SQRT2,  # 0.7071: space vector (or third-harmonic injection)
    "six_step": math.sqrt(6.0) / math.pi,  # 0.7797: square wave, fundamental only
}

#: Stop category (IEC 60204-1 §9.2.2) of each drive safety function (IEC 61800-5-2).
STOP_CATEGORIES: dict[str, int] = {
    "STO": 0,
    "SS1": 1,
    "SS1-T": 1,
    "SS1-R": 1,
    "SS1-D": 1,
    "SS2": 2,
    "SS2-T": 2,
    "SS2-R": 2,
    "SS2-D": 2,
}

#: Stop categories an emergency stop may use (ISO 13850): 0 or 1, never 2.
EMERGENCY_STOP_CATEGORIES: frozenset[int] = frozenset({0, 1})


def _as_output(x: np.ndarray) -> FloatOrArray:
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def _positive(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0.0):
        raise ValueError(f"{name} must be finite and > 0, got {value!r}")


def _non_negative(name: str, value: float) -> None:
    if not (math.isfinite(value) and value >= 0.0):
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")


def _finite_array(name: str, value: ArrayLike) -> np.ndarray:
    x = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return x


def _non_negative_array(name: str, value: ArrayLike) -> np.ndarray:
    x = _finite_array(name, value)
    if np.any(x < 0.0):
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return x


def vf_voltage_v(
    frequency_hz: ArrayLike,
    rated_voltage_v: float,
    rated_frequency_hz: float,
    boost_pct: float = 0.0,
) -> FloatOrArray:
    """Output voltage commanded by a linear V/f law with low-speed boost.

    Parameters
    ----------
    frequency_hz : float or array_like
        Output (stator) frequency f, Hz. A negative value is the reverse direction; the law
        uses |f|.
    rated_voltage_v : float
        Rated motor voltage V_N, rms line-to-line, V (> 0).
    rated_frequency_hz : float
        Rated motor frequency f_N (base frequency), Hz (> 0).
    boost_pct : float, optional
        Voltage at 0 Hz as a percentage of V_N (0 <= boost < 100). It compensates the stator
        resistance drop, which is not negligible at low frequency.

    Returns
    -------
    float or ndarray
        Commanded fundamental voltage V, rms line-to-line, V.

    Notes
    -----
    With V_0 = V_N · boost / 100:

    .. math::

        V(f) = V_0 + (V_N - V_0) \\frac{|f|}{f_N} \\quad (|f| \\le f_N), \\qquad
        V(f) = V_N \\quad (|f| > f_N)

    Below f_N the flux V/f is (nearly) constant, so the motor can give rated torque at any
    speed; above f_N the voltage is held at V_N and the flux falls as f_N/f (field weakening,
    constant-power range). The law is the command only: the inverter can deliver it only up to
    :func:`max_output_line_voltage_v` of its DC link.

    References
    ----------
    .. [1] Mohan, Undeland & Robbins, *Power Electronics*, induction-motor drives.
    """
    _positive("rated_voltage_v", rated_voltage_v)
    _positive("rated_frequency_hz", rated_frequency_hz)
    if not (math.isfinite(boost_pct) and 0.0 <= boost_pct < 100.0):
        raise ValueError(f"boost_pct must be in [0, 100), got {boost_pct!r}")
    f = np.abs(_finite_array("frequency_hz", frequency_hz))
    v0 = rated_voltage_v * boost_pct / 100.0
    ratio = np.minimum(f / rated_frequency_hz, 1.0)
    return _as_output(v0 + (rated_voltage_v - v0) * ratio)


def ramp_time_s(
    frequency_from_hz: ArrayLike,
    frequency_to_hz: ArrayLike,
    ramp_up_s: float,
    ramp_down_s: float,
    rated_frequency_hz: float,
) -> FloatOrArray:
    """Time the frequency ramp takes to go from one set point to another.

    Parameters
    ----------
    frequency_from_hz : float or array_like
        Frequency at the start of the ramp f_0, Hz (signed: negative is reverse).
    frequency_to_hz : float or array_like
        Target frequency f_1, Hz (signed).
    ramp_up_s : float
        Acceleration time t_up, s (>= 0): time to accelerate from 0 to f_N.
    ramp_down_s : float
        Deceleration time t_down, s (>= 0): time to decelerate from f_N to 0.
    rated_frequency_hz : float
        Frequency f_N the ramp times refer to, Hz (> 0).

    Returns
    -------
    float or ndarray
        Ramp duration, s.

    Notes
    -----
    The ramps are linear with rates f_N / t_up while |f| rises and f_N / t_down while |f| falls.
    Without a change of direction (f_0 f_1 >= 0):

    .. math::

        t = \\frac{|f_1| - |f_0|}{f_N} t_{up} \\; (|f_1| \\ge |f_0|), \\qquad
        t = \\frac{|f_0| - |f_1|}{f_N} t_{down} \\; (|f_1| < |f_0|)

    A reversal (f_0 f_1 < 0) first decelerates to 0 Hz and then accelerates:
    t = |f_0| t_down / f_N + |f_1| t_up / f_N. See :func:`ramp_frequency_hz` for the trajectory.

    References
    ----------
    .. [1] IEC 61800-5-2 (SS1-r: the monitored deceleration ramp of a safe stop).
    """
    _non_negative("ramp_up_s", ramp_up_s)
    _non_negative("ramp_down_s", ramp_down_s)
    _positive("rated_frequency_hz", rated_frequency_hz)
    f0 = _finite_array("frequency_from_hz", frequency_from_hz)
    f1 = _finite_array("frequency_to_hz", frequency_to_hz)
    a0, a1 = np.abs(f0), np.abs(f1)
    reversal = f0 * f1 < 0.0
    same_dir = np.where(a1 >= a0, (a1 - a0) * ramp_up_s, (a0 - a1) * ramp_down_s)
    through_zero = a0 * ramp_down_s + a1 * ramp_up_s
    return _as_output(np.where(reversal, through_zero, same_dir) / rated_frequency_hz)


def ramp_frequency_hz(
    t_s: ArrayLike,
    frequency_from_hz: float,
    frequency_to_hz: float,
    ramp_up_s: float,
    ramp_down_s: float,
    rated_frequency_hz: float,
) -> FloatOrArray:
    """Frequency along the ramp of :func:`ramp_time_s`, as a function of time.

    Parameters
    ----------
    t_s : float or array_like
        Time since the new set point was given, s. Times before 0 return f_0; times after
        the end of the ramp return f_1.
    frequency_from_hz : float
        Frequency at t = 0, f_0, Hz (signed).
    frequency_to_hz : float
        Target frequency f_1, Hz (signed).
    ramp_up_s, ramp_down_s : float
        Acceleration and deceleration times from 0 to f_N and from f_N to 0, s (>= 0).
    rated_frequency_hz : float
        Frequency f_N the ramp times refer to, Hz (> 0).

    Returns
    -------
    float or ndarray
        Commanded frequency f(t), Hz.

    Notes
    -----
    |f| changes at a_up = f_N / t_up while it rises and at a_down = f_N / t_down while it
    falls (a zero ramp time is a step). Without a reversal,

    .. math::

        f(t) = f_0 + \\operatorname{sgn}(f_1 - f_0) \\, a \\, t \\quad
        (0 \\le t \\le t_{ramp}), \\qquad a = a_{up} \\text{ or } a_{down}

    A reversal decelerates |f_0| to 0 at a_down in t_a = |f_0| / a_down, then accelerates to
    f_1 at a_up: f(t) = sgn(f_1) a_up (t - t_a) for t_a <= t <= t_ramp.

    References
    ----------
    .. [1] IEC 61800-5-2 (SS1-r: the monitored deceleration ramp of a safe stop).
    """
    duration = ramp_time_s(
        frequency_from_hz, frequency_to_hz, ramp_up_s, ramp_down_s, rated_frequency_hz
    )
    t = _finite_array("t_s", t_s)
    f0, f1 = float(frequency_from_hz), float(frequency_to_hz)
    if duration == 0.0:
        return _as_output(np.where(t < 0.0, f0, f1))
    tc = np.clip(t, 0.0, duration)

    def magnitude(start: float, stop: float, ramp_s: float, elapsed: np.ndarray) -> np.ndarray:
        # |f| moving linearly from |start| to |stop| at f_N / ramp_s (a step if ramp_s == 0).
        if ramp_s == 0.0:
            return np.full_like(elapsed, abs(stop))
        step = rated_frequency_hz / ramp_s * elapsed
        if abs(stop) >= abs(start):
            return np.minimum(abs(start) + step, abs(stop))
        return np.maximum(abs(start) - step, abs(stop))

    if f0 * f1 < 0.0:
        t_zero = abs(f0) * ramp_down_s / rated_frequency_hz
        falling = math.copysign(1.0, f0) * magnitude(f0, 0.0, ramp_down_s, tc)
        rising = math.copysign(1.0, f1) * magnitude(0.0, f1, ramp_up_s, tc - t_zero)
        f = np.where(tc < t_zero, falling, rising)
    else:
        ramp_s = ramp_up_s if abs(f1) >= abs(f0) else ramp_down_s
        sign = math.copysign(1.0, f1) if f1 != 0.0 else math.copysign(1.0, f0)
        f = sign * magnitude(f0, f1, ramp_s, tc)
    f = np.where(t >= duration, f1, f)
    return _as_output(np.where(t <= 0.0, f0, f))


def dc_link_voltage_v(line_voltage_v: ArrayLike) -> FloatOrArray:
    """No-load DC link voltage of a six-pulse (three-phase bridge) diode rectifier.

    Parameters
    ----------
    line_voltage_v : float or array_like
        Mains voltage, rms line-to-line V_LL, V (>= 0).

    Returns
    -------
    float or ndarray
        Mean DC voltage V_dc, V.

    Notes
    -----
    The bridge output follows the largest line-to-line voltage, a six-pulse waveform of peak
    √2 V_LL; its mean over a 60° segment is

    .. math:: V_{dc} = \\frac{3\\sqrt{2}}{π} V_{LL} \\approx 1.3505 \\, V_{LL}

    e.g. 540 V at 400 V. With a large DC capacitor and a light load the capacitor charges
    towards the peak √2 V_LL (566 V at 400 V); under load, commutation overlap and the line
    impedance pull the mean somewhat below 1.35 V_LL. The ripple is at 6 f_s.

    References
    ----------
    .. [1] Mohan, Undeland & Robbins, *Power Electronics*, three-phase diode rectifiers.
    """
    v = _non_negative_array("line_voltage_v", line_voltage_v)
    return _as_output(3.0 * _SQRT2 / math.pi * v)


def max_output_line_voltage_v(dc_link_v: ArrayLike, modulation: str = "svpwm") -> FloatOrArray:
    """Largest fundamental output voltage a two-level inverter can make from its DC link.

    Parameters
    ----------
    dc_link_v : float or array_like
        DC link voltage V_dc, V (>= 0).
    modulation : {"svpwm", "spwm", "six_step"}, optional
        "svpwm": space-vector PWM (or sine-triangle with third-harmonic injection), the top of
        its linear range; "spwm": sine-triangle PWM at modulation index 1; "six_step":
        square-wave operation (the overmodulation limit).

    Returns
    -------
    float or ndarray
        Maximum rms line-to-line fundamental voltage, V.

    Notes
    -----
    .. math::

        V_{LL,svpwm} = \\frac{V_{dc}}{\\sqrt 2} \\approx 0.707 V_{dc}, \\quad
        V_{LL,spwm} = \\frac{\\sqrt 3}{2\\sqrt 2} V_{dc} \\approx 0.612 V_{dc}, \\quad
        V_{LL,six-step} = \\frac{\\sqrt 6}{π} V_{dc} \\approx 0.780 V_{dc}

    Sine-triangle PWM gives a phase-to-midpoint peak of V_dc/2 (line-to-line √3 V_dc/2);
    space-vector PWM reaches a line-to-line peak of V_dc. At 540 V this is 382 V (SVPWM) and
    331 V (SPWM): a drive fed from 400 V mains cannot deliver the full 400 V of a 400 V motor
    in the linear range; real drives overmodulate or accept slightly weaker flux near f_N.

    References
    ----------
    .. [1] Holmes & Lipo, *Pulse Width Modulation for Power Converters*.
    """
    if modulation not in MODULATIONS:
        raise ValueError(
            f"unknown modulation {modulation!r}; allowed: {', '.join(sorted(MODULATIONS))}"
        )
    v = _non_negative_array("dc_link_v", dc_link_v)
    return _as_output(MODULATIONS[modulation] * v)


def dc_link_energy_j(capacitance_f: float, voltage_v: ArrayLike) -> FloatOrArray:
    """Energy stored in the DC link capacitor.

    Parameters
    ----------
    capacitance_f : float
        DC link capacitance C, F (> 0).
    voltage_v : float or array_like
        Capacitor voltage V, V.

    Returns
    -------
    float or ndarray
        Stored energy E, J.

    Notes
    -----
    .. math:: E = \\tfrac12 C V^2

    References
    ----------
    .. [1] Mohan, Undeland & Robbins, *Power Electronics*.
    """
    _positive("capacitance_f", capacitance_f)
    v = _finite_array("voltage_v", voltage_v)
    return _as_output(0.5 * capacitance_f * v**2)


def regenerated_energy_j(
    inertia_kg_m2: float,
    speed0_rad_s: ArrayLike,
    speed1_rad_s: ArrayLike,
    loss_j: ArrayLike = 0.0,
) -> FloatOrArray:
    """Energy a decelerating drive train returns to the DC link.

    Parameters
    ----------
    inertia_kg_m2 : float
        Total inertia referred to the motor shaft J, kg m² (> 0).
    speed0_rad_s : float or array_like
        Speed at the start of the deceleration ω_0, rad/s.
    speed1_rad_s : float or array_like
        Speed at the end ω_1, rad/s.
    loss_j : float or array_like, optional
        Energy dissipated on the way, J (>= 0): load work, friction, motor and inverter losses
        (e.g. ∫ (T_L + B ω) ω dt + ∫ R i² dt).

    Returns
    -------
    float or ndarray
        Energy delivered to the DC link E_reg, J. Negative when the losses exceed the kinetic
        energy released: the drive then draws energy from the link even while decelerating
        (the ramp is slower than the natural coast-down).

    Notes
    -----
    .. math:: E_{reg} = \\tfrac12 J (ω_0^2 - ω_1^2) - E_{loss}

    References
    ----------
    .. [1] Mohan, Undeland & Robbins, *Power Electronics*, regenerative braking.
    """
    _positive("inertia_kg_m2", inertia_kg_m2)
    w0 = _finite_array("speed0_rad_s", speed0_rad_s)
    w1 = _finite_array("speed1_rad_s", speed1_rad_s)
    loss = _non_negative_array("loss_j", loss_j)
    return _as_output(0.5 * inertia_kg_m2 * (w0**2 - w1**2) - loss)


def regenerative_power_w(
    inertia_kg_m2: float,
    speed_rad_s: ArrayLike,
    deceleration_rad_s2: ArrayLike,
    load_torque_n_m: ArrayLike = 0.0,
) -> FloatOrArray:
    """Mechanical power the motor shaft returns to the drive during a controlled deceleration.

    Parameters
    ----------
    inertia_kg_m2 : float
        Total inertia referred to the motor shaft J, kg m² (> 0).
    speed_rad_s : float or array_like
        Speed ω, rad/s.
    deceleration_rad_s2 : float or array_like
        Deceleration α = -dω/dt, rad/s² (positive while slowing down a forward rotation).
    load_torque_n_m : float or array_like, optional
        Load and friction torque T_L opposing the rotation (sign convention of
        :mod:`failsim.physics.mechanics`), N m.

    Returns
    -------
    float or ndarray
        Regenerated mechanical power P_reg = -T_e ω, W. Positive: the machine generates (the
        motor's active power is negative, stop categories 1 and 2); negative: the drive still
        motors to hold the ramp.

    Notes
    -----
    With J dω/dt = T_e - T_L and dω/dt = -α, the motor torque is T_e = T_L - J α and

    .. math:: P_{reg} = -T_e ω = (J α - T_L) ω

    so the machine regenerates only when the ramp is faster than the natural coast-down,
    α > T_L / J (physics.md §8, check 8). The electrical power reaching the DC link is smaller
    by the motor and inverter losses.

    References
    ----------
    .. [1] IEC 60204-1 §9.2.2 (category 1 stop: controlled stop with power available).
    """
    _positive("inertia_kg_m2", inertia_kg_m2)
    w = _finite_array("speed_rad_s", speed_rad_s)
    alpha = _finite_array("deceleration_rad_s2", deceleration_rad_s2)
    t_load = _finite_array("load_torque_n_m", load_torque_n_m)
    return _as_output((inertia_kg_m2 * alpha - t_load) * w)


def chopper_power_w(voltage_v: ArrayLike, resistance_ohm: float) -> FloatOrArray:
    """Power dissipated in the braking resistor while the chopper conducts.

    Parameters
    ----------
    voltage_v : float or array_like
        DC link voltage V_dc, V.
    resistance_ohm : float
        Braking resistance R_br, Ω (> 0).

    Returns
    -------
    float or ndarray
        Instantaneous resistor power P, W. With a chopper duty cycle d the mean is d · P.

    Notes
    -----
    .. math:: P = V_{dc}^2 / R_{br}

    The chopper switches the resistor across the link when V_dc exceeds its threshold
    (≈ 700-800 V for a 400 V drive); the resistor must absorb the regenerated power, or the
    link voltage rises (:func:`dc_link_rise_v`) until the drive trips on overvoltage.

    References
    ----------
    .. [1] Mohan, Undeland & Robbins, *Power Electronics*, dynamic braking.
    """
    _positive("resistance_ohm", resistance_ohm)
    v = _finite_array("voltage_v", voltage_v)
    return _as_output(v**2 / resistance_ohm)


def dc_link_rise_v(
    capacitance_f: float, voltage0_v: ArrayLike, energy_j: ArrayLike
) -> FloatOrArray:
    """DC link voltage after the capacitor absorbs (or delivers) an amount of energy.

    Parameters
    ----------
    capacitance_f : float
        DC link capacitance C, F (> 0).
    voltage0_v : float or array_like
        Voltage before V_0, V (>= 0).
    energy_j : float or array_like
        Energy put into the capacitor E, J; negative when it is taken out (at most ½ C V_0²).

    Returns
    -------
    float or ndarray
        Voltage after V_1, V.

    Notes
    -----
    From ½ C V_1² = ½ C V_0² + E:

    .. math:: V_1 = \\sqrt{V_0^2 + 2E / C}

    E.g. a 7.5 kW drive with C = 470 µF at 540 V absorbing the 389 J of J = 0.0343 kg m² at
    1438 rpm would reach ≈ 1.4 kV: far beyond the ≈ 800 V overvoltage trip, hence the chopper
    or a longer ramp.

    References
    ----------
    .. [1] Mohan, Undeland & Robbins, *Power Electronics*.
    """
    _positive("capacitance_f", capacitance_f)
    v0 = _non_negative_array("voltage0_v", voltage0_v)
    e = _finite_array("energy_j", energy_j)
    square = v0**2 + 2.0 * e / capacitance_f
    if np.any(square < 0.0):
        raise ValueError("energy_j takes out more than the energy stored at voltage0_v")
    return _as_output(np.sqrt(square))


def pwm_ripple_lines_hz(
    switching_hz: float, fundamental_hz: ArrayLike, include_carrier: bool = True
) -> np.ndarray:
    """Frequencies of the dominant PWM ripple lines of a carrier-based two-level inverter.

    Parameters
    ----------
    switching_hz : float
        Switching (carrier) frequency f_sw, Hz (> 0), typically 2-16 kHz.
    fundamental_hz : float or array_like
        Output fundamental frequency f, Hz (its magnitude is used).
    include_carrier : bool, optional
        Include the carrier line f_sw itself (see Notes).

    Returns
    -------
    ndarray
        Along the last axis, in this order: f_sw - 2f, f_sw (if included), f_sw + 2f,
        2 f_sw - f, 2 f_sw + f, Hz; leading axes follow ``fundamental_hz``. The order is
        ascending while 3|f| < f_sw.

    Notes
    -----
    Naturally sampled sine-triangle (and space-vector) PWM produces voltage lines at
    m f_sw + n f for integer m, n (Holmes & Lipo). In the first carrier group (m = 1) the
    strongest are n = 0, ±2; in the second (m = 2), n = ±1:

    .. math:: f_{sw} - 2f, \\; f_{sw}, \\; f_{sw} + 2f, \\; 2f_{sw} - f, \\; 2f_{sw} + f

    The carrier line itself (n = 0) is the same in all three legs: it is a common-mode
    (zero-sequence) voltage, present in each pole voltage and in the motor's neutral-point
    voltage, but it cancels in the line-to-line voltages. In a motor with an isolated neutral
    it therefore drives no phase current, except through stray capacitances (common-mode and
    bearing currents). The current ripple is at f_sw ± 2f and 2f_sw ± f, a few percent of I_N,
    inversely proportional to f_sw and to the leakage inductance. Set
    ``include_carrier=False`` for the lines expected in the phase current.

    References
    ----------
    .. [1] Holmes & Lipo, *Pulse Width Modulation for Power Converters*, ch. 3 and 6.
    """
    _positive("switching_hz", switching_hz)
    f = np.abs(_finite_array("fundamental_hz", fundamental_hz))
    fsw = np.full_like(f, switching_hz)
    lines = [np.abs(fsw - 2.0 * f)]
    if include_carrier:
        lines.append(fsw)
    lines += [fsw + 2.0 * f, 2.0 * fsw - f, 2.0 * fsw + f]
    return np.stack(lines, axis=-1)


def stop_category(name: str) -> int:
    """Stop category of a drive safety function.

    Parameters
    ----------
    name : str
        Safety function, case-insensitive: "STO", "SS1" (also "SS1-t", "SS1-r", "SS1-d"),
        "SS2" (also "SS2-t", "SS2-r", "SS2-d").

    Returns
    -------
    int
        Stop category 0, 1 or 2 of IEC 60204-1 §9.2.2.

    Notes
    -----
    ========  =====================================================  ========
    function  behaviour (IEC 61800-5-2)                              category
    ========  =====================================================  ========
    STO       safe torque off: no torque-producing energy; coast     0
    SS1       safe stop 1: decelerate, then STO at standstill        1
    SS2       safe stop 2: decelerate, then safe operating stop      2
              (position held, motor energised)
    ========  =====================================================  ========

    Suffixes of SS1/SS2: -t starts STO (or SOS) after a set time, -r monitors the
    deceleration ramp, -d is drive-controlled (the drive ramps down and detects standstill).
    An emergency stop must be category 0 or 1 (ISO 13850): see
    :data:`EMERGENCY_STOP_CATEGORIES`. STO responds within milliseconds (ABB ACS880: 2 ms
    typical, 25 ms maximum); the motor current decays through the inverter diodes in a few to
    tens of ms.

    References
    ----------
    .. [1] IEC 61800-5-2, safety sub-functions STO, SS1, SS2.
    .. [2] IEC 60204-1 §9.2.2, stop categories; ISO 13850, emergency stop.
    """
    key = str(name).strip().upper()
    if key not in STOP_CATEGORIES:
        raise ValueError(
            f"unknown drive safety function {name!r}; allowed: STO, SS1, SS1-t, SS1-r, "
            "SS1-d, SS2, SS2-t, SS2-r, SS2-d"
        )
    return STOP_CATEGORIES[key]


def brake_stop_time_s(
    inertia_kg_m2: float,
    speed0_rad_s: float,
    brake_torque_n_m: float,
    load_torque_n_m: float = 0.0,
    engagement_delay_s: float = 0.0,
) -> float:
    """Time for a spring-applied brake to stop a shaft after power is removed.

    Parameters
    ----------
    inertia_kg_m2 : float
        Total inertia referred to the braked shaft J, kg m² (> 0).
    speed0_rad_s : float
        Speed when the stop begins ω_0, rad/s (>= 0).
    brake_torque_n_m : float
        Brake torque once engaged T_B, N m (> 0); ≈ 1.5-2 T_N.
    load_torque_n_m : float, optional
        Constant load and friction torque opposing the rotation T_L, N m (>= 0).
    engagement_delay_s : float, optional
        Time from the stop command until the brake torque acts t_d, s (>= 0); 10-200 ms.

    Returns
    -------
    float
        Stop time from the command to standstill, s.

    Notes
    -----
    During the delay the shaft coasts against T_L alone, reaching ω_d = ω_0 - T_L t_d / J (or
    stopping earlier, at J ω_0 / T_L); then

    .. math:: t = t_d + \\frac{J ω_d}{T_B + T_L}

    physics.md writes t_d + J ω_0 / (T_B + T_L), which neglects the speed lost during the
    delay and is an upper bound; the two agree when T_L = 0. The brake dissipates
    ½ J ω_d² minus the load's share.

    References
    ----------
    .. [1] IEC 60204-1 §9.2.2 (category 0 stop with mechanical brake).
    """
    _positive("inertia_kg_m2", inertia_kg_m2)
    _non_negative("speed0_rad_s", speed0_rad_s)
    _positive("brake_torque_n_m", brake_torque_n_m)
    _non_negative("load_torque_n_m", load_torque_n_m)
    _non_negative("engagement_delay_s", engagement_delay_s)
    speed_at_engagement = speed0_rad_s - load_torque_n_m * engagement_delay_s / inertia_kg_m2
    if speed_at_engagement <= 0.0:
        return inertia_kg_m2 * speed0_rad_s / load_torque_n_m
    return engagement_delay_s + inertia_kg_m2 * speed_at_engagement / (
        brake_torque_n_m + load_torque_n_m
    )
