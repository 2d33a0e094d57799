"""Tests of the variable-frequency drive functions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from failsim.physics.drive import (
    EMERGENCY_STOP_CATEGORIES,
    brake_stop_time_s,
    chopper_power_w,
    dc_link_energy_j,
    dc_link_rise_v,
    dc_link_voltage_v,
    max_output_line_voltage_v,
    pwm_ripple_lines_hz,
    ramp_frequency_hz,
    ramp_time_s,
    regenerated_energy_j,
    regenerative_power_w,
    stop_category,
    vf_voltage_v,
)


def test_dc_link_of_a_400_v_drive_is_540_v() -> None:
    # physics.md section 8 check list: 400 V mains -> 540 V DC link (3√2/π = 1.3505).
    assert dc_link_voltage_v(400.0) == pytest.approx(540.0, abs=1.0)
    assert dc_link_voltage_v(400.0) == pytest.approx(3.0 * math.sqrt(2.0) / math.pi * 400.0)
    # Mean of the six-pulse envelope max|v_ll| over one period, computed directly.
    t = np.linspace(0.0, 0.02, 200_001)[:-1]
    peak = math.sqrt(2.0) * 400.0
    lines = [peak * np.sin(2 * math.pi * 50 * t - k * 2 * math.pi / 3) for k in range(3)]
    envelope = np.max(np.abs(np.stack(lines)), axis=0)
    assert dc_link_voltage_v(400.0) == pytest.approx(envelope.mean(), rel=1e-6)
    np.testing.assert_allclose(dc_link_voltage_v([0.0, 230.0]), [0.0, 310.6], atol=0.05)
    with pytest.raises(ValueError):
        dc_link_voltage_v(-1.0)


def test_max_output_voltage_by_modulation() -> None:
    v_dc = 540.0
    assert max_output_line_voltage_v(v_dc) == pytest.approx(v_dc / math.sqrt(2.0))
    assert max_output_line_voltage_v(v_dc, "svpwm") == pytest.approx(381.84, abs=0.01)
    assert max_output_line_voltage_v(v_dc, "spwm") == pytest.approx(
        math.sqrt(3.0) / (2.0 * math.sqrt(2.0)) * v_dc
    )
    # SVPWM extends the linear range of sine-triangle PWM by 2/√3 (15.5 %).
    ratio = max_output_line_voltage_v(v_dc, "svpwm") / max_output_line_voltage_v(v_dc, "spwm")
    assert ratio == pytest.approx(2.0 / math.sqrt(3.0))
    assert max_output_line_voltage_v(v_dc, "six_step") == pytest.approx(
        math.sqrt(6.0) / math.pi * v_dc
    )
    with pytest.raises(ValueError, match="unknown modulation"):
        max_output_line_voltage_v(v_dc, "pwm")


def test_vf_law_at_half_frequency_with_and_without_boost() -> None:
    # 400 V / 50 Hz motor at 25 Hz: 200 V; with 5 % boost: 20 + (400 - 20) / 2 = 210 V.
    assert vf_voltage_v(25.0, 400.0, 50.0) == pytest.approx(200.0)
    assert vf_voltage_v(25.0, 400.0, 50.0, boost_pct=5.0) == pytest.approx(210.0)
    f = np.array([-25.0, 0.0, 10.0, 50.0, 75.0])
    np.testing.assert_allclose(vf_voltage_v(f, 400.0, 50.0), [200.0, 0.0, 80.0, 400.0, 400.0])
    np.testing.assert_allclose(
        vf_voltage_v(f, 400.0, 50.0, boost_pct=5.0), [210.0, 20.0, 96.0, 400.0, 400.0]
    )
    # Constant flux (V/f) below f_N without boost; field weakening (constant V) above.
    f_low = np.linspace(1.0, 50.0, 50)
    np.testing.assert_allclose(vf_voltage_v(f_low, 400.0, 50.0) / f_low, 8.0)
    with pytest.raises(ValueError):
        vf_voltage_v(10.0, 400.0, 50.0, boost_pct=100.0)


def test_ramp_times() -> None:
    # Ramp times are defined from 0 to f_N = 50 Hz: up 10 s, down 5 s.
    assert ramp_time_s(0.0, 25.0, 10.0, 5.0, 50.0) == pytest.approx(5.0)
    assert ramp_time_s(0.0, 50.0, 10.0, 5.0, 50.0) == pytest.approx(10.0)
    assert ramp_time_s(50.0, 20.0, 10.0, 5.0, 50.0) == pytest.approx(3.0)
    assert ramp_time_s(-50.0, -20.0, 10.0, 5.0, 50.0) == pytest.approx(3.0)
    # Reversal: decelerate 20 -> 0 Hz (2 s), then accelerate 0 -> -30 Hz (6 s).
    assert ramp_time_s(20.0, -30.0, 10.0, 5.0, 50.0) == pytest.approx(8.0)
    # Above f_N the same rate continues.
    assert ramp_time_s(50.0, 75.0, 10.0, 5.0, 50.0) == pytest.approx(5.0)
    np.testing.assert_allclose(
        ramp_time_s([0.0, 50.0, 20.0], [25.0, 20.0, -30.0], 10.0, 5.0, 50.0), [5.0, 3.0, 8.0]
    )
    assert ramp_time_s(10.0, 10.0, 10.0, 5.0, 50.0) == 0.0


def test_ramp_trajectory() -> None:
    t = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 5.0, 8.0, 9.0])
    f = ramp_frequency_hz(t, 20.0, -30.0, 10.0, 5.0, 50.0)
    # 10 Hz/s down to zero at 2 s, then 5 Hz/s to -30 Hz at 8 s.
    np.testing.assert_allclose(f, [20.0, 20.0, 10.0, 0.0, -5.0, -15.0, -30.0, -30.0], atol=1e-12)
    up = ramp_frequency_hz([0.0, 2.5, 5.0, 6.0], 0.0, 25.0, 10.0, 5.0, 50.0)
    np.testing.assert_allclose(up, [0.0, 12.5, 25.0, 25.0])
    down = ramp_frequency_hz([0.0, 1.5, 3.0], 50.0, 20.0, 10.0, 5.0, 50.0)
    np.testing.assert_allclose(down, [50.0, 35.0, 20.0])
    # The trajectory ends at the set point exactly at ramp_time_s.
    duration = ramp_time_s(-40.0, 10.0, 4.0, 3.0, 50.0)
    assert ramp_frequency_hz(duration, -40.0, 10.0, 4.0, 3.0, 50.0) == pytest.approx(10.0)
    # A zero ramp time is a step.
    assert ramp_frequency_hz(0.1, 50.0, 0.0, 10.0, 0.0, 50.0) == 0.0


def test_dc_link_energy_and_rise() -> None:
    c = 470e-6
    assert dc_link_energy_j(c, 540.0) == pytest.approx(0.5 * c * 540.0**2)
    # Energy of J = 0.0343 kg m² at 1438 rpm (the 10 HP example): ½ J ω² = 389 J.
    w0 = 2 * math.pi * 1438 / 60
    e = regenerated_energy_j(0.0343, w0, 0.0)
    assert e == pytest.approx(388.9, abs=0.1)
    v1 = dc_link_rise_v(c, 540.0, e)
    assert v1 == pytest.approx(math.sqrt(540.0**2 + 2 * e / c))
    # Energy conservation: the capacitor's energy grows by exactly E.
    assert dc_link_energy_j(c, v1) - dc_link_energy_j(c, 540.0) == pytest.approx(e)
    assert dc_link_rise_v(c, 540.0, 0.0) == 540.0
    # Taking energy out lowers the voltage; more than is stored is impossible.
    assert dc_link_rise_v(c, 540.0, -10.0) < 540.0
    with pytest.raises(ValueError):
        dc_link_rise_v(c, 540.0, -dc_link_energy_j(c, 540.0) - 1.0)


def test_regenerated_energy_with_losses() -> None:
    assert regenerated_energy_j(2.0, 10.0, 4.0) == pytest.approx(0.5 * 2.0 * (100.0 - 16.0))
    assert regenerated_energy_j(2.0, 10.0, 4.0, loss_j=30.0) == pytest.approx(54.0)
    # Losses larger than the kinetic energy released: net energy drawn from the link.
    assert regenerated_energy_j(2.0, 10.0, 4.0, loss_j=100.0) < 0.0
    with pytest.raises(ValueError):
        regenerated_energy_j(2.0, 10.0, 4.0, loss_j=-1.0)


def test_regenerative_power_sign_follows_the_natural_coast_down() -> None:
    # physics.md check 8: during a Cat 1 ramp the motor's active power is < 0 only when the
    # ramp is faster than the natural coast-down α_nat = T_L / J.
    j, w, t_load = 0.5, 150.0, 20.0
    natural = t_load / j
    assert regenerative_power_w(j, w, 2.0 * natural, t_load) > 0.0
    assert regenerative_power_w(j, w, 0.5 * natural, t_load) < 0.0
    assert regenerative_power_w(j, w, natural, t_load) == pytest.approx(0.0)
    # P = (J α - T_L) ω.
    assert regenerative_power_w(j, w, 100.0, t_load) == pytest.approx((0.5 * 100 - 20) * 150)
    # Its integral over a full linear ramp equals the energy balance of regenerated_energy_j.
    alpha, t_stop = 100.0, w / 100.0
    times = np.linspace(0.0, t_stop, 100_001)
    power = regenerative_power_w(j, w - alpha * times, alpha, t_load)
    work = float(np.sum(0.5 * (power[1:] + power[:-1]) * np.diff(times)))
    load_work = t_load * w * t_stop / 2.0
    assert work == pytest.approx(regenerated_energy_j(j, w, 0.0, load_work), rel=1e-9)


def test_chopper_power() -> None:
    assert chopper_power_w(750.0, 50.0) == pytest.approx(11_250.0)
    np.testing.assert_allclose(chopper_power_w([0.0, 100.0], 10.0), [0.0, 1000.0])
    with pytest.raises(ValueError):
        chopper_power_w(750.0, 0.0)


def test_pwm_ripple_lines() -> None:
    lines = pwm_ripple_lines_hz(4000.0, 50.0)
    np.testing.assert_allclose(lines, [3900.0, 4000.0, 4100.0, 7950.0, 8050.0])
    current_lines = pwm_ripple_lines_hz(4000.0, 50.0, include_carrier=False)
    np.testing.assert_allclose(current_lines, [3900.0, 4100.0, 7950.0, 8050.0])
    both = pwm_ripple_lines_hz(8000.0, [25.0, -50.0])
    assert both.shape == (2, 5)
    np.testing.assert_allclose(both[1], [7900.0, 8000.0, 8100.0, 15950.0, 16050.0])
    # At 0 Hz (DC hold) the sidebands merge into the carrier and its second harmonic.
    np.testing.assert_allclose(pwm_ripple_lines_hz(4000.0, 0.0), [4000, 4000, 4000, 8000, 8000])


def test_pwm_carrier_is_common_mode() -> None:
    # Sine-triangle PWM of three legs: the carrier line is in each pole voltage but cancels in
    # the line-to-line voltage, while the f_sw ± 2f and 2 f_sw ± f lines remain.
    fsw, f, m, fs, duration = 2000.0, 50.0, 0.8, 400_000.0, 0.1
    t = np.arange(int(fs * duration)) / fs
    carrier = 2.0 * np.abs(2.0 * ((t * fsw) % 1.0) - 1.0) - 1.0
    legs = [
        np.where(m * np.cos(2 * math.pi * f * t - k * 2 * math.pi / 3) > carrier, 0.5, -0.5)
        for k in range(3)
    ]
    spectrum_pole = np.abs(np.fft.rfft(legs[0])) * 2 / len(t)
    spectrum_line = np.abs(np.fft.rfft(legs[0] - legs[1])) * 2 / len(t)

    def at(spectrum: np.ndarray, freq: float) -> float:
        return float(spectrum[round(freq * duration)])

    assert at(spectrum_pole, fsw) > 0.3
    assert at(spectrum_line, fsw) < 1e-2
    for line in pwm_ripple_lines_hz(fsw, f, include_carrier=False):
        assert at(spectrum_line, line) > 0.1


@pytest.mark.parametrize(
    ("name", "category"),
    [("STO", 0), ("sto", 0), ("SS1", 1), ("SS1-t", 1), ("ss1-r", 1), ("SS1-d", 1), ("SS2", 2)],
)
def test_stop_categories(name: str, category: int) -> None:
    assert stop_category(name) == category


def test_emergency_stop_excludes_category_2() -> None:
    assert stop_category("STO") in EMERGENCY_STOP_CATEGORIES
    assert stop_category("SS1") in EMERGENCY_STOP_CATEGORIES
    assert stop_category("SS2") not in EMERGENCY_STOP_CATEGORIES
    with pytest.raises(ValueError, match="unknown drive safety function"):
        stop_category("SBC")


def test_brake_stop_time() -> None:
    # physics.md check 7 with T_L = 0: engagement delay + J ω0 / T_B.
    j, w0 = 0.1, 2 * math.pi * 1438 / 60
    assert brake_stop_time_s(j, w0, 100.0, 0.0, 0.05) == pytest.approx(0.05 + j * w0 / 100.0)
    # With a load, the shaft slows during the delay too; integrate J dω/dt = -(T_B + T_L).
    t_load, t_brake, delay, dt = 20.0, 100.0, 0.1, 1e-6
    w, t = w0, 0.0
    while w > 0.0:
        torque = t_load + (t_brake if t >= delay else 0.0)
        w -= torque / j * dt
        t += dt
    assert brake_stop_time_s(j, w0, t_brake, t_load, delay) == pytest.approx(t, abs=2e-6)
    # physics.md's t_d + J ω0 / (T_B + T_L) is an upper bound when T_L > 0.
    assert brake_stop_time_s(j, w0, t_brake, t_load, delay) < delay + j * w0 / (t_brake + t_load)
    # A load that stops the shaft before the brake engages.
    assert brake_stop_time_s(j, 1.0, t_brake, t_load, 1.0) == pytest.approx(j * 1.0 / t_load)
