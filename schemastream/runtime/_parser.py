"""The incremental JSON parser: text chunks in, a live partial value (or Partial model) out.

``SnapshotParser`` wires the lexer (tokens), the frames (the open path and its snapshot)
and the change record of each ``feed``. Work per chunk follows the chunk and the depth of
the open path, never the length of the text before it.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from ._changes import ChangeLog
from ._compile import shape_for
from ._errors import IncompleteJSONError, JSONParseError, LimitExceededError
from ._frames import Frames, UndecidedTooDeep
from ._lexer import Lexer, Malformed, TooDeep
from ._model_shape import unwrap
from ._shape import ARRAY, OBJECT, Kind, Shape
from ._text import TextBuffer
from ._views import NOTHING

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_SIZE",
    "SnapshotParser",
    "aparse_partial",
    "parse_partial",
]

#: The deepest nesting pydantic's ``model_validate_json`` accepts (its JSON reader stops
#: there): deeper text could never pass the final validation, so the parser stops there too.
PYDANTIC_MAX_DEPTH = 201
DEFAULT_MAX_DEPTH = PYDANTIC_MAX_DEPTH
DEFAULT_MAX_SIZE = 64 * 1024 * 1024


class SnapshotParser:
    """Feed JSON text in chunks; read the visible partial value at any time.

    With ``partial=None`` the value is plain JSON (dict, list, str, int, float, bool,
    None); with a ``Partial<Name>`` class it is an instance of that class. ``feed``
    returns whether the visible value changed; ``finish`` checks the text is complete.
    ``changes`` is the record of what the last ``feed`` changed.

    >>> parser = SnapshotParser()
    >>> parser.feed('{"name": "Ad'), parser.value
    (True, {'name': 'Ad'})
    >>> parser.feed('a", "age": 3'), parser.value
    (True, {'name': 'Ada'})
    >>> parser.feed('6}'), parser.finish()
    (True, {'name': 'Ada', 'age': 36})
    """

    def __init__(
        self,
        partial: type[BaseModel] | None = None,
        *,
        tolerant: bool = False,
        max_depth: int | None = DEFAULT_MAX_DEPTH,
        max_size: int | None = DEFAULT_MAX_SIZE,
    ) -> None:
        self._shape = shape_for(partial)
        # In tolerant mode, the brackets that may open the value the shape expects.
        self._openers: str | None = None
        if tolerant:
            kinds: list[tuple[str, Kind]] = [("{", OBJECT), ("[", ARRAY)]
            self._openers = "".join(o for o, kind in kinds if _accepts(self._shape, kind))
        self._max_depth = max_depth
        self._size_limit = sys.maxsize if max_size is None else max_size
        self._text = TextBuffer()
        #: what the last ``feed`` changed
        self.changes = ChangeLog()
        self._failure: JSONParseError | None = None
        #: tolerant mode: the last snapshot of a false start, until the value shows
        self._false_start: object = NOTHING
        self._start()

    def _start(self) -> None:
        """A fresh lexer and open path (the text and the change record are kept)."""
        self._frames = Frames(self._shape, self.changes)
        self._lexer = Lexer(self._frames, max_depth=self._max_depth, openers=self._openers)
        self._frames.open_string = self._lexer.string_so_far

    # --- public surface -------------------------------------------------------------------

    @property
    def value(self) -> Any:
        """The visible value: the latest snapshot (``None`` before anything is visible)."""
        value = self._frames.snapshot()
        return None if value is NOTHING else value

    @property
    def complete(self) -> bool:
        """Whether the JSON value is complete (its last character has been read)."""
        return self._frames.complete

    @property
    def text(self) -> str:
        """All text fed so far."""
        return self._text.text

    @property
    def json_text(self) -> str:
        """The JSON value's own text (without prose around it in tolerant mode)."""
        if self._openers is None:
            return self.text
        end = self._lexer.end if self._lexer.end >= 0 else self._text.size
        return self._text.slice(max(self._lexer.start, 0), end)

    def text_between(self, start: int, end: int) -> str:
        """``text[start:end]``, reading only the chunks it spans."""
        return self._text.slice(start, end)

    def feed(self, chunk: str) -> bool:
        """Parse one more chunk; return whether the visible value changed.

        One exception: when the closing bracket or quote of the whole value comes alone,
        ``feed`` returns True once more, so the last snapshot says it is complete. A parser
        that raised ``JSONParseError`` (or ``LimitExceededError``) stays failed: every
        later ``feed`` and ``finish`` raises the same error.
        """
        if self._failure is not None:
            raise self._failure
        changes = self.changes
        changes.changed = False
        if changes.entries or changes.items:
            changes.clear()
        if not chunk:
            return False
        text = self._text
        base = text.size
        text.append(chunk)
        try:
            if text.size > self._size_limit:
                raise LimitExceededError(
                    "max_size", self._size_limit, text=self.text, offset=self._size_limit
                )
            if self._openers is None:
                self._lexer.scan(chunk, base)
                return changes.changed
            return self._scan_tolerant(chunk, base)
        except (Malformed, TooDeep, UndecidedTooDeep, JSONParseError) as exc:
            self._failure = self._error(exc)
        raise self._failure

    def finish(self) -> Any:
        """Check the text is one complete JSON value and return the final value."""
        if self._failure is not None:
            raise self._failure
        try:
            self._lexer.finish(self._text.size)
        except (Malformed, UndecidedTooDeep) as exc:
            self._failure = self._error(exc)
            raise self._failure from None
        if not self._frames.complete:
            if self._lexer.start < 0:
                raise IncompleteJSONError(
                    "no JSON value found in the text", text=self.text, snapshot=self.value
                )
            raise IncompleteJSONError(
                f"the text ended before the JSON value was complete ({self._where()}, "
                f"offset {self._text.size})",
                text=self.text,
                snapshot=self.value,
            )
        return self.value

    # --- tolerant mode ---------------------------------------------------------------------

    def _scan_tolerant(self, chunk: str, base: int) -> bool:
        """Tolerant mode: a bracket that turns out to be prose ("{as requested}") is skipped.

        The search for the value resumes where the false start broke, so each character
        is read a bounded number of times; limits are never retried past.
        """
        while True:
            try:
                self._lexer.scan(chunk, base)
                break
            except Malformed as bad:
                lexer = self._lexer
                if lexer.complete or lexer.start < 0:
                    raise
                if self._frames.shown:
                    self._false_start = self._frames.snapshot()
                base = max(bad.offset, lexer.start + 1)
                chunk = self._text.tail(base)
                self.changes.clear()
                self._start()
        if self.changes.changed and self._false_start is not NOTHING:
            shown, self._false_start = self._false_start, NOTHING
            # A false start showed this already: no duplicate snapshot.
            return not _same(self._frames.snapshot(), shown)
        return self.changes.changed

    # --- errors ---------------------------------------------------------------------------

    def _error(self, exc: Exception) -> JSONParseError:
        if isinstance(exc, JSONParseError):
            return exc
        snapshot = self.value
        if isinstance(exc, Malformed):
            return JSONParseError(exc.reason, text=self.text, offset=exc.offset, snapshot=snapshot)
        if isinstance(exc, TooDeep):
            assert self._max_depth is not None  # only a configured limit is exceeded
            return LimitExceededError(
                "max_depth",
                self._max_depth,
                text=self.text,
                offset=exc.offset,
                snapshot=snapshot,
                hint=_depth_hint(self._max_depth),
            )
        return LimitExceededError(
            "nesting inside an undecided union",
            sys.getrecursionlimit(),
            text=self.text,
            offset=self._text.size,
            snapshot=snapshot,
            hint="put the discriminator, or a key only one variant has, first",
        )

    def _where(self) -> str:
        path = "$"
        for frame in self._frames.stack:
            if frame.is_object:
                path += f".{frame.raw_key}" if frame.raw_key else ""
            else:
                path += f"[{frame.items}]"
        state = self._lexer.where()
        return f"{state} at {path}" if state else f"at {path}"


def _accepts(shape: Shape, kind: Kind) -> bool:
    inner, _ = unwrap(shape, None)
    return inner.resolve(kind) is not None


def _depth_hint(limit: int) -> str:
    if limit <= PYDANTIC_MAX_DEPTH:
        return (
            f"pydantic's model_validate_json accepts at most {PYDANTIC_MAX_DEPTH} levels, so "
            "deeper JSON could not pass the final validation; for plain parsing raise it "
            "with max_depth=..."
        )
    return "raise it with max_depth=..."


def _same(a: object, b: object) -> bool:
    """Whether two values are equal; values nested past Python's stack count as different."""
    try:
        return bool(a == b)
    except RecursionError:
        return False


def _finish(parser: SnapshotParser) -> tuple[Any, bool]:
    """The final value, and whether finishing changed it (a top-level number ends with the text)."""
    was_complete = parser.complete
    return parser.finish(), not was_complete


def parse_partial(
    chunks: Iterable[str],
    *,
    max_depth: int | None = DEFAULT_MAX_DEPTH,
    max_size: int | None = DEFAULT_MAX_SIZE,
) -> Iterator[Any]:
    """Yield the plain partial JSON value after each chunk that changed it.

    The last value equals ``json.loads`` of the whole text; anything ``json.loads``
    rejects raises ``JSONParseError``, and text that ends early ``IncompleteJSONError``.
    The limits are ``SnapshotParser``'s (``None``: no limit).

    >>> list(parse_partial(['{"a": [1, 2', '2], "b": "x', 'y"}']))
    [{'a': [1]}, {'a': [1, 22], 'b': 'x'}, {'a': [1, 22], 'b': 'xy'}]
    """
    parser = SnapshotParser(None, max_depth=max_depth, max_size=max_size)
    for chunk in chunks:
        if parser.feed(chunk):
            yield parser.value
    final, changed = _finish(parser)
    if changed:
        yield final


async def aparse_partial(
    chunks: AsyncIterable[str],
    *,
    max_depth: int | None = DEFAULT_MAX_DEPTH,
    max_size: int | None = DEFAULT_MAX_SIZE,
) -> AsyncIterator[Any]:
    """The async twin of ``parse_partial``."""
    parser = SnapshotParser(None, max_depth=max_depth, max_size=max_size)
    async for chunk in chunks:
        if parser.feed(chunk):
            yield parser.value
    final, changed = _finish(parser)
    if changed:
        yield final
