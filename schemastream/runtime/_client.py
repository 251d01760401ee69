"""The client loop: one model, streamed (or not) from OpenAI or any compatible server.

The openai SDK builds and sends the request (auth, base_url, retries, typed HTTP errors);
the streamed body is then read raw (``_sse``) and fed to a ``PartialStream``. Generated
``stream_<name>``/``create_<name>`` helpers are one-line calls into this module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from ._errors import FinalValidationError, StreamError
from ._modes import (
    Body,
    ChatDeltas,
    Mode,
    ResponsesDeltas,
    build_request,
    check_mode,
    delta_reader,
    follow_up,
    read_body,
    schema_name,
)
from ._sse import AsyncSSETextSource, SSETextSource, interrupted, transport_errors
from ._stream import AsyncPartialStream, PartialStream, StreamSpec

if TYPE_CHECKING:
    from openai import AsyncOpenAI, OpenAI
    from openai.types.chat import ChatCompletionMessageParam

__all__ = [
    "Mode",
    "acreate_structured",
    "astream_structured",
    "create_structured",
    "stream_structured",
]

P = TypeVar("P", bound=BaseModel)
F = TypeVar("F", bound=BaseModel)


class _Conversation:
    """One request's arguments across attempts; a retry appends the answer and its errors."""

    def __init__(
        self,
        spec: StreamSpec[Any, Any],
        mode: str,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        extra: dict[str, Any],
    ) -> None:
        self.spec = spec
        self.mode: Mode = check_mode(mode)
        self.messages: list[Any] = list(messages)
        self.model = model
        self.extra = extra
        self.tool_call_id: str | None = None

    def params(self, *, stream: bool) -> dict[str, Any]:
        return build_request(
            self.spec,
            self.mode,
            messages=self.messages,
            model=self.model,
            stream=stream,
            extra=self.extra,
        )

    def append_failure(self, text: str, error: FinalValidationError) -> None:
        name = schema_name(self.spec)
        self.messages = follow_up(self.mode, self.messages, text, error, self.tool_call_id, name)


def _read(mode: Mode, raw: bytes) -> Body:
    """Read a body; a malformed one becomes an error raised while the stream is iterated."""
    try:
        return read_body(mode, raw)
    except StreamError as exc:
        return Body("", error=exc)


class _BodySource:
    """A non-streamed answer as a one-delta source (sync and async) raising its bad ending."""

    def __init__(self, body: Body) -> None:
        self._body = body
        self.usage: Any = body.usage

    def __iter__(self) -> Iterator[str]:
        if self._body.text:
            yield self._body.text
        if self._body.error is not None:
            raise self._body.error

    async def __aiter__(self) -> AsyncIterator[str]:
        for text in self:
            yield text


class _Call(_Conversation):
    """The client a conversation's requests go through, sync or async."""

    def __init__(
        self,
        client: OpenAI | AsyncOpenAI,
        spec: StreamSpec[Any, Any],
        mode: str,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        extra: dict[str, Any],
    ) -> None:
        super().__init__(spec, mode, messages, model, extra)
        self.client = client
        self._reader: ChatDeltas | ResponsesDeltas | None = None

    def _resource(self) -> Any:
        return self.client.responses if self.mode == "responses" else self.client.chat.completions


class _SyncCall(_Call):
    """Requests through a sync client: ``open`` streams, ``fetch`` does not."""

    def open(self) -> SSETextSource:
        manager = self._resource().with_streaming_response.create(**self.params(stream=True))
        response = manager.__enter__()  # sends the request: SDK errors raise here
        reader = self._reader = delta_reader(self.mode)
        return SSETextSource(response.http_response, reader)

    def retry(self, text: str, error: FinalValidationError) -> SSETextSource:
        if self._reader is not None:
            self.tool_call_id = self._reader.tool_call_id
        self.append_failure(text, error)
        return self.open()

    def fetch(self) -> _BodySource:
        with self._resource().with_streaming_response.create(**self.params(stream=False)) as raw:
            try:
                body = _read(self.mode, raw.read())
            except transport_errors() as exc:
                body = Body("", error=interrupted(exc))
        self.tool_call_id = body.tool_call_id
        return _BodySource(body)

    def refetch(self, text: str, error: FinalValidationError) -> _BodySource:
        self.append_failure(text, error)
        return self.fetch()


class _AsyncCall(_Call):
    """Requests through an async client: ``open`` streams, ``fetch`` does not."""

    async def open(self) -> AsyncSSETextSource:
        manager = self._resource().with_streaming_response.create(**self.params(stream=True))
        response = await manager.__aenter__()  # sends the request: SDK errors raise here
        reader = self._reader = delta_reader(self.mode)
        return AsyncSSETextSource(response.http_response, reader)

    async def retry(self, text: str, error: FinalValidationError) -> AsyncSSETextSource:
        if self._reader is not None:
            self.tool_call_id = self._reader.tool_call_id
        self.append_failure(text, error)
        return await self.open()

    async def fetch(self) -> _BodySource:
        manager = self._resource().with_streaming_response.create(**self.params(stream=False))
        async with manager as raw:
            try:
                body = _read(self.mode, await raw.read())
            except transport_errors() as exc:
                body = Body("", error=interrupted(exc))
        self.tool_call_id = body.tool_call_id
        return _BodySource(body)

    async def refetch(self, text: str, error: FinalValidationError) -> _BodySource:
        self.append_failure(text, error)
        return await self.fetch()


def stream_structured(
    spec: StreamSpec[P, F],
    client: OpenAI,
    *,
    messages: Iterable[ChatCompletionMessageParam],
    model: str,
    mode: Mode = "tools",
    max_retries: int = 0,
    **kwargs: Any,
) -> PartialStream[P, F]:
    """Send the request and return the stream of ``spec.partial`` snapshots.

    The request is sent now (HTTP errors raise here); iterate the stream, or use it as a
    context manager, to read the answer. ``max_retries`` re-asks after a validation failure.
    """
    call = _SyncCall(client, spec, mode, messages, model, kwargs)
    return PartialStream(
        spec.partial,
        spec.full,
        call.open(),
        retry=call.retry if max_retries else None,
        max_retries=max_retries,
        tolerant=call.mode == "json",
    )


async def astream_structured(
    spec: StreamSpec[P, F],
    client: AsyncOpenAI,
    *,
    messages: Iterable[ChatCompletionMessageParam],
    model: str,
    mode: Mode = "tools",
    max_retries: int = 0,
    **kwargs: Any,
) -> AsyncPartialStream[P, F]:
    """The async twin of ``stream_structured``."""
    call = _AsyncCall(client, spec, mode, messages, model, kwargs)
    return AsyncPartialStream(
        spec.partial,
        spec.full,
        await call.open(),
        retry=call.retry if max_retries else None,
        max_retries=max_retries,
        tolerant=call.mode == "json",
    )


def create_structured(
    spec: StreamSpec[P, F],
    client: OpenAI,
    *,
    messages: Iterable[ChatCompletionMessageParam],
    model: str,
    mode: Mode = "tools",
    max_retries: int = 0,
    **kwargs: Any,
) -> F:
    """Ask without streaming and return the validated ``spec.full`` model.

    Bad endings raise the same typed errors as the streaming helpers.
    """
    call = _SyncCall(client, spec, mode, messages, model, kwargs)
    stream = PartialStream(
        spec.partial,
        spec.full,
        call.fetch(),
        retry=call.refetch if max_retries else None,
        max_retries=max_retries,
        tolerant=call.mode == "json",
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
    **kwargs: Any,
) -> F:
    """The async twin of ``create_structured``."""
    call = _AsyncCall(client, spec, mode, messages, model, kwargs)
    stream = AsyncPartialStream(
        spec.partial,
        spec.full,
        await call.fetch(),
        retry=call.refetch if max_retries else None,
        max_retries=max_retries,
        tolerant=call.mode == "json",
    )
    return await stream.get_final()
