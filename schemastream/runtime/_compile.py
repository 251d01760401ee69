"""Compiling Partial model classes into shapes: field annotations and ``__stream_*__`` hints.

Done once per class (cached) and shared by every stream of that class. Atomic values get
a converter: a fast check for JSON scalars, the enum or Literal itself, or a pydantic
``TypeAdapter`` for formatted strings (date, UUID, URL...).
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Union

from pydantic import BaseModel, JsonValue, RootModel, TypeAdapter, ValidationError
from pydantic_core import PydanticUndefined

from ._partial_model import PartialModel
from ._shape import (
    ANY,
    BOOL,
    DONE_STR,
    NULL,
    NUMBER,
    STR,
    STRING,
    AtomicShape,
    ExtrasModelShape,
    Invalid,
    ListShape,
    MapShape,
    ModelShape,
    RootShape,
    Shape,
    UnionShape,
    hints,
)

__all__ = ["shape_for"]


def _check_int(value: Any) -> Any:
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    raise Invalid


def _check_float(value: Any) -> Any:
    if type(value) is float or type(value) is int:
        return float(value)
    raise Invalid


def _check_bool(value: Any) -> Any:
    if type(value) is bool:
        return value
    raise Invalid


def _literal_check(values: tuple[Any, ...]) -> Callable[[Any], Any]:
    allowed = {(type(v), v) for v in values}

    def check(value: Any) -> Any:
        if (type(value), value) in allowed:
            return value
        raise Invalid

    return check


def _enum_check(cls: type[enum.Enum]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        try:
            return cls(value)
        except ValueError:
            raise Invalid from None

    return check


def _adapter_check(annotation: Any) -> Callable[[Any], Any]:
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)

    def check(value: Any) -> Any:
        try:
            return adapter.validate_python(value)
        except ValidationError:
            raise Invalid from None

    return check


_SCALARS: dict[Any, AtomicShape] = {
    int: AtomicShape(frozenset({NUMBER}), _check_int),
    float: AtomicShape(frozenset({NUMBER}), _check_float),
    bool: AtomicShape(frozenset({BOOL}), _check_bool),
    type(None): AtomicShape(frozenset({NULL}), lambda v: v),
}

_KINDS_OF_PY = {str: STRING, int: NUMBER, float: NUMBER, bool: BOOL, type(None): NULL}

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
    model = ExtrasModelShape(cls) if cls.model_config.get("extra") == "allow" else ModelShape(cls)
    _cache[cls] = model  # before compiling fields: recursive models refer to themselves
    _fill_model(model, cls)
    return model


def _fill_model(model: ModelShape, cls: type[BaseModel]) -> None:
    annotations = hints(cls)
    done: frozenset[str] = getattr(cls, "__stream_done__", frozenset())
    discriminators: dict[str, str] = getattr(cls, "__stream_discriminators__", {})
    keys = set()
    for name, info in cls.model_fields.items():
        annotation = annotations.get(name, info.annotation)
        shape = _compile(annotation, discriminators.get(name), name in done)
        key = name if info.alias is None else info.alias
        model.slots[key] = (name, shape, name in done)
        if name != key and name not in model.slots:
            model.slots.setdefault(name, (name, shape, name in done))
        keys.add(key)
        default = info.default
        model.defaults[name] = None if default is PydanticUndefined else default
    model.keys = frozenset(keys)
    model.all_fields = frozenset(cls.model_fields)
    if issubclass(cls, PartialModel):
        model.not_null = frozenset(cls.__stream_not_null__)
    if isinstance(model, ExtrasModelShape):
        model.extra = _compile(_extra_value(annotations.get("__pydantic_extra__")), None, False)


def _extra_value(annotation: Any) -> Any:
    """``T`` of ``__pydantic_extra__: dict[str, T]``; ``Any`` when the class does not say."""
    origin = typing.get_origin(annotation)
    if origin is dict or origin is typing.Dict:  # noqa: UP006
        args = typing.get_args(annotation)
        return args[1] if args else Any
    return Any  # BaseModel's own ``dict[str, Any] | None``


def _compile(annotation: Any, discriminator: str | None, done: bool) -> Shape:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _compile(typing.get_args(annotation)[0], discriminator, done)
    if origin is Union or origin is types.UnionType:
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(options) == 1:
            return _compile(options[0], discriminator, done)
        compiled = [_compile(a, discriminator, done) for a in options]
        return UnionShape(compiled, discriminator)
    if origin is list or origin is typing.List:  # noqa: UP006
        (item,) = typing.get_args(annotation) or (Any,)
        return ListShape(_compile(item, discriminator, False))
    if origin is dict or origin is typing.Dict:  # noqa: UP006
        args = typing.get_args(annotation)
        return MapShape(_compile(args[1] if args else Any, discriminator, False))
    if origin is Literal:
        values = typing.get_args(annotation)
        kinds = frozenset(_KINDS_OF_PY.get(type(v), STRING) for v in values)
        return AtomicShape(kinds, _literal_check(values))
    if annotation is Any or annotation is JsonValue:
        return ANY
    if annotation is str:
        return DONE_STR if done else STR
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if isinstance(annotation, type):
        if issubclass(annotation, enum.Enum):
            kinds = frozenset(_KINDS_OF_PY.get(type(m.value), STRING) for m in annotation)
            return AtomicShape(kinds, _enum_check(annotation))
        if issubclass(annotation, BaseModel):
            return shape_for(annotation)
        if issubclass(annotation, str):
            return AtomicShape(frozenset({STRING}), _adapter_check(annotation))
    # Formatted strings and everything else pydantic knows (date, UUID, URL, Decimal...).
    return AtomicShape(frozenset({STRING, NUMBER, BOOL}), _adapter_check(annotation))
