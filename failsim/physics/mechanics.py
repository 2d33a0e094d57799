"""Drive-train mechanics: load-torque laws, coast-down, torsional frequency, bearing friction.

The shaft obeys J dω/dt = T_e - T_L(ω, t) - B ω - T_c sgn ω - T_bearing. The functions here give
the load and friction torques and the closed-form solutions used to check the integrator: the
coast-down after the motor torque is removed (T_e = 0) under constant, viscous and quadratic
braking, and the natural frequency of a two-mass torsional system.

Load torques are returned with the sign of the speed: a positive value opposes a positive
rotation.

References
----------
.. [1] P. C. Krause, O. Wasynczuk, S. D. Sudhoff, *Analysis of Electric Machinery and Drive
   Systems*, IEEE Press / Wiley.
.. [2] T. A. Harris, M. N. Kotzalas, *Rolling Bearing Analysis*, CRC Press.
.. [3] SKF rolling bearings catalogue, friction: constant-coefficient estimate.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "LOAD_KINDS",
    "bearing_friction_torque_n_m",
    "coast_down_time_s",
    "load_torque_n_m",
    "quadratic_coast_speed_rad_s",
    "torsional_frequency_hz",
    "viscous_coast_speed_rad_s",
]

FloatOrArray = float | np.ndarray

#: Load-torque laws accepted by :func:`load_torque_n_m`.
LOAD_KINDS = ("constant", "linear", "quadratic", "polynomial")


def _as_output(x: np.ndarray) -> FloatOrArray:
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def _positive(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0.0):
        raise ValueError(f"{name} must be finite and > 0, got {value!r}")


def load_torque_n_m(
    kind: str,
    speed_rad_s: ArrayLike,
    rated_torque_n_m: float,
    rated_speed_rad_s: float,
    breakaway_torque_n_m: float = 0.0,
    coefficients: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> FloatOrArray:
    """Load torque of a driven machine as a function of speed.

    Parameters
    ----------
    kind : {"constant", "linear", "quadratic", "polynomial"}
        Load law. "constant": conveyors, hoists, positive-displacement pumps; "linear":
        calenders, eddy-current brakes; "quadratic": fans and centrifugal pumps;
        "polynomial": any law a + b|ω| + c ω².
    speed_rad_s : float or array_like
        Shaft speed ω, rad/s.
    rated_torque_n_m : float
        Load torque at rated speed T_N, N m (unused by "polynomial").
    rated_speed_rad_s : float
        Rated speed ω_N, rad/s (> 0; unused by "polynomial").
    breakaway_torque_n_m : float, optional
        Extra Coulomb (breakaway) torque T_b, N m (>= 0), added to every law.
    coefficients : tuple of 3 floats, optional
        (a, b, c) of the polynomial law: a in N m, b in N m s/rad, c in N m s²/rad².

    Returns
    -------
    float or ndarray
        Load torque T_L, N m, with the sign of ω (zero at ω = 0).

    Notes
    -----
    .. math::

        T_\\mathrm{constant} = T_N \\operatorname{sgn} ω, \\quad
        T_\\mathrm{linear} = T_N ω / ω_N, \\quad
        T_\\mathrm{quadratic} = T_N (ω / ω_N)^2 \\operatorname{sgn} ω

        T_\\mathrm{polynomial} = \\operatorname{sgn}(ω) (a + b |ω| + c ω^2), \\quad
        T_L = T_\\mathrm{law} + T_b \\operatorname{sgn} ω

    The sign function here is discontinuous at ω = 0 (sgn 0 = 0), where a Coulomb torque is
    really set-valued (static friction holds any torque up to T_b). The simulation kernels
    regularise it, e.g. sgn ω ≈ tanh(ω / ω_ε), so that a machine can come to rest and
    break away again; this function is the ideal law away from standstill.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*.
    """
    if kind not in LOAD_KINDS:
        raise ValueError(f"unknown load kind {kind!r}; allowed: {', '.join(LOAD_KINDS)}")
    if not (math.isfinite(breakaway_torque_n_m) and breakaway_torque_n_m >= 0.0):
        raise ValueError(
            f"breakaway_torque_n_m must be finite and >= 0, got {breakaway_torque_n_m!r}"
        )
    omega = np.asarray(speed_rad_s, dtype=float)
    sign = np.sign(omega)
    if kind == "polynomial":
        if len(coefficients) != 3:
            raise ValueError(f"coefficients must be (a, b, c), got {coefficients!r}")
        a, b, c = coefficients
        torque = sign * (a + b * np.abs(omega) + c * omega**2)
    else:
        _positive("rated_speed_rad_s", rated_speed_rad_s)
        ratio = omega / rated_speed_rad_s
        if kind == "constant":
            torque = rated_torque_n_m * sign
        elif kind == "linear":
            torque = rated_torque_n_m * ratio
        else:
            torque = rated_torque_n_m * ratio**2 * sign
    return _as_output(torque + breakaway_torque_n_m * sign)


def coast_down_time_s(
    inertia_kg_m2: float,
    speed0_rad_s: float,
    friction_torque_n_m: float,
    final_speed_rad_s: float = 0.0,
) -> float:
    """Time to coast from one speed to a lower one against a constant friction torque.

    Parameters
    ----------
    inertia_kg_m2 : float
        Total inertia referred to the shaft J, kg m² (> 0).
    speed0_rad_s : float
        Speed when the drive torque is removed ω_0, rad/s (>= 0).
    friction_torque_n_m : float
        Constant braking torque T_f, N m (> 0).
    final_speed_rad_s : float, optional
        Speed to reach ω_f, rad/s (0 <= ω_f <= ω_0).

    Returns
    -------
    float
        Coast-down time, s.

    Notes
    -----
    J dω/dt = -T_f integrates to

    .. math:: t = J (ω_0 - ω_f) / T_f

    e.g. J = 0.1 kg m², 1438 rpm, 1 N m gives 15 s. The kinetic energy ½ J ω_0² is dissipated
    as ∫ T_f ω dt.

    References
    ----------
    .. [1] IEC 60204-1, stop category 0 (uncontrolled stop by removal of power).
    """
    _positive("inertia_kg_m2", inertia_kg_m2)
    _positive("friction_torque_n_m", friction_torque_n_m)
    if not 0.0 <= final_speed_rad_s <= speed0_rad_s < math.inf:
        raise ValueError(
            "need 0 <= final_speed_rad_s <= speed0_rad_s (finite), got "
            f"final_speed_rad_s={final_speed_rad_s!r}, speed0_rad_s={speed0_rad_s!r}"
        )
    return inertia_kg_m2 * (speed0_rad_s - final_speed_rad_s) / friction_torque_n_m


def viscous_coast_speed_rad_s(
    speed0_rad_s: float,
    viscous_n_m_s_rad: float,
    inertia_kg_m2: float,
    t_s: ArrayLike,
) -> FloatOrArray:
    """Speed during a coast-down against viscous friction only.

    Parameters
    ----------
    speed0_rad_s : float
        Speed at t = 0, rad/s.
    viscous_n_m_s_rad : float
        Viscous friction coefficient B, N m s/rad (>= 0).
    inertia_kg_m2 : float
        Inertia J, kg m² (> 0).
    t_s : float or array_like
        Time since the drive torque was removed, s.

    Returns
    -------
    float or ndarray
        Speed ω(t), rad/s.

    Notes
    -----
    J dω/dt = -B ω gives

    .. math:: ω(t) = ω_0 e^{-B t / J}

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*.
    """
    _positive("inertia_kg_m2", inertia_kg_m2)
    if not (math.isfinite(viscous_n_m_s_rad) and viscous_n_m_s_rad >= 0.0):
        raise ValueError(f"viscous_n_m_s_rad must be finite and >= 0, got {viscous_n_m_s_rad!r}")
    t = np.asarray(t_s, dtype=float)
    return _as_output(speed0_rad_s * np.exp(-viscous_n_m_s_rad * t / inertia_kg_m2))


def quadratic_coast_speed_rad_s(
    speed0_rad_s: float,
    c_n_m_s2: float,
    inertia_kg_m2: float,
    t_s: ArrayLike,
) -> FloatOrArray:
    """Speed during a coast-down against a quadratic (fan-type) load only.

    Parameters
    ----------
    speed0_rad_s : float
        Speed at t = 0, rad/s (>= 0).
    c_n_m_s2 : float
        Coefficient c of T_L = c ω², N m s²/rad² (>= 0).
    inertia_kg_m2 : float
        Inertia J, kg m² (> 0).
    t_s : float or array_like
        Time since the drive torque was removed, s (>= 0).

    Returns
    -------
    float or ndarray
        Speed ω(t), rad/s.

    Notes
    -----
    J dω/dt = -c ω² gives

    .. math:: ω(t) = \\frac{ω_0}{1 + c ω_0 t / J}

    which never reaches zero: a real machine stops because of a friction floor on top.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*.
    """
    _positive("inertia_kg_m2", inertia_kg_m2)
    if not (math.isfinite(c_n_m_s2) and c_n_m_s2 >= 0.0):
        raise ValueError(f"c_n_m_s2 must be finite and >= 0, got {c_n_m_s2!r}")
    if not (math.isfinite(speed0_rad_s) and speed0_rad_s >= 0.0):
        raise ValueError(f"speed0_rad_s must be finite and >= 0, got {speed0_rad_s!r}")
    t = np.asarray(t_s, dtype=float)
    return _as_output(speed0_rad_s / (1.0 + c_n_m_s2 * speed0_rad_s * t / inertia_kg_m2))


def torsional_frequency_hz(
    stiffness_n_m_rad: float, inertia1_kg_m2: float, inertia2_kg_m2: float
) -> float:
    """Undamped natural frequency of a two-mass torsional system.

    Parameters
    ----------
    stiffness_n_m_rad : float
        Torsional stiffness of the shaft or coupling k, N m/rad (> 0).
    inertia1_kg_m2 : float
        Inertia of the first mass (e.g. the motor rotor) J_1, kg m² (> 0).
    inertia2_kg_m2 : float
        Inertia of the second mass (e.g. the load) J_2, kg m² (> 0).

    Returns
    -------
    float
        Natural frequency f_t, Hz.

    Notes
    -----
    The free-free system J_1 θ_1'' = -k (θ_1 - θ_2), J_2 θ_2'' = k (θ_1 - θ_2) has one rigid-body
    mode and one torsional mode at

    .. math:: f_t = \\frac{1}{2π} \\sqrt{\\frac{k (J_1 + J_2)}{J_1 J_2}}

    e.g. J_1 = 0.05 kg m², J_2 = 0.5 kg m², k = 5 kN m/rad gives 52.8 Hz.

    References
    ----------
    .. [1] Krause, Wasynczuk & Sudhoff, *Analysis of Electric Machinery and Drive Systems*.
    """
    _positive("stiffness_n_m_rad", stiffness_n_m_rad)
    _positive("inertia1_kg_m2", inertia1_kg_m2)
    _positive("inertia2_kg_m2", inertia2_kg_m2)
    j1, j2 = inertia1_kg_m2, inertia2_kg_m2
    return math.sqrt(stiffness_n_m_rad * (j1 + j2) / (j1 * j2)) / (2.0 * math.pi)


def bearing_friction_torque_n_m(
    friction_coefficient: ArrayLike, radial_load_n: ArrayLike, bore_diameter_m: float
) -> FloatOrArray:
    """Friction torque of a rolling bearing, constant-coefficient estimate.

    Parameters
    ----------
    friction_coefficient : float or array_like
        Constant friction coefficient μ (0.0015 for deep-groove ball bearings; it rises
        10-100 times when the lubricant is lost).
    radial_load_n : float or array_like
        Bearing load F, N (>= 0).
    bore_diameter_m : float
        Bearing bore diameter d, m (> 0).

    Returns
    -------
    float or ndarray
        Frictional moment M, N m.

    Notes
    -----
    .. math:: M = 0.5\\, μ F d

    A 6205 (d = 25 mm) at 1 kN with μ = 0.0015 gives 0.019 N m, i.e. about 3 W at 1500 rpm.
    The estimate holds for normal operating conditions (moderate speed, good lubrication,
    P ≈ 0.1 C); the Palmgren model M = M_0 + M_1 separates the load- and speed-dependent parts.

    References
    ----------
    .. [1] SKF rolling bearings catalogue, "Estimating the frictional moment".
    .. [2] Harris & Kotzalas, *Rolling Bearing Analysis* (Palmgren friction model).
    """
    _positive("bore_diameter_m", bore_diameter_m)
    mu = np.asarray(friction_coefficient, dtype=float)
    load = np.asarray(radial_load_n, dtype=float)
    if np.any(mu < 0.0) or np.any(load < 0.0):
        raise ValueError("friction_coefficient and radial_load_n must be >= 0")
    return _as_output(0.5 * mu * load * bore_diameter_m)
