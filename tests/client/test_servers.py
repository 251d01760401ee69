"""The OpenAI-compatible servers people run, byte for byte: each shape reads as a user expects.

Every case scripts what one server sends (read from its source; the version is named
in docs/client.md, "Compatible servers") and says what the stream must make of it: the
validated model, the reasoning and the usage, or a typed error saying what the server
did. The real openai client reads each over HTTP on 127.0.0.1, sync and async.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from openai import AsyncOpenAI, OpenAI

from schemastream.cli import SERVE_FLAVOURS
from schemastream.runtime import (
    LengthLimitError,
    MalformedChunkError,
    MissingToolCallError,
    RefusalError,
    StreamError,
    StreamInterruptedError,
    UnexpectedToolCallError,
)
from schemastream.runtime._client import (
    acreate_structured,
    astream_structured,
    create_structured,
    stream_structured,
)
from schemastream.runtime._modes import Mode
from schemastream.testing import FLAVOURS, Flavour, ReplayServer, Reply
from schemastream.testing._render import render_stream

from .hostile import Answer, HostileServer, events
from .models import TEAM, TEAM_JSON, TEAM_SPEC, Team

MESSAGES: list[Any] = [{"role": "user", "content": "team?"}]
FORCED = {"type": "function", "function": {"name": "Team"}}
PIECES = [TEAM_JSON[i : i + 7] for i in range(0, len(TEAM_JSON), 7)]
USAGE = {"prompt_tokens": 9, "completion_tokens": 30, "total_tokens": 39}
THOUGHT = 'Members: {"name": ...} first, then the budget. '


def chunk(delta: dict[str, Any] | None, finish: str | None = None, **top: Any) -> dict[str, Any]:
    """A ``chat.completion.chunk``; ``delta=None`` leaves ``choices`` empty."""
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "model": "m",
        "choices": choices,
        **top,
    }


def contents(pieces: list[str], **extra: Any) -> list[dict[str, Any]]:
    return [chunk({"content": piece, **extra}) for piece in pieces]


def arguments(pieces: list[str]) -> list[dict[str, Any]]:
    return [chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]}) for p in pieces]


def thinking(field_name: str, **extra: Any) -> list[dict[str, Any]]:
    half = len(THOUGHT) // 2
    return [chunk({field_name: part, **extra}) for part in (THOUGHT[:half], THOUGHT[half:])]


def opening_call(arguments: str = "", **call: Any) -> dict[str, Any]:
    function = {"name": "Team", "arguments": arguments}
    return {"index": 0, "id": "call_1", "type": "function", "function": function, **call}


@dataclass(frozen=True)
class Shape:
    """What one server sends, and what the stream must make of it (``error=None``: TEAM)."""

    name: str
    body: list[Any]
    mode: Mode = "json_schema"
    error: type[StreamError] | None = None
    reasoning: str = ""
    usage: bool = False
    says: str = ""  # in the error's message
    text: str | None = None  # the error's .text
    options: Mapping[str, Any] = field(default_factory=dict)


def sse(*payloads: Any) -> list[bytes]:
    return events(*payloads)


DONE = b"[DONE]"
ROLE = chunk({"role": "assistant", "content": ""})

STREAMED = [
    # vLLM: vllm/entrypoints/openai/chat_completion/serving.py, tool_parsers/streaming.py.
    Shape(
        "vllm: reasoning in delta.reasoning, usage alone at the end",
        sse(
            ROLE,
            *thinking("reasoning"),
            *contents(PIECES),
            chunk({}, "stop", stop_reason=None),
            chunk(None, usage=USAGE),
            DONE,
        ),
        reasoning=THOUGHT,
        usage=True,
    ),
    Shape(
        "vllm: named tool choice, name and first arguments in one delta, finish stop",
        sse(
            ROLE,
            chunk({"tool_calls": [opening_call(PIECES[0])]}),
            *arguments(PIECES[1:]),
            chunk({}, "stop"),
            DONE,
        ),
        mode="tools",
    ),
    Shape(
        "vllm < 0.6: reasoning_content; tool calls without index, a new id on every delta",
        sse(
            ROLE,
            *thinking("reasoning_content"),
            *[
                chunk(
                    {
                        "tool_calls": [
                            {
                                "id": f"chatcmpl-tool-{i}",
                                "type": "function",
                                "function": {"arguments": p},
                            }
                        ]
                    }
                )
                for i, p in enumerate(PIECES)
            ],
            chunk({}, "tool_calls"),
            DONE,
        ),
        mode="tools",
        reasoning=THOUGHT,
    ),
    Shape(
        "vllm: continuous usage stats on every chunk",
        sse(*[{**c, "usage": USAGE} for c in [ROLE, *contents(PIECES), chunk({}, "stop")]], DONE),
        usage=True,
    ),
    Shape(
        "vllm: a request the engine aborted, finish abort",
        sse(ROLE, *contents(PIECES[:3]), chunk({}, "abort"), DONE),
        error=StreamInterruptedError,
        says="'abort'",
        text="".join(PIECES[:3]),
    ),
    Shape(
        "vllm: an error mid-stream, then [DONE]",
        sse(
            ROLE,
            *contents(PIECES[:3]),
            {
                "error": {
                    "message": "CUDA out of memory",
                    "type": "InternalServerError",
                    "code": 500,
                }
            },
            DONE,
        ),
        error=MalformedChunkError,
        says="CUDA out of memory",
        text="".join(PIECES[:3]),
    ),
    # Ollama: openai/openai.go (toChunk, ToStreamChunks, FinishChunk), middleware/openai.go.
    Shape(
        "ollama: reasoning beside empty content, finish and usage chunks apart",
        sse(
            chunk({"role": "assistant", "content": "", "reasoning": THOUGHT[:10]}),
            chunk({"content": "", "reasoning": THOUGHT[10:]}),
            *contents(PIECES),
            chunk({}, "stop"),
            chunk(None, usage=USAGE),
            DONE,
        ),
        reasoning=THOUGHT,
        usage=True,
    ),
    Shape(
        "ollama: the tool call whole in one delta, beside empty content",
        sse(
            chunk({"role": "assistant", "content": "", "tool_calls": [opening_call(TEAM_JSON)]}),
            chunk({}, "tool_calls"),
            DONE,
        ),
        mode="tools",
    ),
    Shape(
        "ollama: tool_choice ignored, the answer in content",
        sse(ROLE, *contents(PIECES), chunk({}, "stop"), DONE),
        mode="tools",
        error=MissingToolCallError,
        says="called no tool",
        text=TEAM_JSON,
    ),
    Shape(
        "ollama: two calls in one delta, indexed 0 and 1",
        sse(
            chunk(
                {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [opening_call(TEAM_JSON), opening_call("{}", index=1)],
                }
            ),
            chunk({}, "tool_calls"),
            DONE,
        ),
        mode="tools",
        error=UnexpectedToolCallError,
        says="second time",
        text=TEAM_JSON,
    ),
    Shape(
        "ollama: an error mid-stream ends the body without a finish",
        sse(ROLE, *contents(PIECES[:3]), chunk({"content": ""})),
        error=StreamInterruptedError,
        says="did not report",
        text="".join(PIECES[:3]),
    ),
    # llama.cpp: tools/server/server-task.cpp, common/chat.cpp (msg diffs), server-context.cpp.
    Shape(
        "llama.cpp: reasoning_content, then reasoning and content in one delta",
        sse(
            *thinking("reasoning_content")[:1],
            chunk({"reasoning_content": THOUGHT[len(THOUGHT) // 2 :], "content": PIECES[0]}),
            *contents(PIECES[1:]),
            chunk({}, "stop"),
            chunk(None, usage=USAGE, timings={"predicted_n": 30}),
            DONE,
        ),
        reasoning=THOUGHT,
        usage=True,
    ),
    Shape(
        "llama.cpp: tool-call diffs, the id only in the first",
        sse(
            chunk({"tool_calls": [opening_call()]}),
            *arguments(PIECES),
            chunk({}, "tool_calls"),
            DONE,
        ),
        mode="tools",
    ),
    Shape(
        "llama.cpp: ping comments, and [DONE] without its blank line",
        [
            b":\n\n",
            *sse(*contents(PIECES[:2])),
            b":\n\n",
            *sse(*contents(PIECES[2:])),
            *sse(chunk({}, "stop")),
            b"data: [DONE]\n",
        ],
    ),
    Shape(
        "llama.cpp before 2025-09: an error as an error: field, then [DONE]",
        [
            *sse(*contents(PIECES[:3])),
            b'error: {"code":400,"message":"the request exceeds the available context size",'
            b'"type":"invalid_request_error"}\n\n',
            *sse(DONE),
        ],
        error=MalformedChunkError,
        says="exceeds the available context size",
        text="".join(PIECES[:3]),
    ),
    Shape(
        "llama.cpp with reasoning_format none: a <think> block in the content",
        sse(
            *contents(["<thi", "nk>\n", THOUGHT, "</think", ">\n\n", *PIECES]),
            chunk({}, "stop"),
            DONE,
        ),
        mode="json",
        reasoning="\n" + THOUGHT,
    ),
    # LiteLLM: litellm_core_utils/streaming_handler.py, proxy/proxy_server.py.
    Shape(
        "litellm: the role on every delta, usage on a last chunk with a choice",
        sse(
            *thinking("reasoning_content", role="assistant"),
            *contents(PIECES, role="assistant"),
            chunk({}, "stop"),
            {**chunk({}), "usage": USAGE},
            DONE,
        ),
        reasoning=THOUGHT,
        usage=True,
    ),
    Shape(
        "litellm: a whole tool call, then finish stop",
        sse(
            chunk({"role": "assistant", "tool_calls": [opening_call(TEAM_JSON)]}),
            chunk({}, "stop"),
            DONE,
        ),
        mode="tools",
    ),
    Shape(
        "litellm proxy: an error mid-stream, no [DONE]",
        sse(
            *contents(PIECES[:3]),
            {
                "error": {
                    "message": "litellm.RateLimitError: quota",
                    "type": "None",
                    "param": "None",
                    "code": "429",
                }
            },
        ),
        error=MalformedChunkError,
        says="RateLimitError",
    ),
    Shape(
        "litellm merge_reasoning_content_in_choices: <think> tags in the content",
        sse(*contents(["<think>", THOUGHT, "</think>", *PIECES]), chunk({}, "stop"), DONE),
        reasoning=THOUGHT,
    ),
    # What any of them, and OpenAI-compatible gateways, may do.
    Shape(
        "choices: [] keep-alive chunks between the deltas",
        sse(ROLE, *[c for p in contents(PIECES) for c in (p, chunk(None))], chunk({}, "stop")),
    ),
    Shape(
        "no usage chunk though asked, no [DONE]",
        sse(ROLE, *contents(PIECES), chunk({}, "stop")),
    ),
    Shape(
        "usage on the last content chunk, with the finish",
        sse(
            ROLE, *contents(PIECES[:-1]), chunk({"content": PIECES[-1]}, "stop", usage=USAGE), DONE
        ),
        usage=True,
    ),
    Shape(
        "deepseek-reasoner: content null beside reasoning_content",
        sse(
            ROLE,
            *thinking("reasoning_content", content=None),
            *contents(PIECES),
            chunk({}, "stop"),
            DONE,
        ),
        reasoning=THOUGHT,
    ),
    Shape(
        "openrouter: processing comments, reasoning with reasoning_details",
        [
            b": OPENROUTER PROCESSING\n\n",
            *sse(
                *[
                    chunk({"reasoning": t["reasoning"], "reasoning_details": [{"type": "x"}]})
                    for t in (d["choices"][0]["delta"] for d in thinking("reasoning"))
                ],
                *contents(PIECES),
                chunk({}, "stop"),
                DONE,
            ),
        ],
        reasoning=THOUGHT,
    ),
    Shape(
        "the token limit reached while still reasoning",
        sse(ROLE, *thinking("reasoning_content"), chunk({}, "length"), DONE),
        error=LengthLimitError,
        says="still reasoning",
        reasoning=THOUGHT,
        text="",
    ),
    Shape(
        "a refusal after reasoning, before any JSON",
        sse(ROLE, *thinking("reasoning"), chunk({"refusal": "I can't."}, "stop"), DONE),
        error=RefusalError,
        says="still reasoning",
        reasoning=THOUGHT,
    ),
    Shape(
        "responses: reasoning summary parts, then the text",
        [
            b"event: response.reasoning_summary_part.added\n"
            b'data: {"type":"response.reasoning_summary_part.added","summary_index":0}\n\n',
            *sse(
                *[
                    {"type": "response.reasoning_summary_text.delta", "delta": t}
                    for t in (THOUGHT[:9], THOUGHT[9:])
                ],
                *[{"type": "response.output_text.delta", "delta": p} for p in PIECES],
                {
                    "type": "response.completed",
                    "response": {
                        "usage": {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
                    },
                },
            ),
        ],
        mode="responses",
        reasoning=THOUGHT,
        usage=True,
    ),
    Shape(
        "responses: incomplete while still reasoning",
        sse(
            {"type": "response.reasoning_text.delta", "delta": THOUGHT},
            {
                "type": "response.incomplete",
                "response": {"incomplete_details": {"reason": "max_output_tokens"}},
            },
        ),
        mode="responses",
        error=LengthLimitError,
        says="still reasoning",
        reasoning=THOUGHT,
    ),
]


def completion(message: dict[str, Any], finish: str = "stop") -> bytes:
    choice = {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}
    return json.dumps({"object": "chat.completion", "choices": [choice], "usage": USAGE}).encode()


BODIES = [
    Shape(
        "ollama: reasoning and a tool call, arguments a string",
        [
            completion(
                {"content": "", "reasoning": THOUGHT, "tool_calls": [opening_call(TEAM_JSON)]},
                "tool_calls",
            )
        ],
        mode="tools",
    ),
    Shape(
        "vllm: named tool choice, finish stop",
        [
            completion(
                {"content": "", "reasoning": THOUGHT, "tool_calls": [opening_call(TEAM_JSON)]}
            )
        ],
        mode="tools",
    ),
    Shape(
        "llama.cpp / deepseek: reasoning_content beside the content",
        [completion({"content": TEAM_JSON, "reasoning_content": THOUGHT})],
    ),
    Shape(
        "a <think> block before the JSON, json mode",
        [completion({"content": f"\n<think>{THOUGHT}</think>\n{TEAM_JSON}"})],
        mode="json",
    ),
    Shape(
        "ollama: tool_choice ignored, the answer in content",
        [completion({"content": TEAM_JSON})],
        mode="tools",
        error=MissingToolCallError,
        text=TEAM_JSON,
    ),
    Shape(
        "the token limit reached inside a <think> block",
        [completion({"content": f"<think>{THOUGHT}"}, "length")],
        error=LengthLimitError,
        says="still reasoning",
        reasoning=THOUGHT,
    ),
]


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.close()


def stream_sync(server: HostileServer, shape: Shape) -> tuple[Team, str, object]:
    with OpenAI(base_url=server.base_url, api_key="t", max_retries=0) as client:
        stream = stream_structured(
            TEAM_SPEC, client, messages=MESSAGES, model="m", mode=shape.mode, **shape.options
        )
        with stream:
            for _ in stream:
                pass
            return stream.final, stream.reasoning, stream.usage


async def stream_async(server: HostileServer, shape: Shape) -> tuple[Team, str, object]:
    async with AsyncOpenAI(base_url=server.base_url, api_key="t", max_retries=0) as client:
        stream = astream_structured(
            TEAM_SPEC, client, messages=MESSAGES, model="m", mode=shape.mode, **shape.options
        )
        async with stream:
            async for _ in stream:
                pass
            return await stream.get_final(), stream.reasoning, stream.usage


def check(run: Callable[[], Any], shape: Shape) -> None:
    """``run`` returns the final model, or (for streams) it, the reasoning and the usage."""
    if shape.error is None:
        result = run()
        if isinstance(result, Team):  # create_*: the model is all there is
            assert result == TEAM
            return
        final, reasoning, usage = result
        assert final == TEAM
        assert reasoning == shape.reasoning
        assert (usage is not None) == shape.usage
        return
    with pytest.raises(StreamError) as caught:
        run()
    error = caught.value
    assert type(error) is shape.error, f"{type(error).__name__}: {error}"
    assert shape.says in str(error)
    assert error.reasoning == shape.reasoning
    if shape.text is not None:
        assert error.text == shape.text


@pytest.mark.parametrize("shape", STREAMED, ids=[s.name for s in STREAMED])
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_streamed_shapes(hostile: HostileServer, shape: Shape, flavour: str) -> None:
    hostile.script(Answer(shape.body))
    if flavour == "sync":
        check(lambda: stream_sync(hostile, shape), shape)
    else:
        check(lambda: asyncio.run(stream_async(hostile, shape)), shape)


@pytest.mark.parametrize("shape", BODIES, ids=[s.name for s in BODIES])
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_body_shapes(hostile: HostileServer, shape: Shape, flavour: str) -> None:
    answer = Answer(shape.body, headers={"Content-Type": "application/json"}, chunked=False)
    hostile.script(answer)

    def sync() -> Team:
        with OpenAI(base_url=hostile.base_url, api_key="t", max_retries=0) as client:
            return create_structured(
                TEAM_SPEC, client, messages=MESSAGES, model="m", mode=shape.mode
            )

    async def run_async() -> Team:
        async with AsyncOpenAI(base_url=hostile.base_url, api_key="t", max_retries=0) as client:
            return await acreate_structured(
                TEAM_SPEC, client, messages=MESSAGES, model="m", mode=shape.mode
            )

    check(sync if flavour == "sync" else lambda: asyncio.run(run_async()), shape)


REPLY = Reply.of(TEAM_JSON, 7, reasoning=[THOUGHT[:9], THOUGHT[9:]])


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_replay_server_imitates_each_flavour(flavour: Flavour) -> None:
    modes: list[Mode] = ["tools", "json_schema", "responses"]
    with (
        ReplayServer([REPLY], flavour=flavour) as server,
        OpenAI(base_url=server.base_url, api_key="t") as client,
    ):
        for mode in modes:
            expected = "" if flavour == "openai" and mode != "responses" else THOUGHT
            with stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m", mode=mode) as s:
                assert (s.final, s.reasoning, s.usage is not None) == (TEAM, expected, True)
            final = create_structured(TEAM_SPEC, client, messages=MESSAGES, model="m", mode=mode)
            assert final == TEAM


def deltas(flavour: Flavour, **request: Any) -> list[Any]:
    """The delta of each chunk the flavour renders, then the finish reason."""
    rendering = render_stream(REPLY, {"model": "m", **request}, "chat", 1, flavour)
    events = [*rendering.head, *rendering.deltas, *rendering.tail][:-1]  # no [DONE]
    choices = [c["choices"][0] for c in map(json.loads, (e[6:] for e in events)) if c["choices"]]
    return [c["delta"] for c in choices] + [choices[-1]["finish_reason"]]


def test_each_flavour_streams_as_its_source_does() -> None:
    tools = {"tools": [{"function": {"name": "Team"}}], "tool_choice": FORCED}
    ollama = deltas("ollama", **tools)
    assert [d.get("reasoning") for d in ollama[1:3]] == [THOUGHT[:9], THOUGHT[9:]]
    calls = [d["tool_calls"] for d in ollama[:-1] if "tool_calls" in d]
    whole = {"name": "Team", "arguments": TEAM_JSON}
    assert calls == [[{"index": 0, "id": "call_replay1", "type": "function", "function": whole}]]
    assert ollama[-1] == "tool_calls"
    vllm = deltas("vllm", **tools)
    named = next(d["tool_calls"][0] for d in vllm[:-1] if "tool_calls" in d)
    assert named["function"] == {"name": "Team", "arguments": TEAM_JSON[:7]}
    assert vllm[-1] == "stop"
    llamacpp = deltas("llamacpp")
    assert {"reasoning_content": THOUGHT[:9]} in llamacpp and llamacpp[-1] == "stop"
    assert not any("reasoning" in d or "reasoning_content" in d for d in deltas("openai"))
    litellm = deltas("litellm", **tools)
    assert litellm[1] == {"role": "assistant", "reasoning_content": THOUGHT[:9]}
    assert [d["tool_calls"] for d in litellm[:-1] if "tool_calls" in d] == calls
    assert litellm[-1] == "stop"
    usage = {"model": "m", "stream_options": {"include_usage": True}}
    last_chunk = json.loads(render_stream(REPLY, usage, "chat", 1, "litellm").tail[-2][6:])
    assert last_chunk["usage"] and last_chunk["choices"][0]["delta"] == {}


def test_the_cli_offers_every_flavour() -> None:
    assert SERVE_FLAVOURS == FLAVOURS
