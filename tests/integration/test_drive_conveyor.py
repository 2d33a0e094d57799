"""The 7.5 kW conveyor on its drive against independent results (issue checks and
physics.md section 8, checks 8 and 9): current limit and ramp on start-up, capstan grip and
gross slip, pulley torque from the belt tensions through the gearbox, regeneration into the
DC link during a controlled stop, STO and SS2 behaviour."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import yaml

import failsim
from failsim.physics.conveyor import (
    capstan_ratio,
    main_resistance_n,
    pulley_torque_n_m,
)
from failsim.spec import load_machine

MACHINE = "conveyor_7p5kw"


def _write(tmp_path, machine_changes=None, scenario=None) -> str:
    data = copy.deepcopy(load_machine(MACHINE).data)
    for section, values in (machine_changes or {}).items():
        data[section].update(values)
    data["name"] = "conveyor_test"
    mpath = tmp_path / "conveyor_test.yaml"
    mpath.write_text(yaml.safe_dump(data, sort_keys=False))
    sc = {"name": "conveyor_case", "machine": str(mpath), "duration_s": 20.0}
    sc.update(scenario or {})
    spath = tmp_path / "conveyor_case.yaml"
    spath.write_text(yaml.safe_dump(sc, sort_keys=False))
    return str(spath)


def _resistance(conv: dict, q_g: float) -> float:
    """Running resistance F_U of the conveyor at bulk load q_g (kg/m), DIN 22101 form."""
    from failsim.physics.conveyor import coefficient_c

    return float(
        main_resistance_n(
            coefficient_c(conv["length_m"]),
            conv["friction_factor"],
            conv["length_m"],
            conv["carry_idler_mass_kg_m"],
            conv["return_idler_mass_kg_m"],
            conv["belt_mass_kg_m"],
            q_g,
        )
        + conv["special_resistance_n"]
    )


@pytest.fixture(scope="module")
def normal_run():
    return failsim.simulate("conveyor_7p5kw_normal", duration_s=24.0)


def test_start_stays_within_the_current_limit(normal_run):
    proc = normal_run.to_pandas("process")
    limit = load_machine(MACHINE).data["drive"]["current_limit_a"]
    # the limit acts on the instantaneous current vector: the rms over each 100 ms stays under
    assert proc.current_rms_a.max() <= limit * 1.02
    cur = normal_run.to_pandas("current")
    peak = np.abs(cur[["current_a_a", "current_b_a", "current_c_a"]].to_numpy()).max()
    assert peak <= math.sqrt(2) * limit * 1.05


def test_light_start_reaches_the_set_frequency_in_the_ramp_time(tmp_path):
    # at 30 % load the current limit never binds: the output frequency follows the ramp
    # exactly (10 s from 0 to 50 Hz) and the motor reaches set speed minus its slip
    path = _write(tmp_path, scenario={"operation": {"load_profile": [{"at_s": 0, "load_pu": 0.3}]}})
    result = failsim.simulate(path, duration_s=14.0)
    proc = result.to_pandas("process").set_index("t_s")
    f = proc.drive_frequency_hz
    assert f.loc[5.0] == pytest.approx(25.0, abs=0.6)  # interval mean over 4.9-5.0 s
    assert f.loc[10.2] == pytest.approx(50.0, abs=1e-6)
    assert f[f.index < 9.9].max() < 50.0
    assert proc.speed_rpm.loc[12.0:14.0].mean() == pytest.approx(1500.0, rel=0.03)
    assert proc.speed_rpm.loc[12.0:14.0].mean() < 1500.0
    events = result.to_pandas("events")
    running = events[events.kind == "running"].t_s.iloc[0]
    assert 9.99 <= running <= 10.01


def test_steady_running_pulley_torque_and_gearbox(normal_run):
    # steady state at design load: F_t = T1 - T2 = F_U (DIN 22101), pulley torque F_U R, and
    # through the gearbox the coupling torque is F_U R / (i eta) plus the breakaway torque
    data = load_machine(MACHINE).data
    conv, gear = data["conveyor"], data["gearbox"]
    proc = normal_run.to_pandas("process")
    steady = proc[(proc.t_s > 16.0) & (proc.t_s <= 24.0)]
    q_g = float(steady.belt_load_kg_m.mean())
    f_u = _resistance(conv, q_g)
    t2 = conv["takeup_tension_n"]
    r = 0.5 * conv["pulley_diameter_m"]
    t_pulley = float(pulley_torque_n_m(t2 + f_u, t2, r))
    expected = (
        t_pulley / (gear["ratio"] * gear["efficiency"]) + data["load"]["breakaway_torque_n_m"]
    )
    assert float(steady.torque_shaft_n_m.mean()) == pytest.approx(expected, rel=0.005)
    # no gross slip while T1/T2 < e^(mu theta): only elastic creep, well under 1 %
    assert (t2 + f_u) / t2 < float(capstan_ratio(conv["friction_static"], math.pi))
    assert float(steady.belt_slip_pct.max()) < 1.0
    assert "belt_slip_start" not in set(normal_run.to_pandas("events").kind)
    # power: the belt takes F_U v, the motor shaft that over the gear efficiency
    p_belt = f_u * float(steady.belt_speed_m_s.mean())
    p_shaft = float((steady.torque_shaft_n_m * steady.speed_rpm * math.pi / 30).mean())
    p_break = data["load"]["breakaway_torque_n_m"] * float(steady.speed_rpm.mean()) * math.pi / 30
    slip_loss = f_u * float((steady.pulley_speed_m_s - steady.belt_speed_m_s).mean())
    assert p_shaft == pytest.approx((p_belt + slip_loss) / gear["efficiency"] + p_break, rel=0.01)


def test_gross_slip_begins_where_the_capstan_limit_is_exceeded(tmp_path):
    # the feeder ramps the bulk load up while the belt runs: the running resistance F_U grows
    # until T1 = T2 + F_U exceeds T2 e^(mu_s theta); gross slip must start right there, and
    # not before (only elastic creep below 1 % while T1/T2 < e^(mu theta))
    conv = load_machine(MACHINE).data["conveyor"]
    t2 = 1400.0
    capacity = t2 * (float(capstan_ratio(conv["friction_static"], math.pi)) - 1.0)
    path = _write(
        tmp_path,
        {"conveyor": {"takeup_tension_n": t2}, "drive": {"ramp_up_s": 30.0}},
        {
            "duration_s": 90.0,
            "operation": {
                "load_profile": [
                    {"at_s": 0.0, "load_pu": 0.8},
                    {"at_s": 35.0, "load_pu": 2.5, "ramp_s": 10.0},
                ]
            },
        },
    )
    result = failsim.simulate(path)
    events = result.to_pandas("events")
    onset = events[events.kind == "belt_slip_start"]
    assert len(onset) >= 1
    t_slip = float(onset.t_s.iloc[0])
    assert t_slip > 35.0  # not during the start
    proc = result.to_pandas("process")
    at = proc[proc.t_s <= t_slip].iloc[-1]
    f_u = _resistance(conv, float(at.belt_load_kg_m))
    assert f_u == pytest.approx(capacity, rel=0.03)
    before = proc[(proc.t_s > 32.0) & (proc.t_s < t_slip - 1.0)]
    assert float(before.belt_slip_pct.max()) < 1.0
    after = proc[proc.t_s > t_slip + 3.0]
    assert float(after.belt_slip_pct.mean()) > 10.0


def test_ss1_regenerates_into_the_dc_link_and_the_chopper(tmp_path):
    # a 3 s SS1 ramp is faster than the loaded belt's natural coast-down (about 5 s): the
    # motor generates (active power < 0), the DC link rises to the chopper, which burns it;
    # the energy balance of the DC link closes: integral of (P_motor + P_chopper) = -dE_C
    path = _write(
        tmp_path, scenario={"duration_s": 24.0, "events": [{"at_s": 14.0, "action": "ss1"}]}
    )
    result = failsim.simulate(path)
    proc = result.to_pandas("process")
    ramp = proc[(proc.t_s > 14.3) & (proc.t_s <= 15.5)]
    assert float(ramp.power_active_w.max()) < 0.0
    assert float(proc.dc_link_voltage_v.max()) > 700.0
    assert float(ramp.braking_power_w.mean()) > 0.0
    seg = proc[(proc.t_s > 14.4) & (proc.t_s <= 15.4)]
    drive = load_machine(MACHINE).data["drive"]
    c = drive["dc_link_capacitance_f"]
    v0 = float(proc[proc.t_s <= 14.4].dc_link_voltage_v.iloc[-1])
    v1 = float(seg.dc_link_voltage_v.iloc[-1])
    energy_in = float((seg.power_active_w + seg.braking_power_w).sum()) * 0.1
    through = float(seg.braking_power_w.sum()) * 0.1  # energy burnt in the resistor, J
    assert through > 200.0
    # closes to 1 % of the energy that passed through, plus the energy of one chopper
    # hysteresis swing (the stream gives interval means of V_dc, not its value at the ends)
    swing = 0.5 * c * (drive["chopper_on_v"] ** 2 - drive["chopper_off_v"] ** 2)
    assert energy_in == pytest.approx(-0.5 * c * (v1**2 - v0**2), abs=0.01 * through + swing)
    events = result.to_pandas("events")
    kinds = list(events.kind)
    assert "drive_ss1" in kinds and "sto_active" in kinds
    assert events[events.kind == "drive_ss1"].category.iloc[0] == "safety"


def test_sto_removes_current_within_50_ms(tmp_path):
    path = _write(
        tmp_path, scenario={"duration_s": 14.0, "events": [{"at_s": 12.0, "action": "sto"}]}
    )
    result = failsim.simulate(path)
    cur = result.to_pandas("current")
    after = cur[cur.t_s >= 12.0 + 0.05]
    # only the current sensors' own noise is left (0.02 A rms: 6 sigma is 0.12 A)
    noise = load_machine(MACHINE).data["sensors"]["current"]["noise_a_rms"]
    phases = after[["current_a_a", "current_b_a", "current_c_a"]].to_numpy()
    assert np.abs(phases).max() < 6.0 * noise
    assert float(np.std(phases)) < 1.2 * noise
    before = cur[(cur.t_s > 11.9) & (cur.t_s < 12.0)]
    assert np.abs(before.current_a_a.to_numpy()).max() > 5.0
    events = result.to_pandas("events")
    t_sto = float(events[events.kind == "sto_active"].t_s.iloc[0])
    assert t_sto == pytest.approx(12.01, abs=1e-9)  # the drive's 10 ms response


def test_ss2_holds_current_at_standstill(tmp_path):
    # category 2 (not an emergency stop): decelerate, then keep the output on at 0 Hz
    path = _write(
        tmp_path, scenario={"duration_s": 22.0, "events": [{"at_s": 12.0, "action": "ss2"}]}
    )
    result = failsim.simulate(path)
    proc = result.to_pandas("process")
    end = proc[proc.t_s > 20.0]
    assert float(end.drive_frequency_hz.max()) == 0.0
    assert abs(float(end.speed_rpm.mean())) < 5.0
    assert float(end.current_rms_a.mean()) > 0.5  # holding current
    assert "sto_active" not in set(result.to_pandas("events").kind)


def test_normal_ramp_stop_faster_than_coast_down_regenerates_into_the_dc_link(tmp_path):
    # a 2 s normal ramp stop (not a safety function) on the loaded belt, faster than its
    # natural coast-down: the regenerated energy reaches the DC link, the chopper burns it
    path = _write(
        tmp_path,
        {"drive": {"ramp_down_s": 2.0}},
        {"duration_s": 20.0, "operation": {"stop_at_s": 14.0}},
    )
    result = failsim.simulate(path)
    proc = result.to_pandas("process")
    ramp = proc[(proc.t_s > 14.2) & (proc.t_s <= 15.5)]
    assert float(ramp.power_active_w.min()) < -500.0  # generating
    assert float(proc[proc.t_s > 14.0].dc_link_voltage_v.max()) > 700.0
    assert float(ramp.braking_power_w.sum()) * 0.1 > 100.0  # J into the resistor
    kinds = list(result.to_pandas("events").kind)
    assert "drive_ramp_stop" in kinds and "drive_off" in kinds and "sto_active" not in kinds


def _mesh_lines(result, teeth: int):
    from failsim.analysis.spectra import amplitude_spectrum, peak_near

    proc = result.to_pandas("process")
    vib = result.to_pandas("vibration")
    sel = vib[vib.t_s > 12.0]
    f_r = float(proc[proc.t_s > 12.0].speed_rpm.mean()) / 60.0
    f, a = amplitude_spectrum(sel.accel_drive_end_vertical_m_s2.to_numpy(float), 25_600)
    lines = [peak_near(f, a, (teeth + k) * f_r, rel_tol=0.002) for k in (-1, 0, 1)]
    return f_r, lines


def test_gear_mesh_order_with_runout_sidebands(tmp_path):
    teeth = load_machine(MACHINE).data["gearbox"]["input_teeth"]
    result = failsim.simulate("conveyor_7p5kw_normal", duration_s=16.0)
    f_r, (low, mesh, high) = _mesh_lines(result, teeth)
    assert mesh[0] == pytest.approx(teeth * f_r, rel=0.002)
    assert mesh[1] > 3.0 * max(low[1], high[1])  # the mesh line stands above its sidebands
    # once-per-revolution runout: force sidebands at +/- f_r of half the modulation depth;
    # at the sensor one of them can sit near an antiresonance of the structure (the
    # vertical modes' accelerances cancel near 430 Hz here), so ask for the stronger one
    assert max(low[1], high[1]) > 0.02 * mesh[1]


def test_gear_mesh_force_is_proportional_to_the_transmitted_torque():
    import numpy as np

    from failsim.components.machine import Machine
    from failsim.kernels import layout as L
    from failsim.vibration.stage import VibrationStage

    machine = Machine.from_spec(load_machine(MACHINE))
    stage = VibrationStage(machine, 1, 25_600, 2, 50.0)
    fs = 51_200
    t = np.arange(fs) / fs
    amps = []
    for torque in (10.0, 40.0):
        trace = np.zeros((L.N_T, t.size))
        trace[L.T_THETA_M] = 150.0 * t
        trace[L.T_WM] = 150.0
        trace[L.T_TSHAFT] = torque
        amps.append(np.abs(stage._extra_forces(trace)[0, 1]).max())
    assert amps[1] / amps[0] == pytest.approx(4.0, rel=1e-9)
    rated = machine.motor.rated.power_w / machine.motor.rated_speed_rad_s
    f0 = load_machine(MACHINE).data["vibration"]["gear_mesh_force_n"]
    assert amps[1] <= f0 * 40.0 / rated * 1.1 + 1e-12  # (1 + modulation) at most


def test_pwm_ripple_lines_follow_the_output_frequency_and_stop_with_sto(tmp_path):
    import numpy as np

    from failsim.analysis.spectra import amplitude_spectrum, peak_near

    drive = load_machine(MACHINE).data["drive"]
    f_sw = drive["switching_frequency_hz"]
    path = _write(
        tmp_path, scenario={"duration_s": 16.0, "events": [{"at_s": 14.0, "action": "sto"}]}
    )
    result = failsim.simulate(path)
    cur = result.to_pandas("current")
    f_out = float(
        result.to_pandas("process").query("t_s > 12 and t_s < 14").drive_frequency_hz.mean()
    )
    running = cur[(cur.t_s >= 12.0) & (cur.t_s < 14.0)].current_a_a.to_numpy(float)
    f, a = amplitude_spectrum(running, 10_000)
    bin_hz = f[1] - f[0]
    rated = load_machine(MACHINE).data["motor"]["rated"]["current_a"]
    for line in (f_sw - 2 * f_out, f_sw + 2 * f_out):
        f_peak, amp = peak_near(f, a, line, rel_tol=0.002)
        assert abs(f_peak - line) <= bin_hz
        assert amp == pytest.approx(drive["pwm_ripple_pct"] / 100 * rated * np.sqrt(2), rel=0.15)
    _, carrier = peak_near(f, a, f_sw, rel_tol=0.001)
    assert carrier < 0.01 * amp  # common-mode: not in the phase current
    after = cur[cur.t_s >= 14.1].current_a_a.to_numpy(float)
    f2, a2 = amplitude_spectrum(after, 10_000)
    assert peak_near(f2, a2, f_sw - 2 * f_out, rel_tol=0.01)[1] < 0.01 * amp
