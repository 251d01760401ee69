"""Reasoning text beside or before the JSON: kept for ``stream.reasoning``, never parsed.

Servers send it as ``delta.reasoning_content`` / ``delta.reasoning``, as Responses
reasoning events, or as a leading ``<think>...</think>`` block in the content; a reader
(``ReasoningReader``) collects it in a ``TextBuffer``, and ``ThinkBlock`` takes such a block
off the head of streamed text.
"""

from __future__ import annotations

from ._text import TextBuffer
from ._wire import unclosed_think

__all__ = ["CLOSE", "OPEN", "ReasoningReader", "ThinkBlock", "split_think"]

OPEN = "<think>"
CLOSE = "</think>"
_JSON_SPACE = " \t\r\n"


class ThinkBlock:
    """Takes a ``<think>...</think>`` block that opens the text (after JSON whitespace) off
    a stream of text deltas, its tags cut at any character.

    ``feed`` returns the answer text a delta carries (``""`` while the block lasts: the
    reasoning goes to ``reasoning``). Text that does not open with ``<think>`` passes
    unchanged, as does everything after the block: a ``<think>`` later on, inside a JSON
    string, is answer text. ``open`` says whether a block was opened and not yet closed;
    ``flush`` ends the text (a held ``"<thi"`` was answer text after all). Work per delta
    is proportional to the delta.

    >>> block = ThinkBlock(TextBuffer())
    >>> [block.feed(d) for d in [" <thi", "nk>a {b}</th", "ink>\\n{", '"x": 1}']]
    [' ', '', '\\n{', '"x": 1}']
    >>> block.reasoning.text, block.done
    ('a {b}', True)
    """

    __slots__ = ("_held", "_inside", "done", "reasoning")

    def __init__(self, reasoning: TextBuffer) -> None:
        self.reasoning = reasoning
        self._held = ""  # a piece that may be the start of a tag
        self._inside = False
        self.done = False  # decided: every later delta passes unchanged

    @property
    def open(self) -> bool:
        return self._inside

    def feed(self, text: str) -> str:
        if self.done:
            return text
        if self._inside:
            return self._within(text)
        head = self._held + text
        body = head.lstrip(_JSON_SPACE)
        space = head[: len(head) - len(body)]
        if len(body) < len(OPEN) and OPEN.startswith(body):
            self._held = body  # "", "<", "<th"...: undecided; the whitespace goes on now
            return space
        self._held = ""
        if not body.startswith(OPEN):
            self.done = True
            return head
        self._inside = True
        return space + self._within(body[len(OPEN) :])

    def flush(self) -> str:
        """The end of the text: what was held back as a possible ``<think>``, if anything.

        Inside a block that never closed, a held ``"</thi"`` was reasoning after all.
        """
        held, self._held = self._held, ""
        if self._inside:
            if held:
                self.reasoning.append(held)
            return ""
        if self.done:
            return ""
        self.done = True
        return held

    def _within(self, text: str) -> str:
        text = self._held + text
        end = text.find(CLOSE)
        if end >= 0:
            self.reasoning.append(text[:end])
            self._held = ""
            self._inside = False
            self.done = True
            return text[end + len(CLOSE) :]
        keep = _tag_start(text)
        if keep < len(text):
            self.reasoning.append(text[: len(text) - keep])
        self._held = text[len(text) - keep :]
        return ""


def _tag_start(text: str) -> int:
    """The length of the longest end of ``text`` that may begin ``</think>``."""
    for size in range(min(len(CLOSE) - 1, len(text)), 0, -1):
        if CLOSE.startswith(text[-size:]):
            return size
    return 0


def split_think(text: str) -> tuple[str, str, bool]:
    """A whole answer's leading think block off: (reasoning, answer text, still open).

    >>> split_think('<think>hmm {</think> {"a": 1}')
    ('hmm {', ' {"a": 1}', False)
    >>> split_think('{"a": "<think>"}')
    ('', '{"a": "<think>"}', False)
    """
    reasoning = TextBuffer()
    block = ThinkBlock(reasoning)
    answer = block.feed(text) + block.flush()
    return reasoning.text, answer, block.open


class ReasoningReader:
    """What the protocol readers share about reasoning: the text so far, and the think
    block that may open the answer (``think``), taken off, then out of the way."""

    __slots__ = ("_think", "reasoning")

    def __init__(self, *, think: bool) -> None:
        self.reasoning = TextBuffer()
        self._think: ThinkBlock | None = ThinkBlock(self.reasoning) if think else None

    def _answer(self, text: str) -> str:
        """Answer text, a leading think block taken off (``""`` inside it: progress)."""
        think = self._think
        if think is None:
            return text
        text = think.feed(text)
        if think.done:
            self._think = None
        return text

    def _held(self) -> str | None:
        """At the end: a held ``"<thi"`` was answer text after all."""
        return (self._think.flush() or None) if self._think is not None else None

    def _check_closed(self) -> None:
        """At the end: a think block still open is an answer that never began."""
        if self._think is not None and self._think.open:
            self._think.flush()
            raise unclosed_think()
