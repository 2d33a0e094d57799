"""Localised bearing defects on the CWRU rig's drive-end 6205 at 0 hp: each part's line in the
squared-envelope spectrum (SES, 2-5 kHz band) of the drive-end accelerometer at its
kinematic frequency within 3 %, standing a stated number of dB above the local median, with
the modulation its path through the load zone gives (physics.md sections 2 and 8); the load
zone weighting of the outer race; impact strength proportional to the defect width; labels.

Thresholds: the healthy rig's SES has no line more than 12 dB above the median within +/- 3 %
of a bearing frequency (tests/integration/test_cwru_healthy_vibration.py); a defect's line
must stand at least 20 dB above it (measured 29-41 dB), a modulation sideband at least 15 dB.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import failsim
from failsim.analysis.spectra import db_above_local_median, peak_near, squared_envelope_spectrum
from failsim.catalogue.bearings import lookup_bearing
from failsim.physics.bearing import multipliers

M = multipliers(lookup_bearing("6205").geometry)
LINE_DB, SIDEBAND_DB, NOISE_DB = 20.0, 15.0, 12.0


def _run(part: str, size_mm: float = 0.178, position_deg: float = 0.0, duration_s=10.0):
    fault = {
        "kind": "bearing_defect",
        "target": "bearing.drive_end",
        "trigger": {"at_s": 0.0},
        "part": part,
        "size_mm": size_mm,
        "position_deg": position_deg,
    }
    return failsim.simulate("cwru_rig_0hp", duration_s=duration_s, overrides={"faults": [fault]})


def _ses(result):
    vib = result.to_pandas("vibration")
    proc = result.to_pandas("process")
    x = vib[vib.t_s > 3.0].accel_drive_end_vertical_m_s2.to_numpy(float)
    f_r = float(proc[proc.t_s > 3.0].speed_rpm.mean()) / 60.0
    f, ses = squared_envelope_spectrum(x, 12_000, band_hz=(2000.0, 5000.0))
    return x, f_r, f, ses


def _db(f, ses, f_line: float, rel_tol: float = 0.03) -> float:
    f_peak, _ = peak_near(f, ses, f_line, rel_tol)
    return db_above_local_median(f, ses, f_peak, half_width_hz=10.0)


@pytest.fixture(scope="module")
def runs():
    return {part: _run(part) for part in ("outer_race", "inner_race", "ball", "cage")}


def test_outer_race_shows_bpfo_without_shaft_sidebands(runs):
    _, f_r, f, ses = _ses(runs["outer_race"])
    f_line = M.bpfo * f_r
    f_peak, _ = peak_near(f, ses, f_line, 0.03)
    assert abs(f_peak / f_line - 1.0) <= 0.03
    assert _db(f, ses, f_line) >= LINE_DB
    assert _db(f, ses, 2 * f_line) >= LINE_DB - 5.0  # its harmonic
    # a fixed defect is not modulated by the shaft: no lines at BPFO +/- f_r
    for side in (-1, 1):
        assert _db(f, ses, f_peak + side * f_r, rel_tol=0.01) < NOISE_DB


def test_inner_race_shows_bpfi_with_shaft_sidebands(runs):
    _, f_r, f, ses = _ses(runs["inner_race"])
    f_line = M.bpfi * f_r
    assert _db(f, ses, f_line) >= LINE_DB
    f_peak, _ = peak_near(f, ses, f_line, 0.03)
    for side in (-1, 1):  # the defect turns through the load zone once per revolution
        assert _db(f, ses, f_peak + side * f_r, rel_tol=0.01) >= SIDEBAND_DB


def test_ball_shows_twice_bsf_modulated_at_the_cage_frequency(runs):
    _, f_r, f, ses = _ses(runs["ball"])
    f_line = 2 * M.bsf * f_r
    assert _db(f, ses, f_line) >= LINE_DB
    f_peak, _ = peak_near(f, ses, f_line, 0.03)
    for side in (-1, 1):  # the ball goes round with the cage through the load zone
        assert _db(f, ses, f_peak + side * M.ftf * f_r, rel_tol=0.02) >= SIDEBAND_DB


def test_cage_shows_ftf(runs):
    x, f_r, f, ses = _ses(runs["cage"])
    assert _db(f, ses, M.ftf * f_r) >= LINE_DB
    outer, *_ = _ses(runs["outer_race"])
    assert np.std(x) < np.std(outer)  # an element knocking its pocket, not a loaded contact


def test_outer_race_outside_the_load_zone_is_weaker_but_still_shows(runs):
    x6, f_r, _, _ = _ses(runs["outer_race"])
    x12, _, f, ses = _ses(_run("outer_race", position_deg=180.0))
    assert np.std(x12) < 0.3 * np.std(x6)
    assert _db(f, ses, M.bpfo * f_r) >= LINE_DB


def test_impact_strength_grows_with_width_then_saturates():
    # below 2 % of the ball diameter (0.159 mm) the strike is proportional to the width (the
    # structure is linear); beyond it only the unloading lengthens
    healthy, *_ = _ses(failsim.simulate("cwru_rig_0hp", duration_s=10.0))

    def added_rms(size_mm: float) -> float:
        x, *_ = _ses(_run("outer_race", size_mm=size_mm))
        return float(np.sqrt(max(np.var(x) - np.var(healthy), 0.0)))

    assert added_rms(0.1) / added_rms(0.05) == pytest.approx(2.0, rel=0.05)
    assert added_rms(0.533) / added_rms(0.178) < 1.5


def test_bearing_defect_labels_and_health():
    res = failsim.simulate("cwru_rig_outer_race_007")
    ev = res.to_pandas("events")
    fault = ev[ev.category == "fault"]
    assert list(fault.kind) == ["bearing_defect"] and float(fault.t_s.iloc[0]) == 1.0
    assert fault.target.iloc[0] == "bearing.drive_end" and fault.value_unit.iloc[0] == "mm"
    lab = res.labels.to_pandas()
    # health 1 - w / (d / 4): 0.178 mm against a quarter of the 7.94 mm ball
    np.testing.assert_allclose(lab.health, 1.0 - 0.178 / (0.25 * 7.94), rtol=1e-3)
    vib = res.to_pandas("vibration")
    np.testing.assert_array_equal(vib.is_anomaly.to_numpy(), vib.t_s.to_numpy() >= 1.0)


def test_defect_windows_are_byte_identical_whatever_the_chunk_size(tmp_path):
    from failsim.simulation import SolverOptions

    faults = [
        {"kind": "bearing_defect", "target": "bearing.drive_end", "part": "inner_race",
         "size_mm": 0.3, "trigger": {"at_s": 0.4, "intermittent": {"on_s": 0.3, "off_s": 0.2}}},
        {"kind": "bearing_defect", "target": "bearing.fan_end", "part": "ball",
         "size_mm": 0.2, "trigger": {"at_s": 0.9, "duration_s": 0.5}},
    ]  # fmt: skip
    a, b = tmp_path / "a", tmp_path / "b"
    over = {"faults": faults}
    failsim.run(
        "cwru_rig_0hp", a, duration_s=2.0, overrides=over, options=SolverOptions(chunk_s=0.07)
    )
    failsim.run(
        "cwru_rig_0hp", b, duration_s=2.0, overrides=over, options=SolverOptions(chunk_s=1.0)
    )
    files = sorted(p.relative_to(a) for p in a.rglob("*.parquet") if p.name != "runs.parquet")
    assert any("vibration" in str(f) for f in files)
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    # impacts only inside the windows: outside them the run is the healthy one
    res = failsim.simulate("cwru_rig_0hp", duration_s=2.0, overrides=over)
    healthy = failsim.simulate("cwru_rig_0hp", duration_s=2.0)
    v, h = res.to_pandas("vibration"), healthy.to_pandas("vibration")
    col = "accel_drive_end_vertical_m_s2"
    before = v.t_s < 0.4
    np.testing.assert_array_equal(v[col][before], h[col][before])
    assert np.std(v[col][(v.t_s > 0.45) & (v.t_s < 0.7)]) > 3 * np.std(h[col][before])


def test_growing_defect_raises_envelope_energy_and_kurtosis_and_its_rul_falls_to_zero():
    # w(t) = w0 (w_f / w0)^((t - t_on) / T_f): from 0.5 um (buried in the background) to
    # the failure width d / 4 = 1.985 mm in 8 s (near the end the impacts saturate the
    # accelerometer's +/- 50 g range, so only the early life is checked for kurtosis)
    fault = {
        "kind": "bearing_defect",
        "target": "bearing.drive_end",
        "trigger": {"at_s": 1.0},
        "part": "outer_race",
        "size_mm": 0.0005,
        "growth": {"time_to_failure_s": 8.0},
    }
    res = failsim.simulate("cwru_rig_0hp", duration_s=10.0, overrides={"faults": [fault]})
    vib = res.to_pandas("vibration")
    energy, kurt = [], []
    for t0 in (1.0, 3.0, 5.0, 7.0):
        x = vib[(vib.t_s >= t0) & (vib.t_s < t0 + 1.0)].accel_drive_end_vertical_m_s2
        x = x.to_numpy(float)
        _, ses = squared_envelope_spectrum(x, 12_000, band_hz=(2000.0, 5000.0))
        energy.append(float(np.sum(ses**2)))
        kurt.append(float(np.mean((x - x.mean()) ** 4) / np.var(x) ** 2))
    assert all(b > a for a, b in itertools.pairwise(energy))
    assert kurt[0] < 6.0 and kurt[1] > kurt[0] and kurt[2] > 20.0
    lab = res.labels.to_pandas()
    t_fail = 9.0
    np.testing.assert_allclose(lab.rul_s, np.maximum(t_fail - lab.t_s, 0.0), atol=1e-5)
    w_f = 0.25 * 7.94
    expected = 0.0005 * (w_f / 0.0005) ** ((lab.t_s.clip(upper=t_fail) - 1.0) / 8.0)
    np.testing.assert_allclose(lab.severity, expected, rtol=0.02)
    assert lab.health.is_monotonic_decreasing
    assert (lab[lab.t_s >= t_fail].health == 0.0).all() and set(lab[lab.t_s >= t_fail].phase) == {
        "failed"
    }
    assert (lab[lab.t_s < t_fail].health > 0.0).all()
