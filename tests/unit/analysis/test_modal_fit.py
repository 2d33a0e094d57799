"""The modal fit on synthetic spectra: known modes driven by a white force, with discrete lines
and sensor noise on top, must come back from their Welch spectral density."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from scipy.signal import welch

from failsim.analysis.modal_fit import (
    find_mode_candidates,
    fit_modes,
    modal_accelerance,
    modal_asd,
    mount_response,
    smooth_asd,
)
from failsim.components.machine import Machine
from failsim.kernels import layout as L
from failsim.spec import load_machine, machine_from_dict
from failsim.vibration.filters import accelerance_biquad, biquad_run
from failsim.vibration.stage import VibrationStage

#: (frequency Hz, damping ratio, modal mass kg): a rocking mode, a frame mode, two housing modes
TRUE_MODES = ((180.0, 0.05, 12.0), (900.0, 0.04, 4.0), (2600.0, 0.03, 2.0), (6000.0, 0.05, 1.5))
FORCE = 0.02  # N/sqrt(Hz)
NOISE = 2e-5  # (m/s^2)/sqrt(Hz)
FS = 51_200.0
#: lines that the fit must ignore: 1x, twice line, a shaft-order line and an interference tone
LINES = ((29.9, 0.01), (120.0, 0.05), (1436.0, 0.1), (4144.0, 0.3))


def _check(fitted: list[dict], true=TRUE_MODES) -> None:
    assert len(fitted) == len(true)
    for mode, (f_n, zeta, mass) in zip(fitted, true, strict=True):
        assert mode["frequency_hz"] == pytest.approx(f_n, rel=0.02)
        assert mode["damping_ratio"] == pytest.approx(zeta, rel=0.30)
        assert mode["modal_mass_kg"] == pytest.approx(mass, rel=0.30)


@pytest.fixture(scope="module")
def synthetic() -> tuple[np.ndarray, np.ndarray]:
    """Welch ASD of 30 s of white force through the stage's mode biquads, plus lines and noise."""
    rng = np.random.default_rng(5)
    n = int(30 * FS)
    force = rng.standard_normal(n) * FORCE * math.sqrt(FS / 2)
    acc = np.zeros(n)
    for f_n, zeta, mass in TRUE_MODES:
        acc += biquad_run(accelerance_biquad(f_n, zeta, mass, FS), force, np.zeros(2))
    acc += rng.standard_normal(n) * NOISE * math.sqrt(FS / 2)
    t = np.arange(n) / FS
    for f_line, amp in LINES:
        acc += amp * np.sin(2 * np.pi * f_line * t)
    f, psd = welch(acc, FS, nperseg=32768)
    return f, np.sqrt(psd)


def test_candidates_are_the_resonances_not_the_lines(synthetic):
    f, asd = synthetic
    cand = find_mode_candidates(f, asd, 4, band_hz=(50.0, 15_000.0))
    np.testing.assert_allclose(cand, [m[0] for m in TRUE_MODES], rtol=0.02)
    assert not any(abs(c - 4144.0) < 50 for c in cand)


@pytest.mark.parametrize("rate", [None, FS])
def test_fit_recovers_frequency_damping_and_mass(synthetic, rate):
    f, asd = synthetic
    start = [
        {"name": f"m{i}", "frequency_hz": c, "direction": "vertical"}
        for i, c in enumerate(find_mode_candidates(f, asd, 4, band_hz=(50.0, 15_000.0)))
    ]
    fitted = fit_modes(
        f, asd,
        force_density_n_per_sqrt_hz=FORCE, sensor_noise_density=NOISE,
        initial_modes=start, band_hz=(60.0, 15_000.0), synthesis_rate_hz=rate,
    )  # fmt: skip
    _check(fitted)
    # other keys pass through, values are plain floats
    assert [m["name"] for m in fitted] == ["m0", "m1", "m2", "m3"]
    assert all(m["direction"] == "vertical" for m in fitted)
    assert all(type(m["modal_mass_kg"]) is float for m in fitted)


def test_fixed_frequencies_stay_put(synthetic):
    f, asd = synthetic
    start = [1.01 * m[0] for m in TRUE_MODES]
    fitted = fit_modes(
        f, asd,
        force_density_n_per_sqrt_hz=FORCE, sensor_noise_density=NOISE,
        initial_modes=start, fit_frequency=False, band_hz=(60.0, 15_000.0),
    )  # fmt: skip
    assert [m["frequency_hz"] for m in fitted] == start
    _check(fitted)


def test_masses_scale_with_the_assumed_force(synthetic):
    # one response spectrum identifies F / m only
    f, asd = synthetic
    kw = {"sensor_noise_density": NOISE, "band_hz": (60.0, 15_000.0)}
    start = [m[0] for m in TRUE_MODES]
    a = fit_modes(f, asd, force_density_n_per_sqrt_hz=FORCE, initial_modes=start, **kw)
    b = fit_modes(f, asd, force_density_n_per_sqrt_hz=3 * FORCE, initial_modes=start, **kw)
    for ma, mb in zip(a, b, strict=True):
        assert mb["modal_mass_kg"] == pytest.approx(3 * ma["modal_mass_kg"], rel=0.05)
        assert mb["damping_ratio"] == pytest.approx(ma["damping_ratio"], rel=0.05)


def _stage_machine(shapes: list[dict]) -> Machine:
    data = copy.deepcopy(load_machine("im_7p5kw_pump").data)
    data["name"] = "modal_fit_test"
    data["vibration"].update(
        {
            "harmonics": [],
            "magnetic_force_n": 0.0,
            "background_force_n_per_sqrt_hz": FORCE,
            "modes": [
                {
                    "name": f"mode_{i}",
                    "frequency_hz": f_n,
                    "damping_ratio": zeta,
                    "modal_mass_kg": mass,
                    "direction": "vertical",
                    "shape": shape,
                }
                for i, ((f_n, zeta, mass), shape) in enumerate(zip(TRUE_MODES, shapes, strict=True))
            ],
        }
    )
    data["accelerometers"] = [
        {
            "name": "de_v",
            "location": "drive_end",
            "axis": "vertical",
            "sensitivity_error_pct": 0.0,
            "noise_ug_per_sqrt_hz": 4.0,
        }
    ]
    return Machine.from_spec(machine_from_dict(data))


#: only the drive end moves; or both bearings, the non-drive end with alternating sign
DRIVE_POINT = [{"drive_end": 1.0}] * 4
TWO_BEARINGS = [{"drive_end": 1.0, "non_drive_end": p} for p in (0.9, -0.7, 0.3, -0.2)]


@pytest.mark.parametrize("shapes", [DRIVE_POINT, TWO_BEARINGS], ids=["drive_point", "two_bearings"])
def test_fit_through_the_vibration_stage(shapes):
    # the whole stage at rated speed: imbalance (a 1x line), background forces at both
    # bearings, accelerometer and DAQ chain; the fit models the stage's two forces
    fs, oversample = 25_600, 2
    fs_synth = fs * oversample
    machine = _stage_machine(shapes)
    stage = VibrationStage(machine, 4, fs, oversample, 50.0)
    w = machine.motor.rated_speed_rad_s
    n = int(20 * fs_synth)
    trace = np.zeros((L.N_T, n))
    trace[L.T_THETA_M] = w * np.arange(n) / fs_synth
    trace[L.T_WM] = w
    x = stage.process(trace, 0)["accel_de_v_m_s2"].astype(np.float64)[fs:]
    f, psd = welch(x, fs, nperseg=16384)
    fitted = fit_modes(
        f,
        np.sqrt(psd),
        force_density_n_per_sqrt_hz=FORCE,
        sensor_noise_density=4e-6 * 9.80665,
        initial_modes=[
            {"frequency_hz": m[0] * 1.05, "shape": shape}
            for m, shape in zip(TRUE_MODES, shapes, strict=True)
        ],
        band_hz=(60.0, 0.4 * fs),
        synthesis_rate_hz=fs_synth,
        sensor_location="drive_end",
        force_locations=["drive_end", "non_drive_end"],
    )
    _check(fitted)
    assert [m["shape"] for m in fitted] == shapes


def test_two_forces_and_a_mount_in_the_model():
    f = np.geomspace(50.0, 20_000.0, 300)
    modes = [
        {"frequency_hz": m[0], "damping_ratio": m[1], "modal_mass_kg": m[2]} for m in TRUE_MODES
    ]
    one = modal_asd(f, modes, force_density_n_per_sqrt_hz=FORCE)
    # no shape: participation 1 everywhere, so two uncorrelated forces double the power
    two = modal_asd(
        f,
        modes,
        force_density_n_per_sqrt_hz=FORCE,
        sensor_location="a",
        force_locations=["a", "b"],
    )
    np.testing.assert_allclose(two, math.sqrt(2.0) * one, rtol=1e-12)
    # a force where the modes do not move adds nothing
    shaped = [dict(m, shape={"a": 1.0}) for m in modes]
    alone = modal_asd(
        f,
        shaped,
        force_density_n_per_sqrt_hz=FORCE,
        sensor_location="a",
        force_locations=["a", "b"],
    )
    np.testing.assert_allclose(alone, one, rtol=1e-12)
    # the mount multiplies the structural response, not the sensor noise
    mounted = modal_asd(f, modes, force_density_n_per_sqrt_hz=FORCE, mount=(4000.0, 0.3))
    np.testing.assert_allclose(mounted, one * np.abs(mount_response(f, 4000.0, 0.3)), rtol=1e-12)
    assert abs(mount_response([4000.0], 4000.0, 0.3)[0]) == pytest.approx(1 / 0.6)
    with pytest.raises(ValueError, match="force_locations"):
        modal_asd(f, modes, force_density_n_per_sqrt_hz=FORCE, sensor_location="a")


def test_model_asd_limits():
    f_n, zeta, mass = 2600.0, 0.03, 2.0
    modes = [{"frequency_hz": f_n, "damping_ratio": zeta, "modal_mass_kg": mass}]
    at = modal_asd([f_n], modes, force_density_n_per_sqrt_hz=FORCE)[0]
    assert at == pytest.approx(FORCE / (2 * zeta * mass), rel=1e-9)
    above = modal_asd([200 * f_n], modes, force_density_n_per_sqrt_hz=FORCE)[0]
    assert above == pytest.approx(FORCE / mass, rel=1e-3)
    with_noise = modal_asd(
        [10.0], modes, force_density_n_per_sqrt_hz=FORCE, sensor_noise_density=1e-3
    )
    assert with_noise[0] == pytest.approx(1e-3, rel=1e-3)
    # the stage's biquad matches the continuous form well below half the synthesis rate
    f = np.array([500.0, 2600.0, 5000.0])
    cont = modal_accelerance(f, f_n, zeta, mass)
    digital = modal_accelerance(f, f_n, zeta, mass, synthesis_rate_hz=204_800.0)
    np.testing.assert_allclose(np.abs(digital), np.abs(cont), rtol=0.01)


def test_smoothing_removes_isolated_lines():
    f = np.linspace(0.0, 1000.0, 2001)
    asd = np.ones_like(f)
    asd[[400, 900, 1500]] = 100.0
    np.testing.assert_allclose(smooth_asd(f, asd), 1.0)


def test_bad_input():
    f = np.linspace(0.0, 1000.0, 101)
    asd = np.ones_like(f)
    kw = {"force_density_n_per_sqrt_hz": 0.01, "sensor_noise_density": 0.0}
    with pytest.raises(ValueError, match="inside the band"):
        fit_modes(f, asd, initial_modes=[2000.0], **kw)
    with pytest.raises(ValueError, match="same length"):
        fit_modes(f, asd[:-1], initial_modes=[200.0], **kw)
    with pytest.raises(ValueError, match="force_density"):
        fit_modes(f, asd, initial_modes=[200.0], force_density_n_per_sqrt_hz=0.0,
                  sensor_noise_density=0.0)  # fmt: skip
    with pytest.raises(ValueError, match="empty"):
        fit_modes(f, asd, initial_modes=[], **kw)


def test_held_modes_are_part_of_the_model(synthetic):
    # fit the three lower modes over a band that stops below the fourth (6 kHz), whose
    # response still reaches into it: held as known, the others come back as they are
    f, asd = synthetic
    kw = {
        "force_density_n_per_sqrt_hz": FORCE,
        "sensor_noise_density": NOISE,
        "band_hz": (60.0, 4000.0),
    }
    start = [m[0] for m in TRUE_MODES[:3]]
    f6, z6, m6 = TRUE_MODES[3]
    held = [{"frequency_hz": f6, "damping_ratio": z6, "modal_mass_kg": m6}]
    fitted = fit_modes(f, asd, initial_modes=start, fixed_modes=held, **kw)
    _check(fitted, TRUE_MODES[:3])
    without = fit_modes(f, asd, initial_modes=start, **kw)
    # without the fourth mode the others absorb its response below 4 kHz
    err = [
        abs(math.log(m["modal_mass_kg"] / t[2])) for m, t in zip(fitted, TRUE_MODES, strict=False)
    ]
    err0 = [
        abs(math.log(m["modal_mass_kg"] / t[2])) for m, t in zip(without, TRUE_MODES, strict=False)
    ]
    assert sum(err) < 0.5 * sum(err0)  # 0.026 against 0.081 at the time of writing
