"""Resonance peaks of a vibration spectral density, and the modes a calibration adds for the
peaks a machine's model does not explain.

A structural resonance shows in the median-smoothed acceleration spectral density of a
machine in steady running as a broad peak standing above its neighbourhood: the median
(over ±1.5 % of frequency, :func:`failsim.analysis.calibrate.spectral_density`) removes
narrow discrete lines, a resonance of damping ratio ζ is 2ζf wide at half power and survives
it. What is left of the strongest lines (the mains and shaft-order lines can stand 40 dB
above the floor) is excluded by frequency: a peak within ±1.5 % of a line harmonic or a
shaft order is not counted.

Prominence is measured in dB on the log-ASD resampled on a logarithmic frequency grid (a
peak's prominence: its height above the higher of the two minima that separate it from
higher peaks, :func:`scipy.signal.find_peaks`), so a resonance at 200 Hz and one at 8 kHz
are judged alike.

References
----------
.. [1] D. J. Ewins, *Modal Testing: Theory, Practice and Application*, 2nd ed., Research
   Studies Press, 2000 (half-power bandwidth 2ζf of a lightly damped mode).
.. [2] R. B. Randall, *Vibration-based Condition Monitoring*, Wiley, 2011, ch. 3 (discrete
   lines and resonances in machine spectra).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "MIN_PROMINENCE_DB",
    "discovered_modes",
    "line_free",
    "line_frequencies",
    "resonance_peaks",
]

#: Prominence over its neighbourhood that makes a peak of the smoothed density a resonance, dB.
MIN_PROMINENCE_DB = 10.0
#: A peak this close to a discrete line (relative) is that line's remainder, not a resonance.
LINE_EXCLUSION = 0.015
#: Number of line harmonics and of shaft orders excluded.
N_HARMONICS = 12
#: Points per decade of the logarithmic grid the peaks are found on.
POINTS_PER_DECADE = 600
#: A machine mode within this relative distance of a peak explains it.
EXPLAINED_WITHIN = 0.05
#: Bins above this ratio to the smoothed density are lines, clipped before smoothing again.
CLIP_RATIO = 2.0
#: Passes of clipping and smoothing.
CLIP_PASSES = 4
#: Full relative width of the running median (as the calibration's).
SMOOTHING = 0.03
#: Damping ratio a discovered mode starts the fit from.
START_DAMPING = 0.05


def line_frequencies(line_hz: float | None, shaft_hz: float | None, top_hz: float) -> np.ndarray:
    """Frequencies of the discrete lines whose remainders are not resonances, Hz: harmonics
    1..N of the line frequency and of the shaft speed (orders), below ``top_hz``."""
    out: list[float] = []
    for base in (line_hz, shaft_hz):
        if base is not None and np.isfinite(base) and base > 0.0:
            out += [k * float(base) for k in range(1, N_HARMONICS + 1) if k * base < top_hz]
    return np.asarray(sorted(out), dtype=np.float64)


def line_free(f_hz: np.ndarray, density: np.ndarray, smooth: np.ndarray) -> np.ndarray:
    """The smoothed density with discrete lines clipped out: bins above
    :data:`CLIP_RATIO` x the smoothed density are clipped to it and the result smoothed
    again, :data:`CLIP_PASSES` times (a line cluster dense enough to lift the median of one
    pass no longer lifts the next)."""
    from .modal_fit import smooth_asd

    out = smooth
    for _ in range(CLIP_PASSES):
        out = smooth_asd(f_hz, np.minimum(density, CLIP_RATIO * out), SMOOTHING)
    return out


def resonance_peaks(
    f_hz: ArrayLike,
    smooth_asd: ArrayLike,
    band_hz: tuple[float, float],
    *,
    lines_hz: ArrayLike = (),
    min_prominence_db: float = MIN_PROMINENCE_DB,
    density: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Resonance peaks of a median-smoothed spectral density.

    Parameters
    ----------
    f_hz : array_like
        Frequencies, Hz, increasing, all > 0.
    smooth_asd : array_like
        The median-smoothed amplitude spectral density at ``f_hz`` (any unit).
    band_hz : (float, float)
        Band searched, Hz.
    lines_hz : array_like, optional
        Discrete lines (Hz) whose remainders are not resonances (:func:`line_frequencies`).
    min_prominence_db : float, optional
        Prominence a peak needs, dB.
    density : array_like, optional
        The unsmoothed density at ``f_hz``: when given, the lines are clipped out of it first
        (:func:`line_free`) and the peaks are found in its line-free smoothed version.

    Returns
    -------
    peaks_hz, prominence_db : ndarray
        The peaks' frequencies (Hz, increasing) and prominences (dB).
    """
    from scipy.signal import find_peaks

    f = np.asarray(f_hz, dtype=np.float64)
    a = np.asarray(smooth_asd, dtype=np.float64)
    if density is not None:
        a = line_free(f, np.asarray(density, dtype=np.float64), a)
    lo, hi = float(band_hz[0]), float(band_hz[1])
    sel = (f >= lo) & (f <= hi) & (a > 0.0)
    if sel.sum() < 3 or not hi > lo > 0.0:
        return np.zeros(0), np.zeros(0)
    lf = np.log10(f[sel])
    ly = 20.0 * np.log10(a[sel])
    n = max(int((lf[-1] - lf[0]) * POINTS_PER_DECADE), 3)
    grid = np.linspace(lf[0], lf[-1], n)
    y = np.interp(grid, lf, ly)
    idx, props = find_peaks(y, prominence=min_prominence_db)
    peaks = 10.0 ** grid[idx]
    prom = np.asarray(props["prominences"], dtype=np.float64)
    lines = np.asarray(lines_hz, dtype=np.float64)
    if lines.size:
        near = np.abs(peaks[:, None] / lines[None, :] - 1.0).min(axis=1) <= LINE_EXCLUSION
        peaks, prom = peaks[~near], prom[~near]
    return peaks, prom


def discovered_modes(
    peaks_hz: ArrayLike,
    mode_frequencies_hz: ArrayLike,
    *,
    axis: str,
    location: str,
    modal_mass_kg: float,
    taken_names: set[str] | None = None,
) -> list[dict]:
    """Modes for the resonance peaks no mode of the machine explains.

    A peak is explained by a mode the sensor sees within ±5 % of it. Each other peak gets a
    mode at its frequency, along the accelerometer's axis, moving only the accelerometer's
    location (the one recording says nothing of the others), damping ratio 0.05 and the given
    modal mass to start the fit from.

    Parameters
    ----------
    peaks_hz : array_like
        Resonance peaks of the recording, Hz (:func:`resonance_peaks`).
    mode_frequencies_hz : array_like
        Frequencies of the machine's modes the sensor sees, Hz.
    axis, location : str
        The accelerometer's axis (``vertical`` or ``horizontal``) and bearing location.
    modal_mass_kg : float
        Starting modal mass, kg (the fit sets the ratio force / mass).
    taken_names : set of str, optional
        Mode names already used.

    Returns
    -------
    list of dict
        Mode entries of a machine's ``vibration.modes``.
    """
    modes = np.asarray(mode_frequencies_hz, dtype=np.float64)
    taken = set(taken_names or ())
    out: list[dict] = []
    for p in np.asarray(peaks_hz, dtype=np.float64):
        if modes.size and np.abs(modes / p - 1.0).min() <= EXPLAINED_WITHIN:
            continue
        name = f"recorded_{location}_{axis[0]}_{p:.0f}hz"
        while name in taken:
            name += "_b"
        taken.add(name)
        out.append(
            {
                "name": name,
                "frequency_hz": float(f"{p:.5g}"),
                "damping_ratio": START_DAMPING,
                "modal_mass_kg": float(f"{modal_mass_kg:.4g}"),
                "direction": axis,
                "shape": {location: 1.0},
            }
        )
    return out
