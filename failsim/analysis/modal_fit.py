"""Fit structural modes to a measured acceleration spectrum.

The vibration stage carries every force to the accelerometers through single-degree-of-freedom
modes (:func:`failsim.vibration.filters.accelerance_biquad`): a mode of natural frequency f_n,
damping ratio ζ and modal mass m turns a force F into an acceleration

.. math:: H(f) = \\frac{-r^2}{m\\,(1 - r^2 + 2 j ζ r)}, \\qquad r = f / f_n

(0 far below the mode, Q/m = 1/(2ζm) at it, 1/m far above). Given a measured acceleration
amplitude spectral density of a healthy machine and the assumption that a white force of known
density drives the bearing, this module estimates each mode's modal mass and damping (and
optionally refines its frequency) so that the modelled spectral density

.. math:: A(f) = \\sqrt{F^2 \\left|\\sum_m H_m(f)\\right|^2 + N^2}

(F the force density, N the sensor noise density) matches the measurement on a logarithmic
scale. The fit works on a median-smoothed spectrum, so discrete lines (shaft orders, mains
harmonics, interference) barely move it, and it weights each decade of frequency equally.
Optionally it models what the stage does for a machine with several bearings (uncorrelated
forces at each, weighted by the mode shapes) and the accelerometer's mounted resonance, which
a magnetic base puts inside the band.

Only the ratio F/m is identified by one response spectrum: the masses scale with the force
density assumed. Choose F so that the masses are plausible for the structure (or so that a
known force, such as the imbalance force at 1x, gives the measured line).

- :func:`smooth_asd`: running median over a window of fixed relative width.
- :func:`find_mode_candidates`: prominent peaks of the smoothed log spectrum.
- :func:`modal_accelerance`, :func:`mount_response`: one mode's accelerance (continuous, or
  the stage's biquad at its synthesis rate) and a mounted accelerometer's response.
- :func:`modal_asd`: the modelled spectral density of a set of modes.
- :func:`fit_modes`: the least-squares fit.

These are the first pieces of a calibration of a machine's vibration model from recordings.

References
----------
.. [1] D. J. Ewins, *Modal Testing: Theory, Practice and Application*, 2nd ed., Research
   Studies Press, 2000 (accelerance of a single-degree-of-freedom mode, mass lines).
.. [2] R. B. Randall, *Vibration-based Condition Monitoring*, Wiley, 2011 (machine spectra:
   structural resonances excited by broadband forces, with discrete lines on top).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "find_mode_candidates",
    "fit_modes",
    "modal_accelerance",
    "modal_asd",
    "mount_response",
    "smooth_asd",
]

#: Bounds of the fitted damping ratio (the schema allows up to 0.5).
DAMPING_BOUNDS = (1e-3, 0.5)
#: Bounds of the fitted modal mass, kg.
MASS_BOUNDS_KG = (1e-4, 1e6)


def _spectrum(f_hz: ArrayLike, asd: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    f = np.asarray(f_hz, dtype=float)
    a = np.asarray(asd, dtype=float)
    if f.ndim != 1 or f.shape != a.shape or f.size < 8:
        raise ValueError(
            f"f_hz and asd must be 1-D arrays of the same length (>= 8), got {f.shape} "
            f"and {a.shape}"
        )
    if np.any(np.diff(f) <= 0):
        raise ValueError("f_hz must increase strictly")
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ValueError("asd must be finite and non-negative")
    return f, a


def smooth_asd(
    f_hz: ArrayLike, asd: ArrayLike, rel_width: float = 0.03, min_bins: int = 11
) -> np.ndarray:
    """Running median of a spectral density over a window of fixed relative width.

    Parameters
    ----------
    f_hz : array_like
        Frequencies, Hz, increasing (e.g. from :func:`scipy.signal.welch`).
    asd : array_like
        Amplitude spectral density at ``f_hz``, any unit.
    rel_width : float, optional
        Full width of the window as a fraction of the centre frequency (0.03: ±1.5 %).
    min_bins : int, optional
        Least number of bins in a window (at low frequencies, where ``rel_width`` spans fewer).

    Returns
    -------
    ndarray
        The smoothed density at ``f_hz``.

    Notes
    -----
    A median ignores discrete lines that occupy less than half of a window: a Hann-windowed
    line covers about 4 bins, so a window of 11 bins or more removes isolated lines, and a comb
    of lines (shaft orders) as long as the lines fill less than half of the window. A window of
    relative width w flattens a mode's peak when the mode's half-power bandwidth 2ζ is not
    wide compared with w: keep w below about 4ζ of the lightest-damped mode.
    """
    f, a = _spectrum(f_hz, asd)
    if not 0.0 < rel_width < 1.0:
        raise ValueError(f"rel_width must lie in (0, 1), got {rel_width}")
    half_bins = max(int(min_bins) // 2, 1)
    lo = np.searchsorted(f, f * (1.0 - 0.5 * rel_width), side="left")
    hi = np.searchsorted(f, f * (1.0 + 0.5 * rel_width), side="right")
    idx = np.arange(f.size)
    lo = np.clip(np.minimum(lo, idx - half_bins), 0, f.size - 1)
    hi = np.clip(np.maximum(hi, idx + half_bins + 1), 1, f.size)
    return np.array([np.median(a[i:j]) for i, j in zip(lo, hi, strict=True)])


def find_mode_candidates(
    f_hz: ArrayLike,
    asd: ArrayLike,
    n: int,
    *,
    band_hz: tuple[float, float] | None = None,
    rel_width: float = 0.03,
) -> np.ndarray:
    """Frequencies of the ``n`` most prominent peaks of the smoothed log spectral density.

    Parameters
    ----------
    f_hz, asd : array_like
        Frequencies (Hz) and amplitude spectral density, e.g. from :func:`scipy.signal.welch`.
    n : int
        How many candidates to return (fewer if the spectrum has fewer peaks).
    band_hz : (float, float), optional
        Search band (lo, hi), Hz; default: all frequencies above 0.
    rel_width : float, optional
        Relative width of the median smoothing (see :func:`smooth_asd`).

    Returns
    -------
    ndarray
        Peak frequencies, Hz, in increasing order.

    Notes
    -----
    The peaks are ranked by their topographic prominence in natural-log units
    (:func:`scipy.signal.find_peaks`) after smoothing, so single discrete lines, however
    strong, do not count; broad humps of resonant response do. Peaks are at least half a
    smoothing window apart.
    """
    from scipy.signal import find_peaks

    f, a = _spectrum(f_hz, asd)
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    lo, hi = band_hz if band_hz is not None else (0.0, math.inf)
    keep = (f > max(lo, 0.0)) & (f <= hi)
    if keep.sum() < 8:
        raise ValueError(f"the band {band_hz} holds fewer than 8 frequencies")
    fk = f[keep]
    smooth = np.log(np.maximum(smooth_asd(fk, a[keep], rel_width), 1e-300))
    # peaks must stand half a smoothing window apart: a fixed distance in bins would be too
    # wide at low and too narrow at high frequencies, so thin them by frequency afterwards
    peaks, props = find_peaks(smooth, prominence=0.0)
    order = np.argsort(props["prominences"])[::-1]
    chosen: list[float] = []
    for i in order:
        fc = float(fk[peaks[i]])
        if all(abs(fc - c) > 0.5 * rel_width * max(fc, c) for c in chosen):
            chosen.append(fc)
        if len(chosen) == n:
            break
    return np.sort(np.array(chosen))


def modal_accelerance(
    f_hz: ArrayLike,
    frequency_hz: float,
    damping_ratio: float,
    modal_mass_kg: float,
    synthesis_rate_hz: float | None = None,
) -> np.ndarray:
    """Complex accelerance (m/s² per N) of one mode at ``f_hz``.

    Parameters
    ----------
    f_hz : array_like
        Frequencies, Hz.
    frequency_hz, damping_ratio, modal_mass_kg : float
        The mode.
    synthesis_rate_hz : float, optional
        None: the continuous form H = -r² / (m (1 - r² + 2jζr)). A rate: the response of the
        stage's digital biquad at that synthesis rate
        (:func:`failsim.vibration.filters.accelerance_biquad`, bilinear, pre-warped at the
        mode), which departs from the continuous form towards half the rate.

    Returns
    -------
    ndarray of complex
    """
    f = np.asarray(f_hz, dtype=float)
    if synthesis_rate_hz is not None:
        from failsim.vibration.filters import accelerance_biquad, biquad_response

        coefs = accelerance_biquad(frequency_hz, damping_ratio, modal_mass_kg, synthesis_rate_hz)
        return biquad_response(coefs, f, synthesis_rate_hz)
    r = f / frequency_hz
    return -(r * r) / (modal_mass_kg * (1.0 - r * r + 2j * damping_ratio * r))


def mount_response(f_hz: ArrayLike, resonance_hz: float, damping_ratio: float) -> np.ndarray:
    """Complex response 1 / (1 - r² + 2jζr), r = f / f_mount, of a mounted accelerometer.

    Parameters
    ----------
    f_hz : array_like
        Frequencies, Hz.
    resonance_hz, damping_ratio : float
        Mounted resonance (stud 25-50 kHz; magnet a few kHz to about 10 kHz) and its damping.

    Returns
    -------
    ndarray of complex
    """
    if not (resonance_hz > 0.0 and damping_ratio > 0.0):
        raise ValueError(
            f"mount needs a positive resonance and damping, got {resonance_hz}, {damping_ratio}"
        )
    r = np.asarray(f_hz, dtype=float) / resonance_hz
    return 1.0 / (1.0 - r * r + 2j * damping_ratio * r)


def _mode_value(mode: Mapping[str, Any], key: str) -> float:
    try:
        return float(mode[key])
    except KeyError:
        raise ValueError(f"mode {mode.get('name', mode)!r} has no {key!r}") from None


def _participation(mode: Mapping[str, Any], location: str) -> float:
    # as failsim.components.vibration.Mode.participation: no shape moves everywhere
    shape = mode.get("shape") or {}
    if not shape:
        return 1.0
    return float(shape.get(location, 0.0))


def _path_weights(
    modes: Sequence[Mapping[str, Any]],
    sensor_location: str | None,
    force_locations: Sequence[str] | None,
) -> np.ndarray:
    """(paths, modes) weights phi_m(sensor) phi_m(force location); one unit path if no
    sensor location is given."""
    if sensor_location is None:
        if force_locations is not None:
            raise ValueError("force_locations needs a sensor_location")
        return np.ones((1, len(modes)))
    if not force_locations:
        raise ValueError("sensor_location needs force_locations (the bearings)")
    return np.array(
        [
            [_participation(m, sensor_location) * _participation(m, loc) for m in modes]
            for loc in force_locations
        ]
    )


def modal_asd(
    f_hz: ArrayLike,
    modes: Sequence[Mapping[str, Any]],
    *,
    force_density_n_per_sqrt_hz: float,
    sensor_noise_density: float = 0.0,
    synthesis_rate_hz: float | None = None,
    mount: tuple[float, float] | None = None,
    sensor_location: str | None = None,
    force_locations: Sequence[str] | None = None,
) -> np.ndarray:
    """Acceleration spectral density of modes driven by white forces, plus sensor noise.

    Parameters
    ----------
    f_hz : array_like
        Frequencies, Hz.
    modes : sequence of mappings
        Each with ``frequency_hz``, ``damping_ratio`` and ``modal_mass_kg``, and, when
        ``sensor_location`` is given, optionally ``shape`` (bearing name -> participation, as
        in a machine YAML; none means 1 everywhere).
    force_density_n_per_sqrt_hz : float
        Force amplitude spectral density at each bearing, N/√Hz.
    sensor_noise_density : float, optional
        Sensor and DAQ noise density, unit of the result ((m/s²)/√Hz).
    synthesis_rate_hz : float, optional
        Evaluate the stage's biquads at this rate instead of the continuous form.
    mount : (float, float), optional
        Mounted resonance of the accelerometer (resonance Hz, damping ratio): the structural
        response is multiplied by M = 1 / (1 - r² + 2jζr), r = f / f_mount (continuous form;
        the sensor noise is added after it, as in the stage). None: a rigid mount, M = 1.
    sensor_location : str, optional
        None: one force drives every mode with participation 1 (a drive point). A bearing
        name: the sensor sits there, and independent forces of equal density act at each of
        ``force_locations``, weighted by the mode shapes as in the vibration stage.
    force_locations : sequence of str, optional
        The bearings that carry a force (with ``sensor_location``).

    Returns
    -------
    ndarray
        (m/s²)/√Hz at ``f_hz``.

    Notes
    -----
    With one force (no ``sensor_location``):

    .. math:: A(f) = \\sqrt{F^2 |M(f) \\sum_m H_m(f)|^2 + N^2}

    with sensor s and forces at bearings l (uncorrelated, as the stage's background forces):

    .. math:: A(f) = \\sqrt{F^2 |M(f)|^2 \\sum_l \\left|\\sum_m φ_m(s) φ_m(l) H_m(f)
              \\right|^2 + N^2}

    The modes driven by one force add coherently, so at a drive point (φ_m(s) φ_m(l) > 0 for
    all m) two modes leave an antiresonance between them and a mass line of F Σ 1/m above
    them; a second force whose participations alternate in sign fills the antiresonances.
    """
    f = np.asarray(f_hz, dtype=float)
    weights = _path_weights(modes, sensor_location, force_locations)
    h = np.array(
        [
            modal_accelerance(
                f,
                _mode_value(m, "frequency_hz"),
                _mode_value(m, "damping_ratio"),
                _mode_value(m, "modal_mass_kg"),
                synthesis_rate_hz,
            )
            for m in modes
        ]
    ).reshape(len(modes), f.size)
    path_power = np.sum(np.abs(weights @ h) ** 2, axis=0).reshape(f.shape)
    if mount is not None:
        path_power = path_power * np.abs(mount_response(f, *mount)) ** 2
    return np.sqrt(force_density_n_per_sqrt_hz**2 * path_power + sensor_noise_density**2)


def fit_modes(
    f_hz: ArrayLike,
    asd: ArrayLike,
    *,
    force_density_n_per_sqrt_hz: float,
    sensor_noise_density: float,
    initial_modes: Sequence[Mapping[str, Any] | float],
    fit_frequency: bool = True,
    band_hz: tuple[float, float] | None = None,
    rel_width: float = 0.03,
    points_per_decade: int = 200,
    frequency_tolerance: float | Sequence[float] = 0.15,
    synthesis_rate_hz: float | None = None,
    initial_damping_ratio: float = 0.03,
    mount: tuple[float, float] | None = None,
    sensor_location: str | None = None,
    force_locations: Sequence[str] | None = None,
    fixed_modes: Sequence[Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Modal masses, damping ratios (and frequencies) that reproduce a measured spectrum.

    Parameters
    ----------
    f_hz : array_like
        Frequencies, Hz, increasing (e.g. from :func:`scipy.signal.welch`; bins at 0 Hz are
        ignored).
    asd : array_like
        Measured acceleration amplitude spectral density at ``f_hz``, (m/s²)/√Hz.
    force_density_n_per_sqrt_hz : float
        Assumed white force density at the bearing (at each bearing of ``force_locations``),
        N/√Hz; it sets the scale of the masses.
    sensor_noise_density : float
        Noise density of sensor and DAQ, (m/s²)/√Hz, added in quadrature.
    initial_modes : sequence of mappings or floats
        Starting modes: a frequency (Hz), or a mapping with ``frequency_hz`` and optionally
        ``damping_ratio``, ``modal_mass_kg`` and ``shape``; other keys (``name``,
        ``direction``) are passed through to the result. A missing mass is estimated from the
        smoothed peak height, 1 / (2ζm) = A(f_n) / F. Shapes are kept as given.
    fit_frequency : bool, optional
        Refine each frequency within ± ``frequency_tolerance`` of its start; otherwise keep it.
    band_hz : (float, float), optional
        Fitted band (lo, hi), Hz; default from half the lowest mode to the top of the data.
        Keep it inside the passband of the recording's anti-alias filter.
    rel_width : float, optional
        Relative width of the median smoothing applied before the fit (:func:`smooth_asd`).
    points_per_decade : int, optional
        Density of the logarithmic frequency grid the residuals are taken on.
    frequency_tolerance : float or sequence of float, optional
        Relative bound on the frequency refinement: one for all modes, or one per mode of
        ``initial_modes``.
    synthesis_rate_hz : float, optional
        None: fit the continuous accelerance. A rate: fit the stage's digital biquads at that
        synthesis rate (``oversample × sample_rate_hz``), which matters for modes near half
        the rate.
    initial_damping_ratio : float, optional
        Starting damping for modes that give none.
    mount : (float, float), optional
        A known mounted resonance of the accelerometer (Hz, damping ratio) that shapes the
        measurement (see :func:`modal_asd`); not fitted. A magnet mount puts it at a few kHz,
        inside the band of a 48 kHz recording: its roll-off above resonance is what makes a
        measured spectrum fall at high frequencies, which drive-point modes alone (flat at
        F Σ 1/m above the last mode) cannot. Compare the fit residuals of a few candidate
        mounts to choose one.
    sensor_location, force_locations : optional
        Fit the vibration stage's own model: the sensor at bearing ``sensor_location`` and
        uncorrelated forces of the given density at each of ``force_locations``, weighted by
        the modes' shapes (see :func:`modal_asd`). Default: one force, every mode with
        participation 1.
    fixed_modes : sequence of mappings, optional
        Modes that are part of the model but not fitted (``frequency_hz``, ``damping_ratio``,
        ``modal_mass_kg`` and optionally ``shape``), e.g. modes above the fitted band whose
        response still reaches into it; they may lie outside the band.

    Returns
    -------
    list of dict
        One dict per mode, in the order given: the input keys with ``frequency_hz``,
        ``damping_ratio`` and ``modal_mass_kg`` replaced by the fitted values (floats), ready
        for the ``vibration.modes`` list of a machine YAML.

    Raises
    ------
    ValueError
        On malformed spectra, non-positive densities, or modes outside the band.

    Notes
    -----
    The smoothed spectrum S(f) is interpolated onto a logarithmic grid f_i over the band and
    the parameters p = (ln m_k, ln ζ_k, ln f_k) minimise

    .. math:: \\sum_i ρ\\left(\\ln A(f_i; p) - \\ln S(f_i)\\right)

    with A from :func:`modal_asd` and ρ the soft-L1 loss of
    :func:`scipy.optimize.least_squares` (scale 0.3, about 2.6 dB), so that residual lines and
    regions the modes cannot explain weigh less than a quadratic loss would give them. Bounds:
    ζ in [1e-3, 0.5], m in [1e-4, 1e6] kg. The Jacobian is formed mode by mode (each
    parameter moves one mode's response only).

    Because one force drives all modes coherently, neighbouring modes at a drive point leave
    antiresonances between them; a measured spectrum, made of many forces and many paths,
    rarely shows them, so a drive-point fit fills them by widening modes or by giving up the
    weaker ones (a mode whose mass runs to the upper bound contributes nothing: drop it).
    """
    from scipy.optimize import least_squares

    f, a = _spectrum(f_hz, asd)
    force = float(force_density_n_per_sqrt_hz)
    noise = float(sensor_noise_density)
    if not force > 0.0:
        raise ValueError(f"force_density_n_per_sqrt_hz must be > 0, got {force}")
    if noise < 0.0:
        raise ValueError(f"sensor_noise_density must be >= 0, got {noise}")
    if not initial_modes:
        raise ValueError("initial_modes is empty")
    modes = [
        {"frequency_hz": float(m)} if not isinstance(m, Mapping) else dict(m) for m in initial_modes
    ]
    weights = _path_weights(modes, sensor_location, force_locations)
    fixed = [dict(m) for m in (fixed_modes or [])]
    f0 = np.array([_mode_value(m, "frequency_hz") for m in modes])
    positive = f > 0.0
    f, a = f[positive], a[positive]
    lo, hi = band_hz if band_hz is not None else (0.5 * float(f0.min()), float(f[-1]))
    lo, hi = max(float(lo), float(f[0])), min(float(hi), float(f[-1]))
    if np.any((f0 <= lo) | (f0 >= hi)):
        raise ValueError(f"every initial mode must lie inside the band {lo:g}-{hi:g} Hz")
    frequency_tolerance = np.broadcast_to(
        np.asarray(frequency_tolerance, dtype=np.float64), f0.shape
    ).copy()
    if synthesis_rate_hz is not None and np.any(
        f0 * (1.0 + frequency_tolerance) >= 0.5 * synthesis_rate_hz
    ):
        raise ValueError("modes must stay below half the synthesis rate")

    in_band = (f >= lo / 1.1) & (f <= hi * 1.1)
    smooth = smooth_asd(f[in_band], a[in_band], rel_width)
    n_grid = max(int(points_per_decade * math.log10(hi / lo)), 2 * len(modes) + 8)
    grid = np.geomspace(lo, hi, n_grid)
    target = np.log(np.maximum(np.interp(grid, f[in_band], smooth), 1e-300))
    mount_power = (
        np.abs(mount_response(grid, *mount)) ** 2 if mount is not None else np.ones(grid.size)
    )
    fixed_paths: np.ndarray | float = 0.0
    if fixed:
        h_fixed = np.array(
            [
                modal_accelerance(
                    grid,
                    _mode_value(m, "frequency_hz"),
                    _mode_value(m, "damping_ratio"),
                    _mode_value(m, "modal_mass_kg"),
                    synthesis_rate_hz,
                )
                for m in fixed
            ]
        )
        fixed_paths = _path_weights(fixed, sensor_location, force_locations) @ h_fixed

    zeta0 = np.array(
        [float(m.get("damping_ratio", initial_damping_ratio)) for m in modes], dtype=float
    )
    gain = np.sqrt(np.sum(weights**2, axis=0))  # a mode's own paths at its peak
    peak = np.exp(np.interp(f0, grid, target)) / np.sqrt(np.interp(f0, grid, mount_power))
    mass0 = np.array(
        [
            float(m["modal_mass_kg"]) if "modal_mass_kg" in m else force * g / (2.0 * z * p)
            for m, z, p, g in zip(modes, zeta0, peak, gain, strict=True)
        ]
    )
    zeta0 = np.clip(zeta0, *DAMPING_BOUNDS)
    mass0 = np.clip(mass0, *MASS_BOUNDS_KG)

    n = len(modes)
    lo_b = [math.log(MASS_BOUNDS_KG[0])] * n + [math.log(DAMPING_BOUNDS[0])] * n
    hi_b = [math.log(MASS_BOUNDS_KG[1])] * n + [math.log(DAMPING_BOUNDS[1])] * n
    x0 = list(np.log(mass0)) + list(np.log(zeta0))
    if fit_frequency:
        lo_b += list(np.log(f0 / (1.0 + frequency_tolerance)))
        hi_b += list(np.log(f0 * (1.0 + frequency_tolerance)))
        x0 += list(np.log(f0))

    def unpack(x: np.ndarray) -> list[tuple[float, float, float]]:
        freqs = np.exp(x[2 * n : 3 * n]) if fit_frequency else f0
        return list(zip(freqs, np.exp(x[n : 2 * n]), np.exp(x[:n]), strict=True))

    def responses(x: np.ndarray) -> np.ndarray:
        return np.array([modal_accelerance(grid, *m, synthesis_rate_hz) for m in unpack(x)])

    def model_power(paths: np.ndarray) -> np.ndarray:
        return force**2 * mount_power * np.sum(np.abs(paths) ** 2, axis=0) + noise**2

    def residual(x: np.ndarray) -> np.ndarray:
        power = model_power(weights @ responses(x) + fixed_paths)
        return 0.5 * np.log(np.maximum(power, 1e-300)) - target

    def jacobian(x: np.ndarray) -> np.ndarray:
        # d ln A / dp = F^2 |M|^2 Re(conj(G_k) dH_k/dp) / A^2 with G_k = sum_l w_lk S_l: each
        # parameter moves one mode only, so a column needs that mode's response again
        h = responses(x)
        paths = weights @ h + fixed_paths
        g = weights.T @ paths
        scale = force**2 * mount_power / model_power(paths)
        jac = np.empty((grid.size, x.size))
        step = 1e-7
        for p in range(x.size):
            k = p % n
            xp = x.copy()
            xp[p] += step
            hk = modal_accelerance(grid, *unpack(xp)[k], synthesis_rate_hz)
            jac[:, p] = scale * np.real(np.conj(g[k]) * (hk - h[k])) / step
        return jac

    sol = least_squares(
        residual,
        np.array(x0),
        jac=jacobian,
        bounds=(np.array(lo_b), np.array(hi_b)),
        loss="soft_l1",
        f_scale=0.3,
        max_nfev=100 * (len(x0) + 1),
    )
    out = []
    for m, (fk, zk, mk) in zip(modes, unpack(sol.x), strict=True):
        mode = dict(m)
        mode.update(
            {"frequency_hz": float(fk), "damping_ratio": float(zk), "modal_mass_kg": float(mk)}
        )
        out.append(mode)
    return out
