"""The vibration stage on synthetic kinematic traces: forces, structure, sensor chain,
and a bearing impact train seen in the squared-envelope spectrum."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from failsim.analysis.spectra import (
    amplitude_spectrum,
    db_above_local_median,
    peak_near,
    squared_envelope_spectrum,
)
from failsim.components.machine import Machine
from failsim.kernels import layout as L
from failsim.rng import component_rng
from failsim.spec import load_machine, machine_from_dict
from failsim.vibration.filters import biquad_response
from failsim.vibration.sources import ImpactTrain
from failsim.vibration.stage import VibrationStage

FS, OVERSAMPLE = 25_600, 4
FS_SYNTH = FS * OVERSAMPLE


def _machine(vibration: dict | None = None, accel: dict | None = None) -> Machine:
    data = copy.deepcopy(load_machine("im_7p5kw_pump").data)
    data["name"] = "vib_test"
    if vibration:
        data["vibration"].update(vibration)
    if accel:
        for a in data["accelerometers"]:
            a.update(accel)
    return Machine.from_spec(machine_from_dict(data))


def _trace(speed_rad_s: float, seconds: float, psi: float = 0.0) -> np.ndarray:
    n = int(seconds * FS_SYNTH)
    t = np.arange(n) / FS_SYNTH
    tr = np.zeros((L.N_T, n))
    tr[L.T_THETA_M] = speed_rad_s * t
    tr[L.T_WM] = speed_rad_s
    tr[L.T_PSIRA] = psi * np.cos(2 * np.pi * 50 * t)
    tr[L.T_PSIRB] = psi * np.sin(2 * np.pi * 50 * t)
    return tr


QUIET = {"harmonics": [], "magnetic_force_n": 0.0, "background_force_n_per_sqrt_hz": 0.0}


def test_imbalance_force_follows_the_square_of_speed():
    stage = VibrationStage(_machine(QUIET), 1, FS, OVERSAMPLE, 50.0)
    amps = []
    for w in (40.0, 80.0, 150.0):
        f = stage.forces(_trace(w, 0.2))["drive_end"]
        amps.append(np.max(np.hypot(f[0], f[1])))
    assert amps[1] / amps[0] == pytest.approx(4.0, rel=1e-12)
    assert amps[2] / amps[0] == pytest.approx((150 / 40) ** 2, rel=1e-12)
    # ISO 21940-11: G2.5 at rated speed gives e = G / w_N; force m e w^2, half per bearing
    w_n = 1438 * math.pi / 30
    assert amps[2] == pytest.approx(0.5 * 15.0 * (2.5e-3 / w_n) * 150.0**2, rel=1e-12)


def test_acceleration_at_1x_is_force_through_the_modes():
    machine = _machine(QUIET, accel={"sensitivity_error_pct": 0.0, "noise_ug_per_sqrt_hz": 0.0})
    stage = VibrationStage(machine, 1, FS, OVERSAMPLE, 50.0)
    w = 150.0
    acc = stage.accelerations(_trace(w, 4.0))
    x = acc[1][FS_SYNTH:]  # drive-end vertical, after the modes' transients
    f_r = w / (2 * np.pi)
    # amplitude of the 1x component by least squares at exactly f_r
    t = np.arange(x.size) / FS_SYNTH
    basis = np.column_stack([np.cos(w * t), np.sin(w * t), np.ones_like(t)])
    coef = np.linalg.lstsq(basis, x, rcond=None)[0]
    a_1x = math.hypot(coef[0], coef[1])
    force = 0.5 * 15.0 * (2.5e-3 / (1438 * math.pi / 30)) * w**2
    expected = 0.0
    for mode, coefs in zip(stage.modes, stage.mode_coefs, strict=True):
        if mode.direction == "vertical":
            phi = mode.participation("drive_end")
            load = sum(mode.participation(b) for b in ("drive_end", "non_drive_end"))
            expected += phi * load * biquad_response(coefs, f_r, FS_SYNTH)
    assert a_1x == pytest.approx(force * abs(expected), rel=0.02)


def test_unbalance_acceleration_grows_faster_than_speed_squared_below_resonance():
    # physics.md 8.10: the force grows as w^2, the accelerance below the mode as w^2 too
    machine = _machine(QUIET, accel={"noise_ug_per_sqrt_hz": 0.0})
    levels = []
    for w in (20.0, 40.0):
        stage = VibrationStage(machine, 1, FS, OVERSAMPLE, 50.0)
        x = stage.accelerations(_trace(w, 6.0))[1][2 * FS_SYNTH :]
        levels.append(np.std(x))
    assert levels[1] / levels[0] > 4.0 * 1.5


def _sensor_output(machine: Machine, trace: np.ndarray) -> np.ndarray:
    stage = VibrationStage(machine, 3, FS, OVERSAMPLE, 50.0)
    return stage.process(trace, 0)["accel_drive_end_vertical_m_s2"].astype(np.float64)


def test_quantisation_noise_is_q_over_sqrt_12():
    base = {"noise_ug_per_sqrt_hz": 300.0, "sensitivity_error_pct": 0.0, "range_g": 5.0}
    fine = _sensor_output(_machine(QUIET, {**base, "adc_bits": 24}), _trace(150.0, 2.0))
    coarse = _sensor_output(_machine(QUIET, {**base, "adc_bits": 10}), _trace(150.0, 2.0))
    q = 2 * 5.0 * 9.80665 / 2**10
    assert np.std(coarse - fine) == pytest.approx(q / math.sqrt(12), rel=0.03)
    assert np.max(np.abs(coarse)) <= 5.0 * 9.80665


def test_sensor_noise_is_density_times_sqrt_bandwidth():
    # no force at all: the output is the sensor's noise through the DAQ filter (0.5 fs wide)
    nd_ug = 50.0
    machine = _machine(QUIET, {"noise_ug_per_sqrt_hz": nd_ug, "sensitivity_error_pct": 0.0})
    out = _sensor_output(machine, _trace(0.0, 2.0))[2000:]
    expected = nd_ug * 1e-6 * 9.80665 * math.sqrt(0.5 * FS)
    assert np.std(out) == pytest.approx(expected, rel=0.05)


def test_clipping_at_the_range():
    machine = _machine(
        {**QUIET, "balance_grade_mm_s": 4000.0}, {"range_g": 0.01, "noise_ug_per_sqrt_hz": 0.0}
    )
    out = _sensor_output(machine, _trace(150.0, 1.0))
    fs_m = 0.01 * 9.80665 * (1 + 1e-6)  # float32 rounding of the full scale
    assert np.max(out) <= fs_m and np.min(out) >= -fs_m
    assert np.mean(np.abs(out) > 0.99 * fs_m) > 0.1  # really clipped


def _impact_signal(slip_std: float) -> tuple[np.ndarray, float]:
    machine = _machine({"background_force_n_per_sqrt_hz": 0.004})
    stage = VibrationStage(machine, 5, FS, OVERSAMPLE, 50.0)
    order, w = 3.5848, 150.0
    stage.add_impacts(
        ImpactTrain("drive_end", order, 2e-4, slip_std, component_rng(5, "test.impacts"))
    )
    x = stage.process(_trace(w, 10.0, psi=0.9), 0)["accel_drive_end_vertical_m_s2"]
    return x.astype(np.float64)[FS:], order * w / (2 * np.pi)


def _raw_line_db(x: np.ndarray, f_line: float) -> float:
    fr, raw = amplitude_spectrum(x, FS)
    f_raw, _ = peak_near(fr, raw, f_line, rel_tol=0.002)
    return db_above_local_median(fr, raw, f_raw, half_width_hz=20.0)


def test_impact_train_shows_in_the_squared_envelope_spectrum():
    # a localised defect: impacts at order 3.5848 (BPFO of a 6205) with 1.5 % random slip,
    # ringing the housing modes; the squared-envelope spectrum shows the line within 3 % and
    # well above its neighbourhood (measured: about 22 dB)
    x, f_fault = _impact_signal(0.015)
    f, ses = squared_envelope_spectrum(x, FS, band_hz=(2000.0, 5000.0))
    f_peak, _ = peak_near(f, ses, f_fault, rel_tol=0.03)
    assert f_peak == pytest.approx(f_fault, rel=0.03)
    assert db_above_local_median(f, ses, f_peak, half_width_hz=10.0) > 15.0


def test_random_slip_smears_the_raw_spectrum_in_the_resonance_band():
    # where the impacts put their energy (the kHz modes), the raw spectrum of a slip-free
    # train has sharp harmonics of the fault frequency; 1.5 % slip smears them away
    # (physics.md 2: pseudo-cyclostationary, no clean line in the raw spectrum)
    x0, f_fault = _impact_signal(0.0)
    x1, _ = _impact_signal(0.015)
    k = round(2650.0 / f_fault)  # harmonic next to the drive-end end-shield mode
    assert _raw_line_db(x0, k * f_fault) > 20.0
    # with slip: no more than the largest noise bin among the ~90 searched reaches (~8 dB)
    assert _raw_line_db(x1, k * f_fault) < 10.0


def test_fused_loops_match_the_readable_path():
    machine = _machine()
    fast = VibrationStage(machine, 9, FS, OVERSAMPLE, 50.0)
    slow = VibrationStage(machine, 9, FS, OVERSAMPLE, 50.0)
    for stage in (fast, slow):
        stage.add_impacts(ImpactTrain("drive_end", 5.4, 1e-4, 0.01, component_rng(9, "imp")))
    trace = _trace(150.0, 0.3, psi=0.9)
    a_fast = fast.accelerations(trace)
    a_slow = slow.accelerations_reference(trace)
    for i in range(len(a_slow)):
        scale = np.max(np.abs(a_slow[i]))
        np.testing.assert_allclose(a_fast[i], a_slow[i], rtol=0, atol=1e-9 * scale)
    for s_fast, s_slow in zip(fast.sensors, slow.sensors, strict=True):
        y_fast = s_fast(a_fast[0], 1)
        y_slow = s_slow.reference(a_fast[0], 1)
        step = s_fast.step
        assert np.max(np.abs(y_fast.astype(float) - y_slow.astype(float))) <= step * 1.01


def _ses_lines(modulation: str, order: float, carrier: float = 1.0):
    machine = _machine({"background_force_n_per_sqrt_hz": 0.004})
    stage = VibrationStage(machine, 5, FS, OVERSAMPLE, 50.0)
    w = 150.0
    stage.add_impacts(
        ImpactTrain(
            "drive_end", order, 2e-4, 0.01, component_rng(5, "test.impacts"),
            modulation=modulation, carrier_order=carrier, load_zone_floor=0.1,
        )
    )  # fmt: skip
    x = stage.process(_trace(w, 10.0, psi=0.9), 0)["accel_drive_end_vertical_m_s2"]
    f, ses = squared_envelope_spectrum(x.astype(np.float64)[FS:], FS, band_hz=(2000.0, 5000.0))
    f_r = w / (2 * np.pi)
    out = {}
    for name, line in (("carrier", order * f_r), ("low", (order - 1) * f_r),
                       ("high", (order + 1) * f_r)):  # fmt: skip
        fp, _ = peak_near(f, ses, line, rel_tol=0.01)
        out[name] = db_above_local_median(f, ses, fp, half_width_hz=5.0)
    return out


def test_inner_race_load_zone_modulation_gives_shaft_rate_sidebands():
    # physics.md 8.2: an inner-race defect passes through the load zone once per turn, so
    # the squared envelope shows BPFI with sidebands at +/- f_r; an outer-race defect fixed
    # in the load zone shows none
    inner = _ses_lines("rotating", 5.4152)
    outer = _ses_lines("none", 3.5848)
    assert inner["carrier"] > 15.0
    assert inner["low"] > 10.0 and inner["high"] > 10.0
    assert outer["carrier"] > 15.0
    assert outer["low"] < 10.0 and outer["high"] < 10.0


def _loose_chain(loose: bool, seconds: float = 0.2):
    """The drive-end vertical sensor chain (no noise, no calibration error) and a 1 kHz tone;
    with ``loose``, its mount is loose (2 kHz, zeta 0.1) over [0.1, 0.15) s."""
    machine = _machine(accel={"noise_ug_per_sqrt_hz": 0.0, "sensitivity_error_pct": 0.0})
    stage = VibrationStage(machine, 1, FS, OVERSAMPLE, 50.0)
    if loose:
        stage.loosen_mount("accel_drive_end_vertical_m_s2", 0.1, 0.15, 2000.0, 0.1)
    n = int(seconds * FS_SYNTH)
    accel = np.sin(2 * np.pi * 1000.0 * np.arange(n) / FS_SYNTH)
    return stage.sensors[1], accel


def test_loose_mount_swaps_the_mount_response_inside_its_window():
    stud, accel = _loose_chain(False)
    loose, _ = _loose_chain(True)
    x = stud.run(accel, 0).astype(np.float64)
    y = loose.run(accel, 0).astype(np.float64)
    t = np.arange(x.size) / FS
    before, inside, after = t < 0.1, (t >= 0.12) & (t < 0.15), t >= 0.152
    np.testing.assert_array_equal(x[before], y[before])
    # steady state inside: the loose mount's gain at 1 kHz over the stud's
    gain = np.abs(biquad_response(loose.loose[0][2], 1000.0, FS_SYNTH))
    stud_gain = np.abs(biquad_response(stud.stud_mount, 1000.0, FS_SYNTH))
    analog = 1.0 / math.sqrt((1 - 0.25) ** 2 + (2 * 0.1 * 0.5) ** 2)
    assert gain == pytest.approx(analog, rel=0.01)  # pre-warped at 2 kHz: close at 1 kHz
    assert np.abs(y[inside]).max() == pytest.approx(
        np.abs(x[inside]).max() * gain / stud_gain, rel=0.005
    )
    # the switch carries the last inputs and outputs over: no step, only the resonator
    # settling (overshoot well below the 1 / (2 zeta) = 5 of a step into the resonance)
    assert np.abs(y[(t >= 0.1) & (t < 0.12)]).max() < 1.1 * np.abs(y[inside]).max()
    # back on the stud mount a few resonance periods after the end
    np.testing.assert_allclose(y[after], x[after], atol=1e-3)


@pytest.mark.parametrize("chunk", [1, 333, 4096, 10_007])
def test_loose_mount_does_not_depend_on_the_chunk_size(chunk):
    whole, accel = _loose_chain(True)
    y = whole.run(accel, 0)
    split, _ = _loose_chain(True)
    parts = [split.run(accel[j : j + chunk], j) for j in range(0, accel.size, chunk)]
    np.testing.assert_array_equal(np.concatenate(parts), y)


def test_loose_mount_rejects_what_it_cannot_model():
    stage = VibrationStage(_machine(), 1, FS, OVERSAMPLE, 50.0)
    with pytest.raises(ValueError, match="no accelerometer column"):
        stage.loosen_mount("accel_nowhere_m_s2", 0.0, None, 1000.0, 0.1)
    with pytest.raises(ValueError, match="resonance"):
        stage.loosen_mount("accel_drive_end_vertical_m_s2", 0.0, None, 0.5 * FS_SYNTH, 0.1)
    with pytest.raises(ValueError, match="damping"):
        stage.loosen_mount("accel_drive_end_vertical_m_s2", 0.0, None, 1000.0, 1.0)
