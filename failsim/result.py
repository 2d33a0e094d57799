"""A run's streams, events, labels and provenance, in memory."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    import pandas as pd

    from .components.machine import Machine
    from .spec import ScenarioSpec


@dataclass
class Result:
    """Everything one simulated run produced.

    Attributes
    ----------
    run_id: deterministic id of the run.
    scenario: the validated scenario (with its machine).
    machine: the machine's components.
    streams: sampled streams by name (``current``, ``process``) as Arrow tables.
    events: one row per realised event.
    labels: long table of active faults at the process rate.
    record: the run's row of ``runs.parquet``.
    """

    run_id: str
    scenario: ScenarioSpec
    machine: Machine
    streams: dict[str, pa.Table]
    events: pa.Table
    labels: pa.Table
    record: dict

    def _table(self, stream: str) -> pa.Table:
        if stream == "events":
            return self.events
        if stream == "labels":
            return self.labels
        try:
            return self.streams[stream]
        except KeyError:
            allowed = ", ".join([*self.streams, "events", "labels"])
            raise KeyError(f"no stream {stream!r}; streams are: {allowed}") from None

    def to_arrow(self, stream: str) -> pa.Table:
        """The stream as an Arrow table (units in the field metadata)."""
        return self._table(stream)

    def to_pandas(self, stream: str) -> pd.DataFrame:
        """The stream as a pandas DataFrame; label columns become categoricals."""
        return self._table(stream).to_pandas()

    def write(self, out_dir: str | Path) -> dict:
        """Write this result into a dataset directory (same layout as ``failsim run``)."""
        from .io.layout import stream_path
        from .io.parquet import StreamWriter, write_table_atomic
        from .io.provenance import read_file_metadata
        from .io.runs import update_runs

        out = Path(out_dir)
        sizes = {}
        for name, table in self.streams.items():
            writer = StreamWriter(
                stream_path(out, name, self.scenario.name, self.run_id), table.schema
            )
            try:
                writer.write(table)
                nbytes = writer.close()
            except BaseException:
                writer.abort()
                raise
            rate = read_file_metadata(table.schema.metadata).get("sample_rate_hz")
            sizes[name] = {"rows": table.num_rows, "bytes": nbytes, "rate_hz": rate}
        for name, table in (("events", self.events), ("labels", self.labels)):
            path = stream_path(out, name, self.scenario.name, self.run_id)
            sizes[name] = {"rows": table.num_rows, "bytes": write_table_atomic(table, path)}
        record = dict(self.record)
        record["streams_json"] = json.dumps(sizes, sort_keys=True)
        record["total_bytes"] = int(sum(v["bytes"] for v in sizes.values()))
        update_runs(out, [record])
        return record
