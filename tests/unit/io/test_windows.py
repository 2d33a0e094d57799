"""WindowDataset: window counts, samples and labels against the Parquet files read directly,
filtering, the lazy reading and every error's message."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import failsim
from failsim.errors import OutputError, SpecError
from failsim.io.layout import stream_path
from failsim.io.parquet import StreamWriter
from failsim.io.windows import WindowDataset

FS = 25600  # vibration sample rate of the bundled pump, Hz
ONSET_S = 10.0  # the overload scenario's fault trigger
VIB = (
    "accel_drive_end_horizontal_m_s2",
    "accel_drive_end_vertical_m_s2",
    "accel_non_drive_end_vertical_m_s2",
)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("windows")
    failsim.run("im_7p5kw_pump_overload", out, duration_s=12.0)  # overload from 10 s
    failsim.run("im_7p5kw_pump_rated", out, duration_s=2.0)  # healthy
    return out


@pytest.fixture(scope="module")
def runs(dataset) -> dict[str, dict]:
    """scenario -> its row of runs.parquet"""
    return {r["scenario"]: r for r in pq.read_table(dataset / "runs.parquet").to_pylist()}


def _file(dataset: Path, run: dict, stream: str = "vibration") -> Path:
    return stream_path(dataset, stream, run["scenario"], run["run_id"])


def _rows(dataset: Path, run: dict, stream: str = "vibration") -> int:
    return pq.ParquetFile(_file(dataset, run, stream)).metadata.num_rows


def _count(n: int, w: int, h: int) -> int:
    return (n - w) // h + 1 if n >= w else 0


def test_window_counts_follow_the_row_counts(dataset, runs):
    n_over = _rows(dataset, runs["im_7p5kw_pump_overload"])
    n_rated = _rows(dataset, runs["im_7p5kw_pump_rated"])
    assert (n_over, n_rated) == (12 * FS, 2 * FS)
    ds = WindowDataset(dataset, window_s=0.1)
    assert (ds.window_samples, ds.hop_samples, ds.sample_rate_hz, ds.window_s) == (
        2560,
        2560,
        FS,
        0.1,
    )
    assert len(ds) == 120 + 20
    for w, h in [(1000, 1000), (1000, 333), (4097, 2048), (51200, 7)]:
        ds = WindowDataset(dataset, window_samples=w, hop_samples=h)
        assert len(ds) == _count(n_over, w, h) + _count(n_rated, w, h), (w, h)
        per_run = ds.index.groupby("run_id").size()
        assert per_run[runs["im_7p5kw_pump_overload"]["run_id"]] == _count(n_over, w, h)
        assert per_run[runs["im_7p5kw_pump_rated"]["run_id"]] == _count(n_rated, w, h)
    # a window longer than one run: that run gives no window, the other does
    ds = WindowDataset(dataset, window_s=3.0)
    assert len(ds) == 4
    assert set(ds.index.run_id) == {runs["im_7p5kw_pump_overload"]["run_id"]}


def test_a_window_holds_the_raw_samples_bit_for_bit(dataset, runs):
    ds = WindowDataset(dataset, window_samples=1000, hop_samples=700)
    table = pq.read_table(_file(dataset, runs["im_7p5kw_pump_overload"]))
    index = ds.index
    first_of_run = int(np.flatnonzero(index.run_id == runs["im_7p5kw_pump_overload"]["run_id"])[0])
    i = first_of_run + 123
    x, _ = ds[i]
    row = 123 * 700
    expected = np.stack([table.column(c).to_numpy()[row : row + 1000] for c in VIB])
    assert x.shape == (3, 1000) and x.dtype == np.float32
    assert x.tobytes() == expected.tobytes()
    assert index.row_start[i] == row
    assert index.t_start_s[i] == table.column("t_s").to_numpy()[row]
    x[:] = 0.0  # the caller's copy: the dataset's cached samples are untouched
    assert ds[i][0].tobytes() == expected.tobytes()
    assert ds[i - len(ds)][0].tobytes() == expected.tobytes()  # negative index


def test_labels_switch_from_healthy_to_the_fault_at_its_onset(dataset, runs):
    run = runs["im_7p5kw_pump_overload"]
    table = pq.read_table(_file(dataset, run), columns=["t_s", "is_anomaly", "active_faults"])
    t = table.column("t_s").to_numpy()
    anomalous = table.column("is_anomaly").to_numpy()
    faults = np.array(table.column("active_faults").cast(pa.string()).to_pylist())
    onset = int(np.argmax(anomalous))
    assert t[onset] == ONSET_S and not anomalous[:onset].any() and anomalous[onset:].all()
    assert set(faults[:onset]) == {""} and set(faults[onset:]) == {"overload"}

    w = round(0.3 * FS)  # windows at 9.6 s (healthy), 9.9 s (2/3 anomalous), 10.2 s (all)
    ds = WindowDataset(dataset, window_samples=w, run_ids=[run["run_id"]])
    assert ds.classes == ["healthy", "overload"]
    index = ds.index
    for i, row in enumerate(index.row_start):
        seg = slice(row, row + w)
        assert index.anomaly_fraction[i] == anomalous[seg].mean()
        names, counts = np.unique(faults[seg], return_counts=True)
        majority = names[np.argmax(counts)] or "healthy"
        assert index.label[i] == majority
        assert ds[i][1] == ds.classes.index(majority)
    at = dict(zip(np.round(index.t_start_s, 6), index.label, strict=True))
    assert at[0.0] == at[9.6] == "healthy" and at[9.9] == at[10.2] == at[11.7] == "overload"
    assert index.anomaly_fraction[index.t_start_s.round(6) == 9.9].item() == pytest.approx(2 / 3)

    anomaly = WindowDataset(dataset, window_samples=w, run_ids=[run["run_id"]], label="is_anomaly")
    assert anomaly.classes == ["normal", "anomaly"]
    assert list(anomaly.targets) == list((index.anomaly_fraction >= 0.5).astype(int))
    assert anomaly.index.t_start_s[np.argmax(anomaly.targets)] == pytest.approx(9.9)
    late = WindowDataset(
        dataset,
        window_samples=w,
        run_ids=[run["run_id"]],
        label="is_anomaly",
        min_anomaly_fraction=0.7,
    )
    flips = np.flatnonzero(np.diff(late.targets))
    assert len(flips) == 1 and late.index.t_start_s[flips[0] + 1] == pytest.approx(10.2)


def test_a_tie_goes_to_the_fault(dataset, runs):
    run = runs["im_7p5kw_pump_overload"]
    onset = round(ONSET_S * FS)
    ds = WindowDataset(dataset, window_samples=2000, hop_samples=1000, run_ids=[run["run_id"]])
    i = int(np.flatnonzero(ds.index.row_start == onset - 1000)[0])
    assert ds.index.anomaly_fraction[i] == 0.5
    assert ds.index.label[i] == "overload"
    assert ds.index.label[i - 1] == "healthy"
    anomaly = WindowDataset(
        dataset, window_samples=2000, hop_samples=1000, run_ids=[run["run_id"]], label="is_anomaly"
    )
    assert anomaly[i][1] == 1 and anomaly[i - 1][1] == 0


def test_overlapping_windows_share_their_samples(dataset, runs):
    ds = WindowDataset(dataset, window_samples=1000, hop_samples=250)
    n_over = _rows(dataset, runs["im_7p5kw_pump_overload"])
    n_rated = _rows(dataset, runs["im_7p5kw_pump_rated"])
    assert len(ds) == (n_over - 1000) // 250 + 1 + (n_rated - 1000) // 250 + 1
    a, b, c = ds[10][0], ds[11][0], ds[14][0]
    np.testing.assert_array_equal(a[:, 250:], b[:, :750])
    assert ds.index.row_start[14] - ds.index.row_start[10] == 1000
    assert not np.array_equal(a, c)
    # hop_s in seconds
    ds_s = WindowDataset(dataset, window_s=0.1, hop_s=0.025)
    assert ds_s.hop_samples == 640
    assert len(ds_s) == _count(n_over, 2560, 640) + _count(n_rated, 2560, 640)


def test_channels_are_chosen_and_ordered(dataset):
    full = WindowDataset(dataset, window_samples=512)
    assert full.channels == list(VIB)
    assert full.channel_units == dict.fromkeys(VIB, "m/s^2")
    pick = WindowDataset(dataset, window_samples=512, channels=[VIB[2], VIB[0]])
    assert pick.channels == [VIB[2], VIB[0]]
    for i in (0, 77, len(full) - 1):
        np.testing.assert_array_equal(pick[i][0], full[i][0][[2, 0]])
    one = WindowDataset(dataset, window_samples=512, channels=VIB[1])
    assert one[5][0].shape == (1, 512)

    current = WindowDataset(dataset, "current", window_samples=500)
    assert current.channels == [
        "current_a_a",
        "current_b_a",
        "current_c_a",
        "voltage_a_v",
        "voltage_b_v",
        "voltage_c_v",
    ]
    assert current.channel_units["current_a_a"] == "A"
    assert current.channel_units["voltage_c_v"] == "V"
    assert current.sample_rate_hz is None  # 5 kHz and 10 kHz runs
    process = WindowDataset(dataset, "process", window_samples=10, channels=["speed_rpm"])
    assert process.channel_units == {"speed_rpm": "rpm"} and len(process) == 12 + 2


def test_to_numpy_equals_the_stacked_items(dataset):
    for kwargs in (
        {"window_samples": 3000, "hop_samples": 1700},
        {"window_samples": 3000, "dtype": np.float64, "label": "is_anomaly"},
    ):
        ds = WindowDataset(dataset, **kwargs)
        X, y = ds.to_numpy()
        items = [ds[i] for i in range(len(ds))]
        assert X.shape == (len(ds), 3, 3000) and X.dtype == ds.dtype == items[0][0].dtype
        assert y.shape == (len(ds),) and y.dtype == np.int64
        np.testing.assert_array_equal(X, np.stack([x for x, _ in items]))
        np.testing.assert_array_equal(y, [label for _, label in items])
        np.testing.assert_array_equal(y, ds.index.y)
        assert all(type(label) is int for _, label in items)
    # float64 holds the float32 samples exactly
    f32 = WindowDataset(dataset, window_samples=3000)[4][0]
    np.testing.assert_array_equal(ds[4][0], f32.astype(np.float64))


def test_the_constructor_reads_no_samples_and_iteration_reads_each_run_once(dataset, monkeypatch):
    reads: list[tuple] = []
    real_read = pq.ParquetFile.read
    real_group = pq.ParquetFile.read_row_group

    def read(self, *args, **kwargs):
        reads.append(("read", kwargs.get("columns")))
        return real_read(self, *args, **kwargs)

    def read_row_group(self, *args, **kwargs):
        reads.append(("row_group", kwargs.get("columns")))
        return real_group(self, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "read", read)
    monkeypatch.setattr(pq.ParquetFile, "read_row_group", read_row_group)
    ds = WindowDataset(dataset, window_s=0.05, channels=[VIB[0]])
    assert reads == []
    assert len(ds) == 240 + 40 and reads == []
    for _x, _y in ds:
        pass
    label_reads = [r for r in reads if r[1] == ["is_anomaly", "active_faults"]]
    data_reads = [r for r in reads if r[1] == [VIB[0]]]
    assert len(label_reads) == 2 and len(data_reads) == 2 and len(reads) == 4
    assert len(ds._cache) == 2
    # a copy for another process starts without the decoded runs and gives the same windows
    clone = pickle.loads(pickle.dumps(ds))
    assert len(clone._cache) == 0
    np.testing.assert_array_equal(clone[100][0], ds[100][0])
    assert clone.classes == ds.classes


def test_windows_do_not_span_the_gaps_between_recorded_bursts(tmp_path):
    rec = {"burst_s": 0.25, "every_s": 1.0, "lead_in_s": 0.25}
    failsim.run(
        "im_7p5kw_pump_rated",
        tmp_path,
        duration_s=3.0,
        overrides={"operation.stop_at_s": None, "recording": rec},
    )
    (path,) = (tmp_path / "vibration").rglob("part-0.parquet")
    t = pq.read_table(path, columns=["t_s"]).column(0).to_numpy()
    assert len(t) == 3 * FS // 4
    ds = WindowDataset(tmp_path, window_samples=1000, hop_samples=300)
    per_burst = (FS // 4 - 1000) // 300 + 1
    assert len(ds) == 3 * per_burst
    index = ds.index
    for i in range(len(ds)):
        seg = t[index.row_start[i] : index.row_start[i] + 1000]
        np.testing.assert_allclose(np.diff(seg), 1 / FS, rtol=1e-6)
        assert index.t_start_s[i] == seg[0]
    starts = index.t_start_s.to_numpy()
    assert starts[per_burst] == 1.0 and starts[2 * per_burst] == 2.0
    with pytest.raises(SpecError, match="longest stretch of consecutive samples has 6400"):
        WindowDataset(tmp_path, window_samples=6401)


def test_small_row_groups_give_the_same_windows(dataset, runs, tmp_path):
    """A file in many row groups, each with its own dictionary of active_faults."""
    copy = tmp_path / "copy"
    shutil.copytree(dataset, copy)
    run = runs["im_7p5kw_pump_overload"]
    table = pq.read_table(_file(dataset, run))
    target = _file(copy, run)
    writer = StreamWriter(target, table.schema, row_group_rows=70_001)
    writer.write(table)
    writer.close()
    meta = pq.ParquetFile(target).metadata
    assert meta.num_row_groups == 5
    column = pq.read_table(target, columns=["active_faults"]).column(0)
    assert len({tuple(c.dictionary.to_pylist()) for c in column.chunks}) > 1

    a = WindowDataset(dataset, window_samples=3333, hop_samples=2000, run_ids=[run["run_id"]])
    b = WindowDataset(copy, window_samples=3333, hop_samples=2000, run_ids=[run["run_id"]])
    Xa, ya = a.to_numpy()
    Xb, yb = b.to_numpy()
    assert len(a) == len(b) == (12 * FS - 3333) // 2000 + 1
    np.testing.assert_array_equal(Xa, Xb)
    np.testing.assert_array_equal(ya, yb)
    assert a.classes == b.classes == ["healthy", "overload"]
    assert list(b.index.label).count("overload") > 0


@pytest.fixture
def split_dataset(dataset, runs, tmp_path) -> Path:
    """The dataset with a split column and a diverged run (no files) in runs.parquet."""
    copy = tmp_path / "split"
    shutil.copytree(dataset, copy)
    table = pq.read_table(copy / "runs.parquet")
    diverged = table.slice(0, 1).to_pylist()[0] | {"run_id": "x-diverged", "status": "diverged"}
    table = pa.concat_tables([table, pa.Table.from_pylist([diverged], schema=table.schema)])
    split = {
        runs["im_7p5kw_pump_overload"]["run_id"]: "train",
        runs["im_7p5kw_pump_rated"]["run_id"]: "test",
        "x-diverged": "test",
    }
    column = pa.array([split[r] for r in table.column("run_id").to_pylist()], pa.string())
    if "split" in table.column_names:  # an index that already has the column (all null here)
        table = table.drop_columns(["split"])
    table = table.append_column("split", column)
    kinds = [
        {"overload": "overload", "": "healthy"}[k] for k in table.column("fault_kinds").to_pylist()
    ]
    if "fault_class" in table.column_names:
        table = table.drop_columns(["fault_class"])
    table = table.append_column("fault_class", pa.array(kinds, pa.string()))
    pq.write_table(table, copy / "runs.parquet")
    return copy


def test_split_and_run_ids_select_runs(split_dataset, runs):
    over, rated = runs["im_7p5kw_pump_overload"]["run_id"], runs["im_7p5kw_pump_rated"]["run_id"]
    train = WindowDataset(split_dataset, window_s=0.1, split="train")
    test = WindowDataset(split_dataset, window_s=0.1, split="test", classes=train.classes)
    assert (train.run_ids, test.run_ids) == ([over], [rated])
    assert (len(train), len(test)) == (120, 20)
    assert set(train.index.split) == {"train"} and set(test.index.split) == {"test"}
    assert set(train.index.fault_class) == {"overload"}
    assert set(test.index.fault_class) == {"healthy"}
    assert test.classes == ["healthy", "overload"] and set(test.targets) == {0}
    both = WindowDataset(split_dataset, window_s=0.1, split=["train", "test"])
    assert len(both) == 140
    picked = WindowDataset(split_dataset, window_s=0.1, run_ids=[rated])
    np.testing.assert_array_equal(picked.to_numpy()[0], test.to_numpy()[0])
    assert WindowDataset(split_dataset, window_s=0.1).index.split.isna().sum() == 0

    with pytest.raises(SpecError) as err:
        WindowDataset(split_dataset, window_s=0.1, split="validation")
    msg = str(err.value)
    assert "no runs left after filtering" in msg and "field 'split'" in msg
    assert "splits present: ['test', 'train']" in msg
    with pytest.raises(SpecError) as err:
        WindowDataset(split_dataset, window_s=0.1, run_ids=["x-diverged"])
    assert "0 completed (status: diverged 1)" in str(err.value)


def test_given_classes_set_the_integer_labels(dataset):
    ds = WindowDataset(dataset, window_s=0.1, classes=["overload", "imbalance", "healthy"])
    assert ds.classes == ["overload", "imbalance", "healthy"]
    assert sorted(set(ds.targets)) == [0, 2]
    assert list(ds.index.label[ds.targets == 0].unique()) == ["overload"]
    with pytest.raises(SpecError, match="class 'overload', which is not among the classes given"):
        WindowDataset(dataset, window_s=0.1, classes=["healthy"]).classes


def _error(exc_type, *args, **kwargs) -> str:
    with pytest.raises(exc_type) as err:
        WindowDataset(*args, **kwargs)
    return str(err.value)


def test_error_messages_name_the_problem_and_what_is_allowed(dataset, tmp_path):
    missing = tmp_path / "nowhere"
    msg = _error(OutputError, missing, window_s=0.1)
    assert str(missing) in msg and "does not exist" in msg
    assert "no runs.parquet" in _error(OutputError, tmp_path, window_s=0.1)

    msg = _error(SpecError, dataset, "events", window_s=0.1)
    assert "'events' is not a sampled stream" in msg and "current, process, vibration" in msg
    msg = _error(SpecError, dataset, "vibrations", window_s=0.1)
    assert "field 'stream'" in msg and "'vibrations' is not a stream" in msg

    msg = _error(SpecError, dataset, window_s=0.1, channels=["accel_x_m_s2"])
    assert "field 'channels'" in msg and "unknown channel 'accel_x_m_s2'" in msg
    assert "available: " + ", ".join(VIB) in msg

    assert "field 'window_samples': 0 is not allowed: must be at least 1" in _error(
        SpecError, dataset, window_samples=0
    )
    assert "field 'window_s': -0.1 is not allowed: must be > 0 (s)" in _error(
        SpecError, dataset, window_s=-0.1
    )
    assert "field 'hop_samples': -5 is not allowed" in _error(
        SpecError, dataset, window_samples=10, hop_samples=-5
    )
    assert "give window_s or window_samples, not both" in _error(
        SpecError, dataset, window_s=0.1, window_samples=10
    )
    assert "give the window length" in _error(SpecError, dataset)
    msg = _error(SpecError, dataset, window_s=20.0)
    assert "field 'window_s'" in msg
    assert "a window of 512000 samples (20 s) is longer than every selected run" in msg
    assert "has 307200" in msg

    msg = _error(SpecError, dataset, window_s=0.1, split="train")
    assert "field 'split'" in msg and "no 'split' column" in msg
    msg = _error(SpecError, dataset, window_s=0.1, run_ids=["nope"])
    assert "no run 'nope' in runs.parquet" in msg and "im_7p5kw_pump_rated-" in msg
    msg = _error(SpecError, dataset, "current", window_s=0.1)
    assert "different rates (5000, 10000 Hz)" in msg and "window_samples" in msg
    assert "must be one of active_faults, is_anomaly" in _error(
        SpecError, dataset, window_s=0.1, label="fault_mask"
    )
    assert "must be in (0, 1]" in _error(
        SpecError, dataset, window_s=0.1, label="is_anomaly", min_anomaly_fraction=0.0
    )
    assert "floating-point" in _error(SpecError, dataset, window_s=0.1, dtype=np.int16)

    ds = WindowDataset(dataset, window_s=0.1)
    with pytest.raises(IndexError, match="window 140 out of range for 140 windows"):
        ds[140]
    with pytest.raises(TypeError, match="window index must be an integer, not float"):
        ds[1.0]
    assert ds[np.int64(3)][0].tobytes() == ds[3][0].tobytes()
    assert isinstance(SpecError("x"), ValueError) and isinstance(OutputError("x"), OSError)


def test_a_missing_stream_file_is_an_output_error(dataset, runs, tmp_path):
    copy = tmp_path / "broken"
    shutil.copytree(dataset, copy)
    path = _file(copy, runs["im_7p5kw_pump_rated"])
    path.unlink()
    msg = _error(OutputError, copy, window_s=0.1)
    assert str(path) in msg and "missing" in msg
