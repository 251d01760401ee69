"""Shapes: what the snapshot builder makes of each JSON value of a ``Partial<Name>`` class.

A shape is compiled once per class (``_compile``) and shared by every stream of it. Scalar
shapes say when a value is visible and convert it; container shapes open an
``OpenContainer`` per JSON object or array, which collects complete children and makes
snapshot values without validation (the full model validates once, at the end).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal, NamedTuple

from pydantic import BaseModel

from ._views import NOTHING, ListView, MapStore, MapView

__all__ = [
    "ANY",
    "ARRAY",
    "BOOL",
    "DONE_STR",
    "JSON",
    "NULL",
    "NUMBER",
    "OBJECT",
    "STR",
    "STRING",
    "AnyShape",
    "ArrayShape",
    "AtomicShape",
    "ContainerShape",
    "CopiedListShape",
    "CopiedMapShape",
    "Invalid",
    "Kind",
    "ListShape",
    "MapShape",
    "ModelShape",
    "ObjectShape",
    "OpenArray",
    "OpenContainer",
    "OpenPending",
    "PendingObject",
    "RootShape",
    "Shape",
    "Slot",
    "StrShape",
    "UnionShape",
    "Wrap",
    "convert_plain",
    "unwrap",
]

#: The kind of JSON value a token starts; a shape accepts some kinds and ignores the rest.
Kind = Literal["object", "array", "string", "number", "bool", "null"]
OBJECT: Kind = "object"
ARRAY: Kind = "array"
STRING: Kind = "string"
NUMBER: Kind = "number"
BOOL: Kind = "bool"
NULL: Kind = "null"

#: Plain JSON as ``json.loads`` returns it (what a union collects before it decides).
JSON = None | bool | int | float | str | list["JSON"] | dict[str, "JSON"]


class Invalid(Exception):
    """A complete value that the shape cannot hold (it stays out of the snapshot)."""


class Shape:
    """What to build from one JSON value."""

    __slots__ = ()
    #: whether a string value is shown while it grows
    grows: ClassVar[bool] = False

    def resolve(self, kind: Kind) -> Shape | None:
        """The concrete shape for a value that starts with a token of ``kind``; None: ignore it."""
        return self

    def convert(self, value: JSON) -> object:
        """Complete plain JSON as this shape's snapshot value; raises ``Invalid``."""
        return value


class OpenContainer:
    """One JSON object or array being filled: its complete children, and snapshots of it."""

    __slots__ = ()

    def add(self, name: str, value: object) -> None:
        """Keep a complete child (``name`` is the slot's name; arrays ignore it)."""
        raise NotImplementedError

    def view(self, name: str, child: object) -> object:
        """A snapshot value: the complete children, then ``child`` (still open) unless NOTHING."""
        raise NotImplementedError

    def finish(self) -> object:
        """The complete value, once the closing bracket came (NOTHING: it stays out for good)."""
        raise NotImplementedError

    def holds(self, name: str) -> bool:
        """Whether a complete value is shown for ``name`` already (the key is repeated)."""
        return False

    def shows(self) -> bool:
        """Whether the object may be shown yet (``x-stream: not-null`` holds it back)."""
        return True


class OpenArray(OpenContainer):
    """An array being filled: ``items`` are its complete items, in order."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[object] = []

    def add(self, name: str, value: object) -> None:
        self.items.append(value)


class ContainerShape(Shape):
    """A shape for JSON objects or arrays: it opens one ``OpenContainer`` per value."""

    __slots__ = ()

    def new(self) -> OpenContainer:
        raise NotImplementedError


class Slot(NamedTuple):
    """Where a key's value goes in an object, and how it is shown."""

    #: the name the value is stored under (a field name, or the key itself)
    name: str
    #: the value's shape; None: the key is not part of the snapshot
    shape: Shape | None
    #: ``x-stream: done``: shown only once complete
    done: bool
    #: the key in the snapshot's JSON (``model_dump(by_alias=True)``)
    json_key: str


class ObjectShape(ContainerShape):
    """A shape for JSON objects: it says what each key holds."""

    __slots__ = ()

    def child(self, key: str) -> Slot:
        raise NotImplementedError

    def keys(self) -> frozenset[str] | None:
        """The keys this object knows (None: any key), to tell union variants apart."""
        return None


class ArrayShape(ContainerShape):
    """A shape for JSON arrays: every item has the same shape."""

    __slots__ = ("item",)

    def __init__(self, item: Shape) -> None:
        self.item = item

    def new(self) -> OpenArray:
        raise NotImplementedError


# --- scalars --------------------------------------------------------------------------------


class StrShape(Shape):
    """A plain string: visible while it grows (unless the field is ``x-stream: done``)."""

    __slots__ = ()
    grows = True

    def resolve(self, kind: Kind) -> Shape | None:
        return self if kind == STRING else None

    def convert(self, value: JSON) -> object:
        if not isinstance(value, str):
            raise Invalid
        return value


class _DoneStr(StrShape):
    __slots__ = ()
    grows = False


STR = StrShape()
DONE_STR = _DoneStr()


class AtomicShape(Shape):
    """A value shown only once complete: numbers, bool, enum, Literal, date, UUID..."""

    __slots__ = ("_check", "kinds")

    def __init__(self, kinds: frozenset[Kind], check: Callable[[JSON], object]) -> None:
        self.kinds = kinds
        self._check = check

    def resolve(self, kind: Kind) -> Shape | None:
        return self if kind in self.kinds else None

    def convert(self, value: JSON) -> object:
        return self._check(value)


# --- lists and maps -------------------------------------------------------------------------


class _OpenList(OpenArray):
    __slots__ = ()

    def view(self, name: str, child: object) -> object:
        return ListView(self.items, len(self.items), child)

    def finish(self) -> object:
        return self.items  # never appended to again: it is the list every later snapshot holds


class _OpenCopiedList(_OpenList):
    __slots__ = ()

    def view(self, name: str, child: object) -> object:
        return list(self.items) if child is NOTHING else [*self.items, child]


class ListShape(ArrayShape):
    """``SnapshotList[P(T)]``: each snapshot holds a ``ListView``, whatever the list's length."""

    __slots__ = ()

    def resolve(self, kind: Kind) -> Shape | None:
        return self if kind == ARRAY else None

    def new(self) -> OpenArray:
        return _OpenList()

    def convert(self, value: JSON) -> object:
        if not isinstance(value, list):
            raise Invalid
        out = []
        for item in value:
            try:
                out.append(convert_plain(self.item, item))
            except Invalid:
                continue
        return out


class CopiedListShape(ListShape):
    """``list[P(T)]`` (a hand-written partial, or free-form JSON): a fresh list per snapshot."""

    __slots__ = ()

    def new(self) -> OpenArray:
        return _OpenCopiedList()


class _OpenMap(OpenContainer):
    __slots__ = ("store",)

    def __init__(self) -> None:
        self.store: MapStore[object] = MapStore()

    def add(self, name: str, value: object) -> None:
        self.store.add(name, value)

    def view(self, name: str, child: object) -> object:
        return MapView(self.store, name, child)

    def finish(self) -> object:
        return self.store.to_dict()

    def holds(self, name: str) -> bool:
        return name in self.store.index


class _OpenCopiedMap(OpenContainer):
    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: dict[str, object] = {}

    def add(self, name: str, value: object) -> None:
        self.items[name] = value

    def view(self, name: str, child: object) -> object:
        copy = dict(self.items)
        if child is not NOTHING:
            copy[name] = child
        return copy

    def finish(self) -> object:
        return self.items

    def holds(self, name: str) -> bool:
        return name in self.items


class MapShape(ObjectShape):
    """``SnapshotDict[P(T)]`` (additionalProperties): each snapshot holds a ``MapView``."""

    __slots__ = ("value",)

    def __init__(self, value: Shape) -> None:
        self.value = value

    def resolve(self, kind: Kind) -> Shape | None:
        return self if kind == OBJECT else None

    def child(self, key: str) -> Slot:
        return Slot(key, self.value, False, key)

    def new(self) -> OpenContainer:
        return _OpenMap()

    def convert(self, value: JSON) -> object:
        if not isinstance(value, dict):
            raise Invalid
        out = {}
        for key, item in value.items():
            try:
                out[key] = convert_plain(self.value, item)
            except Invalid:
                continue
        return out


class CopiedMapShape(MapShape):
    """``dict[str, P(T)]`` (hand-written partials, free-form JSON): a fresh dict per snapshot."""

    __slots__ = ()

    def new(self) -> OpenContainer:
        return _OpenCopiedMap()


# --- free-form JSON ----------------------------------------------------------------------------


class AnyShape(Shape):
    """Free-form JSON (``Any``, ``JsonValue``): plain dicts and lists, growing strings."""

    __slots__ = ()

    def resolve(self, kind: Kind) -> Shape | None:
        if kind == OBJECT:
            return _ANY_OBJECT
        if kind == ARRAY:
            return _ANY_ARRAY
        if kind == STRING:
            return STR
        return self


ANY = AnyShape()
_ANY_OBJECT = CopiedMapShape(ANY)
_ANY_ARRAY = CopiedListShape(ANY)


# --- models ----------------------------------------------------------------------------------


class _Published(NamedTuple):
    """What snapshots of an object share until its next key: fields set, completion state."""

    fields_set: set[str]
    state: dict[str, object]


_new = object.__new__
_set = object.__setattr__
# BaseModel's slots, set directly: building a snapshot object is the snapshot's main cost.
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


class _OpenModel(OpenContainer):
    """An object of a ``Partial<Name>``: every field's value so far (defaults too), and extras.

    ``received`` names the complete fields (and extra keys): the child still open is not
    stored until it closes. Snapshots share the fields set and completion state objects
    until the next key arrives, and are never written to (snapshots are read-only).
    """

    __slots__ = (
        "_closed",
        "_open",
        "_open_name",
        "cls",
        "data",
        "extra",
        "fields",
        "received",
        "shape",
    )

    def __init__(self, shape: ModelShape) -> None:
        self.shape = shape
        self.cls = shape.cls
        self.fields = shape.fields
        self.data = shape.defaults.copy()
        self.extra: dict[str, object] | None = None if shape.extra is None else {}
        self.received: frozenset[str] = frozenset()
        self._closed: _Published | None = None
        self._open: _Published | None = None
        self._open_name = ""

    def add(self, name: str, value: object) -> None:
        if self.extra is not None and name not in self.fields:
            self.extra[name] = value
        else:
            self.data[name] = value
        if name not in self.received:
            self.received = self.received | {name}
        self._closed = self._open = None

    def holds(self, name: str) -> bool:
        return name in self.received

    def shows(self) -> bool:
        data = self.data
        return all(name in self.received and data[name] is not None for name in self.shape.not_null)

    def view(self, name: str, child: object) -> object:
        obj = _new(self.cls)
        data = vars(obj)  # a fresh object's own dict, filled in place: cheaper than a copy
        data.update(self.data)
        extra = self.extra
        if extra is not None:
            extra = extra.copy()
        published: _Published | None
        if child is NOTHING:
            published = self._closed
            if published is None:
                published = self._publish(None)
        else:
            published = self._open
            if published is None or self._open_name != name:
                published = self._publish(name)
            if extra is None or name in self.fields:
                data[name] = child
            else:
                extra[name] = child
        _set_fields_set(obj, published.fields_set)
        if extra is None:
            _set_extra(obj, None)
        else:
            # A class that types its extras (``__pydantic_extra__: dict[str, T] = Field(...)``)
            # shadows the slot: pydantic then keeps the extras in ``__dict__``, and so do we.
            _set(obj, "__pydantic_extra__", extra)
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
        complete = self.fields if self.extra is None else self.fields.union(self.extra)
        obj = _new(self.cls)
        # The object is closed: its dicts are never written again, so they need no copy.
        _set(obj, "__dict__", self.data)
        _set_fields_set(obj, set(self.received))
        _set(obj, "__pydantic_extra__", self.extra)
        _set_private(obj, {"complete": complete, "done": True})
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
        return _OpenModel(self)

    def convert(self, value: JSON) -> object:
        if not isinstance(value, dict):
            raise Invalid
        model = _OpenModel(self)
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


# --- root models and unions ----------------------------------------------------------------------


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


class UnionShape(Shape):
    """``P(A) | P(B)``: resolved by token kind, then by discriminator or by the keys seen."""

    __slots__ = ("_tags", "discriminator", "options")

    def __init__(self, options: list[Shape], discriminator: str | None) -> None:
        self.options = options
        self.discriminator = discriminator
        self._tags: dict[object, Shape] | None = None

    def tag_map(self) -> dict[object, Shape]:
        """Discriminator value -> option (computed on first use: options may be recursive)."""
        if self._tags is None:
            self._tags = {}
            for option in self.options:
                inner, _ = unwrap(option, None)
                if self.discriminator is not None and isinstance(inner, ModelShape):
                    for tag in inner.tags.get(self.discriminator, ()):
                        self._tags.setdefault(tag, option)
        return self._tags

    def resolve(self, kind: Kind) -> Shape | None:
        matches = [s for s in self.options if unwrap(s, None)[0].resolve(kind) is not None]
        if not matches:
            return None
        if len(matches) == 1 or kind != OBJECT:
            return matches[0]
        return PendingObject(self, matches)

    def convert(self, value: JSON) -> object:
        kind = _kind_of(value)
        for option in self.options:
            if unwrap(option, None)[0].resolve(kind) is None:
                continue
            try:
                return convert_plain(option, value)
            except Invalid:
                continue
        raise Invalid


class OpenPending(OpenContainer):
    """An object under an undecided union: its complete members as plain JSON."""

    __slots__ = ("fields",)

    def __init__(self) -> None:
        self.fields: dict[str, JSON] = {}

    def add(self, name: str, value: object) -> None:
        self.fields[name] = value  # type: ignore[assignment]  # free-form children: plain JSON

    def holds(self, name: str) -> bool:
        return name in self.fields


class PendingObject(ObjectShape):
    """An object under a union not yet decided: collected as plain JSON, hidden until decided."""

    __slots__ = ("candidates", "union")

    def __init__(self, union: UnionShape, candidates: list[Shape]) -> None:
        self.union = union
        self.candidates = candidates

    def child(self, key: str) -> Slot:
        return Slot(key, ANY, False, key)

    def new(self) -> OpenPending:
        return OpenPending()

    def decide_by_key(self, key: str) -> Shape | None:
        keep = [c for c in self.candidates if _has_key(c, key)]
        if keep:
            self.candidates = keep
        if self.union.discriminator is not None:
            return None  # pydantic decides by the tag alone: so do we, never by keys
        return self.candidates[0] if len(self.candidates) == 1 else None

    def decide_by_tag(self, tag: object) -> Shape | None:
        if getattr(tag, "__hash__", None) is None:
            return None
        return self.union.tag_map().get(tag)

    def decide_at_end(self, fields: dict[str, JSON]) -> Shape:
        if self.union.discriminator is not None:
            chosen = self.decide_by_tag(fields.get(self.union.discriminator))
            if chosen is not None:
                return chosen
        seen = set(fields)
        for candidate in self.candidates:
            keys = unwrap(candidate, None)[0]
            known = keys.keys() if isinstance(keys, ObjectShape) else None
            if known is None or known >= seen:
                return candidate
        return self.candidates[0]


def _has_key(shape: Shape, key: str) -> bool:
    inner, _ = unwrap(shape, None)
    known = inner.keys() if isinstance(inner, ObjectShape) else None
    return known is None or key in known


def _kind_of(value: JSON) -> Kind:
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


def convert_plain(shape: Shape, value: JSON) -> object:
    """Complete plain JSON -> ``shape``'s snapshot value (when a union decides late)."""
    if value is None:
        return None
    concrete = shape.resolve(_kind_of(value))
    if concrete is None:
        raise Invalid
    if isinstance(concrete, PendingObject) and isinstance(value, dict):
        return convert_plain(concrete.decide_at_end(value), value)
    return concrete.convert(value)
