"""A picture of one run's vibration: time series, spectrum and squared-envelope spectrum,
marked with the machine's own bearing defect frequencies at the run's measured speed."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pyarrow.parquet as pq

from ..errors import MissingDependencyError, OutputError, SpecError
from ..io.layout import runs_path, stream_path
from ..io.provenance import read_file_metadata
from .spectra import amplitude_spectrum, squared_envelope_spectrum

#: colours of the defect-frequency markers
_MARKERS = {"ftf": "tab:gray", "bpfo": "tab:red", "bpfi": "tab:blue", "bsf2": "tab:green"}


def _select_run(out_dir: Path, run_id: str | None) -> dict:
    path = runs_path(out_dir)
    if not path.exists():
        raise OutputError(f"{out_dir}: no runs.parquet here; is it a failsim output directory?")
    runs = pq.read_table(path).to_pylist()
    ok = [r for r in runs if r["status"] == "completed"]
    if run_id is None:
        if not ok:
            raise OutputError(f"{path}: no completed run to plot")
        return ok[0]
    for r in runs:
        if r["run_id"] == run_id:
            return r
    known = ", ".join(r["run_id"] for r in runs)
    raise SpecError(f"no run {run_id!r}; runs here: {known}", file=str(path), field="--run-id")


def _running_segment(t: np.ndarray, states: np.ndarray) -> tuple[float, float]:
    """The longest stretch in machine state 'running' (the second half of the run if the
    machine never ran)."""
    running = np.asarray(states).astype(str) == "running"
    if not running.any():
        return 0.5 * float(t[-1]), float(t[-1])
    edges = np.flatnonzero(np.diff(np.concatenate([[0], running.astype(np.int8), [0]])))
    starts, ends = edges[::2], edges[1::2]
    k = int(np.argmax(ends - starts))
    return float(t[starts[k]]), float(t[ends[k] - 1])


class Segment(NamedTuple):
    """What :func:`vibration_segment` reads."""

    run: dict
    meta: dict
    channel: str
    t_s: np.ndarray
    x: np.ndarray
    shaft_hz: float
    t0: float
    t1: float


def pyplot(command: str):
    """matplotlib's pyplot on the Agg backend, or one message naming the extra to install."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the install
        raise MissingDependencyError(
            f"failsim {command} needs matplotlib: pip install 'failsim[plot]'"
        ) from None
    return plt


def save_figure(fig, png: str | Path) -> Path:
    """Write a figure as PNG (110 dpi), making its folder; close it; return the path."""
    import matplotlib.pyplot as plt

    out = Path(png)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def vibration_segment(
    out_dir: str | Path,
    *,
    run_id: str | None = None,
    channel: str | None = None,
    start_s: float | None = None,
    duration_s: float | None = None,
    channel_option: str = "--channel",
) -> Segment:
    """One vibration channel of a run in an output directory, over a segment.

    Defaults: the first completed run, its first accelerometer, the longest stretch in state
    running (from ``start_s`` to the end when given; ``duration_s`` long when given).

    Returns
    -------
    Segment
        The run's row of ``runs.parquet``, the vibration file's provenance, the channel's
        name, the segment's times (s) and samples (m/s², float64), the mean shaft frequency
        of the encoder over it (Hz; nan if it holds no process sample), its bounds (s).
    """
    out_dir = Path(out_dir)
    run = _select_run(out_dir, run_id)
    vib_path = stream_path(out_dir, "vibration", run["scenario"], run["run_id"])
    if not vib_path.exists():
        raise OutputError(f"run {run['run_id']} has no vibration stream ({vib_path} missing)")
    table = pq.read_table(vib_path)
    meta = read_file_metadata(table.schema.metadata)
    accel_cols = [n for n in table.schema.names if n.startswith("accel_")]
    channel = channel or accel_cols[0]
    if channel not in accel_cols:
        raise SpecError(
            f"no vibration channel {channel!r}; channels: {', '.join(accel_cols)}",
            field=channel_option,
        )
    t = table.column("t_s").to_numpy()
    t_end = t[-1] if t.size else 0.0
    if start_s is None:
        t0, t1 = _running_segment(t, table.column("machine_state").to_numpy(zero_copy_only=False))
        if duration_s is not None:
            t1 = t0 + duration_s
    else:
        t0 = start_s
        t1 = t_end if duration_s is None else t0 + duration_s
    sel = (t >= t0) & (t <= t1)
    x = table.column(channel).to_numpy().astype(np.float64)[sel]
    proc = pq.read_table(stream_path(out_dir, "process", run["scenario"], run["run_id"]))
    tp = proc.column("t_s").to_numpy()
    speed = proc.column("speed_rpm").to_numpy()
    psel = (tp > t0) & (tp <= t1)
    f_r = float(np.mean(speed[psel])) / 60.0 if psel.any() else float("nan")
    return Segment(run, meta, channel, t[sel], x, f_r, t0, t1)


def plot_run(
    out_dir: str | Path,
    *,
    run_id: str | None = None,
    channel: str | None = None,
    band_hz: tuple[float, float] | None = None,
    start_s: float | None = None,
    duration_s: float | None = None,
    png: str | Path | None = None,
) -> Path:
    """Write a PNG of one run's vibration channel; returns its path.

    Parameters
    ----------
    out_dir: a failsim output directory (with ``runs.parquet``).
    run_id: which run (default: the first completed one).
    channel: vibration column (default: the first accelerometer).
    band_hz: demodulation band of the squared-envelope spectrum (default 0.1-0.4 fs).
    start_s, duration_s: analysed segment (default: the longest stretch in state running).
    png: output file (default ``<out_dir>/plots/<run_id>__<channel>.png``).
    """
    plt = pyplot("plot")
    out_dir = Path(out_dir)
    seg = vibration_segment(
        out_dir, run_id=run_id, channel=channel, start_s=start_s, duration_s=duration_s
    )
    run, meta, channel, ts, x, f_r = seg[:6]
    fs = float(meta["sample_rate_hz"])
    if x.size < 64:
        raise SpecError(
            f"the segment {seg.t0:g}-{seg.t1:g} s holds {x.size} samples; choose a longer one",
            field="--start/--duration",
        )
    band = band_hz or (0.1 * fs, 0.4 * fs)

    fig, axes = plt.subplots(3, 1, figsize=(11, 10))
    zoom = ts < ts[0] + min(0.25, ts[-1] - ts[0])
    axes[0].plot(ts[zoom], x[zoom], lw=0.6)
    axes[0].set(xlabel="t (s)", ylabel=f"{channel} (m/s²)")
    axes[0].set_title(
        f"run {run['run_id']}: {run['scenario']} on {run['machine']}, seed {run['seed']}; "
        f"shaft {f_r * 60:.1f} rpm",
        fontsize=10,
    )
    f, a = amplitude_spectrum(x, fs)
    axes[1].semilogy(f, np.maximum(a, 1e-12), lw=0.5)
    axes[1].axvspan(*band, color="tab:orange", alpha=0.08, label="envelope band")
    axes[1].set(xlabel="f (Hz)", ylabel="amplitude (m/s²)", xlim=(0, fs / 2))
    axes[1].legend(loc="upper right", fontsize=8)
    fe, ses = squared_envelope_spectrum(x, fs, band_hz=band)
    mult = meta.get("bearing_multipliers", {})
    top = 6.0 * max([m["bpfi"] for m in mult.values()] + [5.0]) * f_r
    top = min(top if np.isfinite(top) else 500.0, fs / 2)
    keep = fe <= top
    axes[2].plot(fe[keep], ses[keep], lw=0.6, color="k")
    axes[2].set(
        xlabel="f (Hz)", ylabel="squared envelope", xlim=(0, top),
        title=f"squared-envelope spectrum, band {band[0]:.0f}-{band[1]:.0f} Hz",
    )  # fmt: skip
    if np.isfinite(f_r):
        styles = ("-", "--", ":", "-.")
        for i, (name, m) in enumerate(sorted(mult.items())):
            lines = {"ftf": m["ftf"], "bpfo": m["bpfo"], "bpfi": m["bpfi"], "bsf2": 2 * m["bsf"]}
            for key, value in lines.items():
                axes[2].axvline(
                    value * f_r, color=_MARKERS[key], ls=styles[i % 4], lw=0.8, alpha=0.7,
                    label=f"{name} {key.upper()} {value * f_r:.1f} Hz",
                )  # fmt: skip
        for k in range(1, 4):
            axes[2].axvline(k * f_r, color="tab:purple", lw=0.5, alpha=0.4)
        axes[2].legend(loc="upper right", fontsize=7, ncol=2)
    fig.tight_layout()
    target = Path(png) if png else out_dir / "plots" / f"{run['run_id']}__{channel}.png"
    return save_figure(fig, target)
