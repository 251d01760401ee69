"""Reasoning text is kept apart: think blocks cut anywhere, reasoning fields, never parsed.

The think-block splitter is checked against a plain reading of the rule on every
chunking (hypothesis); the readers on the fields servers send reasoning in.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemastream.runtime import (
    IncompleteJSONError,
    LengthLimitError,
    MalformedChunkError,
    StreamLimitError,
)
from schemastream.runtime._chat import ChatDeltas
from schemastream.runtime._modes import read_body
from schemastream.runtime._reasoning import ThinkBlock, split_think
from schemastream.runtime._responses import ResponsesDeltas
from schemastream.runtime._sse import Limits, SSETextSource
from schemastream.runtime._text import TextBuffer

from .hostile import MemoryResponse


def reference(text: str) -> tuple[str, str, bool]:
    """The rule, read plainly on the whole text: (reasoning, answer, still open)."""
    opening = re.match(r"([ \t\r\n]*)<think>", text)
    if opening is None:
        return "", text, False
    space, rest = opening.group(1), text[opening.end() :]
    if "</think>" not in rest:
        return rest, space, True
    reasoning, _, answer = rest.partition("</think>")
    return reasoning, space + answer, False


PIECES = st.sampled_from(
    ["<think>", "</think>", "<thi", "nk>", "</th", "<", ">", " ", "\n", "{", '"a"', "x", "}"]
)


@st.composite
def cut(draw: st.DrawFn, text: str) -> list[str]:
    points = sorted(draw(st.lists(st.integers(0, len(text)), max_size=10)))
    bounds = [0, *points, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_think_block_is_split_off_however_the_text_is_cut(data: st.DataObject) -> None:
    text = "".join(data.draw(st.lists(PIECES, max_size=14)))
    reasoning = TextBuffer()
    block = ThinkBlock(reasoning)
    answer = []
    seen = ""
    for piece in data.draw(cut(text)):
        answer.append(block.feed(piece))
        assert reasoning.text.startswith(seen)  # reasoning only grows
        seen = reasoning.text
    answer.append(block.flush())
    assert (reasoning.text, "".join(answer), block.open) == reference(text)
    assert split_think(text) == reference(text)


def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return json.dumps({"object": "chat.completion.chunk", "choices": [choice]}).encode()


def read_all(reader: ChatDeltas | ResponsesDeltas, *events: bytes) -> list[str | None]:
    texts = [reader.read(None, data) for data in events]
    reader.finish()
    return texts


@pytest.mark.parametrize(
    "fields",
    [
        {"reasoning_content": "{not json}"},  # DeepSeek, llama.cpp, LiteLLM, vLLM < 0.11
        {"reasoning": "{not json}"},  # vLLM >= 0.11, Ollama, OpenRouter
        {"reasoning": "{not json}", "reasoning_content": "{not json}"},  # vLLM 0.11-0.15
        {"reasoning": "{not json}", "content": ""},  # Ollama, beside an empty content
    ],
)
@pytest.mark.parametrize("tool", [False, True])
def test_reasoning_fields_are_kept_apart_and_count_as_progress(
    fields: dict[str, Any], tool: bool
) -> None:
    reader = ChatDeltas(tool=tool)
    answer = (
        {"tool_calls": [{"index": 0, "id": "c", "function": {"name": "T", "arguments": "{}"}}]}
        if tool
        else {"content": "{}"}
    )
    texts = read_all(reader, chunk(fields), chunk(fields), chunk(answer, "stop"))
    assert texts == ["", "", "{}"]  # "": progress, though no text
    assert reader.reasoning.text == "{not json}{not json}"


def test_a_think_block_in_content_never_reaches_the_text() -> None:
    reader = ChatDeltas(tool=False)
    deltas = ["\n<th", 'ink>\nLet me see: {"a": 1}? ', "</thi", 'nk>\n\n{"a": ', "1}"]
    texts = read_all(reader, *[chunk({"content": d}) for d in deltas], chunk({}, "stop"))
    assert "".join(t or "" for t in texts) == '\n\n\n{"a": 1}'
    assert reader.reasoning.text == '\nLet me see: {"a": 1}? '


def test_a_think_tag_after_the_json_began_is_json_text() -> None:
    reader = ChatDeltas(tool=False)
    texts = read_all(
        reader, chunk({"content": '{"a": "<think>x'}), chunk({"content": '"}'}, "stop")
    )
    assert texts == ['{"a": "<think>x', '"}'] and reader.reasoning.text == ""


def test_an_unfinished_tag_at_the_end_is_text_after_all() -> None:
    reader = ChatDeltas(tool=False)
    assert read_all(reader, chunk({"content": "<thi"}), chunk({}, "stop")) == ["", "<thi"]


def test_a_think_block_that_never_closes_is_an_incomplete_answer() -> None:
    reader = ChatDeltas(tool=False)
    with pytest.raises(IncompleteJSONError, match=r"<think> block"):
        read_all(reader, chunk({"content": "<think>still {thinking"}, "stop"))
    assert reader.reasoning.text == "still {thinking"
    with pytest.raises(LengthLimitError):  # the token limit says more than the open block
        read_all(ChatDeltas(tool=False), chunk({"content": "<think>hm"}, "length"))


def test_reasoning_that_is_not_text_is_malformed() -> None:
    with pytest.raises(MalformedChunkError, match=r"delta\.reasoning is a JSON dict"):
        ChatDeltas(tool=False).read(None, chunk({"reasoning": {"text": "x"}}))


def responses_event(kind: str, **fields: Any) -> bytes:
    return json.dumps({"type": kind, **fields}).encode()


def test_responses_reasoning_events_are_kept_apart() -> None:
    reader = ResponsesDeltas()
    texts = read_all(
        reader,
        responses_event("response.reasoning_summary_part.added", summary_index=0),
        responses_event("response.reasoning_summary_text.delta", delta="First {"),
        responses_event("response.reasoning_summary_part.added", summary_index=1),
        responses_event("response.reasoning_summary_text.delta", delta="second."),
        responses_event("response.reasoning_text.delta", delta=" Raw."),
        responses_event("response.output_text.delta", delta="{}"),
        responses_event("response.completed", response={}),
    )
    assert [t for t in texts if t is not None] == ["", "", "", "{}"]
    assert reader.reasoning.text == "First {\n\nsecond. Raw."


def test_bodies_keep_reasoning_apart() -> None:
    message = {"role": "assistant", "content": "<think>{x}</think>{}", "reasoning": "r"}
    completion = {"choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}
    body = read_body("json_schema", json.dumps(completion).encode())
    assert (body.text, body.reasoning, body.error) == ("{}", "r{x}", None)
    message = {"content": None, "reasoning_content": "why", "tool_calls": []}
    completion["choices"][0]["message"] = message
    assert read_body("tools", json.dumps(completion).encode()).reasoning == "why"
    response = {
        "status": "completed",
        "output": [
            {"type": "reasoning", "summary": [{"type": "summary_text", "text": "s"}]},
            {"type": "message", "content": [{"type": "output_text", "text": "{}"}]},
        ],
    }
    body = read_body("responses", json.dumps(response).encode())
    assert (body.text, body.reasoning) == ("{}", "s")


def test_reasoning_deltas_are_progress_not_idle_events() -> None:
    thinking = b"".join(b"data: " + chunk({"reasoning": "hm"}) + b"\n\n" for _ in range(50))
    body = thinking + b"data: " + chunk({"content": "{}"}, "stop") + b"\n\n"
    source = SSETextSource(
        MemoryResponse([body]), ChatDeltas(tool=False), Limits(max_idle_events=10)
    )
    assert "".join(source) == "{}"
    assert source.reasoning == "hm" * 50
    idle = b"data: " + chunk({"role": "assistant"}) + b"\n\n"
    source = SSETextSource(
        MemoryResponse([idle * 50]), ChatDeltas(tool=False), Limits(max_idle_events=10)
    )
    with pytest.raises(StreamLimitError):
        list(source)
