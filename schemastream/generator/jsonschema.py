"""JSON Schema plumbing every generator stage shares: pointers, keyword tables, input kinds.

JSON pointers (RFC 6901) are written and read here only, in their ``#/a~1b/c`` fragment
form, raw (not percent-encoded): pointers within a loaded document name its keys as they are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal, TypeAlias, get_args

# The keyword tables are the runtime's, which walks the same schemas when it assembles them.
from ..runtime._schemas import DATA_KEYWORDS, NAME_MAPS

__all__ = [
    "DATA_KEYWORDS", "INPUT_TYPES", "NAME_MAPS", "DocumentKind", "InputType", "Schema",
    "copy_json", "definition_name", "escape_token", "join_pointer", "local_tokens", "lookup",
    "rebase_pointer", "split_pointer", "unescape_token",
]  # fmt: skip

Schema: TypeAlias = dict[str, Any]
"""A JSON Schema object, as read from a document."""

InputType = Literal["auto", "jsonschema", "openapi"]
"""What an input file is: ``auto`` detects it from its content."""
DocumentKind = Literal["jsonschema", "openapi"]
"""What a loaded document is."""
INPUT_TYPES: tuple[InputType, ...] = get_args(InputType)


# OpenAPI's rule for component names (``^[a-zA-Z0-9._-]+$``), which JSON Schema $defs keep too.
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.\-]+")
_INDEX = re.compile(r"0|[1-9][0-9]*")


def definition_name(raw: str) -> str:
    """``raw`` spelled as a definition name: runs of other characters become ``_``.

    >>> definition_name("Pet (v2)")
    'Pet_v2_'
    """
    return _NAME_CHARS.sub("_", raw) or "Schema"


def escape_token(token: str) -> str:
    """One reference token escaped for a pointer: ``~`` as ``~0``, ``/`` as ``~1``."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """The key an escaped reference token names: the inverse of :func:`escape_token`."""
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(pointer: str, *tokens: str) -> str:
    """``pointer`` extended by ``tokens``, each escaped.

    >>> join_pointer("#", "paths", "/pets/{id}")
    '#/paths/~1pets~1{id}'
    """
    return pointer + "".join(f"/{escape_token(token)}" for token in tokens)


def split_pointer(pointer: str) -> list[str]:
    """The keys a local pointer names, unescaped: the inverse of :func:`join_pointer`.

    >>> split_pointer("#/$defs/a~1b")
    ['$defs', 'a/b']
    """
    if pointer in ("", "#"):
        return []
    if not pointer.startswith("#/"):
        raise ValueError(f"not a local JSON pointer: {pointer!r}")
    return [unescape_token(token) for token in pointer[2:].split("/")]


def local_tokens(pointer: str | None) -> list[str]:
    """The keys ``pointer`` names if it is a local ``#/...`` pointer; none otherwise.

    Upstream tools name locations in other spellings too (a file name, ``None``).
    """
    return split_pointer(pointer) if pointer is not None and pointer.startswith("#/") else []


def lookup(document: object, tokens: list[str]) -> object:
    """The value ``tokens`` name in ``document``; ``LookupError`` where there is none.

    An array takes the index tokens RFC 6901 allows (``0``, ``12``; not ``01`` nor ``-``).
    """
    node = document
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and _INDEX.fullmatch(token) and int(token) < len(node):
            node = node[int(token)]
        else:
            raise LookupError(token)
    return node


def rebase_pointer(pointer: str, moves: Mapping[str, str]) -> str:
    """``pointer`` after the first move (old pointer -> new) of a location it lies under.

    >>> rebase_pointer("#/$defs/a.b/properties/x", {"#/$defs/a.b": "#/$defs/a_b"})
    '#/$defs/a_b/properties/x'
    """
    for old, new in moves.items():
        if pointer == old or pointer.startswith(f"{old}/"):
            return new + pointer[len(old) :]
    return pointer


def copy_json(value: Any) -> Any:
    """A deep copy of a JSON value."""
    return json.loads(json.dumps(value))
