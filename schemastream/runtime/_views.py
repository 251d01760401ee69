"""Read-only views of open lists and maps, so a snapshot never copies a container.

An open list or map keeps one append-only backing store; each snapshot holds a view of
its first ``n`` entries plus the entry still arriving. No view ever changes once made.
"""

from __future__ import annotations

import itertools
import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import Annotated, Any, Generic, TypeVar, overload

from pydantic import GetCoreSchemaHandler, SerializerFunctionWrapHandler
from pydantic_core import PydanticSerializationUnexpectedValue, core_schema

__all__ = [
    "DICT_DUMP",
    "LIST_DUMP",
    "NOTHING",
    "ListView",
    "MapStore",
    "MapView",
    "SnapshotDict",
    "SnapshotList",
]

T = TypeVar("T")


class _Nothing:
    """The type of ``NOTHING``: no visible value (see ``NOTHING``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOTHING"


#: "No visible value": an entry still hidden, a child not shown, an object held back by
#: ``x-stream: not-null``. A sentinel, not ``None``, because JSON ``null`` is a value.
NOTHING = _Nothing()


class ListView(Sequence[T]):
    """The first ``n`` items of an append-only list, then the item still arriving (if shown)."""

    __slots__ = ("_items", "_last", "_n")

    def __init__(self, items: list[T], n: int, last: T | _Nothing) -> None:
        self._items = items
        self._n = n
        self._last = last

    def __len__(self) -> int:
        return self._n if self._last is NOTHING else self._n + 1

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return list(self)[index]
        size = len(self)
        position = index + size if index < 0 else index
        if not 0 <= position < size:
            raise IndexError("list index out of range")
        if position < self._n:
            return self._items[position]
        return self._last  # type: ignore[return-value]  # position == n: the shown last item

    def __iter__(self) -> Iterator[T]:
        yield from itertools.islice(self._items, self._n)
        if self._last is not NOTHING:
            yield self._last  # type: ignore[misc]  # narrowed: not NOTHING

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ListView | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking, like list

    def __repr__(self) -> str:
        return repr(list(self))

    def __reduce__(self) -> tuple[type[list[T]], tuple[list[T]]]:
        # Copies and pickles hold the items, not the shared backing list.
        return list, (list(self),)


class MapStore(Generic[T]):
    """The backing store of an open map: keys in first-arrival order, append-only.

    A repeated key (the last one wins) replaces its value without touching what earlier
    views see: each replacement is kept with the version it was made at.
    """

    __slots__ = ("_history", "index", "keys", "values", "version")

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.values: list[T] = []
        self.index: dict[str, int] = {}
        self.version = 0
        self._history: dict[int, list[tuple[int, T]]] = {}

    def add(self, key: str, value: T) -> None:
        slot = self.index.get(key)
        if slot is None:
            self.index[key] = len(self.keys)
            self.keys.append(key)
            self.values.append(value)
            return
        self.version += 1
        self._history.setdefault(slot, [(0, self.values[slot])]).append((self.version, value))
        self.values[slot] = value

    def value_at(self, slot: int, version: int) -> T:
        """The value of ``slot`` as a view made at ``version`` saw it."""
        if version < self.version and slot in self._history:
            for made, value in reversed(self._history[slot]):
                if made <= version:
                    return value
        return self.values[slot]

    def to_dict(self) -> dict[str, T]:
        return dict(zip(self.keys, self.values, strict=True))


class MapView(Mapping[str, T]):
    """The first ``n`` keys of a ``MapStore`` as of one version, then the key still arriving."""

    __slots__ = ("_key", "_last", "_n", "_store", "_version")

    def __init__(self, store: MapStore[T], key: str | None, last: T | _Nothing) -> None:
        self._store = store
        self._n = len(store.keys)
        self._version = store.version
        self._key = key
        self._last = last

    def __getitem__(self, key: str) -> T:
        slot = self._store.index.get(key)
        if slot is not None and slot < self._n:
            return self._store.value_at(slot, self._version)
        if key == self._key and self._last is not NOTHING:
            return self._last  # type: ignore[return-value]  # narrowed: not NOTHING
        raise KeyError(key)

    def __len__(self) -> int:
        return self._n if self._last is NOTHING else self._n + 1

    def __iter__(self) -> Iterator[str]:
        yield from itertools.islice(self._store.keys, self._n)
        if self._last is not NOTHING and self._key is not None:
            yield self._key

    __hash__ = None  # type: ignore[assignment]  # mutable-looking, like dict

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[type[dict[str, T]], tuple[dict[str, T]]]:
        return dict, (dict(self),)


# In a union (``SnapshotDict[str] | PartialName``) pydantic offers these every member's
# value; anything else (a root model: ``dict()`` of it is ``{"root": ...}``) goes on to the
# member it belongs to.


def _dump_list(value: Sequence[Any], handler: SerializerFunctionWrapHandler) -> Any:
    if type(value) is list:
        return handler(value)
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise PydanticSerializationUnexpectedValue("not a list")
    return handler(list(value))


def _dump_dict(value: Mapping[str, Any], handler: SerializerFunctionWrapHandler) -> Any:
    if type(value) is dict:
        return handler(value)
    if not isinstance(value, Mapping):
        raise PydanticSerializationUnexpectedValue("not a map")
    return handler(dict(value))


class _SnapshotSchema:
    """The pydantic schema of ``SnapshotList``/``SnapshotDict`` fields.

    Validated as a list or dict (a partial model built by hand); serialized from any
    ``Sequence``/``Mapping``, which pydantic's own ``Sequence`` schema does not do (it
    returns a view unserialized). Simpler than that schema, so partial classes build fast.
    """

    __slots__ = ("_dump", "_mapping")

    def __init__(self, mapping: bool) -> None:
        self._mapping = mapping
        self._dump = _dump_dict if mapping else _dump_list

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        args = typing.get_args(source)
        item = handler.generate_schema(args[-1] if args else Any)
        if self._mapping:
            plain: core_schema.CoreSchema = core_schema.dict_schema(core_schema.str_schema(), item)
        else:
            plain = core_schema.list_schema(item)
        serialization = core_schema.wrap_serializer_function_ser_schema(self._dump, schema=plain)
        if self._mapping:
            return core_schema.dict_schema(
                core_schema.str_schema(), item, serialization=serialization
            )
        return core_schema.list_schema(item, serialization=serialization)


LIST_DUMP = _SnapshotSchema(mapping=False)
DICT_DUMP = _SnapshotSchema(mapping=True)

#: A partial model's list field: a read-only ``Sequence``, a ``ListView`` while the list is
#: open (so a snapshot costs the same however long the list) and a ``list`` once closed.
SnapshotList = Annotated[Sequence[T], LIST_DUMP]
#: A partial model's map field (``dict[str, T]`` in the full model): a read-only ``Mapping``,
#: a ``MapView`` while the object is open and a ``dict`` once closed.
SnapshotDict = Annotated[Mapping[str, T], DICT_DUMP]
