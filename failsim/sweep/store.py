"""Where a sweep keeps its files: a local directory or an fsspec URL.

::

    OUT/
      runs.parquet                       every run of the sweep (written at the end)
      <stream>/scenario=<s>/run_id=<id>/part-0.parquet
      _sweep/plan.json                   what the sweep is (its id, scenario, machine, size)
      _sweep/runs/<run_id>.json          one manifest per finished run, written last

A run is complete when its manifest exists and every file it lists has the size it lists.
On a local disk each file is written under a temporary name and renamed, so a file is there
whole or not at all. On object stores (``s3://``, ``gs://``, ...) a rename is a copy, not
atomic: a run is first written to a local scratch directory, its files are uploaded, and
the manifest is uploaded last, so a file without a manifest is never taken for a result;
``--resume`` deletes such files and runs the run again. Directories starting with ``_`` are
skipped by ``pyarrow.dataset`` and Hive-style readers.
"""

from __future__ import annotations

import json
import os
import posixpath
import shutil
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError, OutputError
from ..io.layout import PART_FILE, STREAMS, TMP_SUFFIX

SWEEP_DIR = "_sweep"
PLAN_FILE = f"{SWEEP_DIR}/plan.json"
MANIFEST_DIR = f"{SWEEP_DIR}/runs"


def is_url(out: str | os.PathLike) -> bool:
    """Whether an output location is a URL (``scheme://...``) rather than a local path."""
    return "://" in str(out)


def run_files(scenario: str, run_id: str, streams: list[str]) -> list[str]:
    """Relative paths of a run's stream files."""
    return [f"{s}/scenario={scenario}/run_id={run_id}/{PART_FILE}" for s in streams]


class SweepStore:
    """Reads and writes a sweep's files under ``out`` (a path or an fsspec URL)."""

    def __init__(self, out: str | os.PathLike):
        self.out = str(out)
        self.remote = is_url(out)
        if self.remote:
            try:
                import fsspec
            except ImportError:
                raise MissingDependencyError(
                    f"writing to {self.out} needs fsspec (and the package of its protocol, "
                    "e.g. s3fs): pip install fsspec"
                ) from None
            try:
                self.fs, self.root = fsspec.core.url_to_fs(self.out)
            except (ImportError, ValueError) as exc:
                raise OutputError(f"cannot open {self.out}: {exc}") from None
        else:
            self.fs = None
            self.root = str(Path(out))

    # ------------------------------------------------------------------ paths and bytes
    def path(self, rel: str) -> str:
        if self.remote:
            return posixpath.join(self.root, rel)
        return str(Path(self.root, rel))

    def exists(self, rel: str = "") -> bool:
        if self.remote:
            return bool(self.fs.exists(self.path(rel) if rel else self.root))
        return Path(self.root, rel).exists()

    def size(self, rel: str) -> int | None:
        try:
            if self.remote:
                return int(self.fs.size(self.path(rel)))
            return Path(self.root, rel).stat().st_size
        except (FileNotFoundError, OSError):
            return None

    def is_empty(self) -> bool:
        """Whether ``out`` does not exist or holds nothing."""
        if not self.exists():
            return True
        if self.remote:
            return not self.fs.ls(self.root, detail=False)
        root = Path(self.root)
        return root.is_dir() and not any(root.iterdir())

    def read_text(self, rel: str) -> str | None:
        try:
            if self.remote:
                with self.fs.open(self.path(rel), "r", encoding="utf-8") as f:
                    return f.read()
            return Path(self.root, rel).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def write_text(self, rel: str, text: str) -> None:
        """Write a small text file: whole or not at all locally; last-write on a store."""
        if self.remote:
            self.pipe(rel, text.encode("utf-8"))
            return
        path = Path(self.root, rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + TMP_SUFFIX)
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def pipe(self, rel: str, data: bytes) -> None:
        """Write bytes to a file on a remote store (its directories made first, for file
        systems that have directories)."""
        self.fs.makedirs(posixpath.dirname(self.path(rel)), exist_ok=True)
        self.fs.pipe_file(self.path(rel), data)

    def put_file(self, local: Path, rel: str) -> None:
        """Upload a local file (remote stores only)."""
        self.fs.makedirs(posixpath.dirname(self.path(rel)), exist_ok=True)
        self.fs.put_file(str(local), self.path(rel))

    # ------------------------------------------------------------------ manifests
    def manifest_rel(self, run_id: str) -> str:
        return f"{MANIFEST_DIR}/{run_id}.json"

    def write_manifest(self, record: dict[str, Any]) -> None:
        text = json.dumps(record, sort_keys=True, indent=1)
        self.write_text(self.manifest_rel(record["run_id"]), text + "\n")

    def read_manifest(self, run_id: str) -> dict[str, Any] | None:
        text = self.read_text(self.manifest_rel(run_id))
        if text is None:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return None  # cut short on a store without atomic writes: run again

    def manifest_ids(self) -> set[str]:
        """Run ids with a manifest."""
        if self.remote:
            d = self.path(MANIFEST_DIR)
            if not self.fs.exists(d):
                return set()
            names = [posixpath.basename(p) for p in self.fs.ls(d, detail=False)]
        else:
            d = Path(self.root, MANIFEST_DIR)
            names = [p.name for p in d.iterdir()] if d.is_dir() else []
        return {n[: -len(".json")] for n in names if n.endswith(".json")}

    def is_complete(self, record: dict[str, Any]) -> bool:
        """Whether every stream file a manifest lists is there with its listed size."""
        if record.get("status") != "completed":
            return record.get("status") == "diverged"  # a result: nothing to write
        sizes = json.loads(record.get("streams_json") or "{}")
        for stream, info in sizes.items():
            rel = run_files(record["scenario"], record["run_id"], [stream])[0]
            if self.size(rel) != int(info["bytes"]):
                return False
        return bool(sizes)

    # ------------------------------------------------------------------ clean-up
    def remove_run(self, scenario: str, run_id: str) -> None:
        """Delete every file of a run (complete or partial) and its manifest."""
        for stream in STREAMS:
            rel = f"{stream}/scenario={scenario}/run_id={run_id}"
            if self.remote:
                p = self.path(rel)
                if self.fs.exists(p):
                    self.fs.rm(p, recursive=True)
            else:
                shutil.rmtree(Path(self.root, rel), ignore_errors=True)
                _prune(Path(self.root, rel).parent, stop=Path(self.root))
        man = self.manifest_rel(run_id)
        if self.remote:
            if self.fs.exists(self.path(man)):
                self.fs.rm(self.path(man))
        else:
            Path(self.root, man).unlink(missing_ok=True)

    def remove_partials(self) -> int:
        """Delete files left under a temporary name; returns how many."""
        if self.remote:
            return 0  # uploads have no temporary names; runs without a manifest are removed
        found = list(Path(self.root).rglob(f"*{TMP_SUFFIX}"))  # before pruning directories
        for path in found:
            path.unlink(missing_ok=True)
            _prune(path.parent, stop=Path(self.root))
        return len(found)


def _prune(path: Path, stop: Path) -> None:
    """Remove empty directories from ``path`` up to (not including) ``stop``."""
    path, stop = path.resolve(), stop.resolve()
    while path != stop and stop in path.parents:
        try:
            path.rmdir()
        except OSError:
            return
        path = path.parent
