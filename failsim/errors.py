"""One exception hierarchy for failsim.

Every class subclasses :class:`FailsimError` and a builtin exception, so callers can catch
either ``failsim.FailsimError`` or the builtin they would expect (``ValueError`` for bad input).
The CLI turns any :class:`FailsimError` into one clear message and a non-zero exit code.
"""

from __future__ import annotations


class FailsimError(Exception):
    """Base class of every error failsim raises on purpose."""

    exit_code = 1


class SpecError(FailsimError, ValueError):
    """A machine or scenario specification is invalid.

    Parameters
    ----------
    message:
        What is wrong and what is allowed.
    file:
        The file the value came from (or ``None`` for specs built in Python).
    field:
        Dotted path of the offending field, e.g. ``motor.inertia_kg_m2``.
    value:
        The offending value, if there is one.
    line:
        1-based line in ``file``, when known.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        field: str | None = None,
        value: object = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.field = field
        self.value = value
        self.line = line
        super().__init__(self.format())

    def format(self) -> str:
        where = self.file or "<spec>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        if self.field:
            where = f"{where}: field '{self.field}'"
        return f"{where}: {self.message}"


class SpecNotFoundError(SpecError, FileNotFoundError):
    """A machine or scenario named in a spec or on the command line does not exist."""


class SimulationError(FailsimError, RuntimeError):
    """A simulation could not be completed."""


class SimulationDivergedError(SimulationError):
    """The integration blew up (NaN or a runaway state); nothing was written for the run."""

    def __init__(self, run_id: str, t_s: float, state: dict[str, float], reason: str) -> None:
        self.run_id = run_id
        self.t_s = t_s
        self.state = state
        self.reason = reason
        shown = ", ".join(f"{k}={v:.4g}" for k, v in state.items())
        super().__init__(
            f"run {run_id}: simulation diverged at t = {t_s:.6f} s ({reason}); state: {shown}"
        )


class OutputError(FailsimError, OSError):
    """An output directory or file cannot be written or read as a failsim dataset."""


class MissingDependencyError(FailsimError, ImportError):
    """An optional dependency (matplotlib, pybullet, dask) is needed but not installed."""
