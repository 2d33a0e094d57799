"""The one place for Numba options and numeric defaults.

Numba kernels import ``NUMBA_OPTIONS`` from here, so caching and floating-point semantics are
set in one place. ``fastmath`` stays off: results must be bit-reproducible across runs,
processes and chunk sizes.
"""

from __future__ import annotations

import os

#: Options passed to every ``numba.njit`` in failsim. ``cache=True`` writes compiled kernels
#: next to their modules (or to ``NUMBA_CACHE_DIR``) so a second process starts fast.
NUMBA_OPTIONS: dict[str, object] = {
    "cache": os.environ.get("FAILSIM_NUMBA_CACHE", "1") != "0",
    "fastmath": False,
    "nogil": True,
    "error_model": "numpy",
}

#: Default electro-mechanical solver rate (fixed-step RK4), Hz. 20 kHz = 50 us step.
DEFAULT_SOLVER_RATE_HZ = 20_000

#: Default thermal / relay sub-cycle: one thermal step every this many solver steps.
DEFAULT_THERMAL_SUBSTEPS = 200

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
