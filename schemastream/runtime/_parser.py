"""The incremental JSON parser: text chunks in, a live partial value (or Partial model) out.

Work per chunk is proportional to the chunk plus the depth of the open path: the parser
never re-reads earlier text, and finished subtrees are built once and shared by identity
in every later snapshot. No recursion, so any nesting depth up to ``max_depth`` works.
"""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any, NoReturn

from pydantic import BaseModel

from ._compile import shape_for
from ._errors import IncompleteJSONError, JSONParseError, LimitExceededError
from ._shape import (
    ANY,
    ARRAY,
    BOOL,
    NOTHING,
    NULL,
    NUMBER,
    OBJECT,
    STRING,
    Invalid,
    PendingObject,
    RootShape,
    Shape,
    Wrap,
    chain,
    convert_any,
)

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

# Parser states.
_VALUE, _ARR_FIRST, _OBJ_FIRST, _KEY, _COLON, _AFTER = 0, 1, 2, 3, 4, 5
_STRING, _NUMBER, _LITERAL, _END, _PROSE, _TRAIL = 6, 7, 8, 9, 10, 11

_WS = " \t\n\r"
_WS_RUN = re.compile(r"[ \t\n\r]*")
_STR_RUN = re.compile(r'[^"\\\x00-\x1f]*')
_NUM_RUN = re.compile(r"[0-9eE.+\-]*")
_NUM_FULL = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\Z")
_LIT_RUN = re.compile(r"[a-z]*")
_LITERALS = {"true": True, "false": False, "null": None}
_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_HEX = frozenset("0123456789abcdefABCDEF")


class _Malformed(Exception):
    """Internal: not JSON at ``offset``. Tolerant mode looks further; otherwise it is raised."""

    def __init__(self, reason: str, offset: int) -> None:
        self.reason = reason
        self.offset = offset


class _Frame:
    """One open container on the path from the root to the current token."""

    __slots__ = (
        "changed",
        "dirty",
        "done",
        "drop",
        "hidden",
        "is_obj",
        "key",
        "raw_key",
        "shape",
        "values",
        "view",
        "wrap",
    )

    def __init__(self, is_obj: bool, shape: Any, wrap: Wrap | None, done: bool, drop: bool) -> None:
        self.is_obj = is_obj
        self.shape = shape
        self.values = shape.new(is_obj)
        self.key: Any = None
        self.raw_key: str | None = None
        self.wrap = wrap
        self.done = done
        self.hidden = drop or done or isinstance(shape, PendingObject)
        self.drop = drop
        self.dirty = True
        self.changed = True
        self.view: Any = NOTHING


class SnapshotParser:
    """Feed JSON text in chunks; read the visible partial value at any time.

    With ``partial=None`` the value is plain JSON (dict, list, str, int, float, bool,
    None); with a ``Partial<Name>`` class it is an instance of that class. ``feed``
    returns whether the visible value changed; ``finish`` checks the text is complete.

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
        self._tolerant = tolerant
        # In tolerant mode, the brackets that may open the value the shape expects.
        self._openers = [
            o for o, kind in (("{", OBJECT), ("[", ARRAY)) if _accepts(self._shape, kind)
        ]
        self._max_depth = max_depth
        self._max_size = max_size
        self._parts: list[str] = []
        self._size = 0
        self._shown_before_rescan: Any = None
        self._failure: JSONParseError | None = None
        self._reset()

    def _reset(self) -> None:
        """Forget the value (not the text): the state before the first bracket."""
        self._stack: list[_Frame] = []
        self._hidden_from = 1 << 62
        self._state = _PROSE if self._tolerant else _VALUE
        self._next: Shape | None = self._shape
        self._next_done = False
        self._base = 0
        self._value: Any = None
        self._complete = False
        self._start = -1
        self._end = -1
        # the token in progress
        self._cur: Shape | None = None
        self._cur_wrap: Wrap | None = None
        self._tok = ""
        self._str: list[str] = []
        self._str_key = False
        self._str_visible = False
        self._str_dirty = False
        self._str_view: Any = NOTHING
        self._esc = ""
        self._high = ""
        self._emit = False

    # --- public surface ---------------------------------------------------------------

    @property
    def value(self) -> Any:
        """The visible value: the latest snapshot (``None`` before anything is visible)."""
        return self._value

    @property
    def complete(self) -> bool:
        """Whether the JSON value is complete (its last byte has been read)."""
        return self._complete

    @property
    def text(self) -> str:
        """All text fed so far."""
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    @property
    def json_text(self) -> str:
        """The JSON value's own text (without prose around it in tolerant mode)."""
        if not self._tolerant:
            return self.text
        end = self._end if self._end >= 0 else self._size
        return self.text[max(self._start, 0) : end]

    def feed(self, chunk: str) -> bool:
        """Parse one more chunk; return whether the visible value changed.

        A parser that raised ``JSONParseError`` (or ``LimitExceededError``) stays failed:
        every later ``feed`` and ``finish`` raises the same error.
        """
        if self._failure is not None:
            raise self._failure
        n = len(chunk)
        if not n:
            return False
        base = self._size
        self._parts.append(chunk)
        self._size += n
        try:
            if self._max_size is not None and self._size > self._max_size:
                raise LimitExceededError(
                    "max_size", self._max_size, text=self.text, offset=self._max_size
                )
            if not self._tolerant:
                return self._scan(chunk, base)
            return self._scan_tolerant(chunk, base)
        except _Malformed as bad:
            self._failure = JSONParseError(
                bad.reason, text=self.text, offset=bad.offset, snapshot=self._value
            )
        except JSONParseError as exc:
            self._failure = exc
        raise self._failure

    def _scan_tolerant(self, chunk: str, base: int) -> bool:
        """Tolerant mode: a bracket that turns out to be prose ("{as requested}") is skipped.

        The search for the value resumes where the false start broke, so every character
        is read a bounded number of times; limits are never retried past.
        """
        while True:
            try:
                changed = self._scan(chunk, base)
                break
            except _Malformed as bad:
                if self._complete or self._start < 0:
                    raise
                if self._value is not None:
                    self._shown_before_rescan = self._value
                base = max(bad.offset, self._start + 1)
                chunk = self._text_from(base)
                self._reset()
        shown = self._shown_before_rescan
        if changed and shown is not None:
            if _same(self._value, shown):
                return False  # the false start showed this already: no duplicate
            self._shown_before_rescan = None
        return changed

    def _text_from(self, offset: int) -> str:
        """The text from ``offset`` to the end, reading only the parts it spans."""
        parts = self._parts
        start = self._size
        k = len(parts)
        while start > offset:
            k -= 1
            start -= len(parts[k])
        return "".join(parts[k:])[offset - start :]

    def _scan(self, chunk: str, base: int) -> bool:
        n = len(chunk)
        self._base = base
        self._emit = False
        # The common case: the whole chunk is more of the current string.
        if (
            self._state == _STRING
            and not self._esc
            and not self._high
            and _STR_RUN.match(chunk).end() == n  # type: ignore[union-attr]
        ):
            self._str.append(chunk)
            self._str_dirty = True
            return self._refresh()
        i = 0
        while i < n:
            state = self._state
            if state == _STRING:
                i = self._scan_string(chunk, i, n)
                continue
            if state == _NUMBER:
                j = _NUM_RUN.match(chunk, i).end()  # type: ignore[union-attr]
                self._tok += chunk[i:j]
                if j == n:
                    break
                self._end_number(base + j)
                i = j
                continue
            if state == _LITERAL:
                i = self._scan_literal(chunk, i, n)
                continue
            c = chunk[i]
            if c in _WS:
                i = _WS_RUN.match(chunk, i).end()  # type: ignore[union-attr]
                continue
            if state == _AFTER:
                frame = self._stack[-1]
                if c == ",":
                    if frame.is_obj:
                        self._state = _KEY
                    else:
                        self._state = _VALUE
                        self._next = frame.shape.child(None)[1] if not frame.drop else None
                        self._next_done = False
                elif c == ("}" if frame.is_obj else "]"):
                    self._close(base + i)
                else:
                    self._fail(f"expected ',' or '{'}' if frame.is_obj else ']'}'", base + i)
                i += 1
            elif state in (_VALUE, _ARR_FIRST):
                if c == "]" and state == _ARR_FIRST:
                    self._close(base + i)
                    i += 1
                else:
                    i = self._start_value(c, chunk, i, base)
            elif state in (_OBJ_FIRST, _KEY):
                if c == '"':
                    self._begin_string(key=True, offset=base + i)
                elif c == "}" and state == _OBJ_FIRST:
                    self._close(base + i)
                else:
                    self._fail("expected a property name in double quotes", base + i)
                i += 1
            elif state == _COLON:
                if c != ":":
                    self._fail("expected ':' after the property name", base + i)
                self._state = _VALUE
                i += 1
            elif state == _END:
                if self._tolerant:
                    self._state = _TRAIL
                    break
                self._fail("extra data after the JSON value", base + i)
            elif state == _PROSE:
                i = self._skip_prose(chunk, i, n)
            else:  # _TRAIL: text after the value in tolerant mode is ignored
                break
        return self._refresh()

    def finish(self) -> Any:
        """Check the text is one complete JSON value and return the final value."""
        if self._failure is not None:
            raise self._failure
        if self._state == _NUMBER and not self._stack:
            self._emit = False
            try:
                self._end_number(self._size)
            except _Malformed as bad:
                self._failure = JSONParseError(
                    bad.reason, text=self.text, offset=bad.offset, snapshot=self._value
                )
                raise self._failure from None
            self._refresh()
        if not self._complete:
            if self._state == _PROSE:
                raise IncompleteJSONError(
                    "no JSON value found in the text", text=self.text, snapshot=self._value
                )
            raise IncompleteJSONError(
                f"the text ended before the JSON value was complete ({self._where()}, "
                f"offset {self._size})",
                text=self.text,
                snapshot=self._value,
            )
        return self._value

    # --- values -------------------------------------------------------------------------

    def _start_value(self, c: str, chunk: str, i: int, base: int) -> int:
        if c == "{":
            self._open(True, base + i)
            return i + 1
        if c == "[":
            self._open(False, base + i)
            return i + 1
        if c == '"':
            self._begin_string(key=False, offset=base + i)
            return i + 1
        if c == "-" or "0" <= c <= "9":
            self._resolve(NUMBER)
            self._mark_start(base + i)
            self._state = _NUMBER
            self._tok = ""
            return i
        if c in "tfn":
            self._resolve(NULL if c == "n" else BOOL)
            self._mark_start(base + i)
            self._state = _LITERAL
            self._tok = ""
            return i
        self._fail("expected a JSON value", base + i)

    def _mark_start(self, offset: int) -> None:
        if self._start < 0:
            self._start = offset

    def _resolve(self, kind: str) -> None:
        """Pick the concrete shape for the value starting now (None: the value is dropped)."""
        shape = self._next
        wrap: Wrap | None = None
        if shape is not None:
            while isinstance(shape, RootShape):
                wrap = chain(shape, wrap)
                shape = shape.inner
            shape = shape.resolve(kind) if kind != NULL else shape
            while isinstance(shape, RootShape):
                wrap = chain(shape, wrap)
                shape = shape.inner.resolve(kind) if kind != NULL else shape.inner
        self._cur = shape
        self._cur_wrap = wrap

    def _open(self, is_obj: bool, offset: int) -> None:
        self._resolve(OBJECT if is_obj else ARRAY)
        self._mark_start(offset)
        shape = self._cur
        drop = shape is None
        frame = _Frame(is_obj, ANY if drop else shape, self._cur_wrap, self._next_done, drop)
        stack = self._stack
        if self._max_depth is not None and len(stack) >= self._max_depth:
            raise LimitExceededError(
                "max_depth",
                self._max_depth,
                text=self.text,
                offset=offset,
                snapshot=self._value,
                hint=_depth_hint(self._max_depth),
            )
        if frame.hidden and self._hidden_from > len(stack):
            self._hidden_from = len(stack)
        stack.append(frame)
        if is_obj:
            self._state = _OBJ_FIRST
        else:
            self._state = _ARR_FIRST
            self._next = None if drop else frame.shape.child(None)[1]
            self._next_done = False

    def _close(self, offset: int) -> None:
        stack = self._stack
        frame = stack.pop()
        depth = len(stack)
        if self._hidden_from == depth:
            self._hidden_from = 1 << 62
        if frame.drop:
            value = NOTHING
        else:
            shape = frame.shape
            if isinstance(shape, PendingObject):
                chosen = shape.decide_at_end(frame.values)
                value = self._convert_late(chosen, frame.values, offset)
            else:
                value = shape.finish(frame.values)
            if frame.wrap is not None and value is not NOTHING:
                value = frame.wrap.wrap(value)
        # A child shown before and unchanged since: its completion is not a visible change.
        changed = frame.hidden or frame.changed or frame.view is NOTHING
        self._add(value, changed, offset + 1)

    def _add(self, value: Any, changed: bool, end: int) -> None:
        """Attach a complete value to the open container (or make it the root value)."""
        stack = self._stack
        if not stack:
            self._complete = True
            self._end = end
            self._state = _END
            if value is not NOTHING:
                # Even when nothing visible changed (the closing bracket came alone): the
                # last snapshot a user sees says the value is complete.
                self._value = value
                self._emit = True
            return
        frame = stack[-1]
        self._state = _AFTER
        if value is NOTHING:
            return
        shape = frame.shape
        if frame.is_obj:
            shape.add(frame.values, frame.key, value)
            if isinstance(shape, PendingObject) and frame.raw_key == shape.union.discriminator:
                chosen = shape.decide_by_tag(value)
                if chosen is not None:
                    self._decide(frame, chosen)
        else:
            shape.add(frame.values, None, value)
        frame.dirty = True
        if changed:
            frame.changed = True

    def _complete_scalar(self, value: Any, end: int) -> None:
        shape = self._cur
        if shape is None:
            self._add(NOTHING, False, end)
            return
        if value is not None:
            try:
                value = shape.convert(value)
            except Invalid:
                self._add(NOTHING, False, end)
                return
        if self._cur_wrap is not None:
            value = self._cur_wrap.wrap(value)
        self._add(value, True, end)

    def _convert_late(self, shape: Shape, plain: Any, offset: int) -> Any:
        """Plain JSON collected while a union was undecided, as ``shape``'s value."""
        try:
            return convert_any(shape, plain)
        except Invalid:
            return NOTHING
        except RecursionError:
            raise LimitExceededError(
                "nesting inside an undecided union",
                sys.getrecursionlimit(),
                text=self.text,
                offset=offset,
                snapshot=self._value,
                hint="put the discriminator, or a key only one variant has, first",
            ) from None

    def _decide(self, frame: _Frame, chosen: Shape) -> None:
        """Resolve an undecided union object: convert what arrived so far, then show it."""
        wrap = frame.wrap
        model: Any = chosen  # a container shape: a model, a map or free-form JSON
        while isinstance(model, RootShape):
            wrap = chain(model, wrap)
            model = model.inner
        plain = frame.values
        values = model.new(True)
        for key, item in plain.items():
            name, slot_shape, _ = model.child(key)
            if slot_shape is None:
                continue
            converted = self._convert_late(slot_shape, item, self._size)
            if converted is not NOTHING:
                model.add(values, name, converted)
        frame.shape = model
        frame.values = values
        frame.wrap = wrap
        frame.dirty = frame.changed = True
        frame.hidden = frame.drop or frame.done
        if not frame.hidden and self._hidden_from == self._stack.index(frame):
            self._hidden_from = 1 << 62

    # --- strings --------------------------------------------------------------------------

    def _begin_string(self, key: bool, offset: int) -> None:
        self._str = []
        self._str_key = key
        self._state = _STRING
        if key:
            self._str_visible = False
            return
        self._resolve(STRING)
        self._mark_start(offset)
        shape = self._cur
        self._str_visible = (
            shape is not None
            and shape.grows
            and not self._next_done
            and len(self._stack) <= self._hidden_from
        )
        self._str_dirty = self._str_visible
        self._str_view = NOTHING

    def _scan_string(self, chunk: str, i: int, n: int) -> int:
        while i < n:
            if self._esc:
                i = self._scan_escape(chunk, i, n)
                continue
            j = _STR_RUN.match(chunk, i).end()  # type: ignore[union-attr]
            if j > i:
                if self._high:
                    self._flush_high()
                self._str.append(chunk[i:j])
                self._str_dirty = True
            if j == n:
                return n
            c = chunk[j]
            if c == '"':
                self._end_string(self._base + j)
                return j + 1
            if c == "\\":
                self._esc = "\\"
                i = j + 1
                continue
            self._fail("control character in a string (escape it)", self._base + j)
        return i

    def _scan_escape(self, chunk: str, i: int, n: int) -> int:
        esc = self._esc
        if len(esc) == 1:
            c = chunk[i]
            if c == "u":
                self._esc = "\\u"
                return i + 1
            decoded = _SIMPLE_ESCAPES.get(c)
            if decoded is None:
                self._fail(f"invalid escape '\\{c}'", self._base + i)
            self._esc = ""
            if self._high:
                self._flush_high()
            self._str.append(decoded)
            self._str_dirty = True
            return i + 1
        need = 6 - len(esc)
        digits = chunk[i : i + need]
        for k, d in enumerate(digits):
            if d not in _HEX:
                self._fail("invalid \\u escape (four hex digits expected)", self._base + i + k)
        esc += digits
        if len(esc) < 6:
            self._esc = esc
            return n
        self._esc = ""
        code = int(esc[2:], 16)
        if self._high:
            high = ord(self._high)
            self._high = ""
            if 0xDC00 <= code <= 0xDFFF:
                self._str.append(chr(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)))
                self._str_dirty = True
                return i + need
            self._str.append(chr(high))
        if 0xD800 <= code <= 0xDBFF:
            self._high = chr(code)  # wait: the low half may follow, even in the next chunk
        else:
            self._str.append(chr(code))
            self._str_dirty = True
        return i + need

    def _flush_high(self) -> None:
        self._str.append(self._high)
        self._high = ""
        self._str_dirty = True

    def _end_string(self, offset: int) -> None:
        if self._high:
            self._flush_high()
        parts = self._str
        text = parts[0] if len(parts) == 1 else "".join(parts)
        self._str = []
        if self._str_key:
            self._key_done(text)
            return
        if self._str_visible:
            # Shown already with all its text: completing it is not a visible change.
            changed = self._str_dirty
            self._str_visible = False
            self._str_dirty = False
            shape = self._cur
            value = text if self._cur_wrap is None else self._cur_wrap.wrap(text)
            if shape is not None:
                self._add(value, changed, offset + 1)
            return
        self._complete_scalar(text, offset + 1)

    def _key_done(self, key: str) -> None:
        frame = self._stack[-1]
        shape = frame.shape
        frame.raw_key = key
        if isinstance(shape, PendingObject):
            chosen = shape.decide_by_key(key)
            if chosen is not None:
                self._decide(frame, chosen)
                shape = frame.shape
        if frame.drop:
            name, child, done = key, None, False
        else:
            name, child, done = shape.child(key)
            # A repeated key (the last one wins, as in json.loads and pydantic): its new value
            # is held back until complete, then replaces the old one, so no snapshot shows
            # the old value shrinking into the new.
            done = done or shape.holds(frame.values, name)
        frame.key = name
        self._next = child
        self._next_done = done
        self._state = _COLON

    # --- numbers and literals ----------------------------------------------------------

    def _end_number(self, offset: int) -> None:
        tok = self._tok
        m = _NUM_FULL.match(tok)
        if m is None:
            self._fail(f"invalid number {tok!r}", offset - len(tok))
        try:
            value: Any = float(tok) if (m.group(1) or m.group(2)) else int(tok)
        except ValueError as exc:
            self._fail(f"number out of range ({exc})", offset - len(tok))
        self._tok = ""
        self._complete_scalar(value, offset)

    def _scan_literal(self, chunk: str, i: int, n: int) -> int:
        j = _LIT_RUN.match(chunk, i).end()  # type: ignore[union-attr]
        tok = self._tok + chunk[i:j]
        for word, value in _LITERALS.items():
            if tok == word:
                self._tok = ""
                self._complete_scalar(value, self._base + j)
                return j
            if word.startswith(tok) and j == n:
                self._tok = tok  # the rest of the word is in the next chunk
                return n
        self._fail(
            f"invalid literal {tok!r} (expected true, false or null)",
            self._base + j - len(tok) + len(self._tok),
        )

    def _skip_prose(self, chunk: str, i: int, n: int) -> int:
        positions = [p for p in (chunk.find(o, i) for o in self._openers) if p >= 0]
        if not positions:
            return n
        self._state = _VALUE
        return min(positions)

    # --- snapshots ----------------------------------------------------------------------

    def _refresh(self) -> bool:
        """Rebuild the views of the open path that changed; return whether the value did."""
        stack = self._stack
        top = len(stack)
        limit = min(top, self._hidden_from)
        child: Any = NOTHING
        child_changed = False
        if self._state == _STRING and self._str_visible and limit == top:
            if self._str_dirty:
                parts = self._str
                if len(parts) > 1:
                    parts[:] = ["".join(parts)]
                text = parts[0] if parts else ""
                child = text if self._cur_wrap is None else self._cur_wrap.wrap(text)
                self._str_view = child
                self._str_dirty = False
                child_changed = True
            else:
                child = self._str_view
        for index in range(limit - 1, -1, -1):
            frame = stack[index]
            if not (frame.dirty or child_changed):
                child = frame.view
                continue
            view = frame.shape.view(frame.values, frame.key, child)
            if frame.wrap is not None and view is not NOTHING:
                view = frame.wrap.wrap(view)
            if view is NOTHING:
                child_changed = frame.view is not NOTHING
            else:
                child_changed = child_changed or frame.changed or frame.view is NOTHING
            frame.view = view
            frame.dirty = frame.changed = False
            child = view
        if limit == 0 and top == 0:
            if child_changed:
                self._value = child
                return True
            return self._emit
        if limit > 0 and child_changed and child is not NOTHING:
            self._value = child
            return True
        return self._emit

    # --- errors -------------------------------------------------------------------------

    def _where(self) -> str:
        path = "$"
        for frame in self._stack:
            if frame.is_obj:
                path += f".{frame.raw_key}" if frame.raw_key is not None else ""
            else:
                path += f"[{_length(frame.values)}]"
        state = {
            _STRING: "inside a string",
            _NUMBER: "inside a number",
            _LITERAL: "inside a literal",
            _COLON: "after a property name",
            _KEY: "expecting a property name",
            _OBJ_FIRST: "in an object",
            _ARR_FIRST: "in an array",
            _AFTER: "after a value",
            _VALUE: "expecting a value",
        }.get(self._state, "")
        return f"{state} at {path}" if state else f"at {path}"

    def _fail(self, reason: str, offset: int) -> NoReturn:
        raise _Malformed(reason, offset)


def _depth_hint(limit: int) -> str:
    if limit <= PYDANTIC_MAX_DEPTH:
        return (
            f"pydantic's model_validate_json accepts at most {PYDANTIC_MAX_DEPTH} levels, so "
            "deeper JSON could not pass the final validation; for plain parsing raise it "
            "with max_depth=..."
        )
    return "raise it with max_depth=..."


def _same(a: Any, b: Any) -> bool:
    """Whether two values are equal; values nested past Python's stack count as different."""
    try:
        return bool(a == b)
    except RecursionError:
        return False


def _accepts(shape: Shape, kind: str) -> bool:
    while isinstance(shape, RootShape):
        shape = shape.inner
    return shape.resolve(kind) is not None


def _length(values: Any) -> int:
    try:
        return len(values)
    except TypeError:
        return 0


def _finish(parser: SnapshotParser) -> tuple[Any, bool]:
    """The final value, and whether finishing changed it (a top-level number ends with the text)."""
    was_complete = parser.complete
    return parser.finish(), not was_complete


def parse_partial(chunks: Iterable[str], **limits: Any) -> Iterator[Any]:
    """Yield the plain partial JSON value after each chunk that changed it.

    The last value equals ``json.loads`` of the whole text; anything ``json.loads``
    rejects raises ``JSONParseError``, and text that ends early ``IncompleteJSONError``.

    >>> list(parse_partial(['{"a": [1, 2', '2], "b": "x', 'y"}']))
    [{'a': [1]}, {'a': [1, 22], 'b': 'x'}, {'a': [1, 22], 'b': 'xy'}]
    """
    parser = SnapshotParser(None, **limits)
    for chunk in chunks:
        if parser.feed(chunk):
            yield parser.value
    final, changed = _finish(parser)
    if changed:
        yield final


async def aparse_partial(chunks: AsyncIterable[str], **limits: Any) -> AsyncIterator[Any]:
    """The async twin of ``parse_partial``."""
    parser = SnapshotParser(None, **limits)
    async for chunk in chunks:
        if parser.feed(chunk):
            yield parser.value
    final, changed = _finish(parser)
    if changed:
        yield final
