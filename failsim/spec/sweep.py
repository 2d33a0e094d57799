"""Sweep expansion: a scenario's ``sweep:`` section -> the ordered list of its runs.

A sweep is the product of its fault classes, grid points, sampled points, repeats and machine
instances. Every planned run carries the overrides that turn the base scenario into that run,
and a seed derived from the sweep seed and the run's own parameters (class, parameter values,
instance, repeat), never from its position in the list: adding an axis value or a class does
not change the seeds, and so the files, of the runs that were already there.

The order of the plan interleaves the classes (run 0 of every class, then run 1 of every
class, ...), so that the first ``n`` runs (``--limit n``) stay balanced across classes.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from failsim.errors import SpecError
from failsim.spec.loader import ScenarioSpec, _scenario_hash, parse_override_path

#: seeds are drawn below this bound (the scenario schema's maximum seed + 1)
_SEED_BOUND = 2**63
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class PlannedRun:
    """One run of a sweep.

    Attributes
    ----------
    index:
        Position in the plan (display order; not used for seeds or ids).
    run_id:
        ``<scenario>-<10 hex digits>``, a hash of the base scenario, its machine and this
        run's overrides and seed.
    fault_class:
        Name of the run's fault class.
    instance:
        Machine instance the run is made on (0 when the sweep declares no instances).
    machine_instance:
        Identifier of the machine instance; the run's id when the sweep declares none (each
        run is then a machine of its own).
    repeat:
        Repeat number of the run's point.
    params:
        The swept values of this run by override path (grid, sample and instance axes);
        ``None`` for an axis that does not apply to its class (a fault parameter of a class
        with fewer faults).
    overrides:
        Everything applied to the base scenario to make this run.
    seed:
        The run's seed.
    split:
        ``train``, ``validation`` or ``test``.
    """

    index: int
    run_id: str
    fault_class: str
    instance: int
    machine_instance: str
    repeat: int
    params: dict[str, Any]
    overrides: dict[str, Any]
    seed: int
    split: str = ""

    def summary(self) -> dict[str, Any]:
        """The run's plan columns of ``runs.parquet``."""
        return {
            "fault_class": self.fault_class,
            "instance": self.instance,
            "machine_instance": self.machine_instance,
            "repeat": self.repeat,
            "params_json": _canonical(self.params),
            "split": self.split,
        }


@dataclass(frozen=True)
class SweepPlan:
    """The runs of a sweep, in plan order, and what identifies the sweep."""

    scenario: ScenarioSpec
    runs: list[PlannedRun]
    sweep_id: str
    axes: list[str] = field(default_factory=list)

    def counts(self, key: str) -> dict[str, int]:
        """Number of runs per value of a plan attribute (``fault_class``, ``split``)."""
        out: dict[str, int] = {}
        for r in self.runs:
            v = str(getattr(r, key))
            out[v] = out.get(v, 0) + 1
        return out


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def derive_int(*parts: object) -> int:
    """A non-negative 63-bit integer from the SHA-256 of the parts' canonical JSON."""
    digest = hashlib.sha256(_canonical(list(parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") % _SEED_BOUND


def _error(scenario: ScenarioSpec, field_: str, value: object, message: str) -> SpecError:
    return SpecError(
        message,
        file=str(scenario.path) if scenario.path is not None else None,
        field=field_,
        value=value,
    )


def _class_name(faults: Sequence[Mapping[str, Any]]) -> str:
    return "+".join(sorted({str(f["kind"]) for f in faults})) or "healthy"


def _draw(rng_u: float, spec: Mapping[str, Any]) -> float | int:
    """Map a uniform number in [0, 1) onto a declared range."""
    lo, hi = float(spec["low"]), float(spec["high"])
    if spec.get("log", False):
        value = math.exp(math.log(lo) + rng_u * (math.log(hi) - math.log(lo)))
    else:
        value = lo + rng_u * (hi - lo)
    if spec.get("integer", False):
        if spec.get("log", False):
            return round(value)
        # every integer of [low, high] equally likely (rounding would halve the ends)
        return min(math.floor(lo + rng_u * (math.floor(hi) - lo + 1.0)), math.floor(hi))
    return float(value)


def _check_range(scenario: ScenarioSpec, where: str, spec: Mapping[str, Any]) -> None:
    lo, hi = float(spec["low"]), float(spec["high"])
    if not lo <= hi:
        raise _error(scenario, f"{where}.high", hi, f"must be >= low ({lo:g})")
    if spec.get("log", False) and not lo > 0:
        raise _error(scenario, f"{where}.low", lo, "must be > 0 for a log range")


def _unit_draws(method: str, n: int, d: int, seed: int) -> np.ndarray:
    """``n`` points in the unit cube [0, 1)^d: independent uniforms or a Latin hypercube."""
    rng = np.random.default_rng(seed)
    if method == "random" or d == 0:
        return rng.random((n, d))
    strata = np.stack([rng.permutation(n) for _ in range(d)], axis=1)
    return (strata + rng.random((n, d))) / n


def _applies(path: tuple[str | int, ...], faults: Sequence[object]) -> bool:
    """Whether an override path applies to a class with these faults."""
    if len(path) >= 2 and path[0] == "faults" and isinstance(path[1], int):
        return path[1] < len(faults)
    return True


def plan_sweep(scenario: ScenarioSpec) -> SweepPlan:
    """Expand a scenario's ``sweep:`` section into its runs.

    Parameters
    ----------
    scenario:
        A loaded scenario with a ``sweep`` section.

    Returns
    -------
    SweepPlan
        Runs in plan order (classes interleaved), each with its overrides, seed and split.

    Raises
    ------
    SpecError
        If the scenario has no sweep, or an axis, range or split is invalid. Whether each
        run's overrides make a valid scenario is checked when the run is built.
    """
    sweep = scenario.data.get("sweep")
    if not sweep:
        raise _error(
            scenario,
            "sweep",
            None,
            "the scenario has no sweep: section; add one (classes, grid, sample, repeats, "
            "instances, split; see docs/sweeps.md) or use failsim run",
        )
    base_seed = int(sweep.get("seed", scenario.data["seed"]))
    declared_classes = bool(sweep.get("classes"))
    raw = dict(sweep.get("classes") or {}) or {
        _class_name(scenario.data["faults"]): list(scenario.data["faults"])
    }
    classes: dict[str, list[dict]] = {}
    class_grid: dict[str, dict[str, list]] = {}
    class_sample: dict[str, dict | None] = {}
    for name, value in raw.items():
        name = str(name)
        if isinstance(value, Mapping):  # faults with the class's own axes
            classes[name] = list(value.get("faults") or [])
            class_grid[name] = dict(value.get("grid") or {})
            class_sample[name] = dict(value["sample"]) if value.get("sample") else None
        else:
            classes[name], class_grid[name], class_sample[name] = list(value), {}, None
        own = class_sample[name]
        if own is not None and not own.get("n") and not sweep.get("sample"):
            raise _error(
                scenario,
                f"sweep.classes.{name}.sample.n",
                None,
                "is required: the sweep has no sample: section to take the number of draws from",
            )
        for i, f in enumerate(classes[name]):
            if not isinstance(f, Mapping) or "kind" not in f:
                raise _error(scenario, f"sweep.classes.{name}[{i}]", f, "a fault needs a kind")

    grid: dict[str, list] = dict(sweep.get("grid") or {})
    sample = sweep.get("sample") or None
    sampled: dict[str, dict] = dict(sample["params"]) if sample else {}
    inst = sweep.get("instances") or None
    n_instances = int(inst["count"]) if inst else 1
    vary: dict[str, dict] = dict(inst.get("vary") or {}) if inst else {}
    paths: dict[str, tuple] = {}
    sections: list[tuple[str, Mapping[str, Any], bool]] = [
        ("grid", grid, False),
        ("sample.params", sampled, True),
        ("instances.vary", vary, True),
    ]
    for name in classes:
        sections.append((f"classes.{name}.grid", class_grid[name], False))
        own = class_sample[name]
        sections.append((f"classes.{name}.sample.params", own["params"] if own else {}, True))
    shared = {*grid, *sampled, *vary}
    for where, names, ranged in sections:
        for axis in names:
            path = parse_override_path(axis, source=str(scenario.path or ""))
            if path[0] in ("seed", "sweep") or (path[0] == "faults" and len(path) == 1):
                raise _error(
                    scenario,
                    f"sweep.{where}.{axis}",
                    axis,
                    "cannot be swept: seeds derive from the sweep seed, faults come from classes",
                )
            is_shared = where in ("grid", "sample.params", "instances.vary")
            twice = axis in paths and (is_shared or axis in shared)
            if twice or (not is_shared and axis in shared):
                raise _error(scenario, f"sweep.{where}.{axis}", axis, "is swept twice")
            if ranged:
                _check_range(scenario, f"sweep.{where}.{axis}", names[axis])
            paths[axis] = path
    axes = list(paths)
    fractions = sweep["split"]
    total = sum(float(fractions[s]) for s in SPLITS)
    if abs(total - 1.0) > 1e-9:
        raise _error(
            scenario,
            "sweep.split",
            dict(fractions),
            f"the fractions add up to {total:g}; they must add up to 1",
        )

    # machine instances: their drawn parameters, fixed per instance
    instance_params: list[dict[str, Any]] = []
    for k in range(n_instances):
        u = np.random.default_rng(derive_int("instance", base_seed, k)).random(len(vary))
        instance_params.append({n: _draw(float(u[j]), vary[n]) for j, n in enumerate(vary)})

    def class_runs(name: str, faults: list[dict], repeat: int) -> list[dict[str, Any]]:
        out = []
        axes_grid = {**grid, **class_grid[name]}
        grid_points = [
            dict(zip(axes_grid, values, strict=True))
            for values in _product([list(v) for v in axes_grid.values()])
        ]
        own = class_sample[name]
        ranges = {**sampled, **(own["params"] if own else {})}
        how = own if own and own.get("n") else sample
        n = int(how["n"]) if how else 1
        method = str((own or {}).get("method") or (sample or {}).get("method") or "latin_hypercube")
        for point in grid_points:
            draws: list[list[dict[str, Any]]] = []  # by instance, then draw
            for k in range(n_instances):
                if not ranges:
                    draws.append([{}] * n)
                    continue
                seed = derive_int("sample", base_seed, name, point, k, repeat)
                u = _unit_draws(method, n, len(ranges), seed)
                draws.append(
                    [
                        {p: _draw(float(u[i, j]), ranges[p]) for j, p in enumerate(ranges)}
                        for i in range(n)
                    ]
                )
            # instances innermost: the first runs of a class spread over the instances
            for j in range(n):
                for k in range(n_instances):
                    values = {**point, **draws[k][j], **instance_params[k]}
                    out.append(
                        {
                            "class": name,
                            "faults": faults,
                            "instance": k,
                            "repeat": repeat,
                            "draw": j,
                            "values": values,
                        }
                    )
        return out

    repeats = int(sweep["repeats"])
    per_class: dict[str, list[dict[str, Any]]] = {}
    wanted = sweep.get("runs_per_class")
    for name, faults in classes.items():
        runs: list[dict[str, Any]] = []
        r = 0
        while True:
            runs.extend(class_runs(name, faults, r))
            r += 1
            if wanted is None and r >= repeats:
                break
            if wanted is not None and len(runs) >= int(wanted):
                runs = runs[: int(wanted)]
                break
        per_class[name] = runs

    # runs are identified by what they simulate: the scenario without its sweep section
    base_key = [_scenario_hash({**scenario.data, "sweep": None}), scenario.machine.sha256]
    planned: list[PlannedRun] = []
    longest = max(len(v) for v in per_class.values())
    seen: dict[str, str] = {}
    for i in range(longest):
        for name in classes:
            if i >= len(per_class[name]):
                continue
            item = per_class[name][i]
            faults = item["faults"]
            params = {
                a: (item["values"].get(a) if _applies(paths[a], faults) else None) for a in axes
            }
            seed = derive_int(
                "run",
                base_seed,
                name,
                item["values"],
                item["instance"],
                item["repeat"],
                item["draw"],
            )
            seed_key = (name, item["instance"], item["repeat"], item["draw"])
            overrides: dict[str, Any] = {"sweep": None}
            if declared_classes:
                overrides["faults"] = faults
            overrides.update({a: v for a, v in params.items() if v is not None})
            overrides["seed"] = seed
            digest = f"{derive_int('id', base_key, overrides):016x}"
            run_id = f"{scenario.name}-{digest[:10]}"
            if run_id in seen:  # two identical runs: same class, values, instance, repeat
                raise _error(
                    scenario,
                    "sweep",
                    None,
                    f"runs {seen[run_id]} and {seed_key} of class {name!r} are the same run "
                    "(same parameter values); remove duplicate axis values",
                )
            seen[run_id] = str(seed_key)
            mi = f"{scenario.machine.name}#{item['instance']}" if inst else run_id
            planned.append(
                PlannedRun(
                    index=len(planned),
                    run_id=run_id,
                    fault_class=name,
                    instance=int(item["instance"]),
                    machine_instance=mi,
                    repeat=int(item["repeat"]),
                    params=params,
                    overrides=overrides,
                    seed=seed,
                )
            )
    splits = assign_splits(
        [(r.machine_instance, r.fault_class) for r in planned],
        {s: float(fractions[s]) for s in SPLITS},
        derive_int("split", base_seed),
    )
    planned = [PlannedRun(**{**r.__dict__, "split": splits[r.machine_instance]}) for r in planned]
    # the split fractions are part of the sweep: runs made under others keep other splits
    sweep_id = derive_int("sweep", base_key, [r.run_id for r in planned], dict(fractions))
    return SweepPlan(scenario=scenario, runs=planned, sweep_id=f"{sweep_id:016x}", axes=axes)


def _product(lists: list[list]) -> list[tuple]:
    out: list[tuple] = [()]
    for values in lists:
        out = [(*head, v) for head in out for v in values]
    return out


def assign_splits(
    members: Sequence[tuple[str, str]], fractions: Mapping[str, float], seed: int
) -> dict[str, str]:
    """Assign groups (machine instances) to splits, stratified by class.

    Parameters
    ----------
    members:
        ``(group, class)`` for every run.
    fractions:
        Target share of runs per split (adding up to 1).
    seed:
        Orders the groups before the greedy assignment.

    Returns
    -------
    dict
        Split name by group. All runs of a group share one split.

    Notes
    -----
    Groups are visited in a seeded random order; each goes to the split whose shortfall
    against its target, summed over the group's runs and relative to each class's total, is
    largest. With one run per group this meets every class's target to within one run.
    """
    groups: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for g, c in members:
        groups.setdefault(g, {})
        groups[g][c] = groups[g].get(c, 0) + 1
        totals[c] = totals.get(c, 0) + 1
    names = sorted(groups)
    order = np.random.default_rng(seed).permutation(len(names))
    assigned = {s: dict.fromkeys(totals, 0) for s in fractions}
    out: dict[str, str] = {}
    for i in order:
        g = names[int(i)]
        best, best_gap = None, -math.inf
        for s, frac in fractions.items():
            if frac <= 0:
                continue
            gap = sum(
                n * (frac * totals[c] - assigned[s][c]) / totals[c] for c, n in groups[g].items()
            )
            if gap > best_gap + 1e-12:
                best, best_gap = s, gap
        assert best is not None
        out[g] = best
        for c, n in groups[g].items():
            assigned[best][c] += n
    return out
