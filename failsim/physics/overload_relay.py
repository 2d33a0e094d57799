"""Thermal-replica overload relay with IEC 60947-4-1 trip classes.

The relay integrates the heating effect of the motor current in a first-order "thermal
replica" (IEC 60255-149). Its state is the thermal level θ, 0 when cold and 1 at the trip
threshold::

    τ dθ/dt = (I / I_e)² / k² - θ,   trip when θ >= 1

where I is the rms current, I_e the current setting of the relay (normally the rated motor
current), k the factor that sets the ultimate trip current k I_e, and τ the replica time
constant. At a steady current the level settles at θ = (I / (k I_e))², so currents below k I_e
never trip.

The constants here, k = 1.125 and τ = 28.3 s per unit of trip class, place the trip times at
7.2 I_e from cold near the middle of each IEC 60947-4-1 window (about 7, 14 and 21 s), keep
1.05 I_e from tripping with margin, and trip 1.2 I_e from warm and 1.5 I_e from hot within the
limits of the standard (reference/physics.md section 3).

References
----------
.. [1] IEC 60947-4-1, Low-voltage switchgear and controlgear - Part 4-1: Contactors and
   motor-starters - Electromechanical contactors and motor-starters (trip classes, limits of
   operation of time-delay overload relays).
.. [2] IEC 60255-149, Measuring relays and protection equipment - Part 149: Functional
   requirements for thermal electrical relays (thermal replica).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "DEFAULT_K_FACTOR",
    "TRIP_CLASS_WINDOWS_S",
    "first_trip_time_s",
    "replica_levels",
    "replica_time_constant_s",
    "steady_level",
    "trip_time_s",
]

FloatOrArray = float | np.ndarray

#: Trip-time window (min, max) in s at 7.2 I_e, starting cold, per IEC 60947-4-1 trip class.
TRIP_CLASS_WINDOWS_S: dict[int, tuple[float, float]] = {
    10: (4.0, 10.0),
    20: (6.0, 20.0),
    30: (9.0, 30.0),
}

#: Ultimate trip current as a multiple of the current setting I_e.
DEFAULT_K_FACTOR = 1.125

#: Replica time constant per unit of trip class, s.
_TIME_CONSTANT_PER_CLASS_S = 28.3


def _as_output(x: np.ndarray) -> FloatOrArray:
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def replica_time_constant_s(trip_class: int) -> float:
    """Default thermal-replica time constant for an IEC 60947-4-1 trip class.

    Parameters
    ----------
    trip_class : {10, 20, 30}
        Trip class (maximum trip time in s at 7.2 I_e from cold).

    Returns
    -------
    float
        Time constant τ, s: 283, 566 or 849 s.

    Notes
    -----
    .. math:: τ = 28.3\\,\\mathrm{s} \\times \\mathrm{class}

    From cold at 7.2 I_e with k = 1.125 this gives t = τ ln(x / (x - 1)), x = (7.2/k)² = 40.96,
    i.e. 0.0247 τ: 7.0, 14.0 and 21.0 s, inside each window and away from its edges.

    References
    ----------
    .. [1] IEC 60947-4-1 (trip classes); IEC 60255-149 (thermal replica).
    """
    if trip_class not in TRIP_CLASS_WINDOWS_S:
        allowed = ", ".join(str(c) for c in TRIP_CLASS_WINDOWS_S)
        raise ValueError(f"unknown trip class {trip_class!r}; allowed: {allowed}")
    return _TIME_CONSTANT_PER_CLASS_S * trip_class


def _resolve(
    trip_class: int, k_factor: float, initial_level: float, time_constant_s: float | None
) -> float:
    """Validate the common relay arguments and return the time constant."""
    if not (math.isfinite(k_factor) and k_factor > 0.0):
        raise ValueError(f"k_factor must be finite and > 0, got {k_factor!r}")
    if not (math.isfinite(initial_level) and initial_level >= 0.0):
        raise ValueError(f"initial_level must be finite and >= 0, got {initial_level!r}")
    if time_constant_s is None:
        return replica_time_constant_s(trip_class)
    if not (math.isfinite(time_constant_s) and time_constant_s > 0.0):
        raise ValueError(f"time_constant_s must be finite and > 0, got {time_constant_s!r}")
    return float(time_constant_s)


def steady_level(current_multiple: ArrayLike, k_factor: float = DEFAULT_K_FACTOR) -> FloatOrArray:
    """Thermal level reached at a steady current (the "hot" state at that current).

    Parameters
    ----------
    current_multiple : float or array_like
        Rms current as a multiple of the current setting, m = I / I_e.
    k_factor : float, optional
        Ultimate trip current as a multiple of I_e.

    Returns
    -------
    float or ndarray
        θ_∞ = m² / k², dimensionless (the relay trips eventually if it exceeds 1).

    Notes
    -----
    .. math:: θ_\\infty = \\left(\\frac{I}{k I_e}\\right)^2

    "Warm" or "hot" in IEC 60947-4-1 means the relay has carried I_e until steady, i.e.
    θ_0 = 1 / k².

    References
    ----------
    .. [1] IEC 60255-149, thermal electrical relays.
    """
    if not (math.isfinite(k_factor) and k_factor > 0.0):
        raise ValueError(f"k_factor must be finite and > 0, got {k_factor!r}")
    m = np.asarray(current_multiple, dtype=float)
    return _as_output(m**2 / k_factor**2)


def trip_time_s(
    current_multiple: ArrayLike,
    trip_class: int = 10,
    k_factor: float = DEFAULT_K_FACTOR,
    initial_level: float = 0.0,
    time_constant_s: float | None = None,
) -> FloatOrArray:
    """Trip time of the thermal replica at a constant current.

    Parameters
    ----------
    current_multiple : float or array_like
        Constant rms current as a multiple of the current setting, m = I / I_e.
    trip_class : {10, 20, 30}, optional
        Trip class, used for the default time constant.
    k_factor : float, optional
        Ultimate trip current as a multiple of I_e.
    initial_level : float, optional
        Thermal level θ_0 at t = 0: 0 from cold, ``steady_level(1.0, k_factor)`` from hot.
    time_constant_s : float, optional
        Replica time constant τ, s; defaults to :func:`replica_time_constant_s`.

    Returns
    -------
    float or ndarray
        Time to trip, s: ``math.inf`` if the current never trips (m <= k and θ_0 < 1), 0 if
        θ_0 >= 1 already.

    Notes
    -----
    With x = m² / k², the level θ(t) = x + (θ_0 - x) e^{-t/τ} reaches 1 at

    .. math:: t = τ \\ln \\frac{x - θ_0}{x - 1}

    which is the IEC 60255-149 form t = τ ln[(I² - I_p²) / (I² - (k I_e)²)] with
    θ_0 = (I_p / (k I_e))².

    References
    ----------
    .. [1] IEC 60255-149, thermal electrical relays.
    .. [2] IEC 60947-4-1, limits of operation of time-delay overload relays.
    """
    tau = _resolve(trip_class, k_factor, initial_level, time_constant_s)
    x = np.asarray(current_multiple, dtype=float) ** 2 / k_factor**2
    if initial_level >= 1.0:
        return _as_output(np.zeros_like(x))
    trips = x > 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        t = tau * np.log((x - initial_level) / np.where(trips, x - 1.0, 1.0))
    return _as_output(np.where(trips, t, np.inf))


def replica_levels(
    current_multiple: ArrayLike,
    dt_s: float,
    trip_class: int = 10,
    k_factor: float = DEFAULT_K_FACTOR,
    initial_level: float = 0.0,
    time_constant_s: float | None = None,
) -> np.ndarray:
    """Thermal level of the replica for a piecewise-constant current profile.

    Parameters
    ----------
    current_multiple : array_like, shape (n,)
        Rms current over each step as a multiple of I_e. For a sampled AC current, use the rms
        over the step, sqrt(mean(i²)) / I_e, so that the mains ripple does not alias.
    dt_s : float
        Step length, s (> 0).
    trip_class : {10, 20, 30}, optional
        Trip class, used for the default time constant.
    k_factor : float, optional
        Ultimate trip current as a multiple of I_e.
    initial_level : float, optional
        Level θ_0 at t = 0.
    time_constant_s : float, optional
        Replica time constant τ, s; defaults to :func:`replica_time_constant_s`.

    Returns
    -------
    ndarray, shape (n + 1,)
        Level θ at t = 0, dt, 2 dt, ..., n dt; element 0 is ``initial_level``. The level is not
        clamped at 1: the caller decides what a trip does to the current.

    Notes
    -----
    The update is exact for a current that is constant over each step:

    .. math:: θ_{n+1} = x_n + (θ_n - x_n) e^{-Δt/τ}, \\quad x_n = m_n^2 / k^2

    so the result does not depend on the step length beyond how the current is sampled.

    References
    ----------
    .. [1] IEC 60255-149, thermal electrical relays.
    """
    tau = _resolve(trip_class, k_factor, initial_level, time_constant_s)
    if not (math.isfinite(dt_s) and dt_s > 0.0):
        raise ValueError(f"dt_s must be finite and > 0, got {dt_s!r}")
    m = np.asarray(current_multiple, dtype=float)
    if m.ndim != 1:
        raise ValueError(f"current_multiple must be one-dimensional, got shape {m.shape}")
    if not np.all(np.isfinite(m)):
        raise ValueError("current_multiple must be finite")
    x = m**2 / k_factor**2
    decay = math.exp(-dt_s / tau)
    levels = np.empty(len(x) + 1)
    levels[0] = initial_level
    if len(x):
        from scipy.signal import lfilter  # imported here: scipy.signal is slow to import

        levels[1:], _ = lfilter([1.0 - decay], [1.0, -decay], x, zi=[decay * initial_level])
    return levels


def first_trip_time_s(levels: ArrayLike, dt_s: float) -> float:
    """Time of the first sample at which the thermal level reaches the trip threshold.

    Parameters
    ----------
    levels : array_like, shape (n + 1,)
        Levels at t = 0, dt, ..., n dt, as returned by :func:`replica_levels`.
    dt_s : float
        Step length, s (> 0).

    Returns
    -------
    float
        k dt for the first k with θ_k >= 1, s; ``math.inf`` if the level never reaches 1.

    Notes
    -----
    The true crossing lies in ((k - 1) dt, k dt], so the result is never early and at most one
    step late.

    References
    ----------
    .. [1] IEC 60255-149, thermal electrical relays.
    """
    if not (math.isfinite(dt_s) and dt_s > 0.0):
        raise ValueError(f"dt_s must be finite and > 0, got {dt_s!r}")
    hits = np.flatnonzero(np.asarray(levels, dtype=float) >= 1.0)
    return float(hits[0] * dt_s) if hits.size else math.inf
