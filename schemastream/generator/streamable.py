"""Which models get stream helpers, under which names, with which embedded schemas.

A JSON Schema streams its root (a root array is asked for as ``{"items": [...]}``, any
other root that is not an object gets only the ``parse_*`` helpers, an enum root none); an
OpenAPI document streams every object schema under ``components/schemas``, narrowed by
``--stream-model``. Both schemas per model are computed here, at build time.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from typing import Any

from .errors import GeneratorError
from .graph import ListType, ModelSpec, StreamTarget, spec_name
from .jsonschema import copy_json, local_tokens
from .naming import snake_case, unique_names

__all__ = ["ENVELOPE", "envelope_schema", "is_list_root", "select_streamable", "stream_targets"]

#: The key a root array is asked for under: OpenAI needs an object at the root.
ENVELOPE = "items"

_NO_OBJECT = (
    "the root is not an object: OpenAI needs an object at the root of function parameters "
    "and of a strict json_schema, so this model has parse helpers only"
)


def select_streamable(
    models: Sequence[ModelSpec],
    *,
    kind: str,
    requested: Sequence[str],
    file_name: str,
) -> tuple[list[ModelSpec], list[str]]:
    """The streamable models, in name order, and warnings for the user."""
    if kind == "openapi":
        candidates = {
            model.schema_name: model
            for model in models
            if local_tokens(model.pointer)[:-1] == ["components", "schemas"]
            and model.schema_name is not None
        }
        objects = {name: model for name, model in candidates.items() if model.kind == "object"}
        if not requested:
            return sorted(objects.values(), key=lambda model: model.name), []
        chosen: list[ModelSpec] = []
        for name in requested:
            model = objects.get(name) or _by_class_name(objects.values(), name)
            if model is None and name in candidates:
                kind = {"enum": "an enum", "root": "a non-object (root model)"}.get(
                    candidates[name].kind, "a"
                )
                raise GeneratorError(
                    f"--stream-model {name!r} names {kind} schema; only object schemas stream",
                    path=file_name,
                    pointer=candidates[name].pointer,
                )
            if model is None:
                raise GeneratorError(_unknown_model(name, list(candidates)), path=file_name)
            if model not in chosen:
                chosen.append(model)
        return sorted(chosen, key=lambda model: model.name), []
    root = next((model for model in models if model.pointer == "#"), None)
    if requested:
        raise GeneratorError(
            "--stream-model applies to OpenAPI documents; a JSON Schema streams its root",
            path=file_name,
        )
    if root is None:
        return [], [
            f"{file_name}: the root schema is no model, not an object; "
            "models and partials are generated, stream helpers are not"
        ]
    if root.kind == "enum":
        # An enum has no partial twin, and the runtime streams pydantic models only.
        return [], [
            f"{file_name}: the root schema is an enum ({root.name}), which has no partial "
            "twin; models and partials are generated, stream helpers are not"
        ]
    if root.kind == "root" and not is_list_root(root):
        snake = snake_case(root.name)  # the only target, so never suffixed
        return [root], [
            f"{file_name}: the root schema is a root model ({root.name}), not an object; "
            f"only parse_{snake} and aparse_{snake} are generated: OpenAI needs an object "
            "at the root of function parameters and of a strict json_schema"
        ]
    return [root], []


def is_list_root(model: ModelSpec) -> bool:
    """Whether ``model`` is a root model of a list (a root array): asked for in an envelope."""
    return (
        model.kind == "root"
        and len(model.fields) == 1
        and isinstance(model.fields[0].type, ListType)
    )


def _by_class_name(models: Any, name: str) -> ModelSpec | None:
    return next((model for model in models if model.name == name), None)


def _unknown_model(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"--stream-model {name!r} is not a schema under components/schemas{hint}"


def stream_targets(
    models: Sequence[ModelSpec], document: dict[str, Any], *, model_schema: Any, strict_schema: Any
) -> tuple[StreamTarget, ...]:
    """Helper names (collisions suffixed deterministically) and embedded schemas."""
    snakes = unique_names(snake_case(model.name) for model in models)
    targets: list[StreamTarget] = []
    for model, snake in zip(models, snakes, strict=True):
        pointer = model.pointer or "#"
        schema: dict[str, Any] = model_schema(document, pointer)
        description = schema.get("description")
        envelope = ENVELOPE if is_list_root(model) else None
        if envelope is not None:
            schema = envelope_schema(schema, envelope, model.name)
        openai = model.kind == "object" or envelope is not None
        strict_json, strict_note = _strict(schema, strict_schema) if openai else (None, _NO_OBJECT)
        targets.append(
            StreamTarget(
                model=model.name,
                snake=snake,
                spec_name=spec_name(snake),
                schema_json=_json(schema),
                strict_schema_json=strict_json,
                strict_note=strict_note,
                description=description if isinstance(description, str) else "",
                openai=openai,
                envelope=envelope,
            )
        )
    return tuple(targets)


def envelope_schema(schema: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    """``{key: <schema>}``: an object schema holding ``schema`` (from ``model_schema``) as
    its one required property.

    ``$defs`` move up to the envelope, so their refs still resolve; a schema that refers
    to itself (``#``) moves into ``$defs`` as ``name``, since ``#`` is now the envelope.
    """
    inner = copy_json(schema)
    defs: dict[str, Any] = inner.pop("$defs", {})
    value: dict[str, Any] = inner
    own_refs = _root_refs([inner, *defs.values()])
    if own_refs:
        own, counter = name, 2
        while own in defs:
            own, counter = f"{name}_{counter}", counter + 1
        value = {"$ref": f"#/$defs/{own}"}
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
    return envelope


# Keywords whose values are data, and keywords whose values map names to schemas: a
# "$ref" key in either is no reference.
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "example", "examples"})
_NAME_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas", "$defs"})


def _root_refs(schemas: list[Any]) -> list[dict[str, Any]]:
    """The schema objects in ``schemas`` that refer to the root (``{"$ref": "#"}``).

    Iterative, like ``model_schema``: a hostile schema may nest deeper than the stack.
    """
    found: list[dict[str, Any]] = []
    stack: list[tuple[Any, bool]] = [(node, False) for node in schemas]
    while stack:
        node, name_map = stack.pop()
        if isinstance(node, list):
            stack.extend((child, False) for child in node)
        elif isinstance(node, dict) and name_map:
            stack.extend((child, False) for child in node.values())
        elif isinstance(node, dict):
            if node.get("$ref") == "#":
                found.append(node)
            stack.extend(
                (child, k in _NAME_MAPS) for k, child in node.items() if k not in _DATA_KEYWORDS
            )
    return found


def _strict(schema: dict[str, Any], strict_schema: Any) -> tuple[str | None, str]:
    strict = strict_schema(schema)
    return (None, strict.note) if strict.schema is None else (_json(strict.schema), "")


def _json(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
