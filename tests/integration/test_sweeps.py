"""Sweeps end to end: grid and random sweeps, identical files from every executor and after
interruptions, failing runs recorded, and the dataset read by pandas, Polars, DuckDB and
pyarrow.dataset."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner

from failsim.cli import main
from failsim.errors import OutputError
from failsim.sweep import sweep

OVERLOAD = {"kind": "overload", "target": "load", "trigger": {"at_s": 0.1}, "extra_load_pu": 0.5}


def write_sweep(path: Path, sweep_section: dict, duration_s: float = 0.3, **fields) -> Path:
    data = {
        "name": "pump_sweep",
        "machine": "im_7p5kw_pump",
        "duration_s": duration_s,
        "seed": 11,
        **fields,
        "sweep": sweep_section,
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


GRID = {
    "classes": {"healthy": [], "overload": [OVERLOAD]},
    "grid": {"faults[0].extra_load_pu": [0.3, 0.6]},
    "repeats": 2,
}


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path, with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def grid_sweep(tmp_path_factory):
    """A grid sweep made serially: the reference the other executors must match."""
    d = tmp_path_factory.mktemp("grid")
    spec = write_sweep(d / "grid.yaml", GRID)
    summary = sweep(spec, d / "serial", jobs=1)
    return spec, d / "serial", summary


def test_grid_sweep_writes_every_run_and_indexes_it(grid_sweep):
    _, out, summary = grid_sweep
    assert (summary.planned, summary.completed, summary.failed) == (8, 8, 0)
    runs = pq.read_table(out / "runs.parquet").to_pandas()
    assert len(runs) == 8
    assert set(runs.status) == {"completed"}
    assert runs.fault_class.value_counts().to_dict() == {"healthy": 4, "overload": 4}
    over = runs[runs.fault_class == "overload"]
    assert sorted(over["param.faults[0].extra_load_pu"]) == [0.3, 0.3, 0.6, 0.6]
    assert runs[runs.fault_class == "healthy"]["param.faults[0].extra_load_pu"].isna().all()
    assert runs.fault_kinds[runs.fault_class == "overload"].eq("overload").all()
    assert set(runs.split) <= {"train", "validation", "test"}
    # each run's files are where the layout says, with the sizes the index records
    for row in runs.itertuples():
        sizes = json.loads(row.streams_json)
        assert set(sizes) == {"current", "process", "vibration", "events", "labels"}
        for stream, info in sizes.items():
            f = out / stream / "scenario=pump_sweep" / f"run_id={row.run_id}" / "part-0.parquet"
            assert f.stat().st_size == info["bytes"]
            assert json.loads(pq.read_schema(f).metadata[b"failsim"])["seed"] == row.seed
    # each run really has its swept value: the overload's extra load shows in the labels
    for row in over.itertuples():
        events = pq.read_table(
            out / "events" / "scenario=pump_sweep" / f"run_id={row.run_id}" / "part-0.parquet"
        ).to_pylist()
        fault = next(e for e in events if e["kind"] == "overload")
        swept = runs.loc[runs.run_id == row.run_id, "param.faults[0].extra_load_pu"].item()
        assert fault["value"] == pytest.approx(swept)


def test_pool_gives_the_same_files_as_serial(grid_sweep, tmp_path):
    spec, ref, _ = grid_sweep
    summary = sweep(spec, tmp_path / "pool", jobs=2)
    assert summary.completed == 8
    assert tree(tmp_path / "pool") == tree(ref)


def test_fsspec_url_gives_the_same_files(grid_sweep, tmp_path):
    pytest.importorskip("fsspec")
    spec, ref, _ = grid_sweep
    sweep(spec, f"file://{tmp_path / 'url'}", jobs=2)
    assert tree(tmp_path / "url") == tree(ref)


def test_dask_local_cluster_gives_the_same_files_as_the_pool(grid_sweep, tmp_path):
    pytest.importorskip("dask.distributed")
    spec, ref, _ = grid_sweep
    summary = sweep(spec, tmp_path / "dask", jobs=2, scheduler="local")
    assert summary.completed == 8
    assert tree(tmp_path / "dask") == tree(ref)


def test_readers_agree_on_row_counts(grid_sweep):
    _, out, _ = grid_sweep
    duckdb = pytest.importorskip("duckdb")
    pl = pytest.importorskip("polars")
    import pandas as pd
    import pyarrow.dataset as ds

    runs = pd.read_parquet(out / "runs.parquet")
    for stream in ("current", "process", "vibration", "events", "labels"):
        expected = sum(json.loads(s)[stream]["rows"] for s in runs.streams_json)
        glob = str(out / stream / "**" / "*.parquet")
        n_ds = ds.dataset(out / stream, format="parquet", partitioning="hive").count_rows()
        n_pd = len(pd.read_parquet(out / stream))
        n_pl = pl.scan_parquet(glob, hive_partitioning=True).select(pl.len()).collect().item()
        n_db = duckdb.sql(
            f"SELECT count(*) FROM read_parquet('{glob}', hive_partitioning=true)"
        ).fetchall()[0][0]
        assert n_ds == n_pd == n_pl == n_db == expected > 0, stream
    # a filter on runs.parquet, then a join on the partition column
    train = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{out / 'current' / '**' / '*.parquet'}', "
        f"hive_partitioning=true) c JOIN read_parquet('{out / 'runs.parquet'}') r "
        "USING (run_id) WHERE r.split = 'train'"
    ).fetchall()[0][0]
    n_train = sum(
        json.loads(s)["current"]["rows"]
        for s, sp in zip(runs.streams_json, runs.split, strict=True)
        if sp == "train"
    )
    assert train == n_train


def test_random_sweep_draws_in_range_and_limit_keeps_classes_balanced(tmp_path):
    spec = write_sweep(
        tmp_path / "random.yaml",
        {
            "classes": {"healthy": [], "overload": [OVERLOAD]},
            "sample": {
                "n": 5,
                "method": "random",
                "params": {"environment.ambient_temp_c": {"low": 5.0, "high": 35.0}},
            },
        },
        duration_s=0.2,
    )
    summary = sweep(spec, tmp_path / "out", jobs=2, limit=6)
    assert (summary.planned, summary.completed) == (6, 6)
    runs = pq.read_table(tmp_path / "out" / "runs.parquet").to_pandas()
    assert runs.fault_class.value_counts().to_dict() == {"healthy": 3, "overload": 3}
    temps = runs["param.environment.ambient_temp_c"]
    assert temps.between(5.0, 35.0).all() and temps.nunique() == 6
    # the drawn ambient is the one simulated: the process stream starts at it
    for row in runs.itertuples():
        f = tmp_path / "out" / "process" / "scenario=pump_sweep" / f"run_id={row.run_id}"
        process = pq.read_table(f / "part-0.parquet").to_pandas()
        swept = runs.loc[runs.run_id == row.run_id, "param.environment.ambient_temp_c"].item()
        assert process["temp_ambient_c"].iloc[0] == pytest.approx(swept, abs=0.5)
    # the rest of the plan on resume
    more = sweep(spec, tmp_path / "out", jobs=2, resume=True)
    assert (more.skipped, more.completed) == (6, 4)
    assert len(pq.read_table(tmp_path / "out" / "runs.parquet")) == 10


def test_a_failing_run_is_recorded_and_the_rest_complete(tmp_path):
    bias = {
        "kind": "sensor_bias",
        "target": "current.current_a_a",
        "trigger": {"at_s": 0.1},
        "offset": 1.0,
    }
    spec = write_sweep(
        tmp_path / "fail.yaml",
        {
            "classes": {"healthy": [], "bias": [bias]},
            "grid": {"faults[0].target": ["current.current_a_a", "current.no_such_channel"]},
        },
        duration_s=0.2,
    )
    result = CliRunner().invoke(
        main, ["sweep", str(spec), "--out", str(tmp_path / "out"), "--jobs", "2"]
    )
    assert result.exit_code == 3, result.output
    assert "1 failed" in result.output and "no_such_channel" in result.output
    runs = pq.read_table(tmp_path / "out" / "runs.parquet").to_pandas()
    assert len(runs) == 4
    failed = runs[runs.status == "failed"]
    assert len(failed) == 1
    assert "no_such_channel" in failed.error.iloc[0]
    assert failed["param.faults[0].target"].iloc[0] == "current.no_such_channel"
    assert (runs.status == "completed").sum() == 3
    assert not list((tmp_path / "out" / "current").glob(f"*/run_id={failed.run_id.iloc[0]}"))


def _sweep_process(spec: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "failsim.cli", "sweep", str(spec), "--out", str(out), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _wait_for_manifests(out: Path, n: int, proc: subprocess.Popen, timeout_s: float = 120.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        d = out / "_sweep" / "runs"
        if d.is_dir() and len(list(d.glob("*.json"))) >= n:
            return
        if proc.poll() is not None:
            pytest.fail(f"the sweep ended before it was interrupted: {proc.stderr.read()}")
        time.sleep(0.01)
    pytest.fail("the sweep made no progress")


KILL = {"classes": {"healthy": [], "overload": [OVERLOAD]}, "repeats": 8}


@pytest.fixture(scope="module")
def kill_reference(tmp_path_factory):
    d = tmp_path_factory.mktemp("kill")
    spec = write_sweep(d / "kill.yaml", KILL, duration_s=1.5)
    sweep(spec, d / "ref", jobs=2)
    return spec, d / "ref"


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["sigkill", "ctrl-c"])
def test_interrupted_sweep_resumes_to_identical_files(kill_reference, tmp_path, sig):
    spec, ref = kill_reference
    out = tmp_path / "out"
    proc = _sweep_process(spec, out, "--jobs", "2", "--quiet")
    _wait_for_manifests(out, 2, proc)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert "--resume" in proc.stderr.read().decode()
        # nothing partial is left: every run directory belongs to a finished run
        finished = {p.stem for p in (out / "_sweep" / "runs").glob("*.json")}
        dirs = {p.name.removeprefix("run_id=") for p in out.glob("*/*/run_id=*")}
        assert dirs <= finished
        assert not list(out.rglob("*.partial"))
    done = len(list((out / "_sweep" / "runs").glob("*.json")))
    assert 0 < done < 16, "the interruption did not fall mid-sweep"
    time.sleep(0.5)  # workers of a killed parent die with it
    frozen = tree(out)
    time.sleep(0.3)
    assert tree(out) == frozen, "files still changing after the sweep was killed"
    again = _sweep_process(spec, out, "--jobs", "2", "--quiet")  # without --resume: refused
    assert again.wait(timeout=300) == 1
    assert "pass --resume" in again.stderr.read().decode()
    resumed = _sweep_process(spec, out, "--jobs", "2", "--resume")
    resumed.communicate(timeout=300)
    assert resumed.returncode == 0
    assert tree(out) == tree(ref)


def test_cli_dry_run_lists_runs_and_checks_them(grid_sweep):
    spec, _, _ = grid_sweep
    result = CliRunner().invoke(main, ["sweep", str(spec), "--dry-run", "--limit", "3"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].split()[:7] == ["#", "run_id", "class", "inst", "rep", "split", "seed"]
    assert len(lines) == 1 + 3 + 1
    assert "3 runs" in lines[-1] and "healthy 2, overload 1" in lines[-1]


def test_cli_refuses_an_occupied_output(grid_sweep, tmp_path):
    spec, ref, _ = grid_sweep
    result = CliRunner().invoke(main, ["sweep", str(spec), "--out", str(ref)])
    assert result.exit_code == 1
    assert "--resume" in result.output
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["sweep", str(spec), "--out", str(other)])
    assert result.exit_code != 0 and "not empty" in result.output
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]
    with pytest.raises(OutputError, match="already holds this sweep"):
        sweep(spec, ref)


def test_cli_bad_sweep_fails_before_writing(tmp_path):
    spec = write_sweep(
        tmp_path / "bad.yaml", {"classes": {"x": [{"kind": "overload", "target": "load"}]}}
    )
    result = CliRunner().invoke(main, ["sweep", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def _dies_once(task):
    """Kill the worker the first time it makes the first overload run (a marker file
    remembers), then behave."""
    from failsim.sweep.tasks import execute

    marker = Path(task.out).parent / f"died-{task.run.run_id}"
    if task.run.fault_class == "overload" and task.run.repeat == 0 and not marker.exists():
        marker.write_text("x")
        os._exit(9)
    return execute(task)


def _always_dies(task):
    from failsim.sweep.tasks import execute

    if task.run.fault_class == "overload" and task.run.repeat == 0:
        os._exit(9)
    return execute(task)


def test_a_dying_worker_is_replaced_and_its_run_made_again(grid_sweep, tmp_path, monkeypatch):
    from failsim.sweep import executors

    spec, ref, _ = grid_sweep
    monkeypatch.setattr(executors, "execute", _dies_once)
    summary = sweep(spec, tmp_path / "out", jobs=2)
    assert (summary.completed, summary.failed) == (8, 0)
    assert len(list(tmp_path.glob("died-*"))) == 2  # both overload runs of repeat 0 died once
    assert tree(tmp_path / "out") == tree(ref)


def test_a_run_that_kills_every_worker_is_recorded_as_failed(grid_sweep, tmp_path, monkeypatch):
    from failsim.sweep import executors

    spec, _, _ = grid_sweep
    monkeypatch.setattr(executors, "execute", _always_dies)
    summary = sweep(spec, tmp_path / "out", jobs=2)
    assert (summary.completed, summary.failed) == (6, 2)
    runs = pq.read_table(tmp_path / "out" / "runs.parquet").to_pandas()
    failed = runs[runs.status == "failed"]
    assert len(failed) == 2 and failed.error.str.contains("WorkerDied").all()
    assert (failed.fault_class == "overload").all() and (failed.repeat == 0).all()


@pytest.mark.slow
def test_fault_catalogue_covers_every_fault_kind(tmp_path):
    """The bundled catalogue has one class per fault kind, and each of them is realised
    (a machine fault in runs.parquet's fault_kinds, a sensor fault in the run's events)."""
    from failsim.faults.catalogue import FAULT_KINDS
    from failsim.spec import bundled_dir

    data = yaml.safe_load(
        (bundled_dir("scenarios") / "conveyor_7p5kw_fault_catalogue.yaml").read_text()
    )
    assert set(data["sweep"]["classes"]) == {k.kind for k in FAULT_KINDS} | {"healthy"}
    data["duration_s"] = 16.0  # one second of every fault is enough to realise it
    spec = tmp_path / "catalogue.yaml"
    spec.write_text(yaml.safe_dump(data), encoding="utf-8")
    summary = sweep(spec, tmp_path / "out", jobs=2, limit=len(data["sweep"]["classes"]))
    assert summary.completed == len(FAULT_KINDS) + 1
    runs = pq.read_table(tmp_path / "out" / "runs.parquet").to_pandas()
    category = {k.kind: k.category for k in FAULT_KINDS}
    for row in runs.itertuples():
        if row.fault_class == "healthy":
            assert row.fault_kinds == ""
            continue
        if category[row.fault_class] == "machine":
            assert row.fault_kinds == row.fault_class
        else:
            events = pq.read_table(
                tmp_path / "out" / "events" / f"scenario={row.scenario}" / f"run_id={row.run_id}"
            ).to_pylist()
            onsets = [e for e in events if e["category"] == "sensor_fault"]
            assert onsets and onsets[0]["kind"] == row.fault_class
            assert onsets[0]["t_s"] == pytest.approx(15.0)


def test_a_scenario_built_in_memory_sweeps_like_a_file(grid_sweep, tmp_path):
    """Runs are built from the loaded scenario, never re-read from its file (a Dask worker
    may not see it): a scenario from a dict gives the same runs as its file."""
    from failsim.spec import load_scenario, scenario_from_dict

    spec, ref, _ = grid_sweep
    data = yaml.safe_load(spec.read_text())
    in_memory = scenario_from_dict(data, source="grid (in memory)")
    assert in_memory.path is None
    sweep(in_memory, tmp_path / "mem", jobs=1)
    assert tree(tmp_path / "mem") == tree(ref)
    # a machine parameter axis reaches the machine
    data["sweep"]["grid"] = {"machine.motor.inertia_kg_m2": [0.03, 0.06]}
    data["sweep"]["classes"] = {"healthy": []}
    s = sweep(scenario_from_dict(data), tmp_path / "inertia", jobs=1)
    assert s.completed == 4  # two inertias, two repeats
    runs = pq.read_table(tmp_path / "inertia" / "runs.parquet").to_pandas()
    assert runs.machine_sha256.nunique() == 2
    assert load_scenario(spec).machine.sha256 not in set(runs.machine_sha256)


def test_a_single_run_is_refused_in_a_sweep_directory(grid_sweep):
    import failsim

    _, ref, _ = grid_sweep
    before = tree(ref)
    with pytest.raises(OutputError, match="holds a sweep"):
        failsim.run("im_7p5kw_pump_rated", ref, duration_s=0.1)
    assert tree(ref) == before
