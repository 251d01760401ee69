"""Union shapes: ``P(A) | P(B)`` resolved by token kind, then by discriminator or keys seen.

An object under an undecided union is collected as plain JSON, hidden, and converted to
the chosen variant once the discriminator (or a key only one variant has) decides it.
"""

from __future__ import annotations

from collections.abc import Callable

from ._model_shape import ModelShape, unwrap
from ._shape import (
    ANY,
    JSON,
    OBJECT,
    AtomicShape,
    Invalid,
    Kind,
    ObjectShape,
    OpenContainer,
    Shape,
    Slot,
    convert_plain,
    kind_of,
)

__all__ = ["OpenPending", "PendingObject", "UnionShape"]


class UnionShape(Shape):
    """``P(A) | P(B)``: resolved by token kind, then by discriminator or by the keys seen."""

    __slots__ = ("_atomic", "_tags", "discriminator", "options")

    def __init__(self, options: list[Shape], discriminator: str | None) -> None:
        self.options = options
        self.discriminator = discriminator
        self._tags: dict[object, Shape] | None = None
        self._atomic: dict[Kind, AtomicShape] = {}

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
        if len(matches) == 1:
            return matches[0]
        if kind == OBJECT:
            return PendingObject(self, matches)
        # Several options take this token (E1 | E2, Enum | str, int | float): one that grows
        # (a string, an array) shows as it grows; atomic ones are tried in order once the
        # value is complete, as pydantic tries a union's members.
        for match in matches:
            if not isinstance(unwrap(match, None)[0].resolve(kind), AtomicShape):
                return match
        atomic = self._atomic.get(kind)
        if atomic is None:
            atomic = self._atomic[kind] = AtomicShape(frozenset({kind}), _first_valid(matches))
        return atomic

    def convert(self, value: JSON) -> object:
        kind = kind_of(value)
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


def _first_valid(options: list[Shape]) -> Callable[[JSON], object]:
    """A check trying ``options`` in order: the first that takes the value wins."""

    def check(value: JSON) -> object:
        for option in options:
            try:
                return convert_plain(option, value)
            except Invalid:
                continue
        raise Invalid

    return check


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

    def convert(self, value: JSON) -> object:
        """Complete plain JSON of an undecided object: decide by all of it, then convert."""
        if not isinstance(value, dict):
            raise Invalid
        return convert_plain(self.decide_at_end(value), value)

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
