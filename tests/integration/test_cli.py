"""The command line as a user meets it: success output, and bad input that gets one clear
message, a non-zero exit, no traceback and nothing left in the output directory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from failsim.cli import main


def _invoke(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def test_run_writes_dataset_and_reports(tmp_path):
    out = tmp_path / "out"
    res = _invoke("run", "im_7p5kw_pump_rated", "--out", str(out), "--duration", "0.5")
    assert res.exit_code == 0, res.output
    assert "im_7p5kw_pump_rated" in res.output and "real time" in res.output
    assert (out / "runs.parquet").exists()
    assert (
        len(list(out.rglob("part-0.parquet"))) == 5
    )  # current, process, vibration, events, labels


def test_list_and_describe():
    res = _invoke("list", "machines")
    assert res.exit_code == 0 and "im_7p5kw_pump" in res.output
    res = _invoke("list", "scenarios")
    assert res.exit_code == 0 and "im_7p5kw_pump_rated" in res.output
    res = _invoke("describe", "im_7p5kw_pump")
    assert res.exit_code == 0
    for text in ("breakdown torque", "locked-rotor current", "time constants", "7.2 I_e"):
        assert text in res.output


def test_validate_good_files():
    root = Path(__file__).resolve().parents[2]
    res = _invoke("validate", str(root / "machines/im_7p5kw_pump.yaml"),
                  str(root / "scenarios/im_7p5kw_pump_rated.yaml"))  # fmt: skip
    assert res.exit_code == 0, res.output
    assert res.output.count("ok:") == 2


BAD_SCENARIOS = {
    "broken_yaml": ("name: x\nmachine: im_7p5kw_pump\nduration_s: [1, 2\n", "broken_yaml.yaml"),
    "unknown_key": (
        "name: x\nmachine: im_7p5kw_pump\nduration_s: 1\ndurration_s: 2\n",
        "did you mean",
    ),
    "zero_duration": ("name: x\nmachine: im_7p5kw_pump\nduration_s: 0\n", "duration_s"),
    "negative_duration": ("name: x\nmachine: im_7p5kw_pump\nduration_s: -1\n", "-1"),
    "wrong_type": ("name: x\nmachine: im_7p5kw_pump\nduration_s: ten\n", "'ten'"),
    "missing_machine": ("name: x\nmachine: im_7p5kw_pmp\nduration_s: 1\n", "im_7p5kw_pump"),
}


@pytest.mark.parametrize("case", sorted(BAD_SCENARIOS))
def test_bad_scenario_gets_one_clear_message(tmp_path, case):
    text, expected = BAD_SCENARIOS[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text)
    out = tmp_path / "out"
    res = _invoke("run", str(path), "--out", str(out))
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert str(path.name) in res.output
    assert expected in res.output
    assert not out.exists()


def test_impossible_machine_is_refused(tmp_path):
    import yaml

    from failsim.spec import load_machine

    data = load_machine("im_7p5kw_pump").data
    data = {**data, "motor": {**data["motor"], "inertia_kg_m2": -0.1}}
    mpath = tmp_path / "m.yaml"
    mpath.write_text(yaml.safe_dump(data))
    res = _invoke("validate", str(mpath))
    assert res.exit_code == 2
    assert "motor.inertia_kg_m2" in res.output and "-0.1" in res.output


@pytest.mark.parametrize("duration", ["0", "-3"])
def test_bad_duration_option(tmp_path, duration):
    out = tmp_path / "out"
    res = _invoke("run", "im_7p5kw_pump_rated", "--out", str(out), "--duration", duration)
    assert res.exit_code == 2
    assert "duration_s" in res.output
    assert not out.exists()


def test_unknown_scenario_name(tmp_path):
    res = _invoke("run", "im_7p5kw_pump_rate", "--out", str(tmp_path / "o"))
    assert res.exit_code == 2
    assert "im_7p5kw_pump_rated" in res.output  # suggested


def test_fresh_process_has_no_traceback_on_bad_input(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nmachine: im_7p5kw_pump\nduration_s: 1\nseed: -4\n")
    proc = subprocess.run(
        [sys.executable, "-m", "failsim.cli", "run", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "seed" in proc.stderr and "bad.yaml" in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_divergence_stops_with_a_clear_error_and_writes_no_stream(tmp_path, write_specs):
    # a very stiff coupling integrated at 1 kHz is far beyond RK4's stability limit
    path = write_specs(
        {"shaft": {"coupling_stiffness_n_m_rad": 1.0e7}},
        {
            "duration_s": 1.0,
            "solver": {"rate_hz": 1000},
            "streams": {"current": {"sample_rate_hz": 1000}},
        },
    )
    out = tmp_path / "out"
    res = _invoke("run", str(path), "--out", str(out))
    assert res.exit_code == 1
    assert "diverged" in res.output and "Traceback" not in res.output
    assert "speed_motor_rad_s" in res.output  # the message names the state
    assert list(out.rglob("*.parquet")) == [out / "runs.parquet"]
    import pandas as pd

    runs = pd.read_parquet(out / "runs.parquet")
    assert list(runs.status) == ["diverged"]
    assert "diverged" in runs.error.iloc[0]


def test_plot_writes_a_png(tmp_path):
    out = tmp_path / "out"
    assert (
        _invoke("run", "im_7p5kw_pump_rated", "--out", str(out), "--duration", "1").exit_code == 0
    )
    png = tmp_path / "v.png"
    res = _invoke("plot", str(out), "--out", str(png), "--channel", "accel_drive_end_vertical_m_s2")
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    res = _invoke("plot", str(out), "--channel", "accel_nowhere_m_s2")
    assert res.exit_code == 2 and "accel_drive_end_vertical_m_s2" in res.output
    res = _invoke("plot", str(tmp_path / "empty"))
    assert res.exit_code != 0 and "runs.parquet" in res.output


def test_unwritable_output_directory_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    res = _invoke("run", "im_7p5kw_pump_rated", "--out", str(blocker / "out"), "--duration", "0.2")
    assert res.exit_code == 1
    assert "Traceback" not in res.output and "output directory" in res.output


def test_overlapping_load_ramps_are_refused(tmp_path):
    path = tmp_path / "ramps.yaml"
    path.write_text(
        "name: ramps\nmachine: im_7p5kw_pump\nduration_s: 5\noperation:\n  load_profile:\n"
        "    - {at_s: 0, load_pu: 1}\n    - {at_s: 1, load_pu: 1.2, ramp_s: 2}\n"
        "    - {at_s: 2, load_pu: 0.8}\n"
    )
    res = _invoke("validate", str(path))
    assert res.exit_code == 2
    assert "load_profile[2].at_s" in res.output and "ramp" in res.output


def test_exponent_numbers_without_a_dot_are_numbers(tmp_path):
    path = tmp_path / "exp.yaml"
    path.write_text("name: exp\nmachine: im_7p5kw_pump\nduration_s: 2e0\n")
    assert _invoke("validate", str(path)).exit_code == 0


def test_interrupted_run_leaves_nothing(tmp_path, monkeypatch):
    import failsim.simulation as sim

    out = tmp_path / "out"

    def boom(self, table):
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.StreamWriter, "write", boom)
    res = CliRunner().invoke(main, ["run", "im_7p5kw_pump_rated", "--out", str(out)])
    assert res.exit_code == 130
    assert not out.exists()
