"""Shapes: what the snapshot builder makes of each JSON value, and the protocol they share.

A shape is compiled once per ``Partial<Name>`` class (``_compile``) and shared by every
stream of it. Scalar shapes say when a value is visible and convert it; container shapes
open an ``OpenContainer`` per JSON object or array, which collects complete children and
makes snapshot values without validation (the full model validates once, at the end).
Models live in ``_model_shape``, unions in ``_union_shape``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal, NamedTuple

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
    "ObjectShape",
    "OpenArray",
    "OpenContainer",
    "Shape",
    "Slot",
    "StrShape",
    "convert_plain",
    "kind_of",
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


def kind_of(value: JSON) -> Kind:
    """The kind of a plain JSON value."""
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
    concrete = shape.resolve(kind_of(value))
    if concrete is None:
        raise Invalid
    return concrete.convert(value)
