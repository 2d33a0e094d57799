"""Benchmarks of the vibration stage (pytest-benchmark; reported, never asserted)."""

from __future__ import annotations

import numpy as np
import pytest

import failsim
from failsim.components.machine import Machine
from failsim.kernels import layout as L
from failsim.spec import load_machine
from failsim.vibration.stage import VibrationStage


def _trace(n: int, fs_synth: float) -> np.ndarray:
    t = np.arange(n) / fs_synth
    tr = np.zeros((L.N_T, n))
    tr[L.T_THETA_M] = 150.0 * t
    tr[L.T_WM] = 150.0
    tr[L.T_PSIRA] = 0.9 * np.cos(2 * np.pi * 50 * t)
    tr[L.T_PSIRB] = 0.9 * np.sin(2 * np.pi * 50 * t)
    return tr


def test_vibration_synthesis_samples_per_second(benchmark):
    """Output samples per second per accelerometer, 25.6 kHz DAQ, 2x synthesis, 1 s chunks."""
    machine = Machine.from_spec(load_machine("im_7p5kw_pump"))
    fs, oversample = 25_600, 2
    trace = _trace(fs * oversample, fs * oversample)

    def setup():
        return (VibrationStage(machine, 1, fs, oversample, 50.0),), {}

    def once(stage):
        stage.process(trace, 0)

    once(setup()[0][0])  # compile or load the cached kernels
    benchmark.pedantic(once, setup=setup, rounds=5)
    if benchmark.stats:
        n_out = fs * len(machine.accelerometers)
        benchmark.extra_info["output_samples_per_s"] = n_out / benchmark.stats.stats.mean
        benchmark.extra_info["x_real_time"] = 1.0 / benchmark.stats.stats.mean


@pytest.mark.parametrize("scenario", ["cwru_rig_0hp"])
def test_cwru_rig_60s_end_to_end(benchmark, tmp_path, scenario):
    """A 60 s CWRU-rig run with all streams, simulated and written."""
    spec = failsim.load_scenario(scenario, overrides={"duration_s": 60.0})
    failsim.simulate(spec, duration_s=0.1)
    counter = iter(range(100))
    benchmark.pedantic(lambda: failsim.run(spec, tmp_path / f"r{next(counter)}"), rounds=3)
    if benchmark.stats:
        benchmark.extra_info["x_real_time"] = 60.0 / benchmark.stats.stats.mean
