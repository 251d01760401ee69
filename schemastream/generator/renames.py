"""Definition names datamodel-code-generator misreads, renamed before it sees them.

It reads "." in a definition name as a module path (several output modules), "#" as a
URL, and "/" as a step of its reference path (the class loses its pointer). Such
``$defs`` / ``components/schemas`` keys get a plain spelling, every local ``$ref``
follows, and the old -> new pointers map generated classes back to the document
(``--stream-model`` names and embedded schemas keep the original names).
"""

from __future__ import annotations

import re
from typing import Any

from .jsonschema import join_pointer, rebase_pointer
from .naming import UniqueNames

__all__ = ["plain_keys"]

_MISREAD = re.compile(r"[.#/]")


def plain_keys(data: dict[str, Any], kind: str) -> tuple[dict[str, Any], dict[str, str]]:
    """``data`` with misread definition names renamed, and old pointer -> new pointer."""
    if kind == "openapi":
        paths: list[tuple[str, ...]] = [("components", "schemas")]
    else:
        paths = [("$defs",), ("definitions",)]
    renamed: dict[str, str] = {}
    result = dict(data)
    for path in paths:
        parent: Any = data
        for key in path:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if not isinstance(parent, dict) or not any(_MISREAD.search(k) for k in parent):
            continue
        names = UniqueNames(parent)
        fresh: dict[str, Any] = {}
        for key, value in parent.items():
            new = key
            if _MISREAD.search(key):
                new = names.claim(_MISREAD.sub("_", key))
                renamed[join_pointer("#", *path, key)] = join_pointer("#", *path, new)
            fresh[new] = value
        _set_in(result, path, fresh)
    if not renamed:
        return data, {}
    return _rewrite_refs(result, renamed), renamed


def _set_in(document: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = document
    for key in path[:-1]:
        node[key] = dict(node[key])
        node = node[key]
    node[path[-1]] = value


def _rewrite_refs(node: Any, renamed: dict[str, str]) -> Any:
    """A copy of ``node`` with every local ``$ref`` into a renamed definition following it."""
    stack: list[tuple[Any, Any, Any]] = []
    root: list[Any] = [None]
    stack.append((node, root, 0))
    while stack:
        value, holder, slot = stack.pop()
        if isinstance(value, dict):
            copy: Any = {}
            for key, item in value.items():
                if key == "$ref" and isinstance(item, str):
                    copy[key] = rebase_pointer(item, renamed)
                else:
                    copy[key] = None
                    stack.append((item, copy, key))
        elif isinstance(value, list):
            copy = [None] * len(value)
            stack.extend((item, copy, index) for index, item in enumerate(value))
        else:
            copy = value
        holder[slot] = copy
    return root[0]
