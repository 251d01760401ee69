"""Raw server-sent events: bytes off the wire in, text deltas out, no SDK objects per chunk.

The openai SDK builds a pydantic object per streamed chunk; reading the body raw here
and handing each event to a mode's ``DeltaReader`` is about ten times cheaper per chunk.
"""

from __future__ import annotations

import ssl
import sys
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any, Protocol

from ._errors import StreamError, StreamInterruptedError

__all__ = [
    "AsyncSSETextSource",
    "DeltaReader",
    "SSEDecoder",
    "SSETextSource",
    "ServerEvent",
    "transport_errors",
]

ServerEvent = tuple[str | None, bytes]
"""One dispatched event: its ``event:`` name (``None`` when absent) and its ``data`` bytes."""


class SSEDecoder:
    """Incremental SSE decoder (WHATWG event-stream rules) over byte chunks of any size.

    Lines end in LF, CRLF or CR; ``data`` lines of one event are joined with LF; comments,
    ``id`` and ``retry`` are ignored. An event still open when the body ends is dropped, as
    the spec says, so a connection cut mid-line never yields half an event.
    """

    __slots__ = ("_buffer", "_data", "_event")

    def __init__(self) -> None:
        self._buffer = b""
        self._event: str | None = None
        self._data: list[bytes] = []

    def feed(self, chunk: bytes) -> list[ServerEvent]:
        """Add bytes; return the events they completed (often none, sometimes several)."""
        buffer = self._buffer + chunk if self._buffer else chunk
        held = b""
        if b"\r" in buffer:
            if buffer.endswith(b"\r"):
                # A CR at the end may be the first half of a CRLF: decide with the next byte.
                held, buffer = b"\r", buffer[:-1]
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = buffer.split(b"\n")
        self._buffer = lines.pop() + held
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
    def iter_bytes(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class _AsyncResponse(Protocol):
    def aiter_bytes(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


def _interrupted(exc: BaseException) -> StreamInterruptedError:
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
        try:
            for chunk in self._response.iter_bytes():
                for event, data in decoder.feed(chunk):
                    text = reader.read(event, data)
                    if text:
                        yield text
            reader.finish()
        except StreamError:
            raise
        except transport_errors() as exc:
            raise _interrupted(exc) from exc
        finally:
            self._response.close()

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
        try:
            async for chunk in self._response.aiter_bytes():
                for event, data in decoder.feed(chunk):
                    text = reader.read(event, data)
                    if text:
                        yield text
            reader.finish()
        except StreamError:
            raise
        except transport_errors() as exc:
            raise _interrupted(exc) from exc
        finally:
            await self._response.aclose()

    async def aclose(self) -> None:
        """Close the HTTP response at once (the server sees the connection go)."""
        await self._response.aclose()


def iter_events(chunks: Iterable[bytes]) -> Iterator[ServerEvent]:
    """Decode a whole byte iterable into events (for tests and the recorder)."""
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)


async def aiter_events(chunks: AsyncIterable[bytes]) -> AsyncIterator[ServerEvent]:
    """The async twin of ``iter_events``."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
