"""The user's pydantic classes -> the generator's model graph, from pydantic's field information.

The one module that reads pydantic's class internals (``model_fields``, ``FieldInfo``,
``__pydantic_generic_metadata__``). Every model reachable from the named classes becomes a
``ModelSpec`` with the same types, enums, ``Literal``s and JSON names, so the partial twins
come from the code that builds them for a JSON Schema. What cannot be mirrored is a
``GeneratorError`` naming ``Class.field`` and why.
"""

from __future__ import annotations

import collections
import collections.abc
import enum
import inspect
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, Union

import typing_extensions
from pydantic import (
    AliasChoices,
    AliasPath,
    BaseModel,
    Discriminator,
    JsonValue,
    RootModel,
    TypeAdapter,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .clashes import RESERVED, derived_names
from .classes_import import first_line, import_path
from .errors import GeneratorError
from .graph import (
    DictType,
    FieldSpec,
    ImportPath,
    ListType,
    LiteralType,
    ModelKind,
    ModelRef,
    ModelSpec,
    NoneType,
    ScalarType,
    TypeSpec,
)
from .naming import fresh_name, safe_identifier
from .partial_types import union

__all__ = ["ClassGraph", "class_graph"]

_X_STREAM = "x-stream"
_X_STREAM_VALUES = frozenset({"done", "not-null"})
_ANY = ScalarType("Any", "typing")
_JSON_VALUE = ScalarType("JsonValue", "pydantic")
_BUILTIN_SCALARS = (str, int, float, bool)
# Containers that JSON writes as arrays, and as objects (maps).
_ARRAYS: frozenset[Any] = frozenset(
    {list, tuple, set, frozenset, collections.deque, collections.abc.Sequence,
     collections.abc.MutableSequence, collections.abc.Set, collections.abc.MutableSet}
)  # fmt: skip
_MAPS: frozenset[Any] = frozenset(
    {dict, collections.OrderedDict, collections.abc.Mapping, collections.abc.MutableMapping}
)
_UNIONS: frozenset[Any] = frozenset({Union, types.UnionType})


@dataclass(frozen=True)
class ClassGraph:
    """The models reachable from the named classes, dependencies first.

    ``classes`` maps each object or root model's name to its class; ``modules`` names every
    module that defines a class, enum or type the graph uses (sorted).
    """

    models: tuple[ModelSpec, ...]
    classes: dict[str, type[BaseModel]]
    modules: tuple[str, ...]


def class_graph(targets: Sequence[tuple[ImportPath, type[BaseModel]]], root: Path) -> ClassGraph:
    """The graph of ``targets`` (each with the path the user named it by) and every model,
    enum and type they reach; ``root`` is the project, whose classes are imported from the
    module defining them."""
    reader = _Reader(root)
    for path, cls in targets:
        reader.name(cls, preferred=path.name, origin=path)
    reader.read_all()
    return reader.graph([cls for _, cls in targets])


@dataclass
class _Field:
    """What one field's annotation says beyond its type: the discriminator property."""

    where: str
    discriminator: str | None = None

    def fail(self, why: str) -> GeneratorError:
        return GeneratorError(f"{self.where}: {why}")


@dataclass
class _Reader:
    """Reads the classes breadth-first from the named ones, naming each on first sight.

    ``refers`` lists, per class read, the models and enums its fields name (``_current``
    is the list of the class being read), from which ``graph`` orders the specs.
    """

    root: Path
    names: dict[type[Any], str] = field(default_factory=dict)
    origins: dict[type[Any], ImportPath | None] = field(default_factory=dict)
    pending: list[type[BaseModel]] = field(default_factory=list)
    specs: dict[type[Any], ModelSpec] = field(default_factory=dict)
    refers: dict[type[Any], list[type[Any]]] = field(default_factory=dict)
    modules: set[str] = field(default_factory=set)
    atomic: dict[type[Any], TypeSpec] = field(default_factory=dict)
    _current: list[type[Any]] = field(default_factory=list)

    # -- names ---------------------------------------------------------------------------

    def name(self, cls: type[Any], *, preferred: str, origin: ImportPath | None) -> str:
        """The unique name of ``cls`` in the package, given on first sight (in read order)."""
        known = self.names.get(cls)
        if known is not None:
            return known
        base = safe_identifier(preferred, fallback="Model")
        base = base[0].upper() + base[1:] if base[0].islower() else base
        taken = set(self.names.values())
        # Nor may its twin or helpers take a name in use (a class Model: PartialModel).
        blocked = RESERVED | taken | {d for known in taken for d in derived_names(known)}
        name = fresh_name(base, lambda name: name in blocked or bool(derived_names(name) & blocked))
        self.names[cls] = name
        self.origins[cls] = origin
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            self.pending.append(cls)
        return name

    # -- models --------------------------------------------------------------------------

    def read_all(self) -> None:
        while self.pending:
            cls = self.pending.pop(0)
            self.refers[cls] = []
            self._current = self.refers[cls]
            self.specs[cls] = self._model(cls)

    def _model(self, cls: type[BaseModel]) -> ModelSpec:
        _complete(cls)
        self._module(cls)
        generic = cls.__pydantic_generic_metadata__
        if generic["origin"] is not None:
            self._module(generic["origin"])
        kind: ModelKind = "root" if issubclass(cls, RootModel) else "object"
        fields = tuple(
            self._field(cls, name, info, root=kind == "root")
            for name, info in cls.model_fields.items()
        )
        extra = kind == "object" and cls.model_config.get("extra") == "allow"
        return ModelSpec(
            name=self.names[cls],
            kind=kind,
            fields=fields,
            extra=extra,
            extra_type=self._extra_type(cls) if extra else None,
            description=_docstring(cls),
            origin=self.origins[cls],
        )

    def _field(self, cls: type[BaseModel], name: str, info: FieldInfo, *, root: bool) -> FieldSpec:
        context = _Field(f"{cls.__qualname__}.{name}")
        spec = self._annotated(info.annotation, [*info.metadata], context, info.discriminator)
        flags = _x_stream(info.json_schema_extra, context)
        return FieldSpec(
            name=name,
            json_name=name if root else _json_key(name, info, context),
            type=spec,
            description=info.description,
            done="done" in flags,
            not_null="not-null" in flags,
            discriminator=context.discriminator,
        )

    def _extra_type(self, cls: type[BaseModel]) -> TypeSpec | None:
        """``T`` of a declared ``__pydantic_extra__: dict[str, T]``; None: any JSON."""
        where = _Field(f"{cls.__qualname__}.__pydantic_extra__")
        for klass in cls.__mro__:
            if klass is BaseModel:
                break
            try:
                declared = inspect.get_annotations(klass, eval_str=True)
            except Exception as exc:  # the user's annotations: any failure is theirs to fix
                raise where.fail(
                    f"cannot evaluate the annotations of {klass.__qualname__}: {first_line(exc)}"
                ) from None
            if "__pydantic_extra__" in declared:
                spec = self._type(declared["__pydantic_extra__"], where)
                return spec.value if isinstance(spec, DictType) else None
        return None

    # -- types ---------------------------------------------------------------------------

    def _annotated(
        self, annotation: Any, metadata: list[Any], context: _Field, discriminator: Any = None
    ) -> TypeSpec:
        """The type of ``Annotated[annotation, *metadata]``: constraints dropped; validators
        that declare the JSON they take replace the type; a discriminator is recorded."""
        for item in metadata:
            if isinstance(item, FieldInfo):
                discriminator = item.discriminator or discriminator
            elif isinstance(item, Discriminator):
                discriminator = item
            else:
                taken = getattr(item, "json_schema_input_type", PydanticUndefined)
                if taken is not PydanticUndefined:
                    annotation = taken  # what the LLM is told to write: the validator's input
        if discriminator is None:
            return self._type(annotation, context)
        return self._discriminated(annotation, discriminator, context)

    def _type(self, annotation: Any, context: _Field) -> TypeSpec:
        if annotation is Any:
            return _ANY
        if annotation is JsonValue:
            return _JSON_VALUE
        if annotation is None or annotation is type(None):
            return NoneType()
        if isinstance(annotation, TypeVar):
            raise context.fail(
                f"its type is the type variable {annotation}: the generic model is not "
                "parametrized; use a concrete parametrization such as Page[User]"
            )
        if isinstance(annotation, (str, typing.ForwardRef)):
            raise context.fail(
                f"its annotation {annotation!r} is an unresolved forward reference; "
                "define the class it names and call model_rebuild()"
            )
        if isinstance(annotation, typing.NewType):
            return self._type(annotation.__supertype__, context)
        if _is_type_alias(annotation):
            return self._type(annotation.__value__, context)
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            return self._annotated(args[0], [*annotation.__metadata__], context)
        if origin in _UNIONS:
            return union([self._type(arg, context) for arg in args])
        if origin is Literal:
            return _literal(args, context)
        if origin in _ARRAYS or annotation in _ARRAYS:
            return ListType(self._items(origin or annotation, args, context))
        if origin in _MAPS or annotation in _MAPS:
            # JSON keys are strings: the partial keeps them as received.
            return DictType(self._type(args[1] if len(args) == 2 else Any, context))
        if origin is not None or not isinstance(annotation, type):
            raise context.fail(f"its type {_show(annotation)} has no JSON form the generator knows")
        if issubclass(annotation, BaseModel):
            return self._model_ref(annotation, context)
        if issubclass(annotation, enum.Enum):
            return self._enum(annotation, context)
        if annotation in _BUILTIN_SCALARS:
            return ScalarType(annotation.__name__)
        return self._atomic(annotation, context)

    def _items(self, container: Any, args: tuple[Any, ...], context: _Field) -> TypeSpec:
        if container is tuple and args and args[-1] is not Ellipsis:
            # tuple[int, str]: streamed as a list whose items are one of the types
            return union([self._type(arg, context) for arg in args])
        return self._type(args[0] if args else Any, context)

    def _model_ref(self, cls: type[BaseModel], context: _Field) -> ModelRef:
        if cls is BaseModel or cls is RootModel:
            raise context.fail(f"its type is {cls.__name__} itself, which has no fields to stream")
        parameters = cls.__pydantic_generic_metadata__["parameters"]
        if parameters:
            raise context.fail(
                f"its type {cls.__qualname__} is a generic model left unparametrized "
                f"({', '.join(map(str, parameters))}); use a concrete parametrization"
            )
        self._current.append(cls)
        name = self.name(cls, preferred=cls.__name__, origin=import_path(cls, self.root))
        return ModelRef(name, "root" if issubclass(cls, RootModel) else "object")

    def _enum(self, cls: type[enum.Enum], context: _Field) -> ModelRef:
        bad = [m.name for m in cls if not isinstance(m.value, str | int | float)]
        if bad:
            raise context.fail(
                f"the enum {cls.__qualname__} has members whose values are not JSON strings "
                f"or numbers ({', '.join(bad)})"
            )
        origin = self._path(cls, context, what="the enum")
        self._current.append(cls)
        name = self.name(cls, preferred=cls.__name__, origin=origin)
        if cls not in self.specs:
            self._module(cls)
            self.specs[cls] = ModelSpec(
                name=name, kind="enum", description=_docstring(cls), origin=origin
            )
            self.refers[cls] = []
        return ModelRef(name, "enum", origin)

    def _atomic(self, cls: type[Any], context: _Field) -> TypeSpec:
        """A type pydantic validates from a JSON scalar (datetime, UUID, URL, a custom type)."""
        known = self.atomic.get(cls)
        if known is not None:
            return known
        try:
            schema = TypeAdapter(cls).json_schema()
        except Exception as exc:  # pydantic's errors for types it cannot describe
            raise context.fail(
                f"its type {_show(cls)} has no JSON Schema ({type(exc).__name__}), so the LLM "
                "cannot be told what to write; use a type pydantic can describe"
            ) from None
        if _is_structured(schema):
            raise context.fail(
                f"its type {_show(cls)} is written in JSON as an object or array that only its "
                "own validator understands; the partial twin cannot stream it: use a BaseModel"
            )
        if cls.__module__ == "builtins":
            spec: TypeSpec = ScalarType(cls.__name__)
        else:
            path = self._path(cls, context, what="the type")
            self._module(cls)
            spec = ScalarType(path.name, path.module)
        self.atomic[cls] = spec
        return spec

    def _discriminated(self, annotation: Any, discriminator: Any, context: _Field) -> TypeSpec:
        if isinstance(discriminator, Discriminator):
            discriminator = discriminator.discriminator
        if not isinstance(discriminator, str):
            raise context.fail(
                "its union has a callable Discriminator, which picks the member by running "
                "code on the whole value; a partial value cannot be resolved that way. Use "
                "Field(discriminator='<field name>') or Discriminator('<field name>')"
            )
        members = _union_classes(annotation)
        keys = set()
        for member in members:
            info = member.model_fields.get(discriminator)
            if info is None:
                raise context.fail(
                    f"the discriminator {discriminator!r} is not a field of {member.__qualname__}"
                )
            keys.add(_json_key(discriminator, info, context))
        if len(keys) != 1:
            raise context.fail(
                f"the members of its union spell the discriminator {discriminator!r} "
                f"differently in JSON ({', '.join(sorted(keys))})"
            )
        (key,) = keys
        if context.discriminator not in (None, key):
            raise context.fail(
                f"it has two discriminated unions with different discriminators "
                f"({context.discriminator!r}, {key!r}); the partial twin keeps one per field"
            )
        context.discriminator = key
        return self._type(annotation, context)

    def _path(self, cls: type[Any], context: _Field, *, what: str) -> ImportPath:
        path = import_path(cls, self.root)
        if path is None:
            raise context.fail(
                f"{what} {cls.__module__}.{cls.__qualname__} cannot be imported by name (it is "
                "defined in a function, nested in a class or in __main__); the generated code "
                "imports it: define it at module level of an importable module"
            )
        return path

    def _module(self, cls: type[Any]) -> None:
        self.modules.add(cls.__module__)

    # -- the result ----------------------------------------------------------------------

    def graph(self, targets: list[type[BaseModel]]) -> ClassGraph:
        """Every spec, each after the models it refers to (cycles aside), targets' first."""
        order: list[type[Any]] = []
        seen: set[type[Any]] = set()
        for start in [*targets, *self.specs]:
            stack: list[tuple[type[Any], int]] = [(start, 0)]
            while stack:
                cls, index = stack.pop()
                if index == 0:
                    if cls in seen:
                        continue
                    seen.add(cls)
                refers = self.refers[cls]
                if index < len(refers):
                    stack.append((cls, index + 1))
                    if refers[index] not in seen:
                        stack.append((refers[index], 0))
                else:
                    order.append(cls)
        return ClassGraph(
            models=tuple(self.specs[cls] for cls in order),
            classes={
                self.names[cls]: cls
                for cls in order
                if isinstance(cls, type) and issubclass(cls, BaseModel)
            },
            modules=tuple(sorted(self.modules)),
        )


def _complete(cls: type[BaseModel]) -> None:
    if cls.__pydantic_complete__:
        return
    try:
        cls.model_rebuild()
    except Exception as exc:  # pydantic says which name it could not resolve
        raise GeneratorError(
            f"{cls.__qualname__} is not fully defined: {first_line(exc)}"
        ) from None


def _json_key(name: str, info: FieldInfo, context: _Field) -> str:
    """The property name pydantic's JSON Schema (``by_alias``, validation) gives the field."""
    alias = info.validation_alias
    if alias is None:
        return info.alias or name
    if isinstance(alias, str):
        return alias
    choices = alias.choices if isinstance(alias, AliasChoices) else [alias]
    for choice in choices:
        if isinstance(choice, str):
            return choice
        if isinstance(choice, AliasPath) and len(choice.path) == 1:
            (key,) = choice.path
            if isinstance(key, str):
                return key
    raise context.fail(
        f"its validation_alias {alias!r} has no single key: the LLM writes one JSON key per "
        "field; give a plain alias (or an AliasChoices with one)"
    )


def _literal(values: tuple[Any, ...], context: _Field) -> TypeSpec:
    kept: list[str | int | bool] = []
    has_none = False
    for value in values:
        if value is None:
            has_none = True
        elif isinstance(value, enum.Enum):
            raise context.fail(
                f"its Literal holds the enum member {value!r}; use the enum type, or a Literal "
                "of the values the JSON holds"
            )
        elif isinstance(value, str | int | bool):
            kept.append(value)
        else:
            raise context.fail(f"its Literal holds {value!r}, which JSON cannot spell")
    members: list[TypeSpec] = [LiteralType(tuple(kept))] if kept else []
    return union([*members, *([NoneType()] if has_none else [])])


def _union_classes(annotation: Any) -> list[type[BaseModel]]:
    """The model classes of a union (through ``Annotated``, ``None`` left out)."""
    found: list[type[BaseModel]] = []
    todo = [annotation]
    while todo:
        item = todo.pop(0)
        origin = typing.get_origin(item)
        if origin is typing.Annotated:
            todo.insert(0, typing.get_args(item)[0])
        elif origin in _UNIONS:
            todo[:0] = typing.get_args(item)
        elif isinstance(item, type) and issubclass(item, BaseModel):
            found.append(item)
    return found


def _x_stream(extra: Any, context: _Field) -> set[str]:
    """The ``x-stream`` flags of ``Field(json_schema_extra={"x-stream": ...})``."""
    value = extra.get(_X_STREAM) if isinstance(extra, dict) else None
    if value is None:
        return set()
    flags = set(value) if isinstance(value, list) else {value}
    if not flags <= _X_STREAM_VALUES:
        raise context.fail(f'unknown "x-stream" value {value!r}; use "done" or "not-null"')
    return {str(flag) for flag in flags}


def _is_structured(schema: dict[str, Any]) -> bool:
    """Whether a JSON Schema describes objects or arrays (anywhere in its branches)."""
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds or []
    if {"object", "array"} & set(kinds) or {"properties", "items", "prefixItems"} & set(schema):
        return True
    branches = [*schema.get("anyOf", []), *schema.get("oneOf", [])]
    return any(isinstance(b, dict) and _is_structured(b) for b in branches) or "$ref" in schema


def _is_type_alias(annotation: Any) -> bool:
    """``type X = ...`` (Python 3.12) or ``typing_extensions.TypeAliasType``."""
    alias_types = tuple(
        t for t in (getattr(typing, "TypeAliasType", None), typing_extensions.TypeAliasType) if t
    )
    return isinstance(annotation, alias_types)


def _docstring(cls: type[Any]) -> str | None:
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None


def _show(annotation: Any) -> str:
    if isinstance(annotation, type):
        return annotation.__qualname__
    return repr(annotation).replace("typing.", "").replace("collections.abc.", "")
