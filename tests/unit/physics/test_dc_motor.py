"""Tests of the DC motor functions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from failsim.physics.dc_motor import (
    DCMotor,
    back_emf_constant,
    current_for_torque_a,
    derivatives,
    electrical_time_constant_s,
    field_time_constant_s,
    mechanical_time_constant_s,
    no_load_speed_rad_s,
    required_armature_voltage_v,
    speed_for_torque_rad_s,
    stall_current_a,
    stall_torque_n_m,
    steady_field_current_a,
    steady_state,
    torque_for_speed_n_m,
)

# A small permanent-magnet motor: 180 V, k = 0.5 V s/rad (no-load 360 rad/s ≈ 3440 rpm).
PM = DCMotor(
    armature_resistance_ohm=1.2, armature_inductance_h=0.012, back_emf_constant_v_s_rad=0.5
)
# A separately excited motor whose rated field (1 A) gives k = 1.8 V s/rad.
SEP = DCMotor(
    armature_resistance_ohm=0.5,
    armature_inductance_h=0.008,
    back_emf_constant_v_s_rad=1.8,
    field_resistance_ohm=220.0,
    field_inductance_h=60.0,
    field_constant_h=1.8,
)


def _rk4_step(f, y: np.ndarray, dt: float) -> np.ndarray:
    k1 = f(y)
    k2 = f(y + 0.5 * dt * k1)
    k3 = f(y + 0.5 * dt * k2)
    k4 = f(y + dt * k3)
    return y + dt * (k1 + 2 * k2 + 2 * k3 + k4) / 6.0


def test_no_load_speed_is_voltage_over_k() -> None:
    assert no_load_speed_rad_s(PM, 180.0) == pytest.approx(360.0)
    ss = steady_state(PM, 180.0, 0.0)
    assert ss.speed_rad_s == pytest.approx(180.0 / 0.5, rel=1e-15)
    assert ss.armature_current_a == pytest.approx(0.0, abs=1e-12)
    assert ss.efficiency == 0.0


def test_current_from_torque_is_torque_over_k() -> None:
    for load in (0.5, 4.0, 10.0):
        ss = steady_state(PM, 180.0, load)
        assert ss.armature_current_a == pytest.approx(load / 0.5, rel=1e-12)
        assert current_for_torque_a(PM, load) == pytest.approx(load / 0.5)
        assert ss.torque_n_m == pytest.approx(load, rel=1e-12)
        # The speed lies on the straight speed-torque line.
        assert ss.speed_rad_s == pytest.approx(speed_for_torque_rad_s(PM, 180.0, load))


@pytest.mark.parametrize("load", [-6.0, 0.0, 3.0, 10.0, 40.0, 80.0])
def test_power_balance_is_exact(load: float) -> None:
    ss = steady_state(PM, 180.0, load, viscous_friction_n_m_s_rad=1e-3, coulomb_friction_n_m=0.1)
    i, w = ss.armature_current_a, ss.speed_rad_s
    scale = max(abs(ss.input_power_w), 1.0)
    # u i = R i² + T ω (armature), T ω = T_L ω + B ω² + T_c |ω| (shaft).
    assert 180.0 * i - (1.2 * i**2 + ss.torque_n_m * w) == pytest.approx(0.0, abs=1e-12 * scale)
    assert ss.input_power_w - ss.copper_loss_w - ss.mechanical_power_w == pytest.approx(
        0.0, abs=1e-12 * scale
    )
    assert ss.mechanical_power_w - ss.output_power_w - ss.friction_loss_w == pytest.approx(
        0.0, abs=1e-12 * scale
    )
    assert ss.back_emf_v == pytest.approx(0.5 * w)


def test_stall_and_time_constants() -> None:
    assert stall_current_a(PM, 180.0) == pytest.approx(150.0)
    assert stall_torque_n_m(PM, 180.0) == pytest.approx(75.0)
    # The speed-torque line crosses zero speed at the stall torque.
    assert speed_for_torque_rad_s(PM, 180.0, 75.0) == pytest.approx(0.0, abs=1e-12)
    assert torque_for_speed_n_m(PM, 180.0, 0.0) == pytest.approx(75.0)
    assert torque_for_speed_n_m(PM, 180.0, 360.0) == pytest.approx(0.0)
    assert electrical_time_constant_s(PM) == pytest.approx(0.01)
    assert mechanical_time_constant_s(PM, 0.02) == pytest.approx(0.02 * 1.2 / 0.25)
    assert required_armature_voltage_v(PM, 300.0, 5.0) == pytest.approx(0.5 * 300 + 1.2 * 10)


def test_generating_with_an_overhauling_load() -> None:
    # A load that drives the shaft makes the motor run above no-load speed and generate.
    ss = steady_state(PM, 180.0, -5.0)
    assert ss.speed_rad_s > 360.0
    assert ss.armature_current_a == pytest.approx(-10.0)
    assert ss.input_power_w < 0.0
    # Efficiency = electrical output / mechanical input.
    assert ss.efficiency == pytest.approx(ss.input_power_w / ss.output_power_w)
    assert 0.0 < ss.efficiency < 1.0


def test_static_friction_holds_the_shaft() -> None:
    # k u / R = 0.5 * 1 / 1.2 = 0.417 N m < T_c = 1 N m: the shaft does not turn.
    ss = steady_state(PM, 1.0, 0.0, coulomb_friction_n_m=1.0)
    assert ss.speed_rad_s == 0.0
    assert ss.armature_current_a == pytest.approx(1.0 / 1.2)
    # Enough voltage breaks it loose; Coulomb friction then acts like extra load torque.
    moving = steady_state(PM, 180.0, 2.0, coulomb_friction_n_m=1.0)
    assert moving.torque_n_m == pytest.approx(3.0)
    # Reverse rotation: the friction changes sign with the speed.
    reverse = steady_state(PM, -180.0, -2.0, coulomb_friction_n_m=1.0)
    assert reverse.speed_rad_s == pytest.approx(-moving.speed_rad_s)
    assert reverse.torque_n_m == pytest.approx(-3.0)


def test_vectorised_steady_state() -> None:
    loads = np.array([0.0, 2.0, 5.0])
    ss = steady_state(PM, 180.0, loads)
    assert ss.speed_rad_s.shape == (3,)
    for k, load in enumerate(loads):
        assert ss.speed_rad_s[k] == pytest.approx(steady_state(PM, 180.0, load).speed_rad_s)


def test_separately_excited_field() -> None:
    assert SEP.separately_excited and not PM.separately_excited
    assert SEP.rated_field_current_a == pytest.approx(1.0)
    i_f = steady_field_current_a(SEP, 220.0)
    assert i_f == pytest.approx(1.0)
    assert back_emf_constant(SEP, i_f) == pytest.approx(1.8)
    assert field_time_constant_s(SEP) == pytest.approx(60.0 / 220.0)
    # Field weakening: half the field current doubles the no-load speed.
    assert no_load_speed_rad_s(SEP, 440.0, 0.5) == pytest.approx(
        2 * no_load_speed_rad_s(SEP, 440.0)
    )
    ss = steady_state(SEP, 440.0, 30.0, field_current_a=1.0)
    assert ss.field_loss_w == pytest.approx(220.0)
    expected = ss.output_power_w / (ss.input_power_w + ss.field_loss_w)
    assert ss.efficiency == pytest.approx(expected)
    with pytest.raises(ValueError):
        back_emf_constant(PM, 1.0)
    with pytest.raises(ValueError):
        _ = PM.rated_field_current_a


def test_invalid_parameters() -> None:
    with pytest.raises(ValueError):
        DCMotor(0.0, 0.01, 0.5)
    with pytest.raises(ValueError):
        DCMotor(1.0, -0.01, 0.5)
    with pytest.raises(ValueError):
        DCMotor(1.0, 0.01, 0.5, field_resistance_ohm=-1.0)


def test_integrated_state_equations_reach_the_steady_state() -> None:
    j, load, b, dt = 0.02, 4.0, 1e-3, 1e-3

    def rhs(y: np.ndarray) -> np.ndarray:
        di, dw = derivatives(PM, y[0], y[1], 180.0, load, j, viscous_friction_n_m_s_rad=b)
        return np.array([di, dw])

    y = np.array([0.0, 0.0])
    # Slowest eigenvalue of τ_e τ_m s² + τ_m s + 1 = 0 (τ_e = 0.01 s, τ_m = 0.096 s) is
    # -11.9 1/s: 2 s leave e^-24 of the initial transient.
    for _ in range(int(2.0 / dt)):
        y = _rk4_step(rhs, y, dt)
    ss = steady_state(PM, 180.0, load, viscous_friction_n_m_s_rad=b)
    assert y[0] == pytest.approx(ss.armature_current_a, rel=1e-6)
    assert y[1] == pytest.approx(ss.speed_rad_s, rel=1e-6)


def test_locked_rotor_current_rises_with_tau_e() -> None:
    dt, tau = 1e-5, electrical_time_constant_s(PM)
    i = 0.0
    for _ in range(round(tau / dt)):
        di = derivatives(PM, i, 0.0, 180.0, 0.0, 1.0)[0]
        i += dt * di  # forward Euler is accurate enough at τ/dt = 1000
    assert i == pytest.approx(stall_current_a(PM, 180.0) * (1 - math.exp(-1)), rel=1e-3)
