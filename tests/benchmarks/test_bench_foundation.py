"""Benchmarks of the induction-machine pipeline (pytest-benchmark).

Run them in full with ``python -m pytest tests/benchmarks --benchmark-only``; CI runs each
once with ``--benchmark-disable`` so none rots. Timings are reported, never asserted; ratios
against a reference measured in the same process are in each benchmark's ``extra_info``.
"""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pyarrow.parquet as pq
import pytest

import failsim
from failsim.io.parquet import writer_options
from failsim.kernels import layout as L
from failsim.simulation import RunEngine
from failsim.spec import load_scenario

SCENARIO = "im_7p5kw_pump_rated"


def _scenario(duration_s: float):
    return load_scenario(
        SCENARIO, overrides={"duration_s": duration_s, "operation.stop_at_s": None}
    )


def test_kernel_steps_per_second(benchmark):
    """Solver steps per second of the kernel alone (one core, after compilation)."""
    from failsim.kernels.machine_kernel import advance

    spec = _scenario(5.0)
    template = RunEngine(spec).packed
    n1 = template.n_total
    rate = int(template.p[L.P_RATE_HZ])
    fast = np.empty((L.N_F, -(-n1 * 10_000 // rate)))
    slow = np.empty((L.N_Q, -(-n1 * 10 // rate)))
    trace = np.empty((L.N_T, 0))

    def setup():
        pk = template.copy()
        return (pk.x, pk.s, pk.ii, pk.p, pk.prof, pk.prof_n, pk.th, pk.trig_i, pk.trig_f,
                pk.trig_s, pk.ev, n1, 10_000, fast, 0, 10, slow, 0, 0, trace, 0), {}  # fmt: skip

    advance(*setup()[0])  # compile or load from cache outside the timing
    benchmark.pedantic(advance, setup=setup, rounds=5)
    if benchmark.stats:
        mean = benchmark.stats.stats.mean
        benchmark.extra_info["steps_per_s"] = n1 / mean
        benchmark.extra_info["x_real_time"] = 5.0 / mean


def test_end_to_end_60s_beside_pyarrow(benchmark, tmp_path):
    """A 60 s run simulated and written, and pyarrow alone writing the same tables."""
    spec = _scenario(60.0)
    failsim.simulate(spec, duration_s=0.1)  # warm the kernel cache
    counter = iter(range(1000))

    def once():
        failsim.run(spec, tmp_path / f"r{next(counter)}")

    benchmark.pedantic(once, rounds=3)
    # the I/O floor: the same tables, written by pyarrow alone with the same options
    tables = failsim.simulate(spec)
    t0 = time.perf_counter()
    for name in ("current", "process"):
        table = tables.to_arrow(name)
        pq.write_table(table, tmp_path / f"{name}.parquet", **writer_options(table.schema))
    t_write = time.perf_counter() - t0
    benchmark.extra_info["pyarrow_write_s"] = t_write
    if benchmark.stats:
        mean = benchmark.stats.stats.mean
        benchmark.extra_info["x_real_time"] = 60.0 / mean
        benchmark.extra_info["ratio_to_pyarrow_write"] = mean / t_write


@pytest.fixture(scope="module")
def one_second_scenario(tmp_path_factory):
    import yaml

    path = tmp_path_factory.mktemp("sc") / "one_second.yaml"
    path.write_text(
        yaml.safe_dump({"name": "one_second", "machine": "im_7p5kw_pump", "duration_s": 1.0})
    )
    return path


def test_cold_start_failsim_run_1s(benchmark, one_second_scenario, tmp_path):
    """A second ``failsim run`` of a 1 s scenario in a fresh process (cached kernels)."""
    cmd = [sys.executable, "-m", "failsim.cli", "run", str(one_second_scenario), "--quiet"]
    subprocess.run([*cmd, "--out", str(tmp_path / "warm")], check=True)  # fills the cache
    counter = iter(range(1000))

    def once():
        subprocess.run([*cmd, "--out", str(tmp_path / f"o{next(counter)}")], check=True)

    benchmark.pedantic(once, rounds=3)


def test_one_hour_run_peak_memory(benchmark, tmp_path):
    """A 1-hour run streamed to disk: memory stays bounded by one chunk (< 1 GB peak)."""
    code = (
        "import failsim, resource, sys\n"
        "failsim.run('im_7p5kw_pump_rated', sys.argv[1], duration_s=3600.0,"
        " overrides={'operation.stop_at_s': None})\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    peaks: list[int] = []

    def once():
        out = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / f"h{len(peaks)}")],
            check=True,
            capture_output=True,
            text=True,
        )
        peaks.append(int(out.stdout.strip().splitlines()[-1]) * 1024)

    benchmark.pedantic(once, rounds=1)
    benchmark.extra_info["peak_rss_bytes"] = max(peaks)
    assert max(peaks) < 1_000_000_000
