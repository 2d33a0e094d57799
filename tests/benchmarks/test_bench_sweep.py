"""Benchmarks of sweeps: throughput with 2 workers against 1 on the same short runs, and the
workers' peak memory as the number of runs grows. Reported in ``extra_info``, never asserted.

With ``--benchmark-disable`` (CI) the sweeps are cut to a few runs, so the code paths stay
exercised without the cost of the full measurement.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import yaml

from failsim.sweep import sweep


def _sweep_yaml(path: Path, runs: int) -> Path:
    data = {
        "name": "bench_sweep",
        "machine": "im_7p5kw_pump",
        "duration_s": 0.3,
        "seed": 1,
        "sweep": {
            "classes": {
                "healthy": [],
                "overload": [
                    {
                        "kind": "overload",
                        "target": "load",
                        "trigger": {"at_s": 0.1},
                        "extra_load_pu": 0.5,
                    }
                ],
            },
            "repeats": max(1, runs // 2),
        },
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_sweep_two_workers_against_one(benchmark, tmp_path):
    n = 20 if benchmark.disabled else 200
    spec = _sweep_yaml(tmp_path / "s.yaml", n)
    sweep(spec, tmp_path / "warm", jobs=1, limit=2)  # kernels loaded outside the timing
    t0 = time.perf_counter()
    one = sweep(spec, tmp_path / "one", jobs=1)
    t_one = time.perf_counter() - t0
    counter = iter(range(100))
    benchmark.pedantic(lambda: sweep(spec, tmp_path / f"two{next(counter)}", jobs=2), rounds=1)
    assert one.completed == n
    benchmark.extra_info["runs"] = n
    benchmark.extra_info["one_worker_s"] = t_one
    if benchmark.stats:
        t_two = benchmark.stats.stats.mean
        benchmark.extra_info["two_workers_s"] = t_two
        benchmark.extra_info["throughput_ratio"] = t_one / t_two


_RSS_PROBE = """
import json, resource, sys
from failsim.sweep import sweep
s = sweep(sys.argv[1], sys.argv[2], jobs=2, limit=int(sys.argv[3]))
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"runs": s.completed, "worker_peak_rss_mb": kids, "parent_peak_rss_mb": me}))
"""


def _peak_rss(spec: Path, out: Path, runs: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _RSS_PROBE, str(spec), str(out), str(runs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_sweep_worker_memory_as_runs_grow(benchmark, tmp_path):
    small, large = (6, 30) if benchmark.disabled else (50, 500)
    spec = _sweep_yaml(tmp_path / "s.yaml", large)
    result = {}

    def measure():
        result["small"] = _peak_rss(spec, tmp_path / f"a{len(result)}", small)
        result["large"] = _peak_rss(spec, tmp_path / f"b{len(result)}", large)

    benchmark.pedantic(measure, rounds=1)
    assert result["small"]["runs"] == small and result["large"]["runs"] == large
    for key in ("small", "large"):
        for what, mb in result[key].items():
            if what != "runs":
                benchmark.extra_info[f"{what}_{result[key]['runs']}_runs"] = mb
