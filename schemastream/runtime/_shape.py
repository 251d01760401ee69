"""Shapes: what the snapshot builder should make of each JSON value.

A shape is compiled once per ``Partial<Name>`` class from its field annotations and
``__stream_*__`` class variables, then shared by every stream of that class. Shapes
decide visibility (strings grow, atomic values appear complete) and build snapshot
objects without validation: the full model validates once, at the end.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Union

from pydantic import BaseModel

__all__ = [
    "ANY",
    "NOTHING",
    "AnyShape",
    "AtomicShape",
    "ExtrasModelShape",
    "ListShape",
    "MapShape",
    "ModelShape",
    "RootShape",
    "Shape",
    "StrShape",
    "UnionShape",
    "Wrap",
    "WrapChain",
    "chain",
    "convert_any",
    "hints",
]

# JSON token kinds a shape may accept.
OBJECT, ARRAY, STRING, NUMBER, BOOL, NULL = "object", "array", "string", "number", "bool", "null"


class Invalid(Exception):
    """A complete value that the shape cannot hold (it stays out of the snapshot)."""


class Shape:
    """What to build from one JSON value."""

    __slots__ = ()
    #: whether a string value is shown while it grows
    grows = False

    def resolve(self, kind: str) -> Shape | None:
        """The concrete shape for a value starting with a token of ``kind``; None = ignore."""
        return self

    def convert(self, value: Any) -> Any:
        """A complete scalar (or, for containers, plain JSON) as this shape's value."""
        return value


class AnyShape(Shape):
    """Free-form JSON: plain dicts, lists and growing strings."""

    __slots__ = ()
    grows = True

    def child(self, key: str | None) -> tuple[str | None, Shape | None, bool]:
        return key, self, False

    def new(self, is_obj: bool) -> Any:
        return {} if is_obj else []

    # A free-form object or array behaves as a map or list of free-form values.
    def add(self, values: Any, key: Any, value: Any) -> None:
        (_ANY_MAP if isinstance(values, dict) else _ANY_LIST).add(values, key, value)

    def view(self, values: Any, key: Any, child: Any) -> Any:
        return (_ANY_MAP if isinstance(values, dict) else _ANY_LIST).view(values, key, child)

    def finish(self, values: Any) -> Any:
        return values


ANY = AnyShape()
#: "no visible value": a hidden child, or an object held back by ``x-stream: not-null``
NOTHING: Any = object()


class StrShape(Shape):
    """A plain string: visible while it grows (unless the field is ``x-stream: done``)."""

    __slots__ = ()
    grows = True

    def resolve(self, kind: str) -> Shape | None:
        return self if kind == STRING else None

    def convert(self, value: Any) -> Any:
        if not isinstance(value, str):
            raise Invalid
        return value


class _DoneStr(StrShape):
    __slots__ = ()
    grows = False


DONE_STR = _DoneStr()
STR = StrShape()


class AtomicShape(Shape):
    """A value shown only once complete: numbers, bool, enum, Literal, date, UUID..."""

    __slots__ = ("_convert", "kinds")

    def __init__(self, kinds: frozenset[str], convert: Callable[[Any], Any]) -> None:
        self.kinds = kinds
        self._convert = convert

    def resolve(self, kind: str) -> Shape | None:
        return self if kind in self.kinds else None

    def convert(self, value: Any) -> Any:
        return self._convert(value)


class ListShape(Shape):
    """``list[P(T)]``: completed items are kept; the open one is appended in views."""

    __slots__ = ("item",)

    def __init__(self, item: Shape) -> None:
        self.item = item

    def resolve(self, kind: str) -> Shape | None:
        return self if kind == ARRAY else None

    def child(self, key: str | None) -> tuple[str | None, Shape | None, bool]:
        return None, self.item, False

    def new(self, is_obj: bool) -> Any:
        return []

    def add(self, values: Any, key: Any, value: Any) -> None:
        values.append(value)

    def view(self, values: Any, key: Any, child: Any) -> Any:
        if child is NOTHING:
            return list(values)
        return [*values, child]

    def finish(self, values: Any) -> Any:
        return values

    def convert(self, value: Any) -> Any:
        if not isinstance(value, list):
            raise Invalid
        out = []
        for item in value:
            try:
                out.append(convert_any(self.item, item))
            except Invalid:
                continue
        return out


class MapShape(Shape):
    """``dict[str, P(T)]`` (additionalProperties)."""

    __slots__ = ("value",)

    def __init__(self, value: Shape) -> None:
        self.value = value

    def resolve(self, kind: str) -> Shape | None:
        return self if kind == OBJECT else None

    def child(self, key: str | None) -> tuple[str | None, Shape | None, bool]:
        return key, self.value, False

    def new(self, is_obj: bool) -> Any:
        return {}

    def add(self, values: Any, key: Any, value: Any) -> None:
        values[key] = value

    def view(self, values: Any, key: Any, child: Any) -> Any:
        copy = dict(values)
        if child is not NOTHING:
            copy[key] = child
        return copy

    def finish(self, values: Any) -> Any:
        return values

    def convert(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise Invalid
        out = {}
        for key, item in value.items():
            try:
                out[key] = convert_any(self.value, item)
            except Invalid:
                continue
        return out


_ANY_LIST = ListShape(ANY)
_ANY_MAP = MapShape(ANY)


class _ModelValues:
    """One open object: every field's value so far (defaults included) and those received.

    A received field is complete: the open child is not stored here until it closes.
    """

    __slots__ = ("complete", "data")

    def __init__(self, defaults: dict[str, Any]) -> None:
        self.data = defaults.copy()
        self.complete: frozenset[str] = frozenset()


_new = object.__new__
_set = object.__setattr__


class ModelShape(Shape):
    """A ``Partial<Name>`` model; builds instances directly, without validation."""

    __slots__ = ("all_fields", "cls", "defaults", "keys", "not_null", "slots")

    def __init__(self, cls: type[BaseModel]) -> None:
        self.cls = cls
        self.slots: dict[str, tuple[str, Shape, bool]] = {}
        self.defaults: dict[str, Any] = {}
        self.not_null: frozenset[str] = frozenset()
        self.all_fields: frozenset[str] = frozenset()
        self.keys: frozenset[str] = frozenset()

    def resolve(self, kind: str) -> Shape | None:
        return self if kind == OBJECT else None

    def child(self, key: str | None) -> tuple[str | None, Shape | None, bool]:
        slot = self.slots.get(key)  # type: ignore[arg-type]
        if slot is None:
            return None, None, False
        return slot

    def new(self, is_obj: bool) -> Any:
        return _ModelValues(self.defaults)

    def add(self, values: Any, key: Any, value: Any) -> None:
        values.data[key] = value
        values.complete = values.complete | {key}

    def _make(
        self, data: dict[str, Any], fields_set: set[str], complete: frozenset[str], done: bool
    ) -> Any:
        obj = _new(self.cls)
        _set(obj, "__dict__", data)
        _set(obj, "__pydantic_fields_set__", fields_set)
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", {"complete": complete, "done": done})
        return obj

    def _held_back(self, values: _ModelValues) -> bool:
        """``x-stream: not-null``: a field still without a value (absent, or JSON null)."""
        data = values.data
        return any(name not in values.complete or data[name] is None for name in self.not_null)

    def view(self, values: Any, key: Any, child: Any) -> Any:
        complete = values.complete
        if self.not_null and self._held_back(values):
            return NOTHING
        data = values.data.copy()
        fields_set = set(complete)
        if child is not NOTHING:
            data[key] = child
            fields_set.add(key)
        return self._make(data, fields_set, complete, False)

    def finish(self, values: Any) -> Any:
        complete = values.complete
        if self.not_null and self._held_back(values):
            return NOTHING
        # The object is closed: its dict is never written again, so it needs no copy.
        return self._make(values.data, set(complete), self.all_fields, True)

    def convert(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise Invalid
        values = _ModelValues(self.defaults)
        for key, item in value.items():
            slot = self.slots.get(key)
            if slot is None:
                continue
            try:
                self.add(values, slot[0], convert_any(slot[1], item))
            except Invalid:
                continue
        result = self.finish(values)
        if result is NOTHING:
            raise Invalid
        return result


class _ExtrasValues(_ModelValues):
    """An open object of a model that allows extras: the unknown keys' values too."""

    __slots__ = ("extra",)

    def __init__(self, defaults: dict[str, Any]) -> None:
        super().__init__(defaults)
        self.extra: dict[str, Any] = {}


class ExtrasModelShape(ModelShape):
    """A ``Partial<Name>`` with ``extra="allow"``: unknown keys go to ``__pydantic_extra__``.

    A subclass, so that models without extras keep ``ModelShape``'s code path as it is.
    Extra keys count as received and complete like fields (``model_fields_set``,
    ``is_complete``), as pydantic records them when it validates.
    """

    __slots__ = ("extra",)

    def __init__(self, cls: type[BaseModel]) -> None:
        super().__init__(cls)
        #: the shape of every extra value (``__pydantic_extra__: dict[str, T]``; ANY untyped)
        self.extra: Shape = ANY

    def child(self, key: str | None) -> tuple[str | None, Shape | None, bool]:
        slot = self.slots.get(key)  # type: ignore[arg-type]
        if slot is None:
            return key, self.extra, False
        return slot

    def new(self, is_obj: bool) -> Any:
        return _ExtrasValues(self.defaults)

    def add(self, values: Any, key: Any, value: Any) -> None:
        # Every key a field answers to is in ``slots``, so no extra key is a field name.
        if key in self.all_fields:
            values.data[key] = value
        else:
            values.extra[key] = value
        values.complete = values.complete | {key}

    def _make_extra(
        self,
        data: dict[str, Any],
        extra: dict[str, Any],
        fields_set: set[str],
        complete: frozenset[str],
        done: bool,
    ) -> Any:
        obj = _new(self.cls)
        _set(obj, "__dict__", data)
        _set(obj, "__pydantic_fields_set__", fields_set)
        _set(obj, "__pydantic_extra__", extra)
        _set(obj, "__pydantic_private__", {"complete": complete, "done": done})
        return obj

    def view(self, values: Any, key: Any, child: Any) -> Any:
        complete = values.complete
        if self.not_null and self._held_back(values):
            return NOTHING
        data = values.data.copy()
        extra = values.extra.copy()
        fields_set = set(complete)
        if child is not NOTHING:
            if key in self.all_fields:
                data[key] = child
            else:
                extra[key] = child
            fields_set.add(key)
        return self._make_extra(data, extra, fields_set, complete, False)

    def finish(self, values: Any) -> Any:
        complete = values.complete
        if self.not_null and self._held_back(values):
            return NOTHING
        extra = values.extra
        return self._make_extra(
            values.data, extra, set(complete), self.all_fields.union(extra), True
        )

    def convert(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise Invalid
        values = _ExtrasValues(self.defaults)
        for key, item in value.items():
            slot = self.slots.get(key)
            name, shape = (key, self.extra) if slot is None else (slot[0], slot[1])
            try:
                self.add(values, name, convert_any(shape, item))
            except Invalid:
                continue
        result = self.finish(values)
        if result is NOTHING:
            raise Invalid
        return result


class RootShape(Shape):
    """A ``RootModel`` partial: the JSON value is the inner shape's, wrapped."""

    __slots__ = ("cls", "inner")

    def __init__(self, cls: type[BaseModel]) -> None:
        self.cls = cls
        self.inner: Shape = ANY

    def wrap(self, value: Any) -> Any:
        obj = _new(self.cls)
        _set(obj, "__dict__", {"root": value})
        _set(obj, "__pydantic_fields_set__", {"root"})
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj

    def convert(self, value: Any) -> Any:
        return self.wrap(convert_any(self.inner, value))


class WrapChain:
    """Root models around root models: the innermost wraps first."""

    __slots__ = ("inner", "outer")

    def __init__(self, inner: Wrap, outer: Wrap) -> None:
        self.inner = inner
        self.outer = outer

    def wrap(self, value: Any) -> Any:
        return self.outer.wrap(self.inner.wrap(value))


Wrap = RootShape | WrapChain


def chain(inner: Wrap, outer: Wrap | None) -> Wrap:
    """``inner`` wrapped, then ``outer`` (when there is one)."""
    return inner if outer is None else WrapChain(inner, outer)


class UnionShape(Shape):
    """``P(A) | P(B)``: resolved by token kind, then by discriminator or keys seen."""

    __slots__ = ("_atomic", "_tags", "discriminator", "options")

    def __init__(self, options: list[Shape], discriminator: str | None) -> None:
        self.options = options
        self.discriminator = discriminator
        self._tags: dict[Any, Shape] | None = None
        self._atomic: dict[str, AtomicShape] = {}

    def tag_map(self) -> dict[Any, Shape]:
        """Discriminator value -> option (computed on first use: options may be recursive)."""
        if self._tags is None:
            self._tags = _tags(self.options, self.discriminator) if self.discriminator else {}
        return self._tags

    def resolve(self, kind: str) -> Shape | None:
        matches = [s for s in self.options if _inner(s).resolve(kind) is not None]
        if not matches:
            return None
        if len(matches) == 1:
            return matches[0]
        if kind == OBJECT:
            return PendingObject(self, matches)
        # Several options take this token (E1 | E2, Enum | str, int | float): one that grows
        # (a string, an array) shows as it grows; atomic ones are tried in order once the
        # value is complete, as pydantic tries a union's members.
        for match in matches:
            if not isinstance(_inner(match).resolve(kind), AtomicShape):
                return match
        atomic = self._atomic.get(kind)
        if atomic is None:
            atomic = self._atomic[kind] = AtomicShape(frozenset({kind}), _first_valid(matches))
        return atomic

    def convert(self, value: Any) -> Any:
        kind = _kind_of(value)
        for option in self.options:
            if _inner(option).resolve(kind) is None:
                continue
            try:
                return convert_any(option, value)
            except Invalid:
                continue
        raise Invalid


def _first_valid(options: list[Shape]) -> Callable[[Any], Any]:
    """A converter trying ``options`` in order: the first that takes the value wins."""

    def convert(value: Any) -> Any:
        for option in options:
            try:
                return convert_any(option, value)
            except Invalid:
                continue
        raise Invalid

    return convert


class PendingObject(AnyShape):
    """An object under a union not yet decided: collected as plain JSON, hidden until decided."""

    __slots__ = ("candidates", "union")

    def __init__(self, union: UnionShape, candidates: list[Shape]) -> None:
        self.union = union
        self.candidates = candidates

    def child(self, key: str | None) -> tuple[str | None, Shape | None, bool]:
        return key, ANY, False

    def decide_by_key(self, key: str) -> Shape | None:
        keep = [c for c in self.candidates if key in _keys(c)]
        if keep:
            self.candidates = keep
        if self.union.discriminator is not None:
            return None  # pydantic decides by the tag alone: so do we, never by keys
        return self.candidates[0] if len(self.candidates) == 1 else None

    def decide_by_tag(self, tag: Any) -> Shape | None:
        if tag.__hash__ is None:
            return None
        return self.union.tag_map().get(tag)

    def decide_at_end(self, fields: dict[str, Any]) -> Shape:
        tag = fields.get(self.union.discriminator) if self.union.discriminator else None
        if tag is not None and tag.__hash__ is not None and tag in self.union.tag_map():
            return self.union.tag_map()[tag]
        seen = set(fields)
        for candidate in self.candidates:
            if _keys(candidate) >= seen:
                return candidate
        return self.candidates[0]


def _inner(shape: Shape) -> Shape:
    return shape.inner if isinstance(shape, RootShape) else shape


class _AnyKey(frozenset[str]):
    """The key set of a map or free-form object: it holds every key."""

    def __contains__(self, key: object) -> bool:
        return True

    def __ge__(self, other: object) -> bool:
        return True


_ANY_KEY = _AnyKey()


def _keys(shape: Shape) -> frozenset[str]:
    inner = _inner(shape)
    return inner.keys if isinstance(inner, ModelShape) else _ANY_KEY


def _kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return OBJECT
    if isinstance(value, list):
        return ARRAY
    if isinstance(value, str):
        return STRING
    if isinstance(value, bool):
        return BOOL
    if value is None:
        return NULL
    return NUMBER


def convert_any(shape: Shape, value: Any) -> Any:
    """Plain complete JSON -> this shape's complete value (used when a union decides late)."""
    if value is None:
        return None
    concrete = shape.resolve(_kind_of(value))
    if concrete is None:
        raise Invalid
    if isinstance(concrete, PendingObject):
        return convert_any(concrete.decide_at_end(value), value)
    return concrete.convert(value)


# --- discriminator tables ------------------------------------------------------------


def hints(cls: type[BaseModel]) -> dict[str, Any]:
    """The evaluated field annotations of a model class."""
    try:
        return typing.get_type_hints(cls, include_extras=True)
    except (NameError, TypeError):
        return {name: info.annotation for name, info in cls.model_fields.items()}


def _tags(options: list[Shape], discriminator: str) -> dict[Any, Shape]:
    tags: dict[Any, Shape] = {}
    for option in options:
        inner = _inner(option)
        if not isinstance(inner, ModelShape):
            continue
        slot = inner.slots.get(discriminator)
        if slot is None:
            continue
        for value in _literal_values(hints(inner.cls).get(slot[0])):
            tags.setdefault(value, option)
    return tags


def _literal_values(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType or origin is typing.Annotated:
        return [v for a in typing.get_args(annotation) for v in _literal_values(a)]
    if origin is Literal:
        return list(typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [m.value for m in annotation]
    return []
