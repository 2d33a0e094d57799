"""Sensor faults change only the measured channel, inside their window, as documented; the
physics, every other channel and the machine labels stay as in the same run without them."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from failsim.cli import main
from failsim.errors import SpecError
from failsim.simulation import SolverOptions, simulate

SCENARIO = "im_7p5kw_pump_rated"
DURATION_S = 1.2
ON_S, OFF_S = 0.6, 1.0


def _run(faults, options=None):
    return simulate(SCENARIO, duration_s=DURATION_S, overrides={"faults": faults}, options=options)


@pytest.fixture(scope="module")
def healthy():
    return _run([])


def _fault(kind, target, **param):
    return {
        "kind": kind,
        "target": target,
        "trigger": {"at_s": ON_S, "duration_s": OFF_S - ON_S},
        **param,
    }


CASES = [
    ("sensor_bias", "process.temp_winding_c", {"offset": 5.0}),
    ("sensor_drift", "current.current_a_a", {"rate_per_s": 20.0}),
    ("sensor_gain", "current.voltage_b_v", {"gain": 0.5}),
    ("sensor_stuck", "current.voltage_a_v", {}),
    ("sensor_dropout", "current.current_c_a", {}),
    ("sensor_clipping", "current.current_a_a", {"limit": 10.0}),
    ("sensor_noise_burst", "current.current_b_a", {"noise_rms": 3.0}),
]


@pytest.mark.parametrize(("kind", "target", "param"), CASES, ids=[c[0] for c in CASES])
def test_only_the_target_channel_changes_inside_the_window(healthy, kind, target, param):
    faulty = _run([_fault(kind, target, **param)])
    stream, channel = target.split(".")
    for name, table in healthy.streams.items():
        other = faulty.streams[name]
        for col in table.column_names:
            if (name, col) == (stream, channel) or col == "sensor_fault_mask":
                continue
            assert table.column(col).equals(other.column(col)), f"{name}.{col} changed"

    t = healthy.streams[stream].column("t_s").to_numpy()
    x = healthy.streams[stream].column(channel).to_numpy().astype(np.float64)
    y = faulty.streams[stream].column(channel).to_numpy().astype(np.float64)
    inside = (t >= ON_S) & (t < OFF_S)
    assert inside.sum() > 2
    np.testing.assert_array_equal(x[~inside], y[~inside])
    xi, yi, ti = x[inside], y[inside], t[inside]
    tol = 1e-6 * max(1.0, float(np.abs(x).max()))  # float32 storage
    if kind == "sensor_bias":
        np.testing.assert_allclose(yi - xi, param["offset"], atol=tol)
    elif kind == "sensor_drift":
        np.testing.assert_allclose(yi - xi, param["rate_per_s"] * (ti - ON_S), atol=tol)
    elif kind == "sensor_gain":
        np.testing.assert_allclose(yi, param["gain"] * xi, atol=tol)
    elif kind == "sensor_stuck":
        assert np.all(yi == x[np.flatnonzero(t < ON_S)[-1]])
        assert np.var(yi) == 0.0 and np.var(xi) > 0.0
    elif kind == "sensor_dropout":
        assert np.all(np.isnan(yi)) and not np.any(np.isnan(y[~inside]))
    elif kind == "sensor_clipping":
        assert np.abs(xi).max() > param["limit"]
        np.testing.assert_allclose(yi, np.clip(xi, -param["limit"], param["limit"]), atol=tol)
    elif kind == "sensor_noise_burst":
        d = yi - xi
        assert abs(d.std() / param["noise_rms"] - 1.0) < 0.05
        assert abs(d.mean()) < 4 * param["noise_rms"] / np.sqrt(d.size)


def test_labels_and_events_follow_the_realised_sensor_faults():
    faults = [
        _fault("sensor_bias", "process.temp_winding_c", offset=2.0),
        {"kind": "sensor_dropout", "target": "current.current_a_a", "trigger": {"at_s": 0.8}},
        _fault("sensor_noise_burst", "current.current_b_a", noise_rms=1.0),
    ]
    res = _run(faults)
    for name, table in res.streams.items():
        t = table.column("t_s").to_numpy()
        mask = table.column("sensor_fault_mask").to_numpy()
        expected = np.zeros(t.shape, dtype=np.int64)
        window = (t >= ON_S) & (t < OFF_S)
        if name == "process":
            expected[window] |= 1
        if name == "current":
            expected[t >= 0.8] |= 2
            expected[window] |= 4
        np.testing.assert_array_equal(mask, expected, err_msg=name)
        # a sensor fault is not a machine fault
        assert not table.column("is_anomaly").to_numpy().any()
        assert not table.column("fault_mask").to_numpy().any()
    ev = res.events.to_pandas()
    sf = ev[ev.category == "sensor_fault"].set_index("fault_index")
    assert list(sf.kind) == ["sensor_bias", "sensor_dropout", "sensor_noise_burst"]
    assert sf.loc[0, "target"] == "process.temp_winding_c"
    assert sf.loc[0, "value"] == 2.0 and sf.loc[0, "value_unit"] == "degC"
    assert sf.loc[0, "t_s"] == ON_S and sf.loc[0, "end_s"] == pytest.approx(OFF_S)
    assert np.isnan(sf.loc[1, "end_s"])  # active until the end of the run
    assert sf.loc[2, "value_unit"] == "A"
    assert res.labels.num_rows == 0  # the long labels table holds machine faults


def test_output_does_not_depend_on_the_chunk_size():
    faults = [
        _fault("sensor_stuck", "current.current_a_a"),
        _fault("sensor_noise_burst", "current.current_b_a", noise_rms=1.0),
    ]
    a = _run(faults, SolverOptions(chunk_s=0.07))
    b = _run(faults)
    for name in a.streams:
        assert a.streams[name].equals(b.streams[name]), name


def test_unknown_channel_is_one_clear_error(tmp_path):
    bad = [_fault("sensor_bias", "process.temp_windings_c", offset=1.0)]
    with pytest.raises(SpecError) as err:
        _run(bad)
    msg = str(err.value)
    assert "faults[0].target" in msg and "temp_winding_c" in msg

    scen = tmp_path / "bad.yaml"
    scen.write_text(
        "name: bad\nmachine: im_7p5kw_pump\nduration_s: 1.0\nfaults:\n"
        "  - {kind: sensor_bias, target: current.current_x_a, trigger: {at_s: 0.5}, offset: 1}\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(scen), "--out", str(out)])
    assert result.exit_code == 2
    assert "faults[0].target" in result.output and "current_a_a" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.rglob("*.parquet"))


@pytest.mark.parametrize(
    ("fault", "field", "words"),
    [
        (
            {
                "kind": "sensor_stuck",
                "target": "current.current_a_a",
                "trigger": {"at_s": 0.1},
                "offset": 1.0,
            },
            "faults[0]",
            "no parameter",
        ),
        (
            {"kind": "sensor_bias", "target": "current.current_a_a", "trigger": {"at_s": 0.1}},
            "faults[0].offset",
            "needs 'offset'",
        ),
        (
            {
                "kind": "sensor_bias",
                "target": "current.current_a_a",
                "trigger": {"at_s": 1.5},
                "offset": 1.0,
            },
            "faults[0].trigger.at_s",
            "never be active",
        ),
        (
            {
                "kind": "sensor_clipping",
                "target": "current.current_a_a",
                "trigger": {"at_s": 0.1},
                "limit": -1.0,
            },
            "faults[0].limit",
            "greater than 0",
        ),
        (
            {
                "kind": "sensor_bias",
                "target": "current.current_a_a",
                "trigger": {"at_s": 0.1, "duration_s": 0},
                "offset": 1.0,
            },
            "faults[0].trigger.duration_s",
            "greater than 0",
        ),
    ],
)
def test_bad_fault_specs_are_rejected_before_the_run(fault, field, words):
    with pytest.raises(SpecError) as err:
        _run([fault])
    msg = str(err.value)
    assert field in msg and words in msg, msg


def test_catalogue_schema_and_implementation_agree():
    from failsim.faults.catalogue import FAULT_KINDS
    from failsim.faults.sensor_faults import SENSOR_FAULT_KINDS
    from failsim.spec.validate import schema

    item = schema("scenario")["properties"]["faults"]["items"]
    assert [k.kind for k in FAULT_KINDS] == item["properties"]["kind"]["enum"]
    assert {k.kind for k in FAULT_KINDS if k.category == "sensor"} == set(SENSOR_FAULT_KINDS)
    for k in FAULT_KINDS:
        if k.category == "sensor":
            assert SENSOR_FAULT_KINDS[k.kind] == (k.parameter, k.unit)
        if k.parameter:
            assert k.parameter in item["properties"]


def test_list_faults_names_every_kind_with_its_unit():
    from failsim.faults.catalogue import FAULT_KINDS

    result = CliRunner().invoke(main, ["list", "faults"])
    assert result.exit_code == 0
    for k in FAULT_KINDS:
        assert k.kind in result.output
    assert "rate_per_s [u/s]" in result.output


def test_validate_checks_the_target_channel(tmp_path):
    scen = tmp_path / "bad.yaml"
    scen.write_text(
        "name: bad\nmachine: im_7p5kw_pump\nduration_s: 1.0\nfaults:\n"
        "  - {kind: sensor_bias, target: process.temp_windng_c, trigger: {at_s: 0.5}, offset: 1}\n"
    )
    result = CliRunner().invoke(main, ["validate", str(scen)])
    assert result.exit_code == 2
    assert "faults[0].target" in result.output and "temp_winding_c" in result.output
