"""The vibration stage with its healthy sources off (``healthy_sources=False``): the response
to fault sources alone, as injected into real recordings."""

from __future__ import annotations

import numpy as np
import pytest

from failsim.components.machine import Machine
from failsim.faults.bearing_defects import BearingDefect, impact_train
from failsim.faults.shaft_faults import shaft_force
from failsim.kernels import layout as L
from failsim.spec import load_machine
from failsim.vibration.stage import VibrationStage

FS, OVERSAMPLE = 12_000, 2
FS_SYNTH = FS * OVERSAMPLE


def _trace(machine: Machine, seconds: float, torque_n_m: float) -> np.ndarray:
    """A constant-speed trace at rated speed with the rated air-gap field and a torque."""
    n = int(seconds * FS_SYNTH)
    t = np.arange(n) / FS_SYNTH
    w = machine.motor.rated_speed_rad_s
    tr = np.empty((L.N_T, n))
    tr[L.T_THETA_M] = w * t
    tr[L.T_WM] = w
    tr[L.T_PSIRA] = 1.2 * np.cos(2 * np.pi * 50.0 * t)
    tr[L.T_PSIRB] = 1.2 * np.sin(2 * np.pi * 50.0 * t)
    tr[L.T_TSHAFT] = torque_n_m
    return tr


def _run(stage: VibrationStage, trace: np.ndarray, chunk: int = 10_000) -> dict[str, np.ndarray]:
    parts: dict[str, list[np.ndarray]] = {c: [] for c in stage.columns}
    for j0 in range(0, trace.shape[1], chunk):
        for c, y in stage.process(trace[:, j0 : j0 + chunk], j0).items():
            parts[c].append(y)
    return {c: np.concatenate(v) for c, v in parts.items()}


def _add_faults(stage: VibrationStage, machine: Machine, seed: int) -> None:
    """An outer-race defect, an imbalance, a loose support and (with a gearbox) a damaged
    tooth, all from 0.2 s; fresh sources for each stage (they carry their draws)."""
    bearing = machine.bearings[0]
    defect = BearingDefect(0, bearing.name, "outer_race", 0.05, 0.0, 0.015, [(0.2, None)])
    stage.add_impacts(impact_train(defect, bearing, machine.motor.rated_speed_rad_s, seed))
    imbalance = {"kind": "imbalance", "target": "rotor", "unbalance_g_mm": 400.0}
    imbalance["trigger"] = {"at_s": 0.2}
    source, *_ = shaft_force(imbalance, 1, len(stage.locations), seed, 1.0)
    stage.add_shaft_force(source)
    stage.loosen_support(bearing.name, 0.6, [(0.2, None)])
    if machine.gearbox is not None:
        stage.damage_tooth(0.5, [(0.2, None)], 1.0)


@pytest.mark.parametrize("name", ["im_7p5kw_pump", "conveyor_7p5kw", "cwru_rig"])
def test_healthy_sources_off_without_faults_gives_zeros(name):
    machine = Machine.from_spec(load_machine(name))
    stage = VibrationStage(machine, 3, FS, OVERSAMPLE, 50.0, healthy_sources=False)
    out = _run(stage, _trace(machine, 0.5, 40.0))
    assert set(out) == set(stage.columns)
    for y in out.values():
        assert y.shape == (FS // 2,)
        assert not np.any(y)  # exactly 0.0: no imbalance, pull, background, mesh, noise
    # the healthy stage on the same trace does vibrate
    healthy = _run(VibrationStage(machine, 3, FS, OVERSAMPLE, 50.0), _trace(machine, 0.5, 40.0))
    assert all(np.std(y) > 0 for y in healthy.values())


@pytest.mark.parametrize("name", ["conveyor_7p5kw", "cwru_rig"])
def test_fault_only_response_is_the_faulty_minus_the_healthy_run(name):
    """Superposition: (all sources + faults) - (all sources) = faults alone, sample for
    sample, up to the two runs' ADC rounding (the structure and the transfer are linear, the
    healthy draws the same under one seed)."""
    machine = Machine.from_spec(load_machine(name))
    trace = _trace(machine, 0.6, 40.0)
    seed = 5
    faulty = VibrationStage(machine, seed, FS, OVERSAMPLE, 50.0)
    _add_faults(faulty, machine, seed)
    healthy = VibrationStage(machine, seed, FS, OVERSAMPLE, 50.0)
    alone = VibrationStage(machine, seed, FS, OVERSAMPLE, 50.0, healthy_sources=False)
    _add_faults(alone, machine, seed)
    y_faulty, y_healthy, y_alone = _run(faulty, trace), _run(healthy, trace), _run(alone, trace)
    before = np.arange(FS * 6 // 10) / FS < 0.2
    for s in faulty.sensors:
        c = s.acc.column
        diff = y_faulty[c].astype(np.float64) - y_healthy[c].astype(np.float64)
        fault = y_alone[c].astype(np.float64)
        assert np.max(np.abs(y_faulty[c])) < 0.9 * s.full_scale  # the runs do not clip
        assert not np.any(fault[before])  # nothing before the onset
        assert np.sqrt(np.mean(fault**2)) > 100 * s.step  # a response well above the ADC step
        tol = s.step + 1e-6 * np.max(np.abs(y_faulty[c]))  # two roundings + float32
        np.testing.assert_allclose(diff, fault, rtol=0, atol=tol)


def test_ideal_daq_matches_its_readable_reference():
    machine = Machine.from_spec(load_machine("cwru_rig"))
    a = VibrationStage(machine, 2, FS, OVERSAMPLE, 60.0, healthy_sources=False).sensors[0]
    b = VibrationStage(machine, 2, FS, OVERSAMPLE, 60.0, healthy_sources=False).sensors[0]
    assert a.step == 0.0 and a.noise_std == 0.0
    rng = np.random.default_rng(0)
    accel = 1e3 * rng.standard_normal(4001)  # far beyond the 50 g range: no clipping
    y_fast = a(accel, 1)
    y_slow = b.reference(accel, 1)
    np.testing.assert_allclose(y_fast, y_slow, rtol=1e-6, atol=1e-6 * np.max(np.abs(y_slow)))
    assert np.max(np.abs(y_fast)) > a.acc.range_m_s2  # not clipped
    # not quantised: a small signal is not rounded to the 24-bit step of the measured channel
    step = 2.0 * a.acc.range_m_s2 / 2**a.acc.adc_bits
    small = a(1e-2 * step * rng.standard_normal(4000), 0)
    assert np.std(small[100:]) > 0.0
    assert np.mean(np.abs(small / step - np.round(small / step)) > 1e-3) > 0.9
