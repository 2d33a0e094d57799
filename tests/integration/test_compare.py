"""failsim compare: a simulated run against a recording, statistics and picture."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import failsim
from failsim.analysis.compare import Signal, compare_signals, signal_from_file, signal_from_run
from failsim.cli import main


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp")
    failsim.run("cwru_rig_outer_race_007", out, duration_s=3.0)
    return out


def _recording(run_dir, tmp_path, fs_factor: int = 1, unit_scale: float = 1.0):
    """The simulated channel written as a 'real' CSV (m/s2 -> g), optionally upsampled."""
    sim, _ = signal_from_run(run_dir)
    x = sim.x_m_s2
    fs = sim.fs_hz
    if fs_factor != 1:
        from scipy.signal import resample_poly

        x = resample_poly(x, fs_factor, 1)
        fs *= fs_factor
    path = tmp_path / "rec.csv"
    pd.DataFrame({"t_s": np.arange(len(x)) / fs, "accel": x / 9.80665 * unit_scale}).to_csv(
        path, index=False
    )
    return sim, path


def test_a_run_against_itself_gives_equal_statistics(run_dir, tmp_path):
    sim, path = _recording(run_dir, tmp_path)
    real = signal_from_file(path, column="accel", unit="g", shaft_rpm=sim.shaft_hz * 60.0)
    assert real.fs_hz == pytest.approx(sim.fs_hz, rel=1e-9)
    orders = {"ftf": 0.3983, "bpfo": 3.5848, "bpfi": 5.4152, "bsf": 2.3567}
    table = compare_signals([sim, real], orders=orders)
    a, b = table.iloc[:, 0], table.iloc[:, 1]
    for row in table.index:
        if isinstance(a[row], str):
            assert a[row] == b[row]
        else:
            assert a[row] == pytest.approx(b[row], rel=1e-5, abs=1e-6), row
    assert table.loc["ses_bpfo_db"].iloc[0] > 20.0  # the outer-race defect shows


def test_rates_are_made_equal_before_comparing(run_dir, tmp_path):
    sim, path = _recording(run_dir, tmp_path, fs_factor=4)
    real = signal_from_file(path, column="accel", unit="g")
    assert real.fs_hz == pytest.approx(4 * sim.fs_hz, rel=1e-6)
    table = compare_signals([sim, real])
    assert table.loc["sample rate compared [Hz]"].tolist() == [sim.fs_hz, sim.fs_hz]
    # below the resampling filters' transition band the content is the same
    for band in ("rms 500-1000 Hz [m/s2]", "rms 2000-4000 Hz [m/s2]"):
        assert table.loc[band].iloc[1] == pytest.approx(table.loc[band].iloc[0], rel=0.01)


def test_bands_add_up_to_the_rms():
    fs = 12000.0
    x = np.random.default_rng(0).standard_normal(12000)
    table = compare_signals([Signal("noise", x, fs, float("nan"))])
    bands = [v for k, v in table.iloc[:, 0].items() if k.startswith("rms ") and "Hz" in k]
    assert np.sqrt(np.sum(np.square(bands))) == pytest.approx(np.std(x), rel=1e-3)


def test_cli_prints_the_table_and_writes_the_picture(run_dir, tmp_path):
    _, path = _recording(run_dir, tmp_path)
    png = tmp_path / "c.png"
    result = CliRunner().invoke(
        main,
        ["compare", str(run_dir), str(path), "--real-column", "accel", "--out", str(png)],
    )
    assert result.exit_code == 0, result.output
    assert "kurtosis [-]" in result.output and "ses_bpfo_db" in result.output
    assert png.stat().st_size > 10_000


def test_cli_bad_input_names_what_is_allowed(run_dir, tmp_path):
    _, path = _recording(run_dir, tmp_path)
    result = CliRunner().invoke(main, ["compare", str(run_dir), str(path)])
    assert result.exit_code == 2
    assert "no column 'accel_g'" in result.output and "accel" in result.output
    table = tmp_path / "table.parquet"
    pq.write_table(
        __import__("pyarrow").table(
            {"recording": ["A", "B"], "accel_g": [[0.0] * 10, [0.0] * 10], "sample_rate_hz": [1, 1]}
        ),
        table,
    )
    result = CliRunner().invoke(main, ["compare", str(run_dir), str(table)])
    assert result.exit_code == 2 and "recordings: A, B" in result.output
    assert "Traceback" not in result.output


def test_the_cli_offers_the_units_the_reader_converts():
    from failsim.analysis.compare import UNITS
    from failsim.cli import RECORDING_UNITS

    assert set(RECORDING_UNITS) == set(UNITS)
