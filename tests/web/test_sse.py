"""``sse_response`` over real HTTP: the events, errors as statuses or events, pings, hang-ups.

A Starlette app relays the real openai client's streams from the replay server; httpx (or
a raw socket, to hang up mid-stream) reads what uvicorn sends. Each stream kind is run:
an async stream, a sync stream made in the route, and a function that makes one.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from openai import AsyncOpenAI, OpenAI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from examples.meeting.meeting_models import (
    MeetingInfo,
    PartialMeetingInfo,
    astream_meeting_info,
    stream_meeting_info,
)
from schemastream.runtime import AsyncPartialStream, PartialStream
from schemastream.testing import Recording, ReplayServer, Reply
from schemastream.web import SCRIPT_PATH, script_route, sse_response

from ..runtime._json_checks import apply_patch
from ._live import Event, LiveServer, parse_events, wait_for

ROOT = Path(__file__).resolve().parents[2]
MEETING = Recording.load(ROOT / "examples" / "meeting" / "replay.json").replies[0]
MESSAGES: list[Any] = [{"role": "user", "content": "the meeting?"}]
KINDS = ("async", "sync", "factory")


@dataclass
class Upstreams:
    """The clients the app's routes use (a test may point them elsewhere) and what failed."""

    client: OpenAI
    aclient: AsyncOpenAI
    faults: list[BaseException] = field(default_factory=list)


def relay_app(upstreams: Upstreams) -> Any:
    def options(request: Request) -> dict[str, Any]:
        query = request.query_params
        return {"ping_interval": float(query.get("ping", 15)), "standard": "standard" in query}

    async def from_async(request: Request) -> Response:
        stream = astream_meeting_info(upstreams.aclient, messages=MESSAGES, model="m")
        return sse_response(stream, **options(request))

    def from_sync(request: Request) -> Response:  # a def route: Starlette runs it in a thread
        stream = stream_meeting_info(upstreams.client, messages=MESSAGES, model="m")
        return sse_response(stream, **options(request))

    async def from_factory(request: Request) -> Response:
        def start() -> PartialStream[PartialMeetingInfo, MeetingInfo]:
            return stream_meeting_info(upstreams.client, messages=MESSAGES, model="m")

        return sse_response(start, **options(request))

    async def broken(request: Request) -> Response:
        async def text() -> AsyncIterator[str]:
            yield '{"users": [{"name": "Ada"'
            raise RuntimeError("secret: the database password is hunter2")

        stream = AsyncPartialStream(PartialMeetingInfo, MeetingInfo, text())
        return sse_response(stream)

    routes = [
        Route("/async", from_async),
        Route("/sync", from_sync),
        Route("/factory", from_factory),
        Route("/broken", broken),
        script_route(),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await upstreams.aclient.close()  # its pooled connections live on this loop

    starlette = Starlette(routes=routes, lifespan=lifespan)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await starlette(scope, receive, send)
        except Exception as exc:  # what uvicorn would log
            upstreams.faults.append(exc)
            raise

    return app


@pytest.fixture(scope="module")
def upstreams(replay: ReplayServer) -> Iterator[Upstreams]:
    with OpenAI(base_url=replay.base_url, api_key="test", max_retries=0) as client:
        yield Upstreams(client, AsyncOpenAI(base_url=replay.base_url, api_key="t", max_retries=0))


@pytest.fixture(scope="module")
def relay(upstreams: Upstreams) -> Iterator[str]:
    with LiveServer(relay_app(upstreams)) as server:
        yield server.url


def get(url: str) -> tuple[httpx.Response, list[Event]]:
    response = httpx.get(url, timeout=10)
    return response, parse_events(response.text)


def expected_final(reply: Reply) -> dict[str, Any]:
    dumped: dict[str, Any] = MeetingInfo.model_validate_json(reply.text).model_dump(
        mode="json", by_alias=True
    )
    return dumped


@pytest.mark.parametrize("kind", KINDS)
def test_patches_add_up_to_the_final_event(
    replay: ReplayServer, relay: str, upstreams: Upstreams, kind: str
) -> None:
    replay.enqueue(MEETING)
    response, events = get(f"{relay}/{kind}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache, no-transform"
    assert response.headers["x-accel-buffering"] == "no"
    *patches, final = events
    assert [e.event for e in patches] == ["patch"] * len(patches) and final.event == "final"
    assert [e.id for e in events] == [str(n) for n in range(1, len(events) + 1)]
    assert all(e.fields in (["event", "id", "data"],) for e in events)
    document: Any = None
    states = []
    for event in patches:
        document = apply_patch(document, json.loads(event.data))
        states.append(json.dumps(document))
    assert document == json.loads(final.data) == expected_final(MEETING)
    assert len(set(states)) > 40  # the users and strings arrived a piece at a time
    assert upstreams.faults == []


def test_standard_operations_are_rfc_6902_only(replay: ReplayServer, relay: str) -> None:
    replay.enqueue(MEETING)
    _, events = get(f"{relay}/async?standard")
    *patches, final = events
    operations = [op for event in patches for op in json.loads(event.data)]
    assert {op["op"] for op in operations} == {"add", "replace"}
    document = None
    for event in patches:
        document = apply_patch(document, json.loads(event.data), standard=True)
    assert document == json.loads(final.data) == expected_final(MEETING)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply.of(MEETING.text[:120], finish="length"), "LengthLimitError"),
        (Reply.of(MEETING.text.replace('"budget":1800', '"budget":-1')), "FinalValidationError"),
    ],
    ids=["length", "invalid"],
)
def test_a_failed_answer_ends_in_one_error_event(
    replay: ReplayServer, relay: str, kind: str, reply: Reply, error: str
) -> None:
    replay.enqueue(reply)
    response, events = get(f"{relay}/{kind}")
    assert response.status_code == 200
    *patches, last = events
    assert patches and {e.event for e in patches} == {"patch"}
    assert last.event == "error" and last.id == str(len(events))
    data = json.loads(last.data)
    assert data["type"] == error
    assert data["text"] == reply.text
    assert (
        ("token limit" in data["message"])
        if error == "LengthLimitError"
        else "budget" in data["message"]
    )


@pytest.mark.parametrize("kind", ["async", "factory"])
@pytest.mark.parametrize(
    ("reply", "status", "error"),
    [
        (Reply.http_error(500, "the model is down"), 502, "InternalServerError"),
        (
            Reply(
                status=429,
                raw=b'{"error": {"message": "slow down", "type": "rate_limit"}}',
                headers={"retry-after": "7"},
            ),
            503,
            "RateLimitError",
        ),
        (Reply.http_error(401, "bad key"), 502, "AuthenticationError"),
    ],
    ids=["500", "429", "401"],
)
def test_an_api_error_before_the_first_event_is_an_http_status(
    replay: ReplayServer, relay: str, kind: str, reply: Reply, status: int, error: str
) -> None:
    replay.enqueue(reply)
    response = httpx.get(f"{relay}/{kind}", timeout=10)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["type"] == error and body["text"] == ""
    assert json.loads(reply.raw or b"")["error"]["message"] in body["message"]
    assert response.headers.get("retry-after") == ("7" if status == 503 else None)


def test_a_server_fault_is_an_error_event_that_tells_nothing_and_is_logged(
    relay: str, upstreams: Upstreams, caplog: pytest.LogCaptureFixture
) -> None:
    response, events = get(f"{relay}/broken")
    assert response.status_code == 200
    *patches, last = events
    assert {e.event for e in patches} == {"patch"} and last.event == "error"
    data = json.loads(last.data)
    assert data["type"] == "ServerFault"
    assert "hunter2" not in last.data and "log" in data["message"]
    assert data["text"] == '{"users": [{"name": "Ada"'
    (record,) = [r for r in caplog.records if r.name == "schemastream.web"]
    assert record.exc_info is not None and "hunter2" in str(record.exc_info[1])
    assert upstreams.faults == []  # the response ended as it should: nothing for the server


@pytest.mark.parametrize("kind", ["async", "factory"])  # the sync kind is the factory's relay
def test_pings_while_the_model_is_silent(replay: ReplayServer, relay: str, kind: str) -> None:
    half = len(MEETING.text) // 2
    replay.enqueue(Reply(deltas=[MEETING.text[:half], MEETING.text[half:]], delay=0.25))
    _, events = get(f"{relay}/{kind}?ping=0.06")
    kinds = [e.event for e in events]
    assert kinds[-1] == "final"
    pings = [e for e in events if e.event == ":"]
    assert {p.data for p in pings} == {": ping"}
    # Two silences of 0.25 s, a ping per 0.06 s of each: about four each, no more.
    assert 4 <= len(pings) <= 2 * 0.25 / 0.06 + 1, kinds
    first_patch = kinds.index("patch")
    assert ":" in kinds[:first_patch] and ":" in kinds[first_patch:]


def hang_up_after_first_patch(url: str) -> None:
    """Read the response up to its first patch event, then close the connection."""
    with httpx.stream("GET", url, timeout=10) as response:
        for chunk in response.iter_text():
            if "event: patch" in chunk:
                return
    raise AssertionError("no patch event came")


def relaying_threads() -> list[str]:
    """Threads still inside a relay's worker loop."""
    frames = sys._current_frames()
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    found = []
    for ident, frame in frames.items():
        walker: Any = frame
        while walker is not None:
            if walker.f_code.co_name == "_pump":
                found.append(names.get(ident, str(ident)))
                break
            walker = walker.f_back
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_the_browser_leaving_hangs_up_on_the_model(
    replay: ReplayServer, relay: str, kind: str
) -> None:
    before = replay.disconnects
    replay.enqueue(Reply.of(MEETING.text, delay=0.02))
    hang_up_after_first_patch(f"{relay}/{kind}")
    assert wait_for(lambda: replay.disconnects == before + 1), "the model was not hung up on"
    assert wait_for(lambda: relaying_threads() == []), relaying_threads()


class SilentUpstream:
    """An OpenAI-compatible server that sends one delta, then says nothing until hung up on.

    It sees the hang-up the moment it comes (a read that returns nothing), unlike a
    server that only finds out when it next writes.
    """

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.hung_up = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}/v1"

    def _serve(self) -> None:
        connection, _ = self._socket.accept()
        with connection:
            received = b""
            while b"\r\n\r\n" not in received:
                received += connection.recv(65536)
            head, _, body = received.partition(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            while len(body) < length:
                body += connection.recv(65536)
            chunk = {
                "id": "c",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "m",
                "choices": [
                    {
                        "index": 0,
                        "delta": {
                            "role": "assistant",
                            "tool_calls": [
                                {
                                    "index": 0,
                                    "id": "call",
                                    "type": "function",
                                    "function": {"name": "MeetingInfo", "arguments": '{"users": ['},
                                }
                            ],
                        },
                        "finish_reason": None,
                    }
                ],
            }
            event = b"data: " + json.dumps(chunk).encode() + b"\n\n"
            connection.sendall(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                b"transfer-encoding: chunked\r\n\r\n%x\r\n%s\r\n" % (len(event), event)
            )
            connection.settimeout(30)
            if connection.recv(1) == b"":
                self.hung_up.set()

    def close(self) -> None:
        self._socket.close()


@pytest.mark.parametrize("kind", KINDS)
def test_a_silent_model_is_hung_up_on_at_once(relay: str, upstreams: Upstreams, kind: str) -> None:
    silent = SilentUpstream()
    client, aclient = upstreams.client, upstreams.aclient
    upstreams.client = OpenAI(base_url=silent.base_url, api_key="test", max_retries=0)
    upstreams.aclient = AsyncOpenAI(base_url=silent.base_url, api_key="test", max_retries=0)
    try:
        hang_up_after_first_patch(f"{relay}/{kind}")
        hung_up = time.monotonic()
        assert silent.hung_up.wait(2), "the silent model's server never saw the hang-up"
        assert time.monotonic() - hung_up < 0.5
        assert wait_for(lambda: relaying_threads() == []), relaying_threads()
    finally:
        upstreams.client.close()
        upstreams.client, upstreams.aclient = client, aclient
        silent.close()


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["async", "factory"])
async def test_a_send_that_fails_hangs_up_quietly(
    replay: ReplayServer, upstreams: Upstreams, kind: str
) -> None:
    """ASGI 2.4 servers raise OSError from ``send`` once the client is gone."""
    before = replay.disconnects
    replay.enqueue(Reply.of(MEETING.text, delay=0.02))
    sent: list[dict[str, Any]] = []
    gone = anyio.Event()

    async def receive() -> dict[str, Any]:
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message.get("body"):
            gone.set()
            raise OSError("the client is gone")
        sent.append(message)

    async with AsyncOpenAI(base_url=replay.base_url, api_key="t", max_retries=0) as aclient:
        if kind == "async":
            response = sse_response(astream_meeting_info(aclient, messages=MESSAGES, model="m"))
        else:
            response = sse_response(
                lambda: stream_meeting_info(upstreams.client, messages=MESSAGES, model="m")
            )
        scope = {"type": "http", "asgi": {"spec_version": "2.4"}}
        with anyio.fail_after(5):
            await response(scope, receive, send)  # returns: no exception, no hanging
    assert gone.is_set() and [m["type"] for m in sent] == ["http.response.start"]
    assert await anyio.to_thread.run_sync(
        lambda: wait_for(lambda: replay.disconnects == before + 1)
    ), "the model was not hung up on"


def test_misuse_raises_in_the_route(replay: ReplayServer, upstreams: Upstreams) -> None:
    replay.enqueue(MEETING)
    with stream_meeting_info(upstreams.client, messages=MESSAGES, model="m") as stream:
        next(iter(stream))
        with pytest.raises(RuntimeError, match="before reading the stream"):
            sse_response(stream)
    with pytest.raises(TypeError, match="not int"):
        sse_response(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ping_interval"):
        sse_response(lambda: stream, ping_interval=0)


def test_the_script_route_serves_the_module(relay: str) -> None:
    response = httpx.get(f"{relay}/schemastream.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert response.content == SCRIPT_PATH.read_bytes()
    again = httpx.get(
        f"{relay}/schemastream.js", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304
