"""Closing: leaving the block, close(), or dropping the iterator hangs up at once; concurrency."""

from __future__ import annotations

import asyncio
import gc
import itertools
import time
from typing import Any

import pytest
from openai import AsyncOpenAI, OpenAI

from schemastream.runtime._client import astream_structured, stream_structured
from schemastream.testing import ReplayServer, Reply

from .models import TEAM, TEAM_JSON, TEAM_SPEC

MESSAGES: list[Any] = [{"role": "user", "content": "team?"}]
SLOW = Reply.of(TEAM_JSON, 2, delay=0.01)  # about a second in all: far longer than the tests


def test_leaving_the_block_hangs_up(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(SLOW)
    started = time.monotonic()
    with stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m") as stream:
        for snapshot in stream:
            if snapshot.title:
                break
    assert server.wait_for_disconnect(2.0)
    assert time.monotonic() - started < 0.8
    assert server.completed == 0


def test_close_hangs_up(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(SLOW)
    stream = stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m")
    next(iter(stream))
    stream.close()
    assert server.wait_for_disconnect(2.0)


def test_dropping_the_iterator_hangs_up(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(SLOW)
    stream = stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m")
    next(iter(stream))
    del stream
    gc.collect()
    assert server.wait_for_disconnect(2.0)


def test_dropping_a_stream_never_iterated_hangs_up(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(SLOW)
    stream = stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m")
    del stream
    gc.collect()
    assert server.wait_for_disconnect(2.0)


def test_final_after_an_early_close_says_the_stream_was_closed(
    server: ReplayServer, client: OpenAI
) -> None:
    server.enqueue(SLOW)
    stream = stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m")
    next(iter(stream))
    stream.close()
    with pytest.raises(RuntimeError, match="closed before it finished"):
        _ = stream.final
    assert stream.text


def test_the_connection_is_reused_after_a_complete_stream(
    server: ReplayServer, client: OpenAI
) -> None:
    server.enqueue(Reply.of(TEAM_JSON), Reply.of(TEAM_JSON))
    for _ in range(2):
        with stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m") as stream:
            assert stream.final == TEAM
    assert server.disconnects == 0
    assert server.completed == 2


def test_slow_stream_yields_snapshots_as_they_arrive(server: ReplayServer, client: OpenAI) -> None:
    thirds = [TEAM_JSON[:20], TEAM_JSON[20:60], TEAM_JSON[60:]]
    server.enqueue(Reply(deltas=thirds, delay=0.1))
    arrivals: list[float] = []
    with stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m") as stream:
        for _ in stream:
            arrivals.append(time.monotonic())
        assert stream.final == TEAM
    assert len(arrivals) == 3  # one snapshot per delta: nothing buffered up to the end
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert min(gaps) >= 0.08


@pytest.mark.anyio
async def test_async_leaving_the_block_hangs_up(server: ReplayServer, aclient: AsyncOpenAI) -> None:
    server.enqueue(SLOW)
    stream = await astream_structured(TEAM_SPEC, aclient, messages=MESSAGES, model="m")
    async with stream:
        async for snapshot in stream:
            if snapshot.title:
                break
    assert await asyncio.to_thread(server.wait_for_disconnect, 2.0)


@pytest.mark.anyio
async def test_async_aclose_hangs_up(server: ReplayServer, aclient: AsyncOpenAI) -> None:
    server.enqueue(SLOW)
    stream = await astream_structured(TEAM_SPEC, aclient, messages=MESSAGES, model="m")
    await stream.__aiter__().__anext__()
    await stream.aclose()
    assert await asyncio.to_thread(server.wait_for_disconnect, 2.0)


@pytest.mark.anyio
async def test_a_hundred_concurrent_streams_on_one_loop(
    server: ReplayServer, aclient: AsyncOpenAI
) -> None:
    server.default = Reply.of(TEAM_JSON, 8, delay=0.002)

    async def one() -> int:
        stream = await astream_structured(TEAM_SPEC, aclient, messages=MESSAGES, model="m")
        async with stream:
            count = 0
            async for _ in stream:
                count += 1
            assert stream.final == TEAM
            return count

    counts = await asyncio.gather(*(one() for _ in range(100)))
    assert len(counts) == 100 and min(counts) > 3
    assert server.completed == 100


@pytest.mark.anyio
async def test_async_dropping_the_iterator_hangs_up(
    server: ReplayServer, aclient: AsyncOpenAI
) -> None:
    server.enqueue(SLOW)
    stream = await astream_structured(TEAM_SPEC, aclient, messages=MESSAGES, model="m")
    snapshots = stream.__aiter__()
    await snapshots.__anext__()
    del stream, snapshots
    gc.collect()
    await asyncio.sleep(0.05)  # the loop runs the dropped generator's cleanup
    assert await asyncio.to_thread(server.wait_for_disconnect, 2.0)
