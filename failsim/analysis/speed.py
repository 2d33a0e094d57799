"""Shaft speed and line frequency read from a vibration recording.

A rotating machine writes its shaft speed into its vibration as a comb of lines at the shaft
frequency and its harmonics (imbalance, misalignment, looseness, and many small asymmetries),
and an AC motor writes its supply frequency as the twice-line line of the air-gap field's
pull on the stator (100 or 120 Hz). Both are read here from a Hann-windowed spectrum of the
whole record, zero-padded so that each line is read at its peak:

- :func:`estimate_shaft_speed`: the best harmonic comb in a range of shaft frequencies, in the
  amplitude spectrum and in the squared-envelope spectrum (where a once-per-turn modulation
  of the broadband shows it), refined by least squares over the lines found;
- :func:`estimate_line_frequency`: the 50 or 60 Hz family from the line at 100 or 120 Hz;
- :func:`line_at`: frequency and amplitude of the strongest line near a frequency.

Used by :mod:`failsim.analysis.calibrate`.

References
----------
.. [1] R. B. Randall, *Vibration-based Condition Monitoring*, Wiley, 2011 (shaft orders,
   twice-line frequency, order tracking).
.. [2] G. Heinzel, A. Rüdiger, R. Schilling, "Spectrum and spectral density estimation by the
   Discrete Fourier transform (DFT)", Max-Planck-Institut für Gravitationsphysik, 2002.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "LineEstimate",
    "ShaftEstimate",
    "estimate_line_frequency",
    "estimate_shaft_speed",
    "line_at",
]

#: Line frequency families looked for, Hz.
LINE_FAMILIES = (50.0, 60.0)
#: Relative search window around 2 x a nominal line frequency (grids hold ±0.2 %).
LINE_TOLERANCE = 0.005
#: Prominence (dB over the local median) a line must exceed to count in a comb.
LINE_THRESHOLD_DB = 12.0
#: Cap on one line's contribution to a comb's score, dB.
LINE_CAP_DB = 30.0
#: Lines a comb needs to count as found.
MIN_ORDERS = 2
#: Zero padding of the spectra.
PAD = 8


def _fine_spectrum(x: np.ndarray, fs: float, f_max: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Hann-windowed amplitude spectrum (a sine of amplitude A reads A at its peak),
    zero-padded about eight times, up to ``f_max``; and the natural resolution fs / N, Hz."""
    n = x.size
    w = np.hanning(n + 1)[:n]  # periodic Hann
    nfft = 1 << math.ceil(math.log2(PAD * n))
    spec = np.abs(np.fft.rfft((x - x.mean()) * w, nfft)) * (2.0 / w.sum())
    f = np.arange(spec.size) * (fs / nfft)
    keep = f <= f_max
    return f[keep], spec[keep], fs / n


def _prominence_db(f: np.ndarray, amp: np.ndarray, resolution_hz: float) -> np.ndarray:
    """20 log10 of the spectrum over its running median (±max(5 Hz, 10 natural bins)), at
    least 0 dB."""
    from scipy.ndimage import median_filter

    df = f[1] - f[0]
    step = max(round(resolution_hz / df), 1)  # the median at the natural resolution
    coarse = amp[::step]
    half = max(round(5.0 / (df * step)), 10)
    background = median_filter(coarse, size=2 * half + 1, mode="nearest")
    background = np.interp(f, f[::step], np.maximum(background, 1e-300))
    return np.maximum(20.0 * np.log10(np.maximum(amp, 1e-300) / background), 0.0)


def _peak(f: np.ndarray, amp: np.ndarray, centre: float, half_width: float) -> tuple[float, int]:
    """Frequency (parabola through the log amplitude) and index of the largest value within
    ±half_width of centre."""
    lo, hi = np.searchsorted(f, [centre - half_width, centre + half_width])
    lo, hi = max(int(lo), 1), min(int(hi), f.size - 1)
    if hi <= lo:
        return centre, int(np.clip(np.searchsorted(f, centre), 0, f.size - 1))
    i = lo + int(np.argmax(amp[lo:hi]))
    a, b, c = np.log(np.maximum(amp[i - 1 : i + 2], 1e-300))
    denom = a - 2.0 * b + c
    shift = 0.5 * (a - c) / denom if denom < 0.0 else 0.0
    return float(f[i] + np.clip(shift, -0.5, 0.5) * (f[1] - f[0])), i


def line_at(
    x: np.ndarray, fs: float, f_hz: float, half_width_hz: float
) -> tuple[float, float, float]:
    """The strongest line within ±half_width_hz of f_hz.

    Parameters
    ----------
    x : ndarray
        Signal, any unit.
    fs : float
        Sample rate, Hz.
    f_hz, half_width_hz : float
        Where to look, Hz.

    Returns
    -------
    f_peak : float
        Its frequency, Hz (interpolated).
    amplitude : float
        Its amplitude, unit of x (Hann window, zero-padded: the peak of a sine reads its
        amplitude within 0.1 %).
    prominence_db : float
        Its height over the median of ±5 Hz around it, dB.
    """
    f, amp, res = _fine_spectrum(x, fs, min(0.5 * fs, f_hz + half_width_hz + 10.0))
    fp, i = _peak(f, amp, f_hz, half_width_hz)
    return fp, float(amp[i]), float(_prominence_db(f, amp, res)[i])


@dataclass
class ShaftEstimate:
    """A shaft-speed estimate from a harmonic comb.

    Attributes
    ----------
    hz: the shaft frequency, Hz (nan if no comb was found).
    orders: the orders whose lines stood above the threshold at the estimate.
    score_db: the comb's score (sum of the lines' prominences above the threshold), dB.
    method: how it was found.
    """

    hz: float
    orders: list[int] = field(default_factory=list)
    score_db: float = 0.0
    method: str = ""

    @property
    def rpm(self) -> float:
        """The shaft speed, rpm."""
        return 60.0 * self.hz


def _comb(
    f: np.ndarray,
    amp: np.ndarray,
    resolution_hz: float,
    band_hz: tuple[float, float],
    n_orders: int,
    exclude_hz: float | None,
) -> tuple[float, list[int], float]:
    """Best fundamental in ``band_hz`` of a harmonic comb in the spectrum (f, amp), refined
    over the orders found; orders within 2.5 natural bins of a multiple of ``exclude_hz``
    (the line frequency) do not count."""
    prom = np.clip(_prominence_db(f, amp, resolution_hz) - LINE_THRESHOLD_DB, 0.0, LINE_CAP_DB)
    df = f[1] - f[0]
    lo, hi = band_hz
    cand = np.arange(lo, hi, df / (2.0 * n_orders))
    k = np.arange(1, n_orders + 1)
    fk = cand[:, None] * k[None, :]
    score = prom[np.clip(np.rint(fk / df).astype(np.int64), 0, f.size - 1)]
    score[fk > f[-1]] = 0.0
    delta = 2.5 * resolution_hz
    if exclude_hz:
        score[np.abs(fk - np.rint(fk / exclude_hz) * exclude_hz) < delta] = 0.0
    total = score.sum(axis=1) * (np.count_nonzero(score, axis=1) >= MIN_ORDERS)
    best = int(np.argmax(total))
    if total[best] <= 0.0:
        return math.nan, [], 0.0
    c = float(cand[best])
    found = [int(kk) for kk, s in zip(k, score[best], strict=True) if s > 0.0]
    for m in (2, 3):  # a subharmonic: every line at a multiple of m
        while all(kk % m == 0 for kk in found) and m * c <= hi:
            c *= m
            found = [kk // m for kk in found]
    num = den = 0.0
    for kk in found:
        fp, i = _peak(f, amp, kk * c, min(delta, 0.4 * c))
        w = float(prom[i])
        num += w * kk * fp
        den += w * kk * kk
    if den > 0.0:
        c = num / den
    return c, found, float(total[best])


def estimate_shaft_speed(
    x: np.ndarray,
    fs: float,
    band_hz: tuple[float, float],
    *,
    line_hz: float | None = None,
    n_orders: int = 30,
    envelope_band_hz: tuple[float, float] | None = None,
) -> tuple[ShaftEstimate, ShaftEstimate]:
    """Shaft frequency from the comb of shaft-order lines, in the spectrum and in the
    squared-envelope spectrum.

    Parameters
    ----------
    x : ndarray
        Acceleration (any unit) in steady running.
    fs : float
        Sample rate, Hz.
    band_hz : (float, float)
        Range of shaft frequencies searched, Hz (for an induction motor: from a few times the
        rated slip below the synchronous speed up to it).
    line_hz : float, optional
        Line frequency, Hz: orders that fall on one of its multiples do not count (a mains
        harmonic is not a shaft order).
    n_orders : int, optional
        Orders in the comb.
    envelope_band_hz : (float, float), optional
        Demodulation band of the envelope, Hz; default 0.15-0.45 fs.

    Returns
    -------
    spectrum, envelope : ShaftEstimate
        From the amplitude spectrum and from the squared-envelope spectrum; ``hz`` is nan
        where no comb of two or more lines was found.

    Notes
    -----
    The Hann-windowed spectrum of the whole record is zero-padded about eight times, so that
    a line is read near its peak wherever it falls. Each line's prominence P (dB over the
    running median of ±5 Hz) counts above 12 dB (Gaussian noise gets there in about one
    natural bin in 50 000), at most 30 dB. On a grid of candidates c finer than the padded
    resolution over the number of orders K, the score is

    .. math:: S(c) = \\sum_{k=1}^{K} \\min(\\max(P(k c) - 12, 0), 30)

    with at least two orders above threshold. A sum over a fixed K (not a mean) makes 2c
    (half the lines) score lower than c; c/2 scores as high as c when the comb has fewer than
    K/2 orders, so a best c whose lines all sit at multiples of 2 (or 3) is taken for a
    subharmonic and multiplied by 2 (or 3) while that stays in the range. The best c is
    refined by least squares over the interpolated peaks f_k of the lines found, weighted by
    their scores: c = Σ w k f_k / Σ w k², so that high orders set the precision (about the
    resolution fs / N over the highest order found).
    """
    from .spectra import analytic_signal

    f_max = min(0.5 * fs, (n_orders + 1) * band_hz[1])
    f, amp, res = _fine_spectrum(x, fs, f_max)
    c, found, score = _comb(f, amp, res, band_hz, n_orders, line_hz)
    spectrum = ShaftEstimate(c, found, score, f"{n_orders}-order comb in the amplitude spectrum")
    band = envelope_band_hz or (0.15 * fs, 0.45 * fs)
    sq = np.abs(analytic_signal(x, fs, band)) ** 2
    fe, ae, rese = _fine_spectrum(sq, fs, f_max)
    ce, founde, scoree = _comb(fe, ae, rese, band_hz, n_orders, None)
    envelope = ShaftEstimate(
        ce,
        founde,
        scoree,
        f"{n_orders}-order comb in the squared-envelope spectrum ({band[0]:g}-{band[1]:g} Hz)",
    )
    return spectrum, envelope


@dataclass
class LineEstimate:
    """The line frequency as the twice-line line shows it.

    Attributes
    ----------
    family_hz: 50 or 60 (nan if neither line stands out).
    measured_hz: the line frequency the strongest line that counts gives, Hz.
    line_hz: that line's frequency, Hz (near 2, 4 or 6 x family_hz).
    prominence_db: the twice-line line's height over its local median, dB.
    other_db: the same at the other family, dB.
    confident: a line of the family stands 12 dB over its neighbourhood and is not a shaft
        order, and the family's score is 6 dB above the other's.
    note: why it is not confident, if it is not.
    """

    family_hz: float
    measured_hz: float
    line_hz: float
    prominence_db: float
    other_db: float
    confident: bool
    note: str = ""


def estimate_line_frequency(
    x: np.ndarray, fs: float, *, shaft_hz: float | None = None
) -> LineEstimate:
    """Line frequency family from the twice-line line (100 or 120 Hz).

    Parameters
    ----------
    x : ndarray
        Acceleration, any unit.
    fs : float
        Sample rate, Hz.
    shaft_hz : float, optional
        Shaft frequency, Hz: a line that is a shaft order rather than twice the line
        frequency is not taken with confidence.

    Returns
    -------
    LineEstimate

    Notes
    -----
    The air-gap field of an AC motor pulls the stator twice per supply period. For each
    family F the largest line within ±0.5 % of 2F, 4F and 6F is found in the zero-padded
    spectrum (the harmonics of the pull, and the mains harmonics of other sources) and its
    prominence P taken over the median of ±5 Hz. A line counts when P ≥ 12 dB and it is not a
    shaft order: a 4-pole motor on 60 Hz runs near 30 Hz, so its 4x order lies a few tenths of
    a hertz below 120 Hz, and a line closer to k × ``shaft_hz`` than to m F (and within 2.5
    natural bins of it) is taken for the shaft order. The family's score is
    P(2F) + (P(4F) + P(6F)) / 2 over the lines that count; the estimate is confident when
    the better family has a line that counts and scores 6 dB above the other.
    """
    f, amp, res = _fine_spectrum(x, fs, min(0.5 * fs, 400.0))
    prom = _prominence_db(f, amp, res)
    lines: dict[float, list[tuple[float, float, str]]] = {}  # (frequency, dB, why it fails)
    for fam in LINE_FAMILIES:
        lines[fam] = []
        for m in (2.0, 4.0, 6.0):
            nominal = m * fam
            if nominal * (1.0 + LINE_TOLERANCE) >= f[-1]:
                continue
            fp, i = _peak(f, amp, nominal, LINE_TOLERANCE * nominal)
            p = float(prom[i])
            why = "" if p >= LINE_THRESHOLD_DB else f"stands only {p:.1f} dB out"
            if not why and shaft_hz and math.isfinite(shaft_hz):
                k = max(round(fp / shaft_hz), 1)
                off = abs(fp - k * shaft_hz)
                if off < min(2.5 * res, abs(fp - nominal)):
                    why = f"is the {k}x shaft order"
            lines[fam].append((fp, p, why))

    def score(fam: float) -> float:
        return sum(
            p * (1.0 if j == 0 else 0.5) for j, (_, p, why) in enumerate(lines[fam]) if not why
        )

    def first_db(fam: float) -> float:
        return lines[fam][0][1] if lines[fam] else 0.0

    best = max(LINE_FAMILIES, key=lambda fam: (score(fam), first_db(fam)))
    other = next(fam for fam in LINE_FAMILIES if fam != best)
    if score(best) == 0.0 and not any(p >= LINE_THRESHOLD_DB for _, p, _ in lines[best]):
        return LineEstimate(
            math.nan,
            math.nan,
            math.nan,
            first_db(best),
            first_db(other),
            False,
            f"no line stands {LINE_THRESHOLD_DB:g} dB out at 100 or 120 Hz or their harmonics",
        )
    counted = [(fp, p, j) for j, (fp, p, why) in enumerate(lines[best]) if not why]
    # the measured frequency from the strongest line that counts (else the twice-line one)
    fp, _, j = max(counted, key=lambda c: c[1]) if counted else (lines[best][0][0], 0.0, 0)
    measured = fp / (2.0 * (j + 1))
    note = ""
    if not counted:
        note = f"the line at {lines[best][0][0]:.2f} Hz {lines[best][0][2]}"
    elif score(best) - score(other) < 6.0:
        note = f"the {other:g} Hz family scores within 6 dB"
    return LineEstimate(best, measured, fp, first_db(best), first_db(other), not note, note)
