"""The bundled rolling-bearing catalogue (``bearings.yaml``, shipped inside the package).

Each entry maps a basic designation ("6205") to its internal geometry (ball count, ball and
pitch diameters, contact angle), boundary dimensions and load ratings, with a ``source`` naming
where the numbers come from. :func:`lookup_bearing` accepts the designations written on real
bearings and in datasets: a maker's prefix ("SKF 6205") and suffixes for seals, shields,
clearance or cage ("6205-2RS1/C3", "6205-2RS JEM") are ignored, since they leave the ball set
unchanged.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from dataclasses import dataclass, fields
from importlib import resources
from typing import Any

import yaml

from failsim.errors import SpecError
from failsim.physics.bearing import BearingGeometry

__all__ = ["CATALOGUE_FILE", "CatalogueBearing", "load_bearing_catalogue", "lookup_bearing"]

#: Name of the catalogue file inside the :mod:`failsim.catalogue` package.
CATALOGUE_FILE = "bearings.yaml"

_FLOAT_FIELDS = (
    "element_diameter_m",
    "pitch_diameter_m",
    "contact_angle_deg",
    "bore_m",
    "outer_diameter_m",
    "width_m",
    "dynamic_load_rating_n",
    "static_load_rating_n",
)


@dataclass(frozen=True)
class CatalogueBearing:
    """One catalogue entry: geometry, boundary dimensions and load ratings of a bearing.

    Attributes
    ----------
    designation : str
        Basic designation, e.g. "6205".
    n_elements : int
        Number of rolling elements Z.
    element_diameter_m : float
        Ball diameter d, m.
    pitch_diameter_m : float
        Pitch diameter D, m.
    contact_angle_deg : float
        Contact angle α, degrees.
    bore_m : float
        Bore diameter, m.
    outer_diameter_m : float
        Outside diameter, m.
    width_m : float
        Width, m.
    dynamic_load_rating_n : float
        Basic dynamic load rating C, N (ISO 281).
    static_load_rating_n : float
        Basic static load rating C_0, N (ISO 76).
    source : str
        Where the numbers come from.
    """

    designation: str
    n_elements: int
    element_diameter_m: float
    pitch_diameter_m: float
    contact_angle_deg: float
    bore_m: float
    outer_diameter_m: float
    width_m: float
    dynamic_load_rating_n: float
    static_load_rating_n: float
    source: str

    @property
    def geometry(self) -> BearingGeometry:
        """The kinematic geometry, for :mod:`failsim.physics.bearing`."""
        return BearingGeometry(
            n_elements=self.n_elements,
            element_diameter_m=self.element_diameter_m,
            pitch_diameter_m=self.pitch_diameter_m,
            contact_angle_deg=self.contact_angle_deg,
        )

    @property
    def mean_diameter_m(self) -> float:
        """Mean diameter d_m = (bore + outside diameter) / 2, m (used by friction models)."""
        return 0.5 * (self.bore_m + self.outer_diameter_m)


_FIELD_NAMES = tuple(f.name for f in fields(CatalogueBearing) if f.name != "designation")


def _catalogue_text() -> str:
    return resources.files("failsim.catalogue").joinpath(CATALOGUE_FILE).read_text("utf-8")


def _suggest(word: str, names: list[str]) -> str:
    match = difflib.get_close_matches(word, names, n=1, cutoff=0.5)
    return f"did you mean {match[0]!r}? " if match else ""


def _parse_entry(designation: str, raw: Any) -> CatalogueBearing:
    where = f"bearings.{designation}"
    if not isinstance(raw, dict):
        raise SpecError("each bearing must be a mapping", file=CATALOGUE_FILE, field=where)
    unknown = sorted(set(raw) - set(_FIELD_NAMES))
    if unknown:
        key = str(unknown[0])
        raise SpecError(
            f"unknown key {key!r}; {_suggest(key, list(_FIELD_NAMES))}"
            f"allowed: {', '.join(_FIELD_NAMES)}",
            file=CATALOGUE_FILE,
            field=f"{where}.{key}",
        )
    missing = [name for name in _FIELD_NAMES if name not in raw]
    if missing:
        raise SpecError(f"missing key(s): {', '.join(missing)}", file=CATALOGUE_FILE, field=where)
    values: dict[str, Any] = {"designation": designation}
    z = raw["n_elements"]
    if isinstance(z, bool) or not isinstance(z, int) or z < 1:
        raise SpecError(
            "must be an integer >= 1",
            file=CATALOGUE_FILE,
            field=f"{where}.n_elements",
            value=z,
        )
    values["n_elements"] = z
    for name in _FLOAT_FIELDS:
        value = raw[name]
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok or not math.isfinite(float(value)):
            raise SpecError(
                "must be a finite number", file=CATALOGUE_FILE, field=f"{where}.{name}", value=value
            )
        values[name] = float(value)
    source = raw["source"]
    if not isinstance(source, str) or not source.strip():
        raise SpecError(
            "must name where the numbers come from",
            file=CATALOGUE_FILE,
            field=f"{where}.source",
            value=source,
        )
    values["source"] = " ".join(source.split())
    entry = CatalogueBearing(**values)
    try:
        entry.geometry  # noqa: B018 - validates the geometry
    except ValueError as exc:
        raise SpecError(str(exc), file=CATALOGUE_FILE, field=where) from None
    if not entry.bore_m < entry.pitch_diameter_m < entry.outer_diameter_m:
        raise SpecError(
            "need bore_m < pitch_diameter_m < outer_diameter_m",
            file=CATALOGUE_FILE,
            field=where,
        )
    for name in ("width_m", "dynamic_load_rating_n", "static_load_rating_n"):
        if getattr(entry, name) <= 0.0:
            raise SpecError(
                "must be > 0",
                file=CATALOGUE_FILE,
                field=f"{where}.{name}",
                value=getattr(entry, name),
            )
    return entry


@functools.lru_cache(maxsize=1)
def _load() -> tuple[CatalogueBearing, ...]:
    data = yaml.safe_load(_catalogue_text())
    if not isinstance(data, dict) or not isinstance(data.get("bearings"), dict):
        raise SpecError("expected a top-level 'bearings:' mapping", file=CATALOGUE_FILE)
    return tuple(_parse_entry(str(key), raw) for key, raw in data["bearings"].items())


def load_bearing_catalogue() -> dict[str, CatalogueBearing]:
    """All bearings of the bundled catalogue.

    Returns
    -------
    dict of str to CatalogueBearing
        Basic designation -> entry, in file order. A new dict on each call (the entries are
        immutable and shared).

    Raises
    ------
    failsim.errors.SpecError
        If the catalogue file is malformed (unknown or missing key, bad value).
    """
    return {entry.designation: entry for entry in _load()}


_DESIGNATION_RE = re.compile(r"[0-9][0-9A-Z]*")


def _basic_designation(text: str) -> str:
    """'SKF 6205-2RS JEM' -> '6205'; '6308/C3' -> '6308'; '6203' -> '6203'."""
    for token in text.strip().upper().split():
        head = re.split(r"[-/]", token, maxsplit=1)[0]
        match = _DESIGNATION_RE.fullmatch(head)
        if match:
            return match.group(0)
    return text.strip()


def lookup_bearing(designation: str) -> CatalogueBearing:
    """One bearing of the bundled catalogue by designation.

    Parameters
    ----------
    designation : str
        Designation as written on the bearing or in a dataset, e.g. "6205", "SKF 6205-2RS JEM",
        "6308-2Z/C3". A maker's prefix and suffixes after '-' or '/' (seals, shields, clearance)
        are ignored.

    Returns
    -------
    CatalogueBearing
        The entry.

    Raises
    ------
    failsim.errors.SpecError
        If no entry matches; the message suggests the closest designation and lists the known
        ones.
    """
    catalogue = load_bearing_catalogue()
    key = _basic_designation(str(designation))
    if key in catalogue:
        return catalogue[key]
    names = list(catalogue)
    raise SpecError(
        f"unknown bearing {designation!r}; {_suggest(key, names)}known: {', '.join(names)}",
        file=CATALOGUE_FILE,
        field="designation",
        value=designation,
    )
