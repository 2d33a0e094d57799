"""Entry and exit of a rolling element over a defect (Sawalhi & Randall 2011): the element
unloads across the defect for the crossing time dt = w / v and strikes its far edge then;
the unloading carries the element's load, the strike saturates once the defect is wider than
2 % of the element diameter; chunking does not matter."""

from __future__ import annotations

import math

import numpy as np
import pytest

from failsim.catalogue.bearings import lookup_bearing
from failsim.components.drivetrain import Bearing
from failsim.faults.bearing_defects import BearingDefect, impact_train
from failsim.physics.bearing import multipliers

FS = 48_000.0
W = 2 * math.pi * 30.0  # 30 Hz shaft


def _train(size_mm: float):
    bearing = Bearing("de", "6205", 0.025, 0.0015, 1000.0, geometry=lookup_bearing("6205").geometry)
    defect = BearingDefect(0, "de", "outer_race", size_mm, 0.0, 0.0, [(0.0, None)])
    return impact_train(defect, bearing, W, seed=3), bearing


def _run(train, n: int, chunks: list[int]) -> np.ndarray:
    theta = W * np.arange(n) / FS
    omega = np.full(n, W)
    parts, j0 = [], 0
    for j1 in [*chunks, n]:
        _, v = train.forces(theta[j0:j1], FS, omega[j0:j1], j0)
        parts.append(v)
        j0 = j1
    return np.concatenate(parts)


def test_a_1_mm_spall_unloads_for_its_crossing_time_then_strikes():
    # 1 mm on the outer race of a 6205 at 30 Hz: the contact point moves along the race at
    # FTF w r_o, so dt = L / (FTF w r_o) = 0.57 ms (physics.md's L / (pi D FTF f_r) takes the
    # pitch circle instead and gives 0.68 ms)
    train, bearing = _train(1.0)
    g = bearing.geometry
    r_o = 0.5 * (g.pitch_diameter_m + g.element_diameter_m)
    dt = 1e-3 / (multipliers(g).ftf * W * r_o)
    pitch = 1e-3 / (math.pi * g.pitch_diameter_m * multipliers(g).ftf * 30.0)
    assert pitch == pytest.approx(0.68e-3, rel=0.01)
    assert dt == pytest.approx(pitch * g.pitch_diameter_m / (2 * r_o), rel=1e-12)
    f = _run(train, int(FS * 0.2), [])
    d = round(dt * FS)
    strikes = np.flatnonzero(f > 0.0)
    assert strikes.size > 10  # BPFO 107.5 Hz over 0.2 s
    # the strike saturates beyond 2 % of the ball diameter; the unloading carries the load
    # across the whole defect: its impulse is the strike's times width / saturation width
    ratio = 1.0 / (0.02 * g.element_diameter_m * 1e3)
    for k in strikes:
        entry = f[k - d : k]
        assert np.all(entry < 0.0) and f[k - d - 1] == 0.0  # unloading over d samples
        assert np.sum(entry) == pytest.approx(-f[k] * ratio, rel=1e-12)
    spacing = np.diff(strikes) / FS
    assert np.mean(spacing) == pytest.approx(1 / (multipliers(g).bpfo * 30.0), rel=0.02)


def test_entry_and_exit_are_independent_of_the_chunking():
    n = int(FS * 0.3)
    a = _run(_train(2.0)[0], n, [])
    b = _run(_train(2.0)[0], n, [1, 17, 500, 501, 7000, 9001])
    np.testing.assert_array_equal(a, b)


def test_distributed_wear_noise_grows_with_the_square_of_the_width():
    from failsim.faults.bearing_defects import failure_size_mm, wear_noise

    bearing = Bearing("de", "6205", 0.025, 0.0015, 1000.0, geometry=lookup_bearing("6205").geometry)
    defect = BearingDefect(0, "de", "outer_race", 0.01, 0.0, 0.0, [(0.0, None)],
                           time_to_failure_s=1.0)  # fmt: skip
    src = wear_noise(defect, bearing, 0, seed=5)
    q_max = 5.0 * 1000.0 / 9
    n = int(FS * 1.2)
    theta = np.zeros(n)
    f = np.concatenate(
        [src.forces(theta[a : a + 4000], np.zeros(4000), np.zeros(4000), FS, a)
         for a in range(0, n, 4000)], axis=1,
    )  # fmt: skip
    late = f[:, int(FS * 1.05) :]  # past the failure width: rms 0.05 Q_max on each axis
    np.testing.assert_allclose(np.std(late, axis=1)[:2], 0.05 * q_max, rtol=0.03)
    early = f[:, : int(FS * 0.1)]  # 0.01 mm growing: (w / w_f)^2 of it, tiny
    w_f = failure_size_mm(bearing)
    assert np.std(early[1]) < 0.05 * q_max * (0.02 / w_f) ** 2
