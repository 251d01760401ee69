"""The relays' own work per delta, in one process and without a network.

The same answer as the network runs comes from memory, and each relay is called as the
ASGI application it is, its events sent nowhere: what is left is the parse, the snapshots,
and what each relay does with them. CPU time, the best of several runs.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from _web_relays import snapshot_events
from starlette.responses import StreamingResponse

from examples.meeting.meeting_models import MeetingInfo, PartialMeetingInfo
from schemastream.runtime import AsyncPartialStream
from schemastream.web import sse_response

RUNS = 7
SCOPE = {"type": "http", "asgi": {"spec_version": "2.3"}}

Stream = AsyncPartialStream[PartialMeetingInfo, MeetingInfo]


def _stream(deltas: list[str]) -> Stream:
    async def source() -> AsyncIterator[str]:
        for delta in deltas:
            yield delta

    return AsyncPartialStream(PartialMeetingInfo, MeetingInfo, source())


async def _asgi(app: Callable[[Any, Any, Any], Awaitable[None]]) -> None:
    async def receive() -> dict[str, Any]:  # the browser stays
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def send(message: Any) -> None:
        pass

    await app(SCOPE, receive, send)


async def read(deltas: list[str]) -> None:
    stream = _stream(deltas)
    async for _ in stream:
        pass
    await stream.get_final()


async def relay(deltas: list[str]) -> None:
    await _asgi(sse_response(_stream(deltas)))


async def naive(deltas: list[str]) -> None:
    events = snapshot_events(_stream(deltas))
    await _asgi(StreamingResponse(events, media_type="text/event-stream"))


async def per_delta(run: Callable[[list[str]], Awaitable[None]], deltas: list[str]) -> float:
    """µs of CPU per delta: the best of ``RUNS`` runs."""
    best = float("inf")
    for _ in range(RUNS):
        gc.collect()
        started = time.process_time()
        await run(deltas)
        best = min(best, time.process_time() - started)
    return 1e6 * best / len(deltas)


def table(answers: dict[str, list[str]]) -> list[str]:
    """Markdown rows: per answer, the stream read alone, sse_response, the naive relay."""

    async def measure() -> list[str]:
        rows = [
            "| answer | stream read alone | schemastream.web `sse_response` | naive: snapshot "
            "`model_dump_json()` | the relay's own work: sse_response / naive |",
            "|---|---:|---:|---:|---:|",
        ]
        for label, deltas in answers.items():
            alone, ours, theirs = [await per_delta(f, deltas) for f in (read, relay, naive)]
            rows.append(
                f"| {label} ({len(deltas)} deltas) | {alone:.1f} | {ours:.1f} | {theirs:.1f} | "
                f"{ours - alone:.1f} / {theirs - alone:.1f} µs |"
            )
        return rows

    return asyncio.run(measure())
