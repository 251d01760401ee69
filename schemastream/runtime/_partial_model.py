"""The base class of every generated ``Partial<Name>`` model.

A partial model is a snapshot of an object that may still be arriving: every field
defaults to ``None`` (not seen yet), ``model_fields_set`` holds the keys received, and
``is_complete`` says which fields will not change any more.
"""

# No `from __future__ import annotations` here: pydantic would re-evaluate this class's
# string annotations for every generated subclass, a third of a large package's import.

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

__all__ = ["PartialModel"]

_EMPTY: frozenset[str] = frozenset()


class PartialModel(BaseModel):
    """A snapshot of a model under construction.

    Generated subclasses declare, as class variables, what the schema's ``x-stream``
    annotations and discriminators say; the runtime reads them:

    - ``__stream_done__``: fields whose value appears only once complete.
    - ``__stream_not_null__``: fields the object waits for before it appears at all.
    - ``__stream_discriminators__``: field name -> discriminator property of its union.

    A snapshot says what has arrived and which of it is final:

    >>> from schemastream.runtime import SnapshotParser
    >>> class PartialUser(PartialModel):
    ...     name: str | None = None
    ...     age: int | None = None
    >>> parser = SnapshotParser(PartialUser)
    >>> parser.feed('{"name": "Ad')
    True
    >>> snap = parser.value
    >>> snap.model_dump(exclude_unset=True), snap.is_complete("name")
    ({'name': 'Ad'}, False)
    >>> parser.feed('a", "age": 3')  # the name is closed; a number shows once it ends
    True
    >>> parser.value.completed_fields, parser.value.age
    (frozenset({'name'}), None)
    >>> parser.feed("6}"), parser.value.age, parser.value.is_complete()
    (True, 36, True)
    """

    model_config = ConfigDict(populate_by_name=True, defer_build=True, extra="ignore")

    __stream_done__: ClassVar[frozenset[str]] = _EMPTY
    __stream_not_null__: ClassVar[frozenset[str]] = _EMPTY
    __stream_discriminators__: ClassVar[dict[str, str]] = {}

    # The snapshot builder (``_shape.ModelShape``) records completion in the instance's
    # ``__pydantic_private__`` as {"complete": frozenset, "done": bool}. Declared
    # PrivateAttrs would cost every generated class a third more to create. An instance
    # made by hand has none: every field it holds, and itself, count as complete.

    def is_complete(self, field: str | None = None) -> bool:
        """Whether ``field`` (a field name or alias, or an extra key) holds its final value.

        With no argument: whether the whole object is complete (closed in the JSON).
        """
        state = self.__pydantic_private__
        if field is None:
            return True if state is None else bool(state["done"])
        name = _field_name(type(self), field, self.__pydantic_extra__)
        if state is None:
            return name in self.model_fields_set
        return name in state["complete"]

    @property
    def completed_fields(self) -> frozenset[str]:
        """Names of the fields (and extra keys) that hold their final value."""
        state = self.__pydantic_private__
        if state is None:
            return frozenset(self.model_fields_set)
        complete: frozenset[str] = state["complete"]
        return complete


def _field_name(cls: type[PartialModel], field: str, extra: dict[str, Any] | None) -> str:
    fields = cls.model_fields
    if field in fields:
        return field
    for name, info in fields.items():
        if info.alias == field:
            return name
    if extra is not None and field in extra:
        return field
    raise KeyError(f"{cls.__name__} has no field {field!r}")
