"""failsim: physics-based simulation of machine failures for anomaly-detector training.

Typical use::

    import failsim

    scenario = failsim.load_scenario("im_7p5kw_pump_rated")
    result = failsim.simulate(scenario, seed=3, duration_s=2.0)
    current = result.to_pandas("current")        # t_s, current_a_a, ..., machine_state
    failsim.run(scenario, "out/")                 # the same, streamed to Parquet

Heavy modules (Numba kernels, pyarrow) load on first use, so ``import failsim`` is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    FailsimError,
    MissingDependencyError,
    OutputError,
    SimulationDivergedError,
    SimulationError,
    SpecError,
    SpecNotFoundError,
)

if TYPE_CHECKING:
    from .result import Result
    from .simulation import SolverOptions, run, simulate
    from .spec import (
        MachineSpec,
        ScenarioSpec,
        list_machines,
        list_scenarios,
        load_machine,
        load_scenario,
        validate_file,
    )

_LAZY = {
    "simulate": "simulation",
    "run": "simulation",
    "SolverOptions": "simulation",
    "Result": "result",
    "MachineSpec": "spec",
    "ScenarioSpec": "spec",
    "load_machine": "spec",
    "load_scenario": "spec",
    "list_machines": "spec",
    "list_scenarios": "spec",
    "validate_file": "spec",
}

__all__ = [
    "FailsimError",
    "MachineSpec",
    "MissingDependencyError",
    "OutputError",
    "Result",
    "ScenarioSpec",
    "SimulationDivergedError",
    "SimulationError",
    "SolverOptions",
    "SpecError",
    "SpecNotFoundError",
    "__version__",
    "list_machines",
    "list_scenarios",
    "load_machine",
    "load_scenario",
    "run",
    "simulate",
    "validate_file",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'failsim' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
