"""Fixed-length labelled windows of a sampled stream, for training and testing detectors.

:class:`WindowDataset` cuts the ``current``, ``process`` or ``vibration`` stream of the
completed runs of a dataset into windows of a fixed number of samples and labels each window
from the per-sample label columns. It is a map-style dataset (``len(ds)``, ``ds[i]``), so it
works with ``torch.utils.data.DataLoader`` without failsim depending on PyTorch.

The constructor reads ``runs.parquet`` and the Parquet footers of the stream files only.
Samples are read one run at a time, on demand, and only the selected channels; the label
columns are read once, on first use of the labels.
"""

from __future__ import annotations

import json
import operator
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import OutputError, SpecError
from ..streams import LABEL_COLUMNS, TIME_FIELD
from .layout import RUNS_FILE, STREAMS, runs_path, stream_path

#: streams with one row per sample, which can be cut into windows
SAMPLED_STREAMS = ("current", "process", "vibration")
#: class name of a window without an active machine fault (``active_faults`` empty)
HEALTHY = "healthy"
#: classes of ``label="is_anomaly"``, in the order of their integer labels
ANOMALY_CLASSES = ("normal", "anomaly")

_METADATA_KEY = b"failsim"
_NON_CHANNELS = frozenset([TIME_FIELD.name, *(f.name for f in LABEL_COLUMNS)])
_LABELS = ("active_faults", "is_anomaly")


class _Run:
    """What the constructor learns about one run from runs.parquet and the file footer."""

    __slots__ = (
        "channels",
        "fault_class",
        "fs",
        "n_rows",
        "path",
        "run_id",
        "scenario",
        "split",
        "stretches",
        "units",
    )

    def __init__(
        self,
        run_id: str,
        scenario: str,
        split: str | None,
        fault_class: str | None,
        path: Path,
    ) -> None:
        self.run_id = run_id
        self.scenario = scenario
        self.split = split
        self.fault_class = fault_class
        self.path = path
        self.fs = 0.0
        self.n_rows = 0
        self.channels: list[str] = []
        self.units: dict[str, str] = {}
        #: (first row, rows, sample index of the first row) of each run of consecutive samples
        self.stretches: list[tuple[int, int, int]] = []


class WindowDataset:
    """Windows of one sampled stream of a failsim dataset, with one class label each.

    A window is ``window_samples`` consecutive samples of one run; consecutive windows of a run
    start ``hop_samples`` apart. Windows never span two runs nor a gap between two recorded
    bursts (see ``recording``); the tail of a run (or burst) shorter than a window is dropped,
    so a stretch of ``n >= window_samples`` consecutive samples gives
    ``(n - window_samples) // hop_samples + 1`` windows. Only runs with status ``completed``
    are used. Windows are ordered by run, in the order of ``runs.parquet`` (sorted by run id),
    then by time.

    Parameters
    ----------
    dataset_dir:
        Output directory of ``failsim run`` or a sweep (it holds ``runs.parquet``).
    stream:
        ``"vibration"``, ``"current"`` or ``"process"``.
    window_s, window_samples:
        Window length in seconds (rounded to the nearest sample) or in samples; give exactly
        one. ``window_s`` needs all selected runs to share one sample rate.
    hop_s, hop_samples:
        Start-to-start distance of consecutive windows of a run, in seconds (rounded to the
        nearest sample) or in samples; at most one. Default: the window length
        (non-overlapping windows). A hop shorter than the window makes them overlap.
    channels:
        Channel columns to return, in this order (e.g. ``["accel_drive_end_horizontal_m_s2"]``).
        Default: every float channel of the stream, in file order; every selected run must
        have them.
    split:
        Keep only runs whose ``split`` column in ``runs.parquet`` is this value (or one of these
        values), e.g. ``"train"``. Needs a dataset with a ``split`` column (a sweep).
    run_ids:
        Keep only these runs.
    label:
        ``"active_faults"``: one class per combination of active machine faults, ``healthy``
        when there is none; a window takes the value held by most of its samples. Ties go to a
        fault over ``healthy``, then to the alphabetically first. ``"is_anomaly"``: classes
        ``normal`` (0) and ``anomaly`` (1); a window is an anomaly when the fraction of its
        samples with ``is_anomaly`` set is at least ``min_anomaly_fraction``.
    min_anomaly_fraction:
        Fraction (0, 1] of anomalous samples that makes a window an anomaly (``is_anomaly``
        labels only).
    classes:
        Class names in the order of their integer labels, to share one mapping between
        datasets (give the training set's ``classes`` to the test set). Default: the sorted
        names of the classes that label at least one window.
    dtype:
        Floating-point type of the returned samples (default float32, as stored).
    cache_runs:
        Number of decoded runs kept in memory, most recently used first (at least 1).

    Attributes
    ----------
    stream, label: str
        As given.
    channels: list of str
        The returned channels, in the order of the first axis of ``x``.
    channel_units: dict
        Unit of each channel, from the Arrow field metadata (e.g. ``"m/s^2"``).
    window_samples, hop_samples: int
        Window length and hop in samples.
    sample_rate_hz: float or None
        Sample rate of the stream (Hz); ``None`` if the selected runs differ.
    window_s: float or None
        Window length (s) at ``sample_rate_hz``.
    run_ids: list of str
        Runs that were selected (some may give no window if shorter than one).

    Raises
    ------
    OutputError
        The directory, ``runs.parquet`` or a stream file of a selected run is missing or not
        a failsim dataset.
    SpecError
        A parameter is not allowed: unknown stream or channel, non-positive window or hop, a
        window longer than every run, no run left after filtering.
    """

    def __init__(
        self,
        dataset_dir: str | Path,
        stream: str = "vibration",
        *,
        window_s: float | None = None,
        window_samples: int | None = None,
        hop_s: float | None = None,
        hop_samples: int | None = None,
        channels: Sequence[str] | None = None,
        split: str | Sequence[str] | None = None,
        run_ids: Sequence[str] | None = None,
        label: Literal["active_faults", "is_anomaly"] = "active_faults",
        min_anomaly_fraction: float = 0.5,
        classes: Sequence[str] | None = None,
        dtype: type | np.dtype | str = np.float32,
        cache_runs: int = 2,
    ) -> None:
        self.dataset_dir = Path(dataset_dir)
        self._where = str(self.dataset_dir)
        self.stream = self._check_stream(stream)
        self.label = self._check_label(label, min_anomaly_fraction, classes)
        self.min_anomaly_fraction = float(min_anomaly_fraction)
        self.dtype = self._check_dtype(dtype)
        if isinstance(cache_runs, bool) or not isinstance(cache_runs, int) or cache_runs < 1:
            raise self._error("cache_runs", cache_runs, "must be an integer of at least 1")
        self.cache_runs = cache_runs
        self._given_classes = None if classes is None else [str(c) for c in classes]

        runs = self._select_runs(split, run_ids)
        for run in runs:
            self._read_footer(run)
        self._runs = runs
        self.run_ids = [r.run_id for r in runs]
        self.channels, self.channel_units = self._check_channels(runs, channels)

        rates = sorted({r.fs for r in runs})
        self.sample_rate_hz: float | None = rates[0] if len(rates) == 1 else None
        self._window_field = "window_s" if window_s is not None else "window_samples"
        self.window_samples = self._samples("window", window_s, window_samples, rates, None)
        self.hop_samples = self._samples("hop", hop_s, hop_samples, rates, self.window_samples)
        self.window_s = (
            None if self.sample_rate_hz is None else self.window_samples / self.sample_rate_hz
        )
        self._build_segments()

        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._y: np.ndarray | None = None
        self._fraction: np.ndarray | None = None
        self._classes: list[str] | None = None
        self._index: pd.DataFrame | None = None

    # ------------------------------------------------------------------ the map-style API --

    def __len__(self) -> int:
        return int(self._cum[-1])

    def __getitem__(self, i: int) -> tuple[np.ndarray, int]:
        """Window ``i``: ``x`` of shape (n_channels, window_samples) in the channels' units
        (see :attr:`channel_units`), and its integer class label ``y`` (see :attr:`classes`)."""
        n = len(self)
        try:
            k = operator.index(i)
        except TypeError:
            raise TypeError(f"window index must be an integer, not {type(i).__name__}") from None
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError(f"window {i} out of range for {n} windows")
        run, row = self._locate(k)
        data = self._run_data(run)
        x = data[:, row : row + self.window_samples].copy()
        return x, int(self._labels()[0][k])

    def __iter__(self) -> Iterator[tuple[np.ndarray, int]]:
        for i in range(len(self)):
            yield self[i]

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_cache"] = OrderedDict()  # data-loader workers decode their own runs
        return state

    def __repr__(self) -> str:
        return (
            f"WindowDataset({self._where!r}, stream={self.stream!r}, windows={len(self)}, "
            f"runs={len(self._runs)}, channels={len(self.channels)}, "
            f"window_samples={self.window_samples}, hop_samples={self.hop_samples}, "
            f"label={self.label!r})"
        )

    @property
    def classes(self) -> list[str]:
        """Class names; ``y`` is the position of a window's class in this list."""
        return list(self._labels()[2])

    @property
    def targets(self) -> np.ndarray:
        """Integer class label of every window (int64, shape (n_windows,))."""
        return self._labels()[0].copy()

    @property
    def index(self) -> pd.DataFrame:
        """One row per window, in window order: ``run_id``, ``scenario``, ``split`` and
        ``fault_class`` (from ``runs.parquet``; ``None`` where it has none), ``row_start`` (row
        of the first sample in the run's stream file), ``t_start_s`` (time of the first
        sample, s), ``label`` (class name), ``y`` (integer label) and ``anomaly_fraction``
        (fraction of the window's samples with ``is_anomaly`` set)."""
        if self._index is None:
            y, fraction, classes = self._labels()
            run = np.repeat(self._seg_run, self._seg_nw)
            j = np.arange(len(self)) - np.repeat(self._cum[:-1], self._seg_nw)
            rows = np.repeat(self._seg_row, self._seg_nw) + j * self.hop_samples
            k0 = np.repeat(self._seg_k0, self._seg_nw) + j * self.hop_samples
            fs = np.array([r.fs for r in self._runs], dtype=np.float64)[run]
            runs = self._runs
            self._index = pd.DataFrame(
                {
                    "run_id": np.array([r.run_id for r in runs], dtype=object)[run],
                    "scenario": np.array([r.scenario for r in runs], dtype=object)[run],
                    "split": np.array([r.split for r in runs], dtype=object)[run],
                    "fault_class": np.array([r.fault_class for r in runs], dtype=object)[run],
                    "row_start": rows.astype(np.int64),
                    "t_start_s": k0 / fs,
                    "label": np.array(classes, dtype=object)[y],
                    "y": y,
                    "anomaly_fraction": fraction,
                }
            )
        return self._index.copy()

    def to_numpy(self) -> tuple[np.ndarray, np.ndarray]:
        """All windows at once: ``X`` of shape (n_windows, n_channels, window_samples) in
        :attr:`dtype` and ``y`` of shape (n_windows,) as int64. Needs the memory of all
        windows; reads each run once."""
        y = self.targets
        w = self.window_samples
        X = np.empty((len(self), len(self.channels), w), dtype=self.dtype)
        for run in np.unique(self._seg_run):
            data = self._run_data(int(run))
            view = np.lib.stride_tricks.sliding_window_view(data, w, axis=1)
            for s in np.flatnonzero(self._seg_run == run):
                rows = self._seg_row[s] + self.hop_samples * np.arange(self._seg_nw[s])
                X[self._cum[s] : self._cum[s + 1]] = view[:, rows, :].transpose(1, 0, 2)
        return X, y

    # -------------------------------------------------------------------- construction --

    def _error(self, field: str, value: object, message: str) -> SpecError:
        return SpecError(message, file=self._where, field=field, value=value)

    def _check_stream(self, stream: str) -> str:
        if stream in SAMPLED_STREAMS:
            return stream
        allowed = ", ".join(SAMPLED_STREAMS)
        if stream in STREAMS:
            why = f"{stream!r} is not a sampled stream (it has one row per event or label row)"
        else:
            why = f"{stream!r} is not a stream of a failsim dataset"
        raise self._error("stream", stream, f"{why}; allowed: {allowed}")

    def _check_label(self, label: str, min_fraction: float, classes: Sequence[str] | None) -> str:
        if label not in _LABELS:
            raise self._error(
                "label", label, f"{label!r} is not allowed: must be one of {', '.join(_LABELS)}"
            )
        if isinstance(min_fraction, bool) or not 0.0 < float(min_fraction) <= 1.0:
            raise self._error(
                "min_anomaly_fraction",
                min_fraction,
                f"{min_fraction!r} is not allowed: must be in (0, 1] (fraction of the "
                "window's samples)",
            )
        if classes is not None:
            names = [str(c) for c in classes]
            if isinstance(classes, str) or len(set(names)) != len(names):
                raise self._error("classes", classes, "must be a sequence of distinct class names")
            if label == "is_anomaly" and names != list(ANOMALY_CLASSES):
                raise self._error(
                    "classes",
                    classes,
                    f"with label 'is_anomaly' the classes are {list(ANOMALY_CLASSES)}",
                )
        return label

    def _check_dtype(self, dtype: type | np.dtype | str) -> np.dtype:
        try:
            dt = np.dtype(dtype)
        except TypeError:
            dt = None
        if dt is None or dt.kind != "f":
            raise self._error(
                "dtype", dtype, f"{dtype!r} is not allowed: must be a floating-point type"
            )
        return dt

    def _select_runs(
        self, split: str | Sequence[str] | None, run_ids: Sequence[str] | None
    ) -> list[_Run]:
        if not self.dataset_dir.is_dir():
            what = "is not a directory" if self.dataset_dir.exists() else "does not exist"
            raise OutputError(f"{self.dataset_dir}: dataset directory {what}")
        path = runs_path(self.dataset_dir)
        if not path.is_file():
            raise OutputError(
                f"{self.dataset_dir}: no {RUNS_FILE} here; is it a failsim output directory?"
            )
        try:
            table = pq.read_table(path)
        except (OSError, pa.ArrowException) as exc:
            raise OutputError(f"{path}: cannot read it as Parquet: {exc}") from None
        missing = [c for c in ("run_id", "scenario", "status") if c not in table.column_names]
        if missing:
            raise OutputError(f"{path}: not a failsim runs index (no column {missing[0]!r})")
        rows = table.to_pylist()
        steps = [f"{len(rows)} run(s) in {RUNS_FILE}"]

        if run_ids is not None:
            wanted = [run_ids] if isinstance(run_ids, str) else [str(r) for r in run_ids]
            known = {r["run_id"] for r in rows}
            unknown = [r for r in wanted if r not in known]
            if unknown:
                shown = ", ".join(sorted(known)[:10]) + (", ..." if len(known) > 10 else "")
                raise self._error(
                    "run_ids", unknown[0], f"no run {unknown[0]!r} in {RUNS_FILE}; runs: {shown}"
                )
            rows = [r for r in rows if r["run_id"] in set(wanted)]
            steps.append(f"{len(rows)} among run_ids")

        if split is not None:
            splits = [split] if isinstance(split, str) else [str(s) for s in split]
            present = sorted({r.get("split") for r in rows if r.get("split") is not None})
            if "split" not in table.column_names or table.column("split").null_count == len(table):
                raise self._error(
                    "split",
                    split,
                    f"{RUNS_FILE} has no 'split' column (or only nulls): the dataset is not "
                    "split into train, validation and test; leave split=None or select runs "
                    "with run_ids",
                )
            rows = [r for r in rows if r.get("split") in splits]
            steps.append(f"{len(rows)} with split in {splits} (splits present: {present})")

        statuses: dict[str, int] = {}
        for r in rows:
            statuses[r["status"]] = statuses.get(r["status"], 0) + 1
        rows = [r for r in rows if r["status"] == "completed"]
        shown = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
        steps.append(f"{len(rows)} completed (status: {shown or 'none'})")

        runs = []
        for r in rows:
            recorded = _recorded_streams(r.get("streams_json"))
            if recorded is not None and self.stream not in recorded:
                continue  # the machine has no such stream (e.g. no accelerometers)
            run = _Run(
                r["run_id"],
                r["scenario"],
                r.get("split"),
                r.get("fault_class"),
                stream_path(self.dataset_dir, self.stream, r["scenario"], r["run_id"]),
            )
            runs.append(run)
        steps.append(f"{len(runs)} with a {self.stream!r} stream")
        if not runs:
            raise self._error(
                "split" if split is not None else "run_ids" if run_ids is not None else "stream",
                split if split is not None else run_ids if run_ids is not None else self.stream,
                "no runs left after filtering: " + ", ".join(steps),
            )
        return runs

    def _read_footer(self, run: _Run) -> None:
        """Row count, sample rate, channels and units of a run from its Parquet footer, and
        the stretches of consecutive samples (more than one in a run recorded in bursts)."""
        if not run.path.is_file():
            raise OutputError(
                f"{run.path}: missing; runs.parquet lists run {run.run_id} as completed"
            )
        try:
            with pq.ParquetFile(run.path) as pf:
                schema = pf.schema_arrow
                meta = pf.metadata
                stretches = self._stretches(run, pf, schema, meta)
        except (OSError, pa.ArrowException) as exc:
            raise OutputError(f"{run.path}: cannot read it as Parquet: {exc}") from None
        run.n_rows = meta.num_rows
        run.stretches = stretches
        needed = ["is_anomaly"] + (["active_faults"] if self.label == "active_faults" else [])
        for name in needed:
            if name not in schema.names:
                raise OutputError(f"{run.path}: no label column {name!r}; not a failsim stream")
        run.channels = [
            f.name for f in schema if f.name not in _NON_CHANNELS and pa.types.is_floating(f.type)
        ]
        run.units = {
            f.name: (f.metadata or {}).get(b"unit", b"").decode("utf-8")
            for f in schema
            if f.name in run.channels
        }

    def _stretches(
        self, run: _Run, pf: pq.ParquetFile, schema: pa.Schema, meta: pq.FileMetaData
    ) -> list[tuple[int, int, int]]:
        """(first row, rows, sample index k of the first row) of each stretch of consecutive
        samples, from the t_s statistics of the row groups (t_s is read only for a row group
        with a gap inside it or without statistics)."""
        doc = {}
        if schema.metadata and _METADATA_KEY in schema.metadata:
            doc = json.loads(schema.metadata[_METADATA_KEY])
        fs = doc.get("sample_rate_hz")
        if not fs or fs <= 0:
            raise OutputError(f"{run.path}: no sample_rate_hz in the file metadata")
        run.fs = float(fs)
        if TIME_FIELD.name not in schema.names:
            raise OutputError(f"{run.path}: no column {TIME_FIELD.name!r}; not a failsim stream")
        col = schema.names.index(TIME_FIELD.name)
        pieces: list[tuple[int, int, int]] = []
        row0 = 0
        for g in range(meta.num_row_groups):
            rg = meta.row_group(g)
            n = rg.num_rows
            if n == 0:
                continue
            stats = rg.column(col).statistics
            if stats is not None and stats.has_min_max:
                k_lo, k_hi = round(stats.min * run.fs), round(stats.max * run.fs)
                if k_hi - k_lo + 1 == n:
                    pieces.append((row0, n, k_lo))
                    row0 += n
                    continue
            t = pf.read_row_group(g, columns=[TIME_FIELD.name]).column(0).to_numpy()
            k = np.round(t * run.fs).astype(np.int64)
            cuts = np.flatnonzero(np.diff(k) != 1) + 1
            for a, b in zip(np.r_[0, cuts], np.r_[cuts, n], strict=True):
                pieces.append((row0 + int(a), int(b - a), int(k[a])))
            row0 += n
        merged: list[tuple[int, int, int]] = []
        for row, n, k in pieces:  # join pieces that continue across row groups
            if merged and merged[-1][2] + merged[-1][1] == k:
                r0, n0, k0 = merged[-1]
                merged[-1] = (r0, n0 + n, k0)
            else:
                merged.append((row, n, k))
        return merged

    def _check_channels(
        self, runs: list[_Run], channels: Sequence[str] | None
    ) -> tuple[list[str], dict[str, str]]:
        common = [c for c in runs[0].channels if all(c in r.channels for r in runs)]
        field = "channels"
        if channels is None:
            chosen = list(runs[0].channels)
        else:
            if isinstance(channels, str):
                channels = [channels]
            chosen = [str(c) for c in channels]
            if not chosen:
                raise self._error(field, [], "must name at least one channel")
            if len(set(chosen)) != len(chosen):
                raise self._error(field, chosen, "names a channel twice")
            union = {c for r in runs for c in r.channels}
            for c in chosen:
                if c not in union:
                    raise self._error(
                        field,
                        c,
                        f"unknown channel {c!r} of stream {self.stream!r}; "
                        f"available: {', '.join(common)}",
                    )
        for r in runs:
            for c in chosen:
                if c not in r.channels:
                    raise self._error(
                        field,
                        c,
                        f"run {r.run_id} has no channel {c!r} in its {self.stream!r} stream "
                        f"(it has {', '.join(r.channels)}); channels common to all selected "
                        f"runs: {', '.join(common) or 'none'}",
                    )
        if not chosen:
            raise self._error(field, [], f"stream {self.stream!r} has no float channel")
        units = {c: runs[0].units.get(c, "") for c in chosen}
        return chosen, units

    def _samples(
        self,
        what: str,
        seconds: float | None,
        samples: int | None,
        rates: list[float],
        default: int | None,
    ) -> int:
        f_s, f_n = f"{what}_s", f"{what}_samples"
        if seconds is not None and samples is not None:
            raise self._error(f_s, seconds, f"give {f_s} or {f_n}, not both")
        if seconds is None and samples is None:
            if default is not None:
                return default
            raise self._error(f_s, None, f"give the window length: {f_s} (s) or {f_n}")
        if samples is not None:
            if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)):
                raise self._error(f_n, samples, f"{samples!r} is not allowed: must be an integer")
            if samples <= 0:
                raise self._error(f_n, samples, f"{samples!r} is not allowed: must be at least 1")
            return int(samples)
        value = float(seconds)
        if not value > 0.0 or not np.isfinite(value):
            raise self._error(f_s, seconds, f"{seconds!r} is not allowed: must be > 0 (s)")
        if len(rates) > 1:
            shown = ", ".join(f"{r:g}" for r in rates)
            raise self._error(
                f_s,
                seconds,
                f"the selected runs sample the {self.stream!r} stream at different rates "
                f"({shown} Hz), so {f_s} is not one number of samples; give {f_n} or select "
                "runs of one rate",
            )
        n = round(value * rates[0])
        if n < 1:
            raise self._error(
                f_s,
                seconds,
                f"{seconds!r} is not allowed: shorter than one sample at {rates[0]:g} Hz "
                f"(at least {1.0 / rates[0]:g} s)",
            )
        return int(n)

    def _build_segments(self) -> None:
        w, h = self.window_samples, self.hop_samples
        seg_run, seg_row, seg_k0, seg_nw = [], [], [], []
        longest = 0
        for i, run in enumerate(self._runs):
            for row, n, k0 in run.stretches:
                longest = max(longest, n)
                if n < w:
                    continue
                seg_run.append(i)
                seg_row.append(row)
                seg_k0.append(k0)
                seg_nw.append((n - w) // h + 1)
        if not seg_nw:
            length = f" ({w / self.sample_rate_hz:g} s)" if self.sample_rate_hz is not None else ""
            raise self._error(
                self._window_field,
                w if self._window_field == "window_samples" else self.window_s,
                f"a window of {w} samples{length} is longer than every selected run of the "
                f"{self.stream!r} stream: the longest stretch of consecutive samples has "
                f"{longest}; use a shorter window",
            )
        self._seg_run = np.array(seg_run, dtype=np.int64)
        self._seg_row = np.array(seg_row, dtype=np.int64)
        self._seg_k0 = np.array(seg_k0, dtype=np.int64)
        self._seg_nw = np.array(seg_nw, dtype=np.int64)
        self._cum = np.concatenate([[0], np.cumsum(self._seg_nw)]).astype(np.int64)

    # -------------------------------------------------------------------------- reading --

    def _locate(self, k: int) -> tuple[int, int]:
        """(run, first row in the run's file) of window k."""
        s = int(np.searchsorted(self._cum, k, side="right")) - 1
        return int(self._seg_run[s]), int(self._seg_row[s] + (k - self._cum[s]) * self.hop_samples)

    def _run_data(self, i: int) -> np.ndarray:
        """The selected channels of run i, shape (n_channels, n_rows), from the cache."""
        data = self._cache.get(i)
        if data is not None:
            self._cache.move_to_end(i)
            return data
        run = self._runs[i]
        try:
            with pq.ParquetFile(run.path) as pf:
                table = pf.read(columns=self.channels)
        except (OSError, pa.ArrowException) as exc:
            raise OutputError(f"{run.path}: cannot read it: {exc}") from None
        data = np.empty((len(self.channels), table.num_rows), dtype=self.dtype)
        for c, name in enumerate(self.channels):
            data[c] = table.column(name).to_numpy()
        self._cache[i] = data
        while len(self._cache) > self.cache_runs:
            self._cache.popitem(last=False)
        return data

    def _labels(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(y, anomaly fraction, classes) of every window; the label columns are read once."""
        if self._y is not None:
            assert self._fraction is not None and self._classes is not None
            return self._y, self._fraction, self._classes
        w, h = self.window_samples, self.hop_samples
        n = len(self)
        fraction = np.empty(n, dtype=np.float64)
        names: list[str] = []  # class names in order of first appearance
        code = np.empty(n, dtype=np.int64)
        columns = ["is_anomaly"] + (["active_faults"] if self.label == "active_faults" else [])
        for i, run in enumerate(self._runs):
            segs = np.flatnonzero(self._seg_run == i)
            if len(segs) == 0:
                continue
            starts = np.concatenate(
                [self._seg_row[s] + h * np.arange(self._seg_nw[s]) for s in segs]
            )
            where = np.concatenate([np.arange(self._cum[s], self._cum[s + 1]) for s in segs])
            try:
                with pq.ParquetFile(run.path) as pf:
                    table = pf.read(columns=columns)
            except (OSError, pa.ArrowException) as exc:
                raise OutputError(f"{run.path}: cannot read it: {exc}") from None
            anomalous = table.column("is_anomaly").to_numpy(zero_copy_only=False)
            fraction[where] = _window_sums(anomalous.astype(np.int32), starts, w) / w
            if self.label == "is_anomaly":
                code[where] = (fraction[where] >= self.min_anomaly_fraction).astype(np.int64)
                continue
            for name, winner in _majority(table.column("active_faults"), starts, w):
                if name not in names:
                    names.append(name)
                code[where[winner]] = names.index(name)
        if self.label == "is_anomaly":
            classes = list(ANOMALY_CLASSES)
            y = code
        else:
            classes = sorted(names) if self._given_classes is None else self._given_classes
            for name in names:
                if name not in classes:
                    raise self._error(
                        "classes",
                        self._given_classes,
                        f"the windows have class {name!r}, which is not among the classes "
                        f"given ({', '.join(classes)})",
                    )
            remap = np.array([classes.index(name) for name in names], dtype=np.int64)
            y = remap[code] if n else code
        self._y, self._fraction, self._classes = y, fraction, classes
        return y, fraction, classes


def _recorded_streams(streams_json: str | None) -> set[str] | None:
    """Streams a run wrote, from its ``streams_json`` (``None`` when unknown)."""
    if not streams_json:
        return None
    try:
        return set(json.loads(streams_json))
    except (ValueError, TypeError):
        return None


def _window_sums(values: np.ndarray, starts: np.ndarray, w: int) -> np.ndarray:
    """Sum of ``values[s : s + w]`` for every start s."""
    cs = np.concatenate([[0], np.cumsum(values, dtype=np.int64)])
    return cs[starts + w] - cs[starts]


def _majority(column: pa.ChunkedArray, starts: np.ndarray, w: int) -> list[tuple[str, np.ndarray]]:
    """For the windows starting at ``starts``: each class name that holds most samples of
    some window, with the positions (in ``starts``) of those windows. A tie goes to a fault
    over healthy, then to the alphabetically first name."""
    column = column.unify_dictionaries() if pa.types.is_dictionary(column.type) else column
    if pa.types.is_dictionary(column.type):
        if column.num_chunks == 0:
            return []
        values = column.chunk(0).dictionary.to_pylist()
        codes = np.concatenate(
            [c.indices.to_numpy(zero_copy_only=False) for c in column.chunks]
        ).astype(np.int64)
    else:  # plain strings
        encoded = column.combine_chunks().dictionary_encode()
        values = encoded.dictionary.to_pylist()
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    names = [HEALTHY if not v else str(v) for v in values]
    present = np.flatnonzero(np.bincount(codes, minlength=len(values)))
    order = sorted(present, key=lambda c: (names[c] == HEALTHY, names[c]))
    best = np.full(len(starts), -1, dtype=np.int64)
    winner = np.zeros(len(starts), dtype=np.int64)
    for c in order:
        counts = _window_sums((codes == c).astype(np.int8), starts, w)
        better = counts > best
        best[better] = counts[better]
        winner[better] = c
    out = []
    for c in order:
        hit = np.flatnonzero(winner == c)
        if len(hit):
            out.append((names[c], hit))
    return out
