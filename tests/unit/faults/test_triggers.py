"""Random and intermittent fault triggers resolved into windows."""

from __future__ import annotations

import math

import numpy as np
import pytest

from failsim.faults.triggers import fault_windows, random_delay_s


def test_intermittent_windows_repeat_until_the_end_of_the_fault():
    trig = {"at_s": 1.0, "duration_s": 3.5, "intermittent": {"on_s": 0.5, "off_s": 1.0}}
    assert fault_windows(trig, 10.0, 0, 0) == [(1.0, 1.5), (2.5, 3.0), (4.0, 4.5)]
    # the last window is cut by the end of the fault, then by the end of the run
    trig = {"at_s": 1.0, "duration_s": 3.2, "intermittent": {"on_s": 0.5, "off_s": 1.0}}
    assert fault_windows(trig, 10.0, 0, 0)[-1] == (4.0, 4.2)
    trig = {"at_s": 1.0, "intermittent": {"on_s": 0.5, "off_s": 1.0}}
    assert fault_windows(trig, 4.2, 0, 0) == [(1.0, 1.5), (2.5, 3.0), (4.0, None)]


def test_a_plain_trigger_is_one_window():
    assert fault_windows({"at_s": 2.0}, 5.0, 0, 0) == [(2.0, None)]
    assert fault_windows({"at_s": 2.0, "duration_s": 1.0}, 5.0, 0, 0) == [(2.0, 3.0)]
    assert fault_windows({"at_s": 2.0, "duration_s": 3.0}, 5.0, 0, 0) == [(2.0, None)]


def test_random_onsets_are_reproducible_and_differ_between_seeds_and_faults():
    r = {"scale_s": 100.0}
    assert random_delay_s(r, 7, 0) == random_delay_s(r, 7, 0)
    assert random_delay_s(r, 7, 0) != random_delay_s(r, 8, 0)
    assert random_delay_s(r, 7, 0) != random_delay_s(r, 7, 1)


@pytest.mark.parametrize("shape", [1.0, 3.0])
def test_random_onsets_follow_the_weibull_distribution(shape):
    scale = 50.0
    d = np.array([random_delay_s({"scale_s": scale, "shape": shape}, s, 0) for s in range(4000)])
    # mean scale * Gamma(1 + 1/k), median scale * ln(2)^(1/k)
    assert d.mean() == pytest.approx(scale * math.gamma(1 + 1 / shape), rel=0.05)
    assert np.median(d) == pytest.approx(scale * math.log(2) ** (1 / shape), rel=0.05)


def test_a_random_onset_after_the_run_means_no_fault():
    trig = {"at_s": 0.0, "random": {"scale_s": 1e9}}
    assert fault_windows(trig, 10.0, 3, 0) == []
