"""Tests of the belt conveyor functions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from failsim.physics.conveyor import (
    COEFFICIENT_C_TABLE,
    acceleration_force_n,
    belt_friction_coefficient,
    belt_wave_speed_m_s,
    capstan_friction_force_n,
    capstan_ratio,
    coast_down_time_s,
    coefficient_c,
    equivalent_inertia_kg_m2,
    load_per_metre_kg_m,
    main_resistance_n,
    max_stable_step_s,
    max_transmissible_force_n,
    min_regularisation_velocity_m_s,
    min_slack_tension_n,
    moving_mass_kg,
    pulley_torque_n_m,
    regularised_friction_force_n,
    segment_stiffness_n_m,
    slips,
    slope_resistance_n,
    starting_factor,
    total_resistance_n,
    unit_load_resistance_n,
)

DEG = math.pi / 180.0


def test_load_per_metre() -> None:
    # 500 t/h at 2.5 m/s: 500 / (3.6 * 2.5) = 55.6 kg/m.
    assert load_per_metre_kg_m(500.0, 2.5) == pytest.approx(55.6, abs=0.05)
    # Mass flow is conserved: q_G v = Q.
    q_g = load_per_metre_kg_m(500.0, 2.5)
    assert q_g * 2.5 * 3.6 == pytest.approx(500.0)
    with pytest.raises(ValueError):
        load_per_metre_kg_m(500.0, 0.0)


@pytest.mark.parametrize(
    ("mu", "wrap_deg", "ratio"), [(0.25, 180.0, 2.19), (0.35, 180.0, 3.00), (0.35, 210.0, 3.61)]
)
def test_capstan_ratios_of_physics_md(mu: float, wrap_deg: float, ratio: float) -> None:
    assert capstan_ratio(mu, wrap_deg * DEG) == pytest.approx(ratio, abs=0.01)


def test_slack_tension_at_the_limit() -> None:
    mu, wrap, f_u = 0.35, math.pi, 13_358.7
    t2 = min_slack_tension_n(f_u, mu, wrap)
    t1 = t2 + f_u
    assert t1 / t2 == pytest.approx(capstan_ratio(mu, wrap), rel=1e-12)
    assert max_transmissible_force_n(t2, mu, wrap) == pytest.approx(f_u, rel=1e-12)
    # Exactly at the limit the belt still grips; a little more force slips.
    assert not slips(t1 * (1 - 1e-9), t2, mu, wrap)
    assert slips(t1 * (1 + 1e-9), t2, mu, wrap)
    # A start factor raises the required slack tension proportionally.
    assert min_slack_tension_n(f_u, mu, wrap, safety_factor=1.4) == pytest.approx(1.4 * t2)


def test_slip_condition_both_directions_and_slack_belt() -> None:
    mu, wrap = 0.25, math.pi
    limit = capstan_ratio(mu, wrap)
    t = np.array([1.0, 2.0, 2.5, 3.0])
    np.testing.assert_array_equal(slips(t * 1000.0, 1000.0, mu, wrap), t > limit)
    # Regeneration: the tight side is on the other strand.
    assert slips(1000.0, 3000.0, mu, wrap)
    assert not slips(1000.0, 2000.0, mu, wrap)
    # A slack (zero-tension) side grips nothing.
    assert slips(10.0, 0.0, mu, wrap)
    assert not slips(0.0, 0.0, mu, wrap)


def test_pulley_torque() -> None:
    # (T1 - T2) R = torque.
    assert pulley_torque_n_m(20_000.0, 6_670.0, 0.4) == pytest.approx(5332.0)
    np.testing.assert_allclose(pulley_torque_n_m([3.0, 1.0], [1.0, 3.0], 0.5), [1.0, -1.0])


def test_coefficient_c_table() -> None:
    assert coefficient_c(80.0) == pytest.approx(1.92)
    assert coefficient_c(1000.0) == pytest.approx(1.09)
    # Linear interpolation between 100 m (1.78) and 150 m (1.58).
    assert coefficient_c(125.0) == pytest.approx(1.68)
    assert coefficient_c(20_000.0) == pytest.approx(1.03)
    values = coefficient_c(np.array([row[0] for row in COEFFICIENT_C_TABLE]))
    assert np.all(np.diff(values) < 0.0)
    with pytest.raises(ValueError, match="L >= 80 m"):
        coefficient_c(50.0)


def test_din_resistance_hand_computed_example() -> None:
    # L = 200 m, δ = 4°, H = L sin δ = 13.951 m, C = 1.45 (table at 200 m), f = 0.02,
    # q_RO = 10 kg/m, q_RU = 3 kg/m, q_B = 12 kg/m, 500 t/h at 2.5 m/s: q_G = 55.556 kg/m,
    # g = 9.81 m/s², special resistances 500 N.
    #   masses = 10 + 3 + (2*12 + 55.556) cos 4° = 13 + 79.556 * 0.997564 = 92.362 kg/m
    #   C f L g masses = 1.45 * 0.02 * 200 * 9.81 * 92.362 = 56.898 * 92.362 = 5255.2 N
    #   q_G H g = 55.556 * 13.951 * 9.81 = 7603.5 N
    #   F_U = 5255.2 + 7603.5 + 500 = 13358.7 N
    g, length, delta = 9.81, 200.0, 4.0 * DEG
    q_g = load_per_metre_kg_m(500.0, 2.5)
    c = coefficient_c(length)
    assert c == pytest.approx(1.45)
    main = main_resistance_n(c, 0.02, length, 10.0, 3.0, 12.0, q_g, delta, gravity_m_s2=g)
    assert main == pytest.approx(5255.2, rel=1e-4)
    slope = slope_resistance_n(q_g, length * math.sin(delta), gravity_m_s2=g)
    assert slope == pytest.approx(7603.5, rel=1e-4)
    total = total_resistance_n(
        c, 0.02, length, 10.0, 3.0, 12.0, q_g, delta, special_n=500.0, gravity_m_s2=g
    )
    assert total == pytest.approx(13358.7, rel=1e-4)
    assert total == pytest.approx(main + slope + 500.0, rel=1e-14)
    # With C = 1 the main resistance alone (DIN's F_H).
    f_h = main_resistance_n(1.0, 0.02, length, 10.0, 3.0, 12.0, q_g, delta, gravity_m_s2=g)
    assert main / f_h == pytest.approx(1.45)
    # Downhill the load's weight drives the belt.
    assert slope_resistance_n(q_g, -10.0) < 0.0


def test_unit_load_resistance() -> None:
    masses = np.array([20.0, 35.0, 5.0])
    assert unit_load_resistance_n(masses, 0.4, gravity_m_s2=9.81) == pytest.approx(
        0.4 * 60.0 * 9.81
    )
    inclined = unit_load_resistance_n(masses, 0.03, incline_rad=5 * DEG, gravity_m_s2=9.81)
    assert inclined == pytest.approx(60.0 * 9.81 * (0.03 * math.cos(5 * DEG) + math.sin(5 * DEG)))


def test_stribeck_friction_coefficient() -> None:
    mu = belt_friction_coefficient([0.0, 0.05, -0.05, 10.0], 0.4, 0.3, 0.05)
    np.testing.assert_allclose(mu, [0.4, 0.3 + 0.1 / math.e, 0.3 + 0.1 / math.e, 0.3], atol=1e-12)
    with pytest.raises(ValueError):
        belt_friction_coefficient(0.0, 0.2, 0.3, 0.05)


def test_regularised_friction_force() -> None:
    f = regularised_friction_force_n([-1.0, 0.0, 1e-3, 1.0], 1000.0, 1e-3)
    np.testing.assert_allclose(f, [-1000.0, 0.0, 1000.0 * math.tanh(1.0), 1000.0])
    # Stick as creep: the force F < F_max is carried at v = v_ε artanh(F / F_max).
    v = 1e-3 * math.atanh(0.5)
    assert regularised_friction_force_n(v, 1000.0, 1e-3) == pytest.approx(500.0)


def test_regularisation_velocity_bound_for_explicit_euler() -> None:
    # Two bodies coupled only by regularised friction: dv_rel/dt = -F(v_rel) / m_r.
    f_max, m1, m2, dt = 5000.0, 200.0, 800.0, 1e-4
    m_r = m1 * m2 / (m1 + m2)
    v_min = min_regularisation_velocity_m_s(f_max, m_r, dt)
    assert v_min == pytest.approx(f_max * dt / (2.0 * m_r))

    def final_slip(v_eps: float) -> float:
        v = 0.01
        for _ in range(2000):
            v -= dt * regularised_friction_force_n(v, f_max, v_eps) / m_r
        return abs(v)

    assert final_slip(3.0 * v_min) < 1e-12  # stable: the slip dies out
    assert final_slip(0.25 * v_min) > 1e-4  # too small: the slip chatters around zero


def test_capstan_friction_force() -> None:
    t2, wrap, mu_s, mu_k, v_s, v_eps = 5000.0, math.pi, 0.4, 0.3, 0.05, 1e-4
    big = capstan_friction_force_n(5.0, t2, wrap, mu_s, mu_k, v_s, v_eps)
    assert big == pytest.approx(t2 * (math.exp(mu_k * wrap) - 1.0), rel=1e-9)
    near_stick = capstan_friction_force_n(20 * v_eps, t2, wrap, mu_s, mu_k, v_s, v_eps)
    assert near_stick > big  # the static peak exceeds the sliding force: stick-slip
    assert near_stick < t2 * (math.exp(mu_s * wrap) - 1.0)
    assert capstan_friction_force_n(-5.0, t2, wrap, mu_s, mu_k, v_s, v_eps) == pytest.approx(-big)
    assert capstan_friction_force_n(5.0, -10.0, wrap, mu_s, mu_k, v_s, v_eps) == 0.0


def test_wave_speed_and_segments() -> None:
    # E_b = 100 MN, ρ_l = 25 kg/m: √(1e8 / 25) = 2000 m/s.
    assert belt_wave_speed_m_s(1e8, 25.0) == pytest.approx(2000.0)
    # Loaded steel-cord belt (12 kg/m belt + 55.6 kg/m load): ≈ 1.2 km/s.
    assert 1000.0 < belt_wave_speed_m_s(1e8, 12.0 + 55.6) < 3000.0
    k = segment_stiffness_n_m(1e8, 10.0)
    assert k == pytest.approx(1e7)
    # The central-difference step limit is the time a wave needs to cross one segment.
    m = 25.0 * 10.0
    assert max_stable_step_s(k, m) == pytest.approx(10.0 / belt_wave_speed_m_s(1e8, 25.0))


def test_wave_speed_of_a_discretised_belt() -> None:
    # A chain of N springs and lumped masses (both ends free) has its lowest elastic mode at
    # ω = 2√(k/m) sin(π / 2N), which tends to the continuum π c / L with c = √(E_b/ρ_l).
    modulus, rho, length, n = 1e8, 25.0, 1000.0, 100
    l_seg = length / n
    k, m = segment_stiffness_n_m(modulus, l_seg), rho * l_seg
    stiffness = np.zeros((n + 1, n + 1))
    for i in range(n):
        stiffness[i : i + 2, i : i + 2] += k * np.array([[1.0, -1.0], [-1.0, 1.0]])
    # Lumped masses: m per inner node, m/2 at the two ends.
    mass = np.full(n + 1, m)
    mass[[0, -1]] = 0.5 * m
    scale = 1.0 / np.sqrt(mass)
    omega = np.sqrt(np.clip(np.linalg.eigvalsh(scale[:, None] * stiffness * scale), 0.0, None))
    first = np.sort(omega)[1]  # [0] is the rigid-body mode
    # Free-free rod: first mode has half a wavelength over the length, ω = π c / L.
    c = first * length / math.pi
    assert c == pytest.approx(belt_wave_speed_m_s(modulus, rho), rel=1e-4)


def test_moving_mass_inertia_and_coast_down() -> None:
    q_g = load_per_metre_kg_m(500.0, 2.5)
    m = moving_mass_kg(200.0, 10.0, 3.0, 12.0, q_g)
    assert m == pytest.approx(200.0 * (10 + 3 + 24 + q_g))
    radius, ratio, j_motor, j_pulley = 0.4, 20.0, 0.5, 40.0
    j_total = equivalent_inertia_kg_m2(m, radius, ratio, j_motor, j_pulley)
    assert j_total == pytest.approx(j_motor + (j_pulley + m * radius**2) / ratio**2)
    # Kinetic energy is the same from the belt side and from the motor shaft.
    v = 2.5
    w_motor = ratio * v / radius
    energy_belt = 0.5 * m * v**2 + 0.5 * j_pulley * (v / radius) ** 2 + 0.5 * j_motor * w_motor**2
    assert 0.5 * j_total * w_motor**2 == pytest.approx(energy_belt)
    # t = J_total ω0 / T_res, equal to the belt-side m_eq v0 / F_U.
    f_res = 13_358.7
    t_stop = coast_down_time_s(v, f_res, m, radius, ratio, j_motor, j_pulley)
    assert t_stop == pytest.approx(j_total * w_motor / (f_res * radius / ratio))
    m_eq = m + j_pulley / radius**2 + j_motor * ratio**2 / radius**2
    assert t_stop == pytest.approx(m_eq * v / f_res)
    assert 1.0 < t_stop < 10.0  # loaded conveyors stop in 1-10 s (physics.md section 5)
    with pytest.raises(ValueError, match="runs away"):
        coast_down_time_s(v, -100.0, m, radius)


def test_starting_factor() -> None:
    assert acceleration_force_n(18_000.0, 0.25) == pytest.approx(4500.0)
    assert starting_factor(13_500.0, 18_000.0, 0.25) == pytest.approx(1.0 + 4500.0 / 13_500.0)
