"""Sweep expansion: counts, seeds from parameters, sampling, class balance, splits, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from failsim.errors import SpecError
from failsim.spec import load_scenario
from failsim.spec.sweep import assign_splits, plan_sweep

OVERLOAD = {
    "kind": "overload",
    "target": "load",
    "trigger": {"at_s": 0.2},
    "extra_load_pu": 0.5,
}


def write(tmp_path: Path, sweep: dict, name: str = "s.yaml", **fields) -> Path:
    data = {
        "name": "pump_sweep",
        "machine": "im_7p5kw_pump",
        "duration_s": 0.5,
        "seed": 5,
        **fields,
        "sweep": sweep,
    }
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def plan_of(tmp_path: Path, sweep: dict, **fields):
    return plan_sweep(load_scenario(write(tmp_path, sweep, **fields)))


def test_size_is_the_product_of_classes_grid_samples_instances_and_repeats(tmp_path):
    p = plan_of(
        tmp_path,
        {
            "classes": {"healthy": [], "overload": [OVERLOAD]},
            "grid": {"faults[0].extra_load_pu": [0.3, 0.6, 0.9]},
            "sample": {"n": 2, "params": {"environment.ambient_temp_c": {"low": 0, "high": 40}}},
            "instances": {"count": 3},
            "repeats": 2,
        },
    )
    assert len(p.runs) == 2 * 3 * 2 * 3 * 2
    assert p.counts("fault_class") == {"healthy": 36, "overload": 36}
    assert len({r.run_id for r in p.runs}) == len(p.runs)
    assert len({r.seed for r in p.runs}) == len(p.runs)
    # a fault parameter does not apply to the healthy class: recorded as None, not applied
    healthy = [r for r in p.runs if r.fault_class == "healthy"]
    assert all(r.params["faults[0].extra_load_pu"] is None for r in healthy)
    assert all("faults[0].extra_load_pu" not in r.overrides for r in healthy)
    assert all(r.overrides["faults"] == [] for r in healthy)


def test_classes_interleave_so_a_limit_stays_balanced(tmp_path):
    p = plan_of(
        tmp_path,
        {
            "classes": {"a": [], "b": [OVERLOAD], "c": [{**OVERLOAD, "extra_load_pu": 0.2}]},
            "repeats": 4,
        },
    )
    first = [r.fault_class for r in p.runs[:6]]
    assert first == ["a", "b", "c", "a", "b", "c"]


def test_seeds_and_ids_follow_parameters_not_positions(tmp_path):
    sweep = {
        "classes": {"healthy": [], "overload": [OVERLOAD]},
        "grid": {"faults[0].extra_load_pu": [0.3, 0.6]},
    }
    before = plan_of(tmp_path, sweep)
    sweep["grid"]["faults[0].extra_load_pu"] = [0.1, 0.3, 0.45, 0.6]
    sweep["classes"] = {"overload": [OVERLOAD], "extra": [], "healthy": []}
    after = plan_of(tmp_path, sweep)
    by_key = {(r.fault_class, r.params["faults[0].extra_load_pu"]): r for r in after.runs}
    healthy_after = [r for r in after.runs if r.fault_class == "healthy"]
    for r in before.runs:
        if r.fault_class == "overload":
            twin = by_key[("overload", r.params["faults[0].extra_load_pu"])]
            assert (twin.seed, twin.run_id) == (r.seed, r.run_id)
    # the healthy runs of the old grid points are still there, with their seeds
    old_healthy = {(r.seed, r.run_id) for r in before.runs if r.fault_class == "healthy"}
    assert old_healthy <= {(r.seed, r.run_id) for r in healthy_after}
    assert before.sweep_id != after.sweep_id


def test_sweep_seed_changes_every_seed(tmp_path):
    a = plan_of(tmp_path, {"repeats": 3})
    b = plan_of(tmp_path, {"repeats": 3, "seed": 6})
    assert not {r.seed for r in a.runs} & {r.seed for r in b.runs}


def test_latin_hypercube_puts_one_draw_in_every_stratum(tmp_path):
    n = 16
    p = plan_of(
        tmp_path,
        {
            "sample": {
                "n": n,
                "method": "latin_hypercube",
                "params": {
                    "environment.ambient_temp_c": {"low": 0.0, "high": 40.0},
                    "faults[0].extra_load_pu": {"low": 0.01, "high": 1.0, "log": True},
                },
            }
        },
        faults=[OVERLOAD],
    )
    t = np.array([r.params["environment.ambient_temp_c"] for r in p.runs])
    strata = np.floor(t / 40.0 * n).astype(int)
    assert sorted(strata) == list(range(n))
    x = np.array([r.params["faults[0].extra_load_pu"] for r in p.runs])
    log_strata = np.floor((np.log(x) - np.log(0.01)) / (np.log(1.0) - np.log(0.01)) * n)
    assert sorted(log_strata.astype(int)) == list(range(n))
    assert p.runs[0].fault_class == "overload"  # named after the scenario's own faults


def test_random_draws_stay_in_range_and_integers_round(tmp_path):
    p = plan_of(
        tmp_path,
        {
            "sample": {
                "n": 40,
                "method": "random",
                "params": {"solver.rate_hz": {"low": 20000, "high": 40000, "integer": True}},
            }
        },
    )
    v = [r.params["solver.rate_hz"] for r in p.runs]
    assert all(isinstance(x, int) and 20000 <= x <= 40000 for x in v)
    assert len(set(v)) > 30


def test_runs_per_class_repeats_points_with_new_seeds_or_takes_the_first(tmp_path):
    p = plan_of(
        tmp_path,
        {
            "classes": {"healthy": [], "overload": [OVERLOAD]},
            "grid": {"operation.start_at_s": [0.0, 0.1, 0.2]},
            "runs_per_class": 7,
        },
    )
    assert p.counts("fault_class") == {"healthy": 7, "overload": 7}
    over = [r for r in p.runs if r.fault_class == "overload"]
    assert [r.repeat for r in over] == [0, 0, 0, 1, 1, 1, 2]
    assert len({r.seed for r in over}) == 7
    q = plan_of(tmp_path, {"grid": {"operation.start_at_s": [0.0, 0.1, 0.2]}, "runs_per_class": 2})
    assert len(q.runs) == 2


def test_instances_carry_their_own_draws_and_never_share_a_split(tmp_path):
    p = plan_of(
        tmp_path,
        {
            "classes": {"healthy": [], "overload": [OVERLOAD]},
            "repeats": 3,
            "instances": {
                "count": 10,
                "vary": {"environment.ambient_temp_c": {"low": 10.0, "high": 30.0}},
            },
        },
    )
    by_instance: dict[int, set] = {}
    splits: dict[str, set] = {}
    for r in p.runs:
        by_instance.setdefault(r.instance, set()).add(r.params["environment.ambient_temp_c"])
        splits.setdefault(r.machine_instance, set()).add(r.split)
    assert all(len(v) == 1 for v in by_instance.values())  # one draw per instance
    assert len({next(iter(v)) for v in by_instance.values()}) == 10
    assert all(len(v) == 1 for v in splits.values())
    counts = p.counts("split")  # 60 runs, 6 per instance: each within one instance of target
    for split, frac in (("train", 0.7), ("validation", 0.15), ("test", 0.15)):
        assert abs(counts.get(split, 0) - frac * 60) <= 6


def test_split_is_stratified_by_class_when_each_run_is_its_own_instance():
    members = [(f"r{i}", "a") for i in range(100)] + [(f"q{i}", "b") for i in range(20)]
    out = assign_splits(members, {"train": 0.7, "validation": 0.15, "test": 0.15}, 3)
    for cls, n in (("a", 100), ("b", 20)):
        got = [out[g] for g, c in members if c == cls]
        for split, frac in (("train", 0.7), ("validation", 0.15), ("test", 0.15)):
            assert abs(got.count(split) - frac * n) <= 1.0


@pytest.mark.parametrize(
    ("sweep", "field", "words"),
    [
        ({"split": {"train": 0.8, "validation": 0.3, "test": 0.0}}, "sweep.split", "add up"),
        (
            {"sample": {"n": 2, "params": {"environment.ambient_temp_c": {"low": 5, "high": 1}}}},
            "sweep.sample.params.environment.ambient_temp_c.high",
            ">= low",
        ),
        (
            {"sample": {"n": 2, "params": {"solver.rate_hz": {"low": 0, "high": 1, "log": True}}}},
            "sweep.sample.params.solver.rate_hz.low",
            "> 0",
        ),
        ({"grid": {"seed": [1, 2]}}, "sweep.grid.seed", "cannot be swept"),
        ({"grid": {"operation.start_at_s": [0.0, 0.0]}}, "sweep", "same run"),
    ],
)
def test_bad_sweeps_name_the_field(tmp_path, sweep, field, words):
    with pytest.raises(SpecError) as err:
        plan_of(tmp_path, sweep)
    assert err.value.field == field
    assert words in str(err.value)
    assert "s.yaml" in str(err.value)


def test_unknown_sweep_key_suggests_the_closest(tmp_path):
    with pytest.raises(SpecError, match="did you mean 'grid'"):
        load_scenario(write(tmp_path, {"gird": {}}))


def test_a_scenario_without_a_sweep_says_so(tmp_path):
    path = tmp_path / "plain.yaml"
    path.write_text("name: p\nmachine: im_7p5kw_pump\nduration_s: 1.0\n", encoding="utf-8")
    with pytest.raises(SpecError, match="no sweep: section"):
        plan_sweep(load_scenario(path))


def test_classes_carry_their_own_axes(tmp_path):
    unbalance = {"kind": "voltage_unbalance", "target": "supply", "trigger": {"at_s": 0.1}}
    p = plan_of(
        tmp_path,
        {
            "classes": {
                "healthy": [],
                "overload": {
                    "faults": [OVERLOAD],
                    "sample": {"params": {"faults[0].extra_load_pu": {"low": 0.2, "high": 0.4}}},
                },
                "unbalance": {
                    "faults": [{**unbalance, "unbalance_pct": 2.0}],
                    "grid": {"faults[0].unbalance_pct": [1.0, 3.0]},
                },
            },
            "sample": {"n": 3, "params": {"environment.ambient_temp_c": {"low": 0, "high": 9}}},
        },
    )
    assert p.axes == [
        "environment.ambient_temp_c",
        "faults[0].extra_load_pu",
        "faults[0].unbalance_pct",
    ]
    assert p.counts("fault_class") == {"healthy": 3, "overload": 3, "unbalance": 6}
    for r in p.runs:
        own = {k for k, v in r.params.items() if v is not None}
        want = {
            "healthy": {"environment.ambient_temp_c"},
            "overload": {"environment.ambient_temp_c", "faults[0].extra_load_pu"},
            "unbalance": {"environment.ambient_temp_c", "faults[0].unbalance_pct"},
        }[r.fault_class]
        assert own == want
        assert {k for k in r.overrides if k not in ("sweep", "faults", "seed")} == want
    over = [r.params["faults[0].extra_load_pu"] for r in p.runs if r.fault_class == "overload"]
    assert all(0.2 <= v <= 0.4 for v in over)
    with pytest.raises(SpecError, match="swept twice"):
        plan_of(
            tmp_path,
            {
                "grid": {"faults[0].extra_load_pu": [0.1]},
                "classes": {"o": {"faults": [OVERLOAD], "grid": {"faults[0].extra_load_pu": [1]}}},
            },
        )


def test_bundled_fault_sweep_is_balanced_and_split_by_machine():
    p = plan_sweep(load_scenario("im_7p5kw_pump_fault_sweep"))
    counts = p.counts("fault_class")
    assert len(counts) == 8 and set(counts.values()) == {24}
    for r in p.runs:
        assert r.split == next(q.split for q in p.runs if q.instance == r.instance)


def test_integer_draws_are_uniform_over_the_integers(tmp_path):
    p = plan_of(
        tmp_path,
        {
            "sample": {
                "n": 400,
                "method": "random",
                "params": {"solver.rate_hz": {"low": 20001, "high": 20004, "integer": True}},
            }
        },
    )
    v = np.array([r.params["solver.rate_hz"] for r in p.runs])
    counts = np.bincount(v - 20001, minlength=4)
    assert counts.sum() == 400 and set(v) == {20001, 20002, 20003, 20004}
    assert counts.min() > 70  # 100 expected each; rounding would give the ends about 50
