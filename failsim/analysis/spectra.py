"""Spectra, envelope analysis and condition indicators for vibration signals.

- :func:`amplitude_spectrum`: single-sided spectrum scaled so that a sine of amplitude A reads A.
- :func:`analytic_signal`, :func:`squared_envelope_spectrum`, :func:`envelope_spectrum`:
  demodulation of a resonance band, the standard diagnosis of localised bearing faults.
- :func:`peak_near`, :func:`db_above_local_median`: find a line near an expected frequency and
  say how far it stands out of its neighbourhood.
- :func:`rms`, :func:`kurtosis`, :func:`crest_factor`: time-domain indicators.
- :func:`velocity_rms_mm_s`, :func:`iso10816_zone`: broadband vibration severity as in
  ISO 10816 / ISO 20816.

Localised bearing faults excite structural resonances (kHz) with short impacts at the fault
rate. Random slip of the rolling elements jitters the impact times by 1-2 %, which smears the
high harmonics of the fault rate that fall in the resonance band: the raw spectrum shows
resonance humps but no line at the fault frequency. The squared envelope of the band-passed
signal recovers it, because the jitter barely affects its low harmonics (Antoni's
pseudo-cyclostationarity).

References
----------
.. [1] R. B. Randall, J. Antoni, "Rolling element bearing diagnostics - A tutorial", Mech. Syst.
   Signal Process. 25(2), 2011.
.. [2] J. Antoni, "Cyclic spectral analysis of rolling-element bearing signals: facts and
   fictions", J. Sound Vib. 304, 2007.
.. [3] ISO 20816-1:2016 / ISO 10816-1:1995, Mechanical vibration - Measurement and evaluation
   of machine vibration - General guidelines; ISO 20816-3:2022 (industrial machines,
   15 kW - 50 MW).
"""

from __future__ import annotations

import difflib
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.signal import get_window

__all__ = [
    "ISO_10816_ZONE_LIMITS_MM_S",
    "amplitude_spectrum",
    "analytic_signal",
    "crest_factor",
    "db_above_local_median",
    "envelope_spectrum",
    "iso10816_zone",
    "kurtosis",
    "peak_near",
    "rms",
    "squared_envelope_spectrum",
    "velocity_rms_mm_s",
]

FloatOrArray = float | np.ndarray
Window = str | tuple[str, float] | None

#: Zone boundaries A/B, B/C, C/D of broadband velocity RMS on bearing housings, mm/s
#: (10-1000 Hz; 2-1000 Hz for machines at 120-600 rpm). Classes I-IV: ISO 10816-1 (now
#: ISO 20816-1) annex B, by machine size and support; the ``group*`` keys: ISO 10816-3 (now
#: ISO 20816-3:2022), group 1 (300 kW - 50 MW) and group 2 (15 - 300 kW), on rigid or
#: flexible supports. Check against the current standard before treating them as normative.
ISO_10816_ZONE_LIMITS_MM_S: dict[str, tuple[float, float, float]] = {
    "I": (0.71, 1.8, 4.5),  # small machines, up to 15 kW
    "II": (1.12, 2.8, 7.1),  # medium machines, 15-75 kW (up to 300 kW on special foundations)
    "III": (1.8, 4.5, 11.2),  # large machines on rigid, heavy foundations
    "IV": (2.8, 7.1, 18.0),  # large machines on soft foundations
    "group1_rigid": (2.3, 4.5, 7.1),
    "group1_flexible": (3.5, 7.1, 11.0),
    "group2_rigid": (1.4, 2.8, 4.5),
    "group2_flexible": (2.3, 4.5, 7.1),
}

_ZONES = np.array(["A", "B", "C", "D"])


def _signal(x: ArrayLike, name: str = "x") -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size < 2:
        raise ValueError(f"{name} needs at least 2 samples, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite samples")
    return arr


def _sample_rate(fs: float) -> float:
    fs = float(fs)
    if not (math.isfinite(fs) and fs > 0.0):
        raise ValueError(f"fs must be finite and > 0 Hz, got {fs!r}")
    return fs


def _as_output(x: np.ndarray) -> FloatOrArray:
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def amplitude_spectrum(
    x: ArrayLike, fs: float, window: Window = "hann"
) -> tuple[np.ndarray, np.ndarray]:
    """Single-sided amplitude spectrum, scaled so that a sine of amplitude A reads A.

    Parameters
    ----------
    x : array_like
        Signal, 1-D, any unit.
    fs : float
        Sample rate, Hz.
    window : str or tuple or None, optional
        Window passed to :func:`scipy.signal.get_window` (periodic form); None for rectangular.
        "hann" reads a sine exactly when it falls on a bin and at most 1.4 dB low between bins.

    Returns
    -------
    f_hz : ndarray
        Frequencies 0, fs/N, ..., fs/2 (N // 2 + 1 of them), Hz.
    amplitude : ndarray
        Peak amplitude per bin, unit of ``x``; the DC bin holds the mean.

    Notes
    -----
    With window w_n and X_k = Σ x_n w_n e^{-2πi kn/N}:

    .. math:: |X|_k = \\frac{2 |X_k|}{\\sum_n w_n} \\quad (0 < k < N/2), \\qquad
              |X|_0 = \\frac{|X_0|}{\\sum_n w_n}

    (the Nyquist bin of an even N is not doubled either). This is amplitude scaling (coherent
    gain), right for lines; for broadband noise use a power spectral density instead.

    References
    ----------
    .. [1] G. Heinzel, A. Rüdiger, R. Schilling, "Spectrum and spectral density estimation by
       the Discrete Fourier transform (DFT)", Max-Planck-Institut für Gravitationsphysik, 2002.
    """
    x = _signal(x)
    fs = _sample_rate(fs)
    n = x.size
    w = np.ones(n) if window is None else get_window(window, n, fftbins=True)
    spec = np.abs(np.fft.rfft(x * w)) / np.sum(w)
    spec[1:] *= 2.0
    if n % 2 == 0:
        spec[-1] *= 0.5
    return np.fft.rfftfreq(n, 1.0 / fs), spec


def analytic_signal(
    x: ArrayLike, fs: float, band_hz: tuple[float, float] | None = None
) -> np.ndarray:
    """Analytic signal of the (optionally band-passed) signal, by FFT masking.

    Parameters
    ----------
    x : array_like
        Signal, 1-D. Its mean is removed first.
    fs : float
        Sample rate, Hz.
    band_hz : (float, float) or None, optional
        Pass band (lo, hi), Hz, 0 <= lo < hi <= fs/2. None keeps the whole band, like
        :func:`scipy.signal.hilbert`.

    Returns
    -------
    ndarray of complex
        x_b + j H{x_b}, with x_b the band-passed signal and H the Hilbert transform; its
        magnitude is the envelope of x_b.

    Notes
    -----
    The spectrum X_k of x is multiplied by 2 on the positive frequencies inside the band, by 0
    on the negative frequencies and outside the band, and transformed back:

    .. math:: a_n = \\mathrm{IDFT}\\{2\\,\\mathbb{1}[f_k \\in (0, f_s/2) \\cap [lo, hi]]\\,X_k\\}

    (with no band, DC and the Nyquist bin keep weight 1). The brick-wall band-pass is circular:
    the first and last few periods of the band edges see the other end of the record.

    References
    ----------
    .. [1] Randall & Antoni, MSSP 25(2), 2011, section 3.
    """
    x = _signal(x)
    fs = _sample_rate(fs)
    n = x.size
    spec = np.fft.fft(x - x.mean())
    f = np.fft.fftfreq(n, 1.0 / fs)
    h = np.zeros(n)
    if band_hz is None:
        h[0] = 1.0
        h[1 : (n + 1) // 2] = 2.0
        if n % 2 == 0:
            h[n // 2] = 1.0
    else:
        lo, hi = (float(v) for v in band_hz)
        if not (0.0 <= lo < hi <= fs / 2.0):
            raise ValueError(
                f"band_hz must satisfy 0 <= lo < hi <= fs/2 = {fs / 2.0:g} Hz, got {band_hz!r}"
            )
        positive = np.zeros(n, dtype=bool)
        positive[1 : (n + 1) // 2] = True
        h[positive & (f >= lo) & (f <= hi)] = 2.0
    return np.fft.ifft(spec * h)


def squared_envelope_spectrum(
    x: ArrayLike,
    fs: float,
    band_hz: tuple[float, float] | None = None,
    window: Window = "hann",
) -> tuple[np.ndarray, np.ndarray]:
    """Squared-envelope spectrum (SES) of a signal, optionally band-passed first.

    Parameters
    ----------
    x : array_like
        Signal, 1-D, unit u (e.g. g or m/s²).
    fs : float
        Sample rate, Hz.
    band_hz : (float, float) or None, optional
        Demodulation band (lo, hi), Hz: a band where the fault impacts excite resonances and
        stand out of the background (found e.g. with a kurtogram). None uses the whole band.
    window : str or tuple or None, optional
        Window for the spectrum of the squared envelope (see :func:`amplitude_spectrum`).

    Returns
    -------
    f_hz : ndarray
        Frequencies, Hz.
    ses : ndarray
        Amplitude spectrum of the squared envelope with its mean removed, u².

    Notes
    -----
    .. math:: \\mathrm{SES}(α) = \\left|\\mathcal{F}\\{|a(t)|^2 - \\overline{|a|^2}\\}(α)\\right|

    with a the analytic signal of the band-passed x (:func:`analytic_signal`). A localised fault
    shows as a series of lines at the fault frequency and its harmonics; an inner-race fault also
    shows sidebands at ± the shaft frequency. Squaring (rather than taking the magnitude)
    keeps the SES an estimate of the spectral correlation integrated over the band, which is why
    Randall & Antoni prefer it.

    References
    ----------
    .. [1] Randall & Antoni, MSSP 25(2), 2011.
    .. [2] Antoni, J. Sound Vib. 304, 2007.
    """
    a = analytic_signal(x, fs, band_hz)
    sq = np.abs(a) ** 2
    return amplitude_spectrum(sq - sq.mean(), fs, window)


def envelope_spectrum(
    x: ArrayLike,
    fs: float,
    band_hz: tuple[float, float] | None = None,
    window: Window = "hann",
) -> tuple[np.ndarray, np.ndarray]:
    """Envelope spectrum: as :func:`squared_envelope_spectrum` with |a| in place of |a|².

    Parameters
    ----------
    x : array_like
        Signal, 1-D, unit u.
    fs : float
        Sample rate, Hz.
    band_hz : (float, float) or None, optional
        Demodulation band (lo, hi), Hz; None uses the whole band.
    window : str or tuple or None, optional
        Window for the spectrum of the envelope.

    Returns
    -------
    f_hz : ndarray
        Frequencies, Hz.
    spectrum : ndarray
        Amplitude spectrum of the envelope |a(t)| with its mean removed, u.

    Notes
    -----
    .. math:: \\mathrm{ES}(α) = \\left|\\mathcal{F}\\{|a(t)| - \\overline{|a|}\\}(α)\\right|

    The classical (Hilbert) envelope analysis used by most condition-monitoring instruments;
    the magnitude adds a little more harmonic distortion than the square.

    References
    ----------
    .. [1] Randall & Antoni, MSSP 25(2), 2011.
    """
    env = np.abs(analytic_signal(x, fs, band_hz))
    return amplitude_spectrum(env - env.mean(), fs, window)


def _spectrum_pair(f: ArrayLike, spec: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    f = np.asarray(f, dtype=float)
    spec = np.asarray(spec, dtype=float)
    if f.ndim != 1 or f.shape != spec.shape or f.size == 0:
        raise ValueError(
            f"f and spec must be 1-D arrays of the same length, got {f.shape} and {spec.shape}"
        )
    return f, spec


def peak_near(
    f: ArrayLike, spec: ArrayLike, f_target: float, rel_tol: float = 0.03
) -> tuple[float, float]:
    """Largest spectral value within a relative band around an expected frequency.

    Parameters
    ----------
    f : array_like
        Frequencies of the spectrum, Hz.
    spec : array_like
        Spectrum values (same length as ``f``).
    f_target : float
        Expected frequency, Hz (> 0), e.g. BPFO at the nominal speed.
    rel_tol : float, optional
        Half-width of the search band relative to ``f_target`` (0.03: ±3 %, enough for the 1-2 %
        slip of rolling elements).

    Returns
    -------
    f_peak : float
        Frequency of the largest value in [f_target (1 - rel_tol), f_target (1 + rel_tol)], Hz.
    value : float
        The spectrum there.

    Raises
    ------
    ValueError
        If no frequency of ``f`` falls in the band.
    """
    f, spec = _spectrum_pair(f, spec)
    if not (math.isfinite(f_target) and f_target > 0.0):
        raise ValueError(f"f_target must be finite and > 0 Hz, got {f_target!r}")
    if not (math.isfinite(rel_tol) and 0.0 <= rel_tol < 1.0):
        raise ValueError(f"rel_tol must be in [0, 1), got {rel_tol!r}")
    inside = np.flatnonzero(np.abs(f - f_target) <= rel_tol * f_target)
    if inside.size == 0:
        raise ValueError(
            f"no spectral line within ±{100 * rel_tol:g} % of {f_target:g} Hz "
            f"(spectrum covers {f[0]:g}-{f[-1]:g} Hz)"
        )
    best = inside[np.argmax(spec[inside])]
    return float(f[best]), float(spec[best])


def db_above_local_median(
    f: ArrayLike, spec: ArrayLike, f_peak: float, half_width_hz: float
) -> float:
    """How far a spectral line stands above the median of its neighbourhood, dB.

    Parameters
    ----------
    f : array_like
        Frequencies of the spectrum, Hz.
    spec : array_like
        Amplitude spectrum (magnitudes, not powers), same length as ``f``.
    f_peak : float
        Frequency of the line, Hz (the bin nearest to it is used).
    half_width_hz : float
        Half-width of the neighbourhood, Hz (> 0): the median is taken over
        |f - f_peak| <= half_width_hz.

    Returns
    -------
    float
        20 log10(spec(f_peak) / median), dB; +inf if the median is 0.

    Notes
    -----
    The spectra of this module are amplitude spectra (the squared-envelope spectrum is the
    amplitude spectrum of the signal |a|²), so the ratio is taken as 20 log10. For a power
    spectrum the same prominence is half as many dB (10 log10 of a power ratio). The median
    makes the reference insensitive to the line itself and to a few neighbouring lines
    (harmonics, sidebands) in the window.
    """
    f, spec = _spectrum_pair(f, spec)
    if not (math.isfinite(half_width_hz) and half_width_hz > 0.0):
        raise ValueError(f"half_width_hz must be finite and > 0, got {half_width_hz!r}")
    peak = spec[np.argmin(np.abs(f - f_peak))]
    median = float(np.median(spec[np.abs(f - f_peak) <= half_width_hz]))
    if median <= 0.0:
        return math.inf
    return float(20.0 * np.log10(peak / median))


def rms(x: ArrayLike, axis: int | None = -1) -> FloatOrArray:
    """Root mean square, unit of ``x``.

    Parameters
    ----------
    x : array_like
        Samples.
    axis : int or None, optional
        Axis along which to reduce (None: all samples).

    Returns
    -------
    float or ndarray
        sqrt(mean(x²)) (the mean is not removed).
    """
    x = np.asarray(x, dtype=float)
    return _as_output(np.sqrt(np.mean(x * x, axis=axis)))


def kurtosis(x: ArrayLike, axis: int | None = -1) -> FloatOrArray:
    """Kurtosis (Pearson, not excess): 3 for Gaussian noise, 1.5 for a sine.

    Parameters
    ----------
    x : array_like
        Samples.
    axis : int or None, optional
        Axis along which to reduce (None: all samples).

    Returns
    -------
    float or ndarray
        E[(x - μ)^4] / σ^4, dimensionless.

    Raises
    ------
    ValueError
        If the signal is constant (σ = 0).

    Notes
    -----
    .. math:: K = \\frac{\\frac{1}{N}\\sum (x_n - \\bar x)^4}
                       {\\left(\\frac{1}{N}\\sum (x_n - \\bar x)^2\\right)^2}

    Impacts from a localised fault raise K well above 3, most clearly in the resonance band
    they excite (the basis of the kurtogram).
    """
    x = np.asarray(x, dtype=float)
    d = x - np.mean(x, axis=axis, keepdims=True)
    m2 = np.mean(d**2, axis=axis)
    if np.any(m2 <= 0.0):
        raise ValueError("kurtosis of a constant signal is undefined")
    return _as_output(np.mean(d**4, axis=axis) / m2**2)


def crest_factor(x: ArrayLike, axis: int | None = -1) -> FloatOrArray:
    """Crest factor: peak magnitude over RMS (√2 for a sine).

    Parameters
    ----------
    x : array_like
        Samples.
    axis : int or None, optional
        Axis along which to reduce (None: all samples).

    Returns
    -------
    float or ndarray
        max |x| / rms(x), dimensionless.

    Raises
    ------
    ValueError
        If the signal is all zeros.
    """
    x = np.asarray(x, dtype=float)
    r = np.sqrt(np.mean(x * x, axis=axis))
    if np.any(r <= 0.0):
        raise ValueError("crest factor of an all-zero signal is undefined")
    return _as_output(np.max(np.abs(x), axis=axis) / r)


def velocity_rms_mm_s(
    accel_m_s2: ArrayLike, fs: float, band_hz: tuple[float, float] = (10.0, 1000.0)
) -> float:
    """Broadband vibration velocity RMS from acceleration, band-limited, mm/s.

    Parameters
    ----------
    accel_m_s2 : array_like
        Acceleration, m/s², 1-D, uniformly sampled.
    fs : float
        Sample rate, Hz (>= 2 × the upper band edge).
    band_hz : (float, float), optional
        Measurement band (lo, hi), Hz: (10, 1000) per ISO 10816 / 20816; (2, 1000) for machines
        running at 120-600 rpm.

    Returns
    -------
    float
        Velocity RMS in the band, mm/s.

    Notes
    -----
    The integration is done in the frequency domain, V_k = A_k / (j 2π f_k) for bins inside the
    band (the rest set to 0), and the RMS follows from Parseval's theorem:

    .. math:: v_\\mathrm{rms} = \\frac{1}{N}\\sqrt{\\sum_{k \\in \\mathrm{band}} w_k
              \\left|\\frac{A_k}{2π f_k}\\right|^2}, \\quad w_k = 2 \\ (1 \\text{ at Nyquist})

    A sine of amplitude a at f in the band gives a / (2π f) / √2. No window is applied: a line
    between bins leaks into its neighbours, which keeps the total but weights the leaked part
    by their 1/f; the record should span many periods of the lowest frequency in the band.

    References
    ----------
    .. [1] ISO 20816-1:2016, Mechanical vibration - Measurement and evaluation of machine
       vibration - Part 1: General guidelines.
    """
    a = _signal(accel_m_s2, "accel_m_s2")
    fs = _sample_rate(fs)
    lo, hi = (float(v) for v in band_hz)
    if not (0.0 < lo < hi):
        raise ValueError(f"band_hz must satisfy 0 < lo < hi, got {band_hz!r}")
    if hi > fs / 2.0:
        raise ValueError(
            f"fs = {fs:g} Hz is too low for a band up to {hi:g} Hz (need fs >= {2 * hi:g} Hz)"
        )
    n = a.size
    spec = np.fft.rfft(a - a.mean())
    f = np.fft.rfftfreq(n, 1.0 / fs)
    weight = np.full(f.size, 2.0)
    weight[0] = 1.0
    if n % 2 == 0:
        weight[-1] = 1.0
    inside = (f >= lo) & (f <= hi)
    vel = spec[inside] / (2.0 * np.pi * f[inside])
    v_rms = math.sqrt(float(np.sum(weight[inside] * np.abs(vel) ** 2))) / n
    return 1000.0 * v_rms


def _machine_class_key(machine_class: str) -> str:
    text = str(machine_class).strip()
    lowered = text.lower().replace(" ", "_").replace("-", "_")
    lowered = lowered.removeprefix("class_")
    for key in ISO_10816_ZONE_LIMITS_MM_S:
        if lowered == key.lower():
            return key
    names = list(ISO_10816_ZONE_LIMITS_MM_S)
    match = difflib.get_close_matches(text, names, n=1, cutoff=0.5)
    hint = f"did you mean {match[0]!r}? " if match else ""
    raise ValueError(f"unknown machine class {machine_class!r}; {hint}allowed: {', '.join(names)}")


def iso10816_zone(velocity_rms_mm_s: ArrayLike, machine_class: str) -> str | np.ndarray:
    """Evaluation zone A-D of a broadband velocity RMS (ISO 10816 / ISO 20816).

    Parameters
    ----------
    velocity_rms_mm_s : float or array_like
        Velocity RMS on the bearing housing, mm/s (>= 0), measured as in
        :func:`velocity_rms_mm_s`.
    machine_class : str
        A key of :data:`ISO_10816_ZONE_LIMITS_MM_S`: "I", "II", "III", "IV" (ISO 10816-1
        classes; "class II" is accepted too) or "group1_rigid", "group1_flexible",
        "group2_rigid", "group2_flexible" (ISO 10816-3 groups and supports).

    Returns
    -------
    str or ndarray of str
        "A" (newly commissioned), "B" (unrestricted long-term operation), "C" (restricted
        operation), "D" (damage likely); an array of them for an array input.

    Raises
    ------
    ValueError
        For an unknown class (the message suggests the closest) or a negative or NaN velocity.

    Notes
    -----
    With boundaries b_AB < b_BC < b_CD, a value on a boundary belongs to the worse zone:

    .. math:: \\text{A}: v < b_{AB}, \\quad \\text{B}: b_{AB} \\le v < b_{BC}, \\quad
              \\text{C}: b_{BC} \\le v < b_{CD}, \\quad \\text{D}: v \\ge b_{CD}

    References
    ----------
    .. [1] ISO 10816-1:1995 annex B (now ISO 20816-1:2016); ISO 10816-3:2009 (now
       ISO 20816-3:2022).
    """
    limits = np.asarray(ISO_10816_ZONE_LIMITS_MM_S[_machine_class_key(machine_class)])
    v = np.asarray(velocity_rms_mm_s, dtype=float)
    if np.any(~(v >= 0.0)):
        raise ValueError("velocity_rms_mm_s must be >= 0 (and not NaN)")
    zones = _ZONES[np.searchsorted(limits, v, side="right")]
    return str(zones) if zones.ndim == 0 else zones
