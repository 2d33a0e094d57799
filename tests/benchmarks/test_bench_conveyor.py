"""Benchmark: a 60 s conveyor_7p5kw run with all streams (vibration at 25.6 kHz on three
axes, current at 10 kHz, process at 10 Hz), end to end, beside pyarrow alone writing the
same tables (the I/O floor). Reported, never asserted."""

from __future__ import annotations

import time

import pyarrow.parquet as pq

import failsim
from failsim.io.parquet import writer_options


def test_conveyor_60s_end_to_end_beside_pyarrow(benchmark, tmp_path):
    spec = failsim.load_scenario("conveyor_7p5kw_normal", overrides={"duration_s": 60.0})
    failsim.simulate(spec, duration_s=0.1)  # load the cached kernels outside the timing
    counter = iter(range(100))
    benchmark.pedantic(lambda: failsim.run(spec, tmp_path / f"r{next(counter)}"), rounds=3)
    tables = failsim.simulate(spec)
    t0 = time.perf_counter()
    for name in ("current", "process", "vibration"):
        table = tables.to_arrow(name)
        pq.write_table(table, tmp_path / f"{name}.parquet", **writer_options(table.schema))
    t_write = time.perf_counter() - t0
    benchmark.extra_info["pyarrow_write_s"] = t_write
    if benchmark.stats:
        mean = benchmark.stats.stats.mean
        benchmark.extra_info["x_real_time"] = 60.0 / mean
        benchmark.extra_info["ratio_to_pyarrow_write"] = mean / t_write
