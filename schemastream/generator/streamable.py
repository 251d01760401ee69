"""Which models get stream helpers, under which names, with which embedded schemas.

A JSON Schema streams its root (a root array is asked for as ``{"items": [...]}``, any
other root that is not an object gets only the ``parse_*`` helpers, an enum root none); an
OpenAPI document streams every object schema under ``components/schemas``, narrowed by
``--stream-model``. Both schemas per model are computed here, at build time, and taken
apart into definitions stored once per package.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Callable, Sequence
from typing import Any

from ..runtime._schemas import DEFS, assemble_schema, envelope_schema, schema_objects
from .errors import GeneratorError
from .graph import ListType, ModelSpec, SchemaDefinitions, StreamTarget, spec_name
from .jsonschema import Schema, local_tokens
from .naming import snake_case, unique_names
from .plain import plain_definitions
from .strict import StrictResult

__all__ = ["ENVELOPE", "is_list_root", "select_streamable", "stream_targets"]

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
    models: Sequence[ModelSpec],
    document: dict[str, Any],
    *,
    strict_schema: Callable[[Schema], StrictResult],
) -> tuple[tuple[StreamTarget, ...], SchemaDefinitions]:
    """Helper names (collisions suffixed deterministically) and the request schemas.

    Each schema the models reach is stored once; a target names its root, and its
    request schemas are assembled from the shared definitions exactly as the runtime
    will assemble them.
    """
    snakes = unique_names(snake_case(model.name) for model in models)
    plain = plain_definitions(document, [model.pointer or "#" for model in models])
    texts = {name: _json(schema) for name, schema in sorted(plain.definitions.items())}
    strict = _StrictDefinitions()
    targets: list[StreamTarget] = []
    for model, snake in zip(models, snakes, strict=True):
        root = plain.names[model.pointer or "#"]
        schema, names = assemble_schema(
            root,
            lambda name: json.loads(texts[name]),
            lambda name: plain.base_names.get(name, name),
        )
        envelope = ENVELOPE if is_list_root(model) else None
        if envelope is not None:
            # As the runtime wraps it; the root's own definition, if it moved, is named too.
            schema, own = envelope_schema(schema, envelope, model.name)
            if own:
                names[root] = own
        openai = model.kind == "object" or envelope is not None
        strict_json, strict_note = None, _NO_OBJECT
        if openai:
            result = strict_schema(schema)
            strict_note = result.note
            if result.schema is not None:
                strict_json = _json(result.schema)
                strict.add(result.schema, root, names)
        targets.append(
            StreamTarget(
                model=model.name,
                snake=snake,
                spec_name=spec_name(snake),
                schema_json=_json(schema),
                strict_schema_json=strict_json,
                strict_note=strict_note,
                openai=openai,
                root=root,
                envelope=envelope,
            )
        )
    strict_roots = strict.settle_roots()
    targets = [
        dataclasses.replace(target, strict_root=strict_roots.get(target.root, ""))
        if target.strict_schema_json is not None
        else target
        for target in targets
    ]
    definitions = SchemaDefinitions(
        plain=texts,
        strict=dict(sorted(strict.texts.items())),
        base_names=dict(sorted(plain.base_names.items())),
    )
    return tuple(targets), definitions


class _StrictDefinitions:
    """Strict variants taken apart into shared definitions, refs spelt by package-wide name.

    A definition converts the same in every model that reaches it (only the names of
    refs differ), so each is stored once. A strict root can differ from the same
    schema's strict definition (a root that is only a ``$ref`` is merged with its
    target; a root array's is its envelope): it then gets an entry of its own.
    """

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.roots: dict[str, str] = {}

    def add(self, converted: Schema, root: str, names: dict[str, str]) -> None:
        package_name = {local: name for name, local in names.items()}

        def shared(schema: Any) -> str:
            copy = json.loads(_json(schema))
            for node in schema_objects(copy):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    name = root if ref == "#" else package_name[ref.removeprefix(DEFS)]
                    node["$ref"] = DEFS + name
            return _json(copy)

        top = {key: value for key, value in converted.items() if key != "$defs"}
        self.roots[root] = shared(top)
        for local, schema in converted.get("$defs", {}).items():
            name, text = package_name[local], shared(schema)
            if self.texts.setdefault(name, text) != text:
                raise GeneratorError(
                    f"internal error: the strict variant of {name!r} differs between models; "
                    "please report it with the schema"
                )

    def settle_roots(self) -> dict[str, str]:
        """Store the roots; the entries of those stored apart from their definition."""
        apart: dict[str, str] = {}
        for root, text in self.roots.items():
            if self.texts.setdefault(root, text) != text:
                apart[root] = f"{root}#root"  # '#' is in no definition's name
                self.texts[apart[root]] = text
        return apart


def _json(schema: Any) -> str:
    return json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
