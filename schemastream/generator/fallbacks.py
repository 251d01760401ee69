"""Where datamodel-code-generator fails on a construct, drop that construct and try again.

Each fallback edits a copy of the schema document, and says what it dropped, where
(a JSON pointer) and what the models lose; ``dmcg`` tries them in order after a failure.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .jsonschema import join_pointer, local_tokens, lookup

__all__ = ["FALLBACKS", "Dropped", "Fallback"]


@dataclass(frozen=True)
class Dropped:
    """A construct a fallback removed: where it was and what became of it."""

    pointer: str
    note: str


# (document, pointer the failure named or None) -> (edited copy, what it dropped), or None
Fallback = Callable[[dict[str, Any], "str | None"], "tuple[dict[str, Any], list[Dropped]] | None"]


def drop_self_inheritance(
    document: dict[str, Any], pointer: str | None
) -> tuple[dict[str, Any], list[Dropped]] | None:
    """Drop the ``allOf`` items of the failing schema that are ``$ref`` to the schema itself.

    ``{"allOf": [{"$ref": <itself>}, {...}]}`` asks for no more than its other items
    (cloudify's schema has one); upstream reports an inheritance cycle.
    """
    if pointer is None:
        return None
    edited = copy.deepcopy(document)
    schema = _resolve(edited, pointer)
    items = schema.get("allOf") if isinstance(schema, dict) else None
    if not isinstance(items, list):
        return None
    kept = [item for item in items if not (isinstance(item, dict) and item.get("$ref") == pointer)]
    if len(kept) == len(items):
        return None
    schema["allOf"] = kept or [{}]
    note = "an `allOf` item that refers to its own schema is dropped: it adds nothing to it"
    return edited, [Dropped(join_pointer(pointer, "allOf"), note)]


def drop_discriminators(
    document: dict[str, Any], pointer: str | None
) -> tuple[dict[str, Any], list[Dropped]] | None:
    """Drop the ``discriminator`` on the failing location's path, else every one.

    The union stays: its models validate it member by member, and snapshots resolve it
    by the keys seen so far.
    """
    edited = copy.deepcopy(document)
    found = _enclosing_discriminator(edited, pointer) or list(_discriminators(edited, "#"))
    if not found:
        return None
    note = (
        "`discriminator` is dropped (datamodel-code-generator fails on it): the union is "
        "validated member by member and resolved in snapshots by the keys seen so far"
    )
    for schema, _ in found:
        del schema["discriminator"]
    return edited, [Dropped(join_pointer(at, "discriminator"), note) for _, at in found]


def _enclosing_discriminator(
    document: dict[str, Any], pointer: str | None
) -> list[tuple[dict[str, Any], str]]:
    """The innermost schema on ``pointer``'s path that has a discriminator, as a list."""
    tokens = local_tokens(pointer)
    for length in range(len(tokens), -1, -1):
        at = join_pointer("#", *tokens[:length])
        node = _resolve(document, at)
        if isinstance(node, dict) and "discriminator" in node:
            return [(node, at)]
    return []


FALLBACKS: tuple[Fallback, ...] = (drop_self_inheritance, drop_discriminators)


def _discriminators(root: Any, pointer: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Each schema (and its pointer) with a ``discriminator`` keyword, document order."""
    stack: list[tuple[Any, str]] = [(root, pointer)]
    while stack:
        node, at = stack.pop()
        if isinstance(node, dict):
            value = node.get("discriminator")
            if isinstance(value, str) or (isinstance(value, dict) and "propertyName" in value):
                yield node, at
            stack.extend(
                (child, join_pointer(at, key))
                for key, child in reversed(node.items())
                if key != "discriminator"
            )
        elif isinstance(node, list):
            stack.extend(
                (child, join_pointer(at, str(index)))
                for index, child in reversed(list(enumerate(node)))
            )


def _resolve(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` (``#/...``) in ``document``, or None."""
    try:
        return lookup(document, local_tokens(pointer))
    except LookupError:
        return None
