"""A simulated vibration channel beside a real recording: statistics side by side and a picture
of both spectra and squared-envelope spectra, marked with the bearing's defect frequencies.

Used by ``failsim compare SIMULATED REAL``. Both signals are brought to one sample rate (the
lower of the two, by polyphase resampling) and to m/s² before anything is computed, so that
neither the rate nor the unit tells them apart.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import OutputError, SpecError
from .features import FEATURE_NAMES, bearing_features
from .spectra import (
    amplitude_spectrum,
    crest_factor,
    iso10816_zone,
    kurtosis,
    rms,
    squared_envelope_spectrum,
    velocity_rms_mm_s,
)

G_M_S2 = 9.80665
UNITS = {"g": G_M_S2, "m/s2": 1.0, "m_s2": 1.0, "mm/s2": 1e-3}


@dataclass
class Signal:
    """One acceleration record to compare.

    Attributes
    ----------
    name: label in tables and plots.
    x_m_s2: samples, m/s².
    fs_hz: sample rate, Hz.
    shaft_hz: shaft frequency during the record, Hz (nan if unknown).
    """

    name: str
    x_m_s2: np.ndarray
    fs_hz: float
    shaft_hz: float

    def resampled(self, fs_hz: float) -> Signal:
        """The same record at another sample rate (polyphase, with its anti-alias filter)."""
        if fs_hz == self.fs_hz:
            return self
        from scipy.signal import resample_poly

        ratio = Fraction(fs_hz / self.fs_hz).limit_denominator(1000)
        x = resample_poly(self.x_m_s2, ratio.numerator, ratio.denominator)
        return Signal(self.name, x, fs_hz, self.shaft_hz)


def signal_from_run(
    out_dir: str | Path,
    *,
    run_id: str | None = None,
    channel: str | None = None,
    start_s: float | None = None,
    duration_s: float | None = None,
) -> tuple[Signal, dict]:
    """A vibration channel of a simulated run (default: the first completed run, its first
    accelerometer, the longest stretch in state running). Returns the signal and the
    vibration file's provenance metadata."""
    from .plot import vibration_segment

    seg = vibration_segment(
        out_dir,
        run_id=run_id,
        channel=channel,
        start_s=start_s,
        duration_s=duration_s,
        channel_option="--sim-channel",
    )
    run, meta, channel, _, x, shaft = seg[:6]
    name = f"simulated {run['run_id']} {channel}"
    return Signal(name, x, float(meta["sample_rate_hz"]), shaft), meta


def signal_from_file(
    path: str | Path,
    *,
    column: str,
    unit: str = "g",
    rate_hz: float | None = None,
    recording: str | None = None,
    shaft_rpm: float | None = None,
) -> Signal:
    """A real record from a Parquet or CSV file.

    Either one sample per row (``column``; the rate from ``rate_hz`` or a ``t_s`` column), or
    one recording per row with the samples as a list in ``column`` (the CWRU table layout),
    chosen by ``recording`` (a ``recording`` column), with its ``sample_rate_hz`` and
    ``shaft_rpm`` columns used where the options do not give them.
    """
    p = Path(path)
    if not p.exists():
        raise OutputError(f"{p}: no such file")
    if unit not in UNITS:
        raise SpecError(
            f"unknown unit {unit!r}; allowed: {', '.join(UNITS)}", field="--real-unit", value=unit
        )
    if p.suffix.lower() == ".csv":
        df = pd.read_csv(p)
    elif p.suffix.lower() in (".parquet", ".pq"):
        df = pd.read_parquet(p)
    else:
        raise SpecError(
            f"{p}: a real recording must be a .parquet or .csv file", field="REAL", value=str(p)
        )
    if column not in df.columns:
        raise SpecError(
            f"no column {column!r}; columns: {', '.join(map(str, df.columns))}",
            file=str(p),
            field="--real-column",
        )
    first = df[column].iloc[0] if len(df) else None
    if isinstance(first, (list, np.ndarray)):  # one recording per row
        if "recording" not in df.columns:
            raise SpecError("a table of recordings needs a 'recording' column", file=str(p))
        names = df["recording"].astype(str).tolist()
        if recording not in names:
            raise SpecError(
                f"choose a recording with --recording; recordings: {', '.join(names)}",
                file=str(p),
                field="--recording",
                value=recording,
            )
        row = df[df["recording"].astype(str) == recording].iloc[0]
        x = np.asarray(row[column], dtype=np.float64)
        rate_hz = rate_hz or float(row.get("sample_rate_hz", math.nan))
        if shaft_rpm is None and "shaft_rpm" in row:
            shaft_rpm = float(row["shaft_rpm"])
        name = f"real {recording}"
    else:
        x = df[column].to_numpy(dtype=np.float64)
        if rate_hz is None and "t_s" in df.columns and len(df) > 1:
            rate_hz = 1.0 / float(np.median(np.diff(df["t_s"].to_numpy(dtype=np.float64))))
        name = f"real {p.name} {column}"
    if not rate_hz or not math.isfinite(rate_hz) or rate_hz <= 0:
        raise SpecError(
            "the sample rate is not known: give --real-rate (Hz)", file=str(p), field="--real-rate"
        )
    shaft = float(shaft_rpm) / 60.0 if shaft_rpm else math.nan
    return Signal(name, x * UNITS[unit], float(rate_hz), shaft)


def _bands(fs: float) -> list[tuple[float, float]]:
    edges = [0.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0, 16000.0]
    top = fs / 2.0
    return [(lo, min(hi, top)) for lo, hi in itertools.pairwise(edges) if lo < top]


def _band_rms(x: np.ndarray, fs: float, lo: float, hi: float) -> float:
    spec = np.fft.rfft(x - x.mean())
    f = np.fft.rfftfreq(len(x), 1.0 / fs)
    inside = (f >= lo) & (f < hi)
    power = 2.0 * np.sum(np.abs(spec[inside]) ** 2) / len(x) ** 2
    return float(math.sqrt(power))


def compare_signals(
    signals: list[Signal],
    *,
    orders: dict[str, float] | None = None,
    machine_class: str = "I",
) -> pd.DataFrame:
    """Statistics of each signal (columns) side by side (rows), at one common sample rate.

    Rows: rms, peak (m/s²), crest factor, kurtosis, velocity rms 10-1000 Hz (mm/s) and its
    ISO 10816 / 20816 zone for ``machine_class``, rms in octave-like bands (m/s²), and with
    ``orders`` the bearing features of :func:`failsim.analysis.features.bearing_features`.
    """
    fs = min(s.fs_hz for s in signals)
    common = [s.resampled(fs) for s in signals]
    table: dict[str, dict[str, object]] = {}
    for s in common:
        x = s.x_m_s2
        v = velocity_rms_mm_s(x, fs)
        col: dict[str, object] = {
            "sample rate compared [Hz]": fs,
            "duration [s]": len(x) / fs,
            "shaft speed [rpm]": s.shaft_hz * 60.0,
            "rms [m/s2]": float(rms(x)),
            "peak [m/s2]": float(np.max(np.abs(x - x.mean()))),
            "crest factor [-]": float(crest_factor(x)),
            "kurtosis [-]": float(kurtosis(x)),
            "velocity rms 10-1000 Hz [mm/s]": v,
            f"ISO 10816/20816 zone (class {machine_class})": str(iso10816_zone(v, machine_class)),
        }
        for lo, hi in _bands(fs):
            col[f"rms {lo:g}-{hi:g} Hz [m/s2]"] = _band_rms(x, fs, lo, hi)
        if orders is not None and math.isfinite(s.shaft_hz):
            feats = bearing_features(x, fs, s.shaft_hz, orders)
            for name, value in zip(FEATURE_NAMES, feats, strict=True):
                col[name] = float(value)
        table[s.name] = col
    return pd.DataFrame(table)


def plot_comparison(
    signals: list[Signal],
    png: str | Path,
    *,
    orders: dict[str, float] | None = None,
    band_hz: tuple[float, float] | None = None,
) -> Path:
    """PNG of the signals' amplitude spectra and squared-envelope spectra (one common rate),
    the latter marked with FTF, BPFO, BPFI and 2 x BSF at each signal's shaft speed."""
    from .plot import pyplot, save_figure

    plt = pyplot("compare")
    fs = min(s.fs_hz for s in signals)
    common = [s.resampled(fs) for s in signals]
    band = band_hz or (0.15 * fs, 0.45 * fs)
    fig, axes = plt.subplots(1 + len(common), 1, figsize=(11, 3.2 * (1 + len(common))))
    for s in common:
        f, a = amplitude_spectrum(s.x_m_s2, fs)
        axes[0].semilogy(f, np.maximum(a, 1e-9), lw=0.5, label=s.name)
    axes[0].axvspan(*band, color="tab:orange", alpha=0.08, label="envelope band")
    axes[0].set(xlabel="f (Hz)", ylabel="amplitude (m/s²)", xlim=(0, fs / 2))
    axes[0].legend(fontsize=8)
    colours = {"ftf": "tab:gray", "bpfo": "tab:red", "bpfi": "tab:blue", "ball": "tab:green"}
    for ax, s in zip(axes[1:], common, strict=True):
        fe, ses = squared_envelope_spectrum(s.x_m_s2, fs, band)
        top = 600.0 if not math.isfinite(s.shaft_hz) else 12.0 * s.shaft_hz
        keep = fe <= top
        ax.plot(fe[keep], ses[keep], lw=0.6, color="k")
        if orders is not None and math.isfinite(s.shaft_hz):
            lines = {
                "ftf": orders["ftf"],
                "bpfo": orders["bpfo"],
                "bpfi": orders["bpfi"],
                "ball": 2.0 * orders["bsf"],
            }
            for key, order in lines.items():
                ax.axvline(order * s.shaft_hz, color=colours[key], lw=0.8, ls="--", label=key)
            ax.legend(fontsize=8, loc="upper right")
        ax.set(xlabel="f (Hz)", ylabel="squared envelope (m/s²)²", xlim=(0, top))
        ax.set_title(
            f"{s.name}: squared-envelope spectrum, band {band[0]:g}-{band[1]:g} Hz", fontsize=9
        )
    fig.tight_layout()
    return save_figure(fig, png)


def orders_from_metadata(meta: dict, bearing: str | None) -> dict[str, float] | None:
    """Characteristic orders of a bearing from a vibration file's metadata (by bearing name),
    or of a catalogue designation (e.g. ``6205``)."""
    mult = meta.get("bearing_multipliers") or {}
    if bearing is None:
        if not mult:
            return None
        bearing = next(iter(mult))
    if bearing in mult:
        m = mult[bearing]
        return {k: float(m[k]) for k in ("ftf", "bpfo", "bpfi", "bsf")}
    from ..catalogue.bearings import lookup_bearing
    from ..physics.bearing import multipliers

    try:
        m = multipliers(lookup_bearing(bearing).geometry)
    except (KeyError, ValueError, SpecError):
        known = ", ".join(mult)
        raise SpecError(
            f"unknown bearing {bearing!r}: a bearing of the machine ({known}) or a catalogue "
            "designation such as 6205",
            field="--bearing",
        ) from None
    return {"ftf": m.ftf, "bpfo": m.bpfo, "bpfi": m.bpfi, "bsf": m.bsf}
