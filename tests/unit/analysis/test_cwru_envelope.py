"""The envelope tools on real data: the CWRU Bearing Data Center drive-end recordings at 0 hp.

The recordings are not part of failsim. These tests read them from ``$FAILSIM_CWRU_PATH`` or the
default location and are skipped when the file is absent. They check the facts stated with the
data (inner-race faults show BPFI, the 0.007 in outer-race fault shows BPFO, the normal
baseline's strongest envelope line is twice the 60 Hz mains) with the catalogue's 6205 and
the analysis functions, demodulating the 2-5 kHz band.

Measured (squared-envelope spectrum, 2-5 kHz, dB above the median of ±10 Hz):

===========  =================  ================  =====  ===========================
recording    expected, Hz       found, Hz         dB     note
===========  =================  ================  =====  ===========================
IR007_0      BPFI 162.19        161.70 (-0.3 %)   46.6   BPFI ± f_r sidebands 28 dB
IR014_0      BPFI 162.10        162.01 (-0.1 %)   43.4   sidebands 41 dB
IR021_0      BPFI 162.19        161.82 (-0.2 %)   40.6   sidebands 36-37 dB
OR007@6_0    BPFO 107.30        107.61 (+0.3 %)   56.2   strongest line, 10-500 Hz
Normal_0     2 x 60 Hz mains    119.64 (-0.3 %)   38.0   strongest line, 10-500 Hz
===========  =================  ================  =====  ===========================
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from failsim.analysis.cwru import cwru_path, cwru_record, load_cwru
from failsim.analysis.spectra import (
    amplitude_spectrum,
    db_above_local_median,
    peak_near,
    squared_envelope_spectrum,
)
from failsim.catalogue import lookup_bearing
from failsim.errors import OutputError, SpecError
from failsim.physics.bearing import characteristic_frequencies

BAND_HZ = (2000.0, 5000.0)
MAINS_HZ = 60.0


@pytest.fixture(scope="module")
def cwru_file() -> Path:
    path = cwru_path()
    if not path.is_file():
        pytest.skip(f"CWRU recordings not available at {path} (set FAILSIM_CWRU_PATH)")
    return path


def _ses(name: str, path: Path) -> tuple[np.ndarray, np.ndarray, dict, float]:
    x, fs, meta = cwru_record(name, path)
    f, ses = squared_envelope_spectrum(x, fs, BAND_HZ)
    return f, ses, meta, meta["shaft_rpm"] / 60.0


def _strongest(f: np.ndarray, spec: np.ndarray, lo: float = 10.0, hi: float = 500.0) -> float:
    band = (f >= lo) & (f <= hi)
    return float(f[band][np.argmax(spec[band])])


def test_table_and_records(cwru_file: Path) -> None:
    table = load_cwru(cwru_file)
    names = set(table["recording"])
    assert {"IR007_0", "IR014_0", "IR021_0", "OR007@6_0", "Normal_0"} <= names
    x, fs, meta = cwru_record("IR007_0", cwru_file)
    assert x.dtype == np.float64 and x.ndim == 1 and x.size > 10 * fs
    assert fs == 12_000
    assert meta["fault_class"] == "inner"
    assert 1790.0 < meta["shaft_rpm"] < 1800.0
    assert "accel_g" not in meta
    assert lookup_bearing(meta["bearing"]).designation == "6205"
    with pytest.raises(SpecError, match="did you mean 'IR007_0'"):
        cwru_record("IR07_0", cwru_file)


@pytest.mark.parametrize("name", ["IR007_0", "IR014_0", "IR021_0"])
def test_inner_race_shows_bpfi(cwru_file: Path, name: str) -> None:
    f, ses, meta, fr = _ses(name, cwru_file)
    geometry = lookup_bearing(meta["bearing"]).geometry
    bpfi = characteristic_frequencies(geometry, fr).bpfi
    f_peak, _ = peak_near(f, ses, bpfi, rel_tol=0.03)
    assert abs(f_peak / bpfi - 1.0) < 0.03
    assert db_above_local_median(f, ses, f_peak, 10.0) > 35.0  # measured 40.6-46.6 dB
    # The defect turns with the shaft through the load zone: sidebands at BPFI ± f_r.
    for side in (f_peak - fr, f_peak + fr):
        f_side, _ = peak_near(f, ses, side, rel_tol=0.01)
        assert db_above_local_median(f, ses, f_side, 10.0) > 20.0  # measured 28-41 dB


def test_outer_race_0007_shows_bpfo(cwru_file: Path) -> None:
    f, ses, meta, fr = _ses("OR007@6_0", cwru_file)
    bpfo = characteristic_frequencies(lookup_bearing(meta["bearing"]).geometry, fr).bpfo
    f_peak, _ = peak_near(f, ses, bpfo, rel_tol=0.03)
    assert abs(f_peak / bpfo - 1.0) < 0.03
    assert db_above_local_median(f, ses, f_peak, 10.0) > 45.0  # measured 56.2 dB
    assert abs(_strongest(f, ses) / bpfo - 1.0) < 0.03


def test_normal_baseline_strongest_line_is_twice_mains(cwru_file: Path) -> None:
    f, ses, meta, _ = _ses("Normal_0", cwru_file)
    assert meta["sample_rate_hz"] == 48_000
    strongest = _strongest(f, ses)
    assert abs(strongest / (2 * MAINS_HZ) - 1.0) < 0.03  # measured 119.64 Hz
    assert db_above_local_median(f, ses, strongest, 10.0) > 30.0  # measured 38.0 dB


def test_outer_race_impacts_hardly_jitter(cwru_file: Path) -> None:
    """A property of the real data a simulator has to reproduce: in OR007@6_0 the raw spectrum
    keeps sharp lines at k BPFO up to k = 32 (3.4 kHz, in the resonance band), each within
    ±0.1 % of k times the BPFO found in the squared envelope (107.61 Hz; the orders put it at
    107.64 Hz), standing a median of 42 dB above the median of ±10 Hz (k = 23-32). Random slip
    of 1 % or more between impacts would smear these orders into broadband humps (see the
    synthetic test in test_spectra.py: about 9 dB, i.e. noise); the spacing jitter in this
    recording must be well below 0.1 %."""
    x, fs, _ = cwru_record("OR007@6_0", cwru_file)
    f_env, ses = squared_envelope_spectrum(x, fs, BAND_HZ)
    bpfo_measured, _ = peak_near(f_env, ses, 107.3, rel_tol=0.03)
    f, raw = amplitude_spectrum(x, fs)
    prominence = []
    for k in range(23, 33):
        fk, _ = peak_near(f, raw, k * bpfo_measured, rel_tol=0.001)
        prominence.append(db_above_local_median(f, raw, fk, 10.0))
    assert np.median(prominence) > 30.0


def test_missing_file_is_a_clear_output_error(tmp_path: Path, monkeypatch) -> None:
    missing = tmp_path / "nope.parquet"
    with pytest.raises(OutputError, match="FAILSIM_CWRU_PATH"):
        load_cwru(missing)
    monkeypatch.setenv("FAILSIM_CWRU_PATH", str(missing))
    assert cwru_path() == missing
    with pytest.raises(OutputError, match=str(missing)):
        cwru_record("IR007_0")
    not_parquet = tmp_path / "bad.parquet"
    not_parquet.write_text("not a parquet file")
    with pytest.raises(OutputError, match="cannot read"):
        load_cwru(not_parquet)
