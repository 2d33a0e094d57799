"""Tests of the rolling-bearing kinematics, load-zone and friction functions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from failsim.physics import mechanics
from failsim.physics.bearing import (
    BearingGeometry,
    CharacteristicFrequencies,
    ball_defect_frequency,
    characteristic_frequencies,
    defect_drop_depth_m,
    friction_torque_constant_mu_n_m,
    load_zone_half_angle_rad,
    load_zone_weights,
    multipliers,
    palmgren_friction_torque_n_m,
    spall_transit_time_s,
)

INCH_M = 0.0254
# CWRU drive end (SKF 6205-2RS JEM) and fan end (SKF 6203-2RS JEM).
CWRU_6205 = BearingGeometry(9, 0.3126 * INCH_M, 1.537 * INCH_M, 0.0)
CWRU_6203 = BearingGeometry(8, 0.2656 * INCH_M, 1.122 * INCH_M, 0.0)


def test_cwru_6205_multipliers() -> None:
    m = multipliers(CWRU_6205)
    assert isinstance(m, CharacteristicFrequencies)
    assert m.ftf == pytest.approx(0.3983, abs=1e-4)
    assert m.bpfo == pytest.approx(3.5848, abs=1e-4)
    assert m.bpfi == pytest.approx(5.4152, abs=1e-4)
    assert m.bsf == pytest.approx(2.3567, abs=1e-4)
    assert ball_defect_frequency(CWRU_6205, 1.0) == pytest.approx(4.7135, abs=1e-4)


def test_cwru_6203_multipliers() -> None:
    m = multipliers(CWRU_6203)
    assert m.ftf == pytest.approx(0.3817, abs=1e-4)
    assert m.bpfo == pytest.approx(3.0531, abs=1e-4)
    assert m.bpfi == pytest.approx(4.9469, abs=1e-4)
    assert ball_defect_frequency(CWRU_6203, 1.0) == pytest.approx(3.9877, abs=1e-4)


def test_cwru_6205_at_1797_rpm() -> None:
    fr = 1797.0 / 60.0
    cf = characteristic_frequencies(CWRU_6205, fr)
    assert cf.ftf == pytest.approx(11.93, abs=0.005)
    assert cf.bpfo == pytest.approx(107.36, abs=0.005)
    assert cf.bpfi == pytest.approx(162.19, abs=0.005)
    assert cf.bsf == pytest.approx(70.58, abs=0.005)
    assert ball_defect_frequency(CWRU_6205, fr) == pytest.approx(141.17, abs=0.005)


def _random_geometries(n: int) -> list[BearingGeometry]:
    rng = np.random.default_rng(20240611)
    out = []
    for _ in range(n):
        z = int(rng.integers(5, 25))
        pitch = float(rng.uniform(0.01, 0.5))
        ratio = float(rng.uniform(0.05, 0.45))
        angle = float(rng.uniform(0.0, 45.0))
        out.append(BearingGeometry(z, ratio * pitch, pitch, angle))
    return out


@pytest.mark.parametrize("geometry", _random_geometries(25))
def test_kinematic_identities(geometry: BearingGeometry) -> None:
    fr = np.array([0.5, 10.0, 29.95, 60.0, 250.0])
    cf = characteristic_frequencies(geometry, fr)
    z = geometry.n_elements
    np.testing.assert_allclose(cf.bpfo + cf.bpfi, z * fr, rtol=1e-12)
    np.testing.assert_allclose(cf.bpfo, z * cf.ftf, rtol=1e-12)
    np.testing.assert_allclose(cf.bpfi, z * (fr - cf.ftf), rtol=1e-12)
    # Every line is proportional to the shaft frequency.
    m = multipliers(geometry)
    for line, mult in zip(cf, m, strict=True):
        np.testing.assert_allclose(line, mult * fr, rtol=1e-12)
    # The cage turns slower than half the shaft; the ball spins faster than the cage.
    assert 0.0 < m.ftf < 0.5
    assert m.bsf > m.ftf


def test_contact_angle_enters_through_cosine() -> None:
    tilted = BearingGeometry(12, 0.01, 0.06, 40.0)
    r = 0.01 / 0.06 * math.cos(math.radians(40.0))
    assert tilted.diameter_ratio == pytest.approx(r)
    m = multipliers(tilted)
    assert m.bpfo == pytest.approx(6.0 * (1.0 - r))
    assert m.bsf == pytest.approx(0.06 / (2 * 0.01) * (1.0 - r * r))


def test_vectorised_shapes_and_scalars() -> None:
    cf = characteristic_frequencies(CWRU_6205, 30.0)
    assert all(isinstance(v, float) for v in cf)
    grid = np.linspace(1.0, 50.0, 12).reshape(3, 4)
    cf = characteristic_frequencies(CWRU_6205, grid)
    assert all(v.shape == (3, 4) for v in cf)
    assert ball_defect_frequency(CWRU_6205, grid).shape == (3, 4)


@pytest.mark.parametrize(
    "args",
    [
        (0, 0.01, 0.05),
        (True, 0.01, 0.05),
        (9.0, 0.01, 0.05),
        (9, 0.0, 0.05),
        (9, -0.01, 0.05),
        (9, 0.05, 0.05),
        (9, 0.06, 0.05),
        (9, float("nan"), 0.05),
        (9, 0.01, 0.05, 90.0),
        (9, 0.01, 0.05, -1.0),
    ],
)
def test_geometry_validation(args: tuple) -> None:
    with pytest.raises(ValueError):
        BearingGeometry(*args)


def test_geometry_is_frozen() -> None:
    with pytest.raises(AttributeError):
        CWRU_6205.n_elements = 8  # type: ignore[misc]


def test_load_zone_half_angle() -> None:
    assert load_zone_half_angle_rad(0.5) == pytest.approx(math.pi / 2)
    assert load_zone_half_angle_rad(0.25) == pytest.approx(math.pi / 3)
    assert load_zone_half_angle_rad(1.0) == pytest.approx(math.pi)
    assert load_zone_half_angle_rad(3.0) == pytest.approx(math.pi)
    with pytest.raises(ValueError):
        load_zone_half_angle_rad(0.0)


def test_load_zone_weights_half_loaded() -> None:
    assert load_zone_weights(0.0) == pytest.approx(1.0)
    assert load_zone_weights(0.0, math.pi / 2, epsilon=0.5) == pytest.approx(1.0)
    outside = np.radians([90.0, 91.0, 120.0, 180.0, -90.0, -135.0, 270.0])
    np.testing.assert_array_equal(load_zone_weights(outside), 0.0)
    # Monotone decreasing away from the load line, symmetric, 2π-periodic.
    psi = np.radians(np.linspace(0.0, 89.9, 200))
    q = load_zone_weights(psi)
    assert np.all(np.diff(q) < 0.0)
    assert np.all(q > 0.0)
    np.testing.assert_allclose(load_zone_weights(-psi), q)
    np.testing.assert_allclose(load_zone_weights(psi + 2 * np.pi), q, atol=1e-12)
    # The Stribeck law itself: [1 - (1 - cos ψ)/(2ε)]^n.
    assert load_zone_weights(math.radians(60.0)) == pytest.approx(0.5**1.5)


def test_load_zone_weights_parameters() -> None:
    psi = np.radians([0.0, 30.0, 59.0, 61.0])
    by_angle = load_zone_weights(psi, math.pi / 3)
    by_epsilon = load_zone_weights(psi, epsilon=0.25)
    np.testing.assert_allclose(by_angle, by_epsilon)
    assert by_angle[-1] == 0.0 and by_angle[-2] > 0.0
    # Rollers (n = 10/9) carry a larger share off the load line than balls (n = 3/2).
    rollers = load_zone_weights(psi[1:3], exponent=10 / 9)
    balls = load_zone_weights(psi[1:3], exponent=1.5)
    assert np.all(rollers > balls)
    # A preloaded bearing (ε > 1) loads every element.
    assert np.all(load_zone_weights(np.radians([0.0, 90.0, 179.0]), epsilon=1.5) > 0.0)
    with pytest.raises(ValueError, match="give one of them"):
        load_zone_weights(psi, math.pi / 3, epsilon=0.5)
    with pytest.raises(ValueError):
        load_zone_weights(psi, 0.0)


def test_constant_friction_is_the_mechanics_function() -> None:
    assert friction_torque_constant_mu_n_m is mechanics.bearing_friction_torque_n_m
    # physics.md: a 6205 at 1 kN with μ = 0.0015 gives 0.019 N m.
    assert friction_torque_constant_mu_n_m(0.0015, 1000.0, 0.025) == pytest.approx(0.019, rel=0.02)


def test_palmgren_worked_example() -> None:
    # physics.md: 6205, 30 cSt, 1500 rpm, 1 kN, f0 = 1.5 gives about 11 + 6 = 17 N mm.
    dm = (25.0 + 52.0) / 2.0
    total = palmgren_friction_torque_n_m(1500.0, 30.0, dm, 1000.0, 7800.0, f0=1.5)
    m0 = 1e-7 * 1.5 * (30.0 * 1500.0) ** (2.0 / 3.0) * dm**3
    m1 = 0.0005 * (1000.0 / 7800.0) ** 0.55 * 1000.0 * dm
    assert m0 == pytest.approx(11.0, rel=0.05)
    assert m1 == pytest.approx(6.0, rel=0.05)
    assert total == pytest.approx((m0 + m1) * 1e-3, rel=1e-12)
    assert total == pytest.approx(0.017, rel=0.03)


def test_palmgren_branches_and_vectorisation() -> None:
    dm, c0 = 38.5, 7800.0
    # The two branches of M0 meet at ν n = 2000 (no load: M1 = 0).
    below = palmgren_friction_torque_n_m(1999.999 / 20.0, 20.0, dm, 0.0, c0)
    above = palmgren_friction_torque_n_m(2000.0 / 20.0, 20.0, dm, 0.0, c0)
    assert above == pytest.approx(below, rel=0.01)
    # Below the threshold the viscous moment does not depend on speed.
    slow = palmgren_friction_torque_n_m(np.array([1.0, 10.0, 50.0]), 20.0, dm, 0.0, c0)
    np.testing.assert_allclose(slow, slow[0])
    # Above it, M0 grows as (ν n)^(2/3); the load part grows as P^(1 + y).
    fast = palmgren_friction_torque_n_m(np.array([1000.0, 8000.0]), 30.0, dm, 0.0, c0)
    assert fast[1] / fast[0] == pytest.approx(4.0)
    light, heavy = palmgren_friction_torque_n_m(
        3000.0, 1e-6, dm, np.array([500.0, 1000.0]), c0
    ) - palmgren_friction_torque_n_m(3000.0, 1e-6, dm, 0.0, c0)
    assert heavy / light == pytest.approx(2.0**1.55)
    # Reverse rotation gives the same moment.
    assert palmgren_friction_torque_n_m(-1500.0, 30.0, dm, 1000.0, c0) == pytest.approx(
        palmgren_friction_torque_n_m(1500.0, 30.0, dm, 1000.0, c0)
    )
    with pytest.raises(ValueError):
        palmgren_friction_torque_n_m(1500.0, 0.0, dm, 1000.0, c0)
    with pytest.raises(ValueError):
        palmgren_friction_torque_n_m(1500.0, 30.0, dm, -1.0, c0)


def test_spall_transit_time_worked_example() -> None:
    # physics.md: a 1 mm spall in a 6205 at 30 Hz gives 0.68 ms.
    ftf = multipliers(CWRU_6205).ftf * 30.0
    dt = spall_transit_time_s(1e-3, CWRU_6205.pitch_diameter_m, ftf)
    assert dt == pytest.approx(0.68e-3, abs=0.005e-3)
    assert dt == pytest.approx(1e-3 / (math.pi * CWRU_6205.pitch_diameter_m * ftf))
    lengths = np.array([0.5e-3, 1e-3, 2e-3])
    np.testing.assert_allclose(
        spall_transit_time_s(lengths, CWRU_6205.pitch_diameter_m, ftf), lengths / 1e-3 * dt
    )
    with pytest.raises(ValueError):
        spall_transit_time_s(1e-3, CWRU_6205.pitch_diameter_m, 0.0)


def test_defect_drop_depth_is_the_sagitta_of_the_element() -> None:
    """h = d/2 - sqrt((d/2)^2 - (w/2)^2): w^2 / (4 d) for narrow defects, d/2 at w >= d."""
    d = 15.08e-3  # 6308
    assert defect_drop_depth_m(0.3e-3, d) == pytest.approx(0.3e-3**2 / (4 * d), rel=1e-3)
    w = np.array([0.0, 1e-4, 3e-3, d, 2 * d])
    h = defect_drop_depth_m(w, d)
    np.testing.assert_allclose(h[:3], 0.5 * d - np.sqrt((0.5 * d) ** 2 - (0.5 * w[:3]) ** 2))
    np.testing.assert_array_equal(h[3:], [0.5 * d, 0.5 * d])
    # the element touches both edges: (w/2)^2 + (d/2 - h)^2 = (d/2)^2
    assert (0.5 * w[2]) ** 2 + (0.5 * d - h[2]) ** 2 == pytest.approx((0.5 * d) ** 2, rel=1e-14)
    with pytest.raises(ValueError):
        defect_drop_depth_m(-1e-4, d)
    with pytest.raises(ValueError):
        defect_drop_depth_m(1e-4, 0.0)
