"""Per-sample label columns and the long ``labels`` table, from the realised event log."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..kernels.layout import MACHINE_STATES
from ..streams import LABELS_SCHEMA
from .event_log import EventLog
from .machine_faults import health, phase_of, profile_value

_STATE_DICT = pa.array(list(MACHINE_STATES), pa.string())


def machine_state_codes(t_s: np.ndarray, log: EventLog) -> np.ndarray:
    """Machine-state code of each sample: the last state event at or before its time."""
    times = np.asarray(log.state_times, dtype=np.float64)
    codes = np.asarray(log.state_codes, dtype=np.int8)
    if times.size == 0:
        return np.zeros(t_s.shape, dtype=np.int8)
    idx = np.searchsorted(times, t_s, side="right") - 1
    return codes[np.maximum(idx, 0)]


def label_columns(t_s: np.ndarray, log: EventLog, stream: str | None = None) -> dict[str, pa.Array]:
    """The fixed label columns for samples at times ``t_s`` of ``stream``.

    Faults are active over [onset, end) of their fault events; a run with no machine fault
    has ``is_anomaly`` false, ``active_faults`` empty and ``fault_mask`` 0 everywhere.
    ``sensor_fault_mask`` carries only the sensor faults on channels of ``stream`` (all of
    them when ``stream`` is None).
    """
    n = t_s.shape[0]
    mask = np.zeros(n, dtype=np.int64)
    sensor_mask = np.zeros(n, dtype=np.int64)
    for r in log.records:
        if r.fault_index < 0:
            continue
        if (
            r.category == "sensor_fault"
            and stream is not None
            and not r.target.startswith(stream + ".")
        ):
            continue
        end = np.inf if r.end_s is None else r.end_s
        active = (t_s >= r.t_s) & (t_s < end)
        bit = np.int64(1) << np.int64(r.fault_index)
        if r.category == "sensor_fault":
            sensor_mask[active] |= bit
        else:
            mask[active] |= bit
    kinds = {r.fault_index: r.kind for r in log.records if r.category == "fault"}
    uniq, inverse = np.unique(mask, return_inverse=True)
    names = []
    for m in uniq:
        names.append("|".join(kinds[i] for i in sorted(kinds) if int(m) >> i & 1))
    active_faults = pa.DictionaryArray.from_arrays(
        pa.array(inverse.astype(np.int32)), pa.array(names, pa.string())
    )
    state = pa.DictionaryArray.from_arrays(pa.array(machine_state_codes(t_s, log)), _STATE_DICT)
    return {
        "is_anomaly": pa.array(mask != 0),
        "active_faults": active_faults,
        "fault_mask": pa.array(mask),
        "sensor_fault_mask": pa.array(sensor_mask),
        "machine_state": state,
    }


def labels_table(t_s: np.ndarray, log: EventLog) -> pa.Table:
    """Long table of (sample, active fault) rows at the process rate, with severity, health
    and phase. Empty (with its schema) for a healthy run."""
    rows: dict[str, list] = {name: [] for name in LABELS_SCHEMA.names}
    for r in log.records:
        if r.category != "fault" or r.fault_index < 0:
            continue
        end = np.inf if r.end_s is None else r.end_s
        sel = t_s[(t_s >= r.t_s) & (t_s < end)]
        rows["t_s"].extend(sel.tolist())
        rows["fault_index"].extend([r.fault_index] * sel.size)
        rows["fault_kind"].extend([r.kind] * sel.size)
        rows["target"].extend([r.target] * sel.size)
        if r.severity_profile is not None:
            severity = profile_value(r.severity_profile, sel)
        else:
            severity = np.full(sel.shape, float(r.value))
        h = health(r.kind, severity, r.health_threshold)
        rows["severity"].extend(severity.tolist())
        rows["severity_unit"].extend([r.value_unit] * sel.size)
        rows["health"].extend(h.tolist())
        rows["phase"].extend(phase_of(h).tolist())
        if r.failure_t_s is None:
            rows["rul_s"].extend([None] * sel.size)
        else:
            rows["rul_s"].extend(np.maximum(r.failure_t_s - sel, 0.0).tolist())
    table = pa.Table.from_pydict(rows, schema=LABELS_SCHEMA)
    return table.sort_by([("t_s", "ascending"), ("fault_index", "ascending")])
