"""One run of a sweep as a task a worker process carries out."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._version import __version__
from ..spec.loader import ScenarioSpec
from ..spec.sweep import PlannedRun
from .store import SweepStore, run_files


@dataclass(frozen=True)
class RunTask:
    """What a worker needs to make one planned run (small and picklable)."""

    scenario: ScenarioSpec
    run: PlannedRun
    out: str
    sweep_id: str

    def plan_columns(self) -> dict[str, Any]:
        return {"sweep_id": self.sweep_id, **self.run.summary()}


def failed_record(task: RunTask, error: str) -> dict[str, Any]:
    """The ``runs.parquet`` row of a run that raised before it produced anything."""
    base = task.scenario
    faults = task.run.overrides.get("faults", base.data["faults"])
    duration = task.run.overrides.get("duration_s", base.data["duration_s"])
    return {
        "run_id": task.run.run_id,
        "scenario": base.name,
        "machine": base.machine.name,
        "seed": task.run.seed,
        "duration_s": float(duration),
        "status": "failed",
        "ended_early": False,
        "end_reason": None,
        "end_t_s": None,
        "n_events": 0,
        "fault_kinds": "|".join(sorted({str(f.get("kind")) for f in faults})),
        "machine_sha256": base.machine.sha256,
        "scenario_sha256": base.sha256,
        "failsim_version": __version__,
        "streams_json": None,
        "total_bytes": None,
        "error": error,
        "paired_run_id": None,
        "pair_role": None,
    }


def execute(task: RunTask) -> dict[str, Any]:
    """Simulate one planned run, write its files and then its manifest; return its record.

    A run that raises is recorded (status ``failed``, with the error) instead of stopping
    the sweep; a diverged run is recorded as ``diverged``. Either way nothing partial stays
    on disk.
    """
    from ..simulation import _run_one
    from ..spec.loader import derive_scenario

    store = SweepStore(task.out)
    scratch: Path | None = None
    try:
        spec = derive_scenario(task.scenario, task.run.overrides)
        target: str | Path = task.out
        if store.remote:
            scratch = Path(tempfile.mkdtemp(prefix="failsim-run-"))
            target = scratch
        record = _run_one(spec, target, None, False, {}, run_id=task.run.run_id, index=False)
        if scratch is not None and record["status"] == "completed":
            for rel in run_files(spec.name, task.run.run_id, _streams(record)):
                store.put_file(scratch / rel, rel)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # recorded, and the sweep goes on
        record = failed_record(task, f"{type(exc).__name__}: {exc}")
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    record.update(task.plan_columns())
    store.write_manifest(record)
    return record


def _streams(record: dict[str, Any]) -> list[str]:
    import json

    return sorted(json.loads(record["streams_json"]))


def worker_init() -> None:
    """Initialise a pool worker: it dies with its parent (so a killed sweep leaves no
    orphans writing files), and leaves Ctrl-C to the parent, which stops the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
            if os.getppid() == 1:  # the parent died before prctl took effect
                os._exit(1)
        except OSError:
            pass
