"""A jam that forms from items on the belt (PyBullet contact coupled with the belt model):
the pile-up's onset is labelled, the drive's current and the belt show it, the slip monitor
stops the line; same seed, same files; a clear message without PyBullet."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

import failsim
from failsim.errors import MissingDependencyError, SpecError

SCENARIO = "parcel_conveyor_dc_item_jam"


def files(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.parquet"))}


@pytest.fixture(scope="module")
def jam_run(tmp_path_factory):
    pytest.importorskip("pybullet")
    out = tmp_path_factory.mktemp("jam")
    record = failsim.run(SCENARIO, out, duration_s=30.0)
    return out, record


def test_the_jam_is_labelled_from_the_pile_up_and_the_drive_shows_it(jam_run):
    out, record = jam_run
    events = pd.read_parquet(out / "events")
    jam = events[(events.kind == "conveyor_jam") & (events.category == "fault")]
    assert len(jam) == 1 and jam.source.iloc[0] == "contact"
    onset = float(jam.t_s.iloc[0])
    stop = events[(events.kind == "emergency_stop") & (events.category == "fault")]
    assert len(stop) == 1 and float(stop.t_s.iloc[0]) > onset + 2.0
    assert record["ended_early"] and record["end_reason"] == "emergency_stop"
    assert record["fault_kinds"] == "conveyor_jam|emergency_stop"
    proc = pd.read_parquet(out / "process")
    before = proc[(proc.t_s > onset - 4.0) & (proc.t_s < onset)]
    during = proc[(proc.t_s > onset + 4.0) & (proc.t_s < float(stop.t_s.iloc[0]))]
    # the pile-up loads the belt: the drive's current rises to its limit, the belt slows
    assert during.current_rms_a.mean() > 1.5 * before.current_rms_a.mean()
    assert during.belt_speed_m_s.min() < 0.2 * before.belt_speed_m_s.mean()
    assert during.belt_slip_pct.max() > 30.0
    # every stream's labels switch at the jam's onset
    current = pd.read_parquet(out / "current", columns=["t_s", "is_anomaly", "active_faults"])
    assert not current.is_anomaly[current.t_s < onset].any()
    assert current.is_anomaly[current.t_s >= onset].all()
    first = current[current.t_s >= onset].active_faults.iloc[0]
    assert first == "conveyor_jam"
    labels = pd.read_parquet(out / "labels")
    jam_labels = labels[labels.fault_kind == "conveyor_jam"]
    assert jam_labels.t_s.min() >= onset and (jam_labels.severity_unit == "N").all()
    assert jam_labels.severity.max() > 1000.0  # the items' load on the belt, N
    assert np.all(np.diff(jam_labels.t_s.to_numpy()) > 0)


def test_same_seed_same_files_whatever_the_chunks(jam_run, tmp_path):
    out, _ = jam_run
    again = tmp_path / "again"
    failsim.run(SCENARIO, again, duration_s=30.0, options=failsim.SolverOptions(chunk_s=0.37))
    assert files(again) == files(out)


def test_without_pybullet_the_run_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pybullet", None)
    with pytest.raises(MissingDependencyError, match=r"failsim\[contact\]"):
        failsim.run(SCENARIO, tmp_path / "out", duration_s=1.0)
    assert not (tmp_path / "out").exists()


def test_items_need_a_belt_conveyor(tmp_path):
    path = tmp_path / "pump_items.yaml"
    path.write_text(
        "name: pump_items\nmachine: im_7p5kw_pump\nduration_s: 1.0\ncontact: {}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match="items need a belt conveyor") as err:
        failsim.simulate(path)
    assert err.value.field == "contact"


def test_validate_without_pybullet_checks_the_file_and_says_what_was_not_built(monkeypatch):
    from click.testing import CliRunner

    from failsim.cli import main
    from failsim.spec import bundled_dir

    monkeypatch.setitem(sys.modules, "pybullet", None)
    path = bundled_dir("scenarios") / f"{SCENARIO}.yaml"
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0
    assert "ok:" in result.output and "failsim[contact]" in result.output
