"""The PyBullet contact model of items on a belt section: determinism, item and momentum
conservation, a jam that forms at a narrowing, and the message without PyBullet."""

from __future__ import annotations

import sys

import pytest

from failsim.errors import MissingDependencyError, SpecError

pytest.importorskip("pybullet")

from failsim.contact.model import ContactModel, ContactSpec

RATE = 240


def run(spec: ContactSpec, seconds: float, speed: float = 0.5, seed: int = 1):
    model = ContactModel(spec, seed=seed)
    results = [model.step(speed) for _ in range(int(seconds * RATE))]
    return model, results


def test_same_seed_same_forces_other_seed_other_items():
    spec = ContactSpec(feed_rate_per_s=2.0)
    a, ra = run(spec, 6.0)
    b, rb = run(spec, 6.0)
    c, rc = run(spec, 6.0, seed=2)
    assert [r.belt_force_n for r in ra] == [r.belt_force_n for r in rb]
    assert [r.belt_force_n for r in ra] != [r.belt_force_n for r in rc]
    for m in (a, b, c):
        m.close()


def test_items_in_equal_items_out_plus_on_belt():
    model, results = run(ContactSpec(feed_rate_per_s=2.0), 20.0)
    assert results[-1].discharged > 5
    for r in results:
        assert r.fed == r.discharged + r.on_belt
    model.close()


def test_item_momentum_changes_by_the_belt_friction_impulse():
    """On a straight section whose guides the items do not reach, only the belt's friction
    pushes the items along x: their momentum (with what the fed and discharged items carried
    in and out) changes by the friction impulse."""
    spec = ContactSpec(feed_rate_per_s=1.5, width_m=2.0, item_width_m=(0.15, 0.3))
    model = ContactModel(spec, seed=3)
    impulse = 0.0
    for k in range(int(15 * RATE)):
        speed = 0.5 if k < 10 * RATE else 0.8  # a speed step: the items must be dragged along
        impulse += model.step(speed).friction_force_n / RATE
    balance = model.momentum_x() - model.momentum_fed + model.momentum_discharged
    assert model.discharged > 3
    assert balance == pytest.approx(impulse, rel=1e-9)  # exact up to rounding
    model.close()


def test_a_jam_forms_at_a_narrowing_and_loads_the_belt():
    free, rf = run(ContactSpec(feed_rate_per_s=2.0), 28.0)
    narrow = ContactSpec(
        feed_rate_per_s=2.0, narrow_start_m=3.0, narrow_end_m=4.0, narrow_width_m=0.3
    )
    jam, rj = run(narrow, 28.0)
    late = slice(-5 * RATE, None)
    mean = lambda rs: sum(r.belt_force_n for r in rs) / len(rs)  # noqa: E731
    assert mean(rj[late]) > 2.5 * mean(rf[late])
    assert rj[-1].stalled > 10 and rf[-1].stalled == 0
    assert rj[-1].discharged < rj[-1].fed / 3  # the jam holds them back
    # items that cannot move still load the belt through the friction of its running under them
    assert rj[-1].friction_force_n > 0.8 * rj[-1].normal_force_n * 0.3
    free.close()
    jam.close()


def test_a_closed_gate_holds_the_items():
    model = ContactModel(ContactSpec(feed_rate_per_s=2.0, gate_at_m=4.0), seed=1)
    model.set_gate(True)
    for _ in range(20 * RATE):
        r = model.step(0.5)
    assert r.discharged == 0 and r.stalled >= 5
    model.set_gate(False)
    for _ in range(15 * RATE):
        r = model.step(0.5)
    assert r.discharged >= 5
    model.close()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rate_hz": 100.0}, "contact.rate_hz"),
        ({"item_width_m": (0.2, 0.9)}, "contact.item_width_m"),
        ({"narrow_start_m": 3.0}, "contact.narrow_width_m"),
        ({"gate_at_m": 9.0}, "contact.gate_at_m"),
    ],
)
def test_impossible_sections_are_refused(change, field):
    with pytest.raises(SpecError) as err:
        ContactModel(ContactSpec(**change), seed=1)
    assert err.value.field == field


def test_without_pybullet_one_clear_message(monkeypatch):
    from failsim.contact import require_pybullet

    monkeypatch.setitem(sys.modules, "pybullet", None)
    with pytest.raises(MissingDependencyError, match=r"failsim\[contact\]"):
        require_pybullet()


def test_an_item_slides_to_rest_on_a_belt_that_stops_at_once():
    """Stop the belt under a carried item (an emergency stop with a brake is far faster than
    mu g): the item slides on, decelerated by kinetic friction mu g, for v^2 / (2 mu g)."""
    mu, v = 0.45, 0.5
    spec = ContactSpec(
        feed_rate_per_s=2.0, item_friction=(mu, mu), item_mass_kg=(5.0, 5.0), width_m=2.0
    )
    model = ContactModel(spec, seed=4)
    while model.fed == 0:
        model.step(v)
    model._next_feed = float("inf")  # just this one item
    for _ in range(2 * RATE):  # carried at the belt speed
        model.step(v)
    (body,) = model.items
    x0 = model.p.getBasePositionAndOrientation(body, physicsClientId=model.cid)[0][0]
    for _ in range(RATE):
        model.step(0.0)
    x1 = model.p.getBasePositionAndOrientation(body, physicsClientId=model.cid)[0][0]
    vx = model.p.getBaseVelocity(body, physicsClientId=model.cid)[0][0]
    assert abs(vx) < 1e-3
    assert x1 - x0 == pytest.approx(v**2 / (2 * mu * 9.80665), rel=0.05)
    model.close()
