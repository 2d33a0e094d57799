"""Conveyor faults on conveyor_7p5kw against the capstan law and the drive's current limit
(physics.md section 6): a belt slips once the running resistance passes the pulley's grip
T_2 (e^(mu theta) - 1); a jam drives the current to the drive's limit, the drive backs its
frequency off, the belt stops and the machine stalls."""

from __future__ import annotations

import math

import numpy as np
import pytest

import failsim
from failsim.spec import load_machine

from .test_drive_conveyor import _resistance

CONV = load_machine("conveyor_7p5kw").data["conveyor"]
LIMIT_A = load_machine("conveyor_7p5kw").data["drive"]["current_limit_a"]


def _capstan(mu: float, t2: float = CONV["takeup_tension_n"]) -> float:
    return t2 * math.expm1(mu * math.radians(CONV["wrap_angle_deg"]))


def _run(fault: dict, duration_s: float = 26.0):
    over = {"faults": [fault], "operation.stop_at_s": None}
    return failsim.simulate("conveyor_7p5kw_normal", duration_s=duration_s, overrides=over)


@pytest.mark.parametrize("loss_pct", [30.0, 60.0])
def test_belt_slips_once_the_resistance_passes_the_pulley_grip(loss_pct):
    fault = {"kind": "belt_slip", "target": "conveyor", "trigger": {"at_s": 20.0},
             "friction_loss_pct": loss_pct}  # fmt: skip
    res = _run(fault)
    proc = res.to_pandas("process")
    before = proc[(proc.t_s > 15.0) & (proc.t_s < 20.0)]
    assert float(before.belt_slip_pct.max()) < 1.0
    f_u = _resistance(CONV, float(before.belt_load_kg_m.mean()))
    grip = _capstan(CONV["friction_static"] * (1 - loss_pct / 100))
    ev = res.to_pandas("events")
    slip = ev[ev.kind == "belt_slip_start"]
    if grip > f_u:  # 30 %: the grip still covers the resistance, no gross slip
        assert slip.empty and float(proc[proc.t_s > 20.0].belt_slip_pct.max()) < 1.0
    else:  # 60 %: gross slip right after the onset, the belt falls behind the pulley
        assert not slip.empty and 20.0 < float(slip.t_s.iloc[0]) < 21.0
        after = proc[proc.t_s > 22.0]
        assert (after.belt_slip_pct > 10.0).all()
        assert float(after.belt_speed_m_s.iloc[-1]) < 0.8 * float(before.belt_speed_m_s.mean())
    assert f_u < _capstan(CONV["friction_static"])  # the healthy grip covers it
    # severity: the grip lost, %; health 0 once the grip no longer covers the design load
    lab = res.labels.to_pandas()
    full = _capstan(CONV["friction_static"])
    assert float(lab.severity.iloc[0]) == pytest.approx(100 * (1 - grip / full), rel=1e-5)
    assert (float(lab.health.iloc[0]) > 0.0) == (grip > f_u)


def test_jam_drives_the_current_to_the_limit_and_stalls_the_belt():
    fault = {"kind": "conveyor_jam", "target": "conveyor", "trigger": {"at_s": 20.0},
             "resistance_n": 6000.0}  # fmt: skip
    res = _run(fault, duration_s=34.0)
    proc = res.to_pandas("process")
    before = proc[(proc.t_s > 15.0) & (proc.t_s < 20.0)]
    assert float(before.current_rms_a.max()) < 0.7 * LIMIT_A
    during = proc[proc.t_s > 20.5]
    # the drive holds the current at its limit by lowering the output frequency: the rms
    # over each 100 ms stays within 5 % of the limit
    assert float(during.current_rms_a.max()) < 1.05 * LIMIT_A
    assert float(during.current_rms_a.min()) > 0.95 * LIMIT_A
    assert float(during.drive_frequency_hz.iloc[-1]) < 0.3 * 50.0
    assert float(during.belt_speed_m_s.iloc[-1]) < 0.05
    ev = res.to_pandas("events")
    stalled = ev[ev.kind == "stalled"]
    assert len(stalled) == 1 and float(stalled.t_s.iloc[0]) > 20.0
    assert res.record["end_reason"] == "stalled"
    # the jam takes more than the grip left at the design load: health 0
    lab = res.labels.to_pandas()
    assert (lab.health == 0.0).all() and set(lab.fault_kind) == {"conveyor_jam"}


def test_seized_idlers_add_their_sliding_friction_to_the_pulley_torque():
    # each seized carry roll brakes the belt with mu (q_B + q_G) g a; through the pulley and
    # the gearbox the motor shaft carries dF R / (i eta) more (a steady drive at set speed)
    fault = {"kind": "idler_seizure", "target": "conveyor", "trigger": {"at_s": 20.0},
             "seized_idlers": 5}  # fmt: skip
    res = _run(fault, duration_s=28.0)
    proc = res.to_pandas("process")
    before = proc[(proc.t_s > 16.0) & (proc.t_s < 20.0)].torque_shaft_n_m.mean()
    after = proc[(proc.t_s > 24.0) & (proc.t_s < 28.0)].torque_shaft_n_m.mean()
    machine = load_machine("conveyor_7p5kw").data
    q_g = CONV["design_throughput_t_h"] / 3.6 / CONV["design_belt_speed_m_s"]
    d_f = 5 * 0.4 * (CONV["belt_mass_kg_m"] + q_g) * 9.80665 * 1.2
    gear = machine["gearbox"]
    expected = d_f * 0.5 * CONV["pulley_diameter_m"] / (gear["ratio"] * gear["efficiency"])
    assert after - before == pytest.approx(expected, rel=0.03)
    lab = res.labels.to_pandas()
    grip_left = _capstan(CONV["friction_static"]) - _resistance(CONV, q_g)
    # health 0 when the seized rolls take all the grip left at the design load
    np.testing.assert_allclose(lab.health, 1.0 - d_f / grip_left, rtol=1e-4)
