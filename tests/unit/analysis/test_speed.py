"""Shaft speed and line frequency from synthetic vibration: a comb of shaft orders, mains
lines and a resonance-shaped broadband, where the truth is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from failsim.analysis.speed import estimate_line_frequency, estimate_shaft_speed, line_at

FS = 12_000.0


def _signal(
    shaft_hz: float,
    orders: dict[int, float],
    lines: dict[float, float],
    duration_s: float = 4.0,
    noise: float = 0.05,
    modulation: float = 0.0,
    seed: int = 3,
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(duration_s * FS)) / FS
    x = noise * rng.standard_normal(t.size) * (1.0 + modulation * np.cos(2 * np.pi * shaft_hz * t))
    for k, a in orders.items():
        x += a * np.sin(2 * np.pi * k * shaft_hz * t + rng.uniform(0, 2 * np.pi))
    for f, a in lines.items():
        x += a * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
    return x


def test_comb_of_shaft_orders_gives_the_speed():
    shaft = 1794.1 / 60.0
    x = _signal(shaft, {1: 0.004, 2: 0.003, 3: 0.005}, {120.0: 0.03})
    spec, _ = estimate_shaft_speed(x, FS, (27.5, 30.06), line_hz=60.0)
    assert spec.hz == pytest.approx(shaft, rel=2e-4)
    assert 1 in spec.orders and 3 in spec.orders
    assert 2 not in spec.orders  # 59.8 Hz lies within 2.5 bins of 60 Hz: not counted


def test_a_lone_line_is_not_a_comb():
    x = _signal(29.9, {1: 0.01}, {})
    spec, env = estimate_shaft_speed(x, FS, (27.5, 30.06))
    assert math.isnan(spec.hz) and spec.orders == []
    assert math.isnan(env.hz)


def test_half_and_double_the_speed_score_lower():
    # a broad search range holding f/2 and 2f: the sum over a fixed number of orders wins
    shaft = 24.6
    x = _signal(shaft, {k: 0.01 / k for k in range(1, 9)}, {})
    spec, _ = estimate_shaft_speed(x, FS, (10.0, 55.0))
    assert spec.hz == pytest.approx(shaft, rel=1e-3)


def test_envelope_finds_a_once_per_turn_modulation():
    shaft = 29.93
    x = _signal(shaft, {}, {}, modulation=0.8, noise=0.1)
    _, env = estimate_shaft_speed(x, FS, (27.5, 30.06))
    assert env.hz == pytest.approx(shaft, rel=1e-3)


@pytest.mark.parametrize("family", [50.0, 60.0])
def test_line_family_from_the_twice_line_line(family):
    x = _signal(0.49 * family, {1: 0.005, 3: 0.004}, {2 * family: 0.03})
    est = estimate_line_frequency(x, FS, shaft_hz=0.49 * family)
    assert est.family_hz == family and est.confident
    assert est.measured_hz == pytest.approx(family, abs=0.01)


def test_a_shaft_order_near_twice_line_is_not_confident():
    # 4 x 29.925 = 119.7 Hz: a 4-pole motor's order, not the 120 Hz line
    x = _signal(29.925, {1: 0.005, 4: 0.03}, {})
    est = estimate_line_frequency(x, FS, shaft_hz=29.925)
    assert not est.confident and "shaft order" in est.note
    # with mains harmonics at 240 and 360 Hz the family is known again
    y = x + _signal(29.925, {}, {240.0: 0.02, 360.0: 0.05}, seed=4, noise=0.0)
    est = estimate_line_frequency(y, FS, shaft_hz=29.925)
    assert est.family_hz == 60.0 and est.confident
    assert est.line_hz == pytest.approx(360.0, abs=0.05)


def test_no_line_at_all():
    est = estimate_line_frequency(_signal(29.9, {}, {}), FS)
    assert math.isnan(est.family_hz) and not est.confident


def test_line_at_reads_amplitude_between_bins():
    x = _signal(29.9, {}, {123.37: 0.2}, noise=0.0)
    f, a, p = line_at(x, FS, 123.0, 1.0)
    assert f == pytest.approx(123.37, abs=0.01)
    assert a == pytest.approx(0.2, rel=2e-3)
    assert p > 40.0
