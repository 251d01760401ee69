"""The JSON lexer: text in chunks of any size in, calls on a ``TokenSink`` out.

It knows RFC 8259's grammar (what may follow what) and nothing of snapshots. Strings are
decoded (every escape; ``\\uXXXX`` and surrogate pairs split anywhere), numbers and
literals completed, containers opened and closed, without recursion.
"""

from __future__ import annotations

import re
from _json import scanstring  # the C decoder of JSON strings, as json.loads uses
from typing import Protocol

from ._shape import BOOL, NULL, NUMBER, Kind

__all__ = ["Lexer", "Malformed", "TokenSink", "TooDeep"]


class Malformed(Exception):
    """The text is not JSON at ``offset`` (internal: the parser raises ``JSONParseError``)."""

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(reason, offset)
        self.reason = reason
        self.offset = offset


class TooDeep(Exception):
    """A bracket at ``offset`` would nest past ``max_depth`` (internal, as ``Malformed``)."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class TokenSink(Protocol):
    """What the lexer reports, in text order. Offsets count characters from the start."""

    def open(self, is_object: bool, offset: int) -> None:
        """``{`` or ``[`` at ``offset``."""

    def key(self, key: str) -> None:
        """An object key, complete (its colon follows)."""

    def close(self, offset: int) -> None:
        """The ``}`` or ``]`` at ``offset`` closing the innermost container."""

    def string_start(self, offset: int) -> None:
        """A string value opens at ``offset``; its text so far is ``Lexer.string_so_far``."""

    def string_grew(self) -> None:
        """The open string value grew (reported once per chunk, and before its end)."""

    def string_end(self, text: str, end: int) -> None:
        """The string value is complete: ``text`` decoded, its closing quote before ``end``."""

    def scalar(self, value: bool | int | float | None, kind: Kind, start: int, end: int) -> None:
        """A number, ``true``, ``false`` or ``null`` spanning ``start:end``."""


# Lexer states: what the next character may be. The order matters to ``scan``: the two
# string states come first, then those where whitespace is skipped.
_STRING = 0  # inside a string value
_KEY_STRING = 1  # inside a key
_VALUE = 2  # a value (after ':', after ',' in an array, at the start)
_ITEM = 3  # after '[': a value or ']'
_FIRST_KEY = 4  # after '{': a key or '}'
_KEY = 5  # after ',' in an object: a key
_COLON = 6  # after a key
_AFTER = 7  # after a value in a container: ',' or the closing bracket
_DONE = 8  # after the whole value: only whitespace may follow
_NUMBER = 9  # inside a number
_LITERAL = 10  # inside true, false or null
_PROSE = 11  # tolerant mode, before the value: anything but an opening bracket is skipped
_TRAIL = 12  # tolerant mode, after the value: everything is skipped

_DESCRIBE = {
    _VALUE: "expecting a value",
    _ITEM: "in an array",
    _FIRST_KEY: "in an object",
    _KEY: "expecting a property name",
    _COLON: "after a property name",
    _AFTER: "after a value",
    _STRING: "inside a string",
    _KEY_STRING: "inside a property name",
    _NUMBER: "inside a number",
    _LITERAL: "inside a literal",
}

_WS = " \t\n\r"
_WS_RUN = re.compile(r"[ \t\n\r]*")
# Plain characters and complete escapes: what can be decoded now.
_PIECE = re.compile(r'[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*')
# What ends a run of plain string text: the closing quote, an escape, or an error.
_SPECIAL = re.compile(r'["\\\x00-\x1f]')
# The start of an escape cut by the end of the chunk: read again with the next one.
_ESCAPE_START = re.compile(r"\\(?:u[0-9a-fA-F]{0,3})?")
_ESCAPES = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)")
_HIGH_SURROGATE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}")
_NUM_RUN = re.compile(r"[0-9eE.+\-]*")
_NUM_FULL = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_LIT_RUN = re.compile(r"[a-z]*")
_LITERALS: dict[str, tuple[bool | None, Kind]] = {
    "true": (True, BOOL),
    "false": (False, BOOL),
    "null": (None, NULL),
}


class Lexer:
    """Feed ``scan`` the text in order; it calls the sink once per token.

    With ``openers`` (tolerant mode) text before the value is skipped up to the first of
    those brackets, and text after the value is ignored; ``None`` reads strict JSON.
    """

    __slots__ = (
        "_objects",
        "_openers",
        "_parts",
        "_pending",
        "_sink",
        "_state",
        "_token_start",
        "end",
        "grew",
        "max_depth",
        "start",
    )

    def __init__(self, sink: TokenSink, *, max_depth: int | None, openers: str | None) -> None:
        self._sink = sink
        self.max_depth = max_depth
        self._openers: re.Pattern[str] | None = None
        if openers is not None:  # "(?!)" never matches: the value's shape takes no bracket
            self._openers = re.compile(f"[{re.escape(openers)}]" if openers else "(?!)")
        self._state = _VALUE if self._openers is None else _PROSE
        self._objects: list[bool] = []  # the open containers, innermost last: object or array
        self._parts: list[str] = []  # the string, number or literal so far
        self._pending = ""  # an escape cut by the end of a chunk: read again with the next
        self._token_start = 0
        #: whether the open string value grew since the flag was last cleared
        self.grew = False
        #: where the value starts and ends (-1: not yet)
        self.start = -1
        self.end = -1

    @property
    def complete(self) -> bool:
        """Whether the whole value has been read."""
        return self.end >= 0

    @property
    def in_string(self) -> bool:
        """Whether a string value is open."""
        return self._state == _STRING

    def string_so_far(self) -> str:
        """The decoded text of the open string."""
        parts = self._parts
        if len(parts) > 1:
            parts[:] = ["".join(parts)]
        return parts[0] if parts else ""

    def where(self) -> str:
        """What the lexer expects next, in words."""
        return _DESCRIBE.get(self._state, "")

    def scan(self, chunk: str, base: int) -> None:
        """Read ``chunk``, which starts at offset ``base`` of the text."""
        if self._pending:
            base -= len(self._pending)
            chunk = self._pending + chunk
            self._pending = ""
        state = self._state
        if state == _STRING and _SPECIAL.search(chunk) is None:
            # The most common chunk: more of a string value, and nothing else.
            self._parts.append(chunk)
            self._sink.string_grew()
            return
        n = len(chunk)
        i = 0
        sink = self._sink
        objects = self._objects
        # The hot loop: ``state`` lives in a local and goes back to ``self._state`` before
        # any call that reads it. Punctuation is handled inline; escapes, numbers and
        # literals by their methods.
        while i < n:
            if state <= _KEY_STRING:
                found = _SPECIAL.search(chunk, i)
                if found is None:  # more of the string, nothing else
                    self._parts.append(chunk[i:] if i else chunk)
                    if state == _STRING:
                        self.grew = True
                    break
                j = found.start()
                if chunk[j] != '"':
                    i = self._escapes(chunk, i, j, base, state)
                    continue
                parts = self._parts
                if j > i:
                    parts.append(chunk[i:j])
                    if state == _STRING:
                        self.grew = True
                if self.grew:  # told while the text so far is readable
                    self.grew = False
                    sink.string_grew()
                text = parts[0] if len(parts) == 1 else "".join(parts)
                parts.clear()
                i = j + 1
                if state == _KEY_STRING:
                    sink.key(text)
                    # The usual separator read at once: ": " before the value.
                    if chunk.startswith(": ", i):
                        state = _VALUE
                        i += 2
                    else:
                        state = _COLON
                    continue
                sink.string_end(text, base + i)
                state = self._value_done(base + i)
                continue
            c = chunk[i]
            if c in _WS and state <= _DONE:
                i += 1  # mostly one space: a run (indented text) is skipped at once
                if i < n and chunk[i] in _WS:
                    i = _WS_RUN.match(chunk, i).end()  # type: ignore[union-attr]  # matches
                continue
            if state == _AFTER:
                if c == ",":
                    i += 1
                    if not objects[-1]:
                        state = _VALUE
                    elif chunk.startswith(' "', i):  # the usual separator, read at once
                        state = _KEY_STRING
                        i += 2
                    else:
                        state = _KEY
                    continue
                if c != ("}" if objects[-1] else "]"):
                    expected = "'}'" if objects[-1] else "']'"
                    raise Malformed(f"expected ',' or {expected}", base + i)
            elif state in (_KEY, _FIRST_KEY):
                if c == '"':
                    state = _KEY_STRING
                    i += 1
                    continue
                if c != "}" or state == _KEY:
                    raise Malformed("expected a property name in double quotes", base + i)
            elif state == _COLON:
                if c != ":":
                    raise Malformed("expected ':' after the property name", base + i)
                state = _VALUE
                i += 1
                continue
            elif state in (_VALUE, _ITEM):
                if c == '"':
                    if self.start < 0:
                        self.start = base + i
                    state = _STRING
                    sink.string_start(base + i)
                    i += 1
                    continue
                if c != "]" or state == _VALUE:
                    self._state = state
                    i = self._value(chunk, i, base)
                    state = self._state
                    continue
            elif state in (_NUMBER, _LITERAL):
                self._state = state
                i = (self._number if state == _NUMBER else self._literal)(chunk, i, base)
                state = self._state
                continue
            elif state == _DONE:
                raise Malformed("extra data after the JSON value", base + i)
            elif state == _PROSE:
                found = self._openers.search(chunk, i)  # type: ignore[union-attr]  # tolerant
                if found is None:
                    break
                state = _VALUE
                i = found.start()
                continue
            else:  # _TRAIL: text after the value in tolerant mode is not read
                break
            # A closing bracket: it ends the innermost container.
            objects.pop()
            sink.close(base + i)
            i += 1
            state = self._value_done(base + i)
        self._state = state
        if self.grew:
            self.grew = False
            sink.string_grew()

    def finish(self, offset: int) -> None:
        """The text ended at ``offset``: a number at the top level is complete now."""
        if self._state == _NUMBER and not self._objects:
            self._end_number(offset)

    # --- values ------------------------------------------------------------------------

    def _value(self, chunk: str, i: int, base: int) -> int:
        """A value other than a string starts at ``i`` (strings start in ``scan``)."""
        c = chunk[i]
        offset = base + i
        if self.start < 0:
            self.start = offset
        if c == "{" or c == "[":
            objects = self._objects
            if self.max_depth is not None and len(objects) >= self.max_depth:
                raise TooDeep(offset)
            self._sink.open(c == "{", offset)
            objects.append(c == "{")
            self._state = _FIRST_KEY if c == "{" else _ITEM
            return i + 1
        if c == "-" or "0" <= c <= "9":
            self._state = _NUMBER
            self._token_start = offset
            return self._number(chunk, i, base)
        if c == "t" or c == "f" or c == "n":
            self._state = _LITERAL
            self._token_start = offset
            return self._literal(chunk, i, base)
        raise Malformed("expected a JSON value", offset)

    def _value_done(self, end: int) -> int:
        """The state after a value that ends at ``end``: its container goes on, or all is read."""
        if self._objects:
            return _AFTER
        self.end = end
        return _TRAIL if self._openers is not None else _DONE

    # --- strings -------------------------------------------------------------------------

    def _escapes(self, chunk: str, i: int, j: int, base: int, state: int) -> int:
        """Decode the string's text from ``i``, where ``j`` is not plain; return where to go on.

        Plain text and complete escapes are decoded at once; an escape cut by the end of
        the chunk (or a high surrogate whose low half may follow) waits for the next one.
        """
        if chunk[j] != "\\":
            raise Malformed("control character in a string (escape it)", base + j)
        n = len(chunk)
        end = _PIECE.match(chunk, i).end()  # type: ignore[union-attr]  # always matches
        piece = chunk[i:end]
        if end == n or (chunk[end] == "\\" and _cut_escape(chunk, end)):
            held = _held_surrogate(piece)
            if held >= 0:
                piece = piece[:held]
                end = i + held
            self._pending = chunk[end:]
            end = n
        elif chunk[end] == "\\":
            if chunk[end + 1] == "u":
                bad = _ESCAPE_START.match(chunk, end).end()  # type: ignore[union-attr]  # matches
                raise Malformed("invalid \\u escape (four hex digits expected)", base + bad)
            raise Malformed(f"invalid escape '\\{chunk[end + 1]}'", base + end + 1)
        if piece:
            self._parts.append(scanstring(piece + '"', 0)[0] if "\\" in piece else piece)
            if state == _STRING:
                self.grew = True
        return end

    # --- numbers and literals ----------------------------------------------------------------

    def _number(self, chunk: str, i: int, base: int) -> int:
        j = _NUM_RUN.match(chunk, i).end()  # type: ignore[union-attr]  # always matches
        self._parts.append(chunk[i:j])
        if j == len(chunk):
            return j  # the number may go on in the next chunk
        self._end_number(base + j)
        return j

    def _end_number(self, end: int) -> None:
        parts = self._parts
        token = parts[0] if len(parts) == 1 else "".join(parts)
        parts.clear()
        start = self._token_start
        m = _NUM_FULL.fullmatch(token)
        if m is None:
            raise Malformed(f"invalid number {token[:40]!r}", start)
        try:
            value: int | float = float(token) if (m.group(1) or m.group(2)) else int(token)
        except ValueError as exc:
            raise Malformed(f"number out of range ({exc})", start) from None
        self._sink.scalar(value, NUMBER, start, end)
        self._state = self._value_done(end)

    def _literal(self, chunk: str, i: int, base: int) -> int:
        j = _LIT_RUN.match(chunk, i).end()  # type: ignore[union-attr]  # always matches
        token = "".join(self._parts) + chunk[i:j]
        self._parts.clear()
        known = _LITERALS.get(token)
        if known is not None:
            self._sink.scalar(known[0], known[1], self._token_start, base + j)
            self._state = self._value_done(base + j)
            return j
        if j == len(chunk) and any(word.startswith(token) for word in _LITERALS):
            self._parts.append(token)  # the rest of the word is in the next chunk
            return j
        raise Malformed(
            f"invalid literal {token[:40]!r} (expected true, false or null)", self._token_start
        )


def _cut_escape(chunk: str, j: int) -> bool:
    """Whether the escape at ``j`` is only cut short by the end of the chunk."""
    return _ESCAPE_START.match(chunk, j).end() == len(chunk)  # type: ignore[union-attr]


def _held_surrogate(piece: str) -> int:
    """Where a high-surrogate escape ending ``piece`` starts (-1: none): its pair may follow."""
    if piece[-6:-4] != "\\u" or piece[-4] not in "dD" or piece[-3] not in "89abAB":
        return -1
    last = None
    for last in _ESCAPES.finditer(piece):  # noqa: B007  # the last escape is the one wanted
        pass
    if last is None or last.end() != len(piece) or not _HIGH_SURROGATE.fullmatch(last.group()):
        return -1
    return last.start()
