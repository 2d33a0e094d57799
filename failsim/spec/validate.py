"""Validation of machine and scenario data: schema check, defaults, semantic checks.

Validation runs in three stages, each stopping at the first problem with one
:class:`~failsim.errors.SpecError` that names the file, the line, the field, the bad value and
what is allowed:

1. the JSON Schema shipped in the package (``failsim/spec/schemas/*.schema.json``); when the
   data break several rules, the most useful one is reported (an unknown key first, then the
   deepest field, then the first in the file);
2. defaults: every optional field missing from the data is filled in from the schema's
   ``default`` keywords, recursively, so downstream code can read any field without
   ``.get``; numbers are normalised (``float`` for ``number`` fields, ``int`` for
   ``integer`` fields) so equal specs have equal hashes;
3. semantic checks that a schema cannot express (rated speed below synchronous speed,
   every thermal node connected to ambient, the run a whole number of solver steps, ...).

Schemas may carry an ``x-errors`` object mapping a JSON Schema keyword to the message to show
when that keyword fails at that place; validators ignore it.
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, NamedTuple

from failsim.errors import SpecError
from failsim.spec.yaml_lines import FieldPath, format_path

#: The kinds of spec that have a schema.
SCHEMA_KINDS: tuple[str, ...] = ("machine", "scenario")

#: Thermal node that stands for the surroundings; it has no heat capacity of its own.
AMBIENT_NODE = "ambient"

#: Signal names a scenario event may watch, besides ``temp_bearing_<name>_c``.
BEARING_SIGNAL_PREFIX = "temp_bearing_"

_UNIT_RE = re.compile(r"\[([^\[\]]+)\]\W*$")
_TYPE_PHRASES = {
    "number": "a number",
    "integer": "an integer",
    "string": "a string",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}
# Keywords whose custom message stands alone (it is not about one value).
_STRUCTURAL = frozenset({"required", "additionalProperties", "oneOf", "anyOf", "not", "allOf"})


# --------------------------------------------------------------------------- schemas


@functools.cache
def _schema(kind: str) -> dict:
    if kind not in SCHEMA_KINDS:
        raise SpecError(
            f"unknown kind of spec {kind!r}: must be one of 'machine', 'scenario'", value=kind
        )
    text = (
        resources.files("failsim.spec")
        .joinpath("schemas")
        .joinpath(f"{kind}.schema.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


@functools.cache
def _validator(kind: str) -> Any:
    import jsonschema  # imported here: it is slow to import and only needed to validate

    return jsonschema.Draft202012Validator(_schema(kind))


def schema(kind: str) -> dict:
    """Return a copy of the JSON Schema of one kind of spec.

    Parameters
    ----------
    kind:
        ``"machine"`` or ``"scenario"``.

    Returns
    -------
    dict
        The JSON Schema (draft 2020-12) shipped in the package.
    """
    return copy.deepcopy(_schema(kind))


# --------------------------------------------------------------------------- reporting


@dataclass(frozen=True)
class SpecSource:
    """Where the data being validated came from, to build error messages.

    Parameters
    ----------
    file:
        File name shown in messages (or a label such as ``"<dict>"``).
    lines:
        Map from field path to 1-based line, from :mod:`failsim.spec.yaml_lines`.
    overrides:
        Field paths set by overrides, each with the override as the user wrote it
        (``"duration_s=0"``). Errors on these fields say so and carry no line number.
    """

    file: str | None = None
    lines: Mapping[FieldPath, int] = field(default_factory=dict)
    overrides: Mapping[FieldPath, str] = field(default_factory=dict)

    def line_of(self, path: Iterable[str | int]) -> int | None:
        """Line of the field, or of its closest ancestor written in the file."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return None

    def override_of(self, path: Iterable[str | int]) -> str | None:
        """The override that set this field or one of its ancestors, if any."""
        p = tuple(path)
        while p:
            if p in self.overrides:
                return self.overrides[p]
            p = p[:-1]
        return None

    def error(
        self,
        path: Iterable[str | int],
        message: str,
        value: object = None,
        *,
        cls: type[SpecError] = SpecError,
    ) -> SpecError:
        """Build the error for one field.

        Parameters
        ----------
        path:
            Field path of the offending field.
        message:
            What is wrong and what is allowed.
        value:
            The offending value.
        cls:
            The exception class.

        Returns
        -------
        SpecError
            Ready to raise.
        """
        p = tuple(path)
        override = self.override_of(p)
        line = None
        if override is not None:
            message = f"{message} (set by override {override!r})"
        else:
            line = self.line_of(p)
        return cls(message, file=self.file, field=format_path(p) or None, value=value, line=line)


def show(value: object) -> str:
    """Render a value for an error message: YAML-like, short.

    Parameters
    ----------
    value:
        Any value from a spec.

    Returns
    -------
    str
        ``null``, ``true``, ``'abc'``, ``0.5``, or compact JSON cut to 60 characters.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, (int, float)):
        return repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, (dict, list)):
        text = json.dumps(value, default=str, ensure_ascii=False)
        return text if len(text) <= 60 else text[:57] + "..."
    return repr(value)


def _suggest(word: object, choices: Iterable[str]) -> str:
    if not isinstance(word, str):
        return ""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {match[0]!r}? " if match else ""


def _unit(sch: Mapping[str, Any]) -> str | None:
    found = _UNIT_RE.search(str(sch.get("description", "")))
    if not found or found.group(1) in ("-", "1"):
        return None
    return found.group(1)


def _with_unit(text: str, sch: Mapping[str, Any]) -> str:
    unit = _unit(sch)
    return f"{text} ({unit})" if unit else text


def _description(sch: Mapping[str, Any]) -> str:
    return _UNIT_RE.sub("", str(sch.get("description", ""))).strip()


def _types(sch: Mapping[str, Any]) -> list[str]:
    t = sch.get("type")
    if t is None:
        return []
    return [t] if isinstance(t, str) else list(t)


def _bounds(sch: Mapping[str, Any]) -> str:
    parts = []
    if "exclusiveMinimum" in sch:
        parts.append(f"greater than {show(sch['exclusiveMinimum'])}")
    elif "minimum" in sch:
        parts.append(f"at least {show(sch['minimum'])}")
    if "exclusiveMaximum" in sch:
        parts.append(f"less than {show(sch['exclusiveMaximum'])}")
    elif "maximum" in sch:
        parts.append(f"at most {show(sch['maximum'])}")
    return " and ".join(parts)


def _expected(sch: Mapping[str, Any], *, unit: bool = True) -> str:
    """What a schema allows, as a phrase following "must be"."""
    types = _types(sch)
    alternatives: list[str] = []
    if "enum" in sch:
        alternatives.append("one of " + ", ".join(show(v) for v in sch["enum"]))
    elif "const" in sch:
        alternatives.append(show(sch["const"]))
    elif "anyOf" in sch or "oneOf" in sch:
        for branch in sch.get("anyOf", sch.get("oneOf")):
            # a branch that only requires keys says nothing of the value's kind
            if {"type", "enum", "const", "anyOf", "oneOf"} & set(branch):
                alternatives.append(_expected(branch, unit=False))
    if not alternatives:
        main = [t for t in types if t != "null"]
        phrase = " or ".join(_TYPE_PHRASES.get(t, t) for t in main)
        if "pattern" in sch:
            phrase = f"{phrase or 'a string'} matching {sch['pattern']}"
        elif sch.get("minLength"):
            phrase = "a non-empty string"
        bounds = _bounds(sch) if {"number", "integer"} & set(main) else ""
        if bounds:
            phrase = f"{phrase} {bounds}"
        if "object" in main and sch.get("properties"):
            phrase += " with keys " + ", ".join(sch["properties"])
        if phrase:
            alternatives.append(phrase)
    if "null" in types:
        alternatives.append("null")
    text = " or ".join(alternatives) or "something else"
    return _with_unit(text, sch) if unit else text


def _field_schema(root: Mapping[str, Any], path: Iterable[str | int]) -> Mapping[str, Any]:
    """The schema of the field at ``path`` (``{}`` when it cannot be found)."""
    sch: Mapping[str, Any] = root
    for part in path:
        if isinstance(part, int):
            sch = sch.get("items") or {}
            continue
        sub = sch.get("properties", {}).get(part)
        if sub is None:
            sub = _pattern_schema(sch, part) or {}
        sch = sub
    return sch


def _pattern_schema(sch: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    for pattern, sub in sch.get("patternProperties", {}).items():
        if re.search(pattern, key):
            return sub
    return None


# --------------------------------------------------------------------------- schema errors


class _Problem(NamedTuple):
    path: FieldPath
    value: object
    message: str
    unknown_key: bool = False


def _translate(error: Any, root: Mapping[str, Any]) -> list[_Problem]:
    """Turn one jsonschema error into problems with user-facing messages."""
    path: FieldPath = tuple(error.absolute_path)
    keyword = error.validator
    sch: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    custom = (sch.get("x-errors") or {}).get(keyword)
    inst = error.instance

    if keyword == "additionalProperties" and isinstance(inst, dict):
        props = sch.get("properties", {})
        patterns = sch.get("patternProperties", {})
        out = []
        for key in inst:
            if key in props or any(re.search(p, key) for p in patterns):
                continue
            allowed = list(props) + [f"keys matching {p}" for p in patterns]
            msg = f"unknown key; {_suggest(key, props)}"
            if custom:
                msg += f"{custom}; "
            msg += "allowed: " + (", ".join(allowed) if allowed else "no keys")
            out.append(_Problem((*path, key), inst[key], msg, True))
        return out

    if keyword == "required" and isinstance(inst, dict):
        out = []
        for key in error.validator_value:
            if key in inst:
                continue
            sub = _field_schema(root, (*path, key))
            if custom:
                msg = f"required field is missing: {custom}"
            else:
                desc = _description(sub)
                if desc[:2].istitle():
                    desc = desc[0].lower() + desc[1:]
                msg = "required field is missing"
                if desc:
                    msg += f": {desc}"
                msg += f"; must be {_expected(sub)}"
            out.append(_Problem((*path, key), None, msg, False))
        return out

    if keyword == "not" and isinstance(inst, dict):
        negated = error.validator_value
        if isinstance(negated, Mapping) and list(negated) == ["required"]:
            key = negated["required"][0]
            msg = custom or f"{key!r} is not allowed here"
            return [_Problem((*path, key), inst.get(key), msg)]

    if custom:
        if keyword in _STRUCTURAL:
            return [_Problem(path, inst, custom)]
        return [_Problem(path, inst, f"{show(inst)} is not allowed: {custom}")]

    if keyword == "type":
        expected = _expected(sch)
        types = " or ".join(_TYPE_PHRASES.get(t, t) for t in _types(sch))
        msg = f"{show(inst)} is not {types}"
        if expected != types:
            msg += f"; must be {expected}"
        return [_Problem(path, inst, msg)]

    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return [_Problem(path, inst, f"{show(inst)} is not allowed: must be {_expected(sch)}")]

    if keyword in ("enum", "const"):
        choices = sch.get("enum", [sch.get("const")])
        hint = _suggest(inst, [c for c in choices if isinstance(c, str)])
        msg = f"{show(inst)} is not allowed: {hint}must be {_expected(sch)}"
        return [_Problem(path, inst, msg)]

    if keyword in ("anyOf", "oneOf"):
        branches = error.validator_value
        if all(isinstance(b, Mapping) and not b.get("required") for b in branches):
            enums = [c for b in branches for c in b.get("enum", []) if isinstance(c, str)]
            hint = _suggest(inst, enums)
            return [
                _Problem(path, inst, f"{show(inst)} is not allowed: {hint}must be {_expected(sch)}")
            ]
        nested = [p for sub in (error.context or []) for p in _translate(sub, root)]
        if nested:
            return [_pick(nested, SpecSource())]

    if keyword == "pattern":
        return [_Problem(path, inst, f"{show(inst)} is not allowed: must match {sch['pattern']}")]
    if keyword == "minLength":
        return [_Problem(path, inst, f"{show(inst)} is not allowed: must not be empty")]
    if keyword == "minItems":
        n = error.validator_value
        return [
            _Problem(path, inst, f"{show(inst)} is not allowed: must have at least {n} item(s)")
        ]
    return [_Problem(path, inst, f"{show(inst)} is not allowed: {error.message}")]


def _pick(problems: list[_Problem], src: SpecSource) -> _Problem:
    """The most useful problem: unknown keys first, then the deepest, then file order."""
    return min(
        problems,
        key=lambda p: (
            not p.unknown_key,
            -len(p.path),
            src.line_of(p.path) or 1 << 62,
            format_path(p.path),
            p.message,
        ),
    )


def check_schema(data: object, kind: str, src: SpecSource | None = None) -> None:
    """Check data against the shipped schema; raise the most useful error.

    Parameters
    ----------
    data:
        Plain JSON-like data (see :func:`to_plain`).
    kind:
        ``"machine"`` or ``"scenario"``.
    src:
        Where the data came from, for the message.

    Raises
    ------
    SpecError
        If the data break a rule of the schema.
    """
    src = src or SpecSource()
    root = _schema(kind)
    problems = [p for e in _validator(kind).iter_errors(data) for p in _translate(e, root)]
    if problems:
        best = _pick(problems, src)
        raise src.error(best.path, best.message, best.value)


# --------------------------------------------------------------------------- plain data


def to_plain(value: object, src: SpecSource | None = None, path: FieldPath = ()) -> Any:
    """Copy data into plain JSON-like types, rejecting what JSON cannot hold.

    Tuples become lists, NumPy scalars and arrays become Python numbers and lists.

    Parameters
    ----------
    value:
        The data.
    src:
        Where the data came from, for the message.
    path:
        Field path of ``value``.

    Returns
    -------
    object
        A deep copy made of ``dict`` (string keys), ``list``, ``str``, ``int``, ``float``
        (finite), ``bool`` and ``None``.

    Raises
    ------
    SpecError
        On a non-string key, a NaN or infinite number, or a value of another type
        (an unquoted date, for example).
    """
    src = src or SpecSource()
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise src.error(path, f"{show(value)} is not allowed: numbers must be finite", value)
        return float(value)
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise src.error(path, f"key {show(key)} is not allowed: keys must be strings", key)
            out[key] = to_plain(item, src, (*path, key))
        return out
    if isinstance(value, (list, tuple)):
        return [to_plain(item, src, (*path, i)) for i, item in enumerate(value)]
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        return to_plain(value.tolist(), src, path)
    hint = ""
    if type(value).__name__ in ("date", "datetime"):
        hint = "; YAML reads an unquoted date as a date: quote it to make it a string"
    raise src.error(
        path,
        f"{show(value)} is not allowed: values must be strings, numbers, true/false, null, "
        f"lists or mappings, not {type(value).__name__}{hint}",
        value,
    )


# --------------------------------------------------------------------------- defaults


def _coerce(value: object, sch: Mapping[str, Any]) -> object:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    types = _types(sch)
    if "integer" in types and isinstance(value, float) and value.is_integer():
        return int(value)
    if "number" in types and "integer" not in types and isinstance(value, int):
        return float(value)
    return value


def apply_defaults(instance: object, sch: Mapping[str, Any]) -> Any:
    """Return a copy of ``instance`` with the schema's defaults filled in.

    Walks ``properties``, ``patternProperties`` and ``items`` recursively: a missing optional
    field takes its ``default`` (a deep copy), and defaults inside it are filled in as well,
    so a section that defaults to ``{}`` gets all its children's defaults. Keys of mappings
    come in schema order. Numbers are normalised: ``float`` in ``number`` fields, ``int`` in
    ``integer`` fields.

    Parameters
    ----------
    instance:
        Data already valid against ``sch``.
    sch:
        A JSON Schema (the subset used by the shipped schemas).

    Returns
    -------
    object
        The completed data.
    """
    if isinstance(instance, dict):
        props: Mapping[str, Any] = sch.get("properties", {})
        out: dict[str, Any] = {}
        for key, sub in props.items():
            if key in instance:
                out[key] = apply_defaults(instance[key], sub)
            elif "default" in sub:
                out[key] = apply_defaults(copy.deepcopy(sub["default"]), sub)
        for key, item in instance.items():
            if key not in props:
                sub = _pattern_schema(sch, key)
                out[key] = apply_defaults(item, sub) if sub is not None else copy.deepcopy(item)
        return out
    if isinstance(instance, list):
        items = sch.get("items")
        if isinstance(items, Mapping):
            return [apply_defaults(item, items) for item in instance]
        return copy.deepcopy(instance)
    return _coerce(instance, sch)


# --------------------------------------------------------------------------- machine


def thermal_nodes(machine: Mapping[str, Any]) -> list[str]:
    """Thermal nodes of a machine (the keys of ``thermal.capacity_j_k``), in file order."""
    return list(machine["thermal"]["capacity_j_k"])


def split_resistance_key(key: str, nodes: Iterable[str]) -> tuple[str, str] | None:
    """Split a ``thermal.resistance_k_w`` key into its two node names.

    Parameters
    ----------
    key:
        Two node names joined by a double underscore, e.g. ``bearing_drive_end__housing``.
    nodes:
        The known thermal nodes (``ambient`` is always known).

    Returns
    -------
    tuple of str or None
        The two node names, or ``None`` if no split (or more than one) names known nodes.
    """
    known = set(nodes) | {AMBIENT_NODE}
    splits = _splits(key)
    valid = [s for s in splits if s[0] in known and s[1] in known]
    return valid[0] if len(valid) == 1 else None


def _splits(key: str) -> list[tuple[str, str]]:
    return [
        (key[:i], key[i + 2 :])
        for i in range(1, len(key) - 2)
        if key[i : i + 2] == "__" and key[:i] and key[i + 2 :]
    ]


def thermal_edges(machine: Mapping[str, Any]) -> list[tuple[str, str, float]]:
    """Edges of a validated machine's thermal network.

    Parameters
    ----------
    machine:
        Validated machine data (``MachineSpec.data``).

    Returns
    -------
    list of (str, str, float)
        ``(node_a, node_b, resistance_k_w)`` in file order; a node may be ``ambient``.
    """
    nodes = thermal_nodes(machine)
    edges = []
    for key, r in machine["thermal"]["resistance_k_w"].items():
        pair = split_resistance_key(key, nodes)
        if pair is None:  # pragma: no cover - excluded by validation
            raise SpecError(f"cannot split {key!r} into two thermal nodes", field=key)
        edges.append((pair[0], pair[1], float(r)))
    return edges


def _check_induction_motor(motor: Mapping[str, Any], src: SpecSource) -> None:
    rated = motor["rated"]
    p = motor["pole_pairs"]
    f = rated["frequency_hz"]
    n_sync = 60.0 * f / p
    if rated["speed_rpm"] >= n_sync:
        raise src.error(
            ("motor", "rated", "speed_rpm"),
            f"{show(rated['speed_rpm'])} is not allowed: must be below the synchronous speed "
            f"60 x motor.rated.frequency_hz / motor.pole_pairs = 60 x {show(f)} / {p} = "
            f"{n_sync:g} rpm (an induction motor runs with slip)",
            rated["speed_rpm"],
        )
    lm = motor["magnetizing_inductance_h"]
    for name in ("stator_leakage_inductance_h", "rotor_leakage_inductance_h"):
        if motor[name] >= lm:
            raise src.error(
                ("motor", name),
                f"{show(motor[name])} is not allowed: must be smaller than "
                f"motor.magnetizing_inductance_h = {show(lm)} H",
                motor[name],
            )


def _check_machine(d: Mapping[str, Any], src: SpecSource) -> None:
    motor = d["motor"]
    if motor["type"] == "induction":
        _check_induction_motor(motor, src)

    capacity = d["thermal"]["capacity_j_k"]
    nodes = list(capacity)
    bearings = d["bearings"]
    seen: dict[str, int] = {}
    for i, bearing in enumerate(bearings):
        name = bearing["name"]
        if name in seen:
            raise src.error(
                ("bearings", i, "name"),
                f"{show(name)} is not allowed: bearings[{seen[name]}] has this name already; "
                "bearing names must be unique",
                name,
            )
        seen[name] = i
        if f"bearing_{name}" not in capacity:
            raise src.error(
                ("bearings", i, "name"),
                f"bearing {show(name)} has no thermal node: add 'bearing_{name}' (J/K) to "
                "thermal.capacity_j_k and connect it in thermal.resistance_k_w",
                name,
            )
    for node in nodes:
        if node.startswith("bearing_") and node[len("bearing_") :] not in seen:
            bearing = node[len("bearing_") :]
            known = ", ".join(seen) or "none"
            raise src.error(
                ("thermal", "capacity_j_k", node),
                f"thermal node {show(node)} is not allowed: there is no bearing named "
                f"{show(bearing)}; {_suggest(bearing, seen)}bearings: {known}",
                node,
            )

    known_nodes = [*nodes, AMBIENT_NODE]
    pairs: dict[frozenset[str], str] = {}
    adjacency: dict[str, set[str]] = {n: set() for n in known_nodes}
    for key in d["thermal"]["resistance_k_w"]:
        path = ("thermal", "resistance_k_w", key)
        splits = _splits(key)
        valid = [s for s in splits if s[0] in known_nodes and s[1] in known_nodes]
        if not valid:
            first = max(splits, key=lambda s: (s[0] in known_nodes) + (s[1] in known_nodes))
            bad = first[0] if first[0] not in known_nodes else first[1]
            raise src.error(
                path,
                f"unknown thermal node {show(bad)} in {show(key)}; "
                f"{_suggest(bad, known_nodes)}nodes are the keys of thermal.capacity_j_k and "
                f"'ambient': {', '.join(known_nodes)}",
                bad,
            )
        if len(valid) > 1:
            options = " or ".join(f"{a!r} + {b!r}" for a, b in valid)
            raise src.error(
                path,
                f"{show(key)} is ambiguous: it can be read as {options}; rename a node",
                key,
            )
        a, b = valid[0]
        if a == b:
            raise src.error(
                path, f"{show(key)} is not allowed: it connects node {a!r} to itself", key
            )
        pair = frozenset((a, b))
        if pair in pairs:
            raise src.error(
                path,
                f"{show(key)} is not allowed: {show(pairs[pair])} already connects {a!r} and "
                f"{b!r}; give each pair of nodes one resistance",
                key,
            )
        pairs[pair] = key
        adjacency[a].add(b)
        adjacency[b].add(a)

    reached = {AMBIENT_NODE}
    frontier = [AMBIENT_NODE]
    while frontier:
        node = frontier.pop()
        for other in adjacency[node]:
            if other not in reached:
                reached.add(other)
                frontier.append(other)
    for node in nodes:
        if node not in reached:
            raise src.error(
                ("thermal", "capacity_j_k", node),
                f"thermal node {show(node)} has no path to ambient through "
                "thermal.resistance_k_w, so its heat could never leave; connect it, e.g. "
                f"'{node}__housing' or '{node}__ambient' (K/W)",
                node,
            )

    for node in d["sensors"]["temperature"]["time_constant_s"]:
        if node not in capacity:
            raise src.error(
                ("sensors", "temperature", "time_constant_s", node),
                f"unknown thermal node {show(node)}; {_suggest(node, nodes)}measured nodes must "
                f"be keys of thermal.capacity_j_k: {', '.join(nodes)}",
                node,
            )

    from failsim.spec.drive_checks import check_machine_drive
    from failsim.spec.vibration_checks import check_machine_vibration

    check_machine_vibration(d, src)
    check_machine_drive(d, src)


def validate_machine(data: object, src: SpecSource | None = None) -> dict[str, Any]:
    """Validate machine data and fill in its defaults.

    Parameters
    ----------
    data:
        The machine as plain data (as read from YAML).
    src:
        Where the data came from, for error messages.

    Returns
    -------
    dict
        A new dict: the data with every default filled in.

    Raises
    ------
    SpecError
        At the first problem (schema, then semantic checks).
    """
    src = src or SpecSource()
    plain = to_plain(data, src)
    check_schema(plain, "machine", src)
    full = apply_defaults(plain, _schema("machine"))
    _check_machine(full, src)
    return full


# --------------------------------------------------------------------------- scenario


def _check_scenario(d: Mapping[str, Any], src: SpecSource) -> None:
    duration = d["duration_s"]
    op = d["operation"]
    start, stop = op["start_at_s"], op["stop_at_s"]
    if start is not None and stop is not None and stop <= start:
        raise src.error(
            ("operation", "stop_at_s"),
            f"{show(stop)} is not allowed: must be greater than operation.start_at_s = "
            f"{show(start)} (s)",
            stop,
        )
    profile = op["load_profile"]
    for i in range(1, len(profile)):
        prev, at = profile[i - 1]["at_s"], profile[i]["at_s"]
        if at < prev:
            raise src.error(
                ("operation", "load_profile", i, "at_s"),
                f"{show(at)} is not allowed: must be at least the previous step's "
                f"load_profile[{i - 1}].at_s = {show(prev)} s; list the steps in time order (s)",
                at,
            )
        ramp_end = prev + profile[i - 1].get("ramp_s", 0.0)
        if i > 1 and at < ramp_end:
            raise src.error(
                ("operation", "load_profile", i, "at_s"),
                f"{show(at)} is not allowed: the previous step's ramp runs until "
                f"load_profile[{i - 1}].at_s + ramp_s = {ramp_end:g} s; a step may start only "
                "once the previous ramp has ended (s)",
                at,
            )

    rate = d["solver"]["rate_hz"]
    steps = duration * rate
    if abs(steps - round(steps)) > max(1e-6, 8 * math.ulp(steps)):
        below, above = math.floor(steps) / rate, math.ceil(steps) / rate
        nearest = " and ".join(f"{v:.12g}" for v in (below, above) if v > 0)
        raise src.error(
            ("duration_s",),
            f"{show(duration)} is not allowed: must be a whole number of solver steps of "
            f"1 / solver.rate_hz = 1/{rate} s; the nearest allowed durations are {nearest} (s)",
            duration,
        )

    for stream, settings in d["streams"].items():
        fs = settings["sample_rate_hz"]
        # vibration is synthesised from the interpolated kinematic trace at its own rate
        if stream != "vibration" and fs > rate:
            raise src.error(
                ("streams", stream, "sample_rate_hz"),
                f"{show(fs)} is not allowed: must be at most solver.rate_hz = {rate} (Hz)",
                fs,
            )

    for i, event in enumerate(d["events"]):
        at = event.get("at_s")
        if at is not None and at > duration:
            raise src.error(
                ("events", i, "at_s"),
                f"{show(at)} is not allowed: the event would never happen; duration_s is "
                f"{show(duration)} s, so at_s must be at most that (s)",
                at,
            )

    rec = d.get("recording")
    if rec:
        lead = float(rec.get("lead_in_s", 1.0))
        if rec["every_s"] < rec["burst_s"] + lead:
            raise src.error(
                ("recording", "every_s"),
                f"{show(rec['every_s'])} is not allowed: bursts of {show(rec['burst_s'])} s "
                f"after a lead-in of {show(lead)} s need every_s of at least "
                f"{show(rec['burst_s'] + lead)} (s)",
                rec["every_s"],
            )
        if float(rec.get("start_s", 0.0)) + rec["burst_s"] > duration:
            raise src.error(
                ("recording", "start_s"),
                f"{show(rec.get('start_s', 0.0))} is not allowed: the first burst would end "
                f"after the run (duration_s {show(duration)}); start_s + burst_s must be at "
                "most duration_s (s)",
                rec.get("start_s", 0.0),
            )

    from failsim.faults.machine_faults import (
        ACTION_FAULT_KINDS,
        MACHINE_FAULT_KINDS,
        STOP_FAULT_KINDS,
    )
    from failsim.kernels.layout import N_REL_MAX

    n_profiles = 0

    for i, fault in enumerate(d["faults"]):
        trigger = fault["trigger"]
        kind = fault["kind"]
        if kind in STOP_FAULT_KINDS:
            for key in ("duration_s", "intermittent"):
                if trigger.get(key) is not None:
                    raise src.error(
                        ("faults", i, "trigger", key),
                        f"{kind} takes no {key}: a stop is latched until the end of the run "
                        "(a restart would be an operation of its own)",
                        trigger[key],
                    )
        if trigger.get("when") is not None:
            if kind not in MACHINE_FAULT_KINDS:
                raise src.error(
                    ("faults", i, "trigger", "when"),
                    f"{kind} takes no condition trigger: its windows are given by at_s (with "
                    "duration_s, random or intermittent)",
                    "when",
                )
            if kind not in ACTION_FAULT_KINDS:
                n_profiles += 1
                if n_profiles > N_REL_MAX:
                    raise src.error(
                        ("faults", i, "trigger", "when"),
                        f"at most {N_REL_MAX} overloads, voltage sags and seizures of a run "
                        "can have condition triggers",
                        "when",
                    )
            for key in ("duration_s", "random", "intermittent"):
                if trigger.get(key) is not None:
                    raise src.error(
                        ("faults", i, "trigger", key),
                        f"{key} is not allowed with a condition trigger ('when'): the fault "
                        "starts when the condition holds and lasts to the end of the run",
                        trigger[key],
                    )
            continue
        at = trigger["at_s"]
        if at >= duration:
            raise src.error(
                ("faults", i, "trigger", "at_s"),
                f"{show(at)} is not allowed: the fault would never be active; duration_s is "
                f"{show(duration)} s, so the onset must be less than that (s)",
                at,
            )


def validate_scenario(data: object, src: SpecSource | None = None) -> dict[str, Any]:
    """Validate scenario data on its own and fill in its defaults.

    The checks that need the machine are in :func:`check_scenario_machine`.

    Parameters
    ----------
    data:
        The scenario as plain data (as read from YAML); ``machine`` is a string.
    src:
        Where the data came from, for error messages.

    Returns
    -------
    dict
        A new dict: the data with every default filled in.

    Raises
    ------
    SpecError
        At the first problem (schema, then semantic checks).
    """
    src = src or SpecSource()
    plain = to_plain(data, src)
    check_schema(plain, "scenario", src)
    full = apply_defaults(plain, _schema("scenario"))
    _check_scenario(full, src)
    return full


def check_scenario_machine(
    scenario: Mapping[str, Any], machine: Mapping[str, Any], src: SpecSource | None = None
) -> None:
    """Check that a validated scenario fits its validated machine.

    Parameters
    ----------
    scenario:
        Validated scenario data.
    machine:
        Validated data of the machine the scenario names.
    src:
        Where the scenario came from, for error messages.

    Raises
    ------
    SpecError
        If the scenario names a thermal node or bearing the machine does not have.
    """
    src = src or SpecSource()
    from failsim.spec.drive_checks import check_scenario_drive
    from failsim.spec.vibration_checks import check_scenario_vibration

    check_scenario_vibration(scenario, machine, src)
    check_scenario_drive(scenario, machine, src)
    nodes = thermal_nodes(machine)
    for node in scenario["initial"]["temperatures_c"]:
        if node not in nodes:
            raise src.error(
                ("initial", "temperatures_c", node),
                f"unknown thermal node {show(node)}; {_suggest(node, nodes)}machine "
                f"{machine['name']!r} has nodes: {', '.join(nodes)}",
                node,
            )
    supply_type = machine["supply"].get("type", "mains")
    allowed_supply = {
        "phase_loss": ("mains",),
        "voltage_sag": ("mains", "vfd"),
        "voltage_unbalance": ("mains",),
        "controlled_stop": ("vfd", "dc_drive"),
    }
    _check_machine_faults(scenario, machine, supply_type, src)
    for i, fault in enumerate(scenario.get("faults", [])):
        ok = allowed_supply.get(fault["kind"])
        if fault["kind"] == "emergency_stop" and fault.get("category") == 1:
            ok = ("vfd", "dc_drive")
        if ok is not None and supply_type not in ok:
            raise src.error(
                ("faults", i, "kind"),
                f"{show(fault['kind'])} is not allowed on machine {machine['name']!r}: its "
                f"supply.type is {supply_type!r}; {fault['kind']} needs supply.type "
                + " or ".join(repr(o) for o in ok),
                fault["kind"],
            )
    bearings = [b["name"] for b in machine["bearings"]]
    signals = [f"{BEARING_SIGNAL_PREFIX}{b}_c" for b in bearings]
    conditions = [(("events", i), e.get("when")) for i, e in enumerate(scenario["events"])]
    conditions += [
        (("faults", i, "trigger"), f["trigger"].get("when"))
        for i, f in enumerate(scenario.get("faults", []))
    ]
    for where, when in conditions:
        if not when:
            continue
        signal = when["signal"]
        if signal.startswith(BEARING_SIGNAL_PREFIX) and signal not in signals:
            known = ", ".join(signals) or "none (the machine has no bearings)"
            raise src.error(
                (*where, "when", "signal"),
                f"{show(signal)} is not allowed: machine {machine['name']!r} has no bearing "
                f"{show(signal[len(BEARING_SIGNAL_PREFIX) : -2])}; {_suggest(signal, signals)}"
                f"bearing signals: {known}",
                signal,
            )


def _check_machine_faults(
    scenario: Mapping[str, Any], machine: Mapping[str, Any], supply_type: str, src: SpecSource
) -> None:
    """Machine faults that need something of the machine: a declared bearing, a cage with
    enough bars, one seizure location per run."""
    name = machine["name"]
    bearings = [b["name"] for b in machine["bearings"]]
    seizure_target = None
    friction_kind = None
    n_defects = 0
    for i, fault in enumerate(scenario.get("faults", [])):
        kind, target = fault["kind"], fault["target"]
        if kind == "bearing_defect" and fault.get("part") != "cage":
            from failsim.kernels.layout import N_DEFECT_MAX

            n_defects += 1
            if n_defects > N_DEFECT_MAX:
                raise src.error(
                    ("faults", i, "kind"),
                    f"at most {N_DEFECT_MAX} bearing defects on races or rolling elements "
                    "are allowed in a run (each drags on the shaft); cage defects do not count",
                    kind,
                )
        if kind in ("lubrication_loss", "looseness", "bearing_defect") or (
            kind == "seizure" and target.startswith("bearing.")
        ):
            _check_bearing_target(i, target, name, bearings, src)
        if kind in ("seizure", "lubrication_loss"):
            if friction_kind is not None and kind != friction_kind:
                raise src.error(
                    ("faults", i, "kind"),
                    f"{show(kind)} is not allowed with the {friction_kind} of an earlier fault: "
                    "a run has either seizures or lubrication losses (a lubrication loss "
                    "ends in its own seizure)",
                    kind,
                )
            friction_kind = kind
            if seizure_target is not None and target != seizure_target:
                raise src.error(
                    ("faults", i, "target"),
                    f"{show(target)} is not allowed: the seizures and lubrication losses of a "
                    f"run act on one place, and an earlier fault acts on {seizure_target!r}",
                    target,
                )
            seizure_target = target
        if kind == "bearing_defect":
            _check_bearing_defect(i, target, machine, bearings, src)
        if kind == "gear_tooth_damage" and not (
            machine.get("gearbox") and (machine.get("vibration") or {}).get("gear_mesh_force_n")
        ):
            raise src.error(
                ("faults", i, "kind"),
                f"{show(kind)} is not allowed on machine {name!r}: it needs a gearbox and a "
                "gear mesh force in the vibration model (vibration.gear_mesh_force_n)",
                kind,
            )
        if kind in ("imbalance", "misalignment", "looseness") and not (
            machine.get("accelerometers") and machine.get("vibration")
        ):
            raise src.error(
                ("faults", i, "kind"),
                f"{show(kind)} is not allowed on machine {name!r}: it shows in the vibration "
                "stream, and the machine has no accelerometers or vibration model",
                kind,
            )
        if kind in ("belt_slip", "conveyor_jam", "idler_seizure") and not machine.get("conveyor"):
            raise src.error(
                ("faults", i, "kind"),
                f"{show(kind)} is not allowed on machine {name!r}: it has no belt conveyor",
                kind,
            )
        if kind == "broken_rotor_bars":
            motor = machine["motor"]
            bars = motor.get("rotor_bars")
            if motor.get("type", "induction") != "induction" or not bars:
                raise src.error(
                    ("faults", i, "kind"),
                    f"'broken_rotor_bars' is not allowed on machine {name!r}: it needs an "
                    "induction motor with motor.rotor_bars declared in the machine file",
                    kind,
                )
            n = fault["broken_bars"]
            if 3 * n >= bars:
                raise src.error(
                    ("faults", i, "broken_bars"),
                    f"{show(n)} is not allowed: the machine's cage has {bars} bars, so at most "
                    f"{(bars - 1) // 3} adjacent bars can break (fewer than a third)",
                    n,
                )


def _check_bearing_defect(
    i: int, target: str, machine: Mapping[str, Any], bearings: list[str], src: SpecSource
) -> None:
    """A bearing defect needs a declared bearing with a geometry (for its frequencies) and a
    vibration stream (for its signature)."""
    name = machine["name"]
    b = target.split(".", 1)[1]
    spec = next(x for x in machine["bearings"] if x["name"] == b)
    if not spec.get("geometry"):
        from failsim.catalogue.bearings import lookup_bearing
        from failsim.errors import SpecError

        try:
            lookup_bearing(str(spec.get("designation", "")))
        except SpecError:
            raise src.error(
                ("faults", i, "target"),
                f"{show(target)} is not allowed: bearing {b!r} of machine {name!r} has no "
                "geometry (give bearings[].geometry or a catalogue designation), so its "
                "defect frequencies are unknown",
                target,
            ) from None
    if not machine.get("accelerometers") or not machine.get("vibration"):
        raise src.error(
            ("faults", i, "kind"),
            f"'bearing_defect' is not allowed on machine {name!r}: it shows in the vibration "
            "stream, and the machine has no accelerometers or vibration model",
            "bearing_defect",
        )


def _check_bearing_target(
    i: int, target: str, name: str, bearings: list[str], src: SpecSource
) -> None:
    """A fault's target ``bearing.<name>`` must name a bearing of the machine."""
    b = target.split(".", 1)[1]
    if b not in bearings:
        known = ", ".join(f"bearing.{x}" for x in bearings) or "none"
        raise src.error(
            ("faults", i, "target"),
            f"{show(target)} is not allowed: machine {name!r} has no bearing {b!r}; "
            f"{_suggest(b, bearings)}bearings: {known}",
            target,
        )
