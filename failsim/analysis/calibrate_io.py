"""Reading a recording for ``failsim calibrate`` and writing what it calibrated: the machine
as YAML (atomically, never half-written) and a picture of the fit.

See :mod:`failsim.analysis.calibrate` for the calibration itself.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from ..errors import OutputError, SpecError
from .calibrate import Calibration
from .compare import Signal

__all__ = ["check_output", "plot_calibration", "read_recording", "write_machine"]

#: How :func:`failsim.analysis.compare.signal_from_file` names its options, and how
#: ``failsim calibrate`` names them.
_OPTION_NAMES = {
    "--real-column": "--column",
    "--real-unit": "--unit",
    "--real-rate": "--rate",
    "REAL": "RECORDING",
}


def read_recording(
    path: str | Path,
    *,
    column: str = "accel_g",
    unit: str = "g",
    rate_hz: float | None = None,
    recording: str | None = None,
) -> Signal:
    """A recording from a Parquet or CSV file, as
    :func:`failsim.analysis.compare.signal_from_file` reads it (one sample per row, the rate
    from ``rate_hz`` or a ``t_s`` column; or a table of recordings chosen by ``recording``,
    with its ``sample_rate_hz`` and ``shaft_rpm``), with errors that name this command's
    options.

    Raises
    ------
    failsim.errors.SpecError
        For a missing or non-numeric column, an unknown unit or recording, an unknown rate.
    failsim.errors.OutputError
        For a file that does not exist or cannot be read.
    """
    from .compare import signal_from_file

    try:
        return signal_from_file(
            path, column=column, unit=unit, rate_hz=rate_hz, recording=recording
        )
    except SpecError as exc:
        msg = exc.message
        for old, new in _OPTION_NAMES.items():
            msg = msg.replace(old, new)
        raise SpecError(
            msg,
            file=exc.file or str(path),
            field=_OPTION_NAMES.get(exc.field or "", exc.field),
            value=exc.value,
        ) from None
    except OutputError:
        raise
    except (ValueError, TypeError) as exc:
        raise SpecError(
            f"cannot read column {column!r} as numbers ({type(exc).__name__}: {exc}); the "
            "samples must be numeric",
            file=str(path),
            field="--column",
            value=column,
        ) from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot read the recording: {exc}") from None


# ------------------------------------------------------------------------------ output


def _header(cal: Calibration) -> str:
    rec = cal.signal
    lines = [
        f"{cal.machine['name']}: machine {cal.base_name} with its vibration calibrated by",
        f"failsim calibrate to {cal.source}",
        f"({rec.fs_hz:g} Hz, {rec.x_m_s2.size / rec.fs_hz:.3g} s, as accelerometer "
        f"{cal.accelerometer['name']}).",
        "",
        *cal.table().splitlines(),
        "",
        *cal.mode_table().splitlines(),
        *(f"note: {n}" for n in cal.notes),
    ]
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)


def check_output(path: str | Path, *, force: bool = False) -> None:
    """Refuse an output that is not a .yaml / .yml file, is a folder, or exists (unless
    ``force``).

    Raises
    ------
    failsim.errors.SpecError
        For a name without a YAML suffix.
    failsim.errors.OutputError
        For a folder, or an existing file without ``force``.
    """
    p = Path(path)
    if p.suffix.lower() not in (".yaml", ".yml"):
        raise SpecError(
            f"{str(p)!r} is not allowed: the calibrated machine is written as a .yaml or .yml file",
            field="--out",
            value=str(p),
        )
    if p.is_dir():
        raise OutputError(f"{p} is a folder: --out names the YAML file to write")
    if p.exists() and not force:
        raise OutputError(f"{p} exists: give --force to replace it")


def write_machine(cal: Calibration, out: str | Path, *, force: bool = False) -> Path:
    """Write the calibrated machine as YAML, atomically.

    The text (a header of comments with the estimates and the mode table, then the machine)
    is validated, written to a temporary file beside ``out`` and renamed onto it: ``out`` is
    either as it was or the whole new file.

    Parameters
    ----------
    cal : Calibration
        From :func:`calibrate`.
    out : str or Path
        The .yaml / .yml file to write; its folder is created if needed.
    force : bool, optional
        Replace an existing file.

    Returns
    -------
    Path

    Raises
    ------
    failsim.errors.OutputError
        If ``out`` exists and ``force`` is false, or cannot be written.
    """
    import yaml

    from ..spec import machine_from_dict

    path = Path(out)
    check_output(path, force=force)

    class Dumper(yaml.SafeDumper):
        pass

    def text_block(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = ">" if len(value) > 80 else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text_block)
    body = yaml.dump(cal.machine, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
    text = _header(cal) + body
    machine_from_dict(yaml.safe_load(text), source=str(path))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists() and not force:  # appeared meanwhile
            raise OutputError(f"{path} exists: give --force to replace it")
        os.replace(tmp, path)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def plot_calibration(cal: Calibration, png: str | Path) -> Path:
    """PNG of the measured ASD (raw and median-smoothed) against the model's before and after
    calibration, with the fitted modes; and the low-frequency amplitude spectrum with the
    shaft orders and the twice-line line marked."""
    from .plot import pyplot, save_figure

    plt = pyplot("calibrate")
    from .spectra import amplitude_spectrum

    s = cal.spectra
    f = s["f_hz"]
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(11, 8.5))
    ax.loglog(f, s["asd"], lw=0.4, color="0.7", label="recording (Welch)")
    ax.loglog(f, s["smooth"], lw=1.2, color="k", label="recording, median-smoothed")
    ax.loglog(f, s["model_before"], lw=1.0, ls="--", color="tab:blue", label="machine before")
    ax.loglog(f, s["model_after"], lw=1.2, color="tab:red", label="calibrated")
    for m in cal.modes:
        if m.status.startswith("fitted"):
            ax.axvline(m.after["frequency_hz"], color="tab:red", lw=0.5, alpha=0.4)
    ax.axvspan(*cal.band_hz, color="tab:orange", alpha=0.05, label="fitted band")
    ax.set(xlabel="f (Hz)", ylabel="ASD ((m/s²)/√Hz)", xlim=(max(float(f[0]), 1.0), f[-1]))
    ax.set_title(
        f"{cal.source} as {cal.accelerometer['name']}: log-ASD misfit "
        f"{cal.residual_db_before:.1f} dB before, {cal.residual_db_after:.1f} dB after",
        fontsize=9,
    )
    ax.legend(fontsize=8)
    fa, amp = amplitude_spectrum(cal.signal.x_m_s2, cal.signal.fs_hz)
    top = min(12.5 * cal.shaft_hz, 0.5 * cal.signal.fs_hz)
    keep = fa <= top
    ax2.semilogy(fa[keep], np.maximum(amp[keep], 1e-9), lw=0.6, color="k")
    for k in range(1, int(top / cal.shaft_hz) + 1):
        ax2.axvline(k * cal.shaft_hz, color="tab:blue", lw=0.6, ls="--", alpha=0.6)
    if math.isfinite(cal.line_hz):
        ax2.axvline(2.0 * cal.line_hz, color="tab:red", lw=0.8, ls=":")
    ax2.set(xlabel="f (Hz)", ylabel="amplitude (m/s²)", xlim=(0, top))
    ax2.set_title(
        f"amplitude spectrum: shaft orders at {60 * cal.shaft_hz:.1f} rpm (blue), twice line (red)",
        fontsize=9,
    )
    fig.tight_layout()
    return save_figure(fig, png)
