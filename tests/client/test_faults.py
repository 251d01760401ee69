"""Fault injection: the real openai client against a hostile server, every bad answer typed.

Each case scripts the exact bytes of one HTTP answer and says what the stream must do:
raise which ``StreamError`` with which ``.text`` (what arrived before the fault), or end
in the validated model. Every case runs sync and async.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest
from openai import AsyncOpenAI, OpenAI

from schemastream.runtime import (
    ContentFilterError,
    FinalValidationError,
    IncompleteJSONError,
    LengthLimitError,
    MalformedChunkError,
    RefusalError,
    StreamError,
    StreamInterruptedError,
    StreamLimitError,
    UnexpectedToolCallError,
)
from schemastream.runtime._client import (
    acreate_structured,
    astream_structured,
    create_structured,
    stream_structured,
)
from schemastream.runtime._modes import Mode, delta_reader
from schemastream.runtime._sse import Limits, SSETextSource

from .hostile import (
    Answer,
    HostileServer,
    chat,
    content_stream,
    events,
    tool_args,
    tool_stream,
    trickled,
)
from .models import INVALID_JSON, TEAM, TEAM_JSON, TEAM_SPEC, Team

MESSAGES: list[Any] = [{"role": "user", "content": "team?"}]
HALF = TEAM_JSON[:30]  # '{"title":"Platform","members":'
BOM = b"\xef\xbb\xbf"
OPENING = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "Team"}}


def tool_events(*pieces: str, finish: str | None = "tool_calls", done: bool = True) -> list[bytes]:
    """A forced tool call streaming ``pieces``; ``finish=None``/``done=False`` leave them out."""
    tail: list[Any] = [chat({}, finish)] if finish else []
    return events(
        chat({"role": "assistant", "tool_calls": [{**OPENING, "function": {"name": "Team"}}]}),
        *tool_args(*pieces),
        *tail,
        *([b"[DONE]"] if done else []),
    )


def halves(text: str) -> list[str]:
    return [text[:10], text[10:20], text[20:]]


@dataclass(frozen=True)
class Fault:
    """One scripted answer and what the stream must make of it (``error=None``: success)."""

    name: str
    answer: Answer
    error: type[StreamError] | None
    text: str | None = None
    mode: Mode = "tools"
    options: Mapping[str, Any] = field(default_factory=dict)
    check: Callable[[Any], None] | None = None


def chunk_has(needle: str) -> Callable[[Any], None]:
    def check(error: Any) -> None:
        assert needle in error.chunk, error.chunk[:300]

    return check


def tool_call(tool: str | None, index: int) -> Callable[[Any], None]:
    def check(error: Any) -> None:
        assert (error.tool, error.index) == (tool, index)

    return check


def limit(name: str) -> Callable[[Any], None]:
    def check(error: Any) -> None:
        assert error.limit == name

    return check


def cause(kind: type[BaseException]) -> Callable[[Any], None]:
    def check(error: Any) -> None:
        assert isinstance(error.__cause__, kind), repr(error.__cause__)

    return check


# The first event carries text: dropping it (a BOM read as part of its field name) shows.
TEXT_FIRST = events(*tool_args(*halves(TEAM_JSON)), chat({}, "tool_calls"), b"[DONE]")
TOOL_CHUNKS = [json.loads(event[6:]) for event in tool_stream(TEAM_JSON)[:-1]]
TWO_CALLS = [
    {"index": 1, "id": "call_2", "function": {"name": "Team", "arguments": "{}"}},
    {"index": 0, "function": {"arguments": TEAM_JSON[10:20]}},
]
TRICKLE: list[Any] = [piece for _ in range(40) for piece in (b":", 0.02, b"\n", 0.02)]

STREAM_FAULTS = [
    # Bad endings the replay-server tests cover too, here byte for byte.
    Fault("length", Answer(tool_events(HALF, finish="length")), LengthLimitError, HALF),
    Fault(
        "content filter",
        Answer(tool_events(HALF, finish="content_filter")),
        ContentFilterError,
        HALF,
    ),
    Fault(
        "refusal",
        Answer(events(chat({"refusal": "No."}), chat({}, "stop"), b"[DONE]")),
        RefusalError,
        "",
        mode="json_schema",
    ),
    Fault(
        "cut mid-body",
        Answer(tool_events(HALF, finish=None, done=False), end=False),
        StreamInterruptedError,
        HALF,
        check=cause(httpx2.RemoteProtocolError),
    ),
    Fault(
        "clean end without a finish",
        Answer(tool_events(HALF, finish=None, done=False)),
        StreamInterruptedError,
        HALF,
    ),
    Fault("done before the JSON is complete", Answer(tool_events(HALF)), IncompleteJSONError, HALF),
    Fault(
        "data that is not JSON",
        Answer([*tool_events(HALF, finish=None, done=False), b"data: {oops\n\n"]),
        MalformedChunkError,
        HALF,
    ),
    Fault(
        "error event",
        Answer(
            [
                *tool_events(HALF, finish=None, done=False),
                b'event: error\ndata: {"error": {"message": "overloaded"}}\n\n',
            ]
        ),
        MalformedChunkError,
        HALF,
        check=chunk_has("overloaded"),
    ),
    Fault(
        "error payload",
        Answer(
            [
                *tool_events(HALF, finish=None, done=False),
                *events({"error": {"message": "overloaded", "type": "server_error"}}),
            ]
        ),
        MalformedChunkError,
        HALF,
    ),
    Fault(
        "wrong shape",
        Answer([*tool_events(HALF, finish=None, done=False), b"data: [1, 2]\n\n"]),
        MalformedChunkError,
        HALF,
    ),
    Fault("invalid model", Answer(tool_events(INVALID_JSON)), FinalValidationError, INVALID_JSON),
    Fault(
        "stall past the SDK's read timeout",
        Answer([*tool_events(HALF, finish=None, done=False), 1.0]),
        StreamInterruptedError,
        HALF,
        options={"timeout": 0.3},
        check=cause(httpx2.ReadTimeout),
    ),
    # Tool calls routed by index, checked against the forced function.
    Fault(
        "index 1 listed before index 0",
        Answer(
            [
                *tool_events(TEAM_JSON[:10], finish=None, done=False),
                *events(chat({"tool_calls": TWO_CALLS}), *tool_args(TEAM_JSON[20:])),
                *events(chat({}, "tool_calls"), b"[DONE]"),
            ]
        ),
        UnexpectedToolCallError,
        TEAM_JSON,  # all of call 0: the text listed after call 1 in a delta included
        check=tool_call("Team", 1),
    ),
    Fault(
        "another function than the forced one",
        Answer(tool_stream(TEAM_JSON, name="delete_everything")),
        UnexpectedToolCallError,
        "",
        check=tool_call("delete_everything", 0),
    ),
    Fault(
        "the forced tool called twice",
        Answer(
            [
                *tool_events(TEAM_JSON, finish=None, done=False),
                *events(chat({"tool_calls": [{**OPENING, "index": 1, "id": "call_2"}]})),
                *events(*tool_args(TEAM_JSON, index=1), chat({}, "tool_calls"), b"[DONE]"),
            ]
        ),
        UnexpectedToolCallError,
        TEAM_JSON,
        check=tool_call("Team", 1),
    ),
    # Deltas that are not strings.
    Fault(
        "tool arguments that are a number",
        Answer([*tool_events(HALF, finish=None, done=False), *events(*tool_args(5))]),  # type: ignore[arg-type]
        MalformedChunkError,
        HALF,
    ),
    Fault(
        "tool arguments that are an object",
        Answer(
            [*tool_events(HALF, finish=None, done=False), *events(*tool_args({"a": 1}))]  # type: ignore[arg-type]
        ),
        MalformedChunkError,
        HALF,
    ),
    Fault(
        "content that is a number",
        Answer([*content_stream(HALF)[:-2], *events(chat({"content": 5}))]),
        MalformedChunkError,
        HALF,
        mode="json_schema",
    ),
    Fault(
        "a Responses delta that is a number",
        Answer(
            [
                b'event: response.output_text.delta\ndata: {"type": "response.output_text.delta"'
                b', "delta": "{\\"ti"}\n\n',
                b'data: {"type": "response.output_text.delta", "delta": 7}\n\n',
            ]
        ),
        MalformedChunkError,
        '{"ti',
        mode="responses",
    ),
    Fault(
        "a Responses failure event",
        Answer(
            [
                b'event: response.output_text.delta\ndata: {"type":"response.output_text.delta",'
                b'"delta":"{\\"ti"}\n\nevent: response.failed\ndata: {"type":"response.failed",'
                b'"response":{"error":{"code":"server_error","message":"boom"}}}\n\n'
            ]
        ),
        MalformedChunkError,
        '{"ti',
        mode="responses",
        check=chunk_has("boom"),
    ),
    # A 200 answer that is not an event stream: the body is the error, not a cut.
    Fault(
        "an HTML page",
        Answer(
            [b"<html><body>502 Bad Gateway</body></html>"],
            headers={"Content-Type": "text/html"},
        ),
        MalformedChunkError,
        "",
        check=chunk_has("502 Bad Gateway"),
    ),
    Fault(
        "a JSON error document",
        Answer(
            [b'{"error": {"message": "quota exceeded"}}'],
            headers={"Content-Type": "application/json"},
            chunked=False,
        ),
        MalformedChunkError,
        "",
        check=chunk_has("quota exceeded"),
    ),
    Fault(
        "a JSON document labelled as an event stream",
        Answer([b'\n{"choices": []}']),
        MalformedChunkError,
        "",
        check=chunk_has('{"choices": []}'),
    ),
    Fault(
        "plain text",
        Answer([b"Internal error"], headers={"Content-Type": "text/plain"}),
        MalformedChunkError,
        "",
        check=chunk_has("Internal error"),
    ),
    Fault(
        "a body that is not the gzip it claims",
        Answer(
            [b"this is not gzip at all"],
            headers={"Content-Type": "text/event-stream", "Content-Encoding": "gzip"},
        ),
        MalformedChunkError,
        "",
        check=chunk_has("ecompress"),
    ),
    # Harmless oddities: the stream must end in the model.
    Fault("a byte order mark", Answer([BOM + b"".join(TEXT_FIRST)]), None),
    Fault(
        "a byte order mark split across reads",
        Answer([BOM[:1], 0.01, BOM[1:] + b"".join(TEXT_FIRST)]),
        None,
    ),
    Fault(
        "error: null in every chunk",
        Answer(
            [
                *events(
                    *[{**json.loads(e[6:]), "error": None} for e in tool_stream(TEAM_JSON)[:-1]]
                ),
                b"data: [DONE]\n\n",
            ]
        ),
        None,
    ),
    Fault(
        "a gzip body",
        Answer(
            [gzip.compress(b"".join(tool_stream(TEAM_JSON)))],
            headers={"Content-Type": "text/event-stream", "Content-Encoding": "gzip"},
        ),
        None,
    ),
    # Servers that never finish.
    Fault(
        "a comment trickle past total_timeout",
        Answer([*tool_events(HALF, finish=None, done=False), *TRICKLE]),
        StreamLimitError,
        HALF,
        options={"total_timeout": 0.25},
        check=limit("total_timeout"),
    ),
    Fault(
        "silence past total_timeout",
        Answer([*tool_events(HALF, finish=None, done=False), 3.0]),
        StreamLimitError,
        HALF,
        options={"total_timeout": 0.25},
        check=limit("total_timeout"),
    ),
    Fault(
        "events without text",
        Answer([*tool_events(HALF, finish=None, done=False), *events(*[chat({})] * 80)]),
        StreamLimitError,
        HALF,
        options={"max_idle_events": 50},
        check=limit("max_idle_events"),
    ),
    Fault(
        "a comment flood",
        Answer([*tool_events(HALF, finish=None, done=False), b": ping\n" * 80]),
        StreamLimitError,
        HALF,
        options={"max_idle_events": 50},
        check=limit("max_idle_events"),
    ),
    Fault(
        "a blank-line flood",
        Answer([*tool_events(HALF, finish=None, done=False), *[b"\n"] * 80]),
        StreamLimitError,
        HALF,
        options={"max_idle_events": 50},
        check=limit("max_idle_events"),
    ),
]


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.close()


def stream_sync(server: HostileServer, fault: Fault) -> Team:
    with OpenAI(base_url=server.base_url, api_key="t", max_retries=0) as client:
        stream = stream_structured(
            TEAM_SPEC, client, messages=MESSAGES, model="m", mode=fault.mode, **fault.options
        )
        with stream:
            for _ in stream:
                pass
            return stream.final


async def stream_async(server: HostileServer, fault: Fault) -> Team:
    async with AsyncOpenAI(base_url=server.base_url, api_key="t", max_retries=0) as client:
        stream = astream_structured(
            TEAM_SPEC, client, messages=MESSAGES, model="m", mode=fault.mode, **fault.options
        )
        async with stream:
            async for _ in stream:
                pass
            return await stream.get_final()


def outcome(run: Callable[[], Team], fault: Fault) -> None:
    if fault.error is None:
        assert run() == TEAM
        return
    with pytest.raises(StreamError) as caught:
        run()
    error = caught.value
    assert type(error) is fault.error, f"{type(error).__name__}: {error}"
    assert error.text == fault.text
    if error.text.startswith('{"title":"Platform"'):
        assert error.snapshot is not None and error.snapshot.title == "Platform"  # type: ignore[union-attr]
    if fault.check is not None:
        fault.check(error)


@pytest.mark.parametrize("fault", STREAM_FAULTS, ids=[f.name for f in STREAM_FAULTS])
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_stream_fault(hostile: HostileServer, fault: Fault, flavour: str) -> None:
    hostile.script(fault.answer)
    started = time.monotonic()
    if flavour == "sync":
        outcome(lambda: stream_sync(hostile, fault), fault)
    else:
        outcome(lambda: asyncio.run(stream_async(hostile, fault)), fault)
    if "total_timeout" in fault.options:
        assert time.monotonic() - started < fault.options["total_timeout"] + 1.0


def completion(message: dict[str, Any], finish: str = "stop") -> bytes:
    choice = {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}
    return json.dumps({"id": "c", "object": "chat.completion", "choices": [choice]}).encode()


def json_answer(body: bytes, **headers: str) -> Answer:
    return Answer([body], headers={"Content-Type": "application/json", **headers}, chunked=False)


def call(name: str, arguments: Any) -> dict[str, Any]:
    return {"id": "call_1", "type": "function", "function": {"name": name, "arguments": arguments}}


NUMBER_TEXT = {"type": "output_text", "text": 7}
CREATE_FAULTS = [
    Fault(
        "content that is a number",
        json_answer(completion({"content": 5})),
        MalformedChunkError,
        "",
        mode="json_schema",
    ),
    Fault(
        "tool arguments that are an object",
        json_answer(completion({"tool_calls": [call("Team", {"title": "x"})]}, "tool_calls")),
        MalformedChunkError,
        "",
    ),
    Fault(
        "a Responses text that is a number",
        json_answer(
            json.dumps(
                {
                    "status": "completed",
                    "output": [
                        {"type": "message", "content": [{"type": "output_text", "text": 7}]}
                    ],
                }
            ).encode()
        ),
        MalformedChunkError,
        "",
        mode="responses",
    ),
    Fault(
        "two tool calls",
        json_answer(
            completion({"tool_calls": [call("Team", TEAM_JSON), call("Team", "{}")]}, "tool_calls")
        ),
        UnexpectedToolCallError,
        TEAM_JSON,
        check=tool_call("Team", 1),
    ),
    Fault(
        "another function",
        json_answer(completion({"tool_calls": [call("other", TEAM_JSON)]}, "tool_calls")),
        UnexpectedToolCallError,
        "",
        check=tool_call("other", 0),
    ),
    Fault(
        "a body that is not the gzip it claims",
        json_answer(b"not gzip", **{"Content-Encoding": "gzip"}),
        MalformedChunkError,
        "",
    ),
    Fault(
        "an HTML page",
        Answer([b"<html>oops</html>"], headers={"Content-Type": "text/html"}, chunked=False),
        MalformedChunkError,
        "",
        check=chunk_has("<html>oops</html>"),
    ),
    Fault(
        "a body trickled past total_timeout",
        Answer(trickled(completion({"content": TEAM_JSON}), 0.01), chunked=False),
        StreamLimitError,
        "",
        mode="json_schema",
        options={"total_timeout": 0.25},
        check=limit("total_timeout"),
    ),
    Fault("a valid answer", json_answer(completion({"content": TEAM_JSON})), None, mode="json"),
]


@pytest.mark.parametrize("fault", CREATE_FAULTS, ids=[f.name for f in CREATE_FAULTS])
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_create_fault(hostile: HostileServer, fault: Fault, flavour: str) -> None:
    hostile.script(fault.answer)

    def sync() -> Team:
        with OpenAI(base_url=hostile.base_url, api_key="t", max_retries=0) as client:
            return create_structured(
                TEAM_SPEC, client, messages=MESSAGES, model="m", mode=fault.mode, **fault.options
            )

    async def run_async() -> Team:
        async with AsyncOpenAI(base_url=hostile.base_url, api_key="t", max_retries=0) as client:
            return await acreate_structured(
                TEAM_SPEC, client, messages=MESSAGES, model="m", mode=fault.mode, **fault.options
            )

    outcome(sync if flavour == "sync" else lambda: asyncio.run(run_async()), fault)


@pytest.mark.parametrize(
    "body",
    [[b"data: " + b"x" * 5000], [b"data: " + b"x" * 100 + b"\ndata: " + b"y" * 100 + b"\n"] * 30],
    ids=["one long line", "an event that never ends"],
)
def test_an_event_past_max_event_size(hostile: HostileServer, body: list[bytes]) -> None:
    hostile.script(Answer(body))
    with OpenAI(base_url=hostile.base_url, api_key="t", max_retries=0) as client:
        create = client.chat.completions.with_streaming_response.create
        with create(model="m", messages=MESSAGES, stream=True) as response:
            source = SSETextSource(
                response.http_response, delta_reader("json_schema"), Limits(max_event_size=4096)
            )
            with pytest.raises(StreamLimitError) as caught:
                list(source)
    assert caught.value.limit == "max_event_size"
    assert caught.value.value == 4096
