"""Tests of the thermal-replica overload relay against IEC 60947-4-1 limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from failsim.physics.overload_relay import (
    DEFAULT_K_FACTOR,
    TRIP_CLASS_WINDOWS_S,
    first_trip_time_s,
    replica_levels,
    replica_time_constant_s,
    steady_level,
    trip_time_s,
)

CLASSES = (10, 20, 30)
TWO_HOURS_S = 7200.0
HOT = steady_level(1.0, DEFAULT_K_FACTOR)  # level after running at I_e until steady


def test_time_constants() -> None:
    assert [replica_time_constant_s(c) for c in CLASSES] == pytest.approx([283.0, 566.0, 849.0])
    with pytest.raises(ValueError, match="unknown trip class"):
        replica_time_constant_s(15)


@pytest.mark.parametrize("trip_class", CLASSES)
def test_cold_trip_at_7_2_inside_class_window(trip_class: int) -> None:
    low, high = TRIP_CLASS_WINDOWS_S[trip_class]
    t = trip_time_s(7.2, trip_class)
    assert low < t < high
    # physics.md section 3: about 7 / 14 / 21 s, away from the window edges.
    assert t == pytest.approx(0.7 * trip_class, abs=0.05)
    # IEC 60255-149 form with I_p = 0: t = τ ln[I² / (I² - (k I_B)²)].
    tau = replica_time_constant_s(trip_class)
    assert t == pytest.approx(tau * math.log(7.2**2 / (7.2**2 - DEFAULT_K_FACTOR**2)), rel=1e-12)


def test_trip_time_ordered_by_class() -> None:
    times = [trip_time_s(7.2, c) for c in CLASSES]
    assert times[0] < times[1] < times[2]


def test_1_05_never_trips() -> None:
    for c in CLASSES:
        assert trip_time_s(1.05, c) == math.inf
        assert trip_time_s(1.05, c, initial_level=steady_level(1.05)) == math.inf
    # Also through the discrete replica over two hours from cold: the level stays below 1.
    levels = replica_levels(np.full(7200, 1.05), 1.0, trip_class=10)
    assert levels.max() < 1.0
    assert levels[-1] == pytest.approx(steady_level(1.05), rel=1e-6)
    assert first_trip_time_s(levels, 1.0) == math.inf


def test_1_2_from_warm_trips_within_two_hours() -> None:
    for c in CLASSES:
        t = trip_time_s(1.2, c, initial_level=HOT)
        assert t < TWO_HOURS_S
    # physics.md section 3: about 262 s for class 10.
    assert trip_time_s(1.2, 10, initial_level=HOT) == pytest.approx(262.0, abs=1.0)


@pytest.mark.parametrize(("trip_class", "limit_s"), [(10, 120.0), (20, 240.0), (30, 480.0)])
def test_1_5_from_hot_within_class_limit(trip_class: int, limit_s: float) -> None:
    assert trip_time_s(1.5, trip_class, initial_level=HOT) < limit_s


def test_1_5_from_hot_class_10_value_and_iec_form() -> None:
    t = trip_time_s(1.5, 10, initial_level=HOT)
    assert t == pytest.approx(68.0, abs=1.0)
    # IEC 60255-149: t = τ ln[(I² - I_p²) / (I² - (k I_B)²)] with I_p = I_B.
    expected = 283.0 * math.log((1.5**2 - 1.0) / (1.5**2 - DEFAULT_K_FACTOR**2))
    assert t == pytest.approx(expected, rel=1e-12)


def test_trip_time_edge_cases_and_vectorisation() -> None:
    assert trip_time_s(3.0, initial_level=1.0) == 0.0
    assert trip_time_s(0.0) == math.inf
    assert trip_time_s(DEFAULT_K_FACTOR) == math.inf  # the ultimate trip current itself
    multiples = np.array([0.5, 1.05, 1.2, 2.0, 7.2])
    times = trip_time_s(multiples, 20)
    assert times.shape == (5,)
    assert np.isinf(times[:2]).all()
    assert np.all(np.diff(times[2:]) < 0.0)  # more current trips sooner
    assert times[3] == pytest.approx(trip_time_s(2.0, 20), rel=1e-15)
    assert trip_time_s(7.2, time_constant_s=100.0) == pytest.approx(
        100.0 / 283.0 * trip_time_s(7.2), rel=1e-12
    )
    with pytest.raises(ValueError, match="k_factor"):
        trip_time_s(2.0, k_factor=0.0)


def test_replica_levels_is_exact_for_constant_current() -> None:
    tau, x, theta0 = 283.0, 3.0**2 / DEFAULT_K_FACTOR**2, 0.2
    for dt in (0.1, 2.5):
        n = round(60.0 / dt)
        levels = replica_levels(np.full(n, 3.0), dt, initial_level=theta0)
        t = dt * np.arange(n + 1)
        np.testing.assert_allclose(levels, x + (theta0 - x) * np.exp(-t / tau), rtol=1e-12)


def test_replica_levels_matches_step_by_step_update() -> None:
    rng = np.random.default_rng(3)
    profile = rng.uniform(0.0, 4.0, size=500)
    dt, tau = 0.5, 566.0
    decay = math.exp(-dt / tau)
    expected = [0.1]
    for m in profile:
        x = m**2 / DEFAULT_K_FACTOR**2
        expected.append(x + (expected[-1] - x) * decay)
    levels = replica_levels(profile, dt, trip_class=20, initial_level=0.1)
    np.testing.assert_allclose(levels, expected, rtol=1e-12)


@pytest.mark.parametrize(("multiple", "initial"), [(7.2, 0.0), (1.5, HOT), (2.0, 0.0)])
def test_first_trip_time_within_one_step_of_analytic(multiple: float, initial: float) -> None:
    dt = 0.25
    analytic = trip_time_s(multiple, 10, initial_level=initial)
    n = int(analytic / dt) + 10
    levels = replica_levels(np.full(n, multiple), dt, initial_level=initial)
    t_trip = first_trip_time_s(levels, dt)
    assert analytic <= t_trip < analytic + dt


def test_replica_cools_after_a_start() -> None:
    # A 5 s start at 6 I_e, then rated current: the level rises, then relaxes to 1/k².
    dt = 0.1
    profile = np.concatenate([np.full(50, 6.0), np.full(30000, 1.0)])
    levels = replica_levels(profile, dt)
    assert levels[50] == pytest.approx(
        steady_level(6.0) * (1.0 - math.exp(-5.0 / 283.0)), rel=1e-10
    )
    assert first_trip_time_s(levels, dt) == math.inf
    assert levels[-1] == pytest.approx(HOT, rel=1e-3)


def test_steady_level() -> None:
    assert steady_level(1.0) == pytest.approx(1.0 / 1.125**2)
    assert steady_level(1.125) == pytest.approx(1.0)
    np.testing.assert_allclose(steady_level(np.array([0.0, 2.0]), 2.0), [0.0, 1.0])
