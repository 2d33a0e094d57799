"""Scenario sweeps: many runs of one scenario, on all cores or a Dask cluster, resumable.

Typical use::

    import failsim

    summary = failsim.sweep("scenarios/pump_overload_sweep.yaml", "data/", jobs=2)
    summary.failed, summary.completed

The plan (which runs, their seeds and splits) comes from the scenario's ``sweep:`` section
(:mod:`failsim.spec.sweep`); the files and how completeness is guaranteed are described in
:mod:`failsim.sweep.store`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import OutputError, SpecError
from ..spec.loader import ScenarioSpec, derive_scenario, load_scenario
from ..spec.sweep import PlannedRun, SweepPlan, plan_sweep
from .store import PLAN_FILE, SweepStore
from .tasks import RunTask

__all__ = ["SweepSummary", "plan", "sweep"]

#: wall-clock interval at which runs.parquet is rewritten during a sweep, s
INDEX_EVERY_S = 60.0


@dataclass
class SweepSummary:
    """What a sweep did.

    Attributes
    ----------
    planned:
        Runs in the plan (after ``limit``).
    skipped:
        Runs already complete when the sweep started (``resume``).
    completed, diverged, failed:
        Runs finished by this call, by status.
    simulated_s:
        Simulated time of the runs finished by this call [s].
    wall_s:
        Wall-clock time of this call [s].
    runs_path:
        The dataset's ``runs.parquet``.
    errors:
        ``(run_id, error)`` of the failed and diverged runs.
    """

    planned: int = 0
    skipped: int = 0
    completed: int = 0
    diverged: int = 0
    failed: int = 0
    simulated_s: float = 0.0
    wall_s: float = 0.0
    runs_path: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.completed + self.diverged + self.failed


def plan(scenario: ScenarioSpec | str | Path, limit: int | None = None) -> SweepPlan:
    """The runs a sweep of ``scenario`` makes (the first ``limit`` of them), without
    simulating anything."""
    spec = scenario if isinstance(scenario, ScenarioSpec) else load_scenario(scenario)
    return _limited(plan_sweep(spec), limit)


def _limited(p: SweepPlan, limit: int | None) -> SweepPlan:
    """The first ``limit`` runs of a plan (all of them for None)."""
    if limit is None:
        return p
    if limit < 1:
        raise SpecError(f"{limit!r} is not allowed: must be at least 1", file="--limit")
    return SweepPlan(scenario=p.scenario, runs=p.runs[:limit], sweep_id=p.sweep_id, axes=p.axes)


def check_runs(p: SweepPlan, *, first_per_class: bool = False) -> None:
    """Build every planned run's scenario (schema and semantic checks) without simulating;
    raises the first :class:`~failsim.errors.SpecError`, naming the run.

    With ``first_per_class``, only the first run of each class is built (a quick check)."""
    seen: set[str] = set()
    for r in p.runs:
        if first_per_class:
            if r.fault_class in seen:
                continue
            seen.add(r.fault_class)
        try:
            derive_scenario(p.scenario, r.overrides)
        except SpecError as exc:
            raise SpecError(
                f"run {r.run_id} (class {r.fault_class}, {_show_params(r)}): {exc.message}",
                file=exc.file,
                field=exc.field,
                value=exc.value,
                line=exc.line,
            ) from None


def _show_params(r: PlannedRun) -> str:
    shown = [
        f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
        for k, v in r.params.items()
        if v is not None
    ]
    return ", ".join(shown) or "no swept parameters"


def sweep(
    scenario: ScenarioSpec | str | Path,
    out: str | Path,
    *,
    jobs: int | None = None,
    limit: int | None = None,
    resume: bool = False,
    scheduler: str | None = None,
    progress: Callable[[RunTask, dict[str, Any], SweepSummary], None] | None = None,
) -> SweepSummary:
    """Run a scenario's sweep and write it as one dataset.

    Parameters
    ----------
    scenario:
        A scenario with a ``sweep:`` section (loaded, a bundled name, or a path).
    out:
        Output directory, or an fsspec URL (``s3://bucket/prefix``) the workers can reach.
    jobs:
        Worker processes (default: every core this process may use); 1 runs in-process.
    limit:
        Make only the first ``limit`` runs of the plan (classes stay balanced).
    resume:
        Continue a sweep in ``out``: keep its complete runs, delete partial files, make the
        rest. Without it, ``out`` must be empty or new.
    scheduler:
        A Dask scheduler address, or ``local`` for a local Dask cluster of ``jobs``
        workers; ``None`` uses a local process pool.
    progress:
        Called after each finished run with its task, its record and the summary so far.

    Returns
    -------
    SweepSummary
        Counts by status; ``runs.parquet`` lists every finished run of the plan.

    Notes
    -----
    The same scenario gives byte-identical files whatever ``jobs``, the executor, the order
    runs finish in, or how often the sweep was interrupted and resumed.
    """
    from . import executors

    t0 = time.perf_counter()
    full = plan(scenario)
    p = _limited(full, limit)
    check_runs(p, first_per_class=True)  # bad input fails here, before anything is written
    store = SweepStore(out)
    _claim(store, full, resume)
    summary = SweepSummary(planned=len(p.runs))
    todo = _pending(store, p, summary) if resume else list(p.runs)
    tasks = [RunTask(p.scenario, r, store.out, p.sweep_id) for r in todo]
    n_jobs = jobs or executors.available_cores()
    if tasks:
        _warm(p.scenario, tasks[0].run)
    if scheduler is not None:
        results = executors.run_dask(tasks, scheduler, n_jobs)
    elif n_jobs <= 1 or len(tasks) <= 1:
        results = executors.run_serial(tasks)
    else:
        results = executors.run_pool(tasks, min(n_jobs, len(tasks)))
    last_index = time.perf_counter()
    try:
        for task, record in results:
            status = record["status"]
            if status == "completed":
                summary.completed += 1
            else:
                if status == "diverged":
                    summary.diverged += 1
                else:
                    summary.failed += 1
                summary.errors.append((record["run_id"], str(record.get("error"))))
            end = record.get("end_t_s")
            summary.simulated_s += float(end if end is not None else record["duration_s"])
            if progress is not None:
                progress(task, record, summary)
            if time.perf_counter() - last_index > INDEX_EVERY_S:  # queryable while it runs
                _write_index(store, full)
                last_index = time.perf_counter()
    except BaseException:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stops the workers
        _remove_unfinished(store, full)
        _write_index(store, full)
        raise
    summary.runs_path = _write_index(store, full)
    summary.wall_s = time.perf_counter() - t0
    return summary


def _claim(store: SweepStore, p: SweepPlan, resume: bool) -> None:
    """Check that ``out`` may take this sweep, and write its plan file."""
    text = store.read_text(PLAN_FILE)
    if text is not None:
        old = json.loads(text)
        if old.get("sweep_id") != p.sweep_id:
            raise OutputError(
                f"{store.out} holds another sweep ({old.get('scenario')}, sweep id "
                f"{old.get('sweep_id')}); the scenario or its sweep changed since it was "
                "started. Choose a new --out, or restore the scenario to resume"
            )
        if not resume:
            raise OutputError(
                f"{store.out} already holds this sweep; pass --resume to continue it, or "
                "choose a new --out"
            )
        return
    if not store.is_empty():
        raise OutputError(
            f"{store.out} is not empty and holds no sweep; choose an empty or new --out"
        )
    doc = {
        "sweep_id": p.sweep_id,
        "scenario": p.scenario.name,
        "scenario_sha256": p.scenario.sha256,
        "machine": p.scenario.machine.name,
        "machine_sha256": p.scenario.machine.sha256,
        "axes": p.axes,
        "runs_in_plan": len(p.runs),
    }
    store.write_text(PLAN_FILE, json.dumps(doc, sort_keys=True, indent=1) + "\n")


def _pending(store: SweepStore, p: SweepPlan, summary: SweepSummary) -> list[PlannedRun]:
    """Runs still to make; partial files and runs without a valid manifest are removed."""
    store.remove_partials()
    have = store.manifest_ids()
    todo = []
    for r in p.runs:
        record = store.read_manifest(r.run_id) if r.run_id in have else None
        if record is not None and record.get("status") != "failed" and store.is_complete(record):
            summary.skipped += 1
            continue
        store.remove_run(p.scenario.name, r.run_id)
        todo.append(r)
    return todo


def _remove_unfinished(store: SweepStore, p: SweepPlan) -> None:
    """After an interruption: remove files of runs that did not finish."""
    store.remove_partials()
    have = store.manifest_ids()
    for r in p.runs:
        if r.run_id not in have:
            store.remove_run(p.scenario.name, r.run_id)


def _warm(scenario: ScenarioSpec, first: PlannedRun) -> None:
    """Compile (or load from the cache) the kernels once, before workers are started."""
    from ..errors import FailsimError
    from ..simulation import simulate

    try:
        # without faults: an onset after the short warm-up would be refused
        spec = derive_scenario(scenario, {**first.overrides, "faults": []})
        rate = float(spec.data["solver"]["rate_hz"])
        simulate(spec, duration_s=min(float(spec.data["duration_s"]), 200.0 / rate))
    except FailsimError:
        pass  # the run itself will report it


def _write_index(store: SweepStore, p: SweepPlan) -> str:
    """Write ``runs.parquet`` from the manifests of the plan's runs."""
    from .index import write_sweep_index

    records = []
    have = store.manifest_ids()
    for r in p.runs:
        if r.run_id in have:
            record = store.read_manifest(r.run_id)
            if record is not None:
                records.append((r, record))
    return write_sweep_index(store, p, records)
