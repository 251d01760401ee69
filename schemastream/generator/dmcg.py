"""The one adapter around datamodel-code-generator (pinned in pyproject.toml).

It runs datamodel-code-generator in-process on the bundled document text, keeps its
``models.py`` source, and copies what the partial twins need out of the parser's
model graph into our own frozen dataclasses. Nothing else imports
``datamodel_code_generator``: its internals change between releases.
"""

from __future__ import annotations

import ast
import dataclasses
import gc
import json
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from datamodel_code_generator import SchemaParseError
from datamodel_code_generator.enums import DataModelType
from datamodel_code_generator.format import PythonVersion
from datamodel_code_generator.model import get_data_model_types
from datamodel_code_generator.model.base import DataModel, DataModelFieldBase
from datamodel_code_generator.model.enum import Enum as EnumModel
from datamodel_code_generator.model.type_alias import TypeAliasBase
from datamodel_code_generator.parser.base import Parser
from datamodel_code_generator.parser.jsonschema import JsonSchemaParser
from datamodel_code_generator.parser.openapi import OpenAPIParser
from datamodel_code_generator.types import DataType
from pydantic import ValidationError

from .clashes import NameFixes, fix_names
from .deferred import class_kind, defer_builds
from .errors import GeneratorError, located
from .fallbacks import FALLBACKS, Dropped
from .graph import (
    DictType,
    FieldSpec,
    ListType,
    LiteralType,
    ModelKind,
    ModelRef,
    ModelSpec,
    NoneType,
    ScalarType,
    TypeSpec,
    UnionType,
)
from .jsonschema import join_pointer, local_tokens, rebase_pointer
from .partial_types import union
from .reachable import prune_unreachable
from .renames import plain_keys
from .repairs import repair_models

__all__ = ["UpstreamResult", "run"]

X_STREAM = "x-stream"
_X_STREAM_VALUES = frozenset({"done", "not-null"})
# Inline schemas get synthetic reference paths; they have no pointer in the document.
_SYNTHETIC = "#-datamodel-code-generator-#"
# The pseudo-field that carries the type of typed extras (``additionalProperties``).
_EXTRA_FIELD = "__pydantic_extra__"


@dataclass(frozen=True)
class UpstreamResult:
    """datamodel-code-generator's ``models.py`` (unformatted) and its model graph."""

    source: str
    models: tuple[ModelSpec, ...]
    # (class name, kind) as its parsed model graph had them, before ``_reconcile``: the
    # tests guard that they still match models.py, so an upgrade that drifts shows up.
    parsed: tuple[tuple[str, ModelKind], ...] = ()
    # What a fallback dropped from the schema where it failed, for the user.
    warnings: tuple[str, ...] = ()


def run(
    text: str,
    *,
    kind: str,
    file_name: str,
    data: dict[str, Any] | None = None,
    root_name: str | None = None,
) -> UpstreamResult:
    """Generate full models from the bundled document ``text`` (JSON Schema or OpenAPI).

    ``data`` is the same document parsed; with it, definition names that
    datamodel-code-generator would misread are renamed first (see ``renames``).
    ``root_name`` names the class of a JSON Schema root (instead of its title). Then
    classes and fields whose names would clash are renamed (``clashes``) and classes
    that no definition reaches are dropped (``reachable``).
    """
    renamed: dict[str, str] = {}
    if data is not None:
        safe, renamed = plain_keys(data, kind)
        if renamed:
            text = json.dumps(safe, ensure_ascii=False)
            data = safe
    original = {new: old for old, new in renamed.items()}
    with warnings.catch_warnings(), _fewer_collections():
        # Its notes (dropped constraints and the like) are about models.py, which keeps them.
        warnings.simplefilter("ignore")
        parsed, dropped_constructs = _parse_or_fall_back(text, data, kind, root_name)
    if isinstance(parsed, _Failure):
        pointer = None if parsed.pointer is None else rebase_pointer(parsed.pointer, original)
        raise GeneratorError(parsed.message, path=file_name, pointer=pointer) from parsed.error
    parser, source = parsed
    notes = tuple(
        located(drop.note, path=file_name, pointer=rebase_pointer(drop.pointer, original))
        for drop in dropped_constructs
    )
    tree = ast.parse(source)
    fixes = fix_names(source, tree, file_name=file_name)
    specs = [
        _renamed(spec, fixes)
        for spec in _emitted(
            [_model_spec(model, file_name, original) for model in parser.results], tree
        )
    ]
    roots = {spec.name for spec in specs if spec.pointer is not None}
    fixed, dropped = prune_unreachable(fixes.source, tree, roots, fixes.classes)
    if fixed != source:
        source, tree = fixed, ast.parse(fixed)
    if (repaired := repair_models(source, tree)) != source:
        source, tree = repaired, ast.parse(repaired)
    specs = [spec for spec in specs if spec.name not in dropped]
    return UpstreamResult(
        source=defer_builds(source, tree),
        models=_reconcile(specs, tree),
        parsed=tuple((spec.name, spec.kind) for spec in specs),
        warnings=notes,
    )


@dataclass(frozen=True)
class _Failure:
    """Why datamodel-code-generator produced no module: the message and where, if known."""

    message: str
    pointer: str | None
    error: BaseException


def _parse_or_fall_back(
    text: str, data: dict[str, Any] | None, kind: str, root_name: str | None
) -> tuple[tuple[Parser[Any, Any], str] | _Failure, list[Dropped]]:
    """Its parser and models.py; after a failure, those of the first fallback that works."""
    parsed = _parse(text, kind, root_name)
    if not isinstance(parsed, _Failure):
        return parsed, []
    document = data if data is not None else _json_object(text)
    if document is None:
        return parsed, []
    for fallback in FALLBACKS:
        attempt = fallback(document, parsed.pointer)
        if attempt is not None:
            retried = _parse(json.dumps(attempt[0], ensure_ascii=False), kind, root_name)
            if not isinstance(retried, _Failure):
                return retried, attempt[1]
    return parsed, []


def _parse(text: str, kind: str, root_name: str | None) -> tuple[Parser[Any, Any], str] | _Failure:
    """Its parser and models.py, or why not: whatever it raises is caught, never a traceback."""
    try:
        parser = _parser(text, kind, root_name)
        source = parser.parse(format_=False)
    except Exception as exc:  # its internals raise anything (KeyError, AttributeError...)
        return _Failure(_upstream_message(exc), _failure_pointer(exc), exc)
    if not isinstance(source, str):
        error = TypeError("datamodel-code-generator produced more than one module")
        return _Failure(str(error), None, error)
    return parser, source


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# "(#/definitions/A)" in its messages, or a bare "#/...".
_POINTER_IN_TEXT = re.compile(r"\((#[^\s'\"()]*)\)|(#/[^\s'\"()]*)")


def _failure_pointer(exc: BaseException) -> str | None:
    """Where in the document it failed, when it says so: the path it was parsing, a
    pointer in its message, or the ``path`` it was working on when it raised."""
    if isinstance(exc, SchemaParseError):
        at = _pointer(exc.path)
        inner = next((e for e in _chain(exc) if isinstance(e, ValidationError)), None)
        if inner is not None and inner.errors():
            # Its locations name the model it validates with (JsonSchemaObject): not a key.
            loc = [str(token) for token in inner.errors()[0]["loc"]]
            tokens = [t for t in loc if t != "JsonSchemaObject" and "[" not in t]
            at = join_pointer(at or "#", *tokens)
        return at
    found = _POINTER_IN_TEXT.search(str(exc))
    if found:
        return (found.group(1) or found.group(2)).rstrip(".,:;")
    frame = exc.__traceback__
    pointer = None
    while frame is not None:  # the innermost frame that has a schema path wins
        path = frame.tb_frame.f_locals.get("path")
        if isinstance(path, list) and path and all(isinstance(p, str) for p in path):
            pointer = _pointer(path) or pointer
        frame = frame.tb_next
    return pointer


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = exc
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def _emitted(specs: list[ModelSpec], tree: ast.Module) -> list[ModelSpec]:
    """One spec per class of models.py, none for a model that is not there.

    Late passes of its own can drop a parsed model (merged into an equal one), which may
    leave two parsed models with one class name: the one of the emitted kind is kept.
    """
    kinds = {node.name: class_kind(node) for node in tree.body if isinstance(node, ast.ClassDef)}
    chosen: dict[str, ModelSpec] = {}
    for spec in specs:
        previous = chosen.get(spec.name)
        if spec.name in kinds and (
            previous is None or (previous.kind != kinds[spec.name] == spec.kind)
        ):
            chosen[spec.name] = spec
    return list(chosen.values())


def _renamed(spec: ModelSpec, fixes: NameFixes) -> ModelSpec:
    """``spec`` with the class and field names ``fix_names`` changed in models.py."""
    if not fixes.classes and not fixes.fields:
        return spec
    return dataclasses.replace(
        spec,
        name=fixes.classes.get(spec.name, spec.name),
        bases=tuple(fixes.classes.get(base, base) for base in spec.bases),
        fields=tuple(
            dataclasses.replace(
                field,
                name=fixes.fields.get((spec.name, field.json_name), field.name),
                type=_map_refs(field.type, lambda ref: fixes.classes.get(ref.name, ref.name), None),
            )
            for field in spec.fields
        ),
        extra_type=None
        if spec.extra_type is None
        else _map_refs(spec.extra_type, lambda ref: fixes.classes.get(ref.name, ref.name), None),
    )


def _reconcile(specs: list[ModelSpec], tree: ast.Module) -> tuple[ModelSpec, ...]:
    """The graph as models.py really has it: its classes, their kinds and bases, its order.

    Late passes of datamodel-code-generator can turn a parsed model into an enum or drop
    it; the emitted module is the truth. The order puts every class used at
    class-creation time (bases, RootModel parameters) before its users, as the partial
    twins need too.
    """
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    kinds: dict[str, ModelKind] = {name: class_kind(node) for name, node in classes.items()}
    by_name = {spec.name: spec for spec in specs}
    result = []
    for name, node in classes.items():
        spec = by_name.get(name)
        if spec is None:
            spec = ModelSpec(name=name, kind=kinds[name])
        fields = spec.fields if kinds[name] != "enum" else ()
        result.append(
            dataclasses.replace(
                spec,
                kind=kinds[name],
                extra=kinds[name] == "object" and _allows_extra(node),
                bases=tuple(
                    base.id
                    for base in node.bases
                    if isinstance(base, ast.Name) and base.id in kinds
                ),
                fields=tuple(
                    dataclasses.replace(field, type=_retarget(field.type, kinds))
                    for field in fields
                ),
                extra_type=None if spec.extra_type is None else _retarget(spec.extra_type, kinds),
            )
        )
    return tuple(result)


def _retarget(spec: TypeSpec, kinds: dict[str, ModelKind]) -> TypeSpec:
    return _map_refs(spec, lambda ref: ref.name, kinds)


def _map_refs(
    spec: TypeSpec, name: Callable[[ModelRef], str], kinds: dict[str, ModelKind] | None
) -> TypeSpec:
    """``spec`` with every class reference renamed by ``name`` and re-kinded by ``kinds``."""
    if isinstance(spec, ModelRef):
        kind = spec.kind if kinds is None else kinds.get(spec.name, spec.kind)
        return ModelRef(name(spec), kind)
    if isinstance(spec, ListType):
        return ListType(_map_refs(spec.item, name, kinds))
    if isinstance(spec, DictType):
        return DictType(_map_refs(spec.value, name, kinds))
    if isinstance(spec, UnionType):
        return UnionType(tuple(_map_refs(member, name, kinds) for member in spec.members))
    return spec


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect young objects less often while its large object graph is built (2-3x faster)."""
    saved = gc.get_threshold()
    gc.set_threshold(max(saved[0], 50_000), *saved[1:])
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def _pointer(path: list[str]) -> str | None:
    parts = [str(part) for part in path]
    if not parts:
        return None
    return "/".join(parts) if parts[0].startswith("#") else "#/" + "/".join(parts)


def _upstream_message(exc: BaseException) -> str:
    # Its messages can run to many lines (pydantic validation dumps); the first says what.
    lines = str(exc).strip().splitlines()
    detail = lines[0].rstrip(":") if lines else type(exc).__name__
    return (
        f"datamodel-code-generator could not generate models: {detail}. "
        "Simplify or split the schema at that location, or report it with the schema attached."
    )


def _parser(text: str, kind: str, root_name: str | None) -> Parser[Any, Any]:
    types = get_data_model_types(
        DataModelType.PydanticV2BaseModel, target_python_version=PythonVersion.PY_310
    )
    options: dict[str, Any] = {
        "data_model_type": types.data_model,
        "data_model_root_type": types.root_model,
        "data_model_field_type": types.field_model,
        "data_type_manager_type": types.data_type_manager,
        "dump_resolve_reference_action": types.dump_resolve_reference_action,
        "target_python_version": PythonVersion.PY_310,
        "use_standard_collections": True,
        "use_union_operator": True,
        "field_constraints": True,
        "use_schema_description": True,
        "use_double_quotes": True,
        "field_extra_keys": {X_STREAM},
        "allow_remote_refs": False,
    }
    parser: Parser[Any, Any]
    if kind == "openapi":
        parser = OpenAPIParser(text, **options)
    else:
        parser = JsonSchemaParser(text, **options, class_name=root_name)
    _normalize_names(parser)
    return parser


def _normalize_names(parser: Parser[Any, Any]) -> None:
    """Make every name it derives from schema text go through NFKC first.

    Python normalises identifiers to NFKC (PEP 3131): emitted as is, a property named
    with the ligature U+FB01 would be a field ``fi`` that its JSON key never reaches.
    Given the normal form instead, datamodel-code-generator de-duplicates it and keeps
    the key as the field's alias.
    """
    for resolver in parser.model_resolver.field_name_resolvers.values():
        valid_name = resolver.get_valid_name

        def normalized(name: str, *args: Any, _valid_name: Any = valid_name, **kwargs: Any) -> str:
            return str(_valid_name(unicodedata.normalize("NFKC", name), *args, **kwargs))

        vars(resolver)["get_valid_name"] = normalized


# -- the model graph ---------------------------------------------------------------------


def _model_spec(model: DataModel, file_name: str, original: dict[str, str]) -> ModelSpec:
    path = model.reference.path
    pointer = None if _SYNTHETIC in path else original.get(path, path)
    kind = _model_kind(model)
    fields: tuple[FieldSpec, ...] = ()
    extra_type: TypeSpec | None = None
    if kind != "enum":
        fields = tuple(
            _field_spec(field, pointer, file_name, root=kind == "root")
            for field in model.fields
            if field.name != _EXTRA_FIELD
        )
        extra_type = next(
            (_extra_type(field.data_type) for field in model.fields if field.name == _EXTRA_FIELD),
            None,
        )
    bases = tuple(
        base.reference.name
        for base in model.base_classes
        if base.reference is not None and base.reference.path != path
    )
    return ModelSpec(
        name=model.class_name,
        kind=kind,
        fields=fields,
        extra_type=extra_type,
        bases=bases,
        description=model.description or None,
        pointer=pointer,
        schema_name=_schema_name(pointer),
    )


def _extra_type(data_type: DataType) -> TypeSpec | None:
    """``T`` of the typed extras ``dict[str, T]`` (``None``: any JSON)."""
    spec = _type_spec(data_type)
    return spec.value if isinstance(spec, DictType) else None


def _allows_extra(node: ast.ClassDef) -> bool:
    """Whether the class body says ``model_config = ConfigDict(..., extra="allow")``."""
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "model_config" for t in statement.targets)
            and isinstance(statement.value, ast.Call)
        ):
            return any(
                keyword.arg == "extra"
                and isinstance(keyword.value, ast.Constant)
                and keyword.value.value == "allow"
                for keyword in statement.value.keywords
            )
    return False


def _model_kind(model: DataModel) -> ModelKind:
    if isinstance(model, EnumModel):
        return "enum"
    if any(base.type_hint.startswith("RootModel") for base in model.base_classes):
        return "root"
    return "object"


def _schema_name(pointer: str | None) -> str | None:
    tokens = local_tokens(pointer)
    return tokens[-1] if tokens else None


def _field_spec(
    field: DataModelFieldBase, model_pointer: str | None, file_name: str, *, root: bool
) -> FieldSpec:
    # An empty property name is a JSON name too: test for None, never for falsiness.
    json_name = next(
        (name for name in (field.original_name, field.alias, field.name) if name is not None),
        "root",
    )
    name = "root" if root else (field.name or json_name)
    extras = field.extras
    flags = _x_stream(extras.get(X_STREAM), model_pointer, json_name, file_name)
    description = extras.get("description")
    discriminator = extras.get("discriminator")
    return FieldSpec(
        name=name,
        json_name=json_name,
        type=_type_spec(field.data_type),
        description=description if isinstance(description, str) else None,
        alias=None if root else field.alias,
        done="done" in flags,
        not_null="not-null" in flags,
        discriminator=_discriminator_property(discriminator)
        or _nested_discriminator(field.data_type),
    )


def _x_stream(value: Any, model_pointer: str | None, json_name: str, file_name: str) -> set[str]:
    if value is None:
        return set()
    values: Iterable[Any] = value if isinstance(value, list) else [value]
    flags = set(values)
    if not flags <= _X_STREAM_VALUES:
        pointer = f"{model_pointer}/properties/{json_name}" if model_pointer else None
        raise GeneratorError(
            f'unknown "x-stream" value {value!r}; use "done" or "not-null"',
            path=file_name,
            pointer=pointer,
        )
    return {str(flag) for flag in flags}


def _discriminator_property(value: Any) -> str | None:
    if isinstance(value, dict):
        name = value.get("propertyName")
        return name if isinstance(name, str) else None
    return value if isinstance(value, str) else None


def _nested_discriminator(data_type: DataType) -> str | None:
    if data_type.discriminator:
        return data_type.discriminator
    for child in data_type.data_types:
        if found := _nested_discriminator(child):
            return found
    return None


def _type_spec(data_type: DataType, aliases: frozenset[str] = frozenset()) -> TypeSpec:
    """Our copy of a type; ``aliases`` are the type aliases being inlined (a ring stops there)."""
    inner: TypeSpec
    if data_type.reference is not None:
        source = data_type.reference.source
        kind: ModelKind = "object"
        if isinstance(source, TypeAliasBase):
            inner = _alias_type(source, aliases)
        elif isinstance(source, DataModel):
            kind = _model_kind(source)
            inner = ModelRef(source.class_name, kind)
        else:
            inner = ModelRef(data_type.reference.name, kind)
    elif data_type.literals:
        inner = LiteralType(tuple(data_type.literals))
    elif data_type.type is not None:
        inner = _scalar(data_type)
    elif data_type.data_types:
        inner = union([_type_spec(child, aliases) for child in data_type.data_types])
    else:
        inner = ScalarType("Any", "typing")
    if data_type.is_dict or data_type.is_mapping:
        inner = DictType(inner)
    if data_type.is_list or data_type.is_set or data_type.is_frozen_set or data_type.is_sequence:
        inner = ListType(inner)
    if data_type.is_tuple:
        inner = ListType(inner)
    if data_type.is_optional:
        inner = union([inner, NoneType()])
    return inner


def _alias_type(alias: TypeAliasBase, aliases: frozenset[str]) -> TypeSpec:
    """The type a type alias stands for, inlined: it is an assignment, not a class.

    datamodel-code-generator writes some union members as ``Name = TypeAliasType(...)``;
    the partial twin has no ``PartialName`` to refer to, so it spells the type out. An
    alias that reaches itself is free-form JSON from there on.
    """
    path = alias.reference.path
    if path in aliases or not alias.fields:
        return _ANY
    return _type_spec(alias.fields[0].data_type, aliases | {path})


def _scalar(data_type: DataType) -> TypeSpec:
    name = data_type.type or "Any"
    if name == "None":
        return NoneType()
    imported = data_type.import_
    if imported is not None:
        scalar = ScalarType(imported.import_, imported.from_)
        if data_type.is_func or scalar in CONSTRAINED_BASES:
            # Constraints live on the full model only: the twin holds the base type.
            return CONSTRAINED_BASES.get(scalar, _ANY)
        return scalar
    return ScalarType(name)


_STR, _INT, _FLOAT, _BYTES = (ScalarType(name) for name in ("str", "int", "float", "bytes"))
_ANY = ScalarType("Any", "typing")
# What datamodel-code-generator writes for a constrained scalar, and its base type. Where a
# field cannot carry the constraints (inside a union or a container) it writes a call,
# ``conint(ge=1)``, or an ``Annotated[...]`` built around the name below: neither is a
# type a partial twin can name. A call missing here becomes ``Any`` (JSON in the twin);
# tests/generator/test_adapter.py checks the table against its imports.
CONSTRAINED_BASES: dict[ScalarType, ScalarType] = {
    **{ScalarType(name, "pydantic"): base for name, base in (
        ("constr", _STR), ("conint", _INT), ("confloat", _FLOAT), ("conbytes", _BYTES),
        ("condecimal", ScalarType("Decimal", "decimal")),
        ("StringConstraints", _STR), ("Field", _STR),  # Annotated[str, StringConstraints(...)]
        ("EncodedBytes", ScalarType("Base64Bytes", "pydantic")),  # base64 text with lengths
        ("PositiveInt", _INT), ("NegativeInt", _INT), ("NonNegativeInt", _INT),
        ("NonPositiveInt", _INT), ("StrictInt", _INT), ("StrictStr", _STR),
        ("PositiveFloat", _FLOAT), ("NegativeFloat", _FLOAT), ("NonNegativeFloat", _FLOAT),
        ("NonPositiveFloat", _FLOAT), ("StrictFloat", _FLOAT), ("StrictBytes", _BYTES),
        ("StrictBool", ScalarType("bool")),
    )},
}  # fmt: skip
