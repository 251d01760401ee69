"""The typed helpers of one streamable model, as methods bound to its ``StreamSpec``.

Generated ``stream.py`` names them, one line each (``stream_pet = _pet.stream``), so a
package of a thousand models carries no per-model function bodies.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable
from typing import TYPE_CHECKING, Generic, TypeVar

from pydantic import BaseModel

from ._client import (
    DEFAULT_MAX_IDLE_EVENTS,
    Mode,
    acreate_structured,
    astream_structured,
    create_structured,
    stream_structured,
)
from ._stream import (
    AsyncPartialStream,
    PartialStream,
    StreamSpec,
    aparse_structured,
    parse_structured,
)

if TYPE_CHECKING:
    from openai import AsyncOpenAI, OpenAI
    from openai.types.chat import ChatCompletionMessageParam
    from typing_extensions import Unpack

    from ._options import OpenAIOptions

__all__ = ["StreamHelpers"]

P = TypeVar("P", bound=BaseModel)
F = TypeVar("F", bound=BaseModel)


class StreamHelpers(Generic[P, F]):
    """``stream``, ``astream``, ``create``, ``acreate``, ``parse`` and ``aparse`` for ``spec``."""

    def __init__(self, spec: StreamSpec[P, F]) -> None:
        self.spec = spec

    def __repr__(self) -> str:
        return f"StreamHelpers({self.spec!r})"

    def stream(
        self,
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
        """Stream snapshots of the model from a chat completion; ``.final`` is the full model."""
        return stream_structured(
            self.spec,
            client,
            messages=messages,
            model=model,
            mode=mode,
            max_retries=max_retries,
            total_timeout=total_timeout,
            max_idle_events=max_idle_events,
            **kwargs,
        )

    def astream(
        self,
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
        """Stream snapshots from an async chat completion: ``async with`` or ``async for`` it."""
        return astream_structured(
            self.spec,
            client,
            messages=messages,
            model=model,
            mode=mode,
            max_retries=max_retries,
            total_timeout=total_timeout,
            max_idle_events=max_idle_events,
            **kwargs,
        )

    def create(
        self,
        client: OpenAI,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        mode: Mode = "tools",
        max_retries: int = 0,
        total_timeout: float | None = None,
        **kwargs: Unpack[OpenAIOptions],
    ) -> F:
        """Ask for the model without streaming; returns the validated model."""
        return create_structured(
            self.spec,
            client,
            messages=messages,
            model=model,
            mode=mode,
            max_retries=max_retries,
            total_timeout=total_timeout,
            **kwargs,
        )

    async def acreate(
        self,
        client: AsyncOpenAI,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        mode: Mode = "tools",
        max_retries: int = 0,
        total_timeout: float | None = None,
        **kwargs: Unpack[OpenAIOptions],
    ) -> F:
        """Ask for the model without streaming, asynchronously."""
        return await acreate_structured(
            self.spec,
            client,
            messages=messages,
            model=model,
            mode=mode,
            max_retries=max_retries,
            total_timeout=total_timeout,
            **kwargs,
        )

    def parse(self, chunks: Iterable[str]) -> PartialStream[P, F]:
        """Stream snapshots of the model from any source of JSON text chunks."""
        return parse_structured(self.spec, chunks)

    def aparse(self, chunks: AsyncIterable[str]) -> AsyncPartialStream[P, F]:
        """Stream snapshots of the model from any async source of JSON text chunks."""
        return aparse_structured(self.spec, chunks)
