"""Finding, loading and validating machine and scenario specs.

A spec is named either by a *name* (no path separator, no ``.yaml`` / ``.yml`` suffix), which
is looked up among the bundled specs, or by a *path* to a YAML file. A scenario's
``machine:`` field is resolved relative to the scenario file: ``<dir>/<name>.yaml``, then
``<dir>/../machines/<name>.yaml``, then the bundled machines; a path there is relative to
the scenario file's folder.

Every problem raises one :class:`~failsim.errors.SpecError` (a missing file or name raises
:class:`~failsim.errors.SpecNotFoundError`) naming the file, line, field, bad value and what
is allowed.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from failsim.errors import SpecError, SpecNotFoundError
from failsim.spec.bundled import (
    YAML_SUFFIXES,
    bundled_dir,
    bundled_file,
    bundled_names,
    find_yaml,
    yaml_stems,
)
from failsim.spec.validate import (
    SpecSource,
    check_scenario_machine,
    show,
    validate_machine,
    validate_scenario,
)
from failsim.spec.yaml_lines import FieldPath, format_path, load_yaml_file

__all__ = [
    "MachineSpec",
    "ScenarioSpec",
    "canonical_sha256",
    "load_machine",
    "load_scenario",
    "machine_from_dict",
    "parse_override_path",
    "scenario_from_dict",
    "validate_file",
]


@dataclass(frozen=True)
class MachineSpec:
    """A validated machine.

    Two specs compare equal when their name, path and hash are equal.

    Attributes
    ----------
    name:
        The machine's ``name`` field.
    data:
        The validated data with every default filled in, as plain JSON-like types. Treat it
        as read-only.
    path:
        Absolute path of the YAML file, or ``None`` for a spec built from a dict.
    sha256:
        SHA-256 (hex) of the canonical JSON of ``data`` (see :func:`canonical_sha256`).
    """

    name: str
    data: dict = field(repr=False, compare=False)
    path: Path | None
    sha256: str


@dataclass(frozen=True)
class ScenarioSpec:
    """A validated scenario, with the machine it runs.

    Attributes
    ----------
    name:
        The scenario's ``name`` field.
    data:
        The validated data with every default filled in; ``data["machine"]`` is the string as
        written. Treat it as read-only.
    path:
        Absolute path of the YAML file, or ``None`` for a spec built from a dict.
    sha256:
        SHA-256 (hex) of the canonical JSON of ``data``.
    machine:
        The machine named by ``data["machine"]``.
    """

    name: str
    data: dict = field(repr=False, compare=False)
    path: Path | None
    sha256: str
    machine: MachineSpec


def canonical_sha256(data: object) -> str:
    """SHA-256 of the canonical JSON of ``data``.

    Parameters
    ----------
    data:
        Plain JSON-like data.

    Returns
    -------
    str
        Hex digest of ``json.dumps(data, sort_keys=True, separators=(",", ":"))`` in UTF-8,
        mapping entries whose value is null left out: an absent optional part and a null one
        are the same, so a new optional section whose default is null (a later failsim's)
        does not change the hash of specs that do not use it.
    """
    text = json.dumps(_without_nulls(data), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _without_nulls(data: object) -> object:
    if isinstance(data, Mapping):
        return {k: _without_nulls(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_without_nulls(v) for v in data]
    return data


def _scenario_hash(full: dict) -> str:
    """Hash of a scenario without its solver.chunk_s, which never changes the results."""
    data = copy.deepcopy(full)
    data.get("solver", {}).pop("chunk_s", None)
    return canonical_sha256(data)


# --------------------------------------------------------------------------- names and files

_SINGULAR = {"machines": "machine", "scenarios": "scenario"}
_KIND_KEYS = {
    "machine": "a top-level 'motor:' mapping",
    "scenario": "a top-level 'machine:' string",
}


def _is_name(value: str | Path) -> bool:
    if isinstance(value, Path):
        return False
    text = str(value)
    return (
        text not in ("", ".", "..")
        and "/" not in text
        and "\\" not in text
        and os.sep not in text
        and not text.lower().endswith(YAML_SUFFIXES)
    )


def _did_you_mean(word: str, names: list[str]) -> str:
    match = difflib.get_close_matches(word, names, n=1, cutoff=0.5)
    return f"did you mean {match[0]!r}? " if match else ""


def _known(names: list[str]) -> str:
    return ", ".join(names) if names else "none"


def _yaml_files(directory: Path) -> list[str]:
    if not directory.is_dir():
        return []
    return sorted(p.name for p in directory.iterdir() if p.suffix in YAML_SUFFIXES)


def _resolve(kind: str, name_or_path: str | Path) -> Path:
    """Path of a spec file given a bundled name or a path (``kind``: machines | scenarios)."""
    singular = _SINGULAR[kind]
    if _is_name(name_or_path):
        name = str(name_or_path)
        found = bundled_file(kind, name)
        if found is not None:
            return found
        names = bundled_names(kind)
        raise SpecNotFoundError(
            f"no bundled {singular} named {name!r}; {_did_you_mean(name, names)}"
            f"known {kind}: {_known(names)} (or give the path of a YAML file)",
            file=str(bundled_dir(kind)),
            value=name,
        )
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return path
    siblings = _yaml_files(path.parent)
    names = bundled_names(kind)
    hint = _did_you_mean(path.name, siblings) or _did_you_mean(path.stem, names)
    where = "is a folder, not a file" if path.is_dir() else "no such file"
    raise SpecNotFoundError(
        f"{where}; {hint}known (bundled) {kind}: {_known(names)}",
        file=str(name_or_path),
        value=str(name_or_path),
    )


def _resolve_machine_ref(value: str, base_dir: Path | None, src: SpecSource) -> Path:
    """Path of the machine a scenario's ``machine:`` field names."""
    if _is_name(value):
        dirs: list[Path] = []
        if base_dir is not None:
            dirs = [base_dir, Path(os.path.normpath(base_dir / ".." / "machines"))]
        for directory in dirs:
            found = find_yaml(directory, value)
            if found is not None:
                return found
        found = bundled_file("machines", value)
        if found is not None:
            return found
        names = sorted(set(yaml_stems(dirs[-1]) if dirs else []) | set(bundled_names("machines")))
        looked = ", ".join(f"{d / value}.yaml" for d in dirs)
        looked = f"{looked} and the bundled machines" if looked else "the bundled machines"
        raise src.error(
            ("machine",),
            f"no machine named {value!r} (looked in {looked}); "
            f"{_did_you_mean(value, names)}known machines: {_known(names)}",
            value,
            cls=SpecNotFoundError,
        )
    path = Path(value).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = Path(os.path.normpath(base_dir / path))
    if path.is_file():
        return path
    siblings = _yaml_files(path.parent)
    raise src.error(
        ("machine",),
        f"{value!r} is not allowed: no such file {str(path)!r}; "
        f"{_did_you_mean(path.name, siblings)}known machines: "
        f"{_known(bundled_names('machines'))} (bundled)",
        value,
        cls=SpecNotFoundError,
    )


def _check_document(data: object, src: SpecSource, kind: str | None) -> str:
    """Check the top level of a document; return its kind (machine | scenario)."""
    keys = "; ".join(f"a {k} has {v}" for k, v in _KIND_KEYS.items())
    expected = kind or "machine or scenario"
    if data is None:
        raise SpecError(
            f"the file is empty; expected a {expected} (a mapping of keys to values; {keys})",
            file=src.file,
        )
    if not isinstance(data, Mapping):
        raise SpecError(
            f"the top level is {show(data)}, not a mapping of keys to values; expected a "
            f"{expected} ({keys})",
            file=src.file,
            value=data,
        )
    if isinstance(data.get("machine"), str):
        found = "scenario"
    elif "motor" in data:
        found = "machine"
    else:
        found = None
    if kind is None:
        if found is None:
            raise SpecError(
                f"cannot tell whether this is a machine or a scenario: {keys}; top-level keys "
                f"found: {_known([str(k) for k in data])}",
                file=src.file,
            )
        return found
    if found is not None and found != kind:
        raise SpecError(
            f"this is a {found} ({_KIND_KEYS[found]}), not a {kind}; load it as a {found}",
            file=src.file,
        )
    return kind


# --------------------------------------------------------------------------- overrides

_OVERRIDE_RE = re.compile(r"^[^.\[\]]+(\[\d+\])*(\.[^.\[\]]+(\[\d+\])*)*$")
_OVERRIDE_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_override_path(key: str, *, source: str | None = None) -> FieldPath:
    """Parse a dotted override path such as ``operation.load_profile[1].load_pu``.

    Parameters
    ----------
    key:
        Mapping keys joined by dots; list indices in square brackets.
    source:
        File the overrides apply to, for the error message.

    Returns
    -------
    tuple
        The field path, e.g. ``("operation", "load_profile", 1, "load_pu")``.

    Raises
    ------
    SpecError
        If the path is malformed.
    """
    if not isinstance(key, str) or not _OVERRIDE_RE.match(key):
        raise SpecError(
            f"invalid override path {key!r}: must be keys joined by dots, with list indices "
            "in brackets, e.g. 'solver.rate_hz' or 'operation.load_profile[0].load_pu'",
            file=source,
            value=key,
        )
    return tuple(int(index) if index else name for name, index in _OVERRIDE_TOKEN.findall(key))


def _set_path(data: dict, path: FieldPath, value: object, label: str, file: str | None) -> None:
    def fail(depth: int, why: str) -> SpecError:
        return SpecError(
            f"cannot apply override {label!r}: {why}",
            file=file,
            field=format_path(path[: depth + 1]),
            value=value,
        )

    node: Any = data
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        where = format_path(path[:depth]) or "the top level"
        if isinstance(part, int):
            if not isinstance(node, list):
                raise fail(depth, f"{where} is {show(node)}, not a list")
            if part >= len(node):
                raise fail(depth, f"{where} has {len(node)} item(s); indices start at 0")
            if last:
                node[part] = value
            else:
                node = node[part]
            continue
        if not isinstance(node, dict):
            raise fail(depth, f"{where} is {show(node)}, not a mapping")
        if last:
            node[part] = value
        else:
            if part not in node:
                if isinstance(path[depth + 1], int):
                    raise fail(depth, f"{format_path(path[: depth + 1])} is not in the file")
                node[part] = {}
            node = node[part]


def _apply_overrides(
    data: dict, overrides: Mapping[str, object] | None, file: str | None
) -> tuple[dict, dict[FieldPath, str], dict[FieldPath, tuple[object, str]]]:
    """Apply overrides to a copy of scenario data.

    Returns the new data, the overridden paths with their labels, and the overrides that
    address the machine (``machine.<path>``), keyed by the path inside the machine.
    """
    data = copy.deepcopy(data)
    labels: dict[FieldPath, str] = {}
    machine_overrides: dict[FieldPath, tuple[object, str]] = {}
    for key, value in (overrides or {}).items():
        path = parse_override_path(key, source=file)
        label = f"{key}={show(value)}"
        if len(path) > 1 and path[0] == "machine":
            machine_overrides[path[1:]] = (value, label)
            continue
        _set_path(data, path, value, label, file)
        labels[path] = label
    return data, labels, machine_overrides


# --------------------------------------------------------------------------- building specs


def _machine_spec(
    data: object,
    src: SpecSource,
    path: Path | None,
    overrides: Mapping[FieldPath, tuple[object, str]] | None = None,
) -> MachineSpec:
    _check_document(data, src, "machine")
    assert isinstance(data, Mapping)
    if overrides:
        data = copy.deepcopy(dict(data))
        labels = {}
        for sub, (value, label) in overrides.items():
            _set_path(data, sub, value, label, src.file)
            labels[sub] = label
        src = SpecSource(src.file, src.lines, labels)
    full = validate_machine(data, src)
    return MachineSpec(
        name=full["name"],
        data=full,
        path=path.resolve() if path is not None else None,
        sha256=canonical_sha256(full),
    )


def _machine_from_file(
    path: Path, overrides: Mapping[FieldPath, tuple[object, str]] | None = None
) -> MachineSpec:
    data, lines = load_yaml_file(path)
    return _machine_spec(data, SpecSource(str(path), lines), path, overrides)


def _scenario_spec(
    data: object,
    src: SpecSource,
    path: Path | None,
    base_dir: Path | None,
    *,
    overrides: Mapping[str, object] | None = None,
    machine: MachineSpec | None = None,
) -> ScenarioSpec:
    _check_document(data, src, "scenario")
    assert isinstance(data, Mapping)
    machine_overrides: dict[FieldPath, tuple[object, str]] = {}
    if overrides:
        data, labels, machine_overrides = _apply_overrides(dict(data), overrides, src.file)
        src = SpecSource(src.file, src.lines, labels)
    full = validate_scenario(data, src)
    if machine is None:
        machine_path = _resolve_machine_ref(full["machine"], base_dir, src)
        machine = _machine_from_file(machine_path, machine_overrides)
    elif machine_overrides:
        machine_src = SpecSource(str(machine.path or "<machine>"))
        machine = _machine_spec(machine.data, machine_src, machine.path, machine_overrides)
    check_scenario_machine(full, machine.data, src)
    return ScenarioSpec(
        name=full["name"],
        data=full,
        path=path.resolve() if path is not None else None,
        sha256=_scenario_hash(full),
        machine=machine,
    )


def load_machine(name_or_path: str | Path) -> MachineSpec:
    """Load and validate a machine.

    Parameters
    ----------
    name_or_path:
        A bundled machine name (see :func:`failsim.spec.list_machines`) or the path of a
        machine YAML file. A string without a path separator and without a ``.yaml`` /
        ``.yml`` suffix is a name; a :class:`~pathlib.Path` is always a path.

    Returns
    -------
    MachineSpec
        The validated machine, defaults filled in.

    Raises
    ------
    SpecNotFoundError
        If there is no such bundled machine or file.
    SpecError
        If the file is not a valid machine.

    Examples
    --------
    >>> from failsim.spec import load_machine
    >>> load_machine("im_7p5kw_pump").data["motor"]["pole_pairs"]
    2
    """
    return _machine_from_file(_resolve("machines", name_or_path))


def load_scenario(
    name_or_path: str | Path, overrides: Mapping[str, object] | None = None
) -> ScenarioSpec:
    """Load and validate a scenario and the machine it names.

    Parameters
    ----------
    name_or_path:
        A bundled scenario name (see :func:`failsim.spec.list_scenarios`) or the path of a
        scenario YAML file.
    overrides:
        Values to set before validation, keyed by dotted field path, e.g.
        ``{"duration_s": 2.0, "solver.rate_hz": 50000, "operation.load_profile[0].load_pu":
        0.8}``. Keys starting with ``machine.`` set fields of the machine instead, e.g.
        ``{"machine.load.inertia_kg_m2": 0.1}``. Invalid values are reported like invalid
        file contents, naming the override.

    Returns
    -------
    ScenarioSpec
        The validated scenario, defaults filled in, with its machine.

    Raises
    ------
    SpecNotFoundError
        If the scenario or its machine cannot be found.
    SpecError
        If the scenario, an override or the machine is invalid (machine errors name the
        machine file).

    Examples
    --------
    >>> from failsim.spec import load_scenario
    >>> load_scenario("im_7p5kw_pump_rated", {"duration_s": 2.0}).data["duration_s"]
    2.0
    """
    path = _resolve("scenarios", name_or_path)
    data, lines = load_yaml_file(path)
    src = SpecSource(str(path), lines)
    return _scenario_spec(data, src, path, path.parent, overrides=overrides)


def machine_from_dict(data: dict, *, source: str = "<dict>") -> MachineSpec:
    """Validate a machine given as a dict.

    Parameters
    ----------
    data:
        The machine, as it would be read from YAML. It is not modified.
    source:
        Name shown in error messages.

    Returns
    -------
    MachineSpec
        With ``path=None``.

    Raises
    ------
    SpecError
        If the data are not a valid machine.
    """
    return _machine_spec(data, SpecSource(source), None)


def scenario_from_dict(
    data: dict,
    *,
    source: str = "<dict>",
    base_dir: Path | None = None,
    machine: MachineSpec | None = None,
) -> ScenarioSpec:
    """Validate a scenario given as a dict.

    Parameters
    ----------
    data:
        The scenario, as it would be read from YAML. It is not modified.
    source:
        Name shown in error messages.
    base_dir:
        Folder that ``data["machine"]`` is resolved against, as if the scenario were a file
        in it; ``None`` looks up names among the bundled machines only, and paths relative to
        the working directory.
    machine:
        Use this machine instead of resolving ``data["machine"]``.

    Returns
    -------
    ScenarioSpec
        With ``path=None``.

    Raises
    ------
    SpecError
        If the data are not a valid scenario or its machine cannot be loaded.
    """
    base = Path(base_dir) if base_dir is not None else None
    return _scenario_spec(data, SpecSource(source), None, base, machine=machine)


def derive_scenario(base: ScenarioSpec, overrides: Mapping[str, object]) -> ScenarioSpec:
    """A scenario made from a loaded one by dotted-path overrides, without reading any file.

    Parameters
    ----------
    base:
        A validated scenario (its data and machine are used as they are in memory).
    overrides:
        As for :func:`load_scenario` (``operation.load_profile[0].load_pu``,
        ``machine.motor.inertia_kg_m2``, ``faults``, ...). A ``machine`` override (a machine
        name or path) replaces the machine, which is then loaded.

    Returns
    -------
    ScenarioSpec
        With ``path=None``; errors name the base scenario's file.
    """
    src = SpecSource(str(base.path) if base.path is not None else "<scenario>")
    base_dir = base.path.parent if base.path is not None else None
    machine = None if "machine" in overrides else base.machine
    return _scenario_spec(
        copy.deepcopy(base.data), src, None, base_dir, overrides=overrides, machine=machine
    )


def validate_file(path: str | Path) -> MachineSpec | ScenarioSpec:
    """Validate a machine or scenario file, telling which it is from its content.

    A file with a top-level ``machine:`` string is a scenario; one with a top-level
    ``motor:`` is a machine.

    Parameters
    ----------
    path:
        The YAML file.

    Returns
    -------
    MachineSpec or ScenarioSpec
        The validated spec.

    Raises
    ------
    SpecNotFoundError
        If the file (or a scenario's machine) does not exist.
    SpecError
        If the file is neither kind or is invalid.
    """
    file = Path(path).expanduser()
    if not file.is_file():
        where = "is a folder, not a file" if file.is_dir() else "no such file"
        raise SpecNotFoundError(where, file=str(path), value=str(path))
    data, lines = load_yaml_file(file)
    src = SpecSource(str(path), lines)
    kind = _check_document(data, src, None)
    if kind == "machine":
        return _machine_spec(data, src, file)
    return _scenario_spec(data, src, file, file.parent)
