"""Safe YAML loading that remembers the line of every field.

:func:`load_yaml` parses a document with :class:`yaml.SafeLoader`, first composing the node
tree, so that each field can be mapped to the line it was written on. Validation errors then
point at ``file.yaml:12`` instead of leaving the user to search the file.

Field paths are tuples of mapping keys (``str``) and list indices (``int``), for example
``("operation", "load_profile", 1, "at_s")``; :func:`format_path` renders them as
``operation.load_profile[1].at_s``.

Unlike plain ``yaml.safe_load``, a key that appears twice in one mapping is an error (YAML
would silently keep the last value), and by default every key must be a string (YAML reads an
unquoted ``on:`` or ``1:`` as a boolean or a number).
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from failsim.errors import SpecError

#: A field path: mapping keys and list indices from the document root.
FieldPath = tuple[str | int, ...]

#: Map from field path to the 1-based line the field is written on.
LineMap = dict[FieldPath, int]

_MERGE_TAG = "tag:yaml.org,2002:merge"

#: Upper bound on the nodes visited, so that nested aliases cannot expand without limit.
_MAX_NODES = 1_000_000


class _Loader(yaml.SafeLoader):
    """SafeLoader that also reads exponent numbers without a dot (1e9, 2E-3) as floats, as
    YAML 1.2 does; YAML 1.1 would read them as strings."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def format_path(path: Iterable[str | int]) -> str:
    """Render a field path as a dotted string.

    Parameters
    ----------
    path:
        Mapping keys and list indices from the document root.

    Returns
    -------
    str
        For example ``operation.load_profile[1].at_s``; ``""`` for the root.
    """
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load_yaml(
    text: str, *, source: str = "<string>", string_keys: bool = True
) -> tuple[Any, LineMap]:
    """Parse one YAML document safely and map each field to its line.

    Parameters
    ----------
    text:
        The YAML text.
    source:
        Name of the file (or other source) used in error messages.
    string_keys:
        If true, every mapping key must be a string.

    Returns
    -------
    data:
        The document as plain Python objects (``None`` for an empty document).
    lines:
        Map from field path to the 1-based line of the key (for mapping entries) or of the
        item (for list entries). The root itself is not in the map.

    Raises
    ------
    SpecError
        If the text is not valid YAML (the message gives the parser's problem, line and
        column), holds more than one document, repeats a key within one mapping, or (with
        ``string_keys``) has a key that is not a string.
    """
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: LineMap = {}
        _Walker(loader, source, string_keys).walk(node, (), lines)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise _marked_error(exc, source) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        raise SpecError(
            f"invalid YAML: {exc.reason} (character #x{exc.character:04x}); the file must be "
            "plain UTF-8 text",
            file=source,
            line=line,
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"invalid YAML: {exc}", file=source) from None
    except RecursionError:
        raise SpecError("invalid YAML: the document is nested too deeply", file=source) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, lines


def load_yaml_file(path: str | Path, *, string_keys: bool = True) -> tuple[Any, LineMap]:
    """Read a UTF-8 YAML file and parse it with :func:`load_yaml`.

    Parameters
    ----------
    path:
        The file to read.
    string_keys:
        If true, every mapping key must be a string.

    Returns
    -------
    data, lines:
        As for :func:`load_yaml`.

    Raises
    ------
    SpecError
        If the file cannot be read, is not UTF-8, or is not valid YAML.
    """
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read the file: {exc.strerror or exc}", file=source) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SpecError(
            f"the file is not UTF-8 text (undecodable byte at offset {exc.start})",
            file=source,
            line=line,
        ) from None
    # a sweep loads the same files once per run: parse each distinct content once per process
    key = (source, string_keys, hashlib.sha256(raw).digest())
    hit = _PARSED.get(key)
    if hit is None:
        hit = load_yaml(text, source=source, string_keys=string_keys)
        _PARSED[key] = hit
        if len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    else:
        _PARSED.move_to_end(key)
    return copy.deepcopy(hit)


#: parsed documents by (file, key rule, SHA-256 of the bytes): edits are always seen
_PARSED: OrderedDict[tuple[str, bool, bytes], tuple[Any, LineMap]] = OrderedDict()
_PARSED_MAX = 64


def _marked_error(exc: yaml.MarkedYAMLError, source: str) -> SpecError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "cannot parse"
    detail = f"invalid YAML: {problem}"
    if exc.context and exc.problem:
        detail += f" ({exc.context}"
        if exc.context_mark is not None and exc.context_mark is not mark:
            detail += f" at line {exc.context_mark.line + 1}"
        detail += ")"
    line = None
    if mark is not None:
        line = mark.line + 1
        detail += f" (line {line}, column {mark.column + 1})"
    if "'\\t'" in problem:
        detail += "; YAML indents with spaces, not tabs"
    return SpecError(detail, file=source, line=line)


class _Walker:
    """Walks a composed node tree: records lines, rejects duplicate and non-string keys."""

    def __init__(self, loader: yaml.SafeLoader, source: str, string_keys: bool) -> None:
        self.loader = loader
        self.source = source
        self.string_keys = string_keys
        self.visited = 0
        self.active: set[int] = set()

    def walk(self, node: Node, path: FieldPath, lines: LineMap) -> None:
        self.visited += 1
        if self.visited > _MAX_NODES:
            raise SpecError(
                f"the document expands to more than {_MAX_NODES} values (nested aliases?)",
                file=self.source,
            )
        if id(node) in self.active:
            raise SpecError(
                "an alias refers to a mapping or list that contains it; recursive data is "
                "not allowed",
                file=self.source,
                field=format_path(path) or None,
                line=node.start_mark.line + 1,
            )
        if isinstance(node, MappingNode):
            self.active.add(id(node))
            try:
                self._mapping(node, path, lines)
            finally:
                self.active.discard(id(node))
        elif isinstance(node, SequenceNode):
            self.active.add(id(node))
            try:
                for index, item in enumerate(node.value):
                    lines[(*path, index)] = item.start_mark.line + 1
                    self.walk(item, (*path, index), lines)
            finally:
                self.active.discard(id(node))

    def _mapping(self, node: MappingNode, path: FieldPath, lines: LineMap) -> None:
        seen: dict[object, int] = {}
        merged: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                if isinstance(value_node, SequenceNode):
                    merged.extend(value_node.value)
                else:
                    merged.append(value_node)
                continue
            key = self._key(key_node, path)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise SpecError(
                    f"duplicate key {key!r} (first written at line {seen[key]}); each key may "
                    "appear only once in a mapping",
                    file=self.source,
                    field=format_path((*path, key)),
                    value=key,
                    line=line,
                )
            seen[key] = line
            lines[(*path, key)] = line
            self.walk(value_node, (*path, key), lines)
        # Keys brought in by merge keys ("<<: *base") keep the line of the merged mapping.
        for base in merged:
            if not isinstance(base, MappingNode):
                continue  # the constructor reports this with its own message
            for key_node, value_node in base.value:
                if key_node.tag == _MERGE_TAG or not isinstance(key_node, ScalarNode):
                    continue
                key = self._key(key_node, path)
                if key in seen:
                    continue
                seen[key] = key_node.start_mark.line + 1
                lines[(*path, key)] = seen[key]
                self.walk(value_node, (*path, key), lines)

    def _key(self, key_node: Node, path: FieldPath) -> Any:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, ScalarNode):
            raise SpecError(
                "a key must be a plain name, not a list or mapping",
                file=self.source,
                field=format_path(path) or None,
                line=line,
            )
        key = self.loader.construct_object(key_node)
        if self.string_keys and not isinstance(key, str):
            shown = "null" if key is None else str(key).lower() if isinstance(key, bool) else key
            raise SpecError(
                f"key {key_node.value!r} is read by YAML as {shown!s}, not as a name; quote "
                f'it ("{key_node.value}":) if it is meant as a key',
                file=self.source,
                field=format_path(path) or None,
                value=key,
                line=line,
            )
        try:
            hash(key)
        except TypeError:
            raise SpecError(
                "a key must be a plain name",
                file=self.source,
                field=format_path(path) or None,
                line=line,
            ) from None
        return key
