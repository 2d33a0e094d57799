"""Every bundled fault scenario: the labels of every stream, the labels table and the run
record agree with the realised events (onsets and ends from the event log, overlapping
faults, condition-triggered faults, runs that end early)."""

from __future__ import annotations

import numpy as np
import pytest

import failsim
from failsim.faults.machine_faults import STOP_FAULT_KINDS
from failsim.spec.bundled import bundled_names

FAULT_SCENARIOS = sorted(
    name
    for name in bundled_names("scenarios")
    if failsim.load_scenario(name).data.get("faults")
    and not name.endswith("sensor_faults")  # sensor faults: tests/integration/test_sensor_*
    and not failsim.load_scenario(name).data.get("recording")  # test_recording_bursts.py
)


def test_there_are_fault_scenarios_for_every_machine_fault_kind():
    kinds = {
        f["kind"] for name in FAULT_SCENARIOS for f in failsim.load_scenario(name).data["faults"]
    }
    from failsim.faults.machine_faults import MACHINE_FAULT_KINDS

    assert kinds >= set(MACHINE_FAULT_KINDS)


@pytest.mark.parametrize("name", FAULT_SCENARIOS)
def test_labels_agree_with_the_realised_events(name):
    res = failsim.simulate(name)
    ev = res.to_pandas("events")
    real = ev[ev.category == "fault"]
    assert len(real) >= 1, "the scenario's faults never happened"
    windows = {
        int(r.fault_index): (r.t_s, np.inf if np.isnan(r.end_s) else r.end_s)
        for r in real.itertuples()
    }
    kinds = {int(r.fault_index): r.kind for r in real.itertuples()}
    for stream, table in res.streams.items():
        t = table.column("t_s").to_numpy()
        expected = np.zeros(t.shape, dtype=np.int64)
        for i, (on, off) in windows.items():
            expected[(t >= on) & (t < off)] |= 1 << i
        np.testing.assert_array_equal(table.column("fault_mask").to_numpy(), expected, stream)
        np.testing.assert_array_equal(table.column("is_anomaly").to_numpy(), expected != 0)
        names = np.asarray(table.column("active_faults").to_pylist())
        for m in np.unique(expected):
            want = "|".join(kinds[i] for i in sorted(kinds) if int(m) >> i & 1)
            assert set(names[expected == m]) == {want}, (stream, m)

    # the labels table: one row per process sample and active fault, health in [0, 1]
    lab = res.labels.to_pandas()
    proc_t = res.streams["process"].column("t_s").to_numpy()
    for i, (on, off) in windows.items():
        rows = lab[lab.fault_index == i]
        np.testing.assert_array_equal(rows.t_s, proc_t[(proc_t >= on) & (proc_t < off)])
        assert set(rows.fault_kind) <= {kinds[i]}
    assert lab.health.between(0.0, 1.0).all()
    assert set(lab.phase) <= {"incipient", "developing", "failed"}
    stops = lab[lab.fault_kind.isin(STOP_FAULT_KINDS)]
    assert (stops.health == 0.0).all()

    # the run record: ended early at the first trip, stop or lock-up of the event log
    ends = ev[
        ev.kind.isin(["relay_trip", "drive_trip", "stalled"])
        | ((ev.category == "fault") & ev.kind.isin(STOP_FAULT_KINDS))
    ]
    rec = res.record
    assert rec["ended_early"] == (len(ends) > 0)
    if len(ends):
        first = ends.sort_values("t_s", kind="stable").iloc[0]
        assert rec["end_reason"] == first.kind and rec["end_t_s"] == first.t_s
    assert rec["fault_kinds"] == "|".join(sorted(set(kinds.values())))
