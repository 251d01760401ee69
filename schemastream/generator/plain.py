"""The plain, self-contained JSON Schema of one model, as ``tools`` and ``json`` modes send it.

``model_schema`` cuts the model at a JSON pointer out of a loaded document, gathers every
schema it reaches into ``$defs`` and turns OpenAPI 3.0 spellings into JSON Schema.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..runtime._schemas import DEFS, schema_objects
from .errors import GeneratorError
from .jsonschema import (
    DATA_KEYWORDS,
    NAME_MAPS,
    Schema,
    copy_json,
    definition_name,
    join_pointer,
    lookup,
    split_pointer,
)
from .naming import UniqueNames

__all__ = ["PlainDefinitions", "accepts_null", "model_schema", "plain_definitions"]

# Keywords that mean nothing to a model API: OpenAPI-only, tooling metadata, extensions.
_PLAIN_DROPPED = frozenset(
    {"$schema", "$id", "$comment", "$defs", "definitions", "nullable", "discriminator",
     "example", "xml", "externalDocs"}
)  # fmt: skip
_ANNOTATIONS = ("title", "description")


def model_schema(document: dict[str, Any], pointer: str) -> Schema:
    """The plain JSON Schema of the model at ``pointer``, with every reachable ref in ``$defs``.

    ``pointer`` is ``"#"`` for a JSON Schema root or e.g. ``"#/components/schemas/Pet"``.
    Refs become ``#/$defs/<name>`` (``#`` for the model itself), OpenAPI 3.0
    ``nullable`` becomes a null type, and ``$defs`` is sorted, so equal input gives
    equal output.
    """
    root = copy_json(_lookup(document, pointer))
    if not isinstance(root, dict):
        raise GeneratorError(f"the schema at {pointer} is not an object", pointer=pointer)
    defs = _Definitions(document, pointer)
    defs.gather(root)
    if defs.schemas:
        root["$defs"] = {name: defs.schemas[name] for name in sorted(defs.schemas)}
    return root


@dataclass(frozen=True)
class PlainDefinitions:
    """Every schema some models reach, each once, as ``model_schema`` rewrites it.

    ``definitions`` maps a name unique in the package to the schema, whose refs read
    ``#/$defs/<name>``; ``names`` gives the name of each JSON pointer; ``base_names`` the
    name ``model_schema`` would start from, where the unique name had to differ.
    """

    definitions: dict[str, Any]
    names: dict[str, str]
    base_names: dict[str, str]


def plain_definitions(document: dict[str, Any], pointers: Sequence[str]) -> PlainDefinitions:
    """The schemas of the models at ``pointers`` and of all they reach, each once."""
    names: dict[str, str] = {}
    base_names: dict[str, str] = {}
    unique = UniqueNames()
    pending: deque[str] = deque()

    def name(ref: str, where: str) -> str:
        if ref != "#" and not ref.startswith("#/"):
            raise GeneratorError(
                f"$ref {ref!r} is not local; load the document with load_document first",
                pointer=where,
            )
        if ref not in names:
            base = _base_name(ref)
            names[ref] = unique.claim(base)
            if names[ref] != base:
                base_names[names[ref]] = base
            pending.append(ref)
        return names[ref]

    for pointer in pointers:
        name(pointer, pointer)
    definitions: dict[str, Any] = {}
    while pending:
        pointer = pending.popleft()
        schema = copy_json(_lookup(document, pointer))
        for node in schema_objects(schema):
            _plain_node(node)
            ref = node.get("$ref")
            if isinstance(ref, str):
                node["$ref"] = DEFS + name(ref, pointer)
        definitions[names[pointer]] = schema
    return PlainDefinitions(definitions, names, base_names)


def _base_name(ref: str) -> str:
    tokens = split_pointer(ref)
    return definition_name(tokens[-1] if tokens else "Root")


def _lookup(document: dict[str, Any], pointer: str) -> Any:
    try:
        return lookup(document, split_pointer(pointer))
    except ValueError:
        raise GeneratorError(f"{pointer!r} is not a local JSON pointer", pointer=pointer) from None
    except LookupError:
        raise GeneratorError("no schema at this JSON pointer", pointer=pointer) from None


class _Definitions:
    """The schemas one model reaches through refs, each copied once under a name of its own."""

    def __init__(self, document: dict[str, Any], model: str) -> None:
        self.document = document
        self.model = model
        self.schemas: dict[str, Any] = {}
        self._names: dict[str, str] = {}  # ref -> name in $defs
        self._unique = UniqueNames()
        self._pending: list[Any] = []

    def gather(self, root: Schema) -> None:
        """Rewrite ``root`` and every schema it reaches into plain JSON Schema, refs local."""
        self._pending.append(root)
        while self._pending:
            self._walk(self._pending.pop(0))

    def _walk(self, start: Any) -> None:
        stack: list[tuple[Any, bool]] = [(start, False)]
        while stack:
            node, is_name_map = stack.pop()
            # children go on the stack reversed, so refs are named in document order
            if isinstance(node, list):
                stack.extend((item, False) for item in reversed(node))
                continue
            if not isinstance(node, dict):
                continue
            if is_name_map:
                stack.extend((child, False) for child in reversed(node.values()))
                continue
            _plain_node(node)
            ref = node.get("$ref")
            if isinstance(ref, str):
                node["$ref"] = self._local(ref)
            for key, child in reversed(node.items()):
                if key not in DATA_KEYWORDS:
                    stack.append((child, key in NAME_MAPS))

    def _local(self, ref: str) -> str:
        """The ``#/$defs/<name>`` ref for ``ref``; its schema is copied on first sight."""
        if ref != "#" and not ref.startswith("#/"):
            raise GeneratorError(
                f"$ref {ref!r} is not local; load the document with load_document first",
                pointer=self.model,
            )
        if ref == self.model or (ref == "#" and self.model == "#"):
            return "#"
        if ref not in self._names:
            name = self._unique.claim(_base_name(ref))
            self._names[ref] = name
            self.schemas[name] = target = copy_json(_lookup(self.document, ref))
            self._pending.append(target)
        return join_pointer("#/$defs", self._names[ref])


def _plain_node(node: Schema) -> None:
    """Rewrite one schema object in place into plain JSON Schema 2020-12."""
    nullable = node.get("nullable") is True
    for key in [k for k in node if k in _PLAIN_DROPPED or k.startswith("x-")]:
        del node[key]
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        # draft 4 and OpenAPI 3.0 spell exclusive bounds as booleans beside the bound
        if isinstance(node.get(exclusive), bool) and node.pop(exclusive) and bound in node:
            node[exclusive] = node.pop(bound)
    if nullable and not accepts_null(node):
        kind = node.get("type")
        if isinstance(kind, str | list):
            node["type"] = [*([kind] if isinstance(kind, str) else kind), "null"]
            if isinstance(node.get("enum"), list):
                node["enum"] = [*node["enum"], None]
        else:
            inner = {k: node.pop(k) for k in list(node) if k not in (*_ANNOTATIONS, "default")}
            node["anyOf"] = [inner, {"type": "null"}]


def accepts_null(node: Any) -> bool:
    """Whether the schema ``node`` accepts JSON null."""
    if not isinstance(node, dict):
        return node is True
    kind = node.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    if "const" in node and node["const"] is None:
        return True
    if isinstance(node.get("enum"), list) and None in node["enum"] and kind is None:
        return True
    branches = [*node.get("anyOf", []), *node.get("oneOf", [])]
    return any(accepts_null(branch) for branch in branches)
