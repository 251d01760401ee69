"""The object a list travels in: OpenAI needs an object at the root, so a root array is asked
for as ``{"items": [...]}``. ``Envelope`` parses that text while the stream's snapshots,
final value, element items and patches are those of the list inside.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from ._partial_model import PartialModel
from ._patches import PatchOperation

__all__ = ["Envelope"]

P = TypeVar("P", bound=BaseModel)
F = TypeVar("F", bound=BaseModel)

# One pair of classes per (key, partial, full): creating a class costs more than a short stream.
_CLASSES: dict[tuple[str, type[BaseModel], type[BaseModel]], tuple[type[Any], type[Any]]] = {}


def _classes(key: str, partial: type[BaseModel], full: type[BaseModel]) -> tuple[type[Any], ...]:
    found = _CLASSES.get((key, partial, full))
    if found is None:
        # The field is named ``value`` (``key`` is its alias): a key such as "items" or
        # "copy" must not meet a BaseModel attribute.
        optional: Any = partial | None
        outer_partial = create_model(
            f"Partial{full.__name__}Envelope",
            __base__=PartialModel,
            value=(optional, Field(None, alias=key)),
        )
        outer_full = create_model(
            f"{full.__name__}Envelope",
            __config__=ConfigDict(extra="forbid", defer_build=True),
            value=(full, Field(alias=key)),
        )
        found = _CLASSES[(key, partial, full)] = (outer_partial, outer_full)
    return found


class Envelope(Generic[P, F]):
    """``{key: <value>}`` around a ``partial``/``full`` pair: what the parser reads, and the way
    back from its snapshots, validation and patch operations to the value inside."""

    def __init__(self, key: str, partial: type[P], full: type[F]) -> None:
        self.key = key
        self.full = full
        #: the partial class the parser builds: the value inside is its ``value`` field
        self.partial, self._full = _classes(key, partial, full)
        self._pointer = "/" + key.replace("~", "~0").replace("/", "~1")

    def inside(self, outer: object) -> P | None:
        """The value inside a snapshot of the envelope (``None`` before it appears)."""
        value: P | None = getattr(outer, "value", None)
        return value

    def snapshots(self, outers: Iterator[Any]) -> Iterator[P]:
        """The snapshots of the value inside, each once: a new object means it changed.

        The parser rebuilds the inner value only when something in it changed; a change
        beside it (the envelope's own braces, another key) keeps the same object.
        """
        last: P | None = None
        for outer in outers:
            value: P | None = getattr(outer, "value", None)
            if value is not None and value is not last:
                last = value
                yield value

    async def asnapshots(self, outers: AsyncIterator[Any]) -> AsyncIterator[P]:
        """The async twin of ``snapshots``."""
        last: P | None = None
        async for outer in outers:
            value: P | None = getattr(outer, "value", None)
            if value is not None and value is not last:
                last = value
                yield value

    def validate_json(self, text: str) -> F:
        """The value inside, validated once; a ``ValidationError`` locates in the text
        (``items.3.name``): that is what the model wrote, and what a re-ask shows it."""
        outer = self._full.model_validate_json(text)
        value: F = outer.value
        return value

    def operations(self, operations: list[PatchOperation]) -> list[PatchOperation]:
        """Operations on the envelope as operations on the value inside (paths relative to it).

        The envelope's own (its braces, keys beside the value) are dropped: the value's JSON
        starts when its key does.
        """
        prefix = self._pointer
        inner: list[PatchOperation] = []
        for operation in operations:
            path = operation["path"]
            if path == prefix:
                op = "replace" if operation["op"] == "add" else operation["op"]
                inner.append({"op": op, "path": "", "value": operation["value"]})
            elif path.startswith(prefix) and path[len(prefix)] == "/":
                relative = path[len(prefix) :]
                inner.append({"op": operation["op"], "path": relative, "value": operation["value"]})
        return inner
