"""The parcel conveyor's DC motor and DC drive against the DC-motor equations (physics.md
section 1): steady state from voltage and torque, current limit, ramp, normal stop."""

from __future__ import annotations

import math

import pytest

import failsim
from failsim.physics.dc_motor import DCMotor, steady_state
from failsim.physics.mechanics import bearing_friction_torque_n_m
from failsim.spec import load_machine


@pytest.fixture(scope="module")
def run():
    return failsim.simulate("parcel_conveyor_dc_normal", duration_s=28.0)


def _motor():
    return load_machine("parcel_conveyor_dc").data["motor"]


def test_steady_state_speed_from_voltage_and_current_from_torque(run):
    m = _motor()
    proc = run.to_pandas("process")
    steady = proc[(proc.t_s > 3.0) & (proc.t_s <= 7.0)]
    u = float(steady.voltage_rms_v.mean())
    i = float(steady.current_rms_a.mean())
    w = float(steady.speed_rpm.mean()) * math.pi / 30.0
    k = m["back_emf_constant_v_s_rad"]
    # armature resistance at the armature (rotor) temperature: copper, from 20 degC
    r_a = m["armature_resistance_ohm"] * (234.5 + 25.0) / (234.5 + 20.0)
    assert w == pytest.approx((u - r_a * i) / k, rel=0.005)
    # torque balance: k i = coupling torque + bearing friction + windage
    bearings = load_machine("parcel_conveyor_dc").data["bearings"]
    t_bear = sum(
        bearing_friction_torque_n_m(
            b["friction_coefficient"], b["radial_load_n"], b["bore_diameter_m"]
        )
        for b in bearings
    )
    t_wind = m["windage_loss_w"] / (m["rated"]["speed_rpm"] * math.pi / 30) ** 3 * w * w
    t_shaft = float(steady.torque_shaft_n_m.mean())
    assert k * i == pytest.approx(t_shaft + t_bear + t_wind, rel=0.01)
    # and the stand-alone steady-state function agrees at that voltage and torque
    ss = steady_state(DCMotor(r_a, m["armature_inductance_h"], k), u, t_shaft + t_bear + t_wind)
    assert float(ss.speed_rad_s) == pytest.approx(w, rel=0.005)
    assert float(ss.armature_current_a) == pytest.approx(i, rel=0.01)


def test_start_within_current_limit_reaches_set_speed_in_ramp_time(run):
    limit = load_machine("parcel_conveyor_dc").data["dc_drive"]["current_limit_a"]
    cur = run.to_pandas("current")
    assert float(cur.current_armature_a.max()) <= limit * 1.03
    events = run.to_pandas("events")
    t_run = float(events[events.kind == "running"].t_s.iloc[0])
    assert t_run == pytest.approx(2.0, abs=0.01)  # the 2 s speed ramp
    proc = run.to_pandas("process")
    assert float(proc[(proc.t_s > 3.0) & (proc.t_s <= 7.0)].speed_rpm.mean()) == pytest.approx(
        1800.0, abs=1.0
    )


def test_normal_stop_on_the_ramp(run):
    events = run.to_pandas("events")
    kinds = list(events.kind)
    assert "drive_ramp_stop" in kinds and "drive_off" in kinds
    t_off = float(events[events.kind == "drive_off"].t_s.iloc[0])
    assert t_off == pytest.approx(27.0, abs=0.01)  # stop at 25 s, 2 s ramp
    cur = run.to_pandas("current")
    after = cur[cur.t_s > t_off + 0.01]
    noise = load_machine("parcel_conveyor_dc").data["sensors"]["current"]["noise_a_rms"]
    assert float(after.current_armature_a.abs().max()) < 6 * noise
