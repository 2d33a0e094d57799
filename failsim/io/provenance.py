"""Provenance written into the metadata of every file failsim produces."""

from __future__ import annotations

import json
import platform

import numba
import numpy
import pyarrow
import scipy

from .._version import __version__
from ..streams import SCHEMA_VERSION

METADATA_KEY = b"failsim"


def library_versions() -> dict[str, str]:
    return {
        "failsim": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "numba": numba.__version__,
        "pyarrow": pyarrow.__version__,
    }


def file_metadata(**fields: object) -> dict[bytes, bytes]:
    """Parquet key-value metadata: one JSON document under the key ``failsim``."""
    doc = {"schema_version": SCHEMA_VERSION, "versions": library_versions(), **fields}
    return {METADATA_KEY: json.dumps(doc, sort_keys=True).encode("utf-8")}


def read_file_metadata(schema_metadata: dict[bytes, bytes] | None) -> dict:
    """The provenance document of a failsim file (empty if there is none)."""
    if not schema_metadata or METADATA_KEY not in schema_metadata:
        return {}
    return json.loads(schema_metadata[METADATA_KEY])
