"""The ``runs.parquet`` index: one row per run of a dataset."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .layout import runs_path
from .parquet import write_table_atomic
from .provenance import file_metadata

RUNS_SCHEMA = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("scenario", pa.string(), nullable=False),
        pa.field("machine", pa.string(), nullable=False),
        pa.field("seed", pa.int64(), nullable=False),
        pa.field("duration_s", pa.float64(), nullable=False, metadata={"unit": "s"}),
        pa.field(
            "status",
            pa.string(),
            nullable=False,
            metadata={
                "description": "completed; diverged (the integration blew up) or failed (the "
                "run raised; error says why): no stream files written"
            },
        ),
        pa.field(
            "ended_early",
            pa.bool_(),
            nullable=False,
            metadata={
                "description": "the machine stopped producing before the end: a relay or "
                "drive trip, an emergency or controlled stop, or a lock-up"
            },
        ),
        pa.field("end_reason", pa.string()),
        pa.field(
            "end_t_s",
            pa.float64(),
            metadata={"unit": "s", "description": "time the operation was cut short"},
        ),
        pa.field("n_events", pa.int32(), nullable=False),
        pa.field("fault_kinds", pa.string(), nullable=False),
        pa.field("machine_sha256", pa.string(), nullable=False),
        pa.field("scenario_sha256", pa.string(), nullable=False),
        pa.field("failsim_version", pa.string(), nullable=False),
        pa.field("streams_json", pa.string(), metadata={"description": "rows, bytes, rate"}),
        pa.field("total_bytes", pa.int64(), metadata={"unit": "B"}),
        pa.field("error", pa.string()),
        pa.field(
            "paired_run_id",
            pa.string(),
            metadata={"description": "run_id of the other run of a faulty / healthy pair"},
        ),
        pa.field(
            "pair_role",
            pa.string(),
            metadata={"description": "faulty or healthy_twin in a pair; null otherwise"},
        ),
        pa.field(
            "sweep_id",
            pa.string(),
            metadata={"description": "the sweep that made the run; null for single runs"},
        ),
        pa.field(
            "fault_class",
            pa.string(),
            metadata={"description": "the run's fault class in its sweep (healthy: no faults)"},
        ),
        pa.field(
            "machine_instance",
            pa.string(),
            metadata={
                "description": "the simulated machine the run was made on; all runs of one "
                "machine instance are in one split"
            },
        ),
        pa.field("instance", pa.int32(), metadata={"description": "machine instance number"}),
        pa.field("repeat", pa.int32(), metadata={"description": "repeat of the run's point"}),
        pa.field(
            "split",
            pa.string(),
            metadata={"description": "train, validation or test (by machine instance)"},
        ),
        pa.field(
            "params_json",
            pa.string(),
            metadata={"description": "the run's swept values by override path, as JSON"},
        ),
    ]
)


def update_runs(out_dir: Path, records: list[dict]) -> Path:
    """Insert or replace ``records`` (by run_id) in ``OUT/runs.parquet``, atomically."""
    path = runs_path(out_dir)
    new = pa.Table.from_pylist(records, schema=RUNS_SCHEMA)
    if path.exists():
        old = pq.read_table(path)
        for f in RUNS_SCHEMA:  # an index written before a column existed
            if f.name not in old.column_names:
                old = old.append_column(f, pa.nulls(old.num_rows, f.type))
        old = old.select(RUNS_SCHEMA.names).cast(RUNS_SCHEMA)
        keep = [r for r in old.to_pylist() if r["run_id"] not in {x["run_id"] for x in records}]
        new = pa.concat_tables([pa.Table.from_pylist(keep, schema=RUNS_SCHEMA), new])
    new = new.sort_by("run_id").replace_schema_metadata(file_metadata(table="runs"))
    write_table_atomic(new, path)
    return path
