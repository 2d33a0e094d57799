"""Helpers to build test machines and scenarios as YAML files, the way users write them."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from failsim.spec import load_machine


def _deep_update(base: dict, changes: dict) -> dict:
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_update(base[key], value)
        else:
            base[key] = value
    return base


#: the 7.5 kW motor with ideal sensors and no mechanical losses: for checks against
#: analytic results, which have no sensor error, friction or iron loss in them
IDEAL = {
    "motor": {"iron_loss_w": 0.0, "windage_loss_w": 0.0},
    "sensors": {
        "current": {"noise_a_rms": 0.0, "gain_error_pct": 0.0, "adc_bits": 24},
        "voltage": {"noise_v_rms": 0.0, "gain_error_pct": 0.0, "adc_bits": 24},
        "torque": {"noise_n_m_rms": 0.0},
    },
}


@pytest.fixture
def write_specs(tmp_path: Path):
    """write_specs(machine_changes, scenario_fields) -> path of a scenario YAML whose machine
    is the bundled 7.5 kW pump motor with ``machine_changes`` applied."""

    def make(machine_changes: dict | None = None, scenario: dict | None = None) -> Path:
        data = copy.deepcopy(load_machine("im_7p5kw_pump").data)
        _deep_update(data, copy.deepcopy(machine_changes or {}))
        data["name"] = "test_machine"
        mpath = tmp_path / "test_machine.yaml"
        mpath.write_text(yaml.safe_dump(data, sort_keys=False))
        sc = {"name": "test_scenario", "machine": str(mpath), "duration_s": 1.0, "seed": 1}
        _deep_update(sc, copy.deepcopy(scenario or {}))
        spath = tmp_path / "test_scenario.yaml"
        spath.write_text(yaml.safe_dump(sc, sort_keys=False))
        return spath

    return make
