"""A sweep's ``runs.parquet``: the common run columns, then one column per swept axis,
named ``param.<override path>`` (``param.faults[0].extra_load_pu``)."""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..io.layout import RUNS_FILE
from ..io.parquet import write_table_atomic, writer_options
from ..io.provenance import file_metadata
from ..io.runs import RUNS_SCHEMA
from ..spec.sweep import PlannedRun, SweepPlan
from .store import SweepStore

#: units of swept fields by the suffix of their name (the project's naming rule)
_UNITS = (
    ("_n_per_sqrt_hz", "N/sqrt(Hz)"),
    ("_kg_m2", "kg m2"),
    ("_n_m", "N m"),
    ("_g_mm", "g mm"),
    ("_mm_per_100mm", "mm/100 mm"),
    ("_rad_s", "rad/s"),
    ("_m_s", "m/s"),
    ("_hz", "Hz"),
    ("_pct", "%"),
    ("_pu", "pu"),
    ("_rpm", "rpm"),
    ("_deg", "deg"),
    ("_mm", "mm"),
    ("_kg", "kg"),
    ("_kw", "kW"),
    ("_w", "W"),
    ("_v", "V"),
    ("_a", "A"),
    ("_n", "N"),
    ("_m", "m"),
    ("_s", "s"),
    ("_c", "degC"),
    ("_k", "K"),
)
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
    unit = next((u for suffix, u in _UNITS if last.endswith(suffix)), None)
    if unit is not None and typ in (pa.float64(), pa.int64()):
        meta["unit"] = unit
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
        path = store.path(RUNS_FILE)
        write_table_atomic(table, path)
        return path
    buf = io.BytesIO()
    pq.write_table(table, buf, **writer_options(table.schema))
    store.pipe(RUNS_FILE, buf.getvalue())
    return store.path(RUNS_FILE)
