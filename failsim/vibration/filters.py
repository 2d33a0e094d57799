"""Digital filters of the vibration stage: biquads designed by the bilinear transform and a
Numba cascade that carries its state across chunks.

Coefficient rows are (b0, b1, b2, a1, a2) with a0 = 1.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..config import NUMBA_OPTIONS


def _bilinear(num: tuple[float, float, float], den: tuple[float, float, float], k: float):
    """Bilinear transform s = k (1 - z^-1) / (1 + z^-1) of (n2 s^2 + n1 s + n0) /
    (d2 s^2 + d1 s + d0); returns (b0, b1, b2, a1, a2)."""
    n2, n1, n0 = num
    d2, d1, d0 = den
    kk = k * k
    b = (n2 * kk + n1 * k + n0, 2.0 * (n0 - n2 * kk), n2 * kk - n1 * k + n0)
    a = (d2 * kk + d1 * k + d0, 2.0 * (d0 - d2 * kk), d2 * kk - d1 * k + d0)
    return np.array([b[0] / a[0], b[1] / a[0], b[2] / a[0], a[1] / a[0], a[2] / a[0]])


def _prewarp(f_hz: float, fs: float) -> float:
    w = 2.0 * math.pi * f_hz
    return w / math.tan(w / (2.0 * fs))


def accelerance_biquad(
    frequency_hz: float, damping_ratio: float, modal_mass_kg: float, fs: float
) -> np.ndarray:
    """Force (N) -> acceleration (m/s^2) of a single-degree-of-freedom mode.

    Notes
    -----
    H(s) = s^2 / (m (s^2 + 2 zeta w_n s + w_n^2)): zero at DC, 1/m far above the mode, a
    peak of Q = 1/(2 zeta) at w_n. Bilinear transform pre-warped at the mode, so the
    digital resonance sits exactly at ``frequency_hz`` (which must be below fs/2).
    """
    if not frequency_hz < 0.5 * fs:
        raise ValueError(f"mode at {frequency_hz} Hz is above half the synthesis rate {fs} Hz")
    w = 2.0 * math.pi * frequency_hz
    m = modal_mass_kg
    return _bilinear(
        (1.0 / m, 0.0, 0.0), (1.0, 2.0 * damping_ratio * w, w * w), _prewarp(frequency_hz, fs)
    )


def mount_biquad(
    resonance_hz: float, damping_ratio: float, fs: float, match_hz: float
) -> np.ndarray:
    """Mounted accelerometer response 1 / (1 - r^2 + 2 j zeta r), r = f / f_mount.

    Pre-warped at ``match_hz`` (the top of the DAQ passband), so the response is exact there
    and close below it, even when the mounted resonance lies above the synthesis band.
    """
    w = 2.0 * math.pi * resonance_hz
    return _bilinear(
        (0.0, 0.0, w * w), (1.0, 2.0 * damping_ratio * w, w * w), _prewarp(match_hz, fs)
    )


def highpass_biquad(corner_hz: float, fs: float) -> np.ndarray:
    """First-order high-pass s / (s + w_c) (IEPE AC coupling) as a biquad; 0 Hz: pass-all."""
    if corner_hz <= 0.0:
        return np.array([1.0, 0.0, 0.0, 0.0, 0.0])
    w = 2.0 * math.pi * corner_hz
    return _bilinear((0.0, 1.0, 0.0), (0.0, 1.0, w), _prewarp(corner_hz, fs))


def biquad_response(coefs: np.ndarray, f_hz: np.ndarray, fs: float) -> np.ndarray:
    """Complex frequency response of one biquad at ``f_hz``."""
    z1 = np.exp(-2j * np.pi * np.asarray(f_hz) / fs)
    b0, b1, b2, a1, a2 = coefs
    return (b0 + b1 * z1 + b2 * z1 * z1) / (1.0 + a1 * z1 + a2 * z1 * z1)


@njit(**NUMBA_OPTIONS)
def biquad_run(coefs, x, state):
    """Filter x with one biquad (transposed direct form II); ``state`` (2,) is updated."""
    b0, b1, b2, a1, a2 = coefs[0], coefs[1], coefs[2], coefs[3], coefs[4]
    z0 = state[0]
    z1 = state[1]
    y = np.empty_like(x)
    for k in range(x.shape[0]):
        xk = x[k]
        yk = b0 * xk + z0
        z0 = b1 * xk - a1 * yk + z1
        z1 = b2 * xk - a2 * yk
        y[k] = yk
    state[0] = z0
    state[1] = z1
    return y


def kaiser_lowpass(numtaps: int, cutoff: float, beta: float) -> np.ndarray:
    """Windowed-sinc low-pass FIR; ``cutoff`` as a fraction of the sample rate (0..0.5);
    unity gain at DC."""
    n = np.arange(numtaps) - (numtaps - 1) / 2.0
    h = 2.0 * cutoff * np.sinc(2.0 * cutoff * n) * np.kaiser(numtaps, beta)
    return h / h.sum()


def decimation_filter(factor: int, attenuation_db: float = 100.0) -> np.ndarray:
    """Anti-alias FIR for decimation by ``factor``: flat to 0.45 of the output rate, at least
    ``attenuation_db`` down from 0.55 of it (Kaiser's design formulas), like a delta-sigma
    DAQ (e.g. NI 9234: passband 0.45 fs, about 100 dB alias rejection)."""
    transition = 0.1 / factor  # fraction of the input rate
    beta = 0.1102 * (attenuation_db - 8.7)
    numtaps = math.ceil((attenuation_db - 8.0) / (2.285 * 2.0 * math.pi * transition)) + 1
    numtaps += (numtaps + 1) % 2  # odd: integer group delay
    return kaiser_lowpass(numtaps, 0.5 / factor, beta)


@njit(**NUMBA_OPTIONS)
def symmetric_fir_at(h, buf, j):
    """sum_i h_i buf[j - i] for a symmetric odd-length ``h``: pairs of inputs share a
    coefficient, and four partial sums in a fixed order keep the result reproducible while
    the CPU overlaps them."""
    nh = h.shape[0] - 1
    half = nh // 2
    a0 = 0.0
    a1 = 0.0
    a2 = 0.0
    a3 = 0.0
    i = 0
    while i + 3 < half:
        a0 += h[i] * (buf[j - i] + buf[j - nh + i])
        a1 += h[i + 1] * (buf[j - i - 1] + buf[j - nh + i + 1])
        a2 += h[i + 2] * (buf[j - i - 2] + buf[j - nh + i + 2])
        a3 += h[i + 3] * (buf[j - i - 3] + buf[j - nh + i + 3])
        i += 4
    while i < half:
        a0 += h[i] * (buf[j - i] + buf[j - nh + i])
        i += 1
    return (a0 + a1) + (a2 + a3) + h[half] * buf[j - half]


@njit(**NUMBA_OPTIONS)
def decimate_run(h, x, history, factor, phase):
    """Polyphase FIR decimation: y_k = sum_i h_i x[j - i] for the input indices j with
    (j - phase) % factor == 0, where x continues ``history`` (the previous len(h) - 1
    inputs, updated in place). ``phase`` is the index within ``x`` of its first output.

    ``h`` must be symmetric with an odd length (linear phase, as from
    :func:`decimation_filter`): pairs of inputs share a coefficient, and four partial sums
    in a fixed order keep the result reproducible while the CPU overlaps them.
    """
    nt = h.shape[0]
    nh = nt - 1
    n = x.shape[0]
    buf = np.empty(nh + n)
    buf[:nh] = history
    buf[nh:] = x
    count = 0
    if phase < n:
        count = (n - 1 - phase) // factor + 1
    y = np.empty(count)
    for k in range(count):
        j = nh + phase + k * factor
        y[k] = symmetric_fir_at(h, buf, j)
    history[:] = buf[n:]
    return y
