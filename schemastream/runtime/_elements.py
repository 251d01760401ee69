"""Element streams: the items of one list of the full model, each validated as it completes.

``ElementPath.of(Full, lambda m: m.users)`` records the attribute chain once and finds
the item type; ``ElementReader`` validates each complete item's own JSON text, which the
change record locates, so the work per chunk does not grow with the number of items.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar, Union

from pydantic import BaseModel, RootModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from ._changes import ChangeLog, Item, WatchPath
from ._errors import FinalValidationError

__all__ = ["ElementPath", "ElementReader", "ListModel", "ListStream"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

_SELECT = (
    "select must be a chain of attributes of the full model that ends at a list, such as "
    "`lambda m: m.users` or `lambda m: m.agenda.items`"
)


class ListModel(Protocol[T_co]):
    """A model whose value is a list: a ``RootModel`` of ``list[T]``."""

    @property
    def root(self) -> Sequence[T_co]: ...


class ListStream(Protocol[T_co]):
    """A stream whose value is a list: ``elements()`` needs no ``select`` there."""

    @property
    def final(self) -> ListModel[T_co]: ...


_WHOLE = (
    "elements() without select needs a stream whose value is a list (a RootModel of a "
    "list, such as the model of a JSON Schema whose root is an array)"
)


class _Recorder:
    """Stands in for the full model: each attribute read gives a recorder of the longer chain.

    Anything else (an index, a call, iteration) is refused: ``select`` must be a plain
    attribute chain, so that it means the same on every stream.
    """

    __slots__ = ("names",)

    def __init__(self, names: tuple[str, ...] = ()) -> None:
        self.names = names

    def __getattr__(self, name: str) -> _Recorder:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Recorder((*self.names, name))

    def __getitem__(self, key: object) -> typing.NoReturn:
        raise TypeError(f"{_SELECT}; it indexed [{key!r}] after {self._chain()}")

    def __call__(self, *args: object, **kwargs: object) -> typing.NoReturn:
        raise TypeError(f"{_SELECT}; it called {self._chain()}")

    def __iter__(self) -> typing.NoReturn:
        raise TypeError(f"{_SELECT}; it iterated over {self._chain()}")

    def _chain(self) -> str:
        return ".".join(["m", *self.names])


class ElementPath(Generic[T]):
    """Where a list is in the full model (keys from the root) and the type of its items."""

    def __init__(self, names: tuple[str, ...], keys: WatchPath, item: Any) -> None:
        #: the attributes that lead to the list, for messages and error locations
        self.names = names
        self.keys = keys
        self.item = item
        self.adapter: TypeAdapter[T] = _adapter(item)

    @classmethod
    def whole(cls, full: type[BaseModel]) -> ElementPath[Any]:
        """The list that is the whole value of ``full``, a ``RootModel`` of a list."""
        item = _item_of(_root_annotation(full))
        if item is _NOT_A_LIST:
            raise TypeError(f"{_WHOLE}; the stream's value is a {full.__name__}; {_SELECT}")
        return cls((), (), item)

    def inside(self, key: str) -> ElementPath[T]:
        """The same list, in a value sent as ``{key: <value>}``."""
        return ElementPath((key, *self.names), (frozenset({key}), *self.keys), self.item)

    @classmethod
    def of(cls, full: type[BaseModel], select: Callable[[Any], Sequence[T]]) -> ElementPath[T]:
        """Record ``select`` once on a stand-in of ``full``; check it reaches a list."""
        result: object = select(_Recorder())
        if not isinstance(result, _Recorder) or not result.names:
            raise TypeError(f"{_SELECT}; it returned {result!r}")
        recorder = result
        model: type[BaseModel] = full
        keys: list[frozenset[str]] = []
        annotation: Any = None
        for position, name in enumerate(recorder.names):
            field = model.model_fields.get(name)
            if field is None:
                raise TypeError(f"{_SELECT}; {model.__name__} has no field {name!r}")
            if not issubclass(model, RootModel):  # a root model's value is its ``root``: no key
                keys.append(frozenset({name if field.alias is None else field.alias, name}))
            annotation = _unwrap(field.annotation)
            last = position == len(recorder.names) - 1
            if last:
                break
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                raise TypeError(f"{_SELECT}; {model.__name__}.{name} is not a model")
            model = annotation
        item = _item_of(annotation)
        if item is _NOT_A_LIST:
            chain = ".".join(recorder.names)
            raise TypeError(f"{_SELECT}; {full.__name__}.{chain} is {annotation!r}, not a list")
        return cls(tuple(recorder.names), tuple(keys), item)


_LISTS = (list, Sequence, typing.List, typing.Sequence)  # noqa: UP006
_NOT_A_LIST = object()


def _item_of(annotation: Any) -> Any:
    """The item type of a list annotation (``Any`` for a bare ``list``), else ``_NOT_A_LIST``."""
    if annotation in _LISTS:
        return Any
    if typing.get_origin(annotation) in _LISTS:
        (item,) = typing.get_args(annotation) or (Any,)
        return item
    return _NOT_A_LIST


def _root_annotation(full: type[BaseModel]) -> Any:
    """The annotation of a ``RootModel``'s ``root`` (``None`` for any other model)."""
    if not issubclass(full, RootModel):
        return None
    field = full.model_fields.get("root")
    return None if field is None else _unwrap(field.annotation)


_ADAPTERS: dict[object, TypeAdapter[Any]] = {}


def _adapter(item: Any) -> TypeAdapter[Any]:
    """One validator per item type: building one costs more than a short stream."""
    try:
        adapter = _ADAPTERS.get(item)
    except TypeError:  # an annotation that cannot be hashed: no cache
        return TypeAdapter(item)
    if adapter is None:
        adapter = _ADAPTERS[item] = TypeAdapter(item)
    return adapter


def _name(annotation: Any) -> str:
    return annotation.__name__ if isinstance(annotation, type) else repr(annotation)


def _unwrap(annotation: Any) -> Any:
    """An annotation without ``Annotated`` and without ``| None``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin is Union or origin is types.UnionType:
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


class ElementReader(Generic[T]):
    """Validates the complete items of one watched list, in order, from their text."""

    def __init__(self, path: ElementPath[T], changes: ChangeLog) -> None:
        self.path = path
        self.watch(changes)

    def watch(self, changes: ChangeLog) -> None:
        """Report this list's items in ``changes`` (a parser's record: a new one per attempt)."""
        self._changes = changes
        self._index = changes.watch(self.path.keys)

    def ready(self) -> list[Item]:
        """The items completed by the last feed."""
        return [item for item in self._changes.items if item.watch == self._index]

    def validate(self, item: Item, text: str) -> T:
        """The item as the full item type; a ``FinalValidationError`` names its index.

        The error's ``text`` is the item's; the stream puts the whole text there.
        """
        try:
            return self.path.adapter.validate_json(text)
        except ValidationError as exc:
            where: tuple[str | int, ...] = (*self.path.names, item.position)
            errors: list[ErrorDetails] = []
            for detail in exc.errors(include_url=False):
                shifted = detail.copy()
                shifted["loc"] = (*where, *detail["loc"])
                errors.append(shifted)
            label = f"{_name(self.path.item)} at {'.'.join(self.path.names)}[{item.position}]"
            error = FinalValidationError(label, errors, text=text)
            error.__cause__ = exc
            raise error from exc
