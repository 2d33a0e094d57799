"""Schemas, defaults and semantic checks, on specs built from dicts."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any

import jsonschema
import pytest
import yaml

from failsim.errors import SpecError
from failsim.spec import (
    bundled_dir,
    machine_from_dict,
    scenario_from_dict,
    schema,
    thermal_edges,
)
from failsim.spec.validate import (
    SpecSource,
    apply_defaults,
    check_schema,
    show,
    split_resistance_key,
    to_plain,
)

MACHINE = "im_7p5kw_pump"

# Optional fields that cannot have a default because exactly one of a group must be given.
NO_DEFAULT = {
    ("contact", "narrowing", "start_m"),
    ("contact", "narrowing", "end_m"),
    ("contact", "narrowing", "width_m"),
    # a sweep's optional parts: absent means not swept (the seed: the scenario's)
    ("sweep", "seed"),
    ("sweep", "classes"),
    ("sweep", "grid"),
    ("sweep", "sample"),
    ("sweep", "runs_per_class"),
    ("sweep", "instances"),
    ("events", "[]", "at_s"),
    ("events", "[]", "when"),
    ("events", "[]", "phase"),
    ("events", "[]", "when", "above"),
    ("events", "[]", "when", "below"),
    # a fault's parameter: required by its kind only (if/then in the schema)
    ("faults", "[]", "offset"),
    ("faults", "[]", "rate_per_s"),
    ("faults", "[]", "gain"),
    ("faults", "[]", "limit"),
    ("faults", "[]", "noise_rms"),
    ("faults", "[]", "resonance_hz"),
    ("faults", "[]", "damping_ratio"),  # its default (0.1) applies to sensor_mount_loose only
    ("faults", "[]", "extra_load_pu"),
    ("faults", "[]", "ramp_s"),
    ("faults", "[]", "period_s"),
    ("faults", "[]", "duty"),
    ("faults", "[]", "depth_pu"),
    ("faults", "[]", "unbalance_pct"),
    ("faults", "[]", "angle_deg"),  # its default (0) applies to voltage_unbalance only
    ("faults", "[]", "broken_bars"),
    ("faults", "[]", "friction_torque_n_m"),
    ("faults", "[]", "runaway_s"),  # seizure-only parameters, defaults in the fault's code
    ("faults", "[]", "static_ratio"),
    ("faults", "[]", "stribeck_speed_rad_s"),
    ("faults", "[]", "category"),
    ("faults", "[]", "part"),  # bearing_defect parameters, defaults in the fault's code
    ("faults", "[]", "size_mm"),
    ("faults", "[]", "position_deg"),
    ("faults", "[]", "slip_pct"),
    ("faults", "[]", "growth"),
    ("faults", "[]", "friction_loss_pct"),
    ("faults", "[]", "takeup_loss_pct"),
    ("faults", "[]", "resistance_n"),
    ("faults", "[]", "unbalance_g_mm"),
    ("faults", "[]", "offset_mm"),
    ("faults", "[]", "angular_mm_per_100mm"),
    ("faults", "[]", "friction_factor"),
    ("faults", "[]", "degradation_s"),
    ("faults", "[]", "runaway_temp_c"),
    ("faults", "[]", "runaway_width_k"),
    ("faults", "[]", "stiffness_loss_pct"),
    ("faults", "[]", "looseness_pct"),
    ("faults", "[]", "seized_idlers"),
    ("faults", "[]", "idler_spacing_m"),
    ("faults", "[]", "belt_roll_friction"),
    # a trigger gives either at_s or a condition
    ("faults", "[]", "trigger", "at_s"),
    ("faults", "[]", "trigger", "when"),
    ("faults", "[]", "trigger", "when", "above"),
    ("faults", "[]", "trigger", "when", "below"),
    # a trigger is plain unless it says random or intermittent
    ("faults", "[]", "trigger", "random"),
    ("faults", "[]", "trigger", "intermittent"),
    # required only for one motor type (if/then in the schema)
    ("motor", "rated", "line_voltage_v"),
    ("motor", "rated", "frequency_hz"),
    ("motor", "rated", "voltage_v"),
    ("motor", "pole_pairs"),
    ("motor", "stator_resistance_ohm"),
    ("motor", "rotor_resistance_ohm"),
    ("motor", "stator_leakage_inductance_h"),
    ("motor", "rotor_leakage_inductance_h"),
    ("motor", "magnetizing_inductance_h"),
    ("motor", "armature_resistance_ohm"),
    ("motor", "armature_inductance_h"),
}


def machine_data() -> dict:
    text = (bundled_dir("machines") / f"{MACHINE}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def scenario_data(**changes: Any) -> dict:
    data: dict[str, Any] = {"name": "tiny", "machine": MACHINE, "duration_s": 1.0}
    data.update(changes)
    return data


def fields(sch: dict, path: tuple = ()) -> Iterator[tuple[tuple, dict, bool]]:
    """(path, field schema, required) for every property, recursively."""
    required = set(sch.get("required", []))
    for key, sub in sch.get("properties", {}).items():
        yield (*path, key), sub, key in required
        yield from fields(sub, (*path, key))
        if "items" in sub:
            yield from fields(sub["items"], (*path, key, "[]"))
    for pattern, sub in sch.get("patternProperties", {}).items():
        yield (*path, pattern), sub, True


def objects(sch: Any) -> Iterator[dict]:
    if isinstance(sch, dict):
        if sch.get("type") == "object":
            yield sch
        for value in sch.values():
            yield from objects(value)
    elif isinstance(sch, list):
        for value in sch:
            yield from objects(value)


# --------------------------------------------------------------------------- schemas


@pytest.mark.parametrize("kind", ["machine", "scenario"])
def test_schema_is_valid_2020_12_and_shipped_in_package(kind: str) -> None:
    text = (
        resources.files("failsim.spec")
        .joinpath("schemas")
        .joinpath(f"{kind}.schema.json")
        .read_text(encoding="utf-8")
    )
    sch = json.loads(text)
    assert sch == schema(kind)
    assert sch["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(sch)


@pytest.mark.parametrize("kind", ["machine", "scenario"])
def test_schema_conventions(kind: str) -> None:
    sch = schema(kind)
    for obj in objects(sch):
        assert obj.get("additionalProperties") is False, obj.get("description")
    for path, sub, required in fields(sch):
        assert sub.get("description"), path
        types = sub.get("type", [])
        types = [types] if isinstance(types, str) else types
        if {"number", "integer"} & set(types):
            assert sub["description"].rstrip(".").endswith("]"), f"{path}: no [unit]"
        if not required and path not in NO_DEFAULT:
            assert "default" in sub, f"{path}: optional without a default"
        if "default" in sub:
            jsonschema.Draft202012Validator(sub).validate(sub["default"])


def test_schema_returns_a_copy() -> None:
    schema("machine")["properties"].clear()
    assert schema("machine")["properties"]


def test_unknown_schema_kind() -> None:
    with pytest.raises(SpecError):
        schema("fault")


# --------------------------------------------------------------------------- defaults


def test_apply_defaults_is_generic() -> None:
    sch = {
        "type": "object",
        "properties": {
            "a": {"type": "number", "default": 1},
            "b": {
                "type": "object",
                "properties": {"c": {"type": "integer", "default": 2.0}},
                "default": {},
            },
            "d": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"e": {"type": "string", "default": "x"}},
                },
                "default": [{}],
            },
            "f": {"type": "object", "patternProperties": {"^p": {"type": "number"}}},
            "g": {"type": "number"},
        },
    }
    out = apply_defaults({"f": {"p1": 3}}, sch)
    assert out == {"a": 1.0, "b": {"c": 2}, "d": [{"e": "x"}], "f": {"p1": 3.0}}
    assert type(out["a"]) is float and type(out["b"]["c"]) is int
    assert type(out["f"]["p1"]) is float
    assert list(out) == ["a", "b", "d", "f"]  # schema order
    # defaults are copies
    out["d"][0]["e"] = "changed"
    assert sch["properties"]["d"]["default"] == [{}]


def test_bool_is_not_coerced() -> None:
    assert apply_defaults(True, {"type": ["number", "boolean"]}) is True


# --------------------------------------------------------------------------- plain data


def test_to_plain_rejects_non_json() -> None:
    with pytest.raises(SpecError, match="finite"):
        to_plain({"a": [1.0, float("nan")]})
    with pytest.raises(SpecError, match="keys must be strings"):
        to_plain({1: 2})
    with pytest.raises(SpecError, match="not set"):
        to_plain({"a": {1, 2}})
    assert to_plain({"a": (1, 2.5)}) == {"a": [1, 2.5]}


def test_show() -> None:
    assert show(None) == "null"
    assert show(True) == "true"
    assert show("abc") == "'abc'"
    assert show(0.5) == "0.5"
    assert show([1, 2]) == "[1, 2]"
    assert len(show("x" * 500)) < 70


# --------------------------------------------------------------------------- schema errors


def test_unknown_key_wins_over_other_errors() -> None:
    data = machine_data()
    data["motor"]["inertia_kg_m3"] = data["motor"].pop("inertia_kg_m2")  # also missing
    data["supply"]["frequency_hz"] = -1.0
    with pytest.raises(SpecError) as info:
        check_schema(data, "machine", SpecSource("m.yaml"))
    err = info.value
    assert err.field == "motor.inertia_kg_m3"
    assert "did you mean 'inertia_kg_m2'?" in str(err)
    assert "allowed: type, rated" in str(err)


def test_deepest_error_is_reported() -> None:
    data = machine_data()
    data["name"] = "Bad Name"
    data["motor"]["rated"]["speed_rpm"] = "fast"
    with pytest.raises(SpecError) as info:
        machine_from_dict(data)
    assert info.value.field == "motor.rated.speed_rpm"
    assert "'fast' is not a number" in str(info.value)


def test_error_choice_is_deterministic() -> None:
    messages = set()
    for _ in range(3):
        data = machine_data()
        data["shaft"]["coupling_stiffness_n_m_rad"] = 0
        data["load"]["inertia_kg_m2"] = 0
        with pytest.raises(SpecError) as info:
            machine_from_dict(data)
        messages.add(str(info.value))
    assert len(messages) == 1


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        (lambda d: d["load"].pop("rated_speed_rpm"), "load.rated_speed_rpm", "linear or quadratic"),
        (
            lambda d: d["load"].update(rated_speed_rpm=None),
            "load.rated_speed_rpm",
            "must be a number",
        ),
        (
            lambda d: d["load"].update(type="polynomial"),
            "load.coefficients",
            "needed when load.type is polynomial",
        ),
        (lambda d: d["motor"].update(type="stepper"), "motor.type", "'induction'"),
        (lambda d: d.update(source="  "), "source", "where its numbers come from"),
        (lambda d: d.pop("source"), "source", "required field is missing"),
        (
            lambda d: d["protection"]["overload_relay"].update(trip_class=15),
            "protection.overload_relay.trip_class",
            "one of 10, 20, 30",
        ),
        (
            lambda d: d["protection"]["overload_relay"].update(k_factor=2),
            "protection.overload_relay.k_factor",
            "at least 1.0 and at most 1.5",
        ),
        (
            lambda d: d["thermal"]["resistance_k_w"].update(winding_housing=1.0),
            "thermal.resistance_k_w.winding_housing",
            "double underscore",
        ),
        (
            lambda d: d["thermal"]["capacity_j_k"].update(windings=1.0),
            "thermal.capacity_j_k.windings",
            "keys matching ^bearing_",
        ),
        (lambda d: d["bearings"][0].update(bore_diameter_m=3), "bearings[0].bore_diameter_m", "2"),
        (lambda d: d["sensors"]["current"].update(adc_bits=7), "sensors.current.adc_bits", "8"),
    ],
)
def test_machine_schema_messages(change: Callable, field: str, expected: str) -> None:
    data = machine_data()
    change(data)
    with pytest.raises(SpecError) as info:
        machine_from_dict(data, source="m.yaml")
    assert info.value.field == field
    assert expected in str(info.value)
    assert str(info.value).startswith("m.yaml")


def test_constant_load_needs_no_speed() -> None:
    data = machine_data()
    data["load"]["type"] = "constant"
    data["load"].pop("rated_speed_rpm")
    assert machine_from_dict(data).data["load"]["rated_speed_rpm"] is None


@pytest.mark.parametrize(
    ("event", "field", "expected"),
    [
        ({"at_s": 0.5, "action": "open_phase"}, "events[0].phase", "need a 'phase'"),
        (
            {"at_s": 0.5, "action": "open_contactor", "phase": "a"},
            "events[0].phase",
            "only allowed with action open_phase",
        ),
        ({"action": "open_contactor"}, "events[0].when", "'at_s' (s) or a condition 'when'"),
        (
            {
                "at_s": 0.5,
                "when": {"signal": "speed_rpm", "above": 1.0},
                "action": "open_contactor",
            },
            "events[0].when",
            "not both",
        ),
        (
            {
                "when": {"signal": "speed_rpm", "above": 1.0, "below": 2.0},
                "action": "open_contactor",
            },
            "events[0].when",
            "exactly one of 'above' or 'below'",
        ),
        (
            {"when": {"signal": "speed", "above": 1.0}, "action": "open_contactor"},
            "events[0].when.signal",
            "did you mean 'speed_rpm'?",
        ),
        ({"at_s": 0.5, "action": "trip"}, "events[0].action", "'open_contactor'"),
        ({"at_s": 0.5, "action": "open_phase", "phase": "d"}, "events[0].phase", "'a', 'b', 'c'"),
    ],
)
def test_event_schema_messages(event: dict, field: str, expected: str) -> None:
    with pytest.raises(SpecError) as info:
        scenario_from_dict(scenario_data(events=[event]))
    assert info.value.field == field
    assert expected in str(info.value)


# --------------------------------------------------------------------------- machine semantics


def test_bundled_machine_passes() -> None:
    assert machine_from_dict(machine_data()).name == MACHINE


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        (
            lambda d: d["motor"]["rated"].update(speed_rpm=1500.0),
            "motor.rated.speed_rpm",
            ["1500.0", "synchronous speed", "1500 rpm"],
        ),
        (
            lambda d: d["motor"].update(pole_pairs=3),
            "motor.rated.speed_rpm",
            ["1438.0", "1000 rpm"],
        ),
        (
            lambda d: d["motor"].update(rotor_leakage_inductance_h=0.2),
            "motor.rotor_leakage_inductance_h",
            ["0.2", "magnetizing_inductance_h"],
        ),
        (
            lambda d: d["bearings"][1].update(name="drive_end"),
            "bearings[1].name",
            ["'drive_end'", "unique"],
        ),
        (
            lambda d: d["thermal"]["capacity_j_k"].pop("bearing_non_drive_end"),
            "bearings[1].name",
            ["'non_drive_end'", "bearing_non_drive_end"],
        ),
        (
            lambda d: d["thermal"]["capacity_j_k"].update(bearing_fan_end=100.0),
            "thermal.capacity_j_k.bearing_fan_end",
            ["no bearing named 'fan_end'", "drive_end"],
        ),
        (
            lambda d: d["thermal"]["resistance_k_w"].update(rotor__hosing=1.0),
            "thermal.resistance_k_w.rotor__hosing",
            ["'hosing'", "did you mean 'housing'?", "ambient"],
        ),
        (
            lambda d: d["thermal"]["resistance_k_w"].update(housing__housing=1.0),
            "thermal.resistance_k_w.housing__housing",
            ["to itself"],
        ),
        (
            lambda d: d["thermal"]["resistance_k_w"].update(stator_iron__winding=1.0),
            "thermal.resistance_k_w.stator_iron__winding",
            ["'winding__stator_iron' already connects"],
        ),
        (
            lambda d: d["thermal"]["resistance_k_w"].pop("housing__ambient"),
            "thermal.capacity_j_k.winding",
            ["'winding'", "no path to ambient"],
        ),
        (
            lambda d: d["sensors"]["temperature"]["time_constant_s"].update(stator=5.0),
            "sensors.temperature.time_constant_s.stator",
            ["'stator'", "winding, stator_iron"],
        ),
    ],
)
def test_machine_semantic_checks(change: Callable, field: str, expected: list[str]) -> None:
    data = machine_data()
    change(data)
    with pytest.raises(SpecError) as info:
        machine_from_dict(data, source="m.yaml")
    assert info.value.field == field
    for text in expected:
        assert text in str(info.value)


def test_isolated_island_has_no_path_to_ambient() -> None:
    data = machine_data()
    res = data["thermal"]["resistance_k_w"]
    for key in [k for k in res if "bearing_non_drive_end" in k]:
        del res[key]
    res["bearing_non_drive_end__bearing_drive_end"] = 5.0  # connected, so fine
    machine_from_dict(data)
    del res["bearing_non_drive_end__bearing_drive_end"]
    with pytest.raises(SpecError) as info:
        machine_from_dict(data)
    assert info.value.field == "thermal.capacity_j_k.bearing_non_drive_end"


def test_resistance_keys_with_underscores() -> None:
    nodes = ["winding", "stator_iron", "bearing_a", "bearing_a__b"]
    assert split_resistance_key("stator_iron__winding", nodes) == ("stator_iron", "winding")
    assert split_resistance_key("bearing_a__b__ambient", nodes) == ("bearing_a__b", "ambient")
    assert split_resistance_key("rotor__winding", nodes) is None
    assert split_resistance_key("bearing_a__b__winding", [*nodes, "b__winding"]) is None


def test_thermal_edges() -> None:
    edges = thermal_edges(machine_from_dict(machine_data()).data)
    assert ("housing", "ambient", 0.042) in edges
    assert len(edges) == 8


# --------------------------------------------------------------------------- scenario semantics


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        (
            {"operation": {"start_at_s": 0.5, "stop_at_s": 0.5}},
            "operation.stop_at_s",
            ["0.5", "greater than operation.start_at_s"],
        ),
        (
            {
                "operation": {
                    "load_profile": [{"at_s": 0.5, "load_pu": 1.0}, {"at_s": 0.2, "load_pu": 1.0}]
                }
            },
            "operation.load_profile[1].at_s",
            ["0.2", "load_profile[0].at_s = 0.5"],
        ),
        (
            {"duration_s": 1.00001},
            "duration_s",
            ["1.00001", "1/10000 s", "1 and 1.0001"],
        ),
        (
            {"duration_s": 0.0001, "solver": {"rate_hz": 7000}},
            "duration_s",
            ["0.0001", "1/7000 s", "0.000142857142857"],
        ),
        (
            {"streams": {"current": {"sample_rate_hz": 50000}}},
            "streams.current.sample_rate_hz",
            ["50000", "at most solver.rate_hz = 10000"],
        ),
        (
            {"events": [{"at_s": 1.5, "action": "open_contactor"}]},
            "events[0].at_s",
            ["1.5", "would never happen", "duration_s is 1.0"],
        ),
        (
            {"initial": {"temperatures_c": {"windings": 40.0}}},
            "initial.temperatures_c.windings",
            ["'windings'", "did you mean 'winding'?"],
        ),
        (
            {
                "events": [
                    {
                        "when": {"signal": "temp_bearing_de_c", "above": 90},
                        "action": "open_contactor",
                    }
                ]
            },
            "events[0].when.signal",
            ["'temp_bearing_de_c'", "temp_bearing_drive_end_c"],
        ),
    ],
)
def test_scenario_semantic_checks(changes: dict, field: str, expected: list[str]) -> None:
    with pytest.raises(SpecError) as info:
        scenario_from_dict(scenario_data(**changes), source="s.yaml")
    assert info.value.field == field
    for text in expected:
        assert text in str(info.value)


def test_scenario_edge_cases_allowed() -> None:
    spec = scenario_from_dict(
        scenario_data(
            duration_s=0.1,  # 0.1 * 20000 is 2000.0000000000002 in floating point
            operation={
                "start_at_s": None,
                "stop_at_s": 5.0,
                "load_profile": [{"at_s": 0.0, "load_pu": 0.0}, {"at_s": 0.0, "load_pu": 2.0}],
            },
            events=[
                {"at_s": 0.1, "action": "close_contactor"},
                {
                    "when": {"signal": "temp_bearing_drive_end_c", "above": 90},
                    "action": "open_contactor",
                },
            ],
            initial={"temperatures_c": {"bearing_drive_end": 60}},
        )
    )
    assert spec.data["operation"]["start_at_s"] is None
