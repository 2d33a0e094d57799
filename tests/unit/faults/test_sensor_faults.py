"""Sensor fault specs: units of the severity, optional parameters and their defaults."""

from __future__ import annotations

import numpy as np

from failsim.faults.sensor_faults import sensor_faults_from_spec, severity_unit


def test_severity_units_follow_the_catalogue():
    assert severity_unit("sensor_bias", "degC") == "degC"
    assert severity_unit("sensor_drift", "A") == "A/s"
    assert severity_unit("sensor_gain", "V") == "1"
    assert severity_unit("sensor_stuck", "rpm") is None
    assert severity_unit("sensor_mount_loose", "m/s^2") == "Hz"


def test_loose_mount_options_and_samples():
    faults = [
        {
            "kind": "sensor_mount_loose",
            "target": "vibration.accel_de_m_s2",
            "trigger": {"at_s": 1.0, "duration_s": 2.0},
            "resonance_hz": 1500.0,
        },
        {
            "kind": "sensor_mount_loose",
            "target": "vibration.accel_nde_m_s2",
            "trigger": {"at_s": 0.0},
            "resonance_hz": 800.0,
            "damping_ratio": 0.3,
        },
    ]
    a, b = sensor_faults_from_spec(faults, seed=1, t_end_s=10.0)
    assert (a.stream, a.channel, a.value, a.onset_s, a.end_s) == (
        "vibration", "accel_de_m_s2", 1500.0, 1.0, 3.0,
    )  # fmt: skip
    assert a.options == {"damping_ratio": 0.1}
    assert b.options == {"damping_ratio": 0.3} and b.end_s is None
    # it acts in the accelerometer, upstream of the delivered samples
    t = np.arange(40) / 10.0
    x = np.arange(40, dtype=np.float32)
    y = a.apply(t, x)
    assert y is not x and np.array_equal(y, x)
