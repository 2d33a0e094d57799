"""Loading specs: bundled names, paths, machine resolution, defaults, overrides, hashes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from failsim.errors import SpecError, SpecNotFoundError
from failsim.spec import (
    MachineSpec,
    ScenarioSpec,
    bundled_dir,
    canonical_sha256,
    list_machines,
    list_scenarios,
    load_machine,
    load_scenario,
    machine_from_dict,
    parse_override_path,
    scenario_from_dict,
    validate_file,
)
from failsim.spec.yaml_lines import format_path, load_yaml

MACHINE = "im_7p5kw_pump"
SCENARIO = "im_7p5kw_pump_rated"


def machine_text() -> str:
    return (bundled_dir("machines") / f"{MACHINE}.yaml").read_text(encoding="utf-8")


def scenario_dict(**changes: object) -> dict:
    data = {"name": "tiny", "machine": MACHINE, "duration_s": 1.0}
    data.update(changes)
    return data


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- bundled


def test_bundled_dirs_exist_and_hold_yaml() -> None:
    for kind in ("machines", "scenarios"):
        assert bundled_dir(kind).is_dir()
    assert MACHINE in list_machines()
    assert SCENARIO in list_scenarios()
    assert list_machines() == sorted(list_machines())
    assert list_scenarios() == sorted(list_scenarios())


def test_bundled_dir_rejects_unknown_kind() -> None:
    with pytest.raises(SpecError, match="machines"):
        bundled_dir("faults")


@pytest.mark.parametrize("name", list_machines())
def test_every_bundled_machine_loads(name: str) -> None:
    spec = load_machine(name)
    assert isinstance(spec, MachineSpec)
    assert spec.name == name  # the file stem is the machine's name
    assert spec.path is not None and spec.path.is_absolute()
    assert spec.sha256 == canonical_sha256(spec.data)
    assert spec.data["source"].strip()


@pytest.mark.parametrize("name", list_scenarios())
def test_every_bundled_scenario_loads(name: str) -> None:
    spec = load_scenario(name)
    assert isinstance(spec, ScenarioSpec)
    assert spec.name == name
    assert isinstance(spec.data["machine"], str)
    assert isinstance(spec.machine, MachineSpec)
    without_chunk = {**spec.data, "solver": dict(spec.data["solver"])}
    without_chunk["solver"].pop("chunk_s")
    assert spec.sha256 == canonical_sha256(without_chunk)  # the chunk length never matters


def test_chunk_length_does_not_change_the_scenario_hash() -> None:
    a = load_scenario(SCENARIO)
    b = load_scenario(SCENARIO, overrides={"solver.chunk_s": 0.25})
    assert a.sha256 == b.sha256


def test_specs_are_hashable_and_compare_by_content() -> None:
    a, b = load_machine(MACHINE), load_machine(MACHINE)
    assert a == b and hash(a) == hash(b)
    assert len({load_scenario(SCENARIO), load_scenario(SCENARIO)}) == 1


def test_load_by_path_str_and_path(tmp_path: Path) -> None:
    path = write(tmp_path / "m.yaml", machine_text())
    by_str = load_machine(str(path))
    by_path = load_machine(path)
    assert by_str.sha256 == by_path.sha256 == load_machine(MACHINE).sha256
    assert by_path.path == path.resolve()


def test_yml_suffix_is_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "m.yml", machine_text())
    monkeypatch.chdir(tmp_path)
    assert load_machine("m.yml").name == MACHINE
    with pytest.raises(SpecNotFoundError):
        load_machine("m")  # a bare name is looked up among the bundled machines only


def test_unknown_bundled_name_suggests() -> None:
    with pytest.raises(SpecNotFoundError) as info:
        load_machine("im_7p5kw_pmp")
    text = str(info.value)
    assert "'im_7p5kw_pmp'" in text
    assert f"did you mean '{MACHINE}'" in text
    assert info.value.value == "im_7p5kw_pmp"
    assert isinstance(info.value, FileNotFoundError)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SpecNotFoundError, match="no such file"):
        load_scenario(tmp_path / "nope.yaml")


# --------------------------------------------------------------------------- hashes, data


def test_sha256_is_canonical_json() -> None:
    spec = load_scenario(SCENARIO)
    import hashlib

    data = {**spec.data, "solver": {k: v for k, v in spec.data["solver"].items() if k != "chunk_s"}}

    def without_nulls(v):
        if isinstance(v, dict):
            return {k: without_nulls(x) for k, x in v.items() if x is not None}
        if isinstance(v, list):
            return [without_nulls(x) for x in v]
        return v

    text = json.dumps(without_nulls(data), sort_keys=True, separators=(",", ":"))
    assert spec.sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_a_null_section_hashes_like_an_absent_one() -> None:
    """A later failsim's optional section with a null default keeps existing run ids."""
    from failsim.spec import canonical_sha256

    spec = load_scenario(SCENARIO)
    assert spec.data["contact"] is None  # present, filled with its null default
    absent = {k: v for k, v in spec.data.items() if k != "contact"}
    assert canonical_sha256(absent) == canonical_sha256(spec.data)
    assert canonical_sha256({**absent, "contact": {}}) != canonical_sha256(absent)


def test_int_and_float_spellings_hash_equal() -> None:
    a = scenario_from_dict(scenario_dict(duration_s=1))
    b = scenario_from_dict(scenario_dict(duration_s=1.0))
    assert a.sha256 == b.sha256
    assert isinstance(a.data["duration_s"], float)
    assert isinstance(a.data["seed"], int)


def test_integer_fields_written_as_floats_become_int() -> None:
    spec = scenario_from_dict(scenario_dict(seed=3.0, solver={"rate_hz": 10000.0}))
    assert spec.data["seed"] == 3 and isinstance(spec.data["seed"], int)
    assert isinstance(spec.data["solver"]["rate_hz"], int)


def test_data_is_plain_json() -> None:
    spec = load_scenario(SCENARIO)
    assert json.loads(json.dumps(spec.data)) == spec.data
    assert json.loads(json.dumps(spec.machine.data)) == spec.machine.data


def test_from_dict_does_not_modify_input() -> None:
    data = yaml.safe_load(machine_text())
    before = copy.deepcopy(data)
    spec = machine_from_dict(data)
    assert data == before
    assert spec.path is None
    assert spec.sha256 == load_machine(MACHINE).sha256


def test_from_dict_accepts_tuples_and_numpy_scalars() -> None:
    np = pytest.importorskip("numpy")
    spec = scenario_from_dict(
        scenario_dict(
            duration_s=np.float64(2.0),
            seed=np.int64(7),
            operation={"load_profile": ({"at_s": 0.0, "load_pu": np.float32(0.5)},)},
        )
    )
    assert spec.data["seed"] == 7 and type(spec.data["seed"]) is int
    assert spec.data["operation"]["load_profile"][0]["load_pu"] == 0.5


# --------------------------------------------------------------------------- defaults


def test_scenario_defaults_filled() -> None:
    d = scenario_from_dict(scenario_dict()).data
    assert d["seed"] == 0
    assert d["description"] == ""
    assert d["environment"] == {"ambient_temp_c": 25.0}
    assert d["supply"] == {
        "voltage_pu": 1.0,
        "frequency_hz": None,
        "voltage_unbalance_pct": 0.0,
        "unbalance_angle_deg": 0.0,
    }
    assert d["operation"] == {
        "start_at_s": 0.0,
        "stop_at_s": None,
        "load_profile": [{"at_s": 0.0, "load_pu": 1.0, "ramp_s": 0.0}],
    }
    assert d["initial"] == {"temperatures_c": {}, "relay_level_pu": 0.0}
    assert d["events"] == []
    assert d["streams"] == {
        "current": {"sample_rate_hz": 10000},
        "process": {"sample_rate_hz": 10},
        "vibration": {"sample_rate_hz": 25600, "oversample": 2},
    }
    assert d["solver"] == {"rate_hz": 10000, "thermal_substeps": None, "chunk_s": 1.0}


def test_defaults_inside_partial_sections_and_list_items() -> None:
    d = scenario_from_dict(
        scenario_dict(
            solver={"rate_hz": 50000},
            operation={"load_profile": [{"at_s": 0.0, "load_pu": 0.5}]},
            events=[
                {"when": {"signal": "speed_rpm", "above": 1400.0}, "action": "open_contactor"},
                {"at_s": 0.5, "action": "open_phase", "phase": "b"},
            ],
        )
    ).data
    assert d["solver"] == {"rate_hz": 50000, "thermal_substeps": None, "chunk_s": 1.0}
    assert d["operation"]["load_profile"] == [{"at_s": 0.0, "load_pu": 0.5, "ramp_s": 0.0}]
    assert d["operation"]["start_at_s"] == 0.0
    assert d["events"][0]["when"]["for_s"] == 0.0
    assert d["events"][0]["label"] == ""
    assert "at_s" not in d["events"][0] and "phase" not in d["events"][0]
    assert d["events"][1]["phase"] == "b"


def test_machine_defaults_filled() -> None:
    data = yaml.safe_load(machine_text())
    for key in ("description", "sensors", "bearings", "vibration", "accelerometers"):
        data.pop(key)
    data["thermal"]["capacity_j_k"] = {
        k: v for k, v in data["thermal"]["capacity_j_k"].items() if not k.startswith("bearing_")
    }
    data["thermal"]["resistance_k_w"] = {
        k: v for k, v in data["thermal"]["resistance_k_w"].items() if "bearing_" not in k
    }
    data["thermal"].pop("fan_cooling")
    data["supply"].pop("contactor_drop_delay_s")
    for key in ("iron_loss_w", "windage_loss_w", "stator_conductor", "rotor_conductor"):
        data["motor"].pop(key)
    d = machine_from_dict(data).data
    assert d["description"] == ""
    assert d["bearings"] == []
    assert d["vibration"] is None and d["accelerometers"] == []
    assert d["supply"]["contactor_drop_delay_s"] == 0.02
    assert d["motor"]["iron_loss_w"] == 0.0
    assert d["motor"]["stator_conductor"] == "copper"
    assert d["motor"]["rotor_conductor"] == "aluminium"
    assert d["thermal"]["fan_cooling"] == {"standstill_ratio": 0.33, "speed_exponent": 0.7}
    assert d["protection"]["overload_relay"] == {
        "enabled": True,
        "trip_class": 10,
        "current_setting_a": 13.5,
        "k_factor": 1.125,
        "time_constant_s": None,
    }
    sensors = d["sensors"]
    assert sensors["current"] == {
        "bandwidth_hz": 20000.0,
        "noise_a_rms": 0.02,
        "gain_error_pct": 0.5,
        "range_a": 100.0,
        "adc_bits": 16,
    }
    assert sensors["voltage"]["range_v"] == 600.0
    assert sensors["speed"] == {"encoder_pulses_per_rev": 1024}
    assert sensors["torque"] == {"noise_n_m_rms": 0.05, "range_n_m": 500.0}
    assert sensors["temperature"]["time_constant_s"] == {"winding": 10.0, "housing": 30.0}
    assert d["load"]["coefficients"] == {"a_n_m": 0.0, "b_n_m_s_rad": 0.0, "c_n_m_s2_rad2": 0.0}


def test_bearing_defaults() -> None:
    d = load_machine(MACHINE).data
    data = yaml.safe_load(machine_text())
    del data["bearings"][0]["friction_coefficient"], data["bearings"][0]["designation"]
    data.pop("vibration"), data.pop("accelerometers")  # without them no geometry is needed
    e = machine_from_dict(data).data
    assert e["bearings"][0]["friction_coefficient"] == 0.0015
    assert e["bearings"][0]["designation"] == ""
    assert d["bearings"][0]["designation"] == "6308"


# --------------------------------------------------------------------------- overrides


def test_overrides_apply() -> None:
    base = load_scenario(SCENARIO)
    spec = load_scenario(
        SCENARIO,
        {
            "duration_s": 2.0,
            "seed": 5,
            "solver.rate_hz": 40000,
            "operation.load_profile[1].load_pu": 0.7,
            "environment.ambient_temp_c": 40,
        },
    )
    assert spec.data["duration_s"] == 2.0
    assert spec.data["seed"] == 5
    assert spec.data["solver"]["rate_hz"] == 40000
    assert spec.data["solver"]["thermal_substeps"] is None
    assert spec.data["operation"]["load_profile"][1]["load_pu"] == 0.7
    assert spec.data["environment"]["ambient_temp_c"] == 40.0
    assert spec.sha256 != base.sha256
    assert spec.machine == base.machine
    # the file itself is untouched
    assert load_scenario(SCENARIO).sha256 == base.sha256


def test_override_creates_missing_sections() -> None:
    spec = load_scenario(SCENARIO, {"initial.temperatures_c.winding": 80.0})
    assert spec.data["initial"]["temperatures_c"] == {"winding": 80.0}
    assert spec.data["initial"]["relay_level_pu"] == 0.0


def test_machine_overrides() -> None:
    base = load_scenario(SCENARIO)
    spec = load_scenario(SCENARIO, {"machine.load.inertia_kg_m2": 0.2})
    assert spec.machine.data["load"]["inertia_kg_m2"] == 0.2
    assert spec.machine.sha256 != base.machine.sha256
    assert spec.data == base.data


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"duration_s": 0}, ["duration_s", "greater than 0", "duration_s=0"]),
        ({"seed": -1}, ["seed", "-1", "at least 0"]),
        ({"solver.rate": 5}, ["solver.rate", "did you mean 'rate_hz'"]),
        ({"operation.load_profile[7].load_pu": 1.0}, ["load_profile", "2 item(s)"]),
        ({"duration_s.x": 1.0}, ["duration_s", "not a mapping"]),
        ({"a..b": 1}, ["invalid override path"]),
        ({"machine.motor.inertia_kg_m2": -1.0}, [f"{MACHINE}.yaml", "motor.inertia_kg_m2"]),
        ({"duration_s": 1.00001}, ["duration_s", "whole number of solver steps"]),
    ],
)
def test_invalid_overrides_are_caught(overrides: dict, expected: list[str]) -> None:
    with pytest.raises(SpecError) as info:
        load_scenario(SCENARIO, overrides)
    for text in expected:
        assert text in str(info.value)


def test_parse_override_path() -> None:
    assert parse_override_path("a.b[2].c") == ("a", "b", 2, "c")
    assert parse_override_path("seed") == ("seed",)
    for bad in ("", "a.", ".a", "a[x]", "a[1"):
        with pytest.raises(SpecError):
            parse_override_path(bad)


# --------------------------------------------------------------------------- resolution


SCEN_TEXT = "name: s\nmachine: {machine}\nduration_s: 1.0\n"


def test_machine_next_to_scenario(tmp_path: Path) -> None:
    write(tmp_path / "pump.yaml", machine_text())
    spec = load_scenario(write(tmp_path / "s.yaml", SCEN_TEXT.format(machine="pump")))
    assert spec.machine.path == (tmp_path / "pump.yaml").resolve()
    assert spec.data["machine"] == "pump"


def test_machine_in_sibling_machines_dir(tmp_path: Path) -> None:
    write(tmp_path / "machines" / "pump.yaml", machine_text())
    path = write(tmp_path / "scenarios" / "s.yaml", SCEN_TEXT.format(machine="pump"))
    assert load_scenario(path).machine.path == (tmp_path / "machines" / "pump.yaml").resolve()


def test_machine_falls_back_to_bundled(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", SCEN_TEXT.format(machine=MACHINE))
    assert load_scenario(path).machine == load_machine(MACHINE)


def test_machine_by_relative_path(tmp_path: Path) -> None:
    write(tmp_path / "lib" / "pump.yaml", machine_text())
    path = write(tmp_path / "s" / "s.yaml", SCEN_TEXT.format(machine="../lib/pump.yaml"))
    assert load_scenario(path).machine.path == (tmp_path / "lib" / "pump.yaml").resolve()


def test_scenario_from_dict_base_dir_and_machine(tmp_path: Path) -> None:
    write(tmp_path / "pump.yaml", machine_text())
    spec = scenario_from_dict(scenario_dict(machine="pump"), base_dir=tmp_path)
    assert spec.path is None and spec.machine.path == (tmp_path / "pump.yaml").resolve()
    with pytest.raises(SpecNotFoundError):
        scenario_from_dict(scenario_dict(machine="pump"))
    data = yaml.safe_load(machine_text())
    data["load"]["inertia_kg_m2"] = 0.3
    custom = machine_from_dict(data)
    spec = scenario_from_dict(scenario_dict(machine="whatever"), machine=custom)
    assert spec.machine is custom


def test_validate_file_tells_kinds_apart(tmp_path: Path) -> None:
    m = validate_file(write(tmp_path / "machines" / "pump.yaml", machine_text()))
    s = validate_file(write(tmp_path / "scenarios" / "s.yaml", SCEN_TEXT.format(machine="pump")))
    assert isinstance(m, MachineSpec) and isinstance(s, ScenarioSpec)
    assert s.machine == m
    assert isinstance(validate_file(bundled_dir("scenarios") / f"{SCENARIO}.yaml"), ScenarioSpec)


def test_validate_file_unknown_kind(tmp_path: Path) -> None:
    path = write(tmp_path / "x.yaml", "name: x\nduration_s: 1\n")
    with pytest.raises(SpecError) as info:
        validate_file(path)
    text = str(info.value)
    assert "x.yaml" in text and "'motor:'" in text and "'machine:'" in text


def test_validate_file_missing(tmp_path: Path) -> None:
    with pytest.raises(SpecNotFoundError):
        validate_file(tmp_path / "none.yaml")


def test_loading_the_wrong_kind(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", SCEN_TEXT.format(machine=MACHINE))
    with pytest.raises(SpecError, match="this is a scenario"):
        load_machine(path)
    with pytest.raises(SpecError, match="this is a machine"):
        load_scenario(write(tmp_path / "m.yaml", machine_text()))


# --------------------------------------------------------------------------- line map


def test_yaml_lines_map() -> None:
    text = "a: 1\nb:\n  c: 2\n  d:\n    - x: 1\n    - {x: 2,\n       y: 3}\n"
    data, lines = load_yaml(text)
    assert data == {"a": 1, "b": {"c": 2, "d": [{"x": 1}, {"x": 2, "y": 3}]}}
    assert lines[("a",)] == 1
    assert lines[("b", "c")] == 3
    assert lines[("b", "d", 0)] == 5
    assert lines[("b", "d", 0, "x")] == 5
    assert lines[("b", "d", 1)] == 6
    assert lines[("b", "d", 1, "y")] == 7


def test_yaml_lines_merge_keys_and_empty() -> None:
    data, lines = load_yaml("base: &b\n  x: 1\nother:\n  <<: *b\n  y: 2\n")
    assert data["other"] == {"x": 1, "y": 2}
    assert lines[("other", "y")] == 5 and lines[("other", "x")] == 2
    assert load_yaml("# only a comment\n") == (None, {})


def test_format_path() -> None:
    assert format_path(("operation", "load_profile", 1, "at_s")) == "operation.load_profile[1].at_s"
    assert format_path(()) == ""
