"""The async helpers work directly with ``async with``, ``async for`` and ``await``.

``astream_<name>`` and ``aparse_<name>`` are plain functions returning a stream; a client
stream sends its request at the first of those, where the SDK's own errors raise.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator
from typing import Any

import openai
import pytest
from openai import AsyncOpenAI

from examples.meeting import meeting_models
from schemastream.runtime import AsyncPartialStream
from schemastream.runtime._client import astream_structured
from schemastream.testing import ReplayServer, Reply

from .models import TEAM, TEAM_JSON, TEAM_SPEC

MESSAGES: list[Any] = [{"role": "user", "content": "team?"}]
pytestmark = pytest.mark.anyio


def team_stream(aclient: AsyncOpenAI) -> Any:
    return astream_structured(TEAM_SPEC, aclient, messages=MESSAGES, model="m")


async def test_async_with_needs_no_await(server: ReplayServer, aclient: AsyncOpenAI) -> None:
    server.enqueue(Reply.of(TEAM_JSON))
    async with team_stream(aclient) as stream:
        assert len(server.requests) == 1  # sent on entering
        titles = [snap.title async for snap in stream]
        assert (await stream.get_final()) == TEAM
    assert titles[-1] == TEAM.title


async def test_async_for_directly(server: ReplayServer, aclient: AsyncOpenAI) -> None:
    server.enqueue(Reply.of(TEAM_JSON))
    snapshots = [snap async for snap in team_stream(aclient)]
    assert snapshots[-1].model_dump() == TEAM.model_dump()


async def test_await_returns_the_stream(server: ReplayServer, aclient: AsyncOpenAI) -> None:
    server.enqueue(Reply.of(TEAM_JSON))
    stream = await team_stream(aclient)
    assert isinstance(stream, AsyncPartialStream)
    assert len(server.requests) == 1
    assert await stream is stream  # awaiting again sends nothing more
    async with stream:
        assert await stream.get_final() == TEAM
    assert len(server.requests) == 1


async def test_nothing_is_sent_until_the_stream_is_used(
    server: ReplayServer, aclient: AsyncOpenAI
) -> None:
    server.enqueue(Reply.of(TEAM_JSON))
    stream = team_stream(aclient)
    await asyncio.sleep(0.05)
    assert server.requests == []
    assert await stream.get_final() == TEAM


@pytest.mark.parametrize("use", ["async with", "async for", "await"])
async def test_http_errors_are_the_sdks_at_first_use(
    server: ReplayServer, aclient: AsyncOpenAI, use: str
) -> None:
    server.enqueue(*[Reply.http_error(401, "bad key")])
    stream = team_stream(aclient)
    with pytest.raises(openai.AuthenticationError, match="bad key"):
        if use == "async with":
            async with stream:
                pass
        elif use == "async for":
            async for _ in stream:
                pass
        else:
            await stream


async def test_generated_async_helpers_are_plain_functions(
    server: ReplayServer, aclient: AsyncOpenAI
) -> None:
    assert not inspect.iscoroutinefunction(meeting_models.astream_meeting_info)
    assert not inspect.iscoroutinefunction(meeting_models.aparse_meeting_info)

    async def chunks() -> AsyncIterator[str]:
        yield (
            '{"users": [], "date": "2026-01-02", "location": "Berlin", "budget": null, '
            '"deadline": null}'
        )

    async with meeting_models.aparse_meeting_info(chunks()) as stream:
        async for snap in stream:
            assert snap.users == []
    assert (await meeting_models.aparse_meeting_info(chunks()).get_final()).location == "Berlin"
