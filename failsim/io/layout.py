"""Where a run's files live in an output directory (the dataset layout).

::

    OUT/
      runs.parquet                                   one row per run
      <stream>/scenario=<scenario>/run_id=<run_id>/part-0.parquet

``<stream>`` is ``current``, ``process``, ``events`` or ``labels``. The ``scenario=`` and
``run_id=`` directories are Hive partitions, so ``pyarrow.dataset``, DuckDB
(``hive_partitioning``), pandas and Polars read a whole stream of a dataset as one table.
"""

from __future__ import annotations

from pathlib import Path

STREAMS = ("current", "process", "vibration", "events", "labels")
RUNS_FILE = "runs.parquet"
PART_FILE = "part-0.parquet"
TMP_SUFFIX = ".partial"


def stream_path(out_dir: Path, stream: str, scenario: str, run_id: str) -> Path:
    """Final path of one stream file of one run."""
    return Path(out_dir) / stream / f"scenario={scenario}" / f"run_id={run_id}" / PART_FILE


def runs_path(out_dir: Path) -> Path:
    return Path(out_dir) / RUNS_FILE
