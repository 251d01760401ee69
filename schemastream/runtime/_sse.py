"""Raw server-sent events: bytes off the wire in, text deltas out, no SDK objects per chunk.

The openai SDK builds a pydantic object per streamed chunk; reading the body raw here
and handing each event to a mode's ``DeltaReader`` is about ten times cheaper per chunk.
"""

from __future__ import annotations

import ssl
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any, Protocol

from ._errors import StreamError, StreamInterruptedError

__all__ = [
    "AsyncSSETextSource",
    "DeltaReader",
    "SSEDecoder",
    "SSETextSource",
    "ServerEvent",
    "interrupted",
    "transport_errors",
]

ServerEvent = tuple[str | None, bytes]
"""One dispatched event: its ``event:`` name (``None`` when absent) and its ``data`` bytes."""


class SSEDecoder:
    r"""Incremental SSE decoder (WHATWG event-stream rules) over byte chunks of any size.

    Lines end in LF, CRLF or CR; ``data`` lines of one event are joined with LF; comments,
    ``id`` and ``retry`` are ignored. An event still open when the body ends is dropped, as
    the spec says, so a connection cut mid-line never yields half an event.

    >>> decoder = SSEDecoder()
    >>> decoder.feed(b'data: {"a": 1}\n\nevent: done\nda')
    [(None, b'{"a": 1}')]
    >>> decoder.feed(b"ta: [DONE]\r\n\r\n")
    [('done', b'[DONE]')]
    """

    __slots__ = ("_buffer", "_data", "_event", "_skip_lf")

    def __init__(self) -> None:
        self._buffer = b""
        self._skip_lf = False
        self._event: str | None = None
        self._data: list[bytes] = []

    def feed(self, chunk: bytes) -> list[ServerEvent]:
        """Add bytes; return the events they completed (often none, sometimes several)."""
        if not chunk:
            return []
        if self._skip_lf:
            # The last chunk ended in CR, already taken as a line end: drop the LF of a CRLF.
            self._skip_lf = False
            if chunk.startswith(b"\n"):
                chunk = chunk[1:]
        buffer = self._buffer + chunk if self._buffer else chunk
        if b"\r" in buffer:
            self._skip_lf = buffer.endswith(b"\r")
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = buffer.split(b"\n")
        self._buffer = lines.pop()
        events: list[ServerEvent] = []
        data = self._data
        for line in lines:
            if not line:
                if data:
                    events.append((self._event, data[0] if len(data) == 1 else b"\n".join(data)))
                    data = self._data = []
                self._event = None
            elif line.startswith(b"data:"):
                data.append(line[6:] if line.startswith(b"data: ") else line[5:])
            elif line.startswith(b"event:"):
                self._event = line[6:].strip().decode("utf-8", "replace")
        return events


def transport_errors() -> tuple[type[BaseException], ...]:
    """The exceptions an HTTP body read raises when the connection breaks.

    openai 3.x reads through ``httpx2``, earlier releases through ``httpx``; both are
    looked up among loaded modules so neither is imported just to be caught.
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


class DeltaReader(Protocol):
    """What a mode knows about its protocol: which events carry text and how it must end."""

    usage: Any

    def read(self, event: str | None, data: bytes) -> str | None:
        """Return the text delta the event carries, or raise a ``StreamError``."""
        ...

    def finish(self) -> None:
        """Called when the body ended: raise unless the protocol's end was seen."""
        ...


class _Response(Protocol):
    @property
    def headers(self) -> Any: ...

    def iter_bytes(self) -> Iterator[bytes]: ...

    def iter_raw(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class _AsyncResponse(Protocol):
    @property
    def headers(self) -> Any: ...

    def aiter_bytes(self) -> AsyncIterator[bytes]: ...

    def aiter_raw(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


def _encoded(headers: Any) -> bool:
    """Whether the body is compressed; an identity body is read raw, skipping two layers."""
    encoding: str = headers.get("content-encoding", "identity")
    return encoding.strip().lower() != "identity"


def interrupted(exc: BaseException) -> StreamInterruptedError:
    """The error for a connection that broke mid-answer, with the transport error as cause."""
    error = StreamInterruptedError(
        f"the connection broke before the answer was complete ({type(exc).__name__}: {exc}); "
        "retry the request"
    )
    error.__cause__ = exc
    return error


class SSETextSource:
    """A ``TextSource`` over an open HTTP response: iterate for text deltas, then ``usage``."""

    def __init__(self, response: _Response, reader: DeltaReader) -> None:
        self._response = response
        self._reader = reader

    @property
    def usage(self) -> Any:
        """Token usage the server reported (``None`` when it sent none)."""
        return self._reader.usage

    def __iter__(self) -> Iterator[str]:
        reader = self._reader
        decoder = SSEDecoder()
        response = self._response
        chunks = response.iter_bytes() if _encoded(response.headers) else response.iter_raw()
        try:
            for chunk in chunks:
                for event, data in decoder.feed(chunk):
                    text = reader.read(event, data)
                    if text:
                        yield text
            reader.finish()
        except StreamError:
            raise
        except transport_errors() as exc:
            raise interrupted(exc) from exc
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
            response.close()

    def close(self) -> None:
        """Close the HTTP response at once (the server sees the connection go)."""
        self._response.close()


class AsyncSSETextSource:
    """The async twin of ``SSETextSource``."""

    def __init__(self, response: _AsyncResponse, reader: DeltaReader) -> None:
        self._response = response
        self._reader = reader

    @property
    def usage(self) -> Any:
        """Token usage the server reported (``None`` when it sent none)."""
        return self._reader.usage

    def __aiter__(self) -> AsyncIterator[str]:
        return self._deltas()

    async def _deltas(self) -> AsyncIterator[str]:
        reader = self._reader
        decoder = SSEDecoder()
        response = self._response
        chunks = response.aiter_bytes() if _encoded(response.headers) else response.aiter_raw()
        try:
            async for chunk in chunks:
                for event, data in decoder.feed(chunk):
                    text = reader.read(event, data)
                    if text:
                        yield text
            reader.finish()
        except StreamError:
            raise
        except transport_errors() as exc:
            raise interrupted(exc) from exc
        finally:
            aclose = getattr(chunks, "aclose", None)
            if aclose is not None:
                await aclose()
            await response.aclose()

    async def aclose(self) -> None:
        """Close the HTTP response at once (the server sees the connection go)."""
        await self._response.aclose()
