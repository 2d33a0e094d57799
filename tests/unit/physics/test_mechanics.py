"""Tests of the drive-train mechanics functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import trapezoid
from scipy.linalg import eigh

from failsim.physics.mechanics import (
    bearing_friction_torque_n_m,
    coast_down_time_s,
    load_torque_n_m,
    quadratic_coast_speed_rad_s,
    torsional_frequency_hz,
    viscous_coast_speed_rad_s,
)

RATED_SPEED = 2.0 * math.pi * 1438.0 / 60.0
RATED_TORQUE = 49.5


def _rk4(rhs, y0: float, dt: float, n: int) -> np.ndarray:
    """A small fixed-step RK4 integrator for dy/dt = rhs(y)."""
    ys = [y0]
    y = y0
    for _ in range(n):
        k1 = rhs(y)
        k2 = rhs(y + 0.5 * dt * k1)
        k3 = rhs(y + 0.5 * dt * k2)
        k4 = rhs(y + dt * k3)
        y = y + dt * (k1 + 2 * k2 + 2 * k3 + k4) / 6.0
        ys.append(y)
    return np.array(ys)


@pytest.mark.parametrize(
    ("kind", "at_half_speed"), [("constant", 1.0), ("linear", 0.5), ("quadratic", 0.25)]
)
def test_load_laws(kind: str, at_half_speed: float) -> None:
    def torque(w):
        return load_torque_n_m(kind, w, RATED_TORQUE, RATED_SPEED)

    assert torque(RATED_SPEED) == pytest.approx(RATED_TORQUE)
    assert torque(0.5 * RATED_SPEED) == pytest.approx(at_half_speed * RATED_TORQUE)
    # The load opposes the motion in both directions and vanishes at standstill.
    assert torque(-0.5 * RATED_SPEED) == pytest.approx(-at_half_speed * RATED_TORQUE)
    assert torque(0.0) == 0.0


def test_breakaway_and_polynomial_law() -> None:
    w = np.array([-100.0, -1.0, 0.0, 1.0, 100.0])
    with_breakaway = load_torque_n_m("quadratic", w, RATED_TORQUE, RATED_SPEED, 3.0)
    without = load_torque_n_m("quadratic", w, RATED_TORQUE, RATED_SPEED)
    np.testing.assert_allclose(with_breakaway - without, [-3.0, -3.0, 0.0, 3.0, 3.0])
    a, b, c = 2.0, 0.05, 0.001
    poly = load_torque_n_m("polynomial", w, 0.0, 1.0, coefficients=(a, b, c))
    expected = [-(a + 100 * b + 1e4 * c), -(a + b + c), 0.0, a + b + c, a + 100 * b + 1e4 * c]
    np.testing.assert_allclose(poly, expected, rtol=1e-14)
    # A pure c ω² polynomial equals the quadratic law with c = T_N / ω_N².
    c_fan = RATED_TORQUE / RATED_SPEED**2
    np.testing.assert_allclose(
        load_torque_n_m("polynomial", w, 0.0, 1.0, coefficients=(0.0, 0.0, c_fan)),
        without,
        rtol=1e-13,
    )
    with pytest.raises(ValueError, match="unknown load kind"):
        load_torque_n_m("fan", 1.0, RATED_TORQUE, RATED_SPEED)


def test_coast_down_time_constant_friction() -> None:
    # physics.md section 5: J = 0.1 kg m², 1438 rpm, 1 N m -> 15 s.
    w0 = 2.0 * math.pi * 1438.0 / 60.0
    assert coast_down_time_s(0.1, w0, 1.0) == pytest.approx(15.06, abs=0.01)
    # Explicit integration of J dω/dt = -T_f until ω falls to ω_f.
    inertia, friction, w_final, dt = 0.0343, 0.8, 20.0, 1e-4
    w, t = w0, 0.0
    while w > w_final:
        w -= dt * friction / inertia
        t += dt
    assert coast_down_time_s(inertia, w0, friction, w_final) == pytest.approx(t, abs=dt)


def test_coast_down_energy_dissipated_equals_kinetic_energy() -> None:
    inertia, w0, friction = 0.1, 150.0, 1.0
    t_stop = coast_down_time_s(inertia, w0, friction)
    t = np.linspace(0.0, t_stop, 1001)
    w = w0 - friction / inertia * t
    dissipated = trapezoid(friction * w, t)  # exact for a linear integrand
    assert dissipated == pytest.approx(0.5 * inertia * w0**2, rel=1e-12)


def test_coast_down_validation() -> None:
    with pytest.raises(ValueError, match="friction_torque_n_m"):
        coast_down_time_s(0.1, 100.0, 0.0)
    with pytest.raises(ValueError, match="final_speed_rad_s"):
        coast_down_time_s(0.1, 100.0, 1.0, final_speed_rad_s=150.0)


def test_viscous_coast_matches_integration() -> None:
    inertia, b, w0, dt = 0.05, 0.02, 157.0, 0.01
    numeric = _rk4(lambda w: -b * w / inertia, w0, dt, 1000)
    times = dt * np.arange(1001)
    np.testing.assert_allclose(viscous_coast_speed_rad_s(w0, b, inertia, times), numeric, rtol=1e-9)
    # After one mechanical time constant J/B the speed is ω0/e.
    assert viscous_coast_speed_rad_s(w0, b, inertia, inertia / b) == pytest.approx(w0 / math.e)


def test_quadratic_coast_matches_integration() -> None:
    inertia, c, w0, dt = 0.5, 0.002, 150.0, 0.01
    numeric = _rk4(lambda w: -c * w * w / inertia, w0, dt, 3000)
    times = dt * np.arange(3001)
    np.testing.assert_allclose(
        quadratic_coast_speed_rad_s(w0, c, inertia, times), numeric, rtol=1e-9
    )
    # Half speed after J / (c ω0).
    t_half = inertia / (c * w0)
    assert quadratic_coast_speed_rad_s(w0, c, inertia, t_half) == pytest.approx(w0 / 2)


def test_torsional_frequency() -> None:
    # physics.md section 1: J1 = 0.05, J2 = 0.5, k = 5 kN m/rad -> 53 Hz.
    f = torsional_frequency_hz(5000.0, 0.05, 0.5)
    assert f == pytest.approx(53.0, abs=0.5)
    # Generalised eigenproblem K v = ω² M v of the free-free two-mass system.
    k = 5000.0
    stiffness = np.array([[k, -k], [-k, k]])
    mass = np.diag([0.05, 0.5])
    omega_sq = eigh(stiffness, mass, eigvals_only=True)
    assert omega_sq[0] == pytest.approx(0.0, abs=1e-9)
    assert f == pytest.approx(math.sqrt(omega_sq[1]) / (2.0 * math.pi), rel=1e-12)
    # Symmetric in the two inertias.
    assert torsional_frequency_hz(5000.0, 0.5, 0.05) == pytest.approx(f)


def test_bearing_friction_6205() -> None:
    # physics.md section 3: 6205 (25 mm bore) at 1 kN, μ = 0.0015 -> 0.019 N m, ~3 W at 1500 rpm.
    torque = bearing_friction_torque_n_m(0.0015, 1000.0, 0.025)
    assert torque == pytest.approx(0.5 * 0.0015 * 1000.0 * 0.025, rel=1e-15)
    assert torque == pytest.approx(0.019, abs=0.0005)
    assert torque * 2.0 * math.pi * 1500.0 / 60.0 == pytest.approx(3.0, abs=0.1)
    loads = np.array([0.0, 500.0, 1000.0])
    np.testing.assert_allclose(
        bearing_friction_torque_n_m(0.0015, loads, 0.025), [0.0, torque / 2, torque]
    )
