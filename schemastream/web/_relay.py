"""Relays: a stream's snapshots in, encoded events out, and a way to hang up from outside.

An async stream is read on the event loop. A sync stream blocks while it reads, so a
worker thread reads it and hands each event to the loop; hanging up closes the stream
from the loop, which wakes the thread's read (the server sees the connection go).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, Protocol

import anyio
import anyio.from_thread
import anyio.to_thread
import openai

from ..runtime import AsyncPartialStream, PartialStream, PatchOperation, StreamError
from ._events import EventWriter

__all__ = ["AsyncRelay", "Emit", "Relay", "ServerFault", "ThreadRelay", "told"]

Emit = Callable[[bytes], Coroutine[Any, Any, None]]
"""Sends one encoded event to the browser."""

_log = logging.getLogger("schemastream.web")


class Relay(Protocol):
    """One stream on its way to one browser."""

    async def start(self) -> None:
        """Send the request to the model (its HTTP errors raise here), if not sent yet."""
        ...

    async def run(self, emit: Emit) -> None:
        """Emit a patch per snapshot, then ``final`` or ``error``."""
        ...

    async def close(self) -> None:
        """Hang up on the model now, whatever ``run`` is doing; safe to call twice."""
        ...


class ServerFault(Exception):
    """What the page is told of an error of the server's own: its message may hold
    anything, so it goes to the log (logger ``schemastream.web``), not to the page."""

    def __init__(self) -> None:
        super().__init__("the server failed while streaming; its log has the details")


def told(error: Exception) -> Exception:
    """What the page is told of ``error``; an error of the server's own is logged here."""
    if isinstance(error, (StreamError, openai.APIError)):  # the answer failed, or the API did
        return error
    _log.error("a stream relayed to a browser failed", exc_info=error)
    return ServerFault()


class AsyncRelay:
    """An ``AsyncPartialStream`` read on the event loop."""

    def __init__(self, stream: AsyncPartialStream[Any, Any], *, standard: bool) -> None:
        self._stream = stream
        self._patches = stream.patches(standard=standard)  # misuse raises in the route

    async def start(self) -> None:
        await self._stream

    async def run(self, emit: Emit) -> None:
        async for event in self._events():
            await emit(event)

    async def _events(self) -> AsyncIterator[bytes]:
        stream = self._stream
        writer = EventWriter()
        try:
            async for operations in self._patches:
                yield writer.patch(operations)
            final = stream.final
        except Exception as exc:
            yield writer.error(told(exc), stream.text)
        else:
            yield writer.final(final)

    async def close(self) -> None:
        await self._stream.aclose()


class ThreadRelay:
    """A ``PartialStream``, or a function that opens one, read in a worker thread.

    ``open`` runs in that thread too, so a sync client's request never blocks the loop.
    """

    def __init__(
        self,
        source: PartialStream[Any, Any] | Callable[[], PartialStream[Any, Any]],
        *,
        standard: bool,
    ) -> None:
        self._standard = standard
        self._stream: PartialStream[Any, Any] | None = None
        self._patches: Iterator[list[PatchOperation]] | None = None
        self._open: Callable[[], PartialStream[Any, Any]] | None = None
        if isinstance(source, PartialStream):
            self._attach(source)  # misuse raises in the route
        else:
            self._open = source
        self._hung_up = threading.Event()
        # A thread per stream, for as long as it runs: not the default pool of 40
        # threads, which a few dozen slow answers would hold up for everyone else.
        self._limiter = anyio.CapacityLimiter(1)

    def _attach(self, stream: PartialStream[Any, Any]) -> None:
        self._patches = stream.patches(standard=self._standard)
        self._stream = stream

    def _opened(self) -> None:
        assert self._open is not None
        self._attach(self._open())

    async def start(self) -> None:
        if self._stream is None:
            await anyio.to_thread.run_sync(self._opened, limiter=self._limiter)

    async def run(self, emit: Emit) -> None:
        await anyio.to_thread.run_sync(self._pump, emit, limiter=self._limiter)

    def _pump(self, emit: Emit) -> None:
        """In the worker thread: read the stream, hand each event to the loop."""
        assert self._stream is not None
        try:
            for event in self._events():
                if self._hung_up.is_set():
                    return  # the read was broken on purpose: nobody is listening
                anyio.from_thread.run(emit, event)
        finally:
            self._stream.close()

    def _events(self) -> Iterator[bytes]:
        stream = self._stream
        assert stream is not None and self._patches is not None
        writer = EventWriter()
        try:
            for operations in self._patches:
                yield writer.patch(operations)
            final = stream.final
        except Exception as exc:
            yield writer.error(told(exc), stream.text)
        else:
            yield writer.final(final)

    async def close(self) -> None:
        self._hung_up.set()
        if self._stream is not None:
            self._stream.close()  # from the loop's thread: wakes the worker's blocked read
