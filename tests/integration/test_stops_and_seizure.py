"""Stops, brake, seizure, broken rotor bars and voltage unbalance against results computed
independently of the kernel (physics.md sections 3-5 and 8): stop categories, the brake's
stop time and torsional ring-down, lock-up at locked-rotor current and the relay's trip time,
the (1 +/- 2s) f sidebands of broken bars, and the sequence circuits of an unbalanced supply.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import curve_fit

import failsim
from failsim.components.machine import Machine
from failsim.physics.induction_motor import equivalent_circuit, locked_rotor
from failsim.physics.mechanics import coast_down_time_s
from failsim.simulation import SolverOptions

from .conftest import IDEAL
from .test_motor_physics import _coast_machine

FROZEN = SolverOptions(thermal_coupling=False)
J_TOTAL = 0.0343 + 0.05  # motor + pump inertia, kg m^2
W_END = 0.005 * 2 * math.pi * 25.0  # the standstill threshold, 0.5 % of synchronous speed
PHASES = ["current_a_a", "current_b_a", "current_c_a"]


def _estop(category: int = 0, **trigger) -> dict:
    return {
        "kind": "emergency_stop",
        "target": "machine",
        "trigger": trigger or {"at_s": 1.0},
        "category": category,
    }


def test_category_0_removes_current_within_50_ms_and_coasts_down(write_specs):
    t_f = 0.5
    path = write_specs(_coast_machine(friction_n_m=t_f), {"duration_s": 30.0, "faults": [_estop()]})
    result = failsim.simulate(path, options=FROZEN)
    ev = result.to_pandas("events")
    stop = ev[ev.kind == "emergency_stop"]
    assert len(stop) == 1 and float(stop.t_s.iloc[0]) == 1.0
    assert stop.category.iloc[0] == "fault" and float(stop.value.iloc[0]) == 0.0
    cur = result.to_pandas("current")
    after = cur[cur.t_s >= 1.0 + 0.05][PHASES].to_numpy()
    assert np.abs(after).max() == 0.0  # ideal sensors: no current once the contacts open
    before = cur[(cur.t_s > 0.9) & (cur.t_s < 1.0)]
    assert np.abs(before.current_a_a.to_numpy()).max() > 2.0
    # coast-down against the constant friction: t = J w0 / T_f
    t_open = float(ev[ev.kind == "contactor_opened"].t_s.iloc[0])
    w0 = float(ev[ev.kind == "stopping"].value.iloc[0])
    t_stop = float(ev[(ev.kind == "stopped") & (ev.t_s > t_open)].t_s.iloc[0]) - t_open
    assert t_stop == pytest.approx(coast_down_time_s(J_TOTAL, w0, t_f, W_END), rel=0.01)
    # the run says it ended early, and why; every sample from the stop on is labelled
    assert result.record["ended_early"] and result.record["end_reason"] == "emergency_stop"
    assert result.record["end_t_s"] == 1.0
    proc = result.to_pandas("process")
    np.testing.assert_array_equal(proc.is_anomaly.to_numpy(), proc.t_s.to_numpy() >= 1.0)
    lab = result.labels.to_pandas()
    assert set(lab.fault_kind) == {"emergency_stop"} and float(lab.t_s.min()) == 1.0
    assert (lab.health == 0.0).all() and (lab.phase == "failed").all()


def test_brake_stop_time_and_torsional_ring_down(write_specs):
    # brake stop = engagement delay + J w / (T_B + T_L) (physics.md sections 5 and 8); the
    # torque step excites the two-mass shaft at f_t = sqrt(k (1/J_m + 1/J_L)) / (2 pi),
    # decaying with zeta = c / (2 sqrt(k J_m J_L / (J_m + J_L)))
    t_f, t_b, delay = 0.5, 60.0, 0.05
    machine = {**_coast_machine(friction_n_m=t_f), "brake": {"torque_n_m": t_b}}
    machine["brake"]["engage_delay_s"] = delay
    path = write_specs(
        machine,
        {
            "duration_s": 1.6,
            "faults": [_estop()],
            "streams": {"process": {"sample_rate_hz": 1000}},
        },
    )
    result = failsim.simulate(path, options=FROZEN)
    ev = result.to_pandas("events")
    kinds = list(ev.kind)
    assert kinds.count("brake_released") == 1  # at the start
    t_open = float(ev[ev.kind == "contactor_opened"].t_s.iloc[0])
    engaged = ev[ev.kind == "brake_engaged"]
    assert len(engaged) == 1
    t_engage = float(engaged.t_s.iloc[0])
    assert t_open == pytest.approx(1.02) and t_engage - t_open == pytest.approx(delay)
    w_engage = float(engaged.value.iloc[0])
    t_stopped = float(ev[(ev.kind == "stopped") & (ev.t_s > t_open)].t_s.iloc[0])
    expected = coast_down_time_s(J_TOTAL, w_engage, t_b + t_f, W_END)
    assert t_stopped - t_engage == pytest.approx(expected, rel=0.02)
    assert 0.1 < expected < 0.5  # a brake stop, not a coast (which takes seconds here)

    k, c, j_m, j_l = 20000.0, 2.0, 0.0343, 0.05
    f_t = math.sqrt(k * (1 / j_m + 1 / j_l)) / (2 * math.pi)
    zeta = c / (2 * math.sqrt(k * j_m * j_l / (j_m + j_l)))
    proc = result.to_pandas("process")
    seg = proc[(proc.t_s > t_engage + 0.002) & (proc.t_s < t_engage + 0.1)]
    t = seg.t_s.to_numpy() - t_engage
    tq = seg.torque_shaft_n_m.to_numpy()
    # while the brake slides, the shaft carries J_L T_B / J on average: remove it
    ripple = tq - np.polyval(np.polyfit(t, tq, 1), t)
    crossings = np.nonzero(np.diff(np.sign(ripple)) != 0)[0]
    f_measured = (len(crossings) - 1) / (2 * (t[crossings[-1]] - t[crossings[0]]))
    assert f_measured == pytest.approx(f_t, rel=0.03)

    # ring-down: a damped sine e^(-sigma t) (A cos w t + B sin w t) fitted to the ripple has
    # sigma = zeta w_t (each sample is an interval mean: the same factor on every sample)
    def ringdown(tt, a, b, sigma, w):
        return np.exp(-sigma * tt) * (a * np.cos(w * tt) + b * np.sin(w * tt))

    w0 = 2 * math.pi * f_measured
    (a, b, sigma, w), _ = curve_fit(ringdown, t, ripple, p0=(ripple[0], 0.0, 30.0, w0))
    assert w / (2 * math.pi) == pytest.approx(f_t, rel=0.03)
    assert sigma == pytest.approx(zeta * 2 * math.pi * f_t, rel=0.15)
    first = math.hypot(a, b)
    assert first > 0.2 * t_b * j_l / J_TOTAL  # a real ring-down, not numerical noise


def test_brake_holds_released_machine_at_standstill_without_an_estop(write_specs):
    # with power on the brake is lifted: the run is the same as without a brake
    brake = {**IDEAL, "brake": {"torque_n_m": 60.0}}
    plain = failsim.simulate(write_specs(IDEAL, {"duration_s": 0.5}), options=FROZEN)
    held = failsim.simulate(write_specs(brake, {"duration_s": 0.5}), options=FROZEN)
    np.testing.assert_array_equal(
        held.to_pandas("current")[PHASES].to_numpy(), plain.to_pandas("current")[PHASES].to_numpy()
    )


def test_condition_triggered_estop_follows_the_overload(write_specs):
    # an e-stop when the rms current stays above 20 A for 0.2 s: an overload step at 2 s
    # raises it to about 22.7 A, and the stop follows by the hold time (evaluated every thermal
    # step)
    faults = [
        {"kind": "overload", "target": "load", "trigger": {"at_s": 2.0}, "extra_load_pu": 0.8},
        _estop(when={"signal": "current_rms_a", "above": 20.0, "for_s": 0.2}),
    ]
    result = failsim.simulate(write_specs(IDEAL, {"duration_s": 4.0, "faults": faults}))
    ev = result.to_pandas("events")
    t_stop = float(ev[ev.kind == "emergency_stop"].t_s.iloc[0])
    assert 2.2 <= t_stop < 2.5
    t_open = float(ev[ev.kind == "contactor_opened"].t_s.iloc[0])
    assert t_open == pytest.approx(t_stop + 0.02)
    lab = result.labels.to_pandas()
    estop = lab[lab.fault_kind == "emergency_stop"]
    assert float(estop.t_s.min()) >= t_stop and float(estop.t_s.min()) < t_stop + 0.11
    assert result.record["end_reason"] == "emergency_stop"


def test_estop_category_1_regenerates_on_the_drive():
    # SS1 with its 3 s ramp is faster than the loaded belt's natural coast-down: the motor
    # generates during the ramp (active power < 0), then STO
    result = failsim.simulate(
        "conveyor_7p5kw_normal",
        duration_s=22.0,
        overrides={"faults": [_estop(category=1, at_s=14.0)]},
    )
    proc = result.to_pandas("process")
    ramp = proc[(proc.t_s > 14.3) & (proc.t_s <= 15.5)]
    assert float(ramp.power_active_w.max()) < 0.0
    kinds = list(result.to_pandas("events").kind)
    assert "drive_ss1" in kinds and "sto_active" in kinds
    assert kinds.index("drive_ss1") < kinds.index("sto_active")
    assert result.record["end_reason"] == "emergency_stop"


def test_seizure_locks_the_rotor_and_the_relay_trips_as_its_replica(write_specs):
    # the friction runs away beyond the breakdown torque: the motor stalls, draws its
    # locked-rotor current (equivalent circuit at s = 1), the bearing heats, and the class 10
    # relay trips after t = tau ln((I^2 - I_p^2) / (I^2 - (k I_e)^2)) from its level at the stall
    fault = {
        "kind": "seizure",
        "target": "bearing.drive_end",
        "trigger": {"at_s": 1.0},
        "friction_torque_n_m": 250.0,
        "runaway_s": 2.0,
    }
    path = write_specs(IDEAL, {"duration_s": 20.0, "faults": [fault]})
    result = failsim.simulate(path, options=FROZEN)
    ev = result.to_pandas("events")
    t_stall = float(ev[ev.kind == "stalled"].t_s.iloc[0])
    assert 1.0 < t_stall < 3.5
    assert result.record["end_reason"] == "stalled"
    t_trip = float(ev[ev.kind == "relay_trip"].t_s.iloc[0])
    proc = result.to_pandas("process")
    locked = proc[(proc.t_s > t_stall + 0.5) & (proc.t_s < t_trip)]
    assert float(locked.speed_rpm.abs().max()) < 0.02 * 1500.0
    m = Machine.from_spec(failsim.load_machine("im_7p5kw_pump"))
    i_lr = locked_rotor(m.motor.circuit(with_iron_loss=False), 400.0, 50.0).stator_current_a
    assert float(locked.current_rms_a.mean()) == pytest.approx(i_lr, rel=0.03)
    relay = m.relay
    lvl = float(np.interp(t_stall + 0.5, proc.t_s, proc.relay_thermal_level_pu))
    ratio2 = (i_lr / (relay.k_factor * relay.current_setting_a)) ** 2
    predicted = relay.time_constant_s * math.log((ratio2 - lvl) / (ratio2 - 1.0))
    assert t_trip - (t_stall + 0.5) == pytest.approx(predicted, rel=0.05)
    assert 2.0 < t_trip - t_stall < 10.0  # inside the class 10 window
    # the seizing bearing heats far faster than the healthy one
    de, nde = proc.temp_bearing_drive_end_c, proc.temp_bearing_non_drive_end_c
    rise_de, rise_nde = de.iloc[-1] - de.iloc[0], nde.iloc[-1] - nde.iloc[0]
    assert rise_de > 5.0 * max(rise_nde, 0.01)
    # severity follows the runaway, health reaches 0 at the breakdown torque
    lab = result.labels.to_pandas()
    assert lab.severity.is_monotonic_increasing and float(lab.severity.max()) == 250.0
    assert float(lab.health.iloc[0]) > 0.9 and float(lab.health.iloc[-1]) == 0.0


def _sideband_db(n_bars: int, rotor_bars: int = 28, pole_pairs: int = 2) -> float:
    """Lower sideband (1 - 2s) f below the line, dB, for n adjacent broken bars: the
    classical estimate I_lsb / I = sin(alpha p) / (2 p (2 pi - alpha)), alpha = 2 pi n / R
    (Thomson & Fenger 2001, after Kliman et al.)."""
    alpha = 2 * math.pi * n_bars / rotor_bars
    ratio = math.sin(alpha * pole_pairs) / (2 * pole_pairs * (2 * math.pi - alpha))
    return 20 * math.log10(ratio)


@pytest.mark.parametrize("n_bars", [1, 2])
def test_broken_bars_put_sidebands_at_1_pm_2s_f(n_bars, write_specs):
    fault = {
        "kind": "broken_rotor_bars",
        "target": "motor.rotor",
        "trigger": {"at_s": 0.0},
        "broken_bars": n_bars,
    }
    path = write_specs(
        IDEAL,
        {
            "duration_s": 22.0,
            "faults": [fault],
            "streams": {"current": {"sample_rate_hz": 2000}},
        },
    )
    result = failsim.simulate(path, options=FROZEN)
    cur = result.to_pandas("current")
    fs, t0 = 2000, 6.0  # 16 s: 1/16 Hz bins
    x = cur[cur.t_s >= t0].current_a_a.to_numpy()[: 16 * fs]
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    f = np.fft.rfftfreq(x.size, 1 / fs)
    proc = result.to_pandas("process")
    s = 1.0 - float(proc[proc.t_s >= t0].speed_rpm.mean()) / 1500.0
    line = spec[np.argmin(np.abs(f - 50.0))]
    for sign in (-1, 1):
        expected_hz = 50.0 * (1 + sign * 2 * s)
        k = int(np.argmin(np.abs(f - expected_hz)))
        peak = k - 2 + int(np.argmax(spec[k - 2 : k + 3]))
        assert abs(f[peak] - expected_hz) <= f[1] - f[0]  # within one FFT bin
        level = 20 * math.log10(spec[peak] / line)
        if sign < 0:
            assert level == pytest.approx(_sideband_db(n_bars), abs=1.5)
        else:
            assert _sideband_db(n_bars) - 4.0 < level < _sideband_db(n_bars) + 1.0
    # the healthy machine has none
    healthy = failsim.simulate(
        write_specs(IDEAL, {"duration_s": 8.0, "streams": {"current": {"sample_rate_hz": 2000}}}),
        options=FROZEN,
    )
    y = healthy.to_pandas("current")
    y = y[y.t_s >= 4.0].current_a_a.to_numpy()[: 4 * fs]
    hs = np.abs(np.fft.rfft(y * np.hanning(y.size)))
    hf = np.fft.rfftfreq(y.size, 1 / fs)
    band = (hf > 44.0) & (hf < 48.0)
    assert 20 * math.log10(hs[band].max() / hs[np.argmin(np.abs(hf - 50.0))]) < -60.0


def test_voltage_unbalance_drives_negative_sequence_current(write_specs):
    # the negative-sequence voltage V2 sees the motor at slip 2 - s: I2 = V2 / |Z(2 - s)|,
    # and the current unbalance is several times the voltage unbalance (6-10x, NEMA MG-1)
    vu = 0.03
    fault = {
        "kind": "voltage_unbalance",
        "target": "supply",
        "trigger": {"at_s": 1.0, "duration_s": 3.0},
        "unbalance_pct": 100 * vu,
    }
    path = write_specs(
        {**IDEAL, "load": {"type": "constant"}},
        {"duration_s": 4.5, "faults": [fault], "streams": {"current": {"sample_rate_hz": 5000}}},
    )
    result = failsim.simulate(path, options=FROZEN)
    cur = result.to_pandas("current")
    sel = cur[(cur.t_s >= 2.0) & (cur.t_s < 4.0)]
    n = sel.shape[0]
    ph = np.exp(-2j * np.pi * 50.0 * sel.t_s.to_numpy())
    ia, ib, ic = (2.0 / n * np.sum(sel[c].to_numpy() * ph) for c in PHASES)
    a = np.exp(2j * np.pi / 3)
    i1 = abs(ia + a * ib + a * a * ic) / 3 / math.sqrt(2)
    i2 = abs(ia + a * a * ib + a * ic) / 3 / math.sqrt(2)
    proc = result.to_pandas("process")
    s = 1.0 - float(proc[(proc.t_s >= 2.0) & (proc.t_s < 4.0)].speed_rpm.mean()) / 1500.0
    m = Machine.from_spec(failsim.load_machine("im_7p5kw_pump"))
    z2 = equivalent_circuit(m.motor.circuit(with_iron_loss=False), vu * 400.0, 50.0, 2.0 - s)
    assert i2 == pytest.approx(z2.stator_current_a, rel=0.03)
    rms = np.sqrt((sel[PHASES] ** 2).mean()).to_numpy()
    unbalance = (rms.max() - rms.mean()) / rms.mean()
    assert 6.0 <= unbalance / vu <= 10.0
    assert i1 > 10.0
    ev = result.to_pandas("events")
    f = ev[ev.kind == "voltage_unbalance"]
    assert float(f.t_s.iloc[0]) == 1.0 and float(f.end_s.iloc[0]) == 4.0
    before = cur[(cur.t_s >= 0.5) & (cur.t_s < 1.0)]
    rms0 = np.sqrt((before[PHASES] ** 2).mean()).to_numpy()
    assert (rms0.max() - rms0.min()) / rms0.mean() < 0.01


def test_condition_triggered_overload_follows_its_realised_onset(write_specs):
    # an overload ramp started by a condition: its profile counts from the realised onset,
    # in the physics (shaft torque) and in the labels (severity over time)
    fault = {
        "kind": "overload",
        "target": "load",
        "trigger": {"when": {"signal": "temp_winding_c", "above": 25.4, "after_s": 1.0}},
        "extra_load_pu": 0.5,
        "ramp_s": 1.0,
    }
    result = failsim.simulate(write_specs(IDEAL, {"duration_s": 8.0, "faults": [fault]}))
    ev = result.to_pandas("events")
    onset = ev[ev.kind == "overload"]
    assert len(onset) == 1 and math.isnan(float(onset.end_s.iloc[0]))
    t_on = float(onset.t_s.iloc[0])
    assert 1.0 <= t_on < 5.0
    lab = result.labels.to_pandas()
    np.testing.assert_allclose(
        lab.severity, 0.5 * np.clip((lab.t_s - t_on) / 1.0, 0.0, 1.0), atol=1e-9
    )
    assert float(lab.t_s.min()) >= t_on
    # quadratic pump load plus breakaway: T = load_pu T_N (w / w_N)^2 + T_0, load_pu 1 before,
    # 1.5 after
    proc = result.to_pandas("process")
    t_n, n_n = 49.5, 1438.0
    load = failsim.load_machine("im_7p5kw_pump").data["load"]
    assert (load["rated_torque_n_m"], load["rated_speed_rpm"]) == (t_n, n_n)
    for lo, hi, scale in ((t_on - 0.4, t_on - 0.05, 1.0), (t_on + 2.0, t_on + 3.0, 1.5)):
        seg = proc[(proc.t_s > lo) & (proc.t_s <= hi)]
        expected = scale * t_n * (seg.speed_rpm / n_n) ** 2 + load["breakaway_torque_n_m"]
        np.testing.assert_allclose(seg.torque_shaft_n_m, expected, rtol=0.01)


def test_lubrication_loss_heats_the_bearing_then_runs_away_into_a_seizure_and_a_trip():
    # friction x40 over 60 s: the drive-end bearing heats; above 60 degC the friction grows
    # by e every 5 K, the rotor locks at locked-rotor current and the relay trips
    fault = {"kind": "lubrication_loss", "target": "bearing.drive_end", "trigger": {"at_s": 5.0},
             "friction_factor": 40.0, "degradation_s": 60.0, "runaway_temp_c": 60.0,
             "runaway_width_k": 5.0}  # fmt: skip
    over = {
        "faults": [fault],
        "operation.stop_at_s": None,
        "streams": {"current": {"sample_rate_hz": 1000}, "process": {"sample_rate_hz": 1}},
    }
    res = failsim.simulate("im_7p5kw_pump_rated", duration_s=150.0, overrides=over)
    proc = res.to_pandas("process").set_index("t_s")
    ev = res.to_pandas("events")
    t_stall = float(ev[ev.kind == "stalled"].t_s.iloc[0])
    t_trip = float(ev[ev.kind == "relay_trip"].t_s.iloc[0])
    temp = proc.temp_bearing_drive_end_c
    other = proc.temp_bearing_non_drive_end_c
    # the bearing heats while its friction rises, far more than its healthy neighbour
    assert temp.loc[100.0] - temp.loc[5.0] > 15.0 > 5.0 * (other.loc[100.0] - other.loc[5.0])
    # the runaway: above 60 degC the heating accelerates and the rotor locks within seconds
    # (the measured temperature lags the bearing's by the sensor's time constant)
    t_hot = float(temp[temp > 60.0].index[0])
    assert t_hot - 10.0 < t_stall < t_hot + 15.0
    # ... and suddenly: up to 12 s before the lock the motor still runs within 2 % of its
    # speed with the degraded (but not yet running-away) bearing
    speed = proc.speed_rpm
    before = float(np.interp(t_stall - 12.0, speed.index, speed.to_numpy()))
    assert before == pytest.approx(float(speed.loc[100.0]), rel=0.02)
    assert temp.loc[40.0] < temp.loc[70.0] < temp.loc[100.0] < temp.loc[t_hot]
    assert 2.0 < t_trip - t_stall < 10.0  # locked-rotor current, class 10
    assert res.record["end_reason"] == "stalled"
    lab = res.labels.to_pandas()
    # severity: the friction multiplier of the degradation, linear from 1 to 40 over 60 s
    ramp = 1.0 + 39.0 * np.clip((lab.t_s - 5.0) / 60.0, 0.0, 1.0)
    np.testing.assert_allclose(lab.severity, ramp, rtol=1e-5)
    np.testing.assert_allclose(lab.health, 1.0 - ramp / 100.0, rtol=1e-5)


def test_lubrication_loss_by_condition_and_intermittent_is_labelled_window_by_window():
    # started by a condition: its multiplier counts from the realised onset
    when = {
        "kind": "lubrication_loss",
        "target": "bearing.drive_end",
        "friction_factor": 5.0,
        "degradation_s": 2.0,
        "trigger": {"when": {"signal": "speed_rpm", "above": 1400.0, "after_s": 1.0}},
    }
    res = failsim.simulate(
        "im_7p5kw_pump_rated",
        duration_s=5.0,
        overrides={"faults": [when], "operation.stop_at_s": None},
    )
    ev = res.to_pandas("events")
    t_on = float(ev[ev.kind == "lubrication_loss"].t_s.iloc[0])
    assert 1.0 <= t_on < 1.1
    lab = res.labels.to_pandas()
    np.testing.assert_allclose(
        lab.severity, 1.0 + 4.0 * np.clip((lab.t_s - t_on) / 2.0, 0.0, 1.0), rtol=1e-5
    )
    # intermittent: every window ramps from 1 again, and its labels follow it
    inter = {
        "kind": "lubrication_loss",
        "target": "bearing.drive_end",
        "friction_factor": 5.0,
        "degradation_s": 1.0,
        "trigger": {"at_s": 1.0, "intermittent": {"on_s": 1.5, "off_s": 1.0}},
    }
    res = failsim.simulate(
        "im_7p5kw_pump_rated",
        duration_s=6.0,
        overrides={"faults": [inter], "operation.stop_at_s": None},
    )
    lab = res.labels.to_pandas()
    for on in (1.0, 3.5):
        rows = lab[(lab.t_s >= on) & (lab.t_s < on + 1.5)]
        np.testing.assert_allclose(
            rows.severity, 1.0 + 4.0 * np.clip((rows.t_s - on) / 1.0, 0.0, 1.0), rtol=1e-5
        )
