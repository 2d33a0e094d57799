"""Bad input files: one SpecError naming file, line, field, bad value and what is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from failsim.errors import SpecError, SpecNotFoundError
from failsim.spec import bundled_dir, load_machine, load_scenario, validate_file

MACHINE = "im_7p5kw_pump"
SCENARIO = "im_7p5kw_pump_rated"


def bundled_text(kind: str, name: str) -> str:
    return (bundled_dir(kind) / f"{name}.yaml").read_text(encoding="utf-8")


def line_of(text: str, marker: str) -> int:
    """1-based line of the first line containing ``marker``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in the file")


@dataclass
class Case:
    kind: str  # "machine" or "scenario"
    old: str  # text to replace in the bundled file ("" = replace the whole file)
    new: str
    field: str | None
    contains: tuple[str, ...]  # the bad value, what is allowed, ...
    marker: str | None = None  # the error's line is the line holding this text


MACHINE_CASES = {
    "unknown key": Case(
        "machine",
        "  inertia_kg_m2: 0.0343",
        "  inertia_kg_m3: 0.0343",
        "motor.inertia_kg_m3",
        ("unknown key", "did you mean 'inertia_kg_m2'?", "allowed:", "pole_pairs"),
        "inertia_kg_m3",
    ),
    "wrong type": Case(
        "machine",
        "  inertia_kg_m2: 0.0343",
        "  inertia_kg_m2: abc",
        "motor.inertia_kg_m2",
        ("'abc' is not a number", "greater than 0", "(kg m^2)"),
        "inertia_kg_m2: abc",
    ),
    "negative inertia": Case(
        "machine",
        "  inertia_kg_m2: 0.05",
        "  inertia_kg_m2: -0.05",
        "load.inertia_kg_m2",
        ("-0.05", "is not allowed", "greater than 0", "(kg m^2)"),
        "inertia_kg_m2: -0.05",
    ),
    "enum": Case(
        "machine",
        "  stator_conductor: copper",
        "  stator_conductor: coper",
        "motor.stator_conductor",
        ("'coper'", "did you mean 'copper'?", "'copper', 'aluminium'"),
        "coper",
    ),
    "voltage too high": Case(
        "machine",
        "  line_voltage_v: 400.0\n  frequency_hz: 50.0\n  contactor",
        "  line_voltage_v: 40000.0\n  frequency_hz: 50.0\n  contactor",
        "supply.line_voltage_v",
        ("40000.0", "greater than 0 and at most 20000", "(V)"),
        "40000.0",
    ),
    "rated speed above synchronous": Case(
        "machine",
        "    speed_rpm: 1438.0",
        "    speed_rpm: 1520.0",
        "motor.rated.speed_rpm",
        ("1520.0", "below the synchronous speed", "1500 rpm", "pole_pairs"),
        "speed_rpm: 1520.0",
    ),
    "no path to ambient": Case(
        "machine",
        "    housing__ambient: 0.042",
        "    housing__rotor: 0.042",
        "thermal.capacity_j_k.winding",
        ("'winding'", "no path to ambient", "winding__ambient"),
        "    winding: 3200.0",
    ),
    "unknown node in a resistance": Case(
        "machine",
        "    rotor__stator_iron: 0.09",
        "    rotor__stator_irn: 0.09",
        "thermal.resistance_k_w.rotor__stator_irn",
        ("'stator_irn'", "did you mean 'stator_iron'?", "ambient"),
        "rotor__stator_irn",
    ),
    "nested field in a list": Case(
        "machine",
        "    radial_load_n: 800.0",
        "    radial_load_n: -800.0",
        "bearings[1].radial_load_n",
        ("-800.0", "at least 0", "(N)"),
        "radial_load_n: -800.0",
    ),
    "sensor node": Case(
        "machine",
        "      winding: 10.0",
        "      windin: 10.0",
        "sensors.temperature.time_constant_s.windin",
        ("'windin'", "did you mean 'winding'?"),
        "windin:",
    ),
    "duplicate key": Case(
        "machine",
        "  pole_pairs: 2\n",
        "  pole_pairs: 2\n  pole_pairs: 3\n",
        "motor.pole_pairs",
        ("duplicate key 'pole_pairs'", "first written at line"),
        "pole_pairs: 3",
    ),
    "key read as boolean": Case(
        "machine",
        "  pole_pairs: 2\n",
        "  pole_pairs: 2\n  on: 3\n",
        "motor",
        ("'on'", "quote it"),
        "on: 3",
    ),
    "missing required": Case(
        "machine",
        "  pole_pairs: 2\n",
        "",
        "motor.pole_pairs",
        ("required field is missing", "at least 1 and at most 12"),
        "motor:",
    ),
    "unquoted date": Case(
        "machine",
        '    designation: "6308"',
        "    designation: 2024-01-01",
        "bearings[0].designation",
        ("2024-01-01", "quote it"),
        "2024-01-01",
    ),
    "not finite": Case(
        "machine",
        "  iron_loss_w: 160.0",
        "  iron_loss_w: .inf",
        "motor.iron_loss_w",
        ("inf", "finite"),
        ".inf",
    ),
}

SCENARIO_CASES = {
    "zero duration": Case(
        "scenario",
        "duration_s: 10.0",
        "duration_s: 0",
        "duration_s",
        ("0 is not allowed", "must be a number greater than 0", "(s)"),
        "duration_s: 0",
    ),
    "duration not a whole number of steps": Case(
        "scenario",
        "duration_s: 10.0",
        "duration_s: 10.00001",
        "duration_s",
        ("10.00001", "whole number of solver steps", "1/10000 s", "10 and 10.0001"),
        "duration_s:",
    ),
    "missing machine": Case(
        "scenario",
        "machine: im_7p5kw_pump",
        "machine: im_7p5kw_pmp",
        "machine",
        ("'im_7p5kw_pmp'", "did you mean 'im_7p5kw_pump'?", "known machines:"),
        "machine:",
    ),
    "phase missing for open_phase": Case(
        "scenario",
        "streams:",
        "events:\n  - at_s: 2.0\n    action: open_phase\nstreams:",
        "events[0].phase",
        ("required field is missing", "'a', 'b', 'c'", "open_phase"),
        "at_s: 2.0",
    ),
    "event after the end": Case(
        "scenario",
        "streams:",
        "events:\n  - at_s: 12.0\n    action: open_contactor\nstreams:",
        "events[0].at_s",
        ("12.0", "would never happen", "duration_s is 10.0"),
        "at_s: 12.0",
    ),
    "load step out of order": Case(
        "scenario",
        "{at_s: 4.0, load_pu: 1.1, ramp_s: 1.0}",
        "{at_s: -4.0, load_pu: 1.1, ramp_s: 1.0}",
        "operation.load_profile[1].at_s",
        ("-4.0", "at least 0", "(s)"),
        "at_s: -4.0",
    ),
    "load too high": Case(
        "scenario",
        "{at_s: 4.0, load_pu: 1.1, ramp_s: 1.0}",
        "{at_s: 4.0, load_pu: 11, ramp_s: 1.0}",
        "operation.load_profile[1].load_pu",
        ("11 is not allowed", "at least 0 and at most 5", "(pu)"),
        "load_pu: 11",
    ),
    "stream faster than solver": Case(
        "scenario",
        "    sample_rate_hz: 10000",
        "    sample_rate_hz: 100000",
        "streams.current.sample_rate_hz",
        ("100000", "at most solver.rate_hz = 10000"),
        "sample_rate_hz: 100000",
    ),
    "fault without its trigger": Case(
        "scenario",
        "streams:",
        "faults:\n  - {kind: overload, target: load, extra_load_pu: 0.5}\nstreams:",
        "faults[0].trigger",
        ("required field is missing", "must be a mapping with keys at_s, duration_s"),
    ),
    "unknown top-level key": Case(
        "scenario",
        "seed: 1",
        "sead: 1",
        "sead",
        ("unknown key", "did you mean 'seed'?", "allowed: name, description, machine"),
        "sead: 1",
    ),
}


def write_case(tmp_path: Path, case: Case) -> tuple[Path, str]:
    machine = bundled_text("machines", MACHINE)
    if case.kind == "machine":
        text = machine.replace(case.old, case.new, 1)
        assert text != machine
        return write(tmp_path / "machines" / "bad_machine.yaml", text), text
    write(tmp_path / "machines" / f"{MACHINE}.yaml", machine)
    scenario = bundled_text("scenarios", SCENARIO)
    text = scenario.replace(case.old, case.new, 1)
    assert text != scenario
    return write(tmp_path / "scenarios" / "bad_scenario.yaml", text), text


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list({**MACHINE_CASES, **SCENARIO_CASES}))
def test_bad_file(tmp_path: Path, name: str) -> None:
    case = {**MACHINE_CASES, **SCENARIO_CASES}[name]
    path, text = write_case(tmp_path, case)
    loader = load_machine if case.kind == "machine" else load_scenario
    with pytest.raises(SpecError) as info:
        loader(path)
    err = info.value
    message = str(err)
    assert message.startswith(str(path)), message
    assert path.name in message
    assert err.file == str(path)
    assert err.field == case.field
    assert f"field '{case.field}'" in message
    for part in case.contains:
        assert part in message, f"{part!r} not in {message!r}"
    if case.marker is not None:
        assert err.line == line_of(text, case.marker), message
        assert f"{path}:{err.line}:" in message
    # validate_file reports the same error
    with pytest.raises(SpecError) as again:
        validate_file(path)
    assert str(again.value) == message


def test_missing_machine_is_not_found(tmp_path: Path) -> None:
    path, _ = write_case(tmp_path, SCENARIO_CASES["missing machine"])
    with pytest.raises(SpecNotFoundError) as info:
        load_scenario(path)
    assert info.value.value == "im_7p5kw_pmp"
    assert "machines" in str(info.value)


def test_error_value_attribute(tmp_path: Path) -> None:
    path, _ = write_case(tmp_path, MACHINE_CASES["negative inertia"])
    with pytest.raises(SpecError) as info:
        load_machine(path)
    assert info.value.value == -0.05


@pytest.mark.parametrize(
    ("text", "expected", "line"),
    [
        ("name: x\nmotor:\n  type: induction\n  rated: [1, 2\n", ["invalid YAML", "column"], 5),
        ("name: x\nmotor: {a: 1\n", ["invalid YAML", "line"], None),
        ("name: x\n  motor: 3\n", ["invalid YAML", "mapping values are not allowed"], 2),
        ("name: x\nmotor:\n\ttype: induction\n", ["invalid YAML", "tabs"], 3),
        ("a: 1\n---\nb: 2\n", ["invalid YAML", "single document"], None),
        ("name: !!python/name:os.system x\n", ["invalid YAML", "constructor"], 1),
    ],
)
def test_broken_yaml(tmp_path: Path, text: str, expected: list[str], line: int | None) -> None:
    path = write(tmp_path / "broken.yaml", text)
    with pytest.raises(SpecError) as info:
        validate_file(path)
    message = str(info.value)
    assert message.startswith(str(path))
    for part in expected:
        assert part in message, message
    if line is not None:
        assert info.value.line == line


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n", "---\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path / "empty.yaml", text)
    for load in (load_machine, load_scenario, validate_file):
        with pytest.raises(SpecError) as info:
            load(path)
        assert str(info.value).startswith(str(path))
        assert "empty" in str(info.value)
        assert "mapping" in str(info.value)


@pytest.mark.parametrize("text", ["- a\n- b\n", "42\n", "just text\n"])
def test_top_level_not_a_mapping(tmp_path: Path, text: str) -> None:
    path = write(tmp_path / "list.yaml", text)
    with pytest.raises(SpecError) as info:
        load_scenario(path)
    assert "not a mapping" in str(info.value)
    assert str(info.value).startswith(str(path))


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(SpecError, match="UTF-8"):
        load_machine(path)


def test_machine_errors_name_the_machine_file(tmp_path: Path) -> None:
    machine = bundled_text("machines", MACHINE).replace(
        "  inertia_kg_m2: 0.0343", "  inertia_kg_m2: -1"
    )
    machine_path = write(tmp_path / "machines" / "broken_pump.yaml", machine)
    scenario = bundled_text("scenarios", SCENARIO).replace(
        "machine: im_7p5kw_pump", "machine: broken_pump"
    )
    path = write(tmp_path / "scenarios" / "s.yaml", scenario)
    with pytest.raises(SpecError) as info:
        load_scenario(path)
    err = info.value
    assert err.file == str(machine_path)
    assert err.field == "motor.inertia_kg_m2"
    assert err.line == line_of(machine, "inertia_kg_m2: -1")


def test_error_in_override_names_the_override(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_scenario(SCENARIO, {"operation.load_profile[0].load_pu": -1})
    message = str(info.value)
    assert "operation.load_profile[0].load_pu" in message
    assert "-1" in message and "at least 0" in message
    assert "set by override" in message
    assert info.value.line is None


# --------------------------------------------------------------------------- vibration


def _vibration_machine() -> dict:
    import copy

    from failsim.spec import load_machine

    return copy.deepcopy(load_machine("im_7p5kw_pump").data)


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        (lambda d: d["accelerometers"][0].update(location="drive_ends"), "location", "drive_end"),
        (
            lambda d: d["vibration"]["modes"][0]["shape"].update(fan_end=1.0),
            "shape.fan_end",
            "unknown bearing",
        ),
        (lambda d: d["bearings"][0].update(designation="6x05"), "designation", "geometry"),
        (lambda d: d.pop("vibration"), "accelerometers", "vibration model"),
        (
            lambda d: d["accelerometers"].append(dict(d["accelerometers"][0])),
            "accelerometers[3].name",
            "unique",
        ),
    ],
)
def test_bad_vibration_sections(change, field, expected) -> None:
    from failsim.spec import machine_from_dict

    data = _vibration_machine()
    change(data)
    with pytest.raises(SpecError) as info:
        machine_from_dict(data, source="m.yaml")
    assert field in str(info.value) and expected in str(info.value)


def test_mode_above_the_synthesis_band_is_refused() -> None:
    from failsim.spec import load_scenario

    with pytest.raises(SpecError) as info:
        load_scenario("im_7p5kw_pump_rated", overrides={"streams.vibration.sample_rate_hz": 6000})
    text = str(info.value)
    assert "streams.vibration.sample_rate_hz" in text and "6800" in text
