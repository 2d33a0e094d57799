"""Benchmark: the cost of faults. A 30 s pump run with machine and sensor faults against the
same run without them, timed in the same process; the ratio is reported (the target is at
most 1.25), never asserted. Two sets: supply, load and sensor faults; and rotor, seizure,
unbalance, loose-mount faults ending in an emergency stop."""

from __future__ import annotations

import time

import pytest

import failsim

FAULTS = [
    {"kind": "overload", "target": "load", "trigger": {"at_s": 5.0}, "extra_load_pu": 0.3,
     "ramp_s": 1.0, "period_s": 4.0, "duty": 0.5},
    {"kind": "voltage_sag", "target": "supply", "trigger": {"at_s": 12.0, "duration_s": 0.5},
     "depth_pu": 0.3},
    {"kind": "phase_loss", "target": "supply.c", "trigger": {"at_s": 25.0}},
    {"kind": "sensor_drift", "target": "process.temp_winding_c", "trigger": {"at_s": 2.0},
     "rate_per_s": 0.1},
    {"kind": "sensor_noise_burst", "target": "vibration.accel_drive_end_horizontal_m_s2",
     "trigger": {"at_s": 8.0, "duration_s": 3.0}, "noise_rms": 1.0},
    {"kind": "sensor_stuck", "target": "current.current_a_a", "trigger": {"at_s": 15.0}},
    {"kind": "sensor_dropout", "target": "current.current_b_a", "trigger": {"at_s": 20.0}},
]  # fmt: skip
FAULTS_ROTOR_AND_STOPS = [
    {"kind": "broken_rotor_bars", "target": "motor.rotor", "trigger": {"at_s": 0.0},
     "broken_bars": 2},
    {"kind": "voltage_unbalance", "target": "supply", "trigger": {"at_s": 5.0, "duration_s": 10.0},
     "unbalance_pct": 2.0},
    {"kind": "seizure", "target": "bearing.drive_end", "trigger": {"at_s": 10.0},
     "friction_torque_n_m": 10.0, "runaway_s": 15.0},
    {"kind": "sensor_mount_loose", "target": "vibration.accel_drive_end_horizontal_m_s2",
     "trigger": {"at_s": 8.0, "duration_s": 3.0}, "resonance_hz": 1500.0},
    {"kind": "emergency_stop", "target": "machine", "category": 0, "trigger": {"at_s": 27.0}},
]  # fmt: skip
SETS = {"supply_load_sensor": FAULTS, "rotor_seizure_estop": FAULTS_ROTOR_AND_STOPS}


def _spec(faults):
    return failsim.load_scenario(
        "im_7p5kw_pump_rated",
        overrides={"duration_s": 30.0, "operation.stop_at_s": None, "faults": faults},
    )


@pytest.mark.parametrize("fault_set", list(SETS))
def test_faults_cost_against_the_healthy_run(benchmark, tmp_path, fault_set):
    healthy, faulty = _spec([]), _spec(SETS[fault_set])
    failsim.simulate(healthy, duration_s=0.1)  # load the cached kernels outside the timing
    counter = iter(range(100))

    def healthy_time() -> float:
        t0 = time.perf_counter()
        failsim.run(healthy, tmp_path / f"h{next(counter)}")
        return time.perf_counter() - t0

    benchmark.pedantic(lambda: failsim.run(faulty, tmp_path / f"f{next(counter)}"), rounds=3)
    t_healthy = min(healthy_time() for _ in range(3))
    benchmark.extra_info["healthy_min_s"] = t_healthy
    if benchmark.stats:
        benchmark.extra_info["ratio_faulty_to_healthy"] = benchmark.stats.stats.min / t_healthy
