"""Catalogues of standard parts shipped with failsim.

- :mod:`failsim.catalogue.bearings`: rolling bearings (geometry, dimensions, load ratings, with
  sources), read from ``bearings.yaml`` inside this package.
"""

from __future__ import annotations

from failsim.catalogue.bearings import (
    CatalogueBearing,
    load_bearing_catalogue,
    lookup_bearing,
)

__all__ = ["CatalogueBearing", "load_bearing_catalogue", "lookup_bearing"]
