"""Tests of the gearbox functions."""

from __future__ import annotations

import numpy as np
import pytest

from failsim.physics.gearbox import (
    gear_loss_w,
    gear_mesh_frequency_hz,
    gear_ratio,
    hunting_tooth_frequency_hz,
    input_speed_rad_s,
    output_speed_rad_s,
    power_balance,
    reflected_inertia_kg_m2,
    reflected_torque_n_m,
)

RATIO, ETA = 12.5, 0.95


def test_speeds_and_reflected_inertia() -> None:
    assert output_speed_rad_s(150.0, RATIO) == pytest.approx(12.0)
    assert input_speed_rad_s(12.0, RATIO) == pytest.approx(150.0)
    assert reflected_inertia_kg_m2(31.25, RATIO) == pytest.approx(0.2)
    # Kinetic energy is the same seen from either shaft.
    w_in = 150.0
    w_out = output_speed_rad_s(w_in, RATIO)
    assert 0.5 * 31.25 * w_out**2 == pytest.approx(
        0.5 * reflected_inertia_kg_m2(31.25, RATIO) * w_in**2
    )


def test_reflected_torque_motoring_and_regenerating() -> None:
    # Motoring: T_in = T_out / (i η); the load drives: T_in = T_out η / i.
    assert reflected_torque_n_m(500.0, RATIO, ETA, 12.0) == pytest.approx(500.0 / (RATIO * ETA))
    assert reflected_torque_n_m(-500.0, RATIO, ETA, 12.0) == pytest.approx(-500.0 * ETA / RATIO)
    # Reverse rotation: the power flow, not the sign of the torque, decides.
    assert reflected_torque_n_m(-500.0, RATIO, ETA, -12.0) == pytest.approx(-500 / (RATIO * ETA))
    assert reflected_torque_n_m(500.0, RATIO, ETA, -12.0) == pytest.approx(500.0 * ETA / RATIO)
    # Separate back-driving efficiency (e.g. a worm gear).
    assert reflected_torque_n_m(-500.0, RATIO, ETA, 12.0, efficiency_reverse=0.5) == pytest.approx(
        -500.0 * 0.5 / RATIO
    )
    torques = reflected_torque_n_m([500.0, -500.0], RATIO, ETA, [12.0, 12.0])
    np.testing.assert_allclose(torques, [500 / (RATIO * ETA), -500 * ETA / RATIO])


@pytest.mark.parametrize(
    ("t_out", "w_out"), [(500.0, 12.0), (-500.0, 12.0), (500.0, -12.0), (-300.0, -4.0)]
)
def test_power_balance_in_both_directions(t_out: float, w_out: float) -> None:
    t_in = reflected_torque_n_m(t_out, RATIO, ETA, w_out)
    w_in = input_speed_rad_s(w_out, RATIO)
    powers = power_balance(t_in, w_in, t_out, w_out)
    assert powers.input_power_w == pytest.approx(powers.output_power_w + powers.loss_w, rel=1e-15)
    # Losses always reduce the power that passes, whichever way it flows.
    assert powers.loss_w > 0.0
    assert powers.loss_w == pytest.approx(gear_loss_w(powers.output_power_w, ETA), rel=1e-12)
    p_out = t_out * w_out
    if p_out > 0.0:  # motoring: P_in = P_out / η
        assert powers.input_power_w == pytest.approx(p_out / ETA, rel=1e-12)
    else:  # regenerating: |P_in| = η |P_out|
        assert powers.input_power_w == pytest.approx(ETA * p_out, rel=1e-12)


def test_gear_loss() -> None:
    assert gear_loss_w(9500.0, 0.95) == pytest.approx(500.0)
    assert gear_loss_w(-10_000.0, 0.95) == pytest.approx(500.0)
    assert gear_loss_w(0.0, 0.95) == 0.0
    assert gear_loss_w(-10_000.0, 0.95, efficiency_reverse=0.6) == pytest.approx(4000.0)
    with pytest.raises(ValueError):
        gear_loss_w(1.0, 1.2)


def test_mesh_and_hunting_tooth_frequencies() -> None:
    # 20/41 teeth, pinion at 25 Hz: mesh 500 Hz on both gears, ratio 2.05.
    assert gear_ratio(20, 41) == pytest.approx(2.05)
    f2 = 25.0 / gear_ratio(20, 41)
    assert gear_mesh_frequency_hz(20, 25.0) == pytest.approx(500.0)
    assert gear_mesh_frequency_hz(41, f2) == pytest.approx(500.0)
    # Coprime tooth counts: the same pair meets every z2 pinion revolutions.
    assert hunting_tooth_frequency_hz(20, 41, 25.0) == pytest.approx(25.0 / 41)
    # Common factor 20: the same pair meets every output revolution.
    assert hunting_tooth_frequency_hz(20, 40, 25.0) == pytest.approx(12.5)
    np.testing.assert_allclose(gear_mesh_frequency_hz(20, [10.0, -10.0]), [200.0, 200.0])
    with pytest.raises(ValueError):
        gear_mesh_frequency_hz(0, 10.0)
    with pytest.raises(ValueError):
        gear_ratio(20.5, 41)
