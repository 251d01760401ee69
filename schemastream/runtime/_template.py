"""Event templates: most text events are read without parsing them whole.

A server streams each text delta as the same JSON event with another string in it (and
maybe another counter, such as ``sequence_number``). From the plain text events it has
read in full, a reader learns that template: the bytes around the text's string literal,
with a hole for each number that changed. An event that matches it is the same event
with another text, so only the literal is parsed. A template is checked once, on a probe
event, before it is used; an event that does not match is read in full, as always.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic_core import from_json

from ._wire import loads

__all__ = ["EventTemplate", "TemplateLearner"]

_LITERAL = rb'("[^"\\]*(?:\\.[^"\\]*)*")'
_VALUE = re.compile(rb"[ \t\r\n]*:[ \t\r\n]*" + _LITERAL)
_DIGITS = re.compile(rb"([0-9]+)")
_LONGEST, _ZERO = 18, ord("0")  # of a counter's digits
_QUOTE = ord('"')
_PROBE = "\x7f"
_PROBE_LITERAL = b'\\u007f"'

Parts = list[bytes | None]
"""Bytes, and ``None`` for a counter's digits."""


class EventTemplate:
    """The bytes of a plain text event around its text's string literal (quotes included).

    ``head`` and ``tail`` are the bytes before and after the literal, ``None`` standing for
    a counter's digits. Matching compares the constant bytes, reads each counter as a JSON
    integer and hands back what lies at the literal's place.
    """

    __slots__ = ("_after", "_before", "_prefix", "_start", "_stop", "_suffix", "head", "tail")

    def __init__(self, head: Parts, tail: Parts) -> None:
        self.head = head = _merged(head)
        self.tail = tail = _merged(tail)
        # head: prefix, then (counter, bytes) pairs; tail: (bytes, counter) pairs, suffix.
        self._prefix = head[0] or b""
        self._before = [part for part in head[2::2] if part is not None]
        self._suffix = tail[-1] or b""
        self._after = [part for part in tail[-3::-2] if part is not None]  # last first
        self._start = len(self._prefix)
        self._stop = len(self._suffix)

    def literal(self, data: bytes) -> bytes | None:
        """The bytes at the literal's place if ``data`` matches (the caller checks they are
        one JSON string); each counter must be one (``_counter``)."""
        if not data.startswith(self._prefix) or not data.endswith(self._suffix):
            return None
        start = self._start
        end = len(data) - self._stop
        for part in self._before:  # the bytes after each counter of the head, in order
            at = data.find(part, start, end)
            if at < 0 or not _counter(data[start:at]):
                return None
            start = at + len(part)
        for part in self._after:  # the bytes before each counter of the tail, last first
            at = data.rfind(part, start, end)
            if at < 0 or not _counter(data[at + len(part) : end]):
                return None
            end = at
        return data[start:end]

    def within(self, head: bytes) -> EventTemplate | None:
        """The template of a whole read of one such event: ``head`` (``b"data: "``, or an
        event line and ``b"data: "``) before, the blank line after. ``None`` when the event's
        bytes hold a line break (the data of several lines): a read is then decoded."""
        if any(part is not None and (b"\n" in part or b"\r" in part) for part in self.parts):
            return None
        return EventTemplate([head, *self.head], [*self.tail, b"\n\n"])

    @property
    def parts(self) -> Parts:
        return [*self.head, *self.tail]

    def probe(self, literal: bytes) -> bytes:
        """An event of this template: ``literal`` as the text, 7 in each counter."""
        head = b"".join(b"7" if part is None else part for part in self.head)
        tail = b"".join(b"7" if part is None else part for part in self.tail)
        return head + literal + tail


def _counter(digits: bytes) -> bool:
    """Whether ``digits`` are a counter: a JSON integer both json.loads and pydantic-core
    read (digits, no leading zero, at most 18 of them)."""
    return digits.isdigit() and len(digits) <= _LONGEST and (digits[0] != _ZERO or len(digits) == 1)


def _merged(parts: Parts) -> Parts:
    """Adjacent bytes joined: bytes and counters alternate, bytes at both ends."""
    merged: Parts = [b""]
    for part in parts:
        if part is None:
            merged += [None, b""]
        else:
            merged[-1] = (merged[-1] or b"") + part
    return merged


def _split(data: bytes, key: bytes, text: str) -> tuple[bytes, bytes, bytes] | None:
    """``data`` cut around the string literal of a ``key`` (``b'"content"'``...) reading
    ``text``, the last one if several do."""
    end = len(data)
    while True:
        at = data.rfind(key, 0, end)
        if at < 0:
            return None
        match = _VALUE.match(data, at + len(key))
        if match is not None:
            literal = match.group(1)
            try:
                value = loads(literal)
            except ValueError:
                value = None
            if value == text:
                return data[: match.start(1)], literal, data[match.end(1) :]
        end = at + len(key) - 1


def _counters(before: bytes, after: bytes) -> Parts | None:
    """The bytes both share, with a hole where only digits differ (``None`` if more does)."""
    old = _DIGITS.split(before)
    new = _DIGITS.split(after)
    if len(old) != len(new):
        return None
    parts: Parts = []
    for i, (a, b) in enumerate(zip(old, new, strict=True)):
        if a == b:
            parts.append(a)
        elif i % 2:  # a run of digits
            parts.append(None)
        else:
            return None
    return parts


class TemplateLearner:
    """Learns a reader's template from the plain text events it reads in full.

    ``plain`` reads an event's parsed JSON: the text if the event is a plain text event
    (reading it means returning that text, nothing else), else ``None``. ``key`` is the
    JSON key of that text. A learner that keeps learning templates no event then matches
    (a server that varies more than counters per event) stops trying.
    """

    __slots__ = ("_failures", "_key", "_last", "_plain", "_reads", "hit", "template")

    def __init__(self, key: bytes, plain: Callable[[Any], str | None]) -> None:
        self._key = key
        self._plain = plain
        self._last: tuple[bytes, bytes] | None = None
        self._failures = 0
        self.template: EventTemplate | None = None
        self.hit = False  # whether the current template matched an event
        # The template of whole reads, for the head and template it was made from.
        self._reads: tuple[bytes, EventTemplate, EventTemplate | None] | None = None

    @property
    def learning(self) -> bool:
        return self._failures < 4

    def learn(self, data: bytes, chunk: Any) -> None:
        """After ``data`` (parsed: ``chunk``) was read in full."""
        text = self._plain(chunk)
        if text is None:
            return
        if self.template is not None and not self.hit:
            self._failures += 1  # a plain event the template, never matched, did not match
        cut = _split(data, self._key, text)
        if cut is None:
            self._failures += 1
            return
        head, literal, tail = cut
        candidate = EventTemplate([head], [tail])
        if self._last is not None:
            heads = _counters(self._last[0], head)
            tails = _counters(self._last[1], tail)
            if heads is not None and tails is not None:
                candidate = EventTemplate(heads, tails)
        self._last = (head, tail)
        probe = candidate.probe(literal[:-1] + _PROBE_LITERAL)
        try:
            checked = self._plain(loads(probe))
        except ValueError:
            checked = None
        if checked == text + _PROBE:
            self.template = candidate
            self.hit = False
        else:
            self._failures += 1

    def text(self, data: bytes) -> str | None:
        """The text of ``data`` if it matches the template and its literal parses."""
        template = self.template
        if template is None:
            return None
        literal = template.literal(data)
        return None if literal is None else self._string(literal)

    def read_text(self, read: bytes, head: bytes) -> str | None:
        """The text of a whole read that is ``head``, one event of the template, a blank line.

        The literal must be a string alone: whitespace around it could be a line break,
        which the event-stream rules read otherwise.
        """
        template = self.template
        if template is None:
            return None
        reads = self._reads
        if reads is None or reads[0] is not head or reads[1] is not template:
            reads = self._reads = (head, template, template.within(head))
        whole = reads[2]
        literal = None if whole is None else whole.literal(read)
        if not literal or literal[0] != _QUOTE or literal[-1] != _QUOTE:
            return None
        try:
            text: str = from_json(literal)  # quoted at both ends: a string, or an error
        except ValueError:
            return None  # not one string (or a lone surrogate): the full reading decides
        if not self.hit:
            self.hit = True
        return text

    def _string(self, literal: bytes) -> str | None:
        try:
            text = from_json(literal)
        except ValueError:
            return None  # not one string (or a lone surrogate): the full reading decides
        if text.__class__ is not str:
            return None  # a number or null where the text was: the full reading decides
        if not self.hit:
            self.hit = True
        return text
