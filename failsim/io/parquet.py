"""Parquet writing: fixed row groups, zstd, byte_stream_split floats, atomic renames."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..config import ROW_GROUP_ROWS, ZSTD_LEVEL
from .layout import TMP_SUFFIX


def writer_options(schema: pa.Schema) -> dict:
    """Options for ``pq.ParquetWriter``: dictionary encoding only for dictionary columns,
    BYTE_STREAM_SPLIT for floating-point columns, zstd."""
    dict_cols = [f.name for f in schema if pa.types.is_dictionary(f.type)]
    float_cols = {f.name: "BYTE_STREAM_SPLIT" for f in schema if pa.types.is_floating(f.type)}
    return {
        "compression": "zstd",
        "compression_level": ZSTD_LEVEL,
        "use_dictionary": dict_cols,
        "column_encoding": float_cols,
        "write_statistics": True,
    }


#: dictionary columns whose dictionary is fixed by the schema (stable codes across files)
FIXED_DICTIONARY_COLUMNS = frozenset({"machine_state"})


def _canonical_dictionaries(table: pa.Table) -> pa.Table:
    """The row group with each dictionary column (except those with a fixed dictionary)
    re-encoded in one chunk, its dictionary in order of first appearance in the group: the
    bytes written then depend on the values only, not on how the run was chunked."""
    for i, f in enumerate(table.schema):
        if not pa.types.is_dictionary(f.type) or f.name in FIXED_DICTIONARY_COLUMNS:
            continue
        values = table.column(i).cast(f.type.value_type).combine_chunks()
        encoded = pc.dictionary_encode(values).cast(f.type)
        table = table.set_column(i, f, encoded)
    return table


def tmp_path(path: Path) -> Path:
    return path.with_name(path.name + TMP_SUFFIX)


class StreamWriter:
    """Writes one stream file in row groups of exactly ``row_group_rows`` rows (the last one
    shorter), whatever the sizes of the tables passed to :meth:`write`, so the file does not
    depend on the chunking of the run. Writes to ``<path>.partial`` and renames on close."""

    def __init__(self, path: Path, schema: pa.Schema, row_group_rows: int = ROW_GROUP_ROWS):
        self.path = Path(path)
        self.tmp = tmp_path(self.path)
        self.schema = schema
        self.rows_per_group = row_group_rows
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(str(self.tmp), schema, **writer_options(schema))
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        self._buffer.append(table)
        self._buffered += table.num_rows
        if self._buffered >= self.rows_per_group:
            self._flush(final=False)

    def _flush(self, final: bool) -> None:
        if not self._buffer:
            return
        combined = pa.concat_tables(self._buffer)
        start = 0
        n = combined.num_rows
        while n - start >= self.rows_per_group or (final and start < n):
            length = min(self.rows_per_group, n - start)
            group = _canonical_dictionaries(combined.slice(start, length))
            self._writer.write_table(group, row_group_size=length)
            start += length
        rest = combined.slice(start)
        self._buffer = [rest] if rest.num_rows else []
        self._buffered = rest.num_rows
        self.rows += start

    def close(self) -> int:
        """Finish the file, rename it into place; returns its size in bytes."""
        self._flush(final=True)
        self._writer.close()
        os.replace(self.tmp, self.path)
        return self.path.stat().st_size

    def abort(self) -> None:
        """Drop the partial file."""
        try:
            self._writer.close()
        except Exception:
            pass
        self.tmp.unlink(missing_ok=True)


def write_table_atomic(table: pa.Table, path: Path) -> int:
    """Write a whole table to ``path`` via a temporary name; returns the size in bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_path(path)
    try:
        pq.write_table(table, str(tmp), **writer_options(table.schema))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path.stat().st_size
