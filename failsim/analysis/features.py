"""Bearing-diagnosis features of a vibration window, for classifiers trained on simulated
data and applied to real recordings.

The features are the ones condition monitoring reads, made independent of what differs
between a simulator and a given real machine: the prominence of the squared-envelope
spectrum at the bearing's characteristic orders (dB above the spectrum's local median, so
the gain of the sensor chain cancels), with the shaft frequency taken from a tachometer or
the run's speed (orders, not hertz, so load and speed changes cancel), and shape statistics
of the band-passed signal (kurtosis, crest factor). The sample rate cancels too: every window
is taken at one rate (real recordings at another rate are resampled first).

Feature vector (:data:`FEATURE_NAMES`):

- ``ses_<line>_db``: for each line (``bpfo``, ``bpfi``, ``ball`` = 2 x BSF, ``ftf``, ``shaft``
  = 1x), its prominence in the squared-envelope spectrum (searched within +/-3 % for slip).
  Only the fundamental: harmonics of one defect land on another's lines (3 x BPFO is within
  0.7 % of 2 x BPFI on a 6205, 7x the shaft within 2.4 % of 2 x BPFO);
- ``ses_bpfi_sidebands_db``: mean prominence of BPFI +/- 1x (an inner-race defect moves through
  the load zone once per turn);
- ``kurtosis``, ``crest_factor``: of the band-passed window;
- ``log_rms_ratio``: log10 of the band-passed rms over the rms of the whole window (a
  scale-free measure of how much of the vibration is in the demodulation band).

References: Randall & Antoni (2011), MSSP 25(2); Smith & Randall (2015), MSSP 64-65.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .spectra import analytic_signal, squared_envelope_spectrum

LINES = ("bpfo", "bpfi", "ball", "ftf", "shaft")
FEATURE_NAMES = (
    *(f"ses_{name}_db" for name in LINES),
    "ses_bpfi_sidebands_db",
    "kurtosis",
    "crest_factor",
    "log_rms_ratio",
)
#: default demodulation band as fractions of the sample rate (1.8-5.4 kHz at 12 kHz)
BAND_FRACTION = (0.15, 0.45)


def _prominence_db(f: np.ndarray, ses: np.ndarray, target_hz: float, df: float) -> float:
    """Largest SES value within +/-3 % of target over the median of +/-20 % around it, dB."""
    near = np.abs(f - target_hz)
    inside = near <= max(0.03 * target_hz, 1.5 * df)
    around = near <= max(0.2 * target_hz, 10 * df)
    if not inside.any():
        return 0.0
    peak = float(ses[inside].max())
    med = float(np.median(ses[around]))
    if med <= 0.0:
        return 0.0
    return 20.0 * np.log10(max(peak, 1e-300) / med)


def bearing_features(
    x: ArrayLike,
    fs: float,
    shaft_hz: float,
    orders: dict[str, float],
    band_hz: tuple[float, float] | None = None,
) -> np.ndarray:
    """Feature vector of one vibration window (see the module docstring).

    Parameters
    ----------
    x : array_like
        Acceleration window, any unit (the features are scale-free).
    fs : float
        Sample rate, Hz.
    shaft_hz : float
        Shaft frequency during the window, Hz.
    orders : dict
        Characteristic frequencies as multiples of the shaft frequency, keys ``bpfo``,
        ``bpfi``, ``bsf``, ``ftf`` (e.g. from :mod:`failsim.physics.bearing`).
    band_hz : (float, float), optional
        Demodulation band, Hz; default :data:`BAND_FRACTION` of ``fs``.

    Returns
    -------
    ndarray
        float64 values in the order of :data:`FEATURE_NAMES`.
    """
    x = np.asarray(x, dtype=np.float64)
    x = x - x.mean()
    band = band_hz or (BAND_FRACTION[0] * fs, BAND_FRACTION[1] * fs)
    f, ses = squared_envelope_spectrum(x, fs, band)
    df = float(f[1] - f[0])
    lines = {
        "bpfo": orders["bpfo"],
        "bpfi": orders["bpfi"],
        "ball": 2.0 * orders["bsf"],
        "ftf": orders["ftf"],
        "shaft": 1.0,
    }
    values = []
    for name in LINES:
        values.append(_prominence_db(f, ses, lines[name] * shaft_hz, df))
    fi = orders["bpfi"] * shaft_hz
    side = [_prominence_db(f, ses, fi + s * shaft_hz, df) for s in (-1.0, 1.0)]
    values.append(float(np.mean(side)))
    xb = np.real(analytic_signal(x, fs, band))
    sd = float(xb.std())
    kurt = float(np.mean((xb - xb.mean()) ** 4) / sd**4) if sd > 0 else 0.0
    crest = float(np.abs(xb).max() / sd) if sd > 0 else 0.0
    total = float(x.std())
    ratio = np.log10(sd / total) if sd > 0 and total > 0 else -10.0
    values.extend([kurt, crest, ratio])
    return np.asarray(values, dtype=np.float64)


def windows(x: ArrayLike, n: int, hop: int | None = None) -> np.ndarray:
    """Consecutive windows of ``n`` samples (every ``hop``, default ``n``) as rows."""
    x = np.asarray(x)
    hop = hop or n
    starts = range(0, len(x) - n + 1, hop)
    return np.stack([x[s : s + n] for s in starts]) if len(x) >= n else np.empty((0, n))
