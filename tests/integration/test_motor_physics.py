"""The dynamic motor model against results computed independently of the kernel
(physics.md section 8): the steady-state equivalent circuit, locked rotor, relay trip times,
coast-down laws and stop behaviour."""

from __future__ import annotations

import math

import numpy as np
import pytest

import failsim
from failsim.physics.induction_motor import equivalent_circuit, locked_rotor, slip_for_torque
from failsim.physics.mechanics import coast_down_time_s
from failsim.physics.overload_relay import TRIP_CLASS_WINDOWS_S, trip_time_s
from failsim.simulation import SolverOptions

from .conftest import IDEAL

T_RATED = 49.5
N_SYNC = 1500.0
FROZEN = SolverOptions(thermal_coupling=False)


def _circuit():
    from failsim.components.machine import Machine

    m = Machine.from_spec(failsim.load_machine("im_7p5kw_pump"))
    return m.motor.circuit(with_iron_loss=False)


def _constant_load(torque_n_m: float) -> dict:
    """IDEAL machine with a constant load torque and no bearing friction."""
    return {
        **IDEAL,
        "load": {"type": "constant", "rated_torque_n_m": torque_n_m, "breakaway_torque_n_m": 0.0},
        "bearings": [
            {
                "name": "drive_end",
                "designation": "6308",
                "bore_diameter_m": 0.04,
                "radial_load_n": 0.0,
            },
            {
                "name": "non_drive_end",
                "designation": "6208",
                "bore_diameter_m": 0.04,
                "radial_load_n": 0.0,
            },
        ],
    }


def _steady(result, t_from: float):
    proc = result.to_pandas("process")
    cur = result.to_pandas("current")
    sel = proc[proc.t_s >= t_from]
    csel = cur[cur.t_s >= t_from]
    rms = math.sqrt(
        float(np.mean(csel[["current_a_a", "current_b_a", "current_c_a"]].to_numpy() ** 2))
    )
    return float(sel.speed_rpm.mean()), rms, float(sel.torque_shaft_n_m.mean())


def test_rated_load_steady_state_matches_equivalent_circuit(write_specs):
    # physics.md: 1438 rpm, 13.5 A, 49.5 N m, resistances at reference temperature, no iron
    # loss; the tolerance is put on slip (1 % of speed is a third of the slip)
    path = write_specs(_constant_load(T_RATED), {"duration_s": 2.0})
    result = failsim.simulate(path, options=FROZEN)
    speed, rms, torque = _steady(result, 1.5)
    ref = equivalent_circuit(
        _circuit(), 400.0, 50.0, slip_for_torque(_circuit(), 400.0, 50.0, T_RATED)
    )
    slip = 1.0 - speed / N_SYNC
    assert slip == pytest.approx(float(ref.slip), rel=0.01)
    assert rms == pytest.approx(float(ref.stator_current_a), rel=0.003)
    assert rms == pytest.approx(13.5, abs=0.1)
    assert speed == pytest.approx(1438.0, abs=1.0)
    assert torque == pytest.approx(T_RATED, rel=0.002)


@pytest.mark.parametrize("load_pu", [0.25, 0.6, 1.3])
def test_dynamic_model_agrees_with_circuit_over_loads(write_specs, load_pu):
    torque_ref = T_RATED * load_pu
    path = write_specs(_constant_load(torque_ref), {"duration_s": 2.0})
    result = failsim.simulate(path, options=FROZEN)
    speed, rms, _ = _steady(result, 1.5)
    circ = _circuit()
    ref = equivalent_circuit(circ, 400.0, 50.0, slip_for_torque(circ, 400.0, 50.0, torque_ref))
    assert 1.0 - speed / N_SYNC == pytest.approx(float(ref.slip), rel=0.015)
    assert rms == pytest.approx(float(ref.stator_current_a), rel=0.004)


def _locked(extra: dict | None = None) -> dict:
    changes = _constant_load(0.0)
    changes["motor"] = {**changes["motor"], "inertia_kg_m2": 1.0e5}
    changes["load"] = {**changes["load"], "inertia_kg_m2": 1.0e5}
    if extra:
        changes.update(extra)
    return changes


def test_locked_rotor_current_matches_circuit(write_specs):
    path = write_specs(_locked(), {"duration_s": 1.0})
    result = failsim.simulate(path, options=FROZEN)
    _, rms, _ = _steady(result, 0.5)
    ref = locked_rotor(_circuit(), 400.0, 50.0)
    assert rms == pytest.approx(float(ref.stator_current_a), rel=0.005)
    assert 5.0 <= rms / 13.5 <= 9.0


def test_stall_trips_class_10_relay_inside_its_window(write_specs):
    # a locked rotor draws about 7.2 I_e: the class 10 relay must trip in 4-10 s from cold,
    # at the time its replica predicts for the current the motor actually drew
    path = write_specs(_locked(), {"duration_s": 10.0})
    result = failsim.simulate(path)
    events = result.to_pandas("events")
    trip = events[events.kind == "relay_trip"]
    assert len(trip) == 1
    t_trip = float(trip.t_s.iloc[0])
    lo, hi = TRIP_CLASS_WINDOWS_S[10]
    assert lo <= t_trip <= hi
    cur = result.to_pandas("current")
    before = cur[(cur.t_s >= 0.2) & (cur.t_s < t_trip)]
    rms = float(np.sqrt(np.mean(before.current_a_a.to_numpy(dtype=float) ** 2)))
    predicted = trip_time_s(rms / 13.5, 10)
    assert t_trip == pytest.approx(predicted, rel=0.03)
    # the trip opens the contactor after its drop-out delay, and the run says it ended early
    opened = events[events.kind == "contactor_opened"]
    assert float(opened.t_s.iloc[0]) == pytest.approx(t_trip + 0.02, abs=1e-4)
    assert result.record["ended_early"] and result.record["end_reason"] == "relay_trip"
    proc = result.to_pandas("process")
    assert (proc[proc.t_s > t_trip + 0.1].machine_state == "tripped").all()
    early = proc[(proc.t_s >= 0.1) & (proc.t_s <= t_trip)]
    assert early.relay_thermal_level_pu.is_monotonic_increasing


def test_stall_winding_heating_rate_is_adiabatic_at_first(write_specs):
    # in the first second of a stall the winding heats at P_cu / C_winding (its conduction to
    # the iron is still about 1 % of the copper loss); physics.md: 4-8 K/s for a stalled winding
    sensors = {"temperature": {"noise_c_rms": 0.0, "resolution_c": 0.0,
                               "time_constant_s": {"winding": 0.001}}}  # fmt: skip
    path = write_specs(_locked({"sensors": {**IDEAL["sensors"], **sensors}}), {"duration_s": 1.2})
    result = failsim.simulate(path)
    proc = result.to_pandas("process").set_index("t_s")
    cur = result.to_pandas("current")
    sel = cur[(cur.t_s >= 0.2) & (cur.t_s < 1.2)]
    i2 = float(np.mean(sel[["current_a_a", "current_b_a", "current_c_a"]].to_numpy(float) ** 2))
    t_w = proc.temp_winding_c
    slope = (t_w.loc[1.1] - t_w.loc[0.2]) / 0.9
    r_mean = 0.7384 * (234.5 + float(t_w.loc[0.2] + t_w.loc[1.1]) / 2) / (234.5 + 20.0)
    expected = 3.0 * i2 * r_mean / 3200.0
    assert slope == pytest.approx(expected, rel=0.03)
    assert 4.0 <= slope <= 8.0


def _coast_machine(friction_n_m: float = 0.0, viscous: float = 0.0) -> dict:
    changes = _constant_load(0.0)
    # SKF model M = 0.5 mu F d: mu 0.01, d 0.04 m -> F for the wanted friction torque
    load_n = friction_n_m / (0.5 * 0.01 * 0.04)
    de = {"name": "drive_end", "designation": "6308", "bore_diameter_m": 0.04}
    nde = {"name": "non_drive_end", "designation": "6208", "bore_diameter_m": 0.04}
    changes["bearings"] = [
        {**de, "friction_coefficient": 0.01, "radial_load_n": load_n},
        {**nde, "radial_load_n": 0.0},
    ]
    changes["motor"] = {**changes["motor"], "viscous_friction_n_m_s_rad": viscous}
    return changes


def test_coast_down_time_with_constant_friction(write_specs):
    # t_stop = J w0 / T_f (physics.md section 5), J = motor + load inertia
    t_f = 0.5
    path = write_specs(
        _coast_machine(friction_n_m=t_f),
        {"duration_s": 30.0, "operation": {"stop_at_s": 1.0}},
    )
    result = failsim.simulate(path, options=FROZEN)
    ev = result.to_pandas("events")
    t_open = float(ev[ev.kind == "contactor_opened"].t_s.iloc[0])
    stopped = ev[(ev.kind == "stopped") & (ev.t_s > t_open)]
    assert len(stopped) == 1
    t_stop = float(stopped.t_s.iloc[0]) - t_open
    w0 = float(ev[(ev.kind == "stopping")].value.iloc[0])
    w_end = 0.005 * 2 * math.pi * 25.0  # the standstill threshold, 0.5 % of synchronous speed
    j = 0.0343 + 0.05
    assert t_stop == pytest.approx(coast_down_time_s(j, w0, t_f, w_end), rel=0.01)


def test_viscous_coast_down_is_exponential(write_specs):
    b = 0.05
    path = write_specs(
        _coast_machine(viscous=b), {"duration_s": 3.0, "operation": {"stop_at_s": 1.0}}
    )
    result = failsim.simulate(path, options=FROZEN)
    ev = result.to_pandas("events")
    t_open = float(ev[ev.kind == "contactor_opened"].t_s.iloc[0])
    proc = result.to_pandas("process")
    j = 0.0343 + 0.05
    w_open = float(np.interp(t_open, proc.t_s, proc.speed_rpm)) * math.pi / 30
    # each encoder sample is the mean speed over its interval: compare with the analytic mean
    # (J/B)(w(t0) - w(t1))/dt of w = w_open exp(-B (t - t_open) / J)
    rows = proc[proc.t_s >= t_open + 0.3]
    t1 = rows.t_s.to_numpy() - t_open
    t0 = t1 - 0.1
    mean_w = j / b * w_open * (np.exp(-b * t0 / j) - np.exp(-b * t1 / j)) / 0.1
    np.testing.assert_allclose(rows.speed_rpm.to_numpy() * math.pi / 30, mean_w, rtol=0.01)


def test_contactor_open_stops_current_within_50_ms_and_residual_voltage_decays(write_specs):
    path = write_specs(IDEAL, {"duration_s": 2.0, "operation": {"stop_at_s": 1.0}})
    result = failsim.simulate(path, options=FROZEN)
    ev = result.to_pandas("events")
    t_cmd = float(ev[ev.kind == "contactor_open_command"].t_s.iloc[0])
    t_open = float(ev[ev.kind == "contactor_opened"].t_s.iloc[0])
    assert t_open - t_cmd <= 0.05
    cur = result.to_pandas("current")
    after = cur[cur.t_s >= t_cmd + 0.05]
    assert np.abs(after[["current_a_a", "current_b_a", "current_c_a"]].to_numpy()).max() < 1e-3
    # residual voltage of the decaying rotor field: large at first, gone after ~5 tau_r
    v = cur.voltage_a_v.to_numpy(dtype=float)
    t = cur.t_s.to_numpy()
    first = np.abs(v[(t >= t_open) & (t < t_open + 0.02)]).max()
    late = np.abs(v[(t >= t_open + 0.9) & (t < t_open + 0.92)]).max()
    assert first > 0.5 * 400.0 * math.sqrt(2.0 / 3.0)
    assert late < 0.02 * first
    # machine states: running until the contactor opens, then stopping
    states = cur.machine_state.astype(str).to_numpy()
    assert states[(t > 0.5) & (t < t_open)].tolist() == ["running"] * int(
        np.sum((t > 0.5) & (t < t_open))
    )
    assert set(states[t > t_open + 0.001]) <= {"stopping", "stopped"}
