"""The meeting, streamed into a web page: ``uvicorn examples.web.app:app`` (``make web-demo``).

Offline by default: the built-in replay server plays ``examples/meeting/replay.json``
token by token. With ``OPENAI_API_KEY`` set, the OpenAI API answers (``OPENAI_BASE_URL``
points it at any compatible server; ``SCHEMASTREAM_MODEL`` picks the model).
"""

from __future__ import annotations

import html
import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from openai import AsyncOpenAI
from pydantic import BaseModel, Field

from examples.meeting.demo import EMAIL, MESSAGES, REPLAY
from examples.meeting.meeting_models import astream_meeting_info
from schemastream.testing import ReplayServer
from schemastream.web import EventStreamResponse, script_route, sse_response

PAGE = Path(__file__).with_name("index.html")
PACE = 0.03  # seconds per replayed delta: slow enough to watch the users arrive


class MeetingRequest(BaseModel):
    """What the page posts: the email to extract the meeting from."""

    email: str = Field(min_length=1, max_length=20_000)


def create_app(client: AsyncOpenAI | None = None, *, model: str | None = None) -> FastAPI:
    """The app, answering with ``client`` (closed when the app stops); without one, a
    client chosen from the environment."""
    model = model or os.environ.get("SCHEMASTREAM_MODEL", "gpt-4o-mini")
    clients: dict[str, AsyncOpenAI] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if client is not None:
                clients["llm"] = await stack.enter_async_context(client)
            elif os.environ.get("OPENAI_API_KEY"):
                clients["llm"] = await stack.enter_async_context(AsyncOpenAI())
            else:
                server = stack.enter_context(ReplayServer(REPLAY, pace=PACE))
                replay = AsyncOpenAI(base_url=server.base_url, api_key="replay")
                clients["llm"] = await stack.enter_async_context(replay)
            yield

    app = FastAPI(title="schemastream web demo", lifespan=lifespan)
    page = PAGE.read_text(encoding="utf-8").replace("{{ email }}", html.escape(EMAIL))

    @app.get("/", response_class=HTMLResponse)
    async def index() -> str:
        return page

    @app.post("/meeting")
    async def meeting(request: MeetingRequest) -> EventStreamResponse:
        messages: list[Any] = [MESSAGES[0], {"role": "user", "content": request.email}]
        stream = astream_meeting_info(clients["llm"], messages=messages, model=model)
        return sse_response(stream)

    app.routes.append(script_route())
    return app


app = create_app()
