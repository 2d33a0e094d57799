"""Tests of the induction-motor equivalent circuit and the reference-frame transforms."""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from failsim.physics.induction_motor import (
    InductionMotorCircuit,
    breakdown,
    clarke,
    equivalent_circuit,
    inverse_clarke,
    inverse_park,
    iron_loss_resistance_ohm,
    locked_rotor,
    park,
    slip_for_torque,
    synchronous_speed_rpm,
)

# Worked example of physics.md section 1: "10 HP 400 V 50 Hz" (Modelica Buildings
# IM_10HP_400V_50Hz), L_s = L_r = 0.127145 H, L_m = 0.1241 H, 4 poles.
R_S = 0.7384
R_R = 0.7402
L_S = 0.127145
L_M = 0.1241
VOLTAGE_V = 400.0
FREQ_HZ = 50.0
RATED_TORQUE_N_M = 49.5


@pytest.fixture()
def motor() -> InductionMotorCircuit:
    return InductionMotorCircuit(
        stator_resistance_ohm=R_S,
        rotor_resistance_ohm=R_R,
        stator_leakage_inductance_h=L_S - L_M,
        rotor_leakage_inductance_h=L_S - L_M,
        magnetizing_inductance_h=L_M,
        pole_pairs=2,
    )


@pytest.fixture()
def rated(motor: InductionMotorCircuit):
    slip = slip_for_torque(motor, VOLTAGE_V, FREQ_HZ, RATED_TORQUE_N_M)
    return equivalent_circuit(motor, VOLTAGE_V, FREQ_HZ, slip)


def test_synchronous_speed() -> None:
    assert synchronous_speed_rpm(50.0, 2) == pytest.approx(1500.0)
    assert synchronous_speed_rpm(60.0, 1) == pytest.approx(3600.0)
    np.testing.assert_allclose(synchronous_speed_rpm(np.array([25.0, 50.0]), 3), [500.0, 1000.0])


def test_worked_example_rated_point(rated) -> None:
    assert rated.torque_n_m == pytest.approx(RATED_TORQUE_N_M, rel=1e-10)
    assert rated.slip == pytest.approx(0.041, abs=0.001)
    assert rated.speed_rpm == pytest.approx(1438.0, abs=1.0)
    assert rated.stator_current_a == pytest.approx(13.5, abs=0.1)
    assert rated.power_factor == pytest.approx(0.87, abs=0.01)
    # physics.md: "at 7.46 kW"; mechanical power = T ω.
    omega_mech = rated.speed_rpm * 2.0 * math.pi / 60.0
    assert rated.mechanical_power_w == pytest.approx(RATED_TORQUE_N_M * omega_mech, rel=1e-10)
    assert rated.mechanical_power_w == pytest.approx(7460.0, rel=0.002)
    # physics.md section 8: shaft frequency f_r = (1 - s) f_s / p with 0 < s < 0.1 at rated load.
    assert 0.0 < rated.slip < 0.1
    assert rated.speed_rpm / 60.0 == pytest.approx((1.0 - rated.slip) * FREQ_HZ / 2, rel=1e-12)


def test_no_load_current(motor: InductionMotorCircuit, rated) -> None:
    no_load = equivalent_circuit(motor, VOLTAGE_V, FREQ_HZ, 0.0)
    # At s = 0 the rotor branch is open: I = V_ph / |R_s + jω(L_σs + L_m)|.
    omega = 2.0 * math.pi * FREQ_HZ
    expected = VOLTAGE_V / math.sqrt(3.0) / abs(complex(R_S, omega * L_S))
    assert no_load.stator_current_a == pytest.approx(expected, rel=1e-12)
    assert no_load.stator_current_a == pytest.approx(5.8, abs=0.05)
    assert no_load.stator_current_a / rated.stator_current_a == pytest.approx(0.43, abs=0.01)
    assert no_load.rotor_current_a == 0.0
    assert no_load.torque_n_m == 0.0
    assert no_load.speed_rpm == pytest.approx(1500.0)


def test_synchronous_slip_raises_no_warning(motor: InductionMotorCircuit) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = equivalent_circuit(motor, VOLTAGE_V, FREQ_HZ, np.array([0.0, 0.0]))
        equivalent_circuit(motor, 0.0, FREQ_HZ, 0.0)
    np.testing.assert_array_equal(result.torque_n_m, [0.0, 0.0])


def test_locked_rotor(motor: InductionMotorCircuit, rated) -> None:
    lr = locked_rotor(motor, VOLTAGE_V, FREQ_HZ)
    assert lr.slip == 1.0
    assert lr.speed_rpm == 0.0
    assert lr.mechanical_power_w == 0.0
    assert lr.stator_current_a / rated.stator_current_a == pytest.approx(7.2, abs=0.1)
    assert lr.torque_n_m / RATED_TORQUE_N_M == pytest.approx(2.5, abs=0.1)
    # physics.md section 8: I_LR / I_N in 5-9.
    assert 5.0 < lr.stator_current_a / rated.stator_current_a < 9.0
    # At standstill all the air-gap power is rotor copper loss.
    assert lr.rotor_copper_loss_w == pytest.approx(lr.airgap_power_w, rel=1e-12)


def test_breakdown_matches_worked_example_and_numerical_maximum(
    motor: InductionMotorCircuit,
) -> None:
    s_k, t_k = breakdown(motor, VOLTAGE_V, FREQ_HZ)
    assert t_k / RATED_TORQUE_N_M == pytest.approx(3.6, abs=0.1)
    assert s_k == pytest.approx(0.36, abs=0.01)

    def negative_torque(s: float) -> float:
        return -equivalent_circuit(motor, VOLTAGE_V, FREQ_HZ, s).torque_n_m

    numeric = minimize_scalar(
        negative_torque, bounds=(1e-4, 1.0), method="bounded", options={"xatol": 1e-10}
    )
    assert s_k == pytest.approx(numeric.x, abs=1e-6)
    assert t_k == pytest.approx(-numeric.fun, rel=1e-12)
    # No slip on a fine grid gives more torque.
    grid = np.linspace(1e-3, 1.0, 20001)
    assert np.max(equivalent_circuit(motor, VOLTAGE_V, FREQ_HZ, grid).torque_n_m) <= t_k


def test_generating_breakdown(motor: InductionMotorCircuit) -> None:
    s_k, t_k = breakdown(motor, VOLTAGE_V, FREQ_HZ, generating=True)
    s_motor, t_motor = breakdown(motor, VOLTAGE_V, FREQ_HZ)
    assert s_k == pytest.approx(-s_motor, rel=1e-15)
    # With R_s > 0 the generating pull-out torque is larger in magnitude than the motoring one.
    assert t_k < -t_motor < 0.0
    grid = np.linspace(-1.0, -1e-3, 20001)
    assert np.min(equivalent_circuit(motor, VOLTAGE_V, FREQ_HZ, grid).torque_n_m) >= t_k


def test_breakdown_torque_scales_with_voltage_squared(motor: InductionMotorCircuit) -> None:
    s1, t1 = breakdown(motor, VOLTAGE_V, FREQ_HZ)
    s2, t2 = breakdown(motor, 0.8 * VOLTAGE_V, FREQ_HZ)
    assert s2 == pytest.approx(s1, rel=1e-12)
    assert t2 == pytest.approx(0.64 * t1, rel=1e-12)


def test_slip_for_torque_round_trip_and_errors(motor: InductionMotorCircuit) -> None:
    s_k, t_k = breakdown(motor, VOLTAGE_V, FREQ_HZ)
    for torque in (1.0, 20.0, 49.5, 100.0, 0.999 * t_k, -30.0):
        s = slip_for_torque(motor, VOLTAGE_V, FREQ_HZ, torque)
        assert abs(s) < s_k if torque > 0 else s < 0.0
        got = equivalent_circuit(motor, VOLTAGE_V, FREQ_HZ, s).torque_n_m
        assert got == pytest.approx(torque, rel=1e-9)
    assert slip_for_torque(motor, VOLTAGE_V, FREQ_HZ, 0.0) == 0.0
    assert slip_for_torque(motor, VOLTAGE_V, FREQ_HZ, t_k) == pytest.approx(s_k)
    with pytest.raises(ValueError, match="exceeds the motoring breakdown torque"):
        slip_for_torque(motor, VOLTAGE_V, FREQ_HZ, 1.01 * t_k)
    with pytest.raises(ValueError, match="breakdown"):
        slip_for_torque(motor, 0.5 * VOLTAGE_V, FREQ_HZ, 0.3 * t_k)


def test_currents_match_mesh_analysis(motor: InductionMotorCircuit) -> None:
    """Solve the two-mesh network directly and compare currents and torque."""
    omega = 2.0 * math.pi * FREQ_HZ
    v_ph = VOLTAGE_V / math.sqrt(3.0)
    for s in (0.01, 0.05, 0.3, 1.0, -0.05):
        z1 = R_S + 1j * omega * (L_S - L_M)
        zm = 1j * omega * L_M
        z2 = R_R / s + 1j * omega * (L_S - L_M)
        mesh = np.array([[z1 + zm, -zm], [-zm, zm + z2]])
        i1, i2 = np.linalg.solve(mesh, np.array([v_ph, 0.0]))
        result = equivalent_circuit(motor, VOLTAGE_V, FREQ_HZ, s)
        assert result.stator_current_a == pytest.approx(abs(i1), rel=1e-12)
        assert result.rotor_current_a == pytest.approx(abs(i2), rel=1e-12)
        expected_torque = 3.0 * abs(i2) ** 2 * R_R / s / (omega / 2)
        assert result.torque_n_m == pytest.approx(expected_torque, rel=1e-12)
        assert result.power_factor == pytest.approx(math.cos(np.angle(i1)), rel=1e-12)


def test_steady_state_of_stator_frame_model_matches_circuit(
    motor: InductionMotorCircuit,
) -> None:
    """Phasor solution of the alpha-beta state equations of physics.md section 1."""
    p = 2
    l_r = L_S
    sigma = 1.0 - L_M**2 / (L_S * l_r)
    tau_r = l_r / R_R
    tau_sigma = sigma * L_S / (R_S + R_R * L_M**2 / l_r**2)
    omega_e = 2.0 * math.pi * FREQ_HZ
    u = math.sqrt(2.0) * VOLTAGE_V / math.sqrt(3.0)  # amplitude-invariant space vector
    for s in (0.02, 0.0412, 0.5, 1.0):
        omega_el = (1.0 - s) * omega_e  # p ω
        # d/dt -> j ω_e on vectors rotating at the supply frequency.
        psi_per_i = L_M / tau_r / (1j * omega_e + 1.0 / tau_r - 1j * omega_el)
        coupling = L_M / (sigma * L_S * l_r) * (1.0 / tau_r - 1j * omega_el)
        i_s = (u / (sigma * L_S)) / (1j * omega_e + 1.0 / tau_sigma - coupling * psi_per_i)
        psi_r = psi_per_i * i_s
        torque = 1.5 * p * (L_M / l_r) * (np.conj(psi_r) * i_s).imag
        result = equivalent_circuit(motor, VOLTAGE_V, FREQ_HZ, s)
        assert result.stator_current_a == pytest.approx(abs(i_s) / math.sqrt(2.0), rel=1e-10)
        assert result.torque_n_m == pytest.approx(torque, rel=1e-10)


@pytest.mark.parametrize("iron_loss_w", [0.0, 250.0])
def test_power_balance(motor: InductionMotorCircuit, iron_loss_w: float) -> None:
    r_fe = iron_loss_resistance_ohm(iron_loss_w, VOLTAGE_V, FREQ_HZ, eddy_fraction=0.3)
    circuit = dataclasses.replace(motor, iron_loss_resistance_ohm=r_fe)
    slips = np.array([-0.2, -0.01, 0.0, 1e-7, 0.01, 0.0412, 0.2, 0.36, 0.8, 1.0, 1.5])
    r = equivalent_circuit(circuit, VOLTAGE_V, FREQ_HZ, slips)
    losses = r.stator_copper_loss_w + r.rotor_copper_loss_w + r.iron_loss_w
    np.testing.assert_allclose(
        r.input_power_w, losses + r.mechanical_power_w, rtol=1e-9, atol=1e-9 * 8000.0
    )
    np.testing.assert_allclose(r.rotor_copper_loss_w, slips * r.airgap_power_w, rtol=1e-12)
    nonzero = slips != 0.0
    np.testing.assert_allclose(
        r.airgap_power_w[nonzero],
        3.0 * r.rotor_current_a[nonzero] ** 2 * R_R / slips[nonzero],
        rtol=1e-9,
    )
    np.testing.assert_allclose(r.mechanical_power_w, (1.0 - slips) * r.airgap_power_w)
    omega_mech = r.speed_rpm * 2.0 * math.pi / 60.0
    np.testing.assert_allclose(r.mechanical_power_w, r.torque_n_m * omega_mech, rtol=1e-12)
    # Generating slips return power to the supply.
    assert r.input_power_w[0] < 0.0 and r.power_factor[0] < 0.0


def test_array_inputs_broadcast(motor: InductionMotorCircuit) -> None:
    slips = np.array([0.01, 0.04, 1.0])
    r = equivalent_circuit(motor, VOLTAGE_V, FREQ_HZ, slips)
    for field in r:
        assert np.shape(field) == (3,)
    single = equivalent_circuit(motor, VOLTAGE_V, FREQ_HZ, 0.04)
    assert isinstance(single.torque_n_m, float)
    assert r.torque_n_m[1] == pytest.approx(single.torque_n_m, rel=1e-15)
    volts = equivalent_circuit(motor, np.array([200.0, 400.0]), FREQ_HZ, 0.04)
    assert volts.torque_n_m[0] == pytest.approx(0.25 * volts.torque_n_m[1], rel=1e-12)


def test_iron_loss_shunt(motor: InductionMotorCircuit) -> None:
    p_fe = 210.0
    r_fe = iron_loss_resistance_ohm(p_fe, VOLTAGE_V, FREQ_HZ, eddy_fraction=0.25)
    circuit = dataclasses.replace(motor, iron_loss_resistance_ohm=r_fe)
    for s in (0.0, 0.04, 1.0):
        at_rated = equivalent_circuit(circuit, VOLTAGE_V, FREQ_HZ, s)
        assert at_rated.iron_loss_w == pytest.approx(p_fe, rel=1e-12)
    low = equivalent_circuit(circuit, 0.9 * VOLTAGE_V, FREQ_HZ, 0.04)
    assert low.iron_loss_w == pytest.approx(0.81 * p_fe, rel=1e-12)
    # The shunt adds a current in phase with the voltage: torque unchanged, current up.
    slip = slip_for_torque(motor, VOLTAGE_V, FREQ_HZ, RATED_TORQUE_N_M)
    assert slip_for_torque(circuit, VOLTAGE_V, FREQ_HZ, RATED_TORQUE_N_M) == pytest.approx(slip)
    base = equivalent_circuit(motor, VOLTAGE_V, FREQ_HZ, slip)
    with_fe = equivalent_circuit(circuit, VOLTAGE_V, FREQ_HZ, slip)
    i_fe = VOLTAGE_V / math.sqrt(3.0) / r_fe
    expected = abs(
        base.stator_current_a * complex(base.power_factor, -math.sin(math.acos(base.power_factor)))
        + i_fe
    )
    assert with_fe.stator_current_a == pytest.approx(expected, rel=1e-12)
    assert with_fe.stator_current_a > base.stator_current_a
    assert with_fe.input_power_w - base.input_power_w == pytest.approx(p_fe, rel=1e-9)


def test_iron_loss_resistance_frequency_dependence() -> None:
    p_fe, eddy = 300.0, 0.4
    r_rated = iron_loss_resistance_ohm(p_fe, VOLTAGE_V, FREQ_HZ, eddy)
    assert VOLTAGE_V**2 / r_rated == pytest.approx(p_fe, rel=1e-12)
    # Constant V/f (constant flux) at half frequency: hysteresis halves, eddy quarters.
    r_half = iron_loss_resistance_ohm(p_fe, VOLTAGE_V, FREQ_HZ, eddy, at_frequency_hz=25.0)
    loss_half = (VOLTAGE_V / 2.0) ** 2 / r_half
    assert loss_half == pytest.approx(p_fe * ((1 - eddy) / 2 + eddy / 4), rel=1e-12)
    # Pure eddy loss at constant voltage does not depend on frequency.
    assert iron_loss_resistance_ohm(p_fe, VOLTAGE_V, FREQ_HZ, 1.0, 87.0) == pytest.approx(
        iron_loss_resistance_ohm(p_fe, VOLTAGE_V, FREQ_HZ, 1.0)
    )
    assert iron_loss_resistance_ohm(0.0, VOLTAGE_V, FREQ_HZ, 0.3) == math.inf
    with pytest.raises(ValueError, match="eddy_fraction"):
        iron_loss_resistance_ohm(p_fe, VOLTAGE_V, FREQ_HZ, 1.5)


def test_circuit_validation(motor: InductionMotorCircuit) -> None:
    with pytest.raises(ValueError, match="rotor_resistance_ohm"):
        dataclasses.replace(motor, rotor_resistance_ohm=0.0)
    with pytest.raises(ValueError, match="pole_pairs"):
        dataclasses.replace(motor, pole_pairs=0)
    with pytest.raises(ValueError, match="pole_pairs"):
        dataclasses.replace(motor, pole_pairs=1.5)
    with pytest.raises(ValueError, match="iron_loss_resistance_ohm"):
        dataclasses.replace(motor, iron_loss_resistance_ohm=float("nan"))
    with pytest.raises(ValueError, match="frequency_hz"):
        equivalent_circuit(motor, VOLTAGE_V, 0.0, 0.04)
    with pytest.raises(dataclasses.FrozenInstanceError):
        motor.pole_pairs = 3  # type: ignore[misc]


def test_clarke_park_round_trips() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(2, 1000)) * 20.0
    c = -a - b  # three-wire: no zero sequence
    theta = rng.uniform(-10.0, 10.0, size=1000)
    alpha, beta = clarke(a, b, c)
    a2, b2, c2 = inverse_clarke(alpha, beta)
    np.testing.assert_allclose(a2, a, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b2, b, rtol=0, atol=1e-12)
    np.testing.assert_allclose(c2, c, rtol=0, atol=1e-12)
    d, q = park(alpha, beta, theta)
    alpha2, beta2 = inverse_park(d, q, theta)
    np.testing.assert_allclose(alpha2, alpha, rtol=0, atol=1e-12)
    np.testing.assert_allclose(beta2, beta, rtol=0, atol=1e-12)
    # A rotation preserves length.
    np.testing.assert_allclose(np.hypot(d, q), np.hypot(alpha, beta), rtol=1e-13)


def test_clarke_discards_zero_sequence() -> None:
    alpha, beta = clarke(3.0, -1.0, -2.0)
    alpha0, beta0 = clarke(3.0 + 5.0, -1.0 + 5.0, -2.0 + 5.0)
    assert alpha0 == pytest.approx(alpha, abs=1e-14)
    assert beta0 == pytest.approx(beta, abs=1e-14)
    a, b, c = inverse_clarke(alpha, beta)
    assert a + b + c == pytest.approx(0.0, abs=1e-14)


def test_balanced_set_is_circle_of_phase_amplitude() -> None:
    amplitude, phi = 19.1, 0.3
    theta = 2.0 * math.pi * FREQ_HZ * np.linspace(0.0, 0.04, 801)
    a = amplitude * np.cos(theta - phi)
    b = amplitude * np.cos(theta - phi - 2.0 * math.pi / 3.0)
    c = amplitude * np.cos(theta - phi + 2.0 * math.pi / 3.0)
    alpha, beta = clarke(a, b, c)
    np.testing.assert_allclose(np.hypot(alpha, beta), amplitude, rtol=1e-13)
    np.testing.assert_allclose(np.arctan2(beta, alpha), np.angle(np.exp(1j * (theta - phi))))
    # In a frame rotating with the supply the vector is constant: d = Î cos φ, q = -Î sin φ.
    d, q = park(alpha, beta, theta)
    np.testing.assert_allclose(d, amplitude * math.cos(phi), rtol=1e-12)
    np.testing.assert_allclose(q, -amplitude * math.sin(phi), rtol=1e-12)
