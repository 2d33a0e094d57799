"""Calibration of a machine's vibration model to one recording of the healthy machine.

Used by ``failsim calibrate RECORDING --machine M --out M2.yaml``. A recording of one
accelerometer on a healthy machine in steady running determines a few things, and the
calibration takes only those from it:

- the shaft speed, from the comb of shaft-order lines in the spectrum or the envelope
  (:mod:`failsim.analysis.speed`);
- the line frequency family (50 or 60 Hz), from the twice-line line at 100 or 120 Hz;
- a high-frequency floor (an upper bound of the sensor and DAQ noise) and the overall level
  (rms, velocity rms, the level without discrete lines);
- the structural modes the sensor sees: their frequencies, damping ratios and the ratios
  background force / modal mass, by :func:`failsim.analysis.modal_fit.fit_modes` on the
  median-smoothed spectral density with the vibration stage's own model (uncorrelated white
  forces at every bearing, the mode shapes, the stage's biquads at the synthesis rate, the
  accelerometer's mount as the stage realises it at the recording's rate, sensor noise), the
  way ``cwru_rig`` was calibrated (docs/realism-cwru.md).

One response spectrum fixes only the ratio force density / modal mass: the calibration keeps
the machine's mass scale and sets the background force so that the model's broadband level
equals the recording's line-free level. Everything else is kept: the sources of discrete lines
(imbalance, harmonics, magnetic pull), the modes the sensor does not see or that lie outside the
recording's band, the other accelerometers, the motor. The supply frequency changes only for a
machine on the mains, when the recording shows the other family with confidence.

Reading the recording and writing the calibrated machine and its picture:
:mod:`failsim.analysis.calibrate_io`; the stage's model of the density and its fit:
:mod:`failsim.analysis.calibrate_model`; resonance peaks: :mod:`failsim.analysis.resonances`.

References
----------
.. [1] D. J. Ewins, *Modal Testing: Theory, Practice and Application*, 2nd ed., Research
   Studies Press, 2000.
.. [2] R. B. Randall, *Vibration-based Condition Monitoring*, Wiley, 2011.
.. [3] P. D. Welch, "The use of fast Fourier transform for the estimation of power spectra",
   IEEE Trans. Audio Electroacoust. 15(2), 1967.
"""

from __future__ import annotations

import copy
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import SpecError
from .calibrate_model import (
    BAND_TOP,
    OVERSAMPLE,
    SMOOTHING,
    StageModel,
    anchor_modes,
    participation,
    stage_mount,
)
from .compare import G_M_S2, Signal
from .resonances import EXPLAINED_WITHIN, line_frequencies, resonance_peaks
from .speed import LineEstimate, ShaftEstimate, estimate_line_frequency, estimate_shaft_speed

__all__ = [
    "Calibration",
    "ModeChange",
    "Quantity",
    "calibrate",
    "spectral_density",
]

#: Relative bound of each mode's frequency refinement around the machine's.
FREQUENCY_TOLERANCE = 0.2
#: Band of the high-frequency floor, fractions of the sample rate.
FLOOR_BAND = (0.40, 0.45)
#: Shortest recording, s.
MIN_DURATION_S = 1.0


def spectral_density(
    x: np.ndarray, fs: float, split_hz: float = 1500.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Welch acceleration spectral density, and its median-smoothed, line-free version.

    Parameters
    ----------
    x : ndarray
        Acceleration, m/s².
    fs : float
        Sample rate, Hz.
    split_hz : float, optional
        Below it, segments of about 0.37 Hz resolution (at most half the record: shaft orders
        and mains harmonics lie close together there); above, a quarter of that length (more
        averages).

    Returns
    -------
    f_hz, asd, unbiased, smooth : ndarray
        Frequencies (0 excluded); the Welch ASD; the same divided by the bias of a median
        (below); and the running median of that over ±1.5 % of frequency
        (:func:`failsim.analysis.modal_fit.smooth_asd`), all (m/s²)/√Hz.

    Notes
    -----
    A Welch PSD of K Hann segments at 50 % overlap is distributed as S χ²_ν / ν with
    ν ≈ 2K / 1.06 degrees of freedom, so a median over neighbouring bins reads
    S median(χ²_ν) / ν: 1.6 dB low in amplitude for ν = 2, 0.3 dB for ν = 10. Dividing the
    density by √(median(χ²_ν) / ν) first makes the smoothed density's integral the line-free
    power.
    """
    from scipy.signal import welch
    from scipy.stats import chi2

    from .modal_fit import smooth_asd

    n = x.size
    fine = 1 << math.floor(math.log2(min(fs / 0.37, n / 2)))
    coarse = max(fine // 4, 256)
    f_parts, p_parts, b_parts = [], [], []
    for nper, below in ((fine, True), (coarse, False)):
        f, p = welch(x - x.mean(), fs, nperseg=nper)
        k = 1 + max((n - nper) // (nper // 2), 0)
        nu = 2.0 * k / 1.06
        sel = (f > 0.0) & ((f < split_hz) if below else (f >= split_hz))
        f_parts.append(f[sel])
        p_parts.append(p[sel])
        b_parts.append(np.full(int(sel.sum()), chi2.median(nu) / nu))
    f = np.concatenate(f_parts)
    asd = np.sqrt(np.concatenate(p_parts))
    unbiased = asd / np.sqrt(np.concatenate(b_parts))
    return f, asd, unbiased, smooth_asd(f, unbiased, SMOOTHING)


# ------------------------------------------------------------------------------ the machine


def _speed_band(data: dict, line_hz: float | None) -> tuple[tuple[float, float], str]:
    """Where the shaft frequency can lie for this machine (Hz), and why."""
    motor = data["motor"]
    rated_hz = float(motor["rated"]["speed_rpm"]) / 60.0
    supply = data.get("supply", {})
    if motor.get("type") == "induction":
        p = int(motor["pole_pairs"])
        f_rated = float(motor["rated"].get("frequency_hz") or supply["frequency_hz"])
        slip = max(1.0 - rated_hz * p / f_rated, 0.0)
        on_mains = supply.get("type", "mains") == "mains"
        f_e = line_hz or (float(supply["frequency_hz"]) if on_mains else None)
        if f_e:
            sync = f_e / p
            lo, hi = sync * (1.0 - max(3.0 * slip, 0.03)), sync * 1.002
            return (lo, hi), (
                f"{60 * lo:.0f}-{60 * hi:.0f} rpm (up to 3 x the rated slip below synchronous "
                f"speed at {f_e:g} Hz)"
            )
    lo, hi = 0.3 * rated_hz, 1.2 * rated_hz
    return (lo, hi), f"{60 * lo:.0f}-{60 * hi:.0f} rpm (0.3-1.2 x the rated speed)"


def _accelerometer(data: dict, location: str | None, label: str) -> dict:
    """The accelerometer named ``location``, or the first one at that bearing location."""
    accs = data.get("accelerometers") or []
    if not accs or data.get("vibration") is None:
        raise SpecError(
            f"machine {data['name']!r} has no vibration model or no accelerometers: nothing "
            "to calibrate",
            file=label,
            field="--machine",
            value=data["name"],
        )
    if location is None:
        return accs[0]
    for acc in accs:
        if acc["name"] == location:
            return acc
    for acc in accs:
        if acc["location"] == location:
            return acc
    names = ", ".join(a["name"] for a in accs)
    locs = ", ".join(dict.fromkeys(a["location"] for a in accs))
    raise SpecError(
        f"{location!r} is not allowed: give an accelerometer of machine {data['name']!r} "
        f"({names}) or a location with one ({locs})",
        file=label,
        field="--location",
        value=location,
    )


def _sig(v: float, digits: int) -> float:
    return float(f"{v:.{digits}g}")


# ------------------------------------------------------------------------------ the result


@dataclass
class Quantity:
    """One row of the table of estimates: name, value, unit, and how it was obtained."""

    name: str
    value: float | str
    unit: str
    how: str


@dataclass
class ModeChange:
    """A mode before and after calibration, and what happened to it."""

    name: str
    before: dict
    after: dict
    status: str


@dataclass
class Calibration:
    """What :func:`calibrate` found, and the calibrated machine.

    Attributes
    ----------
    machine: the calibrated machine's data (validated, defaults filled in).
    base_name: the name of the machine it started from.
    signal: the recording.
    source: how the recording is named in the machine's ``source``.
    accelerometer: the accelerometer of the machine it corresponds to.
    shaft, shaft_envelope: the shaft-speed estimates from the spectrum and the envelope.
    shaft_hz: the shaft frequency used (the declared one if given, else the estimate), Hz.
    shaft_declared_hz: the declared shaft frequency (nan if none), Hz.
    line: the line-frequency estimate.
    line_hz: the line frequency used (given, else the estimated family; nan if neither), Hz.
    quantities: the table of estimates.
    modes: every mode of the machine, before and after.
    background_before, background_after: background force density at rated speed, N/√Hz.
    supply_before, supply_after: the supply frequency, Hz.
    residual_db_before, residual_db_after: rms of the log-ASD misfit over the band, dB.
    band_hz: the fitted band, Hz.
    resonances: the recording's resonance peaks below the machine's highest mode (Hz) and the
        mode that reproduces each (None: not reproduced).
    mount: the mount resonance (Hz) and damping ratio as the stage realises them at fs.
    notes: what the user should know.
    spectra: f_hz, asd, smooth, model_before, model_after (arrays for the picture).
    """

    machine: dict
    base_name: str
    signal: Signal
    source: str
    accelerometer: dict
    shaft: ShaftEstimate
    shaft_envelope: ShaftEstimate
    shaft_hz: float
    shaft_declared_hz: float
    line: LineEstimate
    line_hz: float
    quantities: list[Quantity]
    modes: list[ModeChange]
    background_before: float
    background_after: float
    supply_before: float
    supply_after: float
    residual_db_before: float
    residual_db_after: float
    band_hz: tuple[float, float]
    resonances: dict[float, str | None]
    mount: tuple[float, float]
    notes: list[str] = field(default_factory=list)
    spectra: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def quantity(self, name: str) -> float | str:
        """The value of the estimate called ``name`` (as in :meth:`table`)."""
        for q in self.quantities:
            if q.name == name:
                return q.value
        raise KeyError(name)

    def table(self) -> str:
        """The estimates as aligned text: quantity, value, unit, how."""
        rows = [("quantity", "value", "unit", "how")]
        rows += [(q.name, _fmt(q.value), q.unit, q.how) for q in self.quantities]
        w = [max(len(r[i]) for r in rows) for i in range(3)]
        return "\n".join(
            f"{a:<{w[0]}}  {b:>{w[1]}}  {c:<{w[2]}}  {d}".rstrip() for a, b, c, d in rows
        )

    def mode_table(self) -> str:
        """The modes: frequency, damping ratio and modal mass before -> after, and status."""
        rows = [("mode", "f [Hz]", "", "zeta", "", "mass [kg]", "", "status")]
        for m in self.modes:
            b, a = m.before, m.after
            rows.append(
                (
                    m.name,
                    f"{b['frequency_hz']:.5g} ->",
                    f"{a['frequency_hz']:.5g}",
                    f"{b['damping_ratio']:.3g} ->",
                    f"{a['damping_ratio']:.3g}",
                    f"{b['modal_mass_kg']:.4g} ->",
                    f"{a['modal_mass_kg']:.4g}",
                    m.status,
                )
            )
        w = [max(len(r[i]) for r in rows) for i in range(7)]
        out = []
        for r in rows:
            cells = [r[0].ljust(w[0])] + [c.rjust(wi) for c, wi in zip(r[1:7], w[1:], strict=True)]
            out.append(("  ".join(cells) + "  " + r[7]).rstrip())
        return "\n".join(out)


def _fmt(v: float | str) -> str:
    if isinstance(v, str):
        return v
    return f"{v:.5g}" if math.isfinite(v) else "-"


def _residual_db(
    f: np.ndarray, smooth: np.ndarray, model: np.ndarray, band: tuple[float, float]
) -> float:
    """rms of 20 log10(model / smoothed measurement) on a logarithmic grid over the band, dB."""
    grid = np.geomspace(band[0], band[1], 400)
    ratio = np.interp(grid, f, model) / np.interp(grid, f, smooth)
    return float(np.sqrt(np.mean((20.0 * np.log10(ratio)) ** 2)))


def _band_power(f: np.ndarray, asd: np.ndarray, band: tuple[float, float]) -> float:
    from scipy.integrate import trapezoid

    sel = (f >= band[0]) & (f <= band[1])
    return float(trapezoid(asd[sel] ** 2, f[sel]))


def _check_recording(x: np.ndarray, fs: float, where: str) -> None:
    if not np.all(np.isfinite(x)):
        bad = int(np.count_nonzero(~np.isfinite(x)))
        raise SpecError(
            f"{bad} samples are not finite (NaN or inf): a recording must be finite",
            file=where,
            field="samples",
        )
    if x.size < MIN_DURATION_S * fs or x.size < 4096:
        raise SpecError(
            f"{x.size} samples at {fs:g} Hz ({x.size / fs:.3g} s) are too few: a recording "
            f"needs at least {MIN_DURATION_S:g} s and 4096 samples",
            file=where,
            field="samples",
            value=x.size,
        )
    if not np.any(x != x[0]):
        raise SpecError("the recording is constant: no vibration to calibrate to", file=where)


def calibrate(
    signal: Signal,
    machine: str | Path | dict,
    *,
    location: str | None = None,
    shaft_rpm: float | None = None,
    line_hz: float | None = None,
    frequency_tolerance: float = FREQUENCY_TOLERANCE,
    name: str | None = None,
    source: str | None = None,
) -> Calibration:
    """Calibrate a machine's vibration model at one accelerometer to a healthy recording.

    Parameters
    ----------
    signal : Signal
        The recording in m/s², steady running (see
        :func:`failsim.analysis.compare.signal_from_file`); a finite ``signal.shaft_hz`` is
        a declared shaft speed (e.g. from a table's ``shaft_rpm`` column).
    machine : str, path or dict
        A bundled machine name, a YAML path, or validated machine data.
    location : str, optional
        The accelerometer (by name) or the bearing location (its first accelerometer) the
        recording corresponds to; default the machine's first accelerometer.
    shaft_rpm : float, optional
        The shaft speed, rpm, used instead of the estimate (which is still reported).
    line_hz : float, optional
        The line frequency, Hz, used instead of the estimate (still reported); the supply
        frequency is then kept.
    frequency_tolerance : float, optional
        Relative bound of each mode's frequency refinement around the machine's.
    name : str, optional
        Name of the calibrated machine; default the machine's name + ``_calibrated``.
    source : str, optional
        How the machine's ``source`` names the recording; default ``signal.name``.

    Returns
    -------
    Calibration

    Raises
    ------
    failsim.errors.SpecError
        When the recording is too short, constant or not finite; the machine has no
        vibration model or no mode the sensor sees in the recording's band; the location is
        unknown; or the shaft speed can be neither estimated nor taken from the input.

    Notes
    -----
    The stage drives each mode m (direction d, shape φ_m) with uncorrelated white forces of
    density F_ω = F ω / ω_N at every bearing l (F the background force density, ω_N the
    rated speed), and the sensor at location s along d reads

    .. math:: A(f) = \\sqrt{F_ω^2 |M(f)|^2 \\sum_l \\left|\\sum_m φ_m(s) φ_m(l) H_m(f)\\right|^2
              + N^2}

    (:func:`failsim.analysis.modal_fit.modal_asd`: H_m the stage's biquad at the synthesis
    rate 2 fs, M the mount as the stage realises it at fs, N the sensor's noise density).

    1. The modes the sensor sees with frequencies in the band, 0.6 x the lowest of them to
       0.45 fs, are fitted from the machine's values (frequency within ±20 %), with F_ω at
       the machine's and the modes outside the band held.
    2. The fitted masses are multiplied by s, the median over the fitted modes of
       m_machine / m_fitted, and F_ω with them: F/m, which the spectrum fixes, is unchanged,
       and the masses keep the machine's scale.
    3. F_ω alone is multiplied by √((P_meas - P_N) / (P_model - P_N)), with P the power over
       the band of the line-free measured density, of the model and of the sensor noise, so
       that the simulated broadband level is the recording's.
    4. The background force density written is F_ω ω_N / ω at the shaft speed ω used.
    """
    from ..spec import load_machine, machine_from_dict

    if isinstance(machine, dict):
        data = copy.deepcopy(machine)
        base_label = str(data.get("name", "<dict>"))
    else:
        spec = load_machine(machine)
        data = copy.deepcopy(spec.data)
        base_label = (
            str(machine)
            if isinstance(machine, Path) or os.sep in str(machine)
            else (f"{spec.name} (bundled)")
        )
    base_name = str(data["name"])
    acc = _accelerometer(data, location, base_label)
    if acc["axis"] == "axial":
        raise SpecError(
            f"accelerometer {acc['name']!r} is axial: the stage's broadband forces act "
            "horizontally and vertically only, so an axial recording calibrates nothing",
            file=base_label,
            field="--location",
            value=acc["name"],
        )
    where = source or signal.name
    fs = float(signal.fs_hz)
    x = np.asarray(signal.x_m_s2, dtype=np.float64)
    _check_recording(x, fs, where)
    x = x - x.mean()
    vib = data["vibration"]
    supply = data.get("supply", {})
    notes: list[str] = []

    # line frequency; the shaft speed with the mains multiples left out; the line again,
    # now knowing the shaft orders
    line = estimate_line_frequency(x, fs)
    line_prior = line_hz or (line.family_hz if line.confident else None)
    speed_band, speed_why = _speed_band(data, line_prior)
    by_spectrum, by_envelope = estimate_shaft_speed(x, fs, speed_band, line_hz=line_prior)
    line = estimate_line_frequency(x, fs, shaft_hz=by_spectrum.hz)
    shaft = by_spectrum
    if not math.isfinite(by_spectrum.hz) and math.isfinite(by_envelope.hz):
        shaft = by_envelope
    declared = math.nan
    if shaft_rpm:
        declared = float(shaft_rpm) / 60.0
    elif math.isfinite(signal.shaft_hz):
        declared = float(signal.shaft_hz)
    shaft_hz = declared if math.isfinite(declared) else shaft.hz
    if not math.isfinite(shaft_hz):
        raise SpecError(
            f"the shaft speed cannot be estimated: no comb of two or more shaft-order lines in "
            f"{speed_why}, in the spectrum or in the envelope; give --shaft-rpm",
            file=where,
            field="--shaft-rpm",
        )
    line_used = float(line_hz) if line_hz else line.family_hz

    # spectra, band, the modes to fit
    f, asd, unbiased, smooth = spectral_density(x, fs)
    floor = float(np.median(asd[(f >= FLOOR_BAND[0] * fs) & (f <= FLOOR_BAND[1] * fs)]))
    modes0 = [dict(m) for m in vib["modes"]]
    top = BAND_TOP * fs
    seen_in = [
        i for i, m in enumerate(modes0) if participation(m, acc) != 0.0 and m["frequency_hz"] < top
    ]
    lo = max(0.6 * min((modes0[i]["frequency_hz"] for i in seen_in), default=0.0), 5.0)
    lo = max(lo, 20.0 * float(f[1] - f[0]))
    band = (lo, top)
    fit_idx = [i for i in seen_in if modes0[i]["frequency_hz"] > lo]
    if not fit_idx:
        raise SpecError(
            f"no mode of machine {base_name!r} moves accelerometer {acc['name']!r} "
            f"({acc['axis']}) between {lo:.3g} and {top:.4g} Hz (0.45 x the recording's "
            f"{fs:g} Hz): nothing to fit",
            file=base_label,
            field="--location",
            value=acc["name"],
        )
    model = StageModel(
        acc=acc,
        locations=[b["name"] for b in data["bearings"]],
        noise=float(acc["noise_ug_per_sqrt_hz"]) * 1e-6 * G_M_S2,
        synth=OVERSAMPLE * fs,
        mount=stage_mount(acc, fs),
    )
    speed_ratio = shaft_hz / (float(data["motor"]["rated"]["speed_rpm"]) / 60.0)
    force_machine = float(vib["background_force_n_per_sqrt_hz"]) * speed_ratio
    force0 = force_machine if force_machine > 0.0 else 1e-3
    model_before = model.asd(f, modes0, force_machine)

    # 0. resonances of the recording that no mode of the machine explains get a mode
    limit = max(m["frequency_hz"] for m in modes0)
    added, anchors, discovery_notes = anchor_modes(
        f,
        unbiased,
        smooth,
        modes0,
        fit_idx,
        acc,
        (band[0], min(band[1], limit)),
        line_used,
        force0,
        frequency_tolerance,
    )
    notes += discovery_notes
    if band[1] > limit:
        above, _ = resonance_peaks(
            f,
            smooth,
            (limit * 1.05, band[1]),
            lines_hz=line_frequencies(line_used, None, top),
            density=unbiased,
        )
        if above.size:
            notes.append(
                "resonance peaks above the machine's highest mode ("
                + ", ".join(f"{p:.0f}" for p in above)
                + f" Hz) get no mode: a mode above {limit:g} Hz would stop the scenarios that "
                "ran the machine at their sample rates"
            )
    start = [dict(m) for m in modes0] + added
    fit_idx = fit_idx + list(range(len(modes0), len(start)))
    for i, peak in anchors.items():
        start[i]["frequency_hz"] = peak

    # 1. the fit: a mode at a resonance peak of the recording stays within 5 % of it
    top_fitted = max(start[i]["frequency_hz"] for i in fit_idx)
    tol = max(min(frequency_tolerance, 0.999 * (0.5 * model.synth / top_fitted - 1.0)), 0.0)
    tolerances = {i: min(tol, EXPLAINED_WITHIN) if i in anchors else tol for i in fit_idx}
    try:
        fitted, status, fit_notes = model.fit(
            f, unbiased, start, fit_idx, force0, band, tolerances, limit
        )
    except ValueError as exc:
        raise SpecError(f"the modal fit failed: {exc}", file=where) from None
    notes += fit_notes

    # the recording's resonance peaks, and which of them a fitted mode reproduces
    reproduced = {
        peak: start[i]["name"] for i, peak in anchors.items() if i in fitted and i not in status
    }
    reproduced.update(
        {
            m["frequency_hz"]: m["name"]
            for i, m in enumerate(start)
            if i >= len(modes0) and i in fitted
        }
    )
    unreproduced = sorted(
        p for p in (*anchors.values(), *(m["frequency_hz"] for m in added)) if p not in reproduced
    )
    if unreproduced:
        notes.append(
            "the recording's resonance peak(s) at "
            + ", ".join(f"{p:.0f}" for p in unreproduced)
            + " Hz are not reproduced: the fit determines no mode there (the model's broadband "
            "level already reaches the recording's)"
        )

    # an added mode the recording does not determine is dropped again
    dropped = [i for i in status if i >= len(modes0) and i not in fitted]
    if dropped:
        notes.append(
            "dropped the added mode(s) the fit could not determine: "
            + ", ".join(f"{start[i]['frequency_hz']:.0f} Hz" for i in dropped)
        )
        keep = [i for i in range(len(start)) if i not in dropped]
        remap = {old: new for new, old in enumerate(keep)}
        start = [start[i] for i in keep]
        fitted = {remap[i]: m for i, m in fitted.items()}
        status = {remap[i]: st for i, st in status.items() if i in remap}

    # 2. the machine's mass scale; 3. the level
    ratios = [
        math.log(modes0[i]["modal_mass_kg"] / m["modal_mass_kg"])
        for i, m in fitted.items()
        if i < len(modes0)
    ]
    s = math.exp(float(np.median(ratios))) if ratios else 1.0
    modes1 = copy.deepcopy([*modes0, *start[len(modes0) :]])
    for i, m in fitted.items():
        modes1[i]["frequency_hz"] = _sig(m["frequency_hz"], 5)
        modes1[i]["damping_ratio"] = _sig(m["damping_ratio"], 3)
        modes1[i]["modal_mass_kg"] = _sig(min(m["modal_mass_kg"] * s, 1e6), 4)
    force = force0 * s
    p_meas = _band_power(f, smooth, band)
    p_noise = model.noise**2 * (band[1] - band[0])
    p_model = _band_power(f, model.asd(f, modes1, force), band)
    if p_meas > 1.01 * p_noise and p_model > 1.01 * p_noise:
        force *= math.sqrt((p_meas - p_noise) / (p_model - p_noise))
    else:
        notes.append(
            "the recording's broadband level is at the sensor's noise: the background force "
            "is the fit's"
        )
    background = _sig(force / speed_ratio, 4)
    model_after = model.asd(f, modes1, background * speed_ratio)

    # the calibrated machine
    out = copy.deepcopy(data)
    out["vibration"]["modes"] = modes1
    out["vibration"]["background_force_n_per_sqrt_hz"] = background
    supply_before = float(supply.get("frequency_hz", math.nan))
    supply_after = supply_before
    on_mains = supply.get("type", "mains") == "mains"
    if line.confident and line.family_hz != supply_before:
        if not line_hz and on_mains:
            supply_after = line.family_hz
            out["supply"]["frequency_hz"] = supply_after
            notes.append(
                f"supply frequency {supply_before:g} -> {supply_after:g} Hz; the motor's "
                "rated values are kept: check its voltage and speed on this supply"
            )
        else:
            why = "--line-hz was given" if line_hz else "the motor is on a drive"
            notes.append(
                f"the recording shows the {line.family_hz:g} Hz family; the supply "
                f"({supply_before:g} Hz) is kept: {why}"
            )
    res_before = _residual_db(f, smooth, model_before, band)
    res_after = _residual_db(f, smooth, model_after, band)
    what = f"the modes that accelerometer {acc['name']} sees and the background force"
    if supply_after != supply_before:
        what += "; the supply frequency"
    out["name"] = name or f"{base_name}_calibrated"
    out["description"] = (
        " ".join(str(data.get("description") or base_name).split())
        + f" Vibration calibrated to the recording {where}."
    )
    out["source"] = (
        str(data.get("source", "")).rstrip()
        + f"\n\nVibration calibrated with failsim calibrate to the healthy recording {where} "
        f"({fs:g} Hz, {x.size / fs:.3g} s, as accelerometer {acc['name']}), from machine "
        f"{base_label}: {what}. Shaft speed {60 * shaft_hz:.1f} rpm; modes fitted to the "
        f"median-smoothed ASD over {band[0]:.0f}-{band[1]:.0f} Hz (log-ASD misfit "
        f"{res_before:.1f} dB rms before, {res_after:.1f} dB after); masses kept at the "
        "machine's scale, background force set to the recording's line-free level. "
        "Everything else as in the starting machine.\n"
    )
    out = copy.deepcopy(machine_from_dict(out, source=str(out["name"])).data)

    changes = []
    befores = [*modes0, *start[len(modes0) :]]
    for i, (b, a) in enumerate(zip(befores, modes1, strict=True)):
        if i in status:
            st = status[i]
        elif i >= len(modes0):
            st = f"added for the recording's resonance at {b['frequency_hz']:.5g} Hz"
        elif i in fitted:
            st = "fitted"
        elif participation(b, acc) == 0.0:
            st = f"not seen by {acc['name']}: kept"
        else:
            st = f"outside {band[0]:.0f}-{band[1]:.0f} Hz: kept"
        if i in fitted and a["damping_ratio"] >= 0.499:
            st += " (damping at its bound 0.5)"
        changes.append(ModeChange(b["name"], b, a, st))
    if model.noise > 1.2 * floor:
        notes.append(
            f"the recording's high-frequency floor ({floor:.3g} (m/s2)/sqrt(Hz)) lies below "
            f"the accelerometer's declared noise ({model.noise:.3g}): the sensor is quieter "
            "than the machine declares"
        )
    cal = Calibration(
        machine=out,
        base_name=base_name,
        signal=signal,
        source=where,
        accelerometer=acc,
        shaft=by_spectrum,
        shaft_envelope=by_envelope,
        shaft_hz=shaft_hz,
        shaft_declared_hz=declared,
        line=line,
        line_hz=line_used,
        quantities=[],
        modes=changes,
        background_before=float(vib["background_force_n_per_sqrt_hz"]),
        background_after=background,
        supply_before=supply_before,
        supply_after=supply_after,
        residual_db_before=res_before,
        residual_db_after=res_after,
        band_hz=band,
        resonances={float(p): reproduced.get(p) for p in sorted((*reproduced, *unreproduced))},
        mount=model.mount,
        notes=notes,
        spectra={
            "f_hz": f,
            "asd": asd,
            "smooth": smooth,
            "model_before": model_before,
            "model_after": model_after,
        },
    )
    given = "--shaft-rpm" if shaft_rpm else "the recording's shaft_rpm"
    cal.quantities = _quantities(
        cal, used=shaft, given=given, speed_why=speed_why, floor=floor, noise=model.noise
    )
    return cal


def _orders(orders: list[int]) -> str:
    if not orders:
        return "none"
    shown = ", ".join(str(k) for k in orders[:10])
    return shown + (f" and {len(orders) - 10} more" if len(orders) > 10 else "")


def _quantities(
    cal: Calibration, *, used: ShaftEstimate, given: str, speed_why: str, floor: float, noise: float
) -> list[Quantity]:
    """The table of estimates."""
    from .modal_fit import find_mode_candidates
    from .spectra import rms, velocity_rms_mm_s
    from .speed import line_at

    x, fs = cal.signal.x_m_s2 - np.mean(cal.signal.x_m_s2), cal.signal.fs_hz
    f, band, line = cal.spectra["f_hz"], cal.band_hz, cal.line

    def shaft_row(label: str, est: ShaftEstimate) -> Quantity:
        how = f"{est.method}; orders found: {_orders(est.orders)}"
        return Quantity(label, est.rpm, "rpm", how)

    q = [
        shaft_row("shaft speed, spectrum", cal.shaft),
        shaft_row("shaft speed, envelope", cal.shaft_envelope),
    ]
    q[0].how += f"; searched {speed_why}"
    if math.isfinite(cal.shaft_declared_hz):
        q.append(Quantity("shaft speed, used", 60.0 * cal.shaft_hz, "rpm", f"given ({given})"))
    else:
        which = "spectrum" if used is cal.shaft else "envelope"
        q.append(Quantity("shaft speed, used", 60.0 * cal.shaft_hz, "rpm", f"the {which} estimate"))
    if math.isfinite(line.family_hz):
        how = (
            f"{line.measured_hz:.3f} Hz from the line at {line.line_hz:.2f} Hz; twice-line "
            f"line {line.prominence_db:.1f} dB over its neighbourhood (other family "
            f"{line.other_db:.1f} dB): "
            + ("confident" if line.confident else f"not confident, {line.note}")
        )
    else:
        how = f"not determined: {line.note}"
    q.append(Quantity("line frequency, estimated", line.family_hz, "Hz", how))
    if cal.line_hz != line.family_hz and math.isfinite(cal.line_hz):
        q.append(Quantity("line frequency, used", cal.line_hz, "Hz", "given (--line-hz)"))
    f1, a1, p1 = line_at(x, fs, cal.shaft_hz, 0.01 * cal.shaft_hz)
    q += [
        Quantity("rms", float(rms(x)), "m/s2", "whole record, mean removed"),
        Quantity(
            "rms without narrow lines",
            math.sqrt(_band_power(f, cal.spectra["smooth"], (float(f[0]), float(f[-1])))),
            "m/s2",
            "integral of the median-smoothed ASD",
        ),
        Quantity(
            "velocity rms 10-1000 Hz",
            velocity_rms_mm_s(x, fs) if fs >= 2000.0 else math.nan,
            "mm/s",
            "ISO 10816 / 20816",
        ),
        Quantity("1x line", a1, "m/s2", f"at {f1:.2f} Hz, {p1:.1f} dB over its neighbourhood"),
    ]
    if math.isfinite(cal.line_hz) and 2.0 * cal.line_hz < 0.45 * fs:
        f2, a2, p2 = line_at(x, fs, 2.0 * cal.line_hz, 0.01 * cal.line_hz)
        how = f"at {f2:.2f} Hz, {p2:.1f} dB over its neighbourhood"
        q.append(Quantity("twice-line line", a2, "m/s2", how))
    peaks = find_mode_candidates(f, cal.spectra["asd"], 8, band_hz=band, rel_width=SMOOTHING)
    q += [
        Quantity(
            "high-frequency floor",
            floor,
            "(m/s2)/sqrt(Hz)",
            f"median ASD at {FLOOR_BAND[0]:g}-{FLOOR_BAND[1]:g} fs: at most the sensor noise "
            f"(declared {noise:.3g})",
        ),
        Quantity(
            "resonance peaks",
            ", ".join(f"{c:.0f}" for c in peaks),
            "Hz",
            "the most prominent peaks of the smoothed ASD in the fitted band",
        ),
        Quantity(
            "background force at rated speed",
            f"{cal.background_before:.4g} -> {cal.background_after:.4g}",
            "N/sqrt(Hz)",
            f"masses at the machine's scale, level matched over {band[0]:.0f}-{band[1]:.0f} Hz",
        ),
        Quantity(
            "log-ASD misfit (rms)",
            f"{cal.residual_db_before:.2f} -> {cal.residual_db_after:.2f}",
            "dB",
            f"{band[0]:.0f}-{band[1]:.0f} Hz; the mount as the stage realises it at "
            f"{fs:g} Hz: {cal.mount[0]:.0f} Hz, zeta {cal.mount[1]:.2f}",
        ),
    ]
    return q
