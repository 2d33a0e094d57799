"""Random generators: one SeedSequence per run, one generator per named component.

Generators are keyed by the component's name, not by the order in which they are created, so
adding a sensor never changes the noise of another, and runs are identical serially and in a
process pool.
"""

from __future__ import annotations

import hashlib

import numpy as np


def _name_key(name: str) -> tuple[int, ...]:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


def component_rng(seed: int, name: str) -> np.random.Generator:
    """Generator for component ``name`` of the run with ``seed`` (PCG64)."""
    ss = np.random.SeedSequence(entropy=int(seed), spawn_key=_name_key(name))
    return np.random.Generator(np.random.PCG64(ss))
