"""Every error the schemastream runtime raises, in one hierarchy.

    SchemaStreamError
    └── StreamError                 .text (raw JSON received), .snapshot (last snapshot or None),
        │                           .reasoning (reasoning text received beside the JSON)
        ├── JSONParseError          malformed JSON: .offset, .line, .column, .excerpt
        │   └── LimitExceededError  depth or document size past a configured limit: .limit
        ├── IncompleteJSONError     the text ended before the JSON value was complete
        ├── StreamInterruptedError  the connection ended without a finish (cut, dropped)
        ├── LengthLimitError        finish_reason "length" / Responses "incomplete"
        ├── ContentFilterError      finish_reason "content_filter"
        ├── RefusalError            the model refused: .refusal
        ├── MalformedChunkError     a server answer that is not what the protocol says: .chunk
        ├── UnexpectedToolCallError the model called another tool, or the forced one twice: .tool
        ├── MissingToolCallError    tools mode: the model answered in content, calling no tool
        ├── StreamLimitError        past a limit of the client loop (total_timeout...): .limit
        └── FinalValidationError    the complete JSON failed the full model: .errors

Errors from the openai SDK itself (HTTP status, timeouts, auth) are not wrapped: they
propagate as the SDK raised them. Every StreamError carries what was received, so a
failure never loses data: ``err.text``, ``err.snapshot`` and ``err.reasoning``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from pydantic_core import ErrorDetails

if TYPE_CHECKING:
    from typing import TypeAlias

    from pydantic import BaseModel

__all__ = [
    "ContentFilterError",
    "FinalValidationError",
    "IncompleteJSONError",
    "JSONParseError",
    "LengthLimitError",
    "LimitExceededError",
    "MalformedChunkError",
    "MissingToolCallError",
    "RefusalError",
    "SchemaStreamError",
    "Snapshot",
    "StreamError",
    "StreamInterruptedError",
    "StreamLimitError",
    "UnexpectedToolCallError",
]

JSONValue: TypeAlias = dict[str, "JSONValue"] | list["JSONValue"] | str | int | float | bool | None
Snapshot: TypeAlias = Union["BaseModel", JSONValue]
"""What ``err.snapshot`` holds: the last ``Partial<Name>`` snapshot of a model stream (a
pydantic model: narrow it with ``isinstance``), the plain JSON value of ``parse_partial``,
or ``None`` when nothing was visible yet."""


class SchemaStreamError(Exception):
    """Base class of every schemastream error."""


class StreamError(SchemaStreamError):
    """A stream that did not end in a complete, valid value.

    ``text`` is the raw JSON text received so far and ``snapshot`` the last snapshot
    yielded (``None`` when there was none); ``reasoning`` is the reasoning text the model
    sent beside or before the JSON (``""`` when none), so nothing received is lost.
    """

    # Whether this ending, come before any JSON but after reasoning, is worth saying so.
    _ends_reasoning = False

    def __init__(self, message: str, *, text: str = "", snapshot: Snapshot = None) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.snapshot = snapshot
        self.reasoning = ""
        self.attempts = 1

    def __str__(self) -> str:
        return self.message

    def add_reasoning(self, reasoning: str) -> None:
        """Keep the reasoning received; a length limit, refusal or filter that came while
        the model was still reasoning (no JSON yet) says so in its message."""
        self.reasoning = reasoning
        if reasoning and self._ends_reasoning and not self.text.strip():
            self.message += (
                f" (while the model was still reasoning: {len(reasoning):,} characters of "
                "reasoning, in .reasoning, and no JSON yet)"
            )
            self.args = (self.message,)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _excerpt(text: str, offset: int, width: int = 24) -> str:
    start = max(0, offset - width)
    before = text[start:offset]
    after = text[offset : offset + width]
    return f"{'...' if start else ''}{before!r} >>> {after!r}"


class JSONParseError(StreamError):
    """The text is not JSON. ``offset`` is 0-based; ``line`` and ``column`` are 1-based."""

    _what = "invalid JSON"

    def __init__(self, reason: str, *, text: str, offset: int, snapshot: Snapshot = None) -> None:
        self.reason = reason
        self.offset = offset
        self.line, self.column = _position(text, offset)
        self.excerpt = _excerpt(text, offset)
        message = (
            f"{self._what} at line {self.line}, column {self.column} (offset {offset}): "
            f"{reason}; near {self.excerpt}"
        )
        super().__init__(message, text=text, snapshot=snapshot)


class LimitExceededError(JSONParseError):
    """The document went past a configured limit (``max_depth`` or ``max_size``)."""

    _what = "limit exceeded"

    def __init__(
        self,
        limit: str,
        value: int,
        *,
        text: str,
        offset: int,
        snapshot: Snapshot = None,
        hint: str | None = None,
    ) -> None:
        self.limit = limit
        self.value = value
        reason = f"{limit} of {value} exceeded ({hint or f'raise it with {limit}=...'})"
        super().__init__(reason, text=text, offset=offset, snapshot=snapshot)


class IncompleteJSONError(StreamError):
    """The text ended before the JSON value was complete."""


class StreamInterruptedError(StreamError):
    """The HTTP stream ended without a finish: a dropped or cut connection."""


class LengthLimitError(StreamError):
    """The model stopped at its token limit (finish_reason "length", Responses "incomplete")."""

    _ends_reasoning = True


class ContentFilterError(StreamError):
    """The provider's content filter stopped the answer."""

    _ends_reasoning = True


class RefusalError(StreamError):
    """The model refused to answer; ``refusal`` is its message."""

    _ends_reasoning = True

    def __init__(self, refusal: str, *, text: str = "", snapshot: Snapshot = None) -> None:
        self.refusal = refusal
        super().__init__(f"the model refused: {refusal}", text=text, snapshot=snapshot)


class MalformedChunkError(StreamError):
    """The server's answer did not have the shape the protocol promises.

    ``chunk`` is what was received: the event's raw text, or the whole body when a
    streaming request got a JSON or HTML document instead of an event stream.
    """

    def __init__(
        self, message: str, *, chunk: str, text: str = "", snapshot: Snapshot = None
    ) -> None:
        self.chunk = chunk
        super().__init__(f"{message}: {chunk[:200]!r}", text=text, snapshot=snapshot)


class FinalValidationError(StreamError):
    """The complete JSON did not validate against the full model.

    ``errors`` is pydantic's list of errors; the ``ValidationError`` is the ``__cause__``.
    """

    def __init__(
        self, model: str, errors: list[ErrorDetails], *, text: str, snapshot: Snapshot = None
    ) -> None:
        self.model = model
        self.errors = errors
        lines = [
            f"  {'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in errors[:10]
        ]
        more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
        message = f"the complete JSON is not a valid {model}:\n" + "\n".join(lines) + more
        super().__init__(message, text=text, snapshot=snapshot)


class UnexpectedToolCallError(StreamError):
    """In ``tools`` mode, a tool call other than the one forced call the answer must be.

    ``tool`` is the function the model called (``None`` when the server did not name it)
    and ``index`` its place among the calls: another function, or the forced one a
    second time (several answers where one was asked for; never silently dropped).
    """

    def __init__(self, message: str, *, tool: str | None, index: int) -> None:
        self.tool = tool
        self.index = index
        super().__init__(message)


class MissingToolCallError(StreamError):
    """In ``tools`` mode, the model answered in ``content`` and called no tool.

    Some servers do not enforce ``tool_choice`` (Ollama ignores it), so a model may write
    its answer as text instead of calling the forced function. ``text`` holds that content;
    ``json_schema`` mode asks such servers for the schema in a way they enforce.
    """


class StreamLimitError(StreamError):
    """The stream went past a limit of the client loop; ``limit`` names it, ``value`` is its value.

    ``"total_timeout"``: the whole answer took longer than that many seconds.
    ``"max_idle_events"``: that many events (or comments) in a row carried no answer text.
    ``"max_event_size"``: one server-sent event line or event was larger than that many bytes.
    """

    def __init__(self, limit: str, value: float, message: str) -> None:
        self.limit = limit
        self.value = value
        super().__init__(message)
