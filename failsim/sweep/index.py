"""A sweep's ``runs.parquet``: the common run columns, then one column per swept axis,
named ``param.<override path>`` (``param.faults[0].extra_load_pu``)."""

from __future__ import annotations

import io
import re
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..io.parquet import write_table_atomic, writer_options
from ..io.provenance import file_metadata
from ..io.runs import RUNS_SCHEMA
from ..spec.sweep import PlannedRun, SweepPlan
from .store import SweepStore

_UNIT_SUFFIX = re.compile(r"_([a-z0-9]+)$")
#: prefix of the swept-axis columns (keeps them apart from the common columns)
PARAM_PREFIX = "param."


def _axis_type(values: list[Any]) -> pa.DataType:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pa.bool_()
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pa.int64()
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return pa.float64()
    return pa.string()


def _axis_field(name: str, values: list[Any]) -> pa.Field:
    typ = _axis_type(values)
    last = name.split(".")[-1].split("[")[0]
    meta = {"description": f"swept value of {name} (null: does not apply to the run's class)"}
    m = _UNIT_SUFFIX.search(last)
    if m and typ in (pa.float64(), pa.int64()):
        meta["unit"] = m.group(1)
    return pa.field(PARAM_PREFIX + name, typ, metadata=meta)


def sweep_index_table(plan: SweepPlan, records: list[tuple[PlannedRun, dict]]) -> pa.Table:
    """The ``runs.parquet`` table of a sweep, rows sorted by ``run_id``."""
    rows = sorted(records, key=lambda x: x[1]["run_id"])
    base = pa.Table.from_pylist([rec for _, rec in rows], schema=RUNS_SCHEMA)
    for axis in plan.axes:
        values = [r.params.get(axis) for r, _ in rows]
        f = _axis_field(axis, values)
        if pa.types.is_string(f.type):
            values = [None if v is None else str(v) for v in values]
        base = base.append_column(f, pa.array(values, type=f.type))
    meta = file_metadata(
        table="runs",
        sweep_id=plan.sweep_id,
        scenario=plan.scenario.name,
        scenario_sha256=plan.scenario.sha256,
        machine=plan.scenario.machine.name,
        machine_sha256=plan.scenario.machine.sha256,
    )
    return base.replace_schema_metadata(meta)


def write_sweep_index(
    store: SweepStore, plan: SweepPlan, records: list[tuple[PlannedRun, dict]]
) -> str:
    """Write ``runs.parquet`` (atomically on a local disk); returns its location."""
    table = sweep_index_table(plan, records)
    if not store.remote:
        path = store.path(store.runs_rel())
        write_table_atomic(table, path)
        return path
    buf = io.BytesIO()
    pq.write_table(table, buf, **writer_options(table.schema))
    store.pipe(store.runs_rel(), buf.getvalue())
    return store.path(store.runs_rel())
