"""Tests of the lumped thermal network functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import simpson, solve_ivp

from failsim.physics.thermal import (
    TEMPERATURE_CONSTANT_K,
    conductance_matrix,
    fan_cooling_factor,
    resistance_at_temperature,
    steady_state_temperatures_c,
    step_response_c,
    time_constants_s,
)

CHAIN = ("winding", "iron", "housing")
CHAIN_R = {("winding", "iron"): 0.05, ("iron", "housing"): 0.02, ("housing", "ambient"): 0.03}


def test_copper_resistance_proportional_to_234_5_plus_t() -> None:
    temps = np.array([-20.0, 20.0, 75.0, 115.0, 155.0])
    r = resistance_at_temperature(0.7384, temps, 20.0)
    np.testing.assert_allclose(r / 0.7384, (234.5 + temps) / (234.5 + 20.0), rtol=1e-14)
    # Linear in T, extrapolating to zero at -234.5 °C.
    slope, intercept = np.polyfit(temps, r, 1)
    assert -intercept / slope == pytest.approx(-234.5, rel=1e-10)
    # α at 20 °C is 1 / (234.5 + 20) = 0.00393 /K.
    assert slope / 0.7384 == pytest.approx(0.00393, abs=1e-5)
    assert resistance_at_temperature(2.0, 20.0, 20.0) == pytest.approx(2.0)


def test_aluminium_and_errors() -> None:
    assert TEMPERATURE_CONSTANT_K["aluminium"] == 225.0
    r = resistance_at_temperature(1.0, 125.0, 25.0, material="aluminium")
    assert r == pytest.approx(350.0 / 250.0)
    with pytest.raises(ValueError, match="unknown material"):
        resistance_at_temperature(1.0, 25.0, 25.0, material="gold")
    with pytest.raises(ValueError, match="above"):
        resistance_at_temperature(1.0, -300.0, 25.0)


def test_conductance_matrix_structure() -> None:
    G, g_amb = conductance_matrix(CHAIN, CHAIN_R)
    expected = np.array(
        [
            [20.0, -20.0, 0.0],
            [-20.0, 20.0 + 50.0, -50.0],
            [0.0, -50.0, 50.0 + 1.0 / 0.03],
        ]
    )
    np.testing.assert_allclose(G, expected, rtol=1e-14)
    np.testing.assert_allclose(g_amb, [0.0, 0.0, 1.0 / 0.03], rtol=1e-14)
    np.testing.assert_allclose(G.sum(axis=1), g_amb, atol=1e-12)
    # The pair order does not matter.
    reversed_pairs = {(b, a): r for (a, b), r in CHAIN_R.items()}
    G2, g_amb2 = conductance_matrix(CHAIN, reversed_pairs)
    np.testing.assert_array_equal(G2, G)
    np.testing.assert_array_equal(g_amb2, g_amb)


def test_conductance_matrix_errors() -> None:
    with pytest.raises(ValueError, match=r"'rotor'.*unknown node"):
        conductance_matrix(CHAIN, {**CHAIN_R, ("rotor", "iron"): 0.1})
    with pytest.raises(ValueError, match=r"\('iron', 'housing'\).*> 0"):
        conductance_matrix(CHAIN, {**CHAIN_R, ("iron", "housing"): 0.0})
    with pytest.raises(ValueError, match=r"\('iron', 'housing'\).*> 0"):
        conductance_matrix(CHAIN, {**CHAIN_R, ("iron", "housing"): -1.0})
    with pytest.raises(ValueError, match=r"\('iron', 'winding'\).*more than once"):
        conductance_matrix(CHAIN, {**CHAIN_R, ("iron", "winding"): 0.1})
    with pytest.raises(ValueError, match="itself"):
        conductance_matrix(CHAIN, {**CHAIN_R, ("iron", "iron"): 0.1})


def test_single_node_steady_state_is_p_times_r() -> None:
    G, g_amb = conductance_matrix(["motor"], {("motor", "ambient"): 0.0964})
    t = steady_state_temperatures_c(G, g_amb, [830.0], 40.0)
    assert t[0] - 40.0 == pytest.approx(830.0 * 0.0964, rel=1e-14)


def test_chain_steady_state_is_series_sum() -> None:
    G, g_amb = conductance_matrix(CHAIN, CHAIN_R)
    losses = np.array([300.0, 150.0, 20.0])
    t = steady_state_temperatures_c(G, g_amb, losses, 25.0)
    # All heat leaves through housing-ambient; each link carries the losses upstream of it.
    t_housing = 25.0 + losses.sum() * 0.03
    t_iron = t_housing + (losses[0] + losses[1]) * 0.02
    t_winding = t_iron + losses[0] * 0.05
    np.testing.assert_allclose(t, [t_winding, t_iron, t_housing], rtol=1e-13)
    # Winding loss alone: the series sum of the three resistances.
    t_w = steady_state_temperatures_c(G, g_amb, [100.0, 0.0, 0.0], 0.0)
    assert t_w[0] == pytest.approx(100.0 * (0.05 + 0.02 + 0.03), rel=1e-13)


def test_node_without_path_to_ambient() -> None:
    G, g_amb = conductance_matrix(
        ["winding", "iron", "bearing"], {("winding", "iron"): 0.1, ("iron", "ambient"): 0.1}
    )
    with pytest.raises(ValueError, match=r"\[2\].*no path to ambient"):
        steady_state_temperatures_c(G, g_amb, [1.0, 1.0, 1.0], 20.0)
    taus = time_constants_s([100.0, 100.0, 50.0], G)
    assert taus[0] == math.inf
    assert np.all(np.isfinite(taus[1:]))


def test_single_node_time_constant_is_rc() -> None:
    # physics.md section 3 example: 7.5 kW, ΔT 80 K at 830 W, C = 60 kg × 480 J/(kg K).
    r_th = 80.0 / 830.0
    c = 60.0 * 480.0
    G, _ = conductance_matrix(["motor"], {("motor", "ambient"): r_th})
    tau = time_constants_s([c], G)
    assert tau.shape == (1,)
    assert tau[0] == pytest.approx(r_th * c, rel=1e-13)
    assert tau[0] / 60.0 == pytest.approx(46.0, abs=0.5)


def test_two_node_time_constants_match_closed_form() -> None:
    r12, r2a = 0.04, 0.08
    c1, c2 = 2000.0, 20000.0
    G, _ = conductance_matrix(
        ["winding", "frame"], {("winding", "frame"): r12, ("frame", "ambient"): r2a}
    )
    # A = C⁻¹G = [[g12/c1, -g12/c1], [-g12/c2, (g12 + g2a)/c2]]; λ from the characteristic
    # polynomial λ² - tr λ + det = 0.
    g12, g2a = 1.0 / r12, 1.0 / r2a
    trace = g12 / c1 + (g12 + g2a) / c2
    det = (g12 / c1) * ((g12 + g2a) / c2) - (g12 / c1) * (g12 / c2)
    root = math.sqrt(trace**2 - 4.0 * det)
    lam_slow, lam_fast = (trace - root) / 2.0, (trace + root) / 2.0
    taus = time_constants_s([c1, c2], G)
    np.testing.assert_allclose(taus, [1.0 / lam_slow, 1.0 / lam_fast], rtol=1e-12)
    # The product of the time constants is 1/det = c1 c2 r12 r2a.
    assert taus[0] * taus[1] == pytest.approx(c1 * c2 * r12 * r2a, rel=1e-12)


def test_single_node_step_response_reaches_63_percent_at_tau() -> None:
    r_th, c = 0.1, 29000.0
    G, g_amb = conductance_matrix(["motor"], {("motor", "ambient"): r_th})
    tau = r_th * c
    t = step_response_c([c], G, g_amb, [830.0], 40.0, 40.0, tau)
    rise = (t[0] - 40.0) / (830.0 * r_th)
    assert rise == pytest.approx(1.0 - math.exp(-1.0), rel=1e-12)
    assert rise == pytest.approx(0.632, abs=5e-4)
    # Cooling from 120 °C with no loss follows T_amb + 80 e^{-t/τ}.
    times = np.array([0.0, 0.5 * tau, 3.0 * tau])
    cooling = step_response_c([c], G, g_amb, [0.0], 40.0, 120.0, times)
    np.testing.assert_allclose(cooling[:, 0], 40.0 + 80.0 * np.exp(-times / tau), rtol=1e-13)


def _three_node_network():
    capacities = np.array([3000.0, 15000.0, 25000.0])
    G, g_amb = conductance_matrix(CHAIN, CHAIN_R)
    return capacities, G, g_amb


def test_step_response_matches_numerical_integration() -> None:
    capacities, G, g_amb = _three_node_network()
    losses = np.array([400.0, 120.0, 10.0])
    initial = np.array([60.0, 50.0, 45.0])
    times = np.linspace(0.0, 7200.0, 61)

    def rhs(_t: float, temps: np.ndarray) -> np.ndarray:
        return (losses - G @ temps + g_amb * 30.0) / capacities

    numeric = solve_ivp(rhs, (0.0, 7200.0), initial, t_eval=times, rtol=1e-11, atol=1e-11)
    exact = step_response_c(capacities, G, g_amb, losses, 30.0, initial, times)
    assert exact.shape == (61, 3)
    np.testing.assert_allclose(exact, numeric.y.T, rtol=0, atol=1e-7)
    np.testing.assert_allclose(exact[0], initial, atol=1e-12)
    final = step_response_c(capacities, G, g_amb, losses, 30.0, initial, 1e7)
    np.testing.assert_allclose(final, steady_state_temperatures_c(G, g_amb, losses, 30.0))


def test_two_node_energy_balance() -> None:
    """∫P dt = Σ C_i ΔT_i + ∫ Σ g_amb,i (T_i - T_amb) dt."""
    capacities = np.array([1500.0, 12000.0])
    G, g_amb = conductance_matrix(
        ["winding", "frame"], {("winding", "frame"): 0.05, ("frame", "ambient"): 0.1}
    )
    losses = np.array([250.0, 60.0])
    ambient, initial = 20.0, np.array([35.0, 30.0])
    t_end = 5000.0
    times = np.linspace(0.0, t_end, 20001)
    temps = step_response_c(capacities, G, g_amb, losses, ambient, initial, times)
    heat_in = losses.sum() * t_end
    stored = capacities @ (temps[-1] - temps[0])
    to_ambient = simpson((temps - ambient) @ g_amb, x=times)
    assert heat_in == pytest.approx(stored + to_ambient, rel=1e-9)


def test_fan_cooling_factor() -> None:
    rated = 2.0 * math.pi * 1438.0 / 60.0
    assert fan_cooling_factor(rated, rated, 0.3, 0.7) == pytest.approx(1.0)
    assert fan_cooling_factor(-rated, rated, 0.3, 0.7) == pytest.approx(1.0)
    assert fan_cooling_factor(0.0, rated, 0.3, 0.7) == pytest.approx(0.3)
    half = fan_cooling_factor(0.5 * rated, rated, 0.3, 0.7)
    assert half == pytest.approx(0.3 + 0.7 * 0.5**0.7)
    speeds = np.linspace(0.0, 2.0 * rated, 101)
    factors = fan_cooling_factor(speeds, rated, 0.25, 0.8)
    assert np.all(np.diff(factors) > 0.0)
    assert factors[-1] > 1.0  # not capped above rated speed
    with pytest.raises(ValueError, match="standstill_ratio"):
        fan_cooling_factor(1.0, rated, 1.5, 0.7)
