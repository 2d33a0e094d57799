"""Access to real bearing-fault recordings of the CWRU Bearing Data Center.

The Case Western Reserve University test rig (a 2 hp induction motor, single-point EDM defects
seeded into an SKF 6205-2RS drive-end bearing) is the most used public benchmark of bearing
diagnosis. failsim uses a table of its recordings to check its analysis tools and to compare
simulated signatures with measured ones. The recordings are not shipped with failsim: point
:func:`load_cwru` at a Parquet file with one row per recording (columns ``recording``,
``sample_rate_hz``, ``shaft_rpm``, ``accel_g`` holding the samples, and any metadata such as
``fault_class``, ``fault_size_in``, ``fault_position``, ``load_hp``), either by argument or with
the environment variable ``FAILSIM_CWRU_PATH``.

Cite the CWRU Bearing Data Center when using the data, and Smith & Randall (2015) for the
benchmark analysis of it.

References
----------
.. [1] Case Western Reserve University Bearing Data Center, seeded-fault test data.
.. [2] W. A. Smith, R. B. Randall, "Rolling element bearing diagnostics using the Case Western
   Reserve University data: A benchmark study", Mech. Syst. Signal Process. 64-65, 2015.
"""

from __future__ import annotations

import difflib
import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from failsim.errors import OutputError, SpecError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CWRU_PATH_ENV", "DEFAULT_CWRU_PATH", "cwru_path", "cwru_record", "load_cwru"]

#: Environment variable that points at the CWRU Parquet file.
CWRU_PATH_ENV = "FAILSIM_CWRU_PATH"

#: Where the 0 hp drive-end table is looked for when neither an argument nor the environment
#: variable names a file.
DEFAULT_CWRU_PATH = Path("/work/shared/data/cwru/cwru_0hp_drive_end.parquet")

_REQUIRED_COLUMNS = ("recording", "sample_rate_hz", "shaft_rpm", "accel_g")


def cwru_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The CWRU file to read: ``path``, else ``$FAILSIM_CWRU_PATH``, else the default.

    Parameters
    ----------
    path : str or path-like, optional
        Explicit file.

    Returns
    -------
    pathlib.Path
        The chosen path (not checked for existence).
    """
    if path is not None:
        return Path(path)
    env = os.environ.get(CWRU_PATH_ENV)
    if env:
        return Path(env)
    return DEFAULT_CWRU_PATH


def _missing(where: Path) -> OutputError:
    return OutputError(
        f"CWRU recordings not found at {where}: the real data is not part of failsim; "
        f"pass the path of the Parquet file or set {CWRU_PATH_ENV}"
    )


def _read(resolved: str) -> pd.DataFrame:
    import pandas as pd

    try:
        table = pd.read_parquet(resolved)
    except Exception as exc:  # pyarrow raises several kinds for a file that is not Parquet
        raise OutputError(f"cannot read CWRU recordings from {resolved}: {exc}") from exc
    missing = [c for c in _REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise OutputError(
            f"{resolved} is not a CWRU recording table: missing column(s) {', '.join(missing)}"
        )
    return table


@functools.lru_cache(maxsize=2)
def _read_cached(resolved: str, mtime_ns: int) -> pd.DataFrame:
    # Only cwru_record reads from this cache, and it copies what it returns.
    return _read(resolved)


def _existing(path: str | os.PathLike[str] | None) -> tuple[Path, Path]:
    where = cwru_path(path)
    if not where.is_file():
        raise _missing(where)
    return where, where.resolve()


def load_cwru(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The table of CWRU recordings, one row per recording.

    Parameters
    ----------
    path : str or path-like, optional
        Parquet file; defaults to ``$FAILSIM_CWRU_PATH``, then :data:`DEFAULT_CWRU_PATH`.

    Returns
    -------
    pandas.DataFrame
        At least the columns ``recording`` (CWRU name, e.g. "IR007_0"), ``sample_rate_hz``,
        ``shaft_rpm`` and ``accel_g`` (the samples of each recording, acceleration in g), plus
        the metadata columns of the file. Read afresh on each call.

    Raises
    ------
    failsim.errors.OutputError
        If the file does not exist, cannot be read, or lacks the required columns.
    """
    return _read(str(_existing(path)[1]))


def cwru_record(
    name: str, path: str | os.PathLike[str] | None = None
) -> tuple[np.ndarray, int, dict[str, Any]]:
    """One CWRU recording: its samples, sample rate and metadata.

    Parameters
    ----------
    name : str
        Recording name as in the ``recording`` column, e.g. "IR007_0", "OR007@6_0", "Normal_0".
    path : str or path-like, optional
        Parquet file (see :func:`load_cwru`).

    Returns
    -------
    signal_g : ndarray of float64
        Acceleration samples, g (a fresh array).
    fs : int
        Sample rate, Hz (12000 for the CWRU fault recordings, 48000 for the normal baseline).
    meta : dict
        Every other column of the row (``shaft_rpm``, ``fault_class``, ``fault_size_in``, ...),
        as plain Python values.

    Raises
    ------
    failsim.errors.OutputError
        If the file is missing or unreadable.
    failsim.errors.SpecError
        If there is no recording of that name (the message suggests the closest).
    """
    where, resolved = _existing(path)
    table = _read_cached(str(resolved), resolved.stat().st_mtime_ns)
    names = [str(n) for n in table["recording"]]
    if name not in names:
        match = difflib.get_close_matches(str(name), names, n=1, cutoff=0.5)
        hint = f"did you mean {match[0]!r}? " if match else ""
        raise SpecError(
            f"no recording {name!r}; {hint}available: {', '.join(names)}",
            file=str(where),
            field="recording",
            value=name,
        )
    row = table.iloc[names.index(name)]
    signal = np.array(row["accel_g"], dtype=np.float64)
    fs = int(row["sample_rate_hz"])
    meta = {
        str(col): (row[col].item() if hasattr(row[col], "item") else row[col])
        for col in table.columns
        if col != "accel_g"
    }
    return signal, fs, meta
