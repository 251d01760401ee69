"""A generated package's JSON Schema definitions, each once, and the request schemas made of them.

``schemas.py`` of a package maps each definition's name to its JSON text (refs spelt
``#/$defs/<name>``); a spec's request schema is its root plus every definition it reaches.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import Any

__all__ = [
    "DATA_KEYWORDS",
    "NAME_MAPS",
    "SchemaTable",
    "assemble_schema",
    "envelope_schema",
    "schema_objects",
]

DEFS = "#/$defs/"
DATA_KEYWORDS = frozenset({"enum", "const", "default", "example", "examples"})
"""Keywords whose values are data (instances), never schemas: a ``$ref`` inside is text."""
NAME_MAPS = frozenset(
    {
        "properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
        "dependencies", "schemas", "components", "responses", "parameters", "requestBodies",
        "headers", "securitySchemes", "links", "callbacks", "pathItems", "paths",
        "content", "mapping", "encoding", "webhooks",
    }
)  # fmt: skip
"""Keywords (JSON Schema and OpenAPI) whose keys are names the author chose, not keywords:
a child called ``enum`` is a schema, not data. The generator walks schemas with these tables."""


def schema_objects(schema: object) -> Iterator[dict[str, Any]]:
    """Every schema object in ``schema``, depth first in document order, data skipped.

    A node's children are read after the caller has seen it, so a caller may rewrite
    the node it was given (its ``$ref``, its keywords) before the walk goes on.
    """
    stack: list[tuple[object, bool]] = [(schema, False)]
    while stack:
        node, is_name_map = stack.pop()
        if isinstance(node, list):
            stack.extend((item, False) for item in reversed(node))
        elif isinstance(node, dict):
            if is_name_map:
                stack.extend((child, False) for child in reversed(node.values()))
                continue
            yield node
            for key, child in reversed(node.items()):
                if key not in DATA_KEYWORDS:
                    stack.append((child, key in NAME_MAPS))


def assemble_schema(
    root: str,
    load: Callable[[str], object],
    base_name: Callable[[str], str],
    *,
    start: str | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The schema of definition ``root`` with every definition it reaches in ``$defs``.

    ``load`` returns a fresh copy of a definition whose refs read ``#/$defs/<name>``;
    a ref to ``root`` becomes ``#``, the others are named after ``base_name`` in the
    order they are met (``Name``, ``Name_2``...) and ``$defs`` is sorted. Returns the
    schema and the name each definition got. ``start`` names the top schema where it is
    stored apart from ``root``'s definition (a strict root that differs from it).
    """
    schema = _object(load(start or root), start or root)
    names: dict[str, str] = {}
    defs: dict[str, Any] = {}
    pending: deque[object] = deque([schema])
    while pending:
        for node in schema_objects(pending.popleft()):
            ref = node.get("$ref")
            if not isinstance(ref, str):
                continue
            target = _definition(ref)
            if target == root:
                node["$ref"] = "#"
                continue
            if target not in names:
                base = base_name(target)
                local, counter = base, 2
                while local in defs:
                    local, counter = f"{base}_{counter}", counter + 1
                names[target] = local
                defs[local] = load(target)
                pending.append(defs[local])
            node["$ref"] = DEFS + names[target]
    if defs:
        schema["$defs"] = {name: defs[name] for name in sorted(defs)}
    return schema, names


def envelope_schema(schema: Mapping[str, Any], key: str, name: str) -> tuple[dict[str, Any], str]:
    """``{key: <schema>}``: an object schema holding an assembled ``schema`` as its one
    required property (how a root array is asked for: OpenAI needs an object at the root).

    ``$defs`` move up to the envelope, so their refs still resolve; a schema that refers
    to itself (``#``) moves into ``$defs`` as ``name`` (``name_2``... if taken), since
    ``#`` is now the envelope. Returns the envelope and that name ("" if not moved).
    """
    inner: dict[str, Any] = json.loads(json.dumps(schema))
    own_refs = [node for node in schema_objects(inner) if node.get("$ref") == "#"]
    defs: dict[str, Any] = inner.pop("$defs", {})
    value: dict[str, Any] = inner
    own = ""
    if own_refs:
        own, counter = name, 2
        while own in defs:
            own, counter = f"{name}_{counter}", counter + 1
        value = {"$ref": DEFS + own}
        for ref in own_refs:
            ref["$ref"] = value["$ref"]
        defs[own] = inner
    envelope: dict[str, Any] = {
        "type": "object",
        "properties": {key: value},
        "required": [key],
        "additionalProperties": False,
    }
    if defs:
        envelope["$defs"] = {n: defs[n] for n in sorted(defs)}
    return envelope, own


def _definition(ref: str) -> str:
    if not ref.startswith(DEFS):
        raise ValueError(f"a shared definition refers to {ref!r}, not to {DEFS}<name>")
    return ref[len(DEFS) :]


def _object(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"the definition {name!r} is not a JSON object")
    return value


class SchemaTable:
    """The definitions of one generated package, read from its ``schemas`` module on first use.

    The module holds ``PLAIN`` and ``STRICT`` (name -> JSON text) and ``BASE_NAMES`` (the
    few definitions named apart from their schema's own name). Nothing is cached here:
    each request schema parses the definitions it needs, so concurrent callers share no
    mutable state; a ``StreamSpec`` keeps what it assembled.
    """

    def __init__(self, module: str) -> None:
        self.module = module

    def __repr__(self) -> str:
        return f"SchemaTable({self.module!r})"

    def _texts(self, attribute: str) -> Mapping[str, str]:
        texts = getattr(import_module(self.module), attribute)
        if not isinstance(texts, Mapping):
            raise TypeError(f"{self.module}.{attribute} is not a mapping of JSON texts")
        return texts

    def _loader(self, attribute: str) -> Callable[[str], object]:
        texts = self._texts(attribute)

        def load(name: str) -> object:
            text = texts.get(name)
            if not isinstance(text, str):
                raise KeyError(f"{self.module}.{attribute} has no definition {name!r}")
            return json.loads(text)

        return load

    def plain(self, root: str) -> tuple[dict[str, Any], dict[str, str]]:
        """The plain schema of definition ``root`` and the name each definition got in it."""
        bases = self._texts("BASE_NAMES")
        return assemble_schema(root, self._loader("PLAIN"), lambda name: bases.get(name, name))

    def strict(
        self, root: str, names: Mapping[str, str], *, start: str = "", envelope: bool = False
    ) -> dict[str, Any]:
        """The strict variant of ``root``'s schema; ``names`` are those of its plain schema.

        ``start`` is the strict root's own entry, where it differs from ``root``'s. With
        ``envelope`` that entry is the envelope's (see ``envelope_schema``): ``#`` is the
        envelope, and ``root``'s own definition, if reached, is named in ``names`` too.
        """

        def local(name: str) -> str:
            if name not in names:
                raise KeyError(f"{self.module}: strict {root!r} refers to {name!r}, not in plain")
            return names[name]

        if envelope:
            schema, _ = assemble_schema(start or root, self._loader("STRICT"), local)
        else:
            schema, _ = assemble_schema(root, self._loader("STRICT"), local, start=start or None)
        return schema
