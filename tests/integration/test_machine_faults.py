"""Machine faults are physical causes: an overload loads the shaft, a sag lowers the terminal
voltage, a lost phase leaves one line dead and the others at the sequence-circuit value. The
labels follow the realised fault events on every stream."""

from __future__ import annotations

import math

import numpy as np
import pytest

import failsim
from failsim.faults.machine_faults import combine, overload_points, profile_value
from failsim.simulation import SolverOptions

from .conftest import IDEAL
from .test_supply_modes import FROZEN, V_PH, _machine, _sequence_currents, z_phase

PUMP = "im_7p5kw_pump_rated"


def _pump(faults, duration_s=4.0, options=None, seed=None, **over):
    overrides = {"faults": faults, "operation.stop_at_s": None, **over}
    return failsim.simulate(
        PUMP, duration_s=duration_s, seed=seed, overrides=overrides, options=options
    )


@pytest.fixture(scope="module")
def healthy_pump():
    return _pump([])


def test_overload_adds_its_extra_load_to_the_load_law(healthy_pump):
    # quadratic pump law scaled by the profile: T_L = (1 + extra) k w^2 in steady state
    extra = 0.4
    res = _pump(
        [{"kind": "overload", "target": "load", "trigger": {"at_s": 1.0}, "extra_load_pu": extra}]
    )
    p0, p1 = healthy_pump.to_pandas("process"), res.to_pandas("process")
    before = p0[(p0.t_s > 0.6) & (p0.t_s <= 1.0)]
    after = p1[(p1.t_s > 3.0)]
    k0 = (before.torque_shaft_n_m / before.speed_rpm**2).mean()
    k1 = (after.torque_shaft_n_m / after.speed_rpm**2).mean()
    assert k1 / k0 == pytest.approx(1.0 + extra, rel=0.01)
    # more load, more slip, more current and a hotter winding than the healthy run
    h_after = p0[p0.t_s > 3.0]
    assert after.speed_rpm.mean() < h_after.speed_rpm.mean() - 5.0
    assert after.current_rms_a.mean() > 1.2 * h_after.current_rms_a.mean()
    # until the onset the two runs are the same run
    c0, c1 = healthy_pump.streams["current"], res.streams["current"]
    n = int(np.searchsorted(c0.column("t_s").to_numpy(), 1.0))
    assert (
        c0.slice(0, n)
        .drop_columns(["sensor_fault_mask"])
        .select(["t_s", "current_a_a", "current_b_a", "voltage_c_v"])
        .equals(c1.slice(0, n).select(["t_s", "current_a_a", "current_b_a", "voltage_c_v"]))
    )


def test_voltage_sag_lowers_the_terminal_voltage_by_its_depth(healthy_pump):
    depth = 0.3
    res = _pump(
        [
            {
                "kind": "voltage_sag",
                "target": "supply",
                "trigger": {"at_s": 1.0, "duration_s": 1.0},
                "depth_pu": depth,
            }
        ],
        duration_s=3.0,
    )
    p = res.to_pandas("process")
    during = p[(p.t_s > 1.2) & (p.t_s <= 2.0)]
    after = p[p.t_s > 2.8]
    np.testing.assert_allclose(during.voltage_rms_v, (1 - depth) * 400.0, rtol=0.005)
    np.testing.assert_allclose(after.voltage_rms_v, 400.0, rtol=0.005)
    # torque ~ V^2: the motor slows and draws more current to carry the pump
    h = healthy_pump.to_pandas("process")
    h_during = h[(h.t_s > 1.2) & (h.t_s <= 2.0)]
    assert during.speed_rpm.mean() < h_during.speed_rpm.mean() - 5.0
    ev = res.to_pandas("events")
    sag = ev[ev.kind == "voltage_sag"].iloc[0]
    assert (sag.t_s, sag.end_s, sag.value, sag.value_unit) == (1.0, 2.0, depth, "pu")


@pytest.mark.parametrize("load_n_m", [24.75, 49.5])
def test_phase_loss_currents_follow_the_sequence_circuits(write_specs, load_n_m):
    path = write_specs(
        _machine(load_n_m),
        {
            "duration_s": 3.0,
            "faults": [{"kind": "phase_loss", "target": "supply.b", "trigger": {"at_s": 1.0}}],
        },
    )
    result = failsim.simulate(path, options=FROZEN)
    cur = result.to_pandas("current")
    after = cur[cur.t_s >= 2.0]
    assert np.abs(after.current_b_a.to_numpy()).max() < 1e-3
    np.testing.assert_allclose(after.current_a_a, -after.current_c_a, atol=2e-3)
    _, _, slip = _sequence_currents(result, 2.0, 3.0)
    rms_a = float(np.sqrt(np.mean(after.current_a_a.to_numpy(dtype=float) ** 2)))
    expected = math.sqrt(3.0) * V_PH / abs(z_phase(slip) + z_phase(2.0 - slip))
    assert rms_a == pytest.approx(expected, rel=0.01)
    ev = result.to_pandas("events")
    fault = ev[ev.category == "fault"]
    assert list(fault.kind) == ["phase_loss"] and list(fault.target) == ["supply.b"]
    assert list(ev[ev.kind == "phase_opened"].target) == ["b"]
    assert IDEAL  # the machine is the ideal-sensor motor of the sequence-circuit checks


def test_labels_follow_the_realised_faults_on_every_stream():
    faults = [
        {
            "kind": "overload",
            "target": "load",
            "trigger": {"at_s": 0.5, "duration_s": 1.5},
            "extra_load_pu": 0.5,
            "ramp_s": 1.0,
        },
        {
            "kind": "voltage_sag",
            "target": "supply",
            "trigger": {"at_s": 1.0, "duration_s": 0.3},
            "depth_pu": 0.2,
        },
        {"kind": "phase_loss", "target": "supply.c", "trigger": {"at_s": 2.5}},
        {"kind": "sensor_bias", "target": "current.current_a_a", "trigger": {"at_s": 0.2},
         "offset": 1.0},
    ]  # fmt: skip
    res = _pump(faults, duration_s=3.0)
    ev = res.to_pandas("events")
    real = ev[ev.category == "fault"].set_index("fault_index")
    assert sorted(real.index) == [0, 1, 2]
    windows = {i: (r.t_s, np.inf if np.isnan(r.end_s) else r.end_s) for i, r in real.iterrows()}
    assert windows == {0: (0.5, 2.0), 1: (1.0, 1.3), 2: (2.5, np.inf)}
    for name, table in res.streams.items():
        t = table.column("t_s").to_numpy()
        expected = np.zeros(t.shape, dtype=np.int64)
        for i, (on, off) in windows.items():
            expected[(t >= on) & (t < off)] |= 1 << i
        np.testing.assert_array_equal(table.column("fault_mask").to_numpy(), expected)
        np.testing.assert_array_equal(table.column("is_anomaly").to_numpy(), expected != 0)
        names = table.column("active_faults").to_pylist()
        kinds = ["overload", "voltage_sag", "phase_loss"]
        for m, got in zip(expected, names, strict=True):
            assert got == "|".join(k for i, k in enumerate(kinds) if m >> i & 1)
        sensor = table.column("sensor_fault_mask").to_numpy()
        assert (sensor != 0).any() == (name == "current")

    lab = res.labels.to_pandas()
    proc_t = res.streams["process"].column("t_s").to_numpy()
    for i, (on, off) in windows.items():
        rows = lab[lab.fault_index == i]
        np.testing.assert_array_equal(rows.t_s, proc_t[(proc_t >= on) & (proc_t < off)])
    over = lab[lab.fault_index == 0]
    # the ramp: 0 at the onset, 0.5 pu after 1 s; health 1 - severity / 1 pu
    expected_sev = np.clip((over.t_s - 0.5) / 1.0, 0, 1) * 0.5
    np.testing.assert_allclose(over.severity, expected_sev, atol=1e-6)
    np.testing.assert_allclose(over.health, 1 - expected_sev, atol=1e-6)
    assert set(over.phase) == {"incipient", "developing"}
    sag = lab[lab.fault_index == 1]
    np.testing.assert_allclose(sag.health, 1 - 0.2 / 0.9, rtol=1e-6)
    loss = lab[lab.fault_index == 2]
    assert set(loss.phase) == {"failed"} and (loss.health == 0).all()
    assert res.record["fault_kinds"] == "overload|phase_loss|voltage_sag"


def test_faulty_output_is_byte_identical_whatever_the_chunk_size(tmp_path):
    faults = [
        {"kind": "overload", "target": "load", "trigger": {"at_s": 0.33}, "extra_load_pu": 0.3,
         "ramp_s": 0.2, "period_s": 0.25, "duty": 0.4},
        {"kind": "phase_loss", "target": "supply.a", "trigger": {"at_s": 0.71, "duration_s": 0.2}},
        {"kind": "sensor_stuck", "target": "current.current_b_a", "trigger": {"at_s": 0.5}},
    ]  # fmt: skip
    over = {"faults": faults, "operation.stop_at_s": None}
    a, b = tmp_path / "a", tmp_path / "b"
    failsim.run(PUMP, a, duration_s=1.2, overrides=over, options=SolverOptions(chunk_s=0.07))
    failsim.run(PUMP, b, duration_s=1.2, overrides=over, options=SolverOptions(chunk_s=1.0))
    files = sorted(p.relative_to(a) for p in a.rglob("*.parquet"))
    assert len(files) == 6  # five streams and runs.parquet
    for rel in files:
        if rel.name != "runs.parquet":  # holds wall-clock times
            assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_phase_loss_needs_a_mains_supply():
    with pytest.raises(failsim.SpecError) as err:
        failsim.simulate(
            "conveyor_7p5kw_normal",
            duration_s=1.0,
            overrides={"faults": [{"kind": "phase_loss", "target": "supply.a",
                                   "trigger": {"at_s": 0.5}}]},
        )  # fmt: skip
    assert "faults[0].kind" in str(err.value) and "mains" in str(err.value)


# ---------------------------------------------------------------- profile arithmetic


def test_cyclic_overload_profile_against_a_direct_evaluation():
    f = {"trigger": {"at_s": 1.0, "duration_s": 2.2}, "extra_load_pu": 0.5, "ramp_s": 0.1,
         "period_s": 0.5, "duty": 0.6}  # fmt: skip
    pts = overload_points(f, 10.0)
    t = np.linspace(0.0, 4.0, 4001)

    def direct(tt):
        if tt < 1.0 or tt >= 3.2:
            return 0.0
        phase = (tt - 1.0) % 0.5
        if phase >= 0.3:
            return 0.0
        return 0.5 * min(1.0, phase / 0.1)

    np.testing.assert_allclose(profile_value(pts, t), [direct(x) for x in t], atol=1e-9)


def test_combined_profiles_are_the_pointwise_sum():
    a = [(0.0, 1.0), (2.0, 1.0), (3.0, 2.0), (3.0, 0.5)]
    b = [(0.0, 0.0), (1.0, 0.0), (2.5, 0.3), (2.5, 0.0)]
    c = combine(a, b, lambda u, v: u + v)
    t = np.linspace(0.0, 4.0, 801)
    np.testing.assert_allclose(
        profile_value(c, t), profile_value(a, t) + profile_value(b, t), atol=1e-12
    )


def test_intermittent_and_random_faults_are_labelled_window_by_window():
    faults = [
        {"kind": "phase_loss", "target": "supply.a",
         "trigger": {"at_s": 0.5, "intermittent": {"on_s": 0.2, "off_s": 0.3}}},
        {"kind": "sensor_dropout", "target": "process.speed_rpm",
         "trigger": {"at_s": 0.2, "duration_s": 1.0, "intermittent": {"on_s": 0.3, "off_s": 0.2}}},
        {"kind": "voltage_sag", "target": "supply", "depth_pu": 0.2,
         "trigger": {"at_s": 0.0, "duration_s": 0.2, "random": {"scale_s": 1.0}}},
        {"kind": "overload", "target": "load", "extra_load_pu": 0.2,
         "trigger": {"at_s": 0.0, "random": {"scale_s": 1e9}}},
    ]  # fmt: skip
    res = _pump(faults, duration_s=1.6, seed=5)
    ev = res.to_pandas("events")
    loss = ev[ev.kind == "phase_loss"]
    assert list(loss.t_s) == [0.5, 1.0, 1.5]
    assert list(loss.end_s.iloc[:2]) == [0.7, 1.2] and np.isnan(loss.end_s.iloc[2])
    assert list(ev[ev.kind == "phase_opened"].t_s) == [0.5, 1.0, 1.5]
    assert list(ev[ev.kind == "phase_restored"].t_s) == [0.7, 1.2]
    drop = ev[ev.kind == "sensor_dropout"]
    assert list(zip(drop.t_s, drop.end_s, strict=True)) == [(0.2, 0.5), (0.7, 1.0)]
    sag = ev[ev.kind == "voltage_sag"]
    assert len(sag) == 1 and 0.0 < sag.t_s.iloc[0] < 1.6
    assert (ev.kind == "overload").sum() == 0  # its random onset falls after the run

    proc = res.to_pandas("process")
    t = proc.t_s.to_numpy()
    in_loss = ((t >= 0.5) & (t < 0.7)) | ((t >= 1.0) & (t < 1.2)) | (t >= 1.5)
    np.testing.assert_array_equal(proc.fault_mask.to_numpy() & 1, in_loss.astype(int))
    in_drop = ((t >= 0.2) & (t < 0.5)) | ((t >= 0.7) & (t < 1.0))
    np.testing.assert_array_equal(proc.sensor_fault_mask.to_numpy() == 2, in_drop)
    np.testing.assert_array_equal(np.isnan(proc.speed_rpm.to_numpy()), in_drop)

    # the same seed gives the same random onset; another seed another one
    again = _pump(faults, duration_s=1.6, seed=5).to_pandas("events")
    assert again[again.kind == "voltage_sag"].t_s.iloc[0] == sag.t_s.iloc[0]
    other = _pump(faults, duration_s=1.6, seed=6).to_pandas("events")
    other_sag = other[other.kind == "voltage_sag"]
    assert other_sag.empty or other_sag.t_s.iloc[0] != sag.t_s.iloc[0]


def test_paired_run_writes_an_aligned_healthy_twin(tmp_path):
    import pandas as pd
    from click.testing import CliRunner

    from failsim.cli import main

    out = tmp_path / "out"
    res = CliRunner().invoke(
        main, ["run", "im_7p5kw_pump_voltage_sag", "--out", str(out), "--paired", "--quiet"]
    )
    assert res.exit_code == 0, res.output
    runs = pd.read_parquet(out / "runs.parquet").set_index("pair_role")
    faulty, twin = runs.loc["faulty"], runs.loc["healthy_twin"]
    assert (faulty.paired_run_id, twin.paired_run_id) == (twin.run_id, faulty.run_id)
    assert (faulty.fault_kinds, twin.fault_kinds) == ("voltage_sag", "")
    assert faulty.seed == twin.seed
    for stream in ("current", "process", "vibration"):
        df = pd.read_parquet(out / stream)
        a = df[df.run_id == faulty.run_id].reset_index(drop=True)
        b = df[df.run_id == twin.run_id].reset_index(drop=True)
        np.testing.assert_array_equal(a.t_s, b.t_s)  # aligned sample for sample
        assert not b.is_anomaly.any() and a.is_anomaly.any()
        before = a.t_s < 4.0  # the sag starts at 4 s: until then the runs are one run
        channels = [c for c in a.columns if c.endswith(("_a", "_v", "_rpm", "_c", "_m_s2"))]
        pd.testing.assert_frame_equal(a.loc[before, channels], b.loc[before, channels])
        assert not a.loc[~before, channels].equals(b.loc[~before, channels])


def test_paired_run_of_a_healthy_scenario_is_refused(tmp_path):
    from click.testing import CliRunner

    from failsim.cli import main

    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", PUMP, "--out", str(out), "--paired"])
    assert res.exit_code == 2
    assert "faults" in res.output and "Traceback" not in res.output
    assert not out.exists()
