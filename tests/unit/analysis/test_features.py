"""Bearing-diagnosis features: lines where the modulation is, scale-free, order-normalised."""

from __future__ import annotations

import numpy as np
import pytest

from failsim.analysis.features import FEATURE_NAMES, bearing_features, windows

ORDERS = {"ftf": 0.3983, "bpfo": 3.5848, "bpfi": 5.4152, "bsf": 2.3567}
FS = 12000.0


def modulated_noise(f_mod_hz: float, shaft_hz: float = 29.95, seconds: float = 1.0, seed=0):
    """Band noise whose power is modulated at f_mod (a cyclostationary fault signature),
    plus a weaker stationary background."""
    rng = np.random.default_rng(seed)
    n = int(FS * seconds)
    t = np.arange(n) / FS
    carrier = rng.standard_normal(n)
    gate = (np.cos(2 * np.pi * f_mod_hz * t) > 0.9).astype(float)  # short bursts per period
    return carrier * (0.3 + 3.0 * gate)


def feature(values: np.ndarray, name: str) -> float:
    return float(values[FEATURE_NAMES.index(name)])


@pytest.mark.parametrize(
    ("line", "order"),
    [("bpfo", 3.5848), ("bpfi", 5.4152), ("ball", 2 * 2.3567)],
)
def test_the_modulated_line_stands_out_and_the_others_do_not(line, order):
    shaft = 29.95
    v = bearing_features(modulated_noise(order * shaft, shaft), FS, shaft, ORDERS)
    own = feature(v, f"ses_{line}_db")
    others = [feature(v, f"ses_{o}_db") for o in ("bpfo", "bpfi", "ball") if o != line]
    assert own > 20.0
    assert own > max(others) + 8.0
    healthy = bearing_features(np.random.default_rng(1).standard_normal(12000), FS, shaft, ORDERS)
    assert feature(healthy, f"ses_{line}_db") < 12.0
    assert feature(healthy, "kurtosis") == pytest.approx(3.0, abs=0.3)


def test_features_do_not_depend_on_the_sensor_gain():
    x = modulated_noise(3.5848 * 29.95)
    a = bearing_features(x, FS, 29.95, ORDERS)
    b = bearing_features(37.0 * x + 0.5, FS, 29.95, ORDERS)
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)


def test_lines_follow_the_shaft_speed():
    """The same fault at another speed: the same features when the speed is given."""
    fast = bearing_features(modulated_noise(3.5848 * 29.95), FS, 29.95, ORDERS)
    slow = bearing_features(modulated_noise(3.5848 * 28.8), FS, 28.8, ORDERS)
    assert feature(slow, "ses_bpfo_db") == pytest.approx(feature(fast, "ses_bpfo_db"), abs=3.0)
    wrong = bearing_features(modulated_noise(3.5848 * 28.8), FS, 29.95 * 1.1, ORDERS)
    assert feature(wrong, "ses_bpfo_db") < feature(slow, "ses_bpfo_db") - 10.0


def test_windows_cut_whole_windows_only():
    w = windows(np.arange(10), 4)
    assert w.tolist() == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert windows(np.arange(10), 4, hop=3).shape == (3, 4)
    assert windows(np.arange(3), 4).shape == (0, 4)
