"""``sse_response``: a stream as a Starlette response of server-sent events.

The request to the model goes out before the response starts, so its HTTP errors get an
HTTP status; once the events flow, a failure is the ``error`` event. The browser leaving
cancels the relay and hangs up on the model.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import anyio
import anyio.abc
import openai
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from ..runtime import AsyncPartialStream, PartialStream
from ._events import PING, error_fields
from ._relay import AsyncRelay, Emit, Relay, ThreadRelay

__all__ = ["DEFAULT_PING_INTERVAL", "EventStreamResponse", "sse_response", "upstream_error"]

DEFAULT_PING_INTERVAL = 15.0
"""Seconds of silence after which a comment line is sent, so that no proxy times out."""

_HEADERS = {
    "Cache-Control": "no-cache, no-transform",  # no-transform: no proxy compresses (buffers) it
    "X-Accel-Buffering": "no",  # nginx: pass each event on at once
}

_END = {"type": "http.response.body", "body": b"", "more_body": False}


def sse_response(
    stream: AsyncPartialStream[Any, Any]
    | PartialStream[Any, Any]
    | Callable[[], PartialStream[Any, Any]],
    *,
    ping_interval: float = DEFAULT_PING_INTERVAL,
    standard: bool = False,
    headers: Mapping[str, str] | None = None,
) -> EventStreamResponse:
    """Serve ``stream`` to a browser as server-sent events (``text/event-stream``).

    Events: ``patch`` per snapshot (its JSON Patch operations), then ``final`` (the
    validated model's JSON, by alias) or ``error`` (``type``, ``message``, ``text``);
    ``id:`` counts from 1; a comment line every ``ping_interval`` seconds of silence.

    ``stream`` is an async stream (its request goes out before the response starts, so
    the model's HTTP errors answer with a status: see ``upstream_error``), a sync stream
    (read in a worker thread), or a function returning one (called in that thread: its
    request never blocks the event loop, and its HTTP errors answer with a status too).
    ``standard=True`` sends plain RFC 6902 operations (``replace`` for a growing string).
    When the browser goes away, the stream is closed: the model's server sees the hang-up.
    """
    if ping_interval <= 0:
        raise ValueError(f"ping_interval must be positive, not {ping_interval!r}")
    relay: Relay
    if isinstance(stream, AsyncPartialStream):
        relay = AsyncRelay(stream, standard=standard)
    elif isinstance(stream, PartialStream) or callable(stream):
        relay = ThreadRelay(stream, standard=standard)
    else:
        raise TypeError(
            "sse_response() takes an AsyncPartialStream, a PartialStream or a function "
            f"returning one, not {type(stream).__name__}"
        )
    return EventStreamResponse(relay, ping_interval=ping_interval, headers=headers)


def upstream_error(error: openai.APIError) -> JSONResponse:
    """The response for a request the model's API refused or never answered.

    The browser's request did not fail, the server's did: 502 Bad Gateway, 504 Gateway
    Timeout for a timeout, 503 with the API's ``Retry-After`` for a rate limit. The body
    is the ``error`` event's data: ``{"type", "message", "text"}``.
    """
    headers: dict[str, str] = {}
    status = 502
    if isinstance(error, openai.APITimeoutError):
        status = 504
    elif isinstance(error, openai.RateLimitError):
        status = 503
        retry_after = error.response.headers.get("retry-after")
        if retry_after is not None:
            headers["Retry-After"] = retry_after
    return JSONResponse(error_fields(error, ""), status_code=status, headers=headers)


class EventStreamResponse(Response):
    """The response ``sse_response`` returns; send it from any Starlette or FastAPI route."""

    media_type = "text/event-stream"

    def __init__(
        self, relay: Relay, *, ping_interval: float, headers: Mapping[str, str] | None = None
    ) -> None:
        self.status_code = 200
        self.background = None
        self.init_headers({**_HEADERS, **(headers or {})})
        self._relay = relay
        self._ping_interval = ping_interval
        self._last_sent = 0.0
        self._sending = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        relay = self._relay
        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(_hang_up_on_disconnect, receive, relay, tasks.cancel_scope)
                try:
                    await relay.start()
                except openai.APIError as exc:
                    await upstream_error(exc)(scope, receive, send)
                    tasks.cancel_scope.cancel()
                    return
                await self._stream(send, tasks)
                tasks.cancel_scope.cancel()
        finally:
            with anyio.CancelScope(shield=True):
                await relay.close()

    async def _stream(self, send: Send, tasks: anyio.abc.TaskGroup) -> None:
        start = {"type": "http.response.start", "status": 200, "headers": self.raw_headers}
        await send(start)

        async def emit(data: bytes) -> None:
            self._last_sent = time.monotonic()
            self._sending = True
            try:
                await send({"type": "http.response.body", "body": data, "more_body": True})
            finally:
                self._sending = False

        self._last_sent = time.monotonic()
        tasks.start_soon(self._ping, emit)
        try:
            await self._relay.run(emit)
            await send(_END)
        except OSError:
            pass  # a server of ASGI 2.4 says so when the browser is gone: hang up, quietly

    async def _ping(self, emit: Emit) -> None:
        interval = self._ping_interval
        while True:
            await anyio.sleep(max(0.0, self._last_sent + interval - time.monotonic()))
            if not self._sending and time.monotonic() - self._last_sent >= interval:
                try:
                    await emit(PING)
                except OSError:
                    return  # the browser is gone: the relay finds out too


async def _hang_up_on_disconnect(receive: Receive, relay: Relay, scope: anyio.CancelScope) -> None:
    """Wait for the browser to go (the request body, if unread, is drained), then hang up."""
    while (await receive())["type"] != "http.disconnect":
        pass
    scope.cancel()  # first: an async relay stops reading before its stream is closed
    with anyio.CancelScope(shield=True):
        await relay.close()  # a thread relay's worker wakes only now
