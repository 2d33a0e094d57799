"""Tests of the bundled rolling-bearing catalogue and its loader."""

from __future__ import annotations

import dataclasses
from importlib import resources

import numpy as np
import pytest

from failsim.catalogue import CatalogueBearing, load_bearing_catalogue, lookup_bearing
from failsim.catalogue import bearings as catalogue_module
from failsim.errors import SpecError
from failsim.physics.bearing import BearingGeometry, ball_defect_frequency, multipliers

INCH_M = 0.0254


def test_yaml_ships_inside_the_package() -> None:
    resource = resources.files("failsim.catalogue").joinpath("bearings.yaml")
    assert resource.is_file()
    assert "bearings:" in resource.read_text("utf-8")


def test_catalogue_contents() -> None:
    catalogue = load_bearing_catalogue()
    for name in ("6203", "6205", "6208", "6308"):
        assert name in catalogue
    for name, entry in catalogue.items():
        assert isinstance(entry, CatalogueBearing)
        assert entry.designation == name
        assert len(entry.source) > 40, f"{name}: source must name where the numbers come from"
        assert isinstance(entry.geometry, BearingGeometry)
        assert entry.bore_m < entry.pitch_diameter_m < entry.outer_diameter_m
        # Balls fit in the ring section and round the pitch circle.
        section = 0.5 * (entry.outer_diameter_m - entry.bore_m)
        assert 0.5 * section < entry.element_diameter_m < 0.7 * section
        assert entry.n_elements * entry.element_diameter_m < np.pi * entry.pitch_diameter_m
        assert entry.static_load_rating_n < entry.dynamic_load_rating_n
        assert entry.mean_diameter_m == pytest.approx(0.5 * (entry.bore_m + entry.outer_diameter_m))


def test_cwru_drive_end_6205() -> None:
    b = lookup_bearing("6205")
    assert b.n_elements == 9
    assert b.element_diameter_m == pytest.approx(0.3126 * INCH_M)
    assert b.pitch_diameter_m == pytest.approx(1.537 * INCH_M)
    assert (b.bore_m, b.outer_diameter_m, b.width_m) == pytest.approx((0.025, 0.052, 0.015))
    assert b.dynamic_load_rating_n == 14800.0
    assert b.static_load_rating_n == 7800.0
    m = multipliers(b.geometry)
    assert (m.ftf, m.bpfo, m.bpfi, m.bsf) == pytest.approx(
        (0.3983, 3.5848, 5.4152, 2.3567), abs=1e-4
    )


def test_cwru_fan_end_6203() -> None:
    b = lookup_bearing("6203")
    assert b.n_elements == 8
    assert b.element_diameter_m == pytest.approx(0.2656 * INCH_M)
    assert b.pitch_diameter_m == pytest.approx(1.122 * INCH_M)
    assert (b.bore_m, b.outer_diameter_m, b.width_m) == pytest.approx((0.017, 0.040, 0.012))
    m = multipliers(b.geometry)
    assert (m.ftf, m.bpfo, m.bpfi) == pytest.approx((0.3817, 3.0531, 4.9469), abs=1e-4)
    assert ball_defect_frequency(b.geometry, 1.0) == pytest.approx(3.9877, abs=1e-4)


# ISO 281 factor f_c of single-row radial deep-groove ball bearings against
# γ = D_w cos α / D_pw (the part of the table deep-groove bearings use).
_GAMMA = np.array([0.14, 0.16, 0.18, 0.20, 0.22, 0.24, 0.26, 0.28])
_FC = np.array([58.8, 59.6, 59.9, 59.9, 59.6, 59.0, 58.2, 57.1])


def _iso281_dynamic_rating_n(b: CatalogueBearing) -> float:
    dw_mm = 1000.0 * b.element_diameter_m
    gamma = b.geometry.diameter_ratio
    fc = float(np.interp(gamma, _GAMMA, _FC))
    return 1.3 * fc * b.n_elements ** (2.0 / 3.0) * dw_mm**1.8


@pytest.mark.parametrize("designation", sorted(load_bearing_catalogue()))
def test_ball_set_consistent_with_load_rating(designation: str) -> None:
    """C = b_m f_c Z^(2/3) D_w^1.8 (ISO 281): the tabulated rating must follow from the balls.

    Standard-design ratings (NSK, NTN) equal the ISO value; SKF's sit 0-6 % above it. A wrong
    ball count or a ball one size off moves the value by 5-10 %.
    """
    b = lookup_bearing(designation)
    ratio = b.dynamic_load_rating_n / _iso281_dynamic_rating_n(b)
    assert 0.98 < ratio < 1.07


@pytest.mark.parametrize(
    "text", ["6205", " 6205 ", "SKF 6205-2RS JEM", "6205-2Z/C3", "skf 6205-2rs1", "6205/C3"]
)
def test_lookup_normalises_designations(text: str) -> None:
    assert lookup_bearing(text).designation == "6205"


def test_lookup_unknown_suggests() -> None:
    with pytest.raises(SpecError, match="did you mean '6208'") as info:
        lookup_bearing("6207")
    assert isinstance(info.value, ValueError)
    assert "known:" in str(info.value)
    with pytest.raises(SpecError, match="unknown bearing"):
        lookup_bearing("NU 310")


def test_entries_are_immutable_and_the_dict_is_fresh() -> None:
    first = load_bearing_catalogue()
    first.pop("6205")
    assert "6205" in load_bearing_catalogue()
    with pytest.raises(dataclasses.FrozenInstanceError):
        lookup_bearing("6205").n_elements = 8  # type: ignore[misc]


@pytest.fixture
def patched_catalogue(monkeypatch: pytest.MonkeyPatch):
    def install(text: str) -> None:
        monkeypatch.setattr(catalogue_module, "_catalogue_text", lambda: text)
        catalogue_module._load.cache_clear()

    yield install
    catalogue_module._load.cache_clear()


_GOOD_ENTRY = """
    n_elements: 9
    element_diameter_m: 0.00794
    pitch_diameter_m: 0.03904
    contact_angle_deg: 0.0
    bore_m: 0.025
    outer_diameter_m: 0.052
    width_m: 0.015
    dynamic_load_rating_n: 14800.0
    static_load_rating_n: 7800.0
    source: a test entry
"""


def test_malformed_catalogue_errors(patched_catalogue) -> None:
    patched_catalogue("bearings:\n  '6205':" + _GOOD_ENTRY + "    ball_count: 9\n")
    with pytest.raises(SpecError, match="unknown key 'ball_count'") as info:
        load_bearing_catalogue()
    assert info.value.field == "bearings.6205.ball_count"

    patched_catalogue("bearings:\n  '6205':" + _GOOD_ENTRY.replace("    width_m: 0.015\n", ""))
    with pytest.raises(SpecError, match="missing key"):
        load_bearing_catalogue()

    patched_catalogue(
        "bearings:\n  '6205':"
        + _GOOD_ENTRY.replace("pitch_diameter_m: 0.03904", "pitch_diameter_m: 0.007")
    )
    with pytest.raises(SpecError, match="smaller than pitch_diameter_m"):
        load_bearing_catalogue()

    patched_catalogue(
        "bearings:\n  '6205':" + _GOOD_ENTRY.replace("n_elements: 9", "n_elements: 9.5")
    )
    with pytest.raises(SpecError, match="integer"):
        load_bearing_catalogue()

    patched_catalogue("[1, 2]")
    with pytest.raises(SpecError, match="top-level 'bearings:'"):
        load_bearing_catalogue()

    patched_catalogue("bearings:\n  '6205':" + _GOOD_ENTRY)
    assert list(load_bearing_catalogue()) == ["6205"]
