"""Raw server-sent events: bytes off the wire in, text deltas out, no SDK objects per chunk.

The openai SDK builds a pydantic object per streamed chunk; reading the body raw here
and handing each event to a mode's ``DeltaReader`` is about ten times cheaper per chunk.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ._errors import MalformedChunkError, StreamError, StreamInterruptedError, StreamLimitError
from ._parser import DEFAULT_MAX_SIZE

if TYPE_CHECKING:
    from openai.types import CompletionUsage
    from openai.types.responses import ResponseUsage

    from ._text import TextBuffer

__all__ = [
    "DEFAULT_MAX_EVENT_SIZE",
    "DEFAULT_MAX_IDLE_EVENTS",
    "AsyncSSETextSource",
    "DeltaReader",
    "Limits",
    "SSEDecoder",
    "SSETextSource",
    "ServerEvent",
    "broken",
    "transport_errors",
]

ServerEvent = tuple[str | None, bytes]
"""One dispatched event: its ``event:`` name (``None`` when absent or empty) and its data."""

DEFAULT_MAX_IDLE_EVENTS = 100_000
"""Events and other lines in a row without answer text or reasoning: then a stream stalled."""

DEFAULT_MAX_EVENT_SIZE = DEFAULT_MAX_SIZE + (64 << 10)
"""Bytes one event (or line) may hold: no more text than a whole document, plus its wrapping."""

_BOM = b"\xef\xbb\xbf"
_CR, _LF = 13, 10  # as ints, ``in`` looks for a byte with memchr


class SSEDecoder:
    r"""Incremental SSE decoder (WHATWG event-stream rules) over byte chunks of any size.

    Lines end in LF, CRLF or CR; ``data`` lines of one event are joined with LF; comments,
    ``id`` and ``retry`` are ignored; one leading byte order mark is skipped. An event
    still open when the body ends is dropped, as the spec says, so a connection cut
    mid-line never yields half an event. One field beyond the spec: ``error: <value>``,
    which llama.cpp's server sent instead of ``data:`` for errors until September 2025,
    is read as an ``error`` event with that data rather than dropped. Work is linear in
    the bytes fed, however the lines are cut, and an unfinished line or event past
    ``max_event_size`` bytes raises ``StreamLimitError``. ``skipped`` counts the lines
    of the last ``feed`` that carried no data (comments, keep-alive blank lines, other
    fields). ``tidy`` says nothing is held (no line, event, CR or BOM check pending), and
    ``head``, ``named`` and ``head_lines`` how the last read of one whole event opened, up
    to its data: its bytes, its event name, the lines before the data line.

    >>> decoder = SSEDecoder()
    >>> decoder.feed(b'data: {"a": 1}\n\nevent: done\nda')
    [(None, b'{"a": 1}')]
    >>> decoder.feed(b"ta: [DONE]\r\n\r\n")
    [('done', b'[DONE]')]
    """

    __slots__ = (
        "_data",
        "_event",
        "_fresh",
        "_held",
        "_limit",
        "_line",
        "_open",
        "_skip_lf",
        "head",
        "head_lines",
        "named",
        "skipped",
        "tidy",
    )

    def __init__(self, max_event_size: int = DEFAULT_MAX_EVENT_SIZE) -> None:
        self._limit = max_event_size
        # The unfinished last line, in pieces, joined once complete. It starts as an empty
        # line so the first bytes take the joining path, which looks for the BOM.
        self._line: list[bytes] = [b""]
        self._fresh = True
        self._held = 0  # bytes in _line
        self._open = 0  # bytes since the event still open began (give or take one chunk)
        self._skip_lf = False
        self._event: str | None = None
        self._data: list[bytes] = []
        self.tidy = False
        self.head = b"data: "
        self.named: str | None = None
        self.head_lines = 0
        self.skipped = 0

    def feed(self, chunk: bytes) -> list[ServerEvent]:
        """Add bytes; return the events they completed (often none, sometimes several)."""
        if self.tidy and chunk.endswith(b"\n\n") and _CR not in chunk:
            # The usual read: one whole event of one data line, as servers write them,
            # maybe named by an event line (the Responses API), often as the last one was.
            head = self.head
            if not chunk.startswith(head):
                head = self._quick_head(chunk)
            if head:
                data = chunk[len(head) : -2]
                if _LF not in data:
                    self.skipped = self.head_lines
                    return [(self.named, data)]
        return self._lines(chunk)

    def _quick_head(self, chunk: bytes) -> bytes:
        """What opens a one-event read up to its data (``b""`` if not one of those forms)."""
        if chunk.startswith(b"data: "):
            self.head, self.named, self.head_lines = b"data: ", None, 0
        elif chunk.startswith(b"event: "):
            end = chunk.find(b"\n")
            if not chunk.startswith(b"data: ", end + 1):
                return b""
            name = chunk[7:end].decode("utf-8", "replace") or None
            self.head, self.named, self.head_lines = chunk[: end + 7], name, 1
        else:
            return b""
        return self.head

    def _lines(self, chunk: bytes) -> list[ServerEvent]:
        if self._skip_lf and chunk:
            # The last chunk ended in CR, already taken as a line end: drop the LF of a CRLF.
            self._skip_lf = False
            if chunk.startswith(b"\n"):
                chunk = chunk[1:]
        if self._line:
            self._line.append(chunk)
            if b"\n" not in chunk and b"\r" not in chunk:
                # Still the same line: keep the piece, copy nothing (a long line stays linear).
                self._held += len(chunk)
                self.skipped = 0
                if self._held + self._open > self._limit:
                    raise _too_large("a server-sent event (or line)", self._limit)
                return []
            buffer = b"".join(self._line)
            self._line = []
            if self._fresh:
                self._fresh = False
                if buffer.startswith(_BOM):
                    buffer = buffer[len(_BOM) :]
        else:
            buffer = chunk
        if b"\r" in buffer:
            self._skip_lf = buffer.endswith(b"\r")
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = buffer.split(b"\n")
        rest = lines.pop()
        events: list[ServerEvent] = []
        data = self._data
        skipped = 0
        for line in lines:
            if not line:
                if data:
                    events.append((self._event, data[0] if len(data) == 1 else b"\n".join(data)))
                    data = self._data = []
                else:
                    skipped += 1
                self._event = None
            elif line.startswith(b"data:"):
                data.append(line[6:] if line.startswith(b"data: ") else line[5:])
            elif line.startswith(b"error:"):
                data.append(line[7:] if line.startswith(b"error: ") else line[6:])
                self._event = "error"
            else:
                skipped += 1
                if line.startswith(b"event:"):
                    name = line[7:] if line.startswith(b"event: ") else line[6:]
                    self._event = name.decode("utf-8", "replace") or None
                elif line == b"data":  # a field without a colon has an empty value
                    data.append(b"")
                elif line == b"event":
                    self._event = None
                elif line == b"error":
                    skipped -= 1
                    data.append(b"")
                    self._event = "error"
        self.skipped = skipped
        if rest or data:
            self._hold(rest, len(buffer) if data else 0)
        else:
            self._open = 0
        self.tidy = not (self._line or data or self._skip_lf) and self._event is None
        return events

    def _hold(self, rest: bytes, opened: int) -> None:
        """Keep the unfinished line; count what the open event holds; refuse past the limit."""
        if rest:
            self._line = [rest]
        self._held = len(rest)
        self._open = self._open + opened if opened else 0
        if self._held + self._open > self._limit:
            raise _too_large("a server-sent event (or line)", self._limit)


def _too_large(what: str, limit: int) -> StreamLimitError:
    return StreamLimitError(
        "max_event_size",
        limit,
        f"{what} is over {limit:,} bytes: more than a whole document may hold "
        "(max_size plus 64 KiB)",
    )


def transport_errors() -> tuple[type[BaseException], ...]:
    """The exceptions an HTTP body read raises when the connection breaks.

    openai 3.x reads through ``httpx2``, earlier releases through ``httpx``; both are
    looked up among loaded modules so neither is imported just to be caught. Their
    ``DecodingError`` (a body that is not the gzip it claims) is one of these too:
    ``broken`` tells it apart.
    """
    errors: list[type[BaseException]] = [ssl.SSLError]
    for name in ("httpx2", "httpx"):
        module = sys.modules.get(name)
        if module is not None:
            errors.append(module.RequestError)
    anyio = sys.modules.get("anyio")
    if anyio is not None:
        errors.append(anyio.EndOfStream)
    return tuple(errors)


def _decoding_errors() -> tuple[type[BaseException], ...]:
    modules = (sys.modules.get(name) for name in ("httpx2", "httpx"))
    return tuple(module.DecodingError for module in modules if module is not None)


@dataclass(frozen=True)
class Limits:
    """What a server may do to one call: its deadline, idle events, event size.

    ``deadline`` is a ``time.monotonic()`` time (``None``: none), ``total_timeout``
    the seconds it was set from, for messages.
    """

    deadline: float | None = None
    total_timeout: float | None = None
    max_idle_events: int = DEFAULT_MAX_IDLE_EVENTS
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE

    def remaining(self) -> float | None:
        """Seconds left before the deadline (``None``: no deadline); raises once it passed."""
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self.timed_out()
        return left

    def timed_out(self) -> StreamLimitError:
        return StreamLimitError(
            "total_timeout",
            self.total_timeout or 0.0,
            f"the answer took longer than total_timeout={self.total_timeout} seconds",
        )

    def too_large(self, what: str) -> StreamLimitError:
        return _too_large(what, self.max_event_size)

    def stalled(self) -> StreamLimitError:
        return StreamLimitError(
            "max_idle_events",
            self.max_idle_events,
            f"the server sent more than {self.max_idle_events:,} events and lines in a row "
            "without answer text or reasoning (max_idle_events)",
        )


def broken(exc: BaseException, limits: Limits) -> StreamError:
    """The error for a body read that failed: undecodable, past the deadline, or cut."""
    error: StreamError
    if isinstance(exc, _decoding_errors()):
        error = MalformedChunkError(
            "the body could not be decoded as its Content-Encoding says", chunk=str(exc)
        )
    elif limits.deadline is not None and time.monotonic() >= limits.deadline:
        error = limits.timed_out()  # the per-read timeout was capped to the deadline
    else:
        error = StreamInterruptedError(
            "the connection broke before the answer was complete "
            f"({type(exc).__name__}: {exc}); retry the request"
        )
    error.__cause__ = exc
    return error


class DeltaReader(Protocol):
    """What a mode knows about its protocol: which events carry text and how it must end."""

    @property
    def usage(self) -> CompletionUsage | ResponseUsage | None: ...

    @property
    def reasoning(self) -> TextBuffer: ...

    def read(self, event: str | None, data: bytes) -> str | None:
        """Return the text delta the event carries, ``""`` for progress without text
        (reasoning), ``None`` for neither; or raise a ``StreamError``."""
        ...

    def quick(self, read: bytes, head: bytes, event: str | None) -> str | None:
        """``read``'s result for a whole read of one event (``head``, the event's data, a
        blank line) the reader can take without decoding it; else ``None``."""
        ...

    def finish(self) -> None:
        """Called when the body ended: raise unless the protocol's end was seen."""
        ...


class _Headers(Protocol):
    def get(self, key: str, default: str) -> str: ...


class _Response(Protocol):
    @property
    def headers(self) -> _Headers: ...

    def iter_bytes(self) -> Iterator[bytes]: ...

    def iter_raw(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class _AsyncResponse(Protocol):
    @property
    def headers(self) -> _Headers: ...

    def aiter_bytes(self) -> AsyncIterator[bytes]: ...

    def aiter_raw(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


def _encoded(headers: _Headers) -> bool:
    """Whether the body is compressed; an identity body is read raw, skipping two layers."""
    return headers.get("content-encoding", "identity").strip().lower() != "identity"


_OPENING_BYTES = 1024  # enough to see what a body opens with
_SHOWN_BYTES = 1 << 20  # of a body that is not an event stream, kept for the error


def _opened(head: list[bytes], chunk: bytes) -> bool:
    """Collect the body's first bytes until something else than blank lines shows."""
    head.append(chunk)
    return bool(chunk.strip()) or sum(map(len, head)) > _OPENING_BYTES


def _not_an_event_stream(head: bytes, headers: _Headers) -> bool:
    """Whether a streaming request got a document (JSON, HTML...) instead of events.

    A body opening with ``{``, ``[`` or ``<`` is one whatever its Content-Type says; under
    another Content-Type than ``text/event-stream``, one not opening like an event stream.
    """
    body = head[len(_BOM) :] if head.startswith(_BOM) else head
    start = body.lstrip(b" \t\r\n")[:1]
    if start in (b"{", b"[", b"<"):
        return True
    kind = headers.get("content-type", "").lower()
    if not kind or "event-stream" in kind or not start:
        return False
    return not body.lstrip(b"\r\n").startswith((b":", b"data", b"event", b"id", b"retry"))


def _document(body: bytes, headers: _Headers) -> MalformedChunkError:
    kind = headers.get("content-type", "") or "no Content-Type"
    return MalformedChunkError(
        f"the server answered the streaming request with a document ({kind}), not an event stream",
        chunk=body[:_SHOWN_BYTES].decode("utf-8", "replace"),
    )


def _rest(head: bytes, chunks: Iterator[bytes]) -> bytes:
    parts = [head]
    for chunk in chunks:
        parts.append(chunk)
        if sum(map(len, parts)) > _SHOWN_BYTES:
            break
    return b"".join(parts)


async def _arest(head: bytes, chunks: AsyncIterator[bytes]) -> bytes:
    parts = [head]
    async for chunk in chunks:
        parts.append(chunk)
        if sum(map(len, parts)) > _SHOWN_BYTES:
            break
    return b"".join(parts)


class SSETextSource:
    """A ``TextSource`` over an open HTTP response: iterate for text deltas, then ``usage``.

    A body that is not an event stream, a server that stalls, and one past ``limits``
    raise typed errors; so does a body that ends before the protocol's end.
    """

    def __init__(self, response: _Response, reader: DeltaReader, limits: Limits) -> None:
        self._response = response
        self._reader = reader
        self._limits = limits
        self._ended = False

    @property
    def usage(self) -> CompletionUsage | ResponseUsage | None:
        """Token usage the server reported (``None`` when it sent none)."""
        return self._reader.usage

    @property
    def reasoning(self) -> str:
        """The reasoning text received so far."""
        return self._reader.reasoning.text

    def __iter__(self) -> Iterator[str]:
        reader = self._reader
        limits = self._limits
        decoder = SSEDecoder(limits.max_event_size)
        response = self._response
        headers = response.headers
        chunks = response.iter_bytes() if _encoded(headers) else response.iter_raw()
        read = self._reader.read
        quick = self._reader.quick
        feed = decoder.feed
        deadline = limits.deadline
        max_idle = limits.max_idle_events
        idle = 0
        head: list[bytes] | None = []  # the opening bytes, until they show what the body is
        try:
            for chunk in chunks:
                if head is not None:
                    if not _opened(head, chunk):
                        continue
                    chunk = b"".join(head)
                    head = None
                    if _not_an_event_stream(chunk, headers):
                        raise _document(_rest(chunk, chunks), headers)
                text = quick(chunk, decoder.head, decoder.named) if decoder.tidy else None
                if text is not None:  # one plain event: no decoding, no parsing in full
                    idle = decoder.head_lines
                    if text:
                        yield text
                else:
                    for event, data in feed(chunk):
                        text = read(event, data)
                        if text:
                            idle = 0
                            yield text
                        elif text is None:
                            idle += 1
                        else:
                            idle = 0  # reasoning: progress, though no text
                    idle += decoder.skipped
                if idle > max_idle:
                    raise limits.stalled()
                if deadline is not None and time.monotonic() > deadline:
                    raise limits.timed_out()
            reader.finish()
        except StreamError:
            raise
        except transport_errors() as exc:
            raise broken(exc, limits) from exc
        finally:
            self._ended = True
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
            response.close()

    def close(self) -> None:
        """Close the HTTP response at once (the server sees the connection go).

        Safe from another thread than the one reading: the socket is shut down first,
        which wakes a blocked read (closing it alone would not, on Linux).
        """
        if not self._ended:  # else the connection may be back in the pool, reused
            _shut_down(self._response)
        self._response.close()


def _shut_down(response: _Response) -> None:
    """Shut the response's socket down, whatever thread is blocked reading it."""
    extensions = getattr(response, "extensions", None) or {}
    network = extensions.get("network_stream")
    sock = network.get_extra_info("socket") if network is not None else None
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class AsyncSSETextSource:
    """The async twin of ``SSETextSource``."""

    def __init__(self, response: _AsyncResponse, reader: DeltaReader, limits: Limits) -> None:
        self._response = response
        self._reader = reader
        self._limits = limits

    @property
    def usage(self) -> CompletionUsage | ResponseUsage | None:
        """Token usage the server reported (``None`` when it sent none)."""
        return self._reader.usage

    @property
    def reasoning(self) -> str:
        """The reasoning text received so far."""
        return self._reader.reasoning.text

    def __aiter__(self) -> AsyncIterator[str]:
        return self._deltas()

    async def _deltas(self) -> AsyncIterator[str]:
        reader = self._reader
        limits = self._limits
        decoder = SSEDecoder(limits.max_event_size)
        response = self._response
        headers = response.headers
        chunks = response.aiter_bytes() if _encoded(headers) else response.aiter_raw()
        read = self._reader.read
        quick = self._reader.quick
        feed = decoder.feed
        deadline = limits.deadline
        max_idle = limits.max_idle_events
        idle = 0
        head: list[bytes] | None = []
        try:
            async for chunk in chunks:
                if head is not None:
                    if not _opened(head, chunk):
                        continue
                    chunk = b"".join(head)
                    head = None
                    if _not_an_event_stream(chunk, headers):
                        raise _document(await _arest(chunk, chunks), headers)
                text = quick(chunk, decoder.head, decoder.named) if decoder.tidy else None
                if text is not None:  # one plain event: no decoding, no parsing in full
                    idle = decoder.head_lines
                    if text:
                        yield text
                else:
                    for event, data in feed(chunk):
                        text = read(event, data)
                        if text:
                            idle = 0
                            yield text
                        elif text is None:
                            idle += 1
                        else:
                            idle = 0  # reasoning: progress, though no text
                    idle += decoder.skipped
                if idle > max_idle:
                    raise limits.stalled()
                if deadline is not None and time.monotonic() > deadline:
                    raise limits.timed_out()
            reader.finish()
        except StreamError:
            raise
        except transport_errors() as exc:
            raise broken(exc, limits) from exc
        finally:
            aclose = getattr(chunks, "aclose", None)
            if aclose is not None:
                await aclose()
            await response.aclose()

    async def aclose(self) -> None:
        """Close the HTTP response at once (the server sees the connection go)."""
        await self._response.aclose()
