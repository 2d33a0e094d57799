"""The drag-torque pulse train of a bearing defect as packed for the kernel: the energy per
passage E = Q_max W h, its profile over the defect's windows (the labels' windows) and its
growth, the pulse's normalisation, and the limit on the number of defects."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from failsim.components.machine import Machine
from failsim.errors import SpecError
from failsim.faults.bearing_defects import (
    LOAD_ZONE_FLOOR,
    SATURATION_WIDTH_FRACTION,
    BearingDefect,
    drag_torque,
    failure_size_mm,
    passage_energy_j,
)
from failsim.faults.machine_faults import profile_value
from failsim.kernels import layout as L
from failsim.kernels.pack import pack
from failsim.simulation import RunEngine
from failsim.spec import load_machine, scenario_from_dict


@pytest.fixture(scope="module")
def pump() -> Machine:
    return Machine.from_spec(load_machine("im_7p5kw_pump"))


def _scenario(faults: list, duration_s: float = 10.0):
    return scenario_from_dict(
        {
            "name": "drag",
            "machine": "im_7p5kw_pump",
            "duration_s": duration_s,
            "seed": 11,
            "operation": {"start_at_s": 0.0},
            "faults": faults,
        }
    )


def _defect(part: str, **kw) -> dict:
    return {"kind": "bearing_defect", "target": "bearing.drive_end", "part": part,
            "size_mm": kw.pop("size_mm", 0.1), "trigger": kw.pop("trigger", {"at_s": 1.0}),
            **kw}  # fmt: skip


def test_energy_per_passage_is_element_load_times_drop_depth(pump):
    """6308 under 1500 N: Q_max = 5 F_r / Z = 937.5 N. Outer race at 6 o'clock (W = 1) and at
    12 o'clock (the floor, 0.1); inner race and ball: the mean weight over a turn,
    0.1 + 0.9 (1/2 pi) int cos^1.5 = 0.350; the cage none. Below the saturation width
    h = d/2 - sqrt((d/2)^2 - (w/2)^2); beyond it, the same as at w_s = 0.02 d."""
    b = pump.bearings[0]
    d = b.geometry.element_diameter_m
    q_max = 5.0 * 1500.0 / b.geometry.n_elements
    assert q_max == 937.5

    def h(w_m: float) -> float:
        return 0.5 * d - math.sqrt(0.25 * d * d - 0.25 * w_m * w_m)

    w = 0.1e-3
    assert passage_energy_j(b, "outer_race", 0.1, 0.0) == pytest.approx(q_max * h(w), rel=1e-12)
    assert passage_energy_j(b, "outer_race", 0.1, math.pi) == pytest.approx(
        LOAD_ZONE_FLOOR * q_max * h(w), rel=1e-12
    )
    mean_q = quad(lambda psi: math.cos(psi) ** 1.5, -math.pi / 2, math.pi / 2)[0] / (2 * math.pi)
    weight = LOAD_ZONE_FLOOR + (1.0 - LOAD_ZONE_FLOOR) * mean_q
    assert weight == pytest.approx(0.350, abs=1e-3)
    for part in ("inner_race", "ball"):
        assert passage_energy_j(b, part, 0.1, 0.7) == pytest.approx(q_max * weight * h(w), 1e-6)
    w_s = SATURATION_WIDTH_FRACTION * d
    for size in (w_s * 1e3, 1.0, 3.0):
        assert passage_energy_j(b, "outer_race", size, 0.0) == pytest.approx(q_max * h(w_s))
    assert passage_energy_j(b, "cage", 1.0, 0.0) == 0.0


def test_pulse_integrates_to_the_energy_per_passage(pump):
    """Over one passage (2 pi / order of shaft angle) the drag E c exp(kappa (cos phi - 1))
    integrates to E; the order is BPFO, BPFI or 2 BSF; the pulse is as wide as the crossing,
    w Z / r in the pulse phase, or 2 solver steps at the rated speed if that is wider."""
    b = pump.bearings[0]
    g, m = b.geometry, b.multipliers()
    rated = pump.motor.rated_speed_rad_s
    orders = {"outer_race": m.bpfo, "inner_race": m.bpfi, "ball": 2.0 * m.bsf}
    for part, order in orders.items():
        for size, rate in ((0.1, 10_000.0), (2.0, 100_000.0)):
            defect = BearingDefect(0, "drive_end", part, size, 0.0, 0.015, [(1.0, None)])
            drag = drag_torque(defect, b, 0, rated, rate)
            assert drag.order == order
            period = 2.0 * math.pi / order
            integral = quad(
                lambda th, dr=drag: dr.norm * math.exp(dr.kappa * (math.cos(dr.order * th) - 1)),
                -0.5 * period, 0.5 * period, points=[0.0], limit=200,
            )[0]  # fmt: skip
            assert integral == pytest.approx(1.0, rel=1e-9), (part, size)
            sigma_min = 2.0 * order * rated / rate
            r = 0.5 * (g.pitch_diameter_m + (g.element_diameter_m if part == "outer_race" else
                                             -g.element_diameter_m))  # fmt: skip
            span = {"ball": 4.0 * size * 1e-3 / g.element_diameter_m}.get(
                part, size * 1e-3 * g.n_elements / r
            )
            assert drag.kappa == pytest.approx(min(12.0 / span**2, sigma_min**-2), rel=1e-12)
    # a 2 mm spall at 100 kHz is crossed over more than 2 steps: the crossing sets kappa
    wide = drag_torque(BearingDefect(0, "drive_end", "outer_race", 2.0, 0.0, 0.0, [(0, None)]),
                       b, 0, rated, 100_000.0)  # fmt: skip
    assert wide.kappa < (2.0 * m.bpfo * rated / 100_000.0) ** -2
    assert drag_torque(BearingDefect(0, "drive_end", "cage", 1.0, 0.0, 0.0, [(0, None)]),
                       b, 0, rated, 1e4) is None  # fmt: skip


def test_energy_profile_is_on_exactly_in_the_labelled_windows():
    """An intermittent, randomly delayed defect: the kernel's E(t) is E inside each window of
    the run's fault events (the labels) and 0 outside, switching at their onsets and ends."""
    trigger = {"at_s": 0.5, "duration_s": 6.0, "random": {"scale_s": 1.0},
               "intermittent": {"on_s": 0.7, "off_s": 0.4}}  # fmt: skip
    fault = _defect("outer_race", trigger=trigger)
    engine = RunEngine(_scenario([fault]))
    windows = [(r.t_s, r.end_s) for r in engine.log.records if r.kind == "bearing_defect"]
    assert len(windows) >= 5 and windows[0][0] > 0.5
    p = engine.packed.p
    j = int(p[L.P_DEF_PROF0])
    pts = [tuple(v) for v in engine.packed.prof[j, : engine.packed.prof_n[j], :2]]
    e = passage_energy_j(engine.machine.bearings[0], "outer_race", 0.1, 0.0)
    t = np.concatenate([[on - 1e-9, on, on + 1e-9, off - 1e-9, off] for on, off in windows])
    inside = np.concatenate([[0, 1, 1, 1, 0] for _ in windows]).astype(bool)
    np.testing.assert_array_equal(profile_value(pts, t), np.where(inside, e, 0.0))
    assert profile_value(pts, np.array([windows[-1][1] + 0.5, 9.9])).tolist() == [0.0, 0.0]


def test_growing_defect_energy_follows_its_width_then_saturates(pump):
    """w(t) = w_0 (w_f / w_0)^((t - t_on) / T_f): E(t) = Q_max h(min(w(t), w_s)) at the width
    profile's breakpoints and at the time w(t) reaches w_s, within 3 % between them (E is
    interpolated linearly), and E(w_s) from then on."""
    b = pump.bearings[0]
    w0, t_on, t_f = 0.01, 1.0, 6.0
    fault = _defect("outer_race", size_mm=w0, trigger={"at_s": t_on},
                    growth={"time_to_failure_s": t_f})  # fmt: skip
    pk = pack(pump, _scenario([fault]).data)
    j = int(pk.p[L.P_DEF_PROF0])
    pts = [tuple(v) for v in pk.prof[j, : pk.prof_n[j], :2]]
    w_f = failure_size_mm(b)
    w_s = SATURATION_WIDTH_FRACTION * b.geometry.element_diameter_m * 1e3
    t_sat = t_on + t_f * math.log(w_s / w0) / math.log(w_f / w0)
    t = np.linspace(0.0, 10.0, 2001)
    width = np.where(
        t < t_on, 0.0, w0 * (w_f / w0) ** ((np.clip(t, t_on, t_on + t_f) - t_on) / t_f)
    )
    expected = np.array([passage_energy_j(b, "outer_race", w, 0.0) if w else 0.0 for w in width])
    got = profile_value(pts, t)
    np.testing.assert_allclose(got, expected, rtol=0.03)
    knots = np.array([t_on + t_f * k / 40.0 for k in range(41)] + [t_sat])
    knot_w = w0 * (w_f / w0) ** ((knots - t_on) / t_f)
    knot_e = [passage_energy_j(b, "outer_race", w, 0.0) for w in knot_w]
    np.testing.assert_allclose(profile_value(pts, knots), knot_e, rtol=1e-9)
    assert np.all(got[t >= t_sat] == passage_energy_j(b, "outer_race", w_s, 0.0))
    assert np.all(got[t < t_on] == 0.0)


def test_at_most_four_dragging_defects_cage_defects_aside():
    faults = [_defect(part) for part in ("outer_race", "inner_race", "ball", "outer_race")]
    scenario = _scenario([*faults, _defect("cage")])
    assert len(RunEngine(scenario).log.records) == 5
    with pytest.raises(SpecError, match=r"faults\[4\].*at most 4 bearing defects"):
        _scenario([*faults, _defect("inner_race")])
