"""Resonance peaks of a smoothed spectral density, with discrete lines left out, and the
modes a calibration adds for the peaks a machine's modes do not explain."""

from __future__ import annotations

import numpy as np
import pytest

from failsim.analysis.calibrate import spectral_density
from failsim.analysis.resonances import (
    discovered_modes,
    line_free,
    line_frequencies,
    resonance_peaks,
)


def _mode_asd(f: np.ndarray, fn: float, zeta: float) -> np.ndarray:
    """Accelerance magnitude of one mode (unit mass): f^2 / |fn^2 - f^2 + 2j zeta f fn|."""
    return f**2 / np.abs(fn**2 - f**2 + 2j * zeta * f * fn)


@pytest.fixture(scope="module")
def recording():
    """White force through two modes (800 Hz, zeta 0.03; 3 kHz, zeta 0.05) plus a strong
    narrow line at 1500 Hz, sampled at 12 kHz for 8 s."""
    fs, n = 12000.0, 96000
    rng = np.random.default_rng(5)
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1.0 / fs)
    f[0] = 1e-9
    h = _mode_asd(f, 800.0, 0.03) + 0.5 * _mode_asd(f, 3000.0, 0.05)
    x = np.fft.irfft(spec * h, n)
    t = np.arange(n) / fs
    x += 40.0 * np.std(x) * np.sin(2 * np.pi * 1500.0 * t)
    return x, fs


def test_resonances_are_found_and_a_strong_line_is_not(recording):
    x, fs = recording
    f, _, unbiased, smooth = spectral_density(x, fs)
    peaks, prom = resonance_peaks(f, smooth, (200.0, 5000.0), density=unbiased)
    assert len(peaks) == 2, peaks
    assert peaks[0] == pytest.approx(800.0, rel=0.02)
    assert peaks[1] == pytest.approx(3000.0, rel=0.03)
    assert np.all(prom >= 10.0)
    # clipping lines out can only lower the smoothed density
    assert np.all(line_free(f, unbiased, smooth) <= smooth)


def test_a_peak_at_a_declared_line_is_left_out():
    f = np.linspace(1.0, 5000.0, 20000)
    smooth = 1e-3 + _mode_asd(f, 1200.0, 0.02) + _mode_asd(f, 2400.0, 0.02)
    peaks, _ = resonance_peaks(f, smooth, (100.0, 4000.0))
    assert len(peaks) == 2
    lines = line_frequencies(300.0, None, 4000.0)
    assert 1200.0 in lines and lines.max() < 4000.0
    kept, _ = resonance_peaks(f, smooth, (100.0, 4000.0), lines_hz=lines)
    assert kept.size == 0  # both lie on harmonics of 300 Hz (4 and 8)


def test_only_unexplained_peaks_get_a_mode():
    new = discovered_modes(
        [500.0, 1040.0, 2000.0],
        [1000.0],
        axis="vertical",
        location="drive_end",
        modal_mass_kg=5.0,
        taken_names={"recorded_drive_end_v_500hz"},
    )
    assert [m["frequency_hz"] for m in new] == [500.0, 2000.0]  # 1040 Hz: within 5 % of 1000
    assert new[0]["name"] == "recorded_drive_end_v_500hz_b"
    assert new[1] == {
        "name": "recorded_drive_end_v_2000hz",
        "frequency_hz": 2000.0,
        "damping_ratio": 0.05,
        "modal_mass_kg": 5.0,
        "direction": "vertical",
        "shape": {"drive_end": 1.0},
    }
