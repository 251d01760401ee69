"""Compiling Partial model classes into shapes: field annotations and ``__stream_*__`` hints.

Done once per class (cached) and shared by every stream of that class. Atomic values get
a converter: a fast check for JSON scalars, the enum or Literal itself, or a pydantic
``TypeAdapter`` for formatted strings (date, UUID, URL...).
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, Union

from pydantic import BaseModel, JsonValue, RootModel, TypeAdapter, ValidationError
from pydantic_core import PydanticUndefined

from ._model_shape import ModelShape, RootShape
from ._partial_model import PartialModel
from ._shape import (
    ANY,
    BOOL,
    DONE_STR,
    JSON,
    NULL,
    NUMBER,
    STR,
    STRING,
    AtomicShape,
    CopiedListShape,
    CopiedMapShape,
    Invalid,
    Kind,
    ListShape,
    MapShape,
    Shape,
    Slot,
)
from ._union_shape import UnionShape
from ._views import DICT_DUMP, LIST_DUMP

__all__ = ["shape_for"]


def _check_int(value: JSON) -> object:
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    raise Invalid


def _check_float(value: JSON) -> object:
    if type(value) is float or type(value) is int:
        return float(value)
    raise Invalid


def _check_bool(value: JSON) -> object:
    if type(value) is bool:
        return value
    raise Invalid


def _literal_check(values: tuple[object, ...]) -> Callable[[JSON], object]:
    allowed = {(type(v), v) for v in values}

    def check(value: JSON) -> object:
        if (type(value), value) in allowed:
            return value
        raise Invalid

    return check


def _enum_check(cls: type[enum.Enum]) -> Callable[[JSON], object]:
    def check(value: JSON) -> object:
        try:
            return cls(value)
        except ValueError:
            raise Invalid from None

    return check


def _adapter_check(annotation: Any) -> Callable[[JSON], object]:
    adapter: TypeAdapter[object] = TypeAdapter(annotation)

    def check(value: JSON) -> object:
        try:
            return adapter.validate_python(value)
        except ValidationError:
            raise Invalid from None

    return check


_SCALARS: dict[object, AtomicShape] = {
    int: AtomicShape(frozenset({NUMBER}), _check_int),
    float: AtomicShape(frozenset({NUMBER}), _check_float),
    bool: AtomicShape(frozenset({BOOL}), _check_bool),
    type(None): AtomicShape(frozenset({NULL}), lambda v: v),
}

_KINDS_OF_PY: dict[type, Kind] = {
    str: STRING,
    int: NUMBER,
    float: NUMBER,
    bool: BOOL,
    type(None): NULL,
}
_LISTS = (list, typing.List, Sequence, typing.Sequence)  # noqa: UP006
_DICTS = (dict, typing.Dict, Mapping, typing.Mapping)  # noqa: UP006

_cache: dict[type[BaseModel], Shape] = {}


def shape_for(cls: type[BaseModel] | None) -> Shape:
    """The shape of a Partial model class (compiled once, cached); ``None`` means plain JSON."""
    if cls is None:
        return ANY
    cached = _cache.get(cls)
    if cached is not None:
        return cached
    if issubclass(cls, RootModel):
        root = RootShape(cls)
        _cache[cls] = root
        annotations = hints(cls)
        discriminators: dict[str, str] = getattr(cls, "__stream_discriminators__", {})
        root.inner = _compile(annotations.get("root", Any), discriminators.get("root"), False)
        return root
    model = ModelShape(cls)
    _cache[cls] = model  # before compiling fields: recursive models refer to themselves
    _fill_model(model, cls)
    return model


def hints(cls: type[BaseModel]) -> dict[str, object]:
    """The evaluated field annotations of a model class."""
    try:
        return typing.get_type_hints(cls, include_extras=True)
    except (NameError, TypeError):
        return {name: info.annotation for name, info in cls.model_fields.items()}


def _fill_model(model: ModelShape, cls: type[BaseModel]) -> None:
    annotations = hints(cls)
    done: frozenset[str] = getattr(cls, "__stream_done__", frozenset())
    discriminators: dict[str, str] = getattr(cls, "__stream_discriminators__", {})
    json_keys = set()
    for name, info in cls.model_fields.items():
        annotation = annotations.get(name, info.annotation)
        shape = _compile(annotation, discriminators.get(name), name in done)
        key = name if info.alias is None else info.alias  # "" is a key like any other
        dumped = info.serialization_alias if info.serialization_alias is not None else key
        slot = Slot(name, shape, name in done, dumped)
        model.slots[key] = slot
        model.slots.setdefault(name, slot)  # populate_by_name: the field name works too
        json_keys.add(key)
        tags = tuple(_literal_values(annotation))
        if tags:
            model.tags[key] = tags
        default = info.default
        model.defaults[name] = None if default is PydanticUndefined else default
    model.json_keys = frozenset(json_keys)
    model.fields = frozenset(cls.model_fields)
    if issubclass(cls, PartialModel):
        model.not_null = frozenset(cls.__stream_not_null__)
    if cls.model_config.get("extra") == "allow":
        model.extra = _compile(_extra_value(annotations.get("__pydantic_extra__")), None, False)


def _extra_value(annotation: object) -> object:
    """``T`` of ``__pydantic_extra__: dict[str, T]``; ``Any`` when the class does not say."""
    if typing.get_origin(annotation) in _DICTS:
        args = typing.get_args(annotation)
        return args[1] if args else Any
    return Any  # BaseModel's own ``dict[str, Any] | None``


def _compile(annotation: object, discriminator: str | None, done: bool) -> Shape:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        shape = _compile(inner, discriminator, done)
        # A SnapshotList/SnapshotDict field holds views; a plain list/dict field, copies.
        if isinstance(shape, CopiedListShape) and any(m is LIST_DUMP for m in metadata):
            return ListShape(shape.item)
        if isinstance(shape, CopiedMapShape) and any(m is DICT_DUMP for m in metadata):
            return MapShape(shape.value)
        return shape
    if origin is Union or origin is types.UnionType:
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(options) == 1:
            return _compile(options[0], discriminator, done)
        compiled = [_compile(a, discriminator, done) for a in options]
        return UnionShape(compiled, discriminator)
    if origin in _LISTS:
        (item,) = typing.get_args(annotation) or (Any,)
        return CopiedListShape(_compile(item, discriminator, False))
    if origin in _DICTS:
        args = typing.get_args(annotation)
        return CopiedMapShape(_compile(args[1] if args else Any, discriminator, False))
    if origin is Literal:
        values = typing.get_args(annotation)
        kinds: frozenset[Kind] = frozenset(_KINDS_OF_PY.get(type(v), STRING) for v in values)
        return AtomicShape(kinds, _literal_check(values))
    if annotation is Any or annotation is JsonValue:
        return ANY
    if annotation is str:
        return DONE_STR if done else STR
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if isinstance(annotation, type):
        if issubclass(annotation, enum.Enum):
            kinds = frozenset[Kind](_KINDS_OF_PY.get(type(m.value), STRING) for m in annotation)
            return AtomicShape(kinds, _enum_check(annotation))
        if issubclass(annotation, BaseModel):
            return shape_for(annotation)
        if issubclass(annotation, str):
            return AtomicShape(frozenset({STRING}), _adapter_check(annotation))
    # Formatted strings and everything else pydantic knows (date, UUID, URL, Decimal...).
    return AtomicShape(frozenset({STRING, NUMBER, BOOL}), _adapter_check(annotation))


def _literal_values(annotation: object) -> list[object]:
    """The values a ``Literal`` or enum annotation allows, as JSON spells them."""
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType or origin is typing.Annotated:
        return [v for a in typing.get_args(annotation) for v in _literal_values(a)]
    if origin is Literal:
        return list(typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [m.value for m in annotation]
    return []
