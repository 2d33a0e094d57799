"""Executors: where the runs of a sweep are simulated.

Each executor takes the tasks still to do and yields ``(task, record)`` as runs finish, in
whatever order they finish; the files do not depend on that order. A run whose worker dies
(killed, out of memory) is tried again, up to :data:`MAX_ATTEMPTS` times, then recorded as
failed.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import MissingDependencyError, OutputError
from .tasks import RunTask, execute, failed_record, worker_init

MAX_ATTEMPTS = 3


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_serial(tasks: list[RunTask]) -> Iterator[tuple[RunTask, dict]]:
    """Simulate the runs one after another in this process."""
    for task in tasks:
        yield task, execute(task)


def _run_tracked(task: RunTask, track_dir: str) -> dict:
    """Run a task in a worker, leaving a mark that it started (to tell, when a worker dies,
    which runs were in progress)."""
    Path(track_dir, task.run.run_id).touch()
    return execute(task)


def run_pool(tasks: list[RunTask], jobs: int) -> Iterator[tuple[RunTask, dict]]:
    """Simulate the runs in a pool of ``jobs`` worker processes on this machine.

    Workers are forked from this process after it has compiled (or loaded) the kernels, so
    no worker compiles again. Stopping the generator (Ctrl-C in the caller) terminates the
    workers.

    When a worker dies, the pool is replaced: runs that had not started go back to the
    queue; runs that were in progress are suspects and are made again one at a time, alone
    in a pool of one, so that only a run that kills its worker on its own is counted against
    :data:`MAX_ATTEMPTS`.
    """
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    attempts = {t.run.run_id: 0 for t in tasks}
    todo = list(tasks)
    suspects: list[RunTask] = []
    with tempfile.TemporaryDirectory(prefix="failsim-sweep-") as track:
        while todo or suspects:
            if suspects:
                batch, workers = [suspects.pop(0)], 1
            else:
                batch, workers, todo = todo, jobs, []
            for t in batch:
                Path(track, t.run.run_id).unlink(missing_ok=True)
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=worker_init)
            try:
                futures = {pool.submit(_run_tracked, t, track): t for t in batch}
                pending = set(futures)
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        task = futures[fut]
                        try:
                            record = fut.result()
                        except BrokenProcessPool:
                            if not Path(track, task.run.run_id).exists():
                                todo.append(task)  # had not started
                                continue
                            if workers > 1:
                                suspects.append(task)
                                continue
                            attempts[task.run.run_id] += 1
                            if attempts[task.run.run_id] < MAX_ATTEMPTS:
                                suspects.append(task)
                                continue
                            record = failed_record(
                                task,
                                f"WorkerDied: the worker process died {MAX_ATTEMPTS} times "
                                "while making this run alone (killed, or out of memory)",
                            )
                            _record_failure(task, record)
                        yield task, record
            finally:
                _stop(pool)


def _record_failure(task: RunTask, record: dict) -> None:
    from .store import SweepStore

    store = SweepStore(task.out)
    store.remove_run(task.scenario.name, task.run.run_id)
    record.update(task.plan_columns())
    store.write_manifest(record)


def _stop(pool) -> None:
    """Shut a process pool down now: running runs are abandoned (their partial files are
    removed by the caller or by ``--resume``)."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(timeout=5)


def run_dask(tasks: list[RunTask], scheduler: str, jobs: int) -> Iterator[tuple[RunTask, dict]]:
    """Simulate the runs on a Dask cluster.

    ``scheduler`` is a scheduler address (``tcp://host:8786``) or ``local`` for a local
    cluster of ``jobs`` single-threaded worker processes. Workers must reach the output
    location (a shared path, or an fsspec URL such as ``s3://bucket/prefix``).
    """
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise MissingDependencyError(
            "--scheduler needs Dask distributed: pip install 'failsim[dask]'"
        ) from None
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(
                n_workers=jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="30s")
    except OSError as exc:
        if cluster is not None:
            cluster.close()
        raise OutputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        futures = {}
        for t in tasks:
            fut = client.submit(
                execute, t, key=f"failsim-{t.run.run_id}", pure=False, retries=MAX_ATTEMPTS - 1
            )
            futures[fut.key] = (fut, t)
        for fut in as_completed([f for f, _ in futures.values()]):
            task = futures[fut.key][1]
            try:
                record = fut.result()
            except Exception as exc:  # the worker died on every attempt
                record = failed_record(task, f"WorkerDied: {type(exc).__name__}: {exc}")
                _record_failure(task, record)
            yield task, record
    finally:
        for fut, _ in futures.values():
            fut.cancel()
        client.close()
        if cluster is not None:
            cluster.close()
