"""Lumped thermal networks, temperature-dependent resistance and shaft-fan cooling.

A machine is a set of nodes (winding, stator iron, rotor, housing, bearings) with heat
capacities C_i, joined by thermal resistances R_ij, and tied to a fixed ambient temperature::

    C_i dT_i/dt = P_i - Σ_j (T_i - T_j) / R_ij - (T_i - T_amb) / R_i,amb

In matrix form, with the conductance matrix G and the ambient conductances g_amb built by
:func:`conductance_matrix`::

    C dT/dt = P - G T + g_amb T_amb

Temperatures are in °C (differences in K), conductances in W/K, capacities in J/K.

References
----------
.. [1] P. H. Mellor, D. Roberts, D. R. Turner, "Lumped parameter thermal model for electrical
   machines of TEFC design", IEE Proc. B 138(5), 1991.
.. [2] A. Boglietti, A. Cavagnino, D. Staton, M. Shanel, M. Mueller, C. Mejuto, "Evolution and
   modern approaches for thermal analysis of electrical machines", IEEE Trans. Ind. Electron.
   56(3), 2009.
.. [3] IEC 60034-1, Rotating electrical machines - Rating and performance (resistance method
   of temperature determination).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "TEMPERATURE_CONSTANT_K",
    "conductance_matrix",
    "fan_cooling_factor",
    "resistance_at_temperature",
    "steady_state_temperatures_c",
    "step_response_c",
    "time_constants_s",
]

FloatOrArray = float | np.ndarray

#: Constant K, in °C, of R(T) ∝ (K + T): the resistance extrapolates to zero at T = -K.
#: IEC 60034-1 uses 235 for copper and 225 for aluminium; 234.5 is the value for annealed
#: copper of 100 % IACS conductivity.
TEMPERATURE_CONSTANT_K: dict[str, float] = {"copper": 234.5, "aluminium": 225.0}


def _as_output(x: np.ndarray) -> FloatOrArray:
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def resistance_at_temperature(
    resistance_ref_ohm: ArrayLike,
    temp_c: ArrayLike,
    ref_temp_c: float,
    material: str = "copper",
) -> FloatOrArray:
    """Resistance of a copper or aluminium conductor at a given temperature.

    Parameters
    ----------
    resistance_ref_ohm : float or array_like
        Resistance at the reference temperature, Ω.
    temp_c : float or array_like
        Conductor temperature, °C.
    ref_temp_c : float
        Reference temperature of ``resistance_ref_ohm``, °C.
    material : {"copper", "aluminium"}
        Conductor material; selects K from :data:`TEMPERATURE_CONSTANT_K`.

    Returns
    -------
    float or ndarray
        Resistance at ``temp_c``, Ω.

    Notes
    -----
    .. math:: R(T) = R_\\mathrm{ref} \\frac{K + T}{K + T_\\mathrm{ref}}

    with K = 234.5 for copper (α ≈ 0.00393/K at 20 °C) and K = 225 for aluminium
    (α ≈ 0.0040/K at 20 °C).

    References
    ----------
    .. [1] IEC 60034-1, Rotating electrical machines - Rating and performance.
    """
    try:
        k = TEMPERATURE_CONSTANT_K[material]
    except KeyError:
        allowed = ", ".join(sorted(TEMPERATURE_CONSTANT_K))
        raise ValueError(f"unknown material {material!r}; allowed: {allowed}") from None
    temp = np.asarray(temp_c, dtype=float)
    if np.any(temp <= -k) or ref_temp_c <= -k:
        raise ValueError(
            f"temperatures must be above {-k} °C for {material} (zero resistance), got "
            f"temp_c={temp_c!r}, ref_temp_c={ref_temp_c!r}"
        )
    return _as_output(np.asarray(resistance_ref_ohm, dtype=float) * (k + temp) / (k + ref_temp_c))


def conductance_matrix(
    node_names: Sequence[str],
    resistances_k_w: Mapping[tuple[str, str], float],
    ambient: str = "ambient",
) -> tuple[np.ndarray, np.ndarray]:
    """Build the conductance matrix of a lumped thermal network.

    Parameters
    ----------
    node_names : sequence of str
        Names of the nodes with a temperature state, in state order. The ambient is not a node.
    resistances_k_w : mapping of (str, str) to float
        Thermal resistance of each link, K/W, keyed by the pair of node names (either order).
        A pair containing ``ambient`` ties that node to the ambient. ``math.inf`` means no link.
    ambient : str, optional
        Name used for the fixed ambient temperature in ``resistances_k_w``.

    Returns
    -------
    G : ndarray, shape (n, n)
        Conductance matrix, W/K: symmetric, G_ii = Σ_j g_ij + g_i,amb, G_ij = -g_ij.
    g_amb : ndarray, shape (n,)
        Conductance of each node to ambient, W/K.

    Raises
    ------
    ValueError
        For an unknown node, a link from a node to itself, a resistance that is not > 0, or a
        pair given twice (in either order); the message names the pair.

    Notes
    -----
    With g = 1/R, the network obeys

    .. math:: C \\dot T = P - G T + g_\\mathrm{amb} T_\\mathrm{amb}

    which is the node balance C_i dT_i/dt = P_i - Σ_j g_ij (T_i - T_j) - g_i,amb (T_i - T_amb).

    References
    ----------
    .. [1] Mellor, Roberts & Turner 1991, IEE Proc. B 138(5).
    """
    names = list(node_names)
    if len(set(names)) != len(names):
        raise ValueError(f"node names must be unique, got {names}")
    if ambient in names:
        raise ValueError(f"the ambient {ambient!r} must not be listed among the nodes")
    index = {name: i for i, name in enumerate(names)}
    n = len(names)
    g = np.zeros((n, n))
    g_amb = np.zeros(n)
    seen: set[frozenset[str]] = set()
    for pair, resistance in resistances_k_w.items():
        if len(pair) != 2:
            raise ValueError(f"thermal link {pair!r}: a link joins exactly two nodes")
        a, b = pair
        key = frozenset(pair)
        if a == b:
            raise ValueError(f"thermal link {pair!r}: a node cannot be linked to itself")
        if key in seen:
            raise ValueError(f"thermal link {pair!r} is given more than once (in either order)")
        seen.add(key)
        for name in pair:
            if name != ambient and name not in index:
                known = ", ".join([*names, ambient])
                raise ValueError(
                    f"thermal link {pair!r}: unknown node {name!r}; known nodes: {known}"
                )
        if not resistance > 0.0:  # also rejects NaN
            raise ValueError(
                f"thermal link {pair!r}: resistance must be > 0 K/W, got {resistance!r}"
            )
        conductance = 0.0 if math.isinf(resistance) else 1.0 / resistance
        if ambient in pair:
            node = b if a == ambient else a
            g_amb[index[node]] += conductance
        else:
            i, j = index[a], index[b]
            g[i, j] -= conductance
            g[j, i] -= conductance
            g[i, i] += conductance
            g[j, j] += conductance
    g[np.diag_indices(n)] += g_amb
    return g, g_amb


def _nodes_without_ambient_path(G: np.ndarray, g_amb: np.ndarray) -> list[int]:
    """Indices of nodes that have no conductive path to ambient."""
    n = len(g_amb)
    reached = np.asarray(g_amb, dtype=float) > 0.0
    frontier = list(np.flatnonzero(reached))
    while frontier:
        i = frontier.pop()
        for j in np.flatnonzero(G[i] != 0.0):
            if not reached[j]:
                reached[j] = True
                frontier.append(j)
    return [i for i in range(n) if not reached[i]]


def _check_network(G: np.ndarray, g_amb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    G = np.asarray(G, dtype=float)
    g_amb = np.asarray(g_amb, dtype=float)
    n = len(g_amb)
    if G.shape != (n, n):
        raise ValueError(f"G must have shape ({n}, {n}) to match g_amb, got {G.shape}")
    if not np.allclose(G, G.T, rtol=1e-12, atol=0.0):
        raise ValueError("G must be symmetric (a conductance matrix)")
    return G, g_amb


def _require_ambient_path(G: np.ndarray, g_amb: np.ndarray) -> None:
    isolated = _nodes_without_ambient_path(G, g_amb)
    if isolated:
        raise ValueError(
            f"thermal nodes {isolated} (by index) have no path to ambient: their temperature "
            "has no steady state (the conductance matrix is singular)"
        )


def steady_state_temperatures_c(
    G: np.ndarray, g_amb: np.ndarray, losses_w: ArrayLike, ambient_c: float
) -> np.ndarray:
    """Steady-state node temperatures of a thermal network under constant losses.

    Parameters
    ----------
    G : ndarray, shape (n, n)
        Conductance matrix, W/K, from :func:`conductance_matrix`.
    g_amb : ndarray, shape (n,)
        Conductances to ambient, W/K.
    losses_w : array_like, shape (n,)
        Heat injected at each node, W.
    ambient_c : float
        Ambient temperature, °C.

    Returns
    -------
    ndarray, shape (n,)
        Node temperatures T_∞, °C.

    Raises
    ------
    ValueError
        If some node has no conductive path to ambient.

    Notes
    -----
    Setting dT/dt = 0:

    .. math:: G T_\\infty = P + g_\\mathrm{amb} T_\\mathrm{amb}

    Since every row of G sums to its ambient conductance, this is
    T_∞ = T_amb + G⁻¹ P; for a single node, T_∞ - T_amb = P R_th.

    References
    ----------
    .. [1] Mellor, Roberts & Turner 1991, IEE Proc. B 138(5).
    """
    G, g_amb = _check_network(G, g_amb)
    _require_ambient_path(G, g_amb)
    losses = np.asarray(losses_w, dtype=float)
    return ambient_c + np.linalg.solve(G, losses)


def _modal(capacities_j_k: ArrayLike, G: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eigen-decompose C⁻¹G through the symmetric form S = C^-1/2 G C^-1/2 = V Λ Vᵀ."""
    c = np.asarray(capacities_j_k, dtype=float)
    if G.ndim != 2 or G.shape[0] != G.shape[1]:
        raise ValueError(f"G must be a square matrix, got shape {G.shape}")
    if c.shape != (G.shape[0],):
        raise ValueError(f"capacities_j_k must have shape ({G.shape[0]},), got {c.shape}")
    if not np.all(np.isfinite(c)) or np.any(c <= 0.0):
        raise ValueError(f"capacities_j_k must be finite and > 0 J/K, got {c}")
    inv_sqrt_c = 1.0 / np.sqrt(c)
    s = inv_sqrt_c[:, None] * G * inv_sqrt_c[None, :]
    eigenvalues, vectors = np.linalg.eigh(0.5 * (s + s.T))
    return eigenvalues, vectors, np.sqrt(c)


def time_constants_s(capacities_j_k: ArrayLike, G: np.ndarray) -> np.ndarray:
    """Time constants of a thermal network.

    Parameters
    ----------
    capacities_j_k : array_like, shape (n,)
        Heat capacity of each node, J/K (> 0).
    G : ndarray, shape (n, n)
        Conductance matrix, W/K, from :func:`conductance_matrix`.

    Returns
    -------
    ndarray, shape (n,)
        Time constants τ_k = 1/λ_k, s, sorted from slowest to fastest. A group of nodes with no
        path to ambient contributes an infinite time constant.

    Notes
    -----
    The free response of C dT/dt = -G T decays with the eigenvalues -λ_k of -C⁻¹G. C⁻¹G is
    similar to the symmetric positive semi-definite matrix C^{-1/2} G C^{-1/2}, so the λ_k are
    real and non-negative:

    .. math:: τ_k = 1 / λ_k, \\quad λ_k \\in \\mathrm{eig}(C^{-1} G)

    For a single node, τ = R C.

    References
    ----------
    .. [1] Boglietti et al. 2009, IEEE Trans. Ind. Electron. 56(3).
    """
    G = np.asarray(G, dtype=float)
    eigenvalues, _, _ = _modal(capacities_j_k, G)
    # A floating group of nodes gives an eigenvalue that is zero up to rounding.
    zero = 64.0 * np.finfo(float).eps * len(eigenvalues) * max(float(np.max(eigenvalues)), 0.0)
    with np.errstate(divide="ignore"):
        taus = np.where(eigenvalues > zero, 1.0 / np.maximum(eigenvalues, zero), np.inf)
    return np.sort(taus)[::-1]


def step_response_c(
    capacities_j_k: ArrayLike,
    G: np.ndarray,
    g_amb: np.ndarray,
    losses_w: ArrayLike,
    ambient_c: float,
    initial_c: ArrayLike,
    t_s: ArrayLike,
) -> np.ndarray:
    """Exact node temperatures after a step of constant losses.

    Parameters
    ----------
    capacities_j_k : array_like, shape (n,)
        Heat capacity of each node, J/K (> 0).
    G : ndarray, shape (n, n)
        Conductance matrix, W/K, from :func:`conductance_matrix`.
    g_amb : ndarray, shape (n,)
        Conductances to ambient, W/K.
    losses_w : array_like, shape (n,)
        Constant heat injected at each node from t = 0, W.
    ambient_c : float
        Ambient temperature, °C.
    initial_c : float or array_like, shape (n,)
        Node temperatures at t = 0, °C.
    t_s : float or array_like, shape (m,)
        Times at which the temperatures are wanted, s (>= 0).

    Returns
    -------
    ndarray
        Temperatures, °C: shape (n,) for a scalar ``t_s``, (m, n) for an array.

    Raises
    ------
    ValueError
        If some node has no conductive path to ambient.

    Notes
    -----
    With A = C⁻¹G and T_∞ from :func:`steady_state_temperatures_c`,

    .. math:: T(t) = T_\\infty + e^{-A t} (T_0 - T_\\infty)

    evaluated modally: with C^{-1/2} G C^{-1/2} = V Λ Vᵀ,
    e^{-At} = C^{-1/2} V e^{-Λt} Vᵀ C^{1/2}. For a single node this is
    T = T_∞ + (T_0 - T_∞) e^{-t/RC}.

    References
    ----------
    .. [1] Mellor, Roberts & Turner 1991, IEE Proc. B 138(5).
    """
    G, g_amb = _check_network(G, g_amb)
    t = np.asarray(t_s, dtype=float)
    if np.any(t < 0.0) or not np.all(np.isfinite(t)):
        raise ValueError("t_s must be finite and >= 0")
    t_final = steady_state_temperatures_c(G, g_amb, losses_w, ambient_c)
    eigenvalues, vectors, sqrt_c = _modal(capacities_j_k, G)
    n = len(g_amb)
    initial = np.broadcast_to(np.asarray(initial_c, dtype=float), (n,))
    modal0 = vectors.T @ (sqrt_c * (initial - t_final))
    decay = np.exp(-np.multiply.outer(t, eigenvalues))  # (..., n)
    return t_final + (decay * modal0) @ vectors.T / sqrt_c


def fan_cooling_factor(
    speed_rad_s: ArrayLike,
    rated_speed_rad_s: float,
    standstill_ratio: float,
    speed_exponent: float,
) -> FloatOrArray:
    """Multiplier of the housing-to-ambient conductance of a shaft-cooled (TEFC) machine.

    Parameters
    ----------
    speed_rad_s : float or array_like
        Shaft speed ω, rad/s (the sign is ignored).
    rated_speed_rad_s : float
        Rated speed ω_N, rad/s (> 0); the factor is 1 there.
    standstill_ratio : float
        Factor at standstill, in [0, 1] (natural convection and radiation only); physics.md
        section 3 gives cooling 2-4 times slower at standstill, i.e. 0.25-0.5.
    speed_exponent : float
        Exponent of the forced part (> 0); the heat-transfer coefficient grows as h ∝ v^0.6-0.8.

    Returns
    -------
    float or ndarray
        Factor k(ω) multiplying the rated housing-to-ambient conductance.

    Notes
    -----
    .. math:: k(ω) = r + (1 - r) (|ω| / ω_N)^n

    The factor is monotone in |ω| and not capped, so overspeed cools better than rated speed.

    References
    ----------
    .. [1] Boglietti et al. 2009, IEEE Trans. Ind. Electron. 56(3).
    .. [2] Mellor, Roberts & Turner 1991, IEE Proc. B 138(5).
    """
    if not (math.isfinite(rated_speed_rad_s) and rated_speed_rad_s > 0.0):
        raise ValueError(f"rated_speed_rad_s must be finite and > 0, got {rated_speed_rad_s!r}")
    if not 0.0 <= standstill_ratio <= 1.0:
        raise ValueError(f"standstill_ratio must be in [0, 1], got {standstill_ratio!r}")
    if not (math.isfinite(speed_exponent) and speed_exponent > 0.0):
        raise ValueError(f"speed_exponent must be finite and > 0, got {speed_exponent!r}")
    ratio = np.abs(np.asarray(speed_rad_s, dtype=float)) / rated_speed_rad_s
    return _as_output(standstill_ratio + (1.0 - standstill_ratio) * ratio**speed_exponent)
