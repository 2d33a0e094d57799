"""Machine and scenario specs: YAML loading, JSON Schemas, defaults and validation.

Load a bundled spec by name or any spec by path::

    from failsim.spec import load_scenario
    scenario = load_scenario("im_7p5kw_pump_rated", overrides={"duration_s": 2.0})
    scenario.data["solver"]["rate_hz"]     # defaults are filled in
    scenario.machine.data["motor"]["pole_pairs"]

Every problem raises one :class:`failsim.errors.SpecError` naming the file, line, field, bad
value and what is allowed.
"""

from __future__ import annotations

from failsim.spec.bundled import bundled_dir, list_machines, list_scenarios
from failsim.spec.loader import (
    MachineSpec,
    ScenarioSpec,
    canonical_sha256,
    load_machine,
    load_scenario,
    machine_from_dict,
    parse_override_path,
    scenario_from_dict,
    validate_file,
)
from failsim.spec.validate import schema, thermal_edges, thermal_nodes

__all__ = [
    "MachineSpec",
    "ScenarioSpec",
    "bundled_dir",
    "canonical_sha256",
    "list_machines",
    "list_scenarios",
    "load_machine",
    "load_scenario",
    "machine_from_dict",
    "parse_override_path",
    "scenario_from_dict",
    "schema",
    "thermal_edges",
    "thermal_nodes",
    "validate_file",
]
