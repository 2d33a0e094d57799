"""failsim: physics-based simulation of machine failures for anomaly-detector training.

Typical use::

    import failsim

    scenario = failsim.load_scenario("im_7p5kw_pump_rated")
    result = failsim.simulate(scenario, seed=3, duration_s=2.0)
    current = result.to_pandas("current")        # t_s, current_a_a, ..., machine_state
    failsim.run(scenario, "out/")                 # the same, streamed to Parquet
    failsim.run_sweep("my_sweep.yaml", "data/")   # the runs of a scenario's sweep: section

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
    from .sweep import plan as plan_sweep
    from .sweep import sweep as run_sweep

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
    "run_sweep": "sweep",
    "plan_sweep": "sweep",
}
#: public names that differ from the name in their module
_RENAMED = {"run_sweep": "sweep", "plan_sweep": "plan"}

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
    "plan_sweep",
    "run",
    "run_sweep",
    "simulate",
    "validate_file",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'failsim' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), _RENAMED.get(name, name))
    globals()[name] = value
    return value
