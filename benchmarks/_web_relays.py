"""The relays the web benchmark compares, each served alone by uvicorn in its own process.

- ``patches``: the example app itself (``examples/web/app.py``: ``sse_response`` of
  ``astream_meeting_info``), pointed at the benchmark's model by ``OPENAI_BASE_URL``.
- ``naive``: what a schemastream user without ``schemastream.web`` would write: the same
  stream, each snapshot re-serialised whole with ``model_dump_json()`` in a Starlette
  ``StreamingResponse``.
- ``instructor``: what a peer would write: instructor's ``create_partial`` (a model per
  delta), each re-serialised whole with ``model_dump_json()``.

    python benchmarks/_web_relays.py RELAY PORT
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import uvicorn
from openai import AsyncOpenAI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from schemastream.runtime import AsyncPartialStream

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # examples/ is not installed: import it from the checkout

from examples.meeting.demo import MESSAGES  # noqa: E402
from examples.meeting.meeting_models import (  # noqa: E402
    MeetingInfo,
    PartialMeetingInfo,
    astream_meeting_info,
)
from examples.web.app import create_app  # noqa: E402

MODEL = "bench"


def messages(email: str) -> list[Any]:
    return [MESSAGES[0], {"role": "user", "content": email}]  # as the example app asks


async def snapshot_events(
    stream: AsyncPartialStream[PartialMeetingInfo, MeetingInfo],
) -> AsyncIterator[bytes]:
    """The naive relay's events: each snapshot dumped whole, then the final JSON."""
    async with stream:
        async for snapshot in stream:
            yield b"data: " + snapshot.model_dump_json().encode() + b"\n\n"
        final = await stream.get_final()
    yield b"event: final\ndata: " + final.model_dump_json().encode() + b"\n\n"


def naive_app() -> Starlette:
    """``astream_meeting_info`` in a ``StreamingResponse`` of ``snapshot_events``."""
    client = AsyncOpenAI()

    async def meeting(request: Request) -> StreamingResponse:
        email = (await request.json())["email"]
        stream = astream_meeting_info(client, messages=messages(email), model=MODEL)
        return StreamingResponse(snapshot_events(stream), media_type="text/event-stream")

    return Starlette(routes=[Route("/meeting", meeting, methods=["POST"])])


def instructor_app() -> Starlette:
    import instructor

    client = instructor.from_openai(AsyncOpenAI())

    async def meeting(request: Request) -> StreamingResponse:
        email = (await request.json())["email"]
        partials = client.chat.completions.create_partial(
            model=MODEL,
            messages=messages(email),
            response_model=MeetingInfo,
            max_retries=0,
            strict=False,
        )

        async def events() -> AsyncIterator[bytes]:
            last = b"null"
            async for partial in partials:
                last = partial.model_dump_json().encode()
                yield b"data: " + last + b"\n\n"
            yield b"event: final\ndata: " + last + b"\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return Starlette(routes=[Route("/meeting", meeting, methods=["POST"])])


def serve(relay: str, port: int) -> None:
    apps: dict[str, Any] = {
        "patches": create_app,
        "naive": naive_app,
        "instructor": instructor_app,
    }
    app = apps[relay]()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
        backlog=4096,
    )


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
