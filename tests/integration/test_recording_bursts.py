"""Runs recorded in bursts: only the bursts are simulated and written; across the gaps the
thermal network and the relay replica move on exactly for the last burst's mean heat input
and current (kernels/gap.py), against the same run simulated without gaps; byte-identical
whatever the chunking; labels and remaining useful life over a run to failure."""

from __future__ import annotations

import numpy as np
import pytest

import failsim
from failsim.simulation import SolverOptions

SLOW_RATES = {"current": {"sample_rate_hz": 1000}, "process": {"sample_rate_hz": 1}}


def _pump(recording: dict | None, duration_s: float = 630.0):
    over = {"operation.stop_at_s": None, "streams": SLOW_RATES}
    if recording:
        over["recording"] = recording
    return failsim.simulate("im_7p5kw_pump_rated", duration_s=duration_s, overrides=over)


def test_gaps_move_the_slow_state_on_as_the_continuous_run():
    rec = {"burst_s": 1.0, "every_s": 120.0, "start_s": 30.0}
    bursts = _pump(rec).to_pandas("process").set_index("t_s")
    full = _pump(None).to_pandas("process").set_index("t_s")
    assert list(bursts.index) == [30.0 + 120.0 * k for k in range(5)]
    at = full.loc[bursts.index]
    # the copper losses grow with the winding's resistance during a gap, which the
    # fast-forward holds at the last burst's: within 1 K over 2 min gaps
    for col in ("temp_winding_c", "temp_housing_c", "temp_bearing_drive_end_c"):
        np.testing.assert_allclose(bursts[col], at[col], atol=1.0, err_msg=col)
    np.testing.assert_allclose(bursts.relay_thermal_level_pu, at.relay_thermal_level_pu, atol=0.01)
    np.testing.assert_allclose(bursts.speed_rpm, at.speed_rpm, rtol=1e-3)
    assert bursts.temp_winding_c.iloc[-1] > bursts.temp_winding_c.iloc[0] + 15.0


def test_only_the_bursts_are_written_whatever_the_chunking(tmp_path):
    rec = {"burst_s": 0.5, "every_s": 20.0, "lead_in_s": 0.5}
    over = {"operation.stop_at_s": None, "recording": rec}
    a, b = tmp_path / "a", tmp_path / "b"
    failsim.run("im_7p5kw_pump_rated", a, duration_s=70.0, overrides=over,
                options=SolverOptions(chunk_s=0.07))  # fmt: skip
    failsim.run("im_7p5kw_pump_rated", b, duration_s=70.0, overrides=over,
                options=SolverOptions(chunk_s=1.0))  # fmt: skip
    files = sorted(p.relative_to(a) for p in a.rglob("*.parquet") if p.name != "runs.parquet")
    assert len(files) == 5
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    res = failsim.simulate("im_7p5kw_pump_rated", duration_s=70.0, overrides=over)
    starts = np.array([0.0, 20.0, 40.0, 60.0])
    for name, table in res.streams.items():
        t = table.column("t_s").to_numpy()
        k = np.searchsorted(starts, t, side="right") - 1
        assert np.all(t - starts[k] < 0.5), name
        assert set(np.unique(k)) == {0, 1, 2, 3}, name


def test_recording_needs_room_for_burst_and_lead_in():
    from failsim.errors import SpecError

    with pytest.raises(SpecError, match="every_s"):
        failsim.load_scenario(
            "im_7p5kw_pump_rated",
            overrides={"recording": {"burst_s": 5.0, "every_s": 5.5}},
        )


def test_run_to_failure_in_bursts_labels_health_and_rul():
    # the bundled four-week run shortened to four days: the defect grows from 1 um to its
    # failure width between 1 h and 3 days
    import copy

    from failsim.spec import scenario_from_dict

    data = copy.deepcopy(failsim.load_scenario("conveyor_7p5kw_bearing_run_to_failure").data)
    data["duration_s"] = 345_600.0
    data["faults"][0]["trigger"]["at_s"] = 3600.0
    data["faults"][0]["growth"]["time_to_failure_s"] = 259_200.0
    data["recording"]["every_s"] = 21_600.0
    res = failsim.simulate(scenario_from_dict(data))
    lab = res.labels.to_pandas()
    t_fail = 3600.0 + 259_200.0
    np.testing.assert_allclose(lab.rul_s, np.maximum(t_fail - lab.t_s, 0.0), atol=1e-3)
    assert lab.health.is_monotonic_decreasing
    assert (lab[lab.t_s >= t_fail].phase == "failed").all()
    assert (lab[lab.t_s < t_fail].health > 0.0).all()
    vib = res.to_pandas("vibration")
    burst = (vib.t_s // 21_600).astype(int)
    rms = vib.groupby(burst).accel_drive_end_vertical_m_s2.std()
    assert rms.iloc[-1] > 10.0 * rms.iloc[0]
