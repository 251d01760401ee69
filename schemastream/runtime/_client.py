"""The client loop: one model, streamed (or not) from OpenAI or any compatible server.

The openai SDK builds and sends the request (auth, base_url, retries, typed HTTP errors);
the streamed body is then read raw (``_sse``) and fed to a ``PartialStream``. Generated
``stream_<name>``/``create_<name>`` helpers are one-line calls into this module.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from ._errors import StreamError
from ._modes import (
    Body,
    ChatDeltas,
    Mode,
    ResponsesDeltas,
    build_request,
    check_mode,
    delta_reader,
    follow_up,
    forced_function,
    read_body,
    schema_name,
)
from ._options import check_options
from ._sse import (
    DEFAULT_MAX_IDLE_EVENTS,
    AsyncSSETextSource,
    Limits,
    SSETextSource,
    broken,
    transport_errors,
)
from ._stream import AsyncPartialStream, PartialStream, StreamSpec, TextSource

if TYPE_CHECKING:
    from openai import AsyncOpenAI, OpenAI
    from openai.types import CompletionUsage
    from openai.types.chat import ChatCompletionMessageParam
    from openai.types.responses import ResponseUsage
    from typing_extensions import Unpack

    from ._options import OpenAIOptions

__all__ = [
    "DEFAULT_MAX_IDLE_EVENTS",
    "Mode",
    "acreate_structured",
    "astream_structured",
    "create_structured",
    "open_text_stream",
    "stream_structured",
]

P = TypeVar("P", bound=BaseModel)
F = TypeVar("F", bound=BaseModel)


def _check_limits(total_timeout: float | None, max_idle_events: int) -> None:
    if total_timeout is not None and not total_timeout > 0:
        raise ValueError(
            f"total_timeout must be a positive number of seconds, not {total_timeout!r}"
        )
    if max_idle_events < 1:
        raise ValueError(f"max_idle_events must be at least 1, not {max_idle_events!r}")


def _capped(timeout: object, seconds: float) -> object:
    """The SDK's ``timeout`` (seconds or an httpx ``Timeout``) capped to ``seconds``.

    The SDK's timeout bounds each read; capping it to what is left of ``total_timeout``
    means no single read can hold the stream past its deadline.
    """
    if isinstance(timeout, (int, float)):
        return min(timeout, seconds)
    phases = ("connect", "read", "write", "pool")
    if not all(hasattr(timeout, phase) for phase in phases):
        return seconds  # None (no timeout) or NOT_GIVEN
    values = {phase: getattr(timeout, phase) for phase in phases}
    return type(timeout)(
        **{k: seconds if v is None else min(v, seconds) for k, v in values.items()}
    )


class _Conversation:
    """One request's arguments across attempts; a retry appends the answer and its errors."""

    def __init__(
        self,
        spec: StreamSpec[Any, Any],
        mode: str,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        extra: Mapping[str, object],
    ) -> None:
        self.spec = spec
        self.mode: Mode = check_mode(mode)
        self.messages: list[Any] = list(messages)
        self.model = model
        self.extra = extra
        self.tool_call_id: str | None = None
        check_options(self.mode, extra)  # a wrong argument raises at the call, not later

    def params(self, *, stream: bool) -> dict[str, Any]:
        return build_request(
            self.spec,
            self.mode,
            messages=self.messages,
            model=self.model,
            stream=stream,
            extra=self.extra,
        )

    def append_failure(self, text: str, error: StreamError) -> None:
        name = schema_name(self.spec)
        self.messages = follow_up(self.mode, self.messages, text, error, self.tool_call_id, name)


def _read(mode: Mode, raw: bytes, function: str | None) -> Body:
    """Read a body; a malformed one becomes an error raised while the stream is iterated."""
    try:
        return read_body(mode, raw, function)
    except StreamError as exc:
        return Body("", error=exc)


class _BodySource:
    """A non-streamed answer as a one-delta source (sync and async) raising its bad ending."""

    def __init__(self, body: Body) -> None:
        self._body = body
        self.usage: CompletionUsage | ResponseUsage | None = body.usage
        self.reasoning = body.reasoning

    def __iter__(self) -> Iterator[str]:
        if self._body.text:
            yield self._body.text
        if self._body.error is not None:
            raise self._body.error

    async def __aiter__(self) -> AsyncIterator[str]:
        for text in self:
            yield text


class _Call(_Conversation):
    """The client a conversation's requests go through, sync or async, and its limits.

    The clock of ``total_timeout`` starts with the first request.
    """

    def __init__(
        self,
        client: OpenAI | AsyncOpenAI,
        spec: StreamSpec[Any, Any],
        mode: str,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        extra: Mapping[str, object],
        *,
        total_timeout: float | None = None,
        max_idle_events: int = DEFAULT_MAX_IDLE_EVENTS,
    ) -> None:
        super().__init__(spec, mode, messages, model, extra)
        _check_limits(total_timeout, max_idle_events)
        self.client = client
        self._total_timeout = total_timeout
        self._max_idle_events = max_idle_events
        self._limits: Limits | None = None
        self._reader: ChatDeltas | ResponsesDeltas | None = None

    @property
    def limits(self) -> Limits:
        if self._limits is None:
            deadline = None
            if self._total_timeout is not None:
                deadline = time.monotonic() + self._total_timeout
            self._limits = Limits(deadline, self._total_timeout, self._max_idle_events)
        return self._limits

    def request(self, *, stream: bool) -> dict[str, Any]:
        """The SDK call's arguments, its timeout capped to what is left of the deadline."""
        params = self.params(stream=stream)
        left = self.limits.remaining()
        if left is not None:
            params["timeout"] = _capped(params.get("timeout", self.client.timeout), left)
        return params

    def reader(self, params: dict[str, Any]) -> ChatDeltas | ResponsesDeltas:
        self._reader = delta_reader(self.mode, forced_function(params))
        return self._reader

    def remember_call_id(self) -> None:
        if self._reader is not None:
            self.tool_call_id = self._reader.tool_call_id

    def _resource(self) -> Any:
        return self.client.responses if self.mode == "responses" else self.client.chat.completions

    def check_body(self, size: int) -> None:
        """A non-streamed body is read within the deadline and the size limit too."""
        limits = self.limits
        if size > limits.max_event_size:
            raise limits.too_large("the response body")
        if limits.deadline is not None and time.monotonic() > limits.deadline:
            raise limits.timed_out()


class _SyncCall(_Call):
    """Requests through a sync client: ``open`` streams, ``fetch`` does not."""

    def open(self) -> SSETextSource:
        params = self.request(stream=True)
        manager = self._resource().with_streaming_response.create(**params)
        response = manager.__enter__()  # sends the request: SDK errors raise here
        return SSETextSource(response.http_response, self.reader(params), self.limits)

    def retry(self, text: str, error: StreamError) -> SSETextSource:
        self.remember_call_id()
        self.append_failure(text, error)
        return self.open()

    def fetch(self) -> _BodySource:
        params = self.request(stream=False)
        with self._resource().with_streaming_response.create(**params) as raw:
            try:
                parts: list[bytes] = []
                size = 0
                for chunk in raw.http_response.iter_bytes():
                    parts.append(chunk)
                    size += len(chunk)
                    self.check_body(size)
                body = _read(self.mode, b"".join(parts), forced_function(params))
            except StreamError as exc:
                body = Body("", error=exc)
            except transport_errors() as exc:
                body = Body("", error=broken(exc, self.limits))
        self.tool_call_id = body.tool_call_id
        return _BodySource(body)

    def refetch(self, text: str, error: StreamError) -> _BodySource:
        self.append_failure(text, error)
        return self.fetch()


class _AsyncCall(_Call):
    """Requests through an async client: ``open`` streams, ``fetch`` does not."""

    async def open(self) -> AsyncSSETextSource:
        params = self.request(stream=True)
        manager = self._resource().with_streaming_response.create(**params)
        response = await manager.__aenter__()  # sends the request: SDK errors raise here
        return AsyncSSETextSource(response.http_response, self.reader(params), self.limits)

    async def retry(self, text: str, error: StreamError) -> AsyncSSETextSource:
        self.remember_call_id()
        self.append_failure(text, error)
        return await self.open()

    async def fetch(self) -> _BodySource:
        params = self.request(stream=False)
        manager = self._resource().with_streaming_response.create(**params)
        async with manager as raw:
            try:
                parts: list[bytes] = []
                size = 0
                async for chunk in raw.http_response.aiter_bytes():
                    parts.append(chunk)
                    size += len(chunk)
                    self.check_body(size)
                body = _read(self.mode, b"".join(parts), forced_function(params))
            except StreamError as exc:
                body = Body("", error=exc)
            except transport_errors() as exc:
                body = Body("", error=broken(exc, self.limits))
        self.tool_call_id = body.tool_call_id
        return _BodySource(body)

    async def refetch(self, text: str, error: StreamError) -> _BodySource:
        self.append_failure(text, error)
        return await self.fetch()


class _Deferred:
    """An async stream's first source: the request goes out on first use, not at the call.

    ``AsyncPartialStream`` awaits ``start`` on ``await``, ``async with`` or the first
    iteration, so HTTP errors raise there.
    """

    def __init__(self, call: _AsyncCall) -> None:
        self._call = call
        self._source: AsyncSSETextSource | None = None

    async def start(self) -> None:
        if self._source is None:
            self._source = await self._call.open()

    def __aiter__(self) -> AsyncIterator[str]:
        if self._source is None:
            raise RuntimeError("the request has not been sent: await start() first")
        return self._source.__aiter__()

    async def aclose(self) -> None:
        if self._source is not None:
            await self._source.aclose()

    @property
    def usage(self) -> CompletionUsage | ResponseUsage | None:
        return None if self._source is None else self._source.usage

    @property
    def reasoning(self) -> str:
        return "" if self._source is None else self._source.reasoning


def stream_structured(
    spec: StreamSpec[P, F],
    client: OpenAI,
    *,
    messages: Iterable[ChatCompletionMessageParam],
    model: str,
    mode: Mode = "tools",
    max_retries: int = 0,
    total_timeout: float | None = None,
    max_idle_events: int = DEFAULT_MAX_IDLE_EVENTS,
    **kwargs: Unpack[OpenAIOptions],
) -> PartialStream[P, F]:
    """Send the request and return the stream of ``spec.partial`` snapshots.

    The request is sent now (HTTP errors raise here); iterate the stream, or use it as a
    context manager, to read the answer. ``max_retries`` re-asks when the answer is not
    valid JSON or not a valid model. ``total_timeout`` bounds the whole call in seconds
    (re-asks included); ``max_idle_events`` how many events in a row may carry no text.
    """
    call = _SyncCall(
        client,
        spec,
        mode,
        messages,
        model,
        kwargs,
        total_timeout=total_timeout,
        max_idle_events=max_idle_events,
    )
    return PartialStream(
        spec.partial,
        spec.full,
        call.open(),
        retry=call.retry if max_retries else None,
        max_retries=max_retries,
        tolerant=call.mode == "json",
        envelope=spec.envelope,
    )


def open_text_stream(
    spec: StreamSpec[Any, Any],
    client: OpenAI,
    *,
    messages: Iterable[ChatCompletionMessageParam],
    model: str,
    mode: Mode = "tools",
    total_timeout: float | None = None,
    max_idle_events: int = DEFAULT_MAX_IDLE_EVENTS,
    **kwargs: Unpack[OpenAIOptions],
) -> TextSource:
    """Send the request ``stream_structured`` sends and return the answer's raw text deltas.

    Nothing is parsed or validated: iterating yields the deltas as they arrive, bad
    endings raise the same typed errors (``RefusalError``, ``LengthLimitError``...), and
    ``usage`` holds the token counts once it ends. ``schemastream.testing.record`` keeps them.
    """
    call = _SyncCall(
        client,
        spec,
        mode,
        messages,
        model,
        kwargs,
        total_timeout=total_timeout,
        max_idle_events=max_idle_events,
    )
    return call.open()


def astream_structured(
    spec: StreamSpec[P, F],
    client: AsyncOpenAI,
    *,
    messages: Iterable[ChatCompletionMessageParam],
    model: str,
    mode: Mode = "tools",
    max_retries: int = 0,
    total_timeout: float | None = None,
    max_idle_events: int = DEFAULT_MAX_IDLE_EVENTS,
    **kwargs: Unpack[OpenAIOptions],
) -> AsyncPartialStream[P, F]:
    """The async twin of ``stream_structured``.

    Nothing is sent until the stream is used: ``async with``, ``async for`` or ``await``
    it (HTTP errors raise there).
    """
    call = _AsyncCall(
        client,
        spec,
        mode,
        messages,
        model,
        kwargs,
        total_timeout=total_timeout,
        max_idle_events=max_idle_events,
    )
    return AsyncPartialStream(
        spec.partial,
        spec.full,
        _Deferred(call),
        retry=call.retry if max_retries else None,
        max_retries=max_retries,
        tolerant=call.mode == "json",
        envelope=spec.envelope,
    )


def create_structured(
    spec: StreamSpec[P, F],
    client: OpenAI,
    *,
    messages: Iterable[ChatCompletionMessageParam],
    model: str,
    mode: Mode = "tools",
    max_retries: int = 0,
    total_timeout: float | None = None,
    **kwargs: Unpack[OpenAIOptions],
) -> F:
    """Ask without streaming and return the validated ``spec.full`` model.

    Bad endings raise the same typed errors as the streaming helpers.
    """
    call = _SyncCall(client, spec, mode, messages, model, kwargs, total_timeout=total_timeout)
    stream = PartialStream(
        spec.partial,
        spec.full,
        call.fetch(),
        retry=call.refetch if max_retries else None,
        max_retries=max_retries,
        tolerant=call.mode == "json",
        envelope=spec.envelope,
    )
    return stream.final


async def acreate_structured(
    spec: StreamSpec[P, F],
    client: AsyncOpenAI,
    *,
    messages: Iterable[ChatCompletionMessageParam],
    model: str,
    mode: Mode = "tools",
    max_retries: int = 0,
    total_timeout: float | None = None,
    **kwargs: Unpack[OpenAIOptions],
) -> F:
    """The async twin of ``create_structured``."""
    call = _AsyncCall(client, spec, mode, messages, model, kwargs, total_timeout=total_timeout)
    stream = AsyncPartialStream(
        spec.partial,
        spec.full,
        await call.fetch(),
        retry=call.refetch if max_retries else None,
        max_retries=max_retries,
        tolerant=call.mode == "json",
        envelope=spec.envelope,
    )
    return await stream.get_final()
