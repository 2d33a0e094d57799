"""The one place for Numba options and numeric defaults.

Numba kernels import ``NUMBA_OPTIONS`` from here, so caching and floating-point semantics are
set in one place. ``fastmath`` stays off: results must be bit-reproducible across runs,
processes and chunk sizes.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

#: Options passed to every ``numba.njit`` in failsim. ``cache=True`` writes compiled kernels
#: next to their modules (or to ``NUMBA_CACHE_DIR``) so a second process starts fast.
NUMBA_OPTIONS: dict[str, object] = {
    "cache": os.environ.get("FAILSIM_NUMBA_CACHE", "1") != "0",
    "fastmath": False,
    "nogil": True,
    "error_model": "numpy",
}

#: packages whose Numba kernels are cached; the cache directory is keyed by their sources
_KERNEL_PACKAGES = ("kernels", "vibration", "sensors")


def _kernel_source_hash() -> str:
    """Hash of every kernel source and of this file: a change anywhere gets a fresh cache.

    Numba keys its cache on the source file of each kernel only, so a constant changed in
    another module (the array layout, say) would otherwise reuse stale machine code.
    """
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    files = [Path(__file__).resolve()]
    for pkg in _KERNEL_PACKAGES:
        files.extend(sorted((root / pkg).glob("*.py")))
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _configure_numba_cache() -> None:
    """Point Numba's cache at a directory of its own for this exact kernel source, unless
    the user chose one with NUMBA_CACHE_DIR."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "failsim", "numba", _kernel_source_hash())
    os.environ["NUMBA_CACHE_DIR"] = path
    numba_mod = sys.modules.get("numba")
    if numba_mod is not None:  # numba already imported: tell its config directly
        numba_mod.config.CACHE_DIR = path


_configure_numba_cache()

#: Default electro-mechanical solver rate (fixed-step RK4), Hz. 10 kHz = 100 us step.
DEFAULT_SOLVER_RATE_HZ = 10_000

#: Default thermal / relay sub-cycle: one thermal step every this many solver steps.
DEFAULT_THERMAL_SUBSTEPS = None  # whole supply half-periods near 20 ms

#: Default chunk length, s. State is carried across chunks; memory is bounded by one chunk.
DEFAULT_CHUNK_S = 1.0

#: Default stream sample rates, Hz.
DEFAULT_CURRENT_RATE_HZ = 10_000
DEFAULT_PROCESS_RATE_HZ = 10

#: Capacity of the in-kernel event log per chunk.
EVENT_LOG_CAPACITY = 4096

#: Rows per Parquet row group, per stream (fixed so files do not depend on the chunk size).
ROW_GROUP_ROWS = 1 << 20

#: zstd level for Parquet output.
ZSTD_LEVEL = 1
