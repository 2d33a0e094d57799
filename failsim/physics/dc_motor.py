"""DC motor: armature and field equations, steady state, time constants.

A DC machine with a permanent-magnet or separately excited field obeys (Krause, ch. 2)::

    u_a = R_a i_a + L_a di_a/dt + k ω          (armature)
    T_e = k i_a                                (torque; k_t = k_e = k in SI units)
    u_f = R_f i_f + L_f di_f/dt,  k = L'_e i_f (separately excited field, no saturation)
    J dω/dt = T_e - T_L - B ω - T_c sgn ω      (shaft)

k is the back-emf constant in V s/rad, numerically equal to the torque constant in N m/A
because the electrical power k ω i_a converted by the back emf equals the mechanical power
T_e ω. Saturation, armature reaction and brush drop are neglected; the field constant L'_e is
the field-armature mutual inductance (L_AF in Krause's notation).

Load torques follow :mod:`failsim.physics.mechanics`: a positive T_L opposes a positive
rotation.

References
----------
.. [1] P. C. Krause, O. Wasynczuk, S. D. Sudhoff, *Analysis of Electric Machinery and Drive
   Systems*, IEEE Press / Wiley, ch. 2 (DC machines).
.. [2] W. Leonhard, *Control of Electrical Drives*, Springer (separately excited DC machine,
   field weakening).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "DCMotor",
    "DCSteadyState",
    "back_emf_constant",
    "current_for_torque_a",
    "derivatives",
    "electrical_time_constant_s",
    "field_time_constant_s",
    "mechanical_time_constant_s",
    "no_load_speed_rad_s",
    "required_armature_voltage_v",
    "speed_for_torque_rad_s",
    "stall_current_a",
    "stall_torque_n_m",
    "steady_field_current_a",
    "steady_state",
    "torque_for_speed_n_m",
]

FloatOrArray = float | np.ndarray


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


@dataclass(frozen=True)
class DCMotor:
    """Parameters of a DC motor with a permanent-magnet or separately excited field.

    Parameters
    ----------
    armature_resistance_ohm : float
        Armature circuit resistance R_a (winding, brushes, interpoles), Ω (> 0).
    armature_inductance_h : float
        Armature circuit inductance L_a, H (>= 0).
    back_emf_constant_v_s_rad : float
        Back-emf constant k = k_e = k_t, V s/rad (= N m/A) (> 0): the constant of the magnets,
        or of a separately excited field at its rated current.
    field_resistance_ohm : float, optional
        Field winding resistance R_f, Ω (> 0). ``None`` for a permanent-magnet field.
    field_inductance_h : float, optional
        Field winding self-inductance L_f, H (> 0). ``None`` for a permanent-magnet field.
    field_constant_h : float, optional
        Field constant L'_e (field-armature mutual inductance), so that k = L'_e i_f,
        V s/(A rad) ≡ H (> 0). ``None`` for a permanent-magnet field.

    Notes
    -----
    The rated field current is k / L'_e (:attr:`rated_field_current_a`). Functions that take
    ``field_current_a`` use k = L'_e i_f when it is given and the constant k otherwise.
    """

    armature_resistance_ohm: float
    armature_inductance_h: float
    back_emf_constant_v_s_rad: float
    field_resistance_ohm: float | None = None
    field_inductance_h: float | None = None
    field_constant_h: float | None = None

    def __post_init__(self) -> None:
        for name in ("armature_resistance_ohm", "back_emf_constant_v_s_rad"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0.0):
                raise ValueError(f"DCMotor.{name} must be finite and > 0, got {value!r}")
        if not (math.isfinite(self.armature_inductance_h) and self.armature_inductance_h >= 0.0):
            raise ValueError(
                "DCMotor.armature_inductance_h must be finite and >= 0, got "
                f"{self.armature_inductance_h!r}"
            )
        for name in ("field_resistance_ohm", "field_inductance_h", "field_constant_h"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0.0):
                raise ValueError(f"DCMotor.{name} must be None or finite and > 0, got {value!r}")

    @property
    def separately_excited(self) -> bool:
        """Whether a field constant is given (k = L'_e i_f is then available)."""
        return self.field_constant_h is not None

    @property
    def rated_field_current_a(self) -> float:
        """Field current i_f,N = k / L'_e at which the field gives the constant k, A."""
        if self.field_constant_h is None:
            raise ValueError("a permanent-magnet DCMotor has no field current")
        return self.back_emf_constant_v_s_rad / self.field_constant_h


class DCSteadyState(NamedTuple):
    """Steady operating point of a DC motor.

    Every field is a float for scalar inputs, or an array shaped like the broadcast inputs.

    Attributes
    ----------
    speed_rad_s : float or ndarray
        Shaft speed ω, rad/s.
    armature_current_a : float or ndarray
        Armature current i_a, A.
    torque_n_m : float or ndarray
        Electromagnetic torque T_e = k i_a, N m.
    back_emf_v : float or ndarray
        Back emf e = k ω, V.
    input_power_w : float or ndarray
        Armature electrical input power u_a i_a, W (negative when generating).
    copper_loss_w : float or ndarray
        Armature copper loss R_a i_a², W.
    field_loss_w : float or ndarray
        Field copper loss R_f i_f², W (0 for a permanent-magnet motor or without
        ``field_current_a``).
    mechanical_power_w : float or ndarray
        Internal (air-gap) power T_e ω = e i_a, W.
    friction_loss_w : float or ndarray
        Friction loss B ω² + T_c |ω|, W.
    output_power_w : float or ndarray
        Shaft power delivered to the load T_L ω, W (negative when the load drives).
    efficiency : float or ndarray
        Motoring: P_out / (u_a i_a + P_f); generating: (-u_a i_a - P_f) / (-P_out), clipped
        at 0; 0 when power flows in from both sides or neither (stall, no load, plugging).
    """

    speed_rad_s: FloatOrArray
    armature_current_a: FloatOrArray
    torque_n_m: FloatOrArray
    back_emf_v: FloatOrArray
    input_power_w: FloatOrArray
    copper_loss_w: FloatOrArray
    field_loss_w: FloatOrArray
    mechanical_power_w: FloatOrArray
    friction_loss_w: FloatOrArray
    output_power_w: FloatOrArray
    efficiency: FloatOrArray


def back_emf_constant(motor: DCMotor, field_current_a: ArrayLike | None = None) -> FloatOrArray:
    """Back-emf (and torque) constant at a given field current.

    Parameters
    ----------
    motor : DCMotor
        Machine parameters.
    field_current_a : float or array_like, optional
        Field current i_f, A. ``None`` returns the motor's constant k.

    Returns
    -------
    float or ndarray
        k, V s/rad (= N m/A).

    Notes
    -----
    .. math:: k = L'_e \\, i_f

    Linear: saturation, which flattens k(i_f) above the rated field, is neglected. Reducing
    i_f below rated (field weakening) raises the no-load speed u_a / k at the cost of torque
    per ampere.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*,
       ch. 2.
    """
    if field_current_a is None:
        return motor.back_emf_constant_v_s_rad
    if motor.field_constant_h is None:
        raise ValueError("field_current_a needs DCMotor.field_constant_h (separately excited)")
    i_f = _finite_array("field_current_a", field_current_a)
    return _as_output(motor.field_constant_h * i_f)


def _k(motor: DCMotor, field_current_a: ArrayLike | None) -> np.ndarray:
    k = np.asarray(back_emf_constant(motor, field_current_a), dtype=float)
    if np.any(k == 0.0):
        raise ValueError("the back-emf constant is zero (no field current)")
    return k


def steady_field_current_a(motor: DCMotor, field_voltage_v: ArrayLike) -> FloatOrArray:
    """Steady field current of a separately excited field.

    Parameters
    ----------
    motor : DCMotor
        Machine parameters (``field_resistance_ohm`` required).
    field_voltage_v : float or array_like
        Field voltage u_f, V.

    Returns
    -------
    float or ndarray
        i_f = u_f / R_f, A.

    Notes
    -----
    u_f = R_f i_f + L_f di_f/dt with di_f/dt = 0.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, ch. 2.
    """
    if motor.field_resistance_ohm is None:
        raise ValueError("DCMotor.field_resistance_ohm is needed for the field current")
    u_f = _finite_array("field_voltage_v", field_voltage_v)
    return _as_output(u_f / motor.field_resistance_ohm)


def no_load_speed_rad_s(
    motor: DCMotor, armature_voltage_v: ArrayLike, field_current_a: ArrayLike | None = None
) -> FloatOrArray:
    """Ideal no-load speed (no load, no friction).

    Parameters
    ----------
    motor : DCMotor
        Machine parameters.
    armature_voltage_v : float or array_like
        Armature voltage u_a, V.
    field_current_a : float or array_like, optional
        Field current i_f, A (separately excited); ``None`` uses the constant k.

    Returns
    -------
    float or ndarray
        ω_0 = u_a / k, rad/s.

    Notes
    -----
    With T_e = 0 the current is zero and u_a = k ω_0.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, ch. 2.
    """
    u = _finite_array("armature_voltage_v", armature_voltage_v)
    return _as_output(u / _k(motor, field_current_a))


def stall_current_a(motor: DCMotor, armature_voltage_v: ArrayLike) -> FloatOrArray:
    """Armature current at standstill (locked rotor), without current limit.

    Parameters
    ----------
    motor : DCMotor
        Machine parameters.
    armature_voltage_v : float or array_like
        Armature voltage u_a, V.

    Returns
    -------
    float or ndarray
        I_stall = u_a / R_a, A.

    Notes
    -----
    At ω = 0 there is no back emf. At rated voltage this is ≈ 10-20 I_N, which is why DC
    drives limit the current.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, ch. 2.
    """
    u = _finite_array("armature_voltage_v", armature_voltage_v)
    return _as_output(u / motor.armature_resistance_ohm)


def stall_torque_n_m(
    motor: DCMotor, armature_voltage_v: ArrayLike, field_current_a: ArrayLike | None = None
) -> FloatOrArray:
    """Electromagnetic torque at standstill, without current limit.

    Parameters
    ----------
    motor : DCMotor
        Machine parameters.
    armature_voltage_v : float or array_like
        Armature voltage u_a, V.
    field_current_a : float or array_like, optional
        Field current i_f, A; ``None`` uses the constant k.

    Returns
    -------
    float or ndarray
        T_stall = k u_a / R_a, N m.

    Notes
    -----
    T_stall = k I_stall.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, ch. 2.
    """
    u = _finite_array("armature_voltage_v", armature_voltage_v)
    return _as_output(_k(motor, field_current_a) * u / motor.armature_resistance_ohm)


def current_for_torque_a(
    motor: DCMotor, torque_n_m: ArrayLike, field_current_a: ArrayLike | None = None
) -> FloatOrArray:
    """Armature current that produces a given electromagnetic torque.

    Parameters
    ----------
    motor : DCMotor
        Machine parameters.
    torque_n_m : float or array_like
        Electromagnetic torque T_e, N m.
    field_current_a : float or array_like, optional
        Field current i_f, A; ``None`` uses the constant k.

    Returns
    -------
    float or ndarray
        i_a = T_e / k, A.

    Notes
    -----
    From T_e = k i_a.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, ch. 2.
    """
    t = _finite_array("torque_n_m", torque_n_m)
    return _as_output(t / _k(motor, field_current_a))


def speed_for_torque_rad_s(
    motor: DCMotor,
    armature_voltage_v: ArrayLike,
    torque_n_m: ArrayLike,
    field_current_a: ArrayLike | None = None,
) -> FloatOrArray:
    """Steady speed at which the motor produces a given electromagnetic torque.

    Parameters
    ----------
    motor : DCMotor
        Machine parameters.
    armature_voltage_v : float or array_like
        Armature voltage u_a, V.
    torque_n_m : float or array_like
        Electromagnetic torque T_e, N m.
    field_current_a : float or array_like, optional
        Field current i_f, A; ``None`` uses the constant k.

    Returns
    -------
    float or ndarray
        ω, rad/s.

    Notes
    -----
    The straight speed-torque line of a DC motor, from u_a = R_a i_a + k ω and T_e = k i_a:

    .. math:: ω = \\frac{u_a}{k} - \\frac{R_a}{k^2} T_e

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, ch. 2.
    """
    u = _finite_array("armature_voltage_v", armature_voltage_v)
    t = _finite_array("torque_n_m", torque_n_m)
    k = _k(motor, field_current_a)
    return _as_output(u / k - motor.armature_resistance_ohm * t / k**2)


def torque_for_speed_n_m(
    motor: DCMotor,
    armature_voltage_v: ArrayLike,
    speed_rad_s: ArrayLike,
    field_current_a: ArrayLike | None = None,
) -> FloatOrArray:
    """Steady electromagnetic torque at a given speed (inverse of the speed-torque line).

    Parameters
    ----------
    motor : DCMotor
        Machine parameters.
    armature_voltage_v : float or array_like
        Armature voltage u_a, V.
    speed_rad_s : float or array_like
        Shaft speed ω, rad/s.
    field_current_a : float or array_like, optional
        Field current i_f, A; ``None`` uses the constant k.

    Returns
    -------
    float or ndarray
        T_e, N m.

    Notes
    -----
    .. math:: T_e = \\frac{k (u_a - k ω)}{R_a}

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, ch. 2.
    """
    u = _finite_array("armature_voltage_v", armature_voltage_v)
    w = _finite_array("speed_rad_s", speed_rad_s)
    k = _k(motor, field_current_a)
    return _as_output(k * (u - k * w) / motor.armature_resistance_ohm)


def required_armature_voltage_v(
    motor: DCMotor,
    speed_rad_s: ArrayLike,
    torque_n_m: ArrayLike,
    field_current_a: ArrayLike | None = None,
) -> FloatOrArray:
    """Armature voltage that holds a given speed at a given electromagnetic torque.

    Parameters
    ----------
    motor : DCMotor
        Machine parameters.
    speed_rad_s : float or array_like
        Shaft speed ω, rad/s.
    torque_n_m : float or array_like
        Electromagnetic torque T_e, N m.
    field_current_a : float or array_like, optional
        Field current i_f, A; ``None`` uses the constant k.

    Returns
    -------
    float or ndarray
        u_a, V.

    Notes
    -----
    .. math:: u_a = k ω + R_a T_e / k

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, ch. 2.
    """
    w = _finite_array("speed_rad_s", speed_rad_s)
    t = _finite_array("torque_n_m", torque_n_m)
    k = _k(motor, field_current_a)
    return _as_output(k * w + motor.armature_resistance_ohm * t / k)


def electrical_time_constant_s(motor: DCMotor) -> float:
    """Armature electrical time constant.

    Parameters
    ----------
    motor : DCMotor
        Machine parameters.

    Returns
    -------
    float
        τ_e = L_a / R_a, s (≈ 1-20 ms).

    Notes
    -----
    The current's response to a voltage step at locked rotor is i_a = (u_a / R_a)(1 - e^{-t/τ_e}).

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, ch. 2.
    """
    return motor.armature_inductance_h / motor.armature_resistance_ohm


def mechanical_time_constant_s(
    motor: DCMotor, inertia_kg_m2: float, field_current_a: float | None = None
) -> float:
    """Electromechanical time constant of the motor and its load.

    Parameters
    ----------
    motor : DCMotor
        Machine parameters.
    inertia_kg_m2 : float
        Total inertia on the motor shaft J (rotor plus reflected load), kg m² (> 0).
    field_current_a : float, optional
        Field current i_f, A; ``None`` uses the constant k.

    Returns
    -------
    float
        τ_m = J R_a / (k_t k_e) = J R_a / k², s (≈ 0.01-1 s).

    Notes
    -----
    With L_a = 0 and no friction, J dω/dt = k (u_a - k ω) / R_a - T_L is first order with this
    time constant. With L_a > 0 the characteristic equation is

    .. math:: τ_e τ_m s^2 + τ_m s + 1 = 0

    (oscillatory when τ_m < 4 τ_e).

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, ch. 2.
    """
    _positive("inertia_kg_m2", inertia_kg_m2)
    k = float(_k(motor, field_current_a))
    return inertia_kg_m2 * motor.armature_resistance_ohm / k**2


def field_time_constant_s(motor: DCMotor) -> float:
    """Field-winding time constant of a separately excited motor.

    Parameters
    ----------
    motor : DCMotor
        Machine parameters (field resistance and inductance required).

    Returns
    -------
    float
        τ_f = L_f / R_f, s (typically 0.1-several s: much slower than τ_e).

    Notes
    -----
    From u_f = R_f i_f + L_f di_f/dt.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, ch. 2.
    """
    if motor.field_resistance_ohm is None or motor.field_inductance_h is None:
        raise ValueError("DCMotor needs field_resistance_ohm and field_inductance_h")
    return motor.field_inductance_h / motor.field_resistance_ohm


def steady_state(
    motor: DCMotor,
    armature_voltage_v: ArrayLike,
    load_torque_n_m: ArrayLike,
    viscous_friction_n_m_s_rad: float = 0.0,
    coulomb_friction_n_m: float = 0.0,
    field_current_a: ArrayLike | None = None,
) -> DCSteadyState:
    """Steady operating point of a DC motor at a given armature voltage and load.

    Parameters
    ----------
    motor : DCMotor
        Machine parameters.
    armature_voltage_v : float or array_like
        Armature voltage u_a, V.
    load_torque_n_m : float or array_like
        Load torque T_L, N m; positive opposes a positive rotation, negative drives it
        (an overhauling load).
    viscous_friction_n_m_s_rad : float, optional
        Viscous friction B, N m s/rad (>= 0).
    coulomb_friction_n_m : float, optional
        Coulomb (dry) friction T_c, N m (>= 0).
    field_current_a : float or array_like, optional
        Field current i_f, A (separately excited); ``None`` uses the constant k.

    Returns
    -------
    DCSteadyState
        Speed, current, torque and powers; floats for scalar inputs, arrays otherwise.

    Notes
    -----
    In steady state di_a/dt = dω/dt = 0:

    .. math::

        u_a = R_a i_a + k ω, \\qquad k i_a = T_L + B ω + T_c \\operatorname{sgn} ω

    so, for a direction of rotation σ = sgn ω,

    .. math:: ω = \\frac{k u_a - R_a (T_L + σ T_c)}{k^2 + R_a B}, \\qquad i_a = (u_a - k ω) / R_a

    σ = +1 is taken when it gives ω > 0, σ = -1 when it gives ω < 0; otherwise static
    friction holds the shaft (|k u_a / R_a - T_L| <= T_c): ω = 0 and i_a = u_a / R_a.

    The power balance is exact: u_a i_a = R_a i_a² + T_e ω (armature) and
    T_e ω = T_L ω + B ω² + T_c |ω| (shaft).

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*,
       ch. 2.
    """
    _non_negative("viscous_friction_n_m_s_rad", viscous_friction_n_m_s_rad)
    _non_negative("coulomb_friction_n_m", coulomb_friction_n_m)
    u = _finite_array("armature_voltage_v", armature_voltage_v)
    t_load = _finite_array("load_torque_n_m", load_torque_n_m)
    k = _k(motor, field_current_a)
    u, t_load, k = np.broadcast_arrays(u, t_load, k)
    r, b, tc = motor.armature_resistance_ohm, viscous_friction_n_m_s_rad, coulomb_friction_n_m

    denominator = k**2 + r * b
    w_forward = (k * u - r * (t_load + tc)) / denominator
    w_reverse = (k * u - r * (t_load - tc)) / denominator
    w = np.where(w_forward > 0.0, w_forward, np.where(w_reverse < 0.0, w_reverse, 0.0))
    i = (u - k * w) / r
    torque = k * i
    emf = k * w

    p_in = u * i
    p_cu = r * i**2
    p_mech = torque * w
    p_friction = b * w**2 + tc * np.abs(w)
    p_out = t_load * w
    if field_current_a is not None and motor.field_resistance_ohm is not None:
        i_f = np.broadcast_to(np.asarray(field_current_a, dtype=float), u.shape)
        p_field = motor.field_resistance_ohm * i_f**2
    else:
        p_field = np.zeros_like(u)

    motoring = (p_out > 0.0) & (p_in > 0.0)
    generating = (p_out < 0.0) & (p_in < 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta_motor = p_out / (p_in + p_field)
        eta_generator = np.maximum((-p_in - p_field) / -p_out, 0.0)
    efficiency = np.where(motoring, eta_motor, np.where(generating, eta_generator, 0.0))

    return DCSteadyState(
        speed_rad_s=_as_output(w),
        armature_current_a=_as_output(i),
        torque_n_m=_as_output(torque),
        back_emf_v=_as_output(emf),
        input_power_w=_as_output(p_in),
        copper_loss_w=_as_output(p_cu),
        field_loss_w=_as_output(p_field),
        mechanical_power_w=_as_output(p_mech),
        friction_loss_w=_as_output(p_friction),
        output_power_w=_as_output(p_out),
        efficiency=_as_output(efficiency),
    )


def derivatives(
    motor: DCMotor,
    armature_current_a: ArrayLike,
    speed_rad_s: ArrayLike,
    armature_voltage_v: ArrayLike,
    load_torque_n_m: ArrayLike,
    inertia_kg_m2: float,
    viscous_friction_n_m_s_rad: float = 0.0,
    coulomb_friction_n_m: float = 0.0,
    field_current_a: ArrayLike | None = None,
) -> tuple[FloatOrArray, FloatOrArray]:
    """Time derivatives of armature current and speed: the DC motor's state equations.

    Parameters
    ----------
    motor : DCMotor
        Machine parameters (``armature_inductance_h`` > 0).
    armature_current_a : float or array_like
        Armature current i_a, A.
    speed_rad_s : float or array_like
        Shaft speed ω, rad/s.
    armature_voltage_v : float or array_like
        Armature voltage u_a, V.
    load_torque_n_m : float or array_like
        Load torque T_L, N m (positive opposes a positive rotation).
    inertia_kg_m2 : float
        Total inertia on the motor shaft J, kg m² (> 0).
    viscous_friction_n_m_s_rad : float, optional
        Viscous friction B, N m s/rad (>= 0).
    coulomb_friction_n_m : float, optional
        Coulomb friction T_c, N m (>= 0), applied as T_c sgn ω (sgn 0 = 0).
    field_current_a : float or array_like, optional
        Field current i_f, A; ``None`` uses the constant k. Its own dynamics,
        L_f di_f/dt = u_f - R_f i_f, are separate (see :func:`field_time_constant_s`).

    Returns
    -------
    tuple of (float or ndarray, float or ndarray)
        (di_a/dt in A/s, dω/dt in rad/s²).

    Notes
    -----
    .. math::

        \\frac{di_a}{dt} = \\frac{u_a - R_a i_a - k ω}{L_a}, \\qquad
        \\frac{dω}{dt} = \\frac{k i_a - T_L - B ω - T_c \\operatorname{sgn} ω}{J}

    The ideal sign function is discontinuous at ω = 0; a kernel that must hold the shaft at
    rest against static friction regularises it (e.g. tanh(ω / ω_ε)). This function is the
    plain reference for comparing integrators away from standstill.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, ch. 2.
    """
    _positive("inertia_kg_m2", inertia_kg_m2)
    _non_negative("viscous_friction_n_m_s_rad", viscous_friction_n_m_s_rad)
    _non_negative("coulomb_friction_n_m", coulomb_friction_n_m)
    if motor.armature_inductance_h <= 0.0:
        raise ValueError("derivatives needs DCMotor.armature_inductance_h > 0")
    i = _finite_array("armature_current_a", armature_current_a)
    w = _finite_array("speed_rad_s", speed_rad_s)
    u = _finite_array("armature_voltage_v", armature_voltage_v)
    t_load = _finite_array("load_torque_n_m", load_torque_n_m)
    k = np.asarray(back_emf_constant(motor, field_current_a), dtype=float)
    di_dt = (u - motor.armature_resistance_ohm * i - k * w) / motor.armature_inductance_h
    friction = viscous_friction_n_m_s_rad * w + coulomb_friction_n_m * np.sign(w)
    dw_dt = (k * i - t_load - friction) / inertia_kg_m2
    return _as_output(di_dt), _as_output(dw_dt)
