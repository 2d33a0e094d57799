"""Benchmark: the PyBullet contact model with 50 items on the belt section, at the 240 Hz
coupling rate, against real time. Reported, never asserted."""

from __future__ import annotations

import pytest

pytest.importorskip("pybullet")

from failsim.contact.model import ContactModel, ContactSpec


def test_contact_model_50_items(benchmark):
    spec = ContactSpec(length_m=14.0, feed_rate_per_s=3.0, item_length_m=(0.2, 0.35))
    model = ContactModel(spec, seed=1)
    while model.step(0.5).on_belt < 50:  # fill the section (not timed)
        pass
    seconds = 0.5 if benchmark.disabled else 5.0
    steps = int(seconds * spec.rate_hz)

    def advance():
        for _ in range(steps):
            result = model.step(0.5)
        return result

    result = benchmark.pedantic(advance, rounds=1)
    assert result.on_belt >= 45
    benchmark.extra_info["items_on_belt"] = result.on_belt
    if benchmark.stats:
        benchmark.extra_info["x_real_time"] = seconds / benchmark.stats.stats.mean
    model.close()
