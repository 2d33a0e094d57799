"""Filters of the vibration stage against their analytic responses (physics.md 8.10-8.11)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from failsim.vibration.filters import (
    accelerance_biquad,
    biquad_response,
    biquad_run,
    decimate_run,
    decimation_filter,
    highpass_biquad,
    mount_biquad,
)

FS = 102_400.0


def test_mode_accelerance_peaks_at_its_frequency_with_q():
    f_n, zeta, m = 2650.0, 0.03, 3.5
    c = accelerance_biquad(f_n, zeta, m, FS)
    f = np.linspace(100.0, 10_000.0, 20_001)
    h = np.abs(biquad_response(c, f, FS))
    assert f[np.argmax(h)] == pytest.approx(f_n, rel=2e-3)
    # at resonance |H| = Q / m with Q = 1 / (2 zeta); far above, 1 / m; far below, r^2 / m
    assert np.abs(biquad_response(c, f_n, FS)) == pytest.approx(1.0 / (2 * zeta * m), rel=1e-6)
    assert np.abs(biquad_response(c, 40_000.0, FS)) == pytest.approx(
        (1 / m) * (40_000 / f_n) ** 2 / abs(1 - (40_000 / f_n) ** 2 + 2j * zeta * 40_000 / f_n),
        rel=0.25,  # bilinear frequency warping near fs / 2
    )
    # far below the mode, r^2 / m up to the bilinear warping (x / tan x, x = pi f_n / fs)
    low = 50.0
    x = math.pi * f_n / FS
    warped = (low / f_n * x / math.tan(x)) ** 2 / m
    assert np.abs(biquad_response(c, low, FS)) == pytest.approx(warped, rel=1e-3)


def test_mounted_resonance_rises_as_the_datasheets_say():
    # physics.md 7: +5 % at r = 0.22, +10 % at r = 0.3 (light damping), exact at the match
    f_m = 30_000.0
    c = mount_biquad(f_m, 0.02, FS, match_hz=0.45 * 25_600)
    for r, rise in ((0.22, 1.05), (0.3, 1.10)):
        f = r * f_m
        if f <= 0.45 * 25_600:
            assert abs(biquad_response(c, f, FS)) == pytest.approx(rise, abs=0.01)
    exact = 1.0 / abs(1 - (11_520 / f_m) ** 2 + 2j * 0.02 * 11_520 / f_m)
    assert abs(biquad_response(c, 11_520.0, FS)) == pytest.approx(exact, rel=1e-9)
    assert abs(biquad_response(c, 10.0, FS)) == pytest.approx(1.0, abs=1e-6)


def test_iepe_highpass_corner():
    c = highpass_biquad(0.5, FS)
    assert abs(biquad_response(c, 0.5, FS)) == pytest.approx(1 / math.sqrt(2), rel=1e-6)
    assert abs(biquad_response(c, 100.0, FS)) == pytest.approx(1.0, abs=1e-4)


def _tone(f: float, n: int, fs: float) -> np.ndarray:
    return np.sin(2 * np.pi * f * np.arange(n) / fs)


def test_anti_alias_filter_rejects_tones_above_half_the_output_rate():
    factor, fs_out = 4, 25_600
    fs_in = factor * fs_out
    h = decimation_filter(factor)
    n = 200_000
    # a tone above fs_out / 2 before sampling is attenuated by the stop band (>= 100 dB)
    for f in (0.55 * fs_out, 0.8 * fs_out, 1.3 * fs_out):
        y = decimate_run(h, _tone(f, n, fs_in), np.zeros(h.size - 1), factor, 0)
        assert np.max(np.abs(y[h.size :])) < 1.2e-5, f
    # a tone in the pass band keeps its amplitude
    y = decimate_run(h, _tone(0.3 * fs_out, n, fs_in), np.zeros(h.size - 1), factor, 0)
    amplitude = math.sqrt(2.0) * np.std(y[h.size :])
    assert amplitude == pytest.approx(1.0, abs=1e-3)


def test_decimation_and_biquads_are_chunk_invariant():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(10_007)
    h = decimation_filter(4)
    whole = decimate_run(h, x, np.zeros(h.size - 1), 4, 0)
    hist = np.zeros(h.size - 1)
    parts = []
    for a, b in ((0, 1), (1, 999), (999, 5000), (5000, 10_007)):
        parts.append(decimate_run(h, x[a:b], hist, 4, (-a) % 4))
    np.testing.assert_array_equal(np.concatenate(parts), whole)
    c = accelerance_biquad(1000.0, 0.05, 2.0, FS)
    s1 = np.zeros(2)
    whole = biquad_run(c, x, s1)
    s2 = np.zeros(2)
    parts = [biquad_run(c, x[a:b], s2) for a, b in ((0, 3), (3, 7000), (7000, 10_007))]
    np.testing.assert_array_equal(np.concatenate(parts), whole)
