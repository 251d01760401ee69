"""Read one schema file into plain JSON values: bytes, JSON or YAML, limits.

Every walk here is iterative and every input is bounded (size, depth, values), so a
hostile or absurd file gets a :class:`GeneratorError`, never a RecursionError.
"""

from __future__ import annotations

import json
import math
import re
import stat
import sys
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped,unused-ignore]

from .errors import GeneratorError
from .jsonschema import join_pointer

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "describe", "parse_bytes", "read_bytes"]

MAX_DEPTH = 128
"""Deepest nesting of objects and arrays accepted in an input file."""
MAX_NODES = 2_000_000
"""Most JSON values (after YAML aliases are expanded) accepted in an input file."""
MAX_BYTES = 64 * 1024 * 1024
"""Most bytes read for one generation: the input and every file its refs reach."""
_CHUNK = 1024 * 1024

_BOOL, _INT, _FLOAT = (f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float"))
# YAML 1.1 resolvers PyYAML ships that YAML 1.2 (and JSON) readers do not expect: dates,
# yes/no/on/off booleans, 010 octals, 1_000 and 12:30 (sexagesimal) numbers.
_DROPPED_TAGS = frozenset({"tag:yaml.org,2002:timestamp", _BOOL, _INT, _FLOAT})
_YAML12_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_YAML12_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


def read_bytes(path: Path, *, limit: int = MAX_BYTES) -> bytes:
    """The raw bytes of ``path``, at most ``limit`` of them; anything else is a GeneratorError.

    The size is counted while reading, never taken from ``stat`` (``/dev/zero``, a pipe or
    a ``/proc`` file report 0, and a file can grow while it is read); directories, devices
    and sockets are refused before they are opened.
    """
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise GeneratorError("is a directory; pass the schema file itself", path=str(path))
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise GeneratorError(
                f"is {_special_kind(mode)}, not a file; pass the schema file itself",
                path=str(path),
            )
        chunks: list[bytes] = []
        size = 0
        with path.open("rb") as stream:
            while size <= limit and (chunk := stream.read(_CHUNK)):
                chunks.append(chunk)
                size += len(chunk)
    except FileNotFoundError:
        raise GeneratorError(
            "file not found; check the path (relative paths are resolved from "
            f"the current directory, {Path.cwd()})",
            path=str(path),
        ) from None
    except OSError as exc:
        raise GeneratorError(
            f"cannot read the file: {exc.strerror or exc}", path=str(path)
        ) from None
    if size > limit:
        raise GeneratorError(
            f"too large: schemastream reads at most {MAX_BYTES // (1024 * 1024)} MiB for one "
            "package (the input and the files its $refs reach); split the document or "
            "generate its parts separately",
            path=str(path),
        )
    return b"".join(chunks)


def _special_kind(mode: int) -> str:
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def parse_bytes(raw: bytes, path: Path) -> object:
    """The JSON value in ``raw``, read from ``path`` (JSON or YAML by extension, else sniffed)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GeneratorError(
            f"the file is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8",
            path=str(path),
        ) from None
    suffix = path.suffix.lower()
    as_json = suffix == ".json" or (
        suffix not in (".yaml", ".yml") and text.lstrip()[:1] in ("{", "[")
    )
    try:
        parsed = _parse_json(text, path) if as_json else _parse_yaml(text, path)
    except RecursionError:
        raise GeneratorError(
            f"the document nests too deeply (more than {MAX_DEPTH} levels)", path=str(path)
        ) from None
    return _to_json_value(parsed, path)


def _parse_json(text: str, path: Path) -> object:
    def reject_constant(name: str) -> object:
        raise GeneratorError(f"invalid JSON: {name} is not a JSON value", path=str(path))

    try:
        return json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise GeneratorError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            path=str(path),
        ) from None
    except ValueError as exc:  # Python's limit on the digits of an int
        raise _long_integer(text, path, exc) from None


def _long_integer(text: str, path: Path, exc: ValueError) -> GeneratorError:
    """The error for an integer longer than Python converts, at its line and column."""
    limit: int = getattr(sys, "get_int_max_str_digits", lambda: 4300)()
    found = re.search(rf"[0-9]{{{limit + 1},}}", text)
    if found is None:
        return GeneratorError(f"cannot read the document: {exc}", path=str(path))
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return GeneratorError(
        f"the number at line {line}, column {column} has {found.end() - found.start()} "
        f"digits, more than Python converts ({limit}); write it with fewer digits",
        path=str(path),
    )


# A safe loader with YAML 1.2 booleans and no timestamps, so every value stays a JSON value.
_Yaml12Loader: Any = type("_Yaml12Loader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})

_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Yaml12Loader.add_implicit_resolver(_INT, _YAML12_INT, list("-+0123456789"))
_Yaml12Loader.add_implicit_resolver(_FLOAT, _YAML12_FLOAT, list("-+.0123456789"))


def _yaml12_int(loader: Any, node: Any) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


_Yaml12Loader.add_constructor(_INT, _yaml12_int)


def _parse_yaml(text: str, path: Path) -> object:
    try:
        return yaml.load(text, Loader=_Yaml12Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "syntax error"
        raise GeneratorError(f"invalid YAML{where}: {problem}", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise GeneratorError(f"invalid YAML: {exc}", path=str(path)) from None
    except ValueError as exc:  # Python's limit on the digits of an int
        raise _long_integer(text, path, exc) from None


def _to_json_value(value: object, path: Path) -> object:
    """Copy ``value`` into plain JSON types, iteratively, enforcing depth and size limits."""
    holder: list[object] = [None]
    # (source, destination container, key in destination, depth, pointer, ancestors ids)
    stack: list[tuple[object, Any, Any, int, str, frozenset[int]]] = [
        (value, holder, 0, 0, "#", frozenset())
    ]
    nodes = 0
    while stack:
        src, dest, key, depth, pointer, ancestors = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise GeneratorError(
                f"the document holds more than {MAX_NODES:,} values (YAML aliases are "
                "counted expanded); split it into sibling files",
                path=str(path),
            )
        if depth > MAX_DEPTH:
            raise GeneratorError(
                f"nested more than {MAX_DEPTH} levels deep; flatten it with $defs and $refs",
                path=str(path),
                pointer=pointer,
            )
        if isinstance(src, dict | list):
            if id(src) in ancestors:
                raise GeneratorError(
                    "a YAML alias contains itself; JSON cannot express cyclic data",
                    path=str(path),
                    pointer=pointer,
                )
            inner = ancestors | {id(src)}
            if isinstance(src, dict):
                out_dict: dict[str, object] = {}
                dest[key] = out_dict
                items = [(_key_text(k, path, pointer), v) for k, v in src.items()]
                # Pre-fill the keys so the object keeps the source order despite the stack.
                out_dict.update(dict.fromkeys(name for name, _ in items))
                for name, child in reversed(items):
                    stack.append(
                        (child, out_dict, name, depth + 1, join_pointer(pointer, name), inner)
                    )
            else:
                out_list: list[object] = [None] * len(src)
                dest[key] = out_list
                for index in reversed(range(len(src))):
                    child_ptr = join_pointer(pointer, str(index))
                    stack.append((src[index], out_list, index, depth + 1, child_ptr, inner))
        elif src is None or isinstance(src, str | bool | int):
            dest[key] = src
        elif isinstance(src, float):
            if not math.isfinite(src):
                raise GeneratorError(f"{src} is not a JSON number", path=str(path), pointer=pointer)
            dest[key] = src
        else:
            raise GeneratorError(
                f"a YAML value of type {type(src).__name__} is not JSON; quote it",
                path=str(path),
                pointer=pointer,
            )
    return holder[0]


def _key_text(key: object, path: Path, pointer: str) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, int | float):
        return str(key)
    raise GeneratorError(
        f"a mapping key of type {type(key).__name__} is not a JSON object key",
        path=str(path),
        pointer=pointer,
    )


def describe(value: object) -> str:
    """What kind of JSON value ``value`` is, for messages: 'a list', 'null'..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    names = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number"}
    return names.get(type(value), f"a {type(value).__name__}")
