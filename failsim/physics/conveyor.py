"""Belt conveyors: motion resistance, drive-pulley friction (capstan), belt dynamics.

Motion resistance follows the "C-f" method of DIN 22101 and ISO 5048 (the same form as CEMA's
with other symbols): the main resistance of the idlers and belt is proportional to the moving
mass, the secondary resistances concentrated at the ends (loading, pulleys, cleaners) are
covered by a length-dependent coefficient C, the lift is charged by its potential energy, and
special resistances (skirts, ploughs, trippers) are added by hand::

    F_U = C f L g [q_RO + q_RU + (2 q_B + q_G) cos δ] + q_G H g + F_S

The drive pulley transmits F_U = T_1 - T_2 by friction, limited by the Euler-Eytelwein
(capstan) relation T_1 <= T_2 e^{μθ}. Beyond that limit the belt slips on the pulley; the
lumped model uses a regularised, Stribeck-shaped friction law so that slip and stick-slip
emerge from the dynamics.

Masses per metre: q_RO and q_RU are the rotating idler masses of the carry and return strands
per metre of conveyor, q_B the belt mass per metre of belt, q_G the load per metre. All in kg/m.

References
----------
.. [1] DIN 22101:2011, Continuous conveyors - Belt conveyors for loose bulk materials - Basics
   for calculation and dimensioning.
.. [2] ISO 5048:1989, Continuous mechanical handling equipment - Belt conveyors with carrying
   idlers - Calculation of operating power and tensile forces (table of the coefficient C).
.. [3] CEMA, *Belt Conveyors for Bulk Materials*, 7th ed.
.. [4] L. K. Nordell, Z. P. Ciozda, "Transient belt stresses during starting and stopping:
   elastic response simulated by finite element methods", Bulk Solids Handling 4(1), 1984.
.. [5] G. Lodewijks, *Dynamics of Belt Systems*, PhD thesis, TU Delft, 1996.
.. [6] B. Armstrong-Hélouvry, P. Dupont, C. Canudas de Wit, "A survey of models, analysis tools
   and compensation methods for the control of machines with friction", Automatica 30(7),
   1994 (Stribeck friction).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "COEFFICIENT_C_TABLE",
    "STANDARD_GRAVITY_M_S2",
    "acceleration_force_n",
    "belt_friction_coefficient",
    "belt_wave_speed_m_s",
    "capstan_friction_force_n",
    "capstan_ratio",
    "coast_down_time_s",
    "coefficient_c",
    "equivalent_inertia_kg_m2",
    "load_per_metre_kg_m",
    "main_resistance_n",
    "max_stable_step_s",
    "max_transmissible_force_n",
    "min_regularisation_velocity_m_s",
    "min_slack_tension_n",
    "moving_mass_kg",
    "pulley_torque_n_m",
    "regularised_friction_force_n",
    "segment_stiffness_n_m",
    "slips",
    "slope_resistance_n",
    "starting_factor",
    "total_resistance_n",
    "unit_load_resistance_n",
]

FloatOrArray = float | np.ndarray

#: Standard acceleration of gravity, m/s² (DIN 22101 hand calculations round it to 9.81).
STANDARD_GRAVITY_M_S2 = 9.80665

#: Coefficient C of the secondary resistances against conveyor length, (L in m, C), as
#: tabulated in ISO 5048:1989 and used by DIN 22101 for L >= 80 m.
COEFFICIENT_C_TABLE: tuple[tuple[float, float], ...] = (
    (80.0, 1.92),
    (100.0, 1.78),
    (150.0, 1.58),
    (200.0, 1.45),
    (300.0, 1.31),
    (400.0, 1.25),
    (500.0, 1.20),
    (600.0, 1.17),
    (700.0, 1.14),
    (800.0, 1.12),
    (900.0, 1.10),
    (1000.0, 1.09),
    (1500.0, 1.06),
    (2000.0, 1.05),
    (2500.0, 1.04),
    (5000.0, 1.03),
)


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


def _positive_array(name: str, value: ArrayLike) -> np.ndarray:
    x = _finite_array(name, value)
    if np.any(x <= 0.0):
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return x


# --- Resistance to motion (DIN 22101 / ISO 5048 / CEMA) ------------------------------------


def load_per_metre_kg_m(throughput_t_h: ArrayLike, belt_speed_m_s: ArrayLike) -> FloatOrArray:
    """Mass of conveyed material per metre of belt.

    Parameters
    ----------
    throughput_t_h : float or array_like
        Mass flow Q, t/h (>= 0).
    belt_speed_m_s : float or array_like
        Belt speed v, m/s (> 0).

    Returns
    -------
    float or ndarray
        q_G, kg/m.

    Notes
    -----
    Q in t/h is Q / 3.6 kg/s; spread over v metres of belt per second:

    .. math:: q_G = \\frac{Q}{3.6 \\, v}

    e.g. 500 t/h at 2.5 m/s gives 55.6 kg/m.

    References
    ----------
    .. [1] DIN 22101; ISO 5048.
    """
    q = _non_negative_array("throughput_t_h", throughput_t_h)
    v = _positive_array("belt_speed_m_s", belt_speed_m_s)
    return _as_output(q / (3.6 * v))


def coefficient_c(length_m: ArrayLike) -> FloatOrArray:
    """Coefficient C of the secondary resistances of a belt conveyor.

    Parameters
    ----------
    length_m : float or array_like
        Conveyor length (centre-to-centre) L, m (>= 80).

    Returns
    -------
    float or ndarray
        C, dimensionless (>= 1).

    Notes
    -----
    The secondary resistances F_N (material acceleration at loading, friction on chute walls,
    pulley bearings and belt bending at the pulleys) hardly depend on the conveyor's length,
    so their ratio to the main resistance falls with length: C = (F_H + F_N) / F_H. The values
    are those of ISO 5048:1989 (table "Coefficient C"), also used by DIN 22101:

    ====== ==== ====== ==== ====== ==== ====== ====
    L (m)  C    L (m)  C    L (m)  C    L (m)  C
    ====== ==== ====== ==== ====== ==== ====== ====
    80     1.92 300    1.31 700    1.14 1500   1.06
    100    1.78 400    1.25 800    1.12 2000   1.05
    150    1.58 500    1.20 900    1.10 2500   1.04
    200    1.45 600    1.17 1000   1.09 5000   1.03
    ====== ==== ====== ==== ====== ==== ====== ====

    Between table lengths C is interpolated linearly in L; beyond 5000 m it is held at 1.03.
    Below 80 m the method does not apply (DIN 22101 asks for the secondary resistances to be
    computed individually, and unit-handling conveyors are better modelled by
    :func:`unit_load_resistance_n`), so shorter lengths raise ``ValueError``.

    References
    ----------
    .. [1] ISO 5048:1989, clause 4 and its table of C.
    .. [2] DIN 22101:2011.
    """
    length = _finite_array("length_m", length_m)
    if np.any(length < COEFFICIENT_C_TABLE[0][0]):
        raise ValueError(
            f"coefficient_c is tabulated for L >= 80 m, got {length_m!r}; below that, add the "
            "secondary resistances individually (special_n) with C = 1"
        )
    lengths = np.array([row[0] for row in COEFFICIENT_C_TABLE])
    values = np.array([row[1] for row in COEFFICIENT_C_TABLE])
    return _as_output(np.interp(length, lengths, values))


def main_resistance_n(
    coefficient_c: float,
    friction_factor: float,
    length_m: float,
    q_ro_kg_m: float,
    q_ru_kg_m: float,
    q_b_kg_m: float,
    q_g_kg_m: ArrayLike,
    incline_rad: float = 0.0,
    gravity_m_s2: float = STANDARD_GRAVITY_M_S2,
) -> FloatOrArray:
    """Main (idler and belt flexing) resistance, times C for the secondary resistances.

    Parameters
    ----------
    coefficient_c : float
        Coefficient C (>= 1; see :func:`coefficient_c`). C = 1 gives DIN 22101's main
        resistance F_H alone.
    friction_factor : float
        Fictitious friction factor f (>= 0): ≈ 0.02 (0.012 well aligned, warm, long
        conveyors; up to 0.03 for poor alignment, cold or overloaded conveyors).
    length_m : float
        Conveyor length L, m (> 0).
    q_ro_kg_m : float
        Rotating idler mass of the carrying strand per metre q_RO, kg/m (>= 0).
    q_ru_kg_m : float
        Rotating idler mass of the return strand per metre q_RU, kg/m (>= 0).
    q_b_kg_m : float
        Belt mass per metre of belt q_B, kg/m (>= 0).
    q_g_kg_m : float or array_like
        Load per metre q_G, kg/m (>= 0; see :func:`load_per_metre_kg_m`).
    incline_rad : float, optional
        Mean inclination δ, rad (|δ| < π/2).
    gravity_m_s2 : float, optional
        g, m/s².

    Returns
    -------
    float or ndarray
        C F_H = F_H + F_N, N.

    Notes
    -----
    .. math:: C F_H = C f L g [q_{RO} + q_{RU} + (2 q_B + q_G) \\cos δ]

    The belt counts twice (carrying and return strands). The idler masses are not multiplied
    by cos δ: they press on their bearings whatever the slope of the belt.

    References
    ----------
    .. [1] DIN 22101:2011; ISO 5048:1989.
    """
    if not (math.isfinite(coefficient_c) and coefficient_c >= 1.0):
        raise ValueError(f"coefficient_c must be finite and >= 1, got {coefficient_c!r}")
    _non_negative("friction_factor", friction_factor)
    _positive("length_m", length_m)
    for name, value in (("q_ro_kg_m", q_ro_kg_m), ("q_ru_kg_m", q_ru_kg_m), ("q_b_kg_m", q_b_kg_m)):
        _non_negative(name, value)
    if not (math.isfinite(incline_rad) and abs(incline_rad) < 0.5 * math.pi):
        raise ValueError(f"incline_rad must be in (-pi/2, pi/2), got {incline_rad!r}")
    _positive("gravity_m_s2", gravity_m_s2)
    q_g = _non_negative_array("q_g_kg_m", q_g_kg_m)
    masses = q_ro_kg_m + q_ru_kg_m + (2.0 * q_b_kg_m + q_g) * math.cos(incline_rad)
    return _as_output(coefficient_c * friction_factor * length_m * gravity_m_s2 * masses)


def slope_resistance_n(
    q_g_kg_m: ArrayLike, lift_m: ArrayLike, gravity_m_s2: float = STANDARD_GRAVITY_M_S2
) -> FloatOrArray:
    """Resistance of lifting the load.

    Parameters
    ----------
    q_g_kg_m : float or array_like
        Load per metre q_G, kg/m (>= 0).
    lift_m : float or array_like
        Height the load is raised H, m; negative for a downhill conveyor.
    gravity_m_s2 : float, optional
        g, m/s².

    Returns
    -------
    float or ndarray
        F_St = q_G H g, N (negative downhill: the load then drives the belt).

    Notes
    -----
    .. math:: F_{St} = q_G H g

    The belt's own weight cancels between the two strands, so only the load appears.

    References
    ----------
    .. [1] DIN 22101:2011; ISO 5048:1989.
    """
    _positive("gravity_m_s2", gravity_m_s2)
    q_g = _non_negative_array("q_g_kg_m", q_g_kg_m)
    h = _finite_array("lift_m", lift_m)
    return _as_output(q_g * h * gravity_m_s2)


def total_resistance_n(
    coefficient_c: float,
    friction_factor: float,
    length_m: float,
    q_ro_kg_m: float,
    q_ru_kg_m: float,
    q_b_kg_m: float,
    q_g_kg_m: ArrayLike,
    incline_rad: float = 0.0,
    lift_m: float | None = None,
    special_n: ArrayLike = 0.0,
    gravity_m_s2: float = STANDARD_GRAVITY_M_S2,
) -> FloatOrArray:
    """Peripheral force the drive pulley must deliver at steady speed.

    Parameters
    ----------
    coefficient_c, friction_factor, length_m, q_ro_kg_m, q_ru_kg_m, q_b_kg_m, q_g_kg_m, \
incline_rad, gravity_m_s2
        As in :func:`main_resistance_n`.
    lift_m : float, optional
        Lift H, m; ``None`` uses L sin δ (a straight conveyor).
    special_n : float or array_like, optional
        Special resistances F_S (skirtboards, ploughs, trippers, cleaners beyond those in C),
        N.

    Returns
    -------
    float or ndarray
        F_U, N.

    Notes
    -----
    .. math::

        F_U = C f L g [q_{RO} + q_{RU} + (2 q_B + q_G) \\cos δ] + q_G H g + F_S

    References
    ----------
    .. [1] DIN 22101:2011; ISO 5048:1989; CEMA, *Belt Conveyors for Bulk Materials*.
    """
    lift = length_m * math.sin(incline_rad) if lift_m is None else lift_m
    main = main_resistance_n(
        coefficient_c,
        friction_factor,
        length_m,
        q_ro_kg_m,
        q_ru_kg_m,
        q_b_kg_m,
        q_g_kg_m,
        incline_rad,
        gravity_m_s2,
    )
    slope = slope_resistance_n(q_g_kg_m, lift, gravity_m_s2)
    special = _finite_array("special_n", special_n)
    return _as_output(np.asarray(main) + np.asarray(slope) + special)


def unit_load_resistance_n(
    item_masses_kg: ArrayLike,
    friction_coefficient: float,
    incline_rad: float = 0.0,
    gravity_m_s2: float = STANDARD_GRAVITY_M_S2,
) -> float:
    """Resistance of discrete items carried on a slider bed or on rollers.

    Parameters
    ----------
    item_masses_kg : float or array_like
        Masses of the items on the conveyor m_i, kg (>= 0).
    friction_coefficient : float
        μ between belt and bed: ≈ 0.3-0.5 on a slider bed, ≈ 0.02-0.05 on rollers (>= 0).
    incline_rad : float, optional
        Inclination δ, rad (|δ| < π/2).
    gravity_m_s2 : float, optional
        g, m/s².

    Returns
    -------
    float
        F, N.

    Notes
    -----
    .. math:: F = \\sum_i m_i g (μ \\cos δ + \\sin δ)

    On a horizontal conveyor this is Σ μ m_i g. The belt's own friction on the bed (its weight
    times μ) is not included: add it as an item of the belt's mass on the carrying side.

    References
    ----------
    .. [1] CEMA, *Belt Conveyors for Bulk Materials* (slider-bed conveyors).
    """
    _non_negative("friction_coefficient", friction_coefficient)
    if not (math.isfinite(incline_rad) and abs(incline_rad) < 0.5 * math.pi):
        raise ValueError(f"incline_rad must be in (-pi/2, pi/2), got {incline_rad!r}")
    _positive("gravity_m_s2", gravity_m_s2)
    masses = _non_negative_array("item_masses_kg", item_masses_kg)
    factor = friction_coefficient * math.cos(incline_rad) + math.sin(incline_rad)
    return float(np.sum(masses) * gravity_m_s2 * factor)


# --- Drive pulley: Euler-Eytelwein (capstan) -----------------------------------------------


def _mu_wrap(mu: ArrayLike, wrap_rad: ArrayLike) -> np.ndarray:
    m = _non_negative_array("mu", mu)
    w = _non_negative_array("wrap_rad", wrap_rad)
    return m * w


def capstan_ratio(mu: ArrayLike, wrap_rad: ArrayLike) -> FloatOrArray:
    """Largest tension ratio a belt can hold on a pulley without gross slip.

    Parameters
    ----------
    mu : float or array_like
        Belt-pulley friction coefficient μ (>= 0): bare steel 0.25 (0.1-0.2 wet), rubber
        lagging 0.35, ceramic lagging 0.4-0.5.
    wrap_rad : float or array_like
        Wrap (arc of contact) θ, rad (>= 0).

    Returns
    -------
    float or ndarray
        e^{μθ}, dimensionless.

    Notes
    -----
    A belt element on the pulley in limiting friction obeys dT = μ T dθ (centrifugal force
    neglected), which integrates to the Euler-Eytelwein relation

    .. math:: T_1 / T_2 \\le e^{μθ}

    e.g. 2.19 (μ = 0.25, 180°), 3.00 (0.35, 180°), 3.61 (0.35, 210°). At belt speed v the
    centrifugal tension q_B v² is subtracted from both tensions; at conveyor speeds it is small.

    References
    ----------
    .. [1] DIN 22101:2011 (transmission of the peripheral force).
    """
    return _as_output(np.exp(_mu_wrap(mu, wrap_rad)))


def max_transmissible_force_n(
    slack_tension_n: ArrayLike, mu: ArrayLike, wrap_rad: ArrayLike
) -> FloatOrArray:
    """Largest peripheral force the pulley can transmit at a given slack-side tension.

    Parameters
    ----------
    slack_tension_n : float or array_like
        Slack-side tension T_2, N.
    mu : float or array_like
        Friction coefficient μ (>= 0).
    wrap_rad : float or array_like
        Wrap θ, rad (>= 0).

    Returns
    -------
    float or ndarray
        F_max = T_2 (e^{μθ} - 1), N.

    Notes
    -----
    From T_1 - T_2 <= T_2 e^{μθ} - T_2. Beyond it the transmitted force saturates (gross slip).

    References
    ----------
    .. [1] DIN 22101:2011.
    """
    t2 = _finite_array("slack_tension_n", slack_tension_n)
    return _as_output(t2 * np.expm1(_mu_wrap(mu, wrap_rad)))


def min_slack_tension_n(
    effective_force_n: ArrayLike,
    mu: ArrayLike,
    wrap_rad: ArrayLike,
    safety_factor: float = 1.0,
) -> FloatOrArray:
    """Smallest slack-side tension at which the pulley transmits a force without slip.

    Parameters
    ----------
    effective_force_n : float or array_like
        Peripheral force to transmit F_U = T_1 - T_2, N (its magnitude is used).
    mu : float or array_like
        Friction coefficient μ (> 0).
    wrap_rad : float or array_like
        Wrap θ, rad (> 0).
    safety_factor : float, optional
        Factor on F_U (>= 1), e.g. the start-up factor 1.3-1.5 of DIN 22101 so the belt does
        not slip while accelerating.

    Returns
    -------
    float or ndarray
        T_2,min, N.

    Notes
    -----
    .. math:: T_{2,min} = \\frac{k F_U}{e^{μθ} - 1}

    With k = 1, T_1 = T_2,min + F_U and T_1 / T_2,min = e^{μθ} exactly: the limit of
    :func:`slips`. The take-up must hold the slack side at least this tight.

    References
    ----------
    .. [1] DIN 22101:2011.
    """
    if not (math.isfinite(safety_factor) and safety_factor >= 1.0):
        raise ValueError(f"safety_factor must be finite and >= 1, got {safety_factor!r}")
    mu_theta = _mu_wrap(mu, wrap_rad)
    if np.any(mu_theta <= 0.0):
        raise ValueError("mu * wrap_rad must be > 0: a pulley without friction cannot drive")
    f = np.abs(_finite_array("effective_force_n", effective_force_n))
    return _as_output(safety_factor * f / np.expm1(mu_theta))


def pulley_torque_n_m(t1_n: ArrayLike, t2_n: ArrayLike, radius_m: float) -> FloatOrArray:
    """Torque on the drive pulley from the belt tensions.

    Parameters
    ----------
    t1_n : float or array_like
        Tension of the belt running onto the pulley (tight side when driving) T_1, N.
    t2_n : float or array_like
        Tension of the belt leaving the pulley (slack side when driving) T_2, N.
    radius_m : float
        Pulley radius (to the belt's neutral axis) R, m (> 0).

    Returns
    -------
    float or ndarray
        T = (T_1 - T_2) R, N m: the torque the drive must supply (negative when the belt drives
        the pulley, e.g. a downhill conveyor).

    Notes
    -----
    .. math:: T_{pulley} = (T_1 - T_2) R = F_U R

    References
    ----------
    .. [1] DIN 22101:2011.
    """
    _positive("radius_m", radius_m)
    t1 = _finite_array("t1_n", t1_n)
    t2 = _finite_array("t2_n", t2_n)
    return _as_output((t1 - t2) * radius_m)


def slips(
    t1_n: ArrayLike, t2_n: ArrayLike, mu: ArrayLike, wrap_rad: ArrayLike
) -> bool | np.ndarray:
    """Whether the belt slips on the pulley (the capstan limit is exceeded).

    Parameters
    ----------
    t1_n, t2_n : float or array_like
        Tensions on the two sides of the pulley, N. Either may be the tight side: a
        regenerating (downhill or braking) drive has its tight side on the other strand.
    mu : float or array_like
        Friction coefficient μ (>= 0).
    wrap_rad : float or array_like
        Wrap θ, rad (>= 0).

    Returns
    -------
    bool or ndarray of bool
        True where max(T_1, T_2) > min(T_1, T_2) e^{μθ}.

    Notes
    -----
    No gross slip while T_tight <= T_slack e^{μθ}; exactly at the limit the belt still grips.
    A slack side at zero or negative tension (a belt cannot push) grips nothing, so any
    positive tight-side tension slips; two zero tensions transmit nothing and do not slip.

    References
    ----------
    .. [1] DIN 22101:2011.
    """
    t1 = _finite_array("t1_n", t1_n)
    t2 = _finite_array("t2_n", t2_n)
    ratio = np.exp(_mu_wrap(mu, wrap_rad))
    result = np.maximum(t1, t2) > np.minimum(t1, t2) * ratio
    return bool(result) if result.ndim == 0 else result


# --- Belt-pulley friction law ----------------------------------------------------------------


def belt_friction_coefficient(
    v_rel_m_s: ArrayLike,
    mu_static: float,
    mu_kinetic: float,
    stribeck_velocity_m_s: float,
) -> FloatOrArray:
    """Friction coefficient of the belt on the pulley as a function of slip speed (Stribeck).

    Parameters
    ----------
    v_rel_m_s : float or array_like
        Slip speed between pulley surface and belt v_rel, m/s (its magnitude is used).
    mu_static : float
        Static (breakaway) coefficient μ_s (>= μ_k).
    mu_kinetic : float
        Kinetic (sliding) coefficient μ_k (>= 0).
    stribeck_velocity_m_s : float
        Stribeck velocity v_s, m/s (> 0): the slip speed over which μ falls from μ_s towards
        μ_k (≈ 0.01-0.1 m/s).

    Returns
    -------
    float or ndarray
        μ(v_rel), dimensionless.

    Notes
    -----
    .. math:: μ(v) = μ_k + (μ_s - μ_k) e^{-|v| / v_s}

    The falling branch (dμ/d|v| < 0) is a negative damping: with μ_s > μ_k a stuck belt that
    breaks loose accelerates its slip, which is the mechanism of stick-slip.

    References
    ----------
    .. [1] Armstrong-Hélouvry, Dupont & Canudas de Wit, Automatica 30(7), 1994.
    """
    _non_negative("mu_kinetic", mu_kinetic)
    if not (math.isfinite(mu_static) and mu_static >= mu_kinetic):
        raise ValueError(f"mu_static must be finite and >= mu_kinetic, got {mu_static!r}")
    _positive("stribeck_velocity_m_s", stribeck_velocity_m_s)
    v = np.abs(_finite_array("v_rel_m_s", v_rel_m_s))
    return _as_output(mu_kinetic + (mu_static - mu_kinetic) * np.exp(-v / stribeck_velocity_m_s))


def regularised_friction_force_n(
    v_rel_m_s: ArrayLike, max_force_n: ArrayLike, v_eps_m_s: float
) -> FloatOrArray:
    """Coulomb friction force smoothed through zero slip speed.

    Parameters
    ----------
    v_rel_m_s : float or array_like
        Slip speed v_rel, m/s. The force acts in its direction (on the body that the other
        body's surface drags; with v_rel = v_pulley_surface - v_belt, it is the force on the
        belt).
    max_force_n : float or array_like
        Sliding (saturation) force F_max, N (>= 0).
    v_eps_m_s : float
        Regularisation velocity v_ε, m/s (> 0).

    Returns
    -------
    float or ndarray
        F = F_max tanh(v_rel / v_ε), N.

    Notes
    -----
    .. math:: F = F_{max} \\tanh(v_{rel} / v_ε)

    The set-valued Coulomb law (any force up to F_max at v_rel = 0) is replaced by a steep,
    smooth one: "stick" becomes a creep at v = v_ε artanh(F / F_max), which is small if v_ε is.

    **Choosing v_ε for an explicit step.** Near v_rel = 0 the law is a viscous damper of
    coefficient c = F_max / v_ε between the two bodies, so the slip speed decays as
    dv_rel/dt = -(c / m_r) v_rel with the reduced mass m_r = m_1 m_2 / (m_1 + m_2) (for the
    drive pulley: m_1 = J_drive / R², everything on the drive side referred to the pulley
    surface; m_2 = the belt mass coupled to it). An explicit step h is stable only if
    h c / m_r <= λ_max, with λ_max = 2 for forward Euler and ≈ 2.785 for classical RK4 on the
    real axis, so

    .. math:: v_ε \\ge \\frac{F_{max} h}{λ_{max} m_r}

    (:func:`min_regularisation_velocity_m_s`). Take v_ε a few times this bound, and well below
    the Stribeck velocity (and the creep one wants to resolve, ≈ 1 % of belt speed at most),
    or use a smaller step. Too small a v_ε makes the slip speed chatter around zero.

    References
    ----------
    .. [1] Armstrong-Hélouvry, Dupont & Canudas de Wit, Automatica 30(7), 1994.
    """
    _positive("v_eps_m_s", v_eps_m_s)
    v = _finite_array("v_rel_m_s", v_rel_m_s)
    f_max = _non_negative_array("max_force_n", max_force_n)
    return _as_output(f_max * np.tanh(v / v_eps_m_s))


def min_regularisation_velocity_m_s(
    max_force_n: float,
    reduced_mass_kg: float,
    time_step_s: float,
    stability_limit: float = 2.0,
) -> float:
    """Smallest regularisation velocity v_ε for which an explicit step stays stable at stick.

    Parameters
    ----------
    max_force_n : float
        Saturation force F_max of :func:`regularised_friction_force_n`, N (>= 0).
    reduced_mass_kg : float
        Reduced mass of the two bodies in contact m_r = m_1 m_2 / (m_1 + m_2), kg (> 0).
    time_step_s : float
        Integration step h, s (> 0).
    stability_limit : float, optional
        λ_max of the method on the negative real axis: 2 for forward Euler (default),
        ≈ 2.785 for classical RK4.

    Returns
    -------
    float
        v_ε,min = F_max h / (λ_max m_r), m/s.

    Notes
    -----
    See :func:`regularised_friction_force_n`: the linearised damping F_max / v_ε must satisfy
    h F_max / (v_ε m_r) <= λ_max.

    References
    ----------
    .. [1] E. Hairer, G. Wanner, *Solving Ordinary Differential Equations II*, Springer
       (stability regions of explicit methods).
    """
    _non_negative("max_force_n", max_force_n)
    _positive("reduced_mass_kg", reduced_mass_kg)
    _positive("time_step_s", time_step_s)
    _positive("stability_limit", stability_limit)
    return max_force_n * time_step_s / (stability_limit * reduced_mass_kg)


def capstan_friction_force_n(
    v_rel_m_s: ArrayLike,
    slack_tension_n: ArrayLike,
    wrap_rad: float,
    mu_static: float,
    mu_kinetic: float,
    stribeck_velocity_m_s: float,
    v_eps_m_s: float,
) -> FloatOrArray:
    """Force the drive pulley transmits to the belt: capstan limit with Stribeck friction.

    Parameters
    ----------
    v_rel_m_s : float or array_like
        Slip speed v_rel = v_pulley_surface - v_belt, m/s.
    slack_tension_n : float or array_like
        Slack-side tension T_2, N (the lower of the two; <= 0 grips nothing).
    wrap_rad : float
        Wrap θ, rad (>= 0).
    mu_static, mu_kinetic, stribeck_velocity_m_s : float
        As in :func:`belt_friction_coefficient`.
    v_eps_m_s : float
        Regularisation velocity v_ε, m/s (> 0; see :func:`regularised_friction_force_n`).

    Returns
    -------
    float or ndarray
        Force on the belt in the direction of v_rel, N (the pulley feels -F at radius R).

    Notes
    -----
    The capstan limit with a slip-dependent coefficient, smoothed through zero slip:

    .. math::

        F = T_2 \\left(e^{μ(v_{rel}) θ} - 1\\right) \\tanh(v_{rel} / v_ε), \\qquad
        μ(v) = μ_k + (μ_s - μ_k) e^{-|v| / v_s}

    At small slip the force follows the demand by creep; at large slip it falls to the kinetic
    capstan force T_2 (e^{μ_k θ} - 1). Choose v_ε well below v_s so the static peak is reached.
    A negative T_2 is treated as 0.

    References
    ----------
    .. [1] DIN 22101:2011; Armstrong-Hélouvry, Dupont & Canudas de Wit, Automatica 30(7), 1994.
    """
    _non_negative("wrap_rad", wrap_rad)
    mu = np.asarray(
        belt_friction_coefficient(v_rel_m_s, mu_static, mu_kinetic, stribeck_velocity_m_s)
    )
    t2 = np.maximum(_finite_array("slack_tension_n", slack_tension_n), 0.0)
    f_max = t2 * np.expm1(mu * wrap_rad)
    return regularised_friction_force_n(v_rel_m_s, f_max, v_eps_m_s)


# --- Belt dynamics --------------------------------------------------------------------------


def belt_wave_speed_m_s(modulus_n: ArrayLike, mass_per_m_kg_m: ArrayLike) -> FloatOrArray:
    """Speed of longitudinal (tension) waves along the belt.

    Parameters
    ----------
    modulus_n : float or array_like
        Belt modulus E_b (longitudinal stiffness of the whole belt width: force per unit
        strain), N (> 0).
    mass_per_m_kg_m : float or array_like
        Mass per metre moving with the belt ρ_l (belt, load, reduced idler mass), kg/m (> 0).

    Returns
    -------
    float or ndarray
        c = √(E_b / ρ_l), m/s.

    Notes
    -----
    The one-dimensional wave equation ρ_l ∂²u/∂t² = E_b ∂²u/∂x² gives

    .. math:: c = \\sqrt{E_b / ρ_l}

    ≈ 1-3 km/s for steel-cord belts, less for fabric belts: e.g. E_b = 100 MN and 25 kg/m give
    2 km/s. A start or stop disturbance needs L / c to reach the tail.

    References
    ----------
    .. [1] Nordell & Ciozda, Bulk Solids Handling 4(1), 1984; Lodewijks, 1996.
    """
    e = _positive_array("modulus_n", modulus_n)
    rho = _positive_array("mass_per_m_kg_m", mass_per_m_kg_m)
    return _as_output(np.sqrt(e / rho))


def segment_stiffness_n_m(modulus_n: ArrayLike, segment_length_m: ArrayLike) -> FloatOrArray:
    """Stiffness of one Kelvin-Voigt belt segment.

    Parameters
    ----------
    modulus_n : float or array_like
        Belt modulus E_b, N (> 0).
    segment_length_m : float or array_like
        Unstretched segment length l_i, m (> 0).

    Returns
    -------
    float or ndarray
        k_i = E_b / l_i, N/m.

    Notes
    -----
    A segment stretched by Δl carries F = E_b Δl / l_i.

    References
    ----------
    .. [1] Nordell & Ciozda, 1984; Lodewijks, 1996.
    """
    e = _positive_array("modulus_n", modulus_n)
    length = _positive_array("segment_length_m", segment_length_m)
    return _as_output(e / length)


def max_stable_step_s(
    segment_stiffness_n_m: float, segment_mass_kg: float, stability_limit: float = 2.0
) -> float:
    """Largest explicit step for a chain of belt segments (undamped estimate).

    Parameters
    ----------
    segment_stiffness_n_m : float
        Segment stiffness k = E_b / l, N/m (> 0).
    segment_mass_kg : float
        Mass of one node m, kg (> 0).
    stability_limit : float, optional
        Stability bound of the method on the imaginary axis, h ω_max <= λ: 2 for central
        differences / symplectic Euler (default), 2√2 ≈ 2.83 for classical RK4.

    Returns
    -------
    float
        h_max = λ / ω_max, s.

    Notes
    -----
    The highest mode of a uniform mass-spring chain has ω_max = 2√(k/m), so

    .. math:: h < \\frac{2}{ω_{max}} = \\sqrt{m / k}

    for central differences: the step must be shorter than the time a wave needs to cross one
    segment, l / c. Damping c_i lowers the bound somewhat.

    References
    ----------
    .. [1] Lodewijks, *Dynamics of Belt Systems*, 1996.
    """
    _positive("segment_stiffness_n_m", segment_stiffness_n_m)
    _positive("segment_mass_kg", segment_mass_kg)
    _positive("stability_limit", stability_limit)
    omega_max = 2.0 * math.sqrt(segment_stiffness_n_m / segment_mass_kg)
    return stability_limit / omega_max


def moving_mass_kg(
    length_m: float,
    q_ro_kg_m: float,
    q_ru_kg_m: float,
    q_b_kg_m: float,
    q_g_kg_m: ArrayLike,
) -> FloatOrArray:
    """Mass that moves with the belt (translational equivalent).

    Parameters
    ----------
    length_m : float
        Conveyor length L, m (> 0).
    q_ro_kg_m, q_ru_kg_m : float
        Rotating idler masses per metre, carrying and return, kg/m (>= 0).
    q_b_kg_m : float
        Belt mass per metre q_B, kg/m (>= 0).
    q_g_kg_m : float or array_like
        Load per metre q_G, kg/m (>= 0).

    Returns
    -------
    float or ndarray
        m = L (q_RO + q_RU + 2 q_B + q_G), kg.

    Notes
    -----
    .. math:: m = L (q_{RO} + q_{RU} + 2 q_B + q_G)

    The idler rolls rotate: their translational equivalent is J_roll / r², which equals their
    mass for a thin-walled tube and is a little less for real rolls (whose shaft stands
    still); DIN 22101's q_R is used here as is. Pulleys and the drive are added through
    :func:`equivalent_inertia_kg_m2`.

    References
    ----------
    .. [1] DIN 22101:2011 (masses in motion for start-up and stopping).
    """
    _positive("length_m", length_m)
    for name, value in (("q_ro_kg_m", q_ro_kg_m), ("q_ru_kg_m", q_ru_kg_m), ("q_b_kg_m", q_b_kg_m)):
        _non_negative(name, value)
    q_g = _non_negative_array("q_g_kg_m", q_g_kg_m)
    return _as_output(length_m * (q_ro_kg_m + q_ru_kg_m + 2.0 * q_b_kg_m + q_g))


def equivalent_inertia_kg_m2(
    moving_mass_kg: ArrayLike,
    pulley_radius_m: float,
    gear_ratio: float = 1.0,
    motor_inertia_kg_m2: float = 0.0,
    pulley_inertia_kg_m2: float = 0.0,
) -> FloatOrArray:
    """Inertia of the whole conveyor referred to the motor shaft.

    Parameters
    ----------
    moving_mass_kg : float or array_like
        Translating mass m (see :func:`moving_mass_kg`), kg (>= 0).
    pulley_radius_m : float
        Drive pulley radius R, m (> 0).
    gear_ratio : float, optional
        i = ω_motor / ω_pulley (> 0).
    motor_inertia_kg_m2 : float, optional
        Inertia on the motor shaft (rotor, coupling, brake disc, gearbox input), kg m² (>= 0).
    pulley_inertia_kg_m2 : float, optional
        Inertia of all pulleys referred to the drive pulley shaft Σ J_p (R / R_p)², kg m² (>= 0).

    Returns
    -------
    float or ndarray
        J_total, kg m².

    Notes
    -----
    Equal kinetic energy, with v = ω_pulley R and ω_motor = i ω_pulley:

    .. math:: J_{total} = J_{motor} + \\frac{J_{pulley} + m R^2}{i^2}

    References
    ----------
    .. [1] DIN 22101:2011; Leonhard, *Control of Electrical Drives* (reduction through gears).
    """
    _positive("pulley_radius_m", pulley_radius_m)
    _positive("gear_ratio", gear_ratio)
    _non_negative("motor_inertia_kg_m2", motor_inertia_kg_m2)
    _non_negative("pulley_inertia_kg_m2", pulley_inertia_kg_m2)
    m = _non_negative_array("moving_mass_kg", moving_mass_kg)
    load_side = pulley_inertia_kg_m2 + m * pulley_radius_m**2
    return _as_output(motor_inertia_kg_m2 + load_side / gear_ratio**2)


def coast_down_time_s(
    belt_speed_m_s: float,
    resistance_n: float,
    moving_mass_kg: float,
    pulley_radius_m: float,
    gear_ratio: float = 1.0,
    motor_inertia_kg_m2: float = 0.0,
    pulley_inertia_kg_m2: float = 0.0,
) -> float:
    """Time a conveyor takes to stop when the drive torque is removed (constant resistance).

    Parameters
    ----------
    belt_speed_m_s : float
        Belt speed when the drive is switched off v_0, m/s (>= 0).
    resistance_n : float
        Constant resistance to motion F_U at the belt, N (> 0; gear and motor friction
        included, referred to the belt).
    moving_mass_kg : float
        Translating mass m, kg (>= 0).
    pulley_radius_m : float
        Drive pulley radius R, m (> 0).
    gear_ratio : float, optional
        i = ω_motor / ω_pulley (> 0).
    motor_inertia_kg_m2 : float, optional
        Inertia on the motor shaft, kg m² (>= 0).
    pulley_inertia_kg_m2 : float, optional
        Pulley inertias referred to the drive pulley shaft, kg m² (>= 0).

    Returns
    -------
    float
        t_stop, s.

    Notes
    -----
    On the motor shaft, J_total dω/dt = -T_res with T_res = F_U R / i and ω_0 = i v_0 / R:

    .. math::

        t_{stop} = \\frac{J_{total} ω_0}{T_{res}}
        = \\frac{\\left(m + J_{pulley}/R^2 + J_{motor} i^2 / R^2\\right) v_0}{F_U}

    The DIN resistance does not depend on speed, so the deceleration is constant (loaded
    conveyors stop in 1-10 s). A downhill conveyor whose resistance is negative runs away
    instead: it needs a brake. The lumped model ignores the belt's elasticity: the tail keeps
    moving for L / c after the head stops decelerating.

    References
    ----------
    .. [1] DIN 22101:2011 (stopping); IEC 60204-1 (stop category 0).
    """
    _non_negative("belt_speed_m_s", belt_speed_m_s)
    if not (math.isfinite(resistance_n) and resistance_n > 0.0):
        raise ValueError(
            f"resistance_n must be finite and > 0 (a conveyor with a negative resistance runs "
            f"away and needs a brake), got {resistance_n!r}"
        )
    j_total = float(
        equivalent_inertia_kg_m2(
            moving_mass_kg, pulley_radius_m, gear_ratio, motor_inertia_kg_m2, pulley_inertia_kg_m2
        )
    )
    omega0 = gear_ratio * belt_speed_m_s / pulley_radius_m
    torque = resistance_n * pulley_radius_m / gear_ratio
    return j_total * omega0 / torque


def acceleration_force_n(moving_mass_kg: ArrayLike, acceleration_m_s2: ArrayLike) -> FloatOrArray:
    """Force needed to accelerate the moving masses of the conveyor.

    Parameters
    ----------
    moving_mass_kg : float or array_like
        Translating mass m (including referred rotating inertias), kg (>= 0).
    acceleration_m_s2 : float or array_like
        Belt acceleration a, m/s².

    Returns
    -------
    float or ndarray
        F_a = m a, N.

    Notes
    -----
    The dynamic tension of a rigid-belt start; a ramped start keeps it within the start
    factor (:func:`starting_factor`).

    References
    ----------
    .. [1] DIN 22101:2011 (start-up).
    """
    m = _non_negative_array("moving_mass_kg", moving_mass_kg)
    a = _finite_array("acceleration_m_s2", acceleration_m_s2)
    return _as_output(m * a)


def starting_factor(
    resistance_n: ArrayLike, moving_mass_kg: ArrayLike, acceleration_m_s2: ArrayLike
) -> FloatOrArray:
    """Ratio of the peripheral force during start-up to the steady one.

    Parameters
    ----------
    resistance_n : float or array_like
        Steady resistance F_U, N (> 0).
    moving_mass_kg : float or array_like
        Translating mass m, kg (>= 0).
    acceleration_m_s2 : float or array_like
        Belt acceleration a, m/s².

    Returns
    -------
    float or ndarray
        k_A = (F_U + m a) / F_U, dimensionless.

    Notes
    -----
    .. math:: k_A = 1 + \\frac{m a}{F_U}

    Design values are 1.3-1.5; the ramp is chosen so that the start does not exceed it (and
    the drive pulley does not slip: :func:`min_slack_tension_n` with this safety factor).

    References
    ----------
    .. [1] DIN 22101:2011 (start-up factor).
    """
    f = _positive_array("resistance_n", resistance_n)
    return _as_output(1.0 + np.asarray(acceleration_force_n(moving_mass_kg, acceleration_m_s2)) / f)
