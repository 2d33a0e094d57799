"""The output contract: files, columns, units, provenance, labels and reproducibility."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import failsim
from failsim.io.provenance import read_file_metadata
from failsim.simulation import SolverOptions

SCENARIO = "im_7p5kw_pump_rated"


def _digest_tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ds")
    failsim.run(SCENARIO, out, duration_s=3.0, overrides={"operation.stop_at_s": 2.0})
    return out


def test_same_seed_gives_byte_identical_files_whatever_the_chunk_size(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    failsim.run(SCENARIO, a, duration_s=1.5, seed=4, options=SolverOptions(chunk_s=1.0))
    failsim.run(SCENARIO, b, duration_s=1.5, seed=4, options=SolverOptions(chunk_s=0.1234))
    failsim.run(SCENARIO, c, duration_s=1.5, seed=5, options=SolverOptions(chunk_s=1.0))
    da, db, dc = _digest_tree(a), _digest_tree(b), _digest_tree(c)
    assert da == db
    assert len(da) == 6
    assert da.keys() != dc.keys() or da != dc  # another seed is another run


def test_result_write_equals_failsim_run(tmp_path):
    failsim.run(SCENARIO, tmp_path / "run", duration_s=0.7, seed=2)
    failsim.simulate(SCENARIO, duration_s=0.7, seed=2).write(tmp_path / "api")
    assert _digest_tree(tmp_path / "run") == _digest_tree(tmp_path / "api")


def test_small_row_groups_do_not_change_values(tmp_path, monkeypatch):
    import failsim.io.parquet as parquet

    out = tmp_path / "rg"
    monkeypatch.setattr(parquet, "ROW_GROUP_ROWS", 777)
    monkeypatch.setattr(parquet.StreamWriter.__init__, "__defaults__", (777,))
    failsim.run(SCENARIO, out, duration_s=0.5, options=SolverOptions(chunk_s=0.05))
    f = next((out / "current").rglob("*.parquet"))
    meta = pq.ParquetFile(f).metadata
    assert meta.num_row_groups == -(-5000 // 777)
    assert all(meta.row_group(i).num_rows == 777 for i in range(meta.num_row_groups - 1))
    ref = failsim.simulate(SCENARIO, duration_s=0.5).to_arrow("current")
    assert pq.read_table(f).equals(ref)


def test_stream_columns_units_and_times(dataset):
    cur = next((dataset / "current").rglob("*.parquet"))
    table = pq.read_table(cur)
    names = table.schema.names
    assert names[0] == "t_s"
    assert names[-5:] == [
        "is_anomaly",
        "active_faults",
        "fault_mask",
        "sensor_fault_mask",
        "machine_state",
    ]
    for field in table.schema:
        assert field.metadata and b"unit" in field.metadata, field.name
        if field.name not in ("t_s",) and field.name not in names[-5:]:
            assert str(field.type) == "float"
    t = table.column("t_s").to_numpy()
    k = np.arange(t.size)
    assert np.array_equal(t, k / 10_000)  # sample k at exactly k / fs
    proc = pq.read_table(next((dataset / "process").rglob("*.parquet")))
    assert np.array_equal(proc.column("t_s").to_numpy(), np.arange(proc.num_rows) / 10)
    for unit_col in ("speed_rpm", "torque_shaft_n_m", "temp_winding_c", "power_active_w"):
        assert unit_col in proc.schema.names


def test_provenance_in_every_file(dataset):
    files = sorted(dataset.rglob("*.parquet"))
    assert len(files) == 6
    for f in files:
        meta = read_file_metadata(pq.read_schema(f).metadata)
        assert meta["versions"]["failsim"] == failsim.__version__
        for lib in ("numpy", "numba", "pyarrow"):
            assert meta["versions"][lib]
        if f.name != "runs.parquet":
            assert meta["machine"] == "im_7p5kw_pump"
            assert meta["scenario"] == SCENARIO
            assert meta["seed"] == 1
            assert len(meta["machine_sha256"]) == 64
            assert meta["run_id"] in str(f)


def test_read_back_with_pandas_pyarrow_and_duckdb(dataset):
    df = pd.read_parquet(dataset / "process")
    assert {"scenario", "run_id"} <= set(df.columns)  # hive partitions
    assert isinstance(df.machine_state.dtype, pd.CategoricalDtype)
    assert df.is_anomaly.dtype == bool
    table = ds.dataset(dataset / "current", format="parquet", partitioning="hive").to_table()
    assert table.num_rows == 30_000
    con = duckdb.connect()
    q = f"""SELECT machine_state, count(*) AS n, max(temp_winding_c) AS tmax
            FROM read_parquet('{dataset}/process/*/*/*.parquet', hive_partitioning = true)
            GROUP BY machine_state ORDER BY machine_state"""
    rows = {r[0]: r[1] for r in con.execute(q).fetchall()}
    assert set(rows) == {"starting", "running", "stopping"}
    assert sum(rows.values()) == 30
    runs = con.execute(f"SELECT run_id, status, ended_early FROM '{dataset}/runs.parquet'")
    (run_id, status, ended_early), *_ = runs.fetchall()
    assert status == "completed" and ended_early is False
    assert run_id == df.run_id.astype(str).iloc[0]


def test_labels_follow_the_realised_events(dataset):
    events = pd.read_parquet(dataset / "events")
    cur = pd.read_parquet(dataset / "current")
    states = events[events.category == "state"][["t_s", "kind"]].to_numpy()
    # the state of each sample is the last state event at or before it
    idx = np.searchsorted(states[:, 0].astype(float), cur.t_s.to_numpy(), side="right") - 1
    assert (cur.machine_state.astype(str).to_numpy() == states[idx, 1]).all()
    t_open = float(events[events.kind == "contactor_opened"].t_s.iloc[0])
    assert t_open == pytest.approx(2.02, abs=1e-9)
    assert (cur[cur.t_s >= t_open].machine_state != "running").all()
    # healthy run: no anomaly anywhere, empty fault columns, empty labels table
    assert not cur.is_anomaly.any()
    assert (cur.fault_mask == 0).all() and (cur.active_faults.astype(str) == "").all()
    assert len(pd.read_parquet(dataset / "labels")) == 0


def test_runs_index_records_sizes(dataset):
    runs = pd.read_parquet(dataset / "runs.parquet")
    assert len(runs) == 1
    row = runs.iloc[0]
    sizes = json.loads(row.streams_json)
    assert sizes["current"]["rows"] == 30_000 and sizes["process"]["rows"] == 30
    on_disk = sum(f.stat().st_size for f in dataset.rglob("part-0.parquet"))
    assert row.total_bytes == on_disk


def test_rerun_into_the_same_directory_replaces_its_row(dataset, tmp_path):
    out = tmp_path / "again"
    failsim.run(SCENARIO, out, duration_s=0.3)
    failsim.run(SCENARIO, out, duration_s=0.3)
    failsim.run(SCENARIO, out, duration_s=0.3, seed=9)
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 2
    assert sorted(runs.seed) == [1, 9]


def test_a_paired_twin_keeps_the_overrides_of_its_faulty_run(tmp_path):
    """The healthy twin of a run with a duration override has that duration too."""
    import failsim

    failsim.run("im_7p5kw_pump_overload", tmp_path, duration_s=11.0, paired=True)
    runs = pq.read_table(tmp_path / "runs.parquet").to_pandas()
    assert sorted(runs.pair_role) == ["faulty", "healthy_twin"]
    assert set(runs.duration_s) == {11.0}
