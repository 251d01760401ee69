"""The base class of every generated ``Partial<Name>`` model.

A partial model is a snapshot of an object that may still be arriving: every field
defaults to ``None`` (not seen yet), ``model_fields_set`` holds the keys received, and
``is_complete`` says which fields will not change any more.
"""

# No `from __future__ import annotations` here: pydantic would re-evaluate this class's
# string annotations for every generated subclass, a third of a large package's import.

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, PrivateAttr

__all__ = ["PartialModel"]

_EMPTY: frozenset[str] = frozenset()


class PartialModel(BaseModel):
    """A snapshot of a model under construction.

    Generated subclasses declare, as class variables, what the schema's ``x-stream``
    annotations and discriminators say; the runtime reads them:

    - ``__stream_done__``: fields whose value appears only once complete.
    - ``__stream_not_null__``: fields the object waits for before it appears at all.
    - ``__stream_discriminators__``: field name -> discriminator property of its union.
    """

    model_config = ConfigDict(populate_by_name=True, defer_build=True, extra="ignore")

    __stream_done__: ClassVar[frozenset[str]] = _EMPTY
    __stream_not_null__: ClassVar[frozenset[str]] = _EMPTY
    __stream_discriminators__: ClassVar[dict[str, str]] = {}

    # Set by the snapshot builder on the instances it makes (see ``_snapshot``); an
    # instance made by hand (None) counts every field it holds, and itself, as complete.
    _complete: frozenset[str] | None = PrivateAttr(default=None)
    _done: bool = PrivateAttr(default=True)

    def is_complete(self, field: str | None = None) -> bool:
        """Whether ``field`` (a field name or alias) holds its final value.

        With no argument: whether the whole object is complete (closed in the JSON).
        """
        if field is None:
            return self._done
        complete = self._complete
        name = _field_name(type(self), field)
        if complete is None:
            return name in self.model_fields_set
        return name in complete

    @property
    def completed_fields(self) -> frozenset[str]:
        """Names of the fields that hold their final value."""
        complete = self._complete
        return frozenset(self.model_fields_set) if complete is None else complete


def _field_name(cls: type[PartialModel], field: str) -> str:
    fields = cls.model_fields
    if field in fields:
        return field
    for name, info in fields.items():
        if info.alias == field:
            return name
    raise KeyError(f"{cls.__name__} has no field {field!r}")
