"""Model shapes: a ``Partial<Name>`` object (fields, defaults, extras, not-null), root models.

Snapshot objects are built directly, without validation: ``__dict__`` and pydantic's three
slots are set as ``model_validate`` would, so they dump, compare and copy like any instance.
"""

from __future__ import annotations

from typing import NamedTuple

from pydantic import BaseModel

from ._shape import (
    ANY,
    JSON,
    OBJECT,
    Invalid,
    Kind,
    ObjectShape,
    OpenContainer,
    Shape,
    Slot,
    convert_plain,
)
from ._views import NOTHING

__all__ = ["ModelShape", "RootShape", "Wrap", "unwrap"]


class _Published(NamedTuple):
    """What snapshots of an object share until its next key: fields set, completion state."""

    fields_set: set[str]
    state: dict[str, object]


_new = object.__new__
_set = object.__setattr__
# BaseModel's slots, set directly: building a snapshot object is the snapshot's main cost.
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


class _OpenModel(OpenContainer):
    """An object of a ``Partial<Name>``: every field's value so far (defaults too).

    ``received`` names the complete fields: the child still open is not stored until it
    closes. Snapshots share the fields set and completion state objects until the next
    key arrives, and are never written to (snapshots are read-only).
    """

    __slots__ = ("_closed", "_open", "_open_name", "cls", "data", "fields", "received", "shape")

    def __init__(self, shape: ModelShape) -> None:
        self.shape = shape
        self.cls = shape.cls
        self.fields = shape.fields
        self.data = shape.defaults.copy()
        self.received: frozenset[str] = frozenset()
        self._closed: _Published | None = None
        self._open: _Published | None = None
        self._open_name = ""

    def add(self, name: str, value: object) -> None:
        self.data[name] = value
        self._received(name)

    def _received(self, name: str) -> None:
        """``name`` holds a complete value now: snapshots from here on publish it."""
        if name not in self.received:
            self.received = self.received | {name}
        self._closed = self._open = None

    def holds(self, name: str) -> bool:
        return name in self.received

    def shows(self) -> bool:
        data = self.data
        return all(name in self.received and data[name] is not None for name in self.shape.not_null)

    def view(self, name: str, child: object) -> object:
        # The hot path of every snapshot: one object, one dict copy, four slots.
        obj = _new(self.cls)
        data = self.data.copy()
        published: _Published | None
        if child is NOTHING:
            published = self._closed or self._publish(None)
        else:
            data[name] = child
            published = self._open
            if published is None or self._open_name != name:
                published = self._publish(name)
        _set_dict(obj, data)
        _set_fields_set(obj, published.fields_set)
        _set_extra(obj, None)
        _set_private(obj, published.state)
        return obj

    def _publish(self, name: str | None) -> _Published:
        fields_set = set(self.received)
        if name is None:
            self._closed = _Published(fields_set, {"complete": self.received, "done": False})
            return self._closed
        fields_set.add(name)
        self._open_name = name
        self._open = _Published(fields_set, {"complete": self.received, "done": False})
        return self._open

    def finish(self) -> object:
        if self.shape.not_null and not self.shows():
            return NOTHING
        obj = _new(self.cls)
        # The object is closed: its dicts are never written again, so they need no copy.
        _set_dict(obj, self.data)
        _set_fields_set(obj, set(self.received))
        _set_extra(obj, None)
        _set_private(obj, {"complete": self.fields, "done": True})
        return obj


class _OpenExtrasModel(_OpenModel):
    """An object of a ``Partial<Name>`` that keeps extras: unknown keys in ``extra``."""

    __slots__ = ("extra",)

    def __init__(self, shape: ModelShape) -> None:
        super().__init__(shape)
        self.extra: dict[str, object] = {}

    def add(self, name: str, value: object) -> None:
        if name in self.fields:
            self.data[name] = value
        else:
            self.extra[name] = value
        self._received(name)

    def view(self, name: str, child: object) -> object:
        obj = super().view(name, NOTHING if name not in self.fields else child)
        extra = self.extra.copy()
        if child is not NOTHING and name not in self.fields:
            extra[name] = child
            published = self._open
            if published is None or self._open_name != name:
                published = self._publish(name)
            _set_fields_set(obj, published.fields_set)
            _set_private(obj, published.state)
        # A class that types its extras (``__pydantic_extra__: dict[str, T] = Field(...)``)
        # shadows the slot: pydantic then keeps the extras in ``__dict__``, and so do we.
        _set(obj, "__pydantic_extra__", extra)
        return obj

    def finish(self) -> object:
        obj = super().finish()
        if obj is not NOTHING:
            _set(obj, "__pydantic_extra__", self.extra)
            _set_private(obj, {"complete": self.fields.union(self.extra), "done": True})
        return obj


class ModelShape(ObjectShape):
    """A ``Partial<Name>`` model: builds instances directly, without validation.

    With ``extra`` (the class says ``extra="allow"``), unknown keys go to
    ``__pydantic_extra__`` with that shape, counted as received and complete like fields.
    """

    __slots__ = ("cls", "defaults", "extra", "fields", "json_keys", "not_null", "slots", "tags")

    def __init__(self, cls: type[BaseModel]) -> None:
        self.cls = cls
        #: every key a field answers to (alias and name) -> its slot
        self.slots: dict[str, Slot] = {}
        self.defaults: dict[str, object] = {}
        #: field names that hold the object back until they have a value
        self.not_null: frozenset[str] = frozenset()
        self.fields: frozenset[str] = frozenset()
        #: the JSON keys of the fields, as the schema spells them
        self.json_keys: frozenset[str] = frozenset()
        #: the shape of extra values; None: unknown keys are ignored
        self.extra: Shape | None = None
        #: JSON key -> the values a ``Literal``/enum field may take (discriminators)
        self.tags: dict[str, tuple[object, ...]] = {}

    def resolve(self, kind: Kind) -> Shape | None:
        return self if kind == OBJECT else None

    def child(self, key: str) -> Slot:
        slot = self.slots.get(key)
        if slot is not None:
            return slot
        return Slot(key, self.extra, False, key)

    def keys(self) -> frozenset[str] | None:
        return self.json_keys

    def new(self) -> OpenContainer:
        return _OpenModel(self) if self.extra is None else _OpenExtrasModel(self)

    def convert(self, value: JSON) -> object:
        if not isinstance(value, dict):
            raise Invalid
        model = self.new()
        for key, item in value.items():
            slot = self.child(key)
            if slot.shape is None:
                continue
            try:
                model.add(slot.name, convert_plain(slot.shape, item))
            except Invalid:
                continue
        result = model.finish()
        if result is NOTHING:
            raise Invalid
        return result


class RootShape(Shape):
    """A ``RootModel`` partial: the JSON value is the inner shape's, wrapped."""

    __slots__ = ("cls", "inner")

    def __init__(self, cls: type[BaseModel]) -> None:
        self.cls = cls
        self.inner: Shape = ANY

    def wrap(self, value: object) -> object:
        obj = _new(self.cls)
        _set(obj, "__dict__", {"root": value})
        _set(obj, "__pydantic_fields_set__", {"root"})
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj

    def convert(self, value: JSON) -> object:
        return self.wrap(convert_plain(self.inner, value))


class Wrap:
    """Root models around a value, innermost first (a root model of a root model...)."""

    __slots__ = ("roots",)

    def __init__(self, roots: tuple[RootShape, ...]) -> None:
        self.roots = roots

    def wrap(self, value: object) -> object:
        for root in self.roots:
            value = root.wrap(value)
        return value

    def inside(self, root: RootShape) -> Wrap:
        """These wrappers with ``root`` inside them."""
        return Wrap((root, *self.roots))


def unwrap(shape: Shape, wrap: Wrap | None) -> tuple[Shape, Wrap | None]:
    """Peel root models off ``shape``, collecting them (outermost last) in ``wrap``."""
    while isinstance(shape, RootShape):
        wrap = Wrap((shape,)) if wrap is None else wrap.inside(shape)
        shape = shape.inner
    return shape, wrap
