"""The package of a ``module:Name`` input: model graph, embedded schemas and the source digest.

The request schemas are pydantic's own (``by_alias``, validation mode), computed at build
time for every class at once and cut per streamable class by the machinery JSON Schema
inputs use; the header's digest covers them and the source of every project module that
defines a class, enum or type used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import warnings
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from .classes_graph import ClassGraph, class_graph
from .classes_import import ClassesInput, first_line, imported_classes, project_source
from .errors import GeneratorError
from .graph import ImportPath, ModelSpec, SchemaDefinitions, StreamTarget
from .jsonschema import DATA_KEYWORDS, NAME_MAPS, Schema, split_pointer
from .streamable import stream_targets
from .strict import StrictResult, strict_schema

__all__ = ["ClassesPackage", "read_classes"]


@dataclass(frozen=True)
class ClassesPackage:
    """What ``pipeline`` needs to render the package of the user's classes."""

    title: str
    sha256: str
    models: tuple[ModelSpec, ...]
    streams: tuple[StreamTarget, ...]
    warnings: tuple[str, ...]
    schemas: SchemaDefinitions


def read_classes(source: ClassesInput) -> ClassesPackage:
    """Import the classes of ``source`` (once) and compute everything the package holds."""
    with imported_classes(source) as named:
        graph = class_graph([(ImportPath(source.module, n), cls) for n, cls in named], source.root)
        document, pointers, notes = _joint_schema(graph, source)
        models = tuple(
            dataclasses.replace(model, pointer=pointers.get(model.name)) for model in graph.models
        )
        _check_keys(models, graph, document)
        by_class = {cls: name for name, cls in graph.classes.items()}
        streamable = [
            next(model for model in models if model.name == by_class[cls]) for _, cls in named
        ]
        streams, schemas = stream_targets(streamable, document, strict_schema=_strict_schema)
        sources = {module: project_source(module, source.root) for module in graph.modules}
    return ClassesPackage(
        title=source.text,
        sha256=_digest(streams, sources),
        models=models,
        streams=streams,
        warnings=(*notes, *_target_warnings(source, streamable, streams)),
        schemas=schemas,
    )


def _joint_schema(
    graph: ClassGraph, source: ClassesInput
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """One JSON Schema document with every class under ``$defs``, the pointer of each class,
    and pydantic's warnings about it (a default it cannot serialize, say)."""
    mode: JsonSchemaMode = "validation"
    pairs: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (cls, mode) for cls in graph.classes.values()
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            refs, document = models_json_schema(pairs, by_alias=True)
        except Exception as exc:  # pydantic's errors for what it cannot describe
            raise GeneratorError(
                f"pydantic cannot produce the JSON Schema: {type(exc).__name__}: {first_line(exc)}",
                path=source.text,
            ) from None
    pointers = {name: refs[(cls, mode)]["$ref"] for name, cls in graph.classes.items()}
    notes = [f"{source.text}: pydantic: {warning.message}" for warning in caught]
    return document, pointers, notes


def _check_keys(models: tuple[ModelSpec, ...], graph: ClassGraph, document: Schema) -> None:
    """The partial twins read exactly the properties the LLM is told to write."""
    for model in models:
        if model.kind != "object" or model.pointer is None:
            continue
        schema = document["$defs"][split_pointer(model.pointer)[-1]]
        told = sorted(schema.get("properties", {}))
        read = sorted(field.json_name for field in model.fields)
        if told != read:
            cls = graph.classes[model.name]
            raise GeneratorError(
                f"{cls.__qualname__}: pydantic's JSON Schema names the properties {told}, "
                f"but the fields read {read}; the partial twin could not follow the LLM"
            )


def _strict_schema(schema: Schema) -> StrictResult:
    """OpenAI's strict variant, with every property required as it is.

    Strict mode makes an optional property nullable; the user's class would then reject
    the ``null`` of a field that has a default but no ``None`` in its type. Required as
    they are, such fields get a value, and the class validates it.
    """
    return strict_schema(_required_everywhere(schema))


def _required_everywhere(node: Any) -> Any:
    if isinstance(node, list):
        return [_required_everywhere(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in DATA_KEYWORDS:
            out[key] = value
        elif key in NAME_MAPS and isinstance(value, dict):
            out[key] = {name: _required_everywhere(item) for name, item in value.items()}
        else:
            out[key] = _required_everywhere(value)
    if isinstance(out.get("properties"), dict):
        out["required"] = list(out["properties"])
    return out


def _digest(streams: tuple[StreamTarget, ...], sources: dict[str, bytes | None]) -> str:
    digest = hashlib.sha256()
    for target in streams:
        for text in (target.model, target.schema_json, target.strict_schema_json or ""):
            digest.update(text.encode("utf-8") + b"\0")
    for module, code in sorted(sources.items()):
        if code is not None:  # installed modules change with their version, not with the project
            digest.update(module.encode("utf-8") + b"\0" + hashlib.sha256(code).digest())
    return digest.hexdigest()


def _target_warnings(
    source: ClassesInput, streamable: list[ModelSpec], streams: tuple[StreamTarget, ...]
) -> list[str]:
    """A named RootModel gets the parse helpers only; a class strict mode cannot take, why."""
    warnings = []
    for model, target in zip(streamable, streams, strict=True):
        where = f"{source.module}:{model.origin.name if model.origin else model.name}"
        if not target.openai:
            warnings.append(
                f"{where} is a RootModel, not an object; only parse_{target.snake} and "
                f"aparse_{target.snake} are generated: OpenAI needs an object at the root of "
                "function parameters and of a strict json_schema"
            )
        elif target.strict_schema_json is None:
            warnings.append(f"{where}: {target.strict_note}")
    return warnings
