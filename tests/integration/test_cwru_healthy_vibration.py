"""A healthy CWRU-rig run: no bearing lines in the squared-envelope spectrum of the
drive-end accelerometer (physics.md 8.2 as a negative control), while the rig's own
shaft and mains lines are there."""

from __future__ import annotations

import numpy as np
import pytest

import failsim
from failsim.analysis.spectra import db_above_local_median, peak_near, squared_envelope_spectrum
from failsim.catalogue.bearings import lookup_bearing
from failsim.physics.bearing import multipliers


@pytest.fixture(scope="module")
def run():
    return failsim.simulate("cwru_rig_0hp", duration_s=10.0)


def test_healthy_rig_has_no_bearing_lines_in_its_envelope_spectrum(run):
    vib = run.to_pandas("vibration")
    proc = run.to_pandas("process")
    x = vib[vib.t_s > 3.0].accel_drive_end_vertical_m_s2.to_numpy(float)
    f_r = float(proc[proc.t_s > 3.0].speed_rpm.mean()) / 60.0
    f, ses = squared_envelope_spectrum(x, 12_000, band_hz=(2000.0, 5000.0))
    m = multipliers(lookup_bearing("6205").geometry)
    for name, mult in (("BPFO", m.bpfo), ("BPFI", m.bpfi), ("2xBSF", 2 * m.bsf)):
        f_line = mult * f_r
        f_peak, _ = peak_near(f, ses, f_line, rel_tol=0.03)
        # no more than the largest noise bin within +/- 3 % reaches (about 8-10 dB)
        assert db_above_local_median(f, ses, f_peak, half_width_hz=10.0) < 12.0, name


def test_healthy_rig_vibration_level_is_that_of_the_real_baseline_broadband(run):
    # the calibrated structure reproduces the real normal record's broadband level
    # (0.23 m/s^2 rms without its lines; docs/realism-cwru.md) within a factor of 2
    vib = run.to_pandas("vibration")
    x = vib[vib.t_s > 3.0].accel_drive_end_vertical_m_s2.to_numpy(float)
    assert 0.1 < float(np.std(x)) < 0.5
