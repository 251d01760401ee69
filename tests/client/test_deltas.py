"""Delta readers on the event shapes real servers send (OpenAI, Azure, vLLM, Ollama)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from schemastream.runtime import (
    LengthLimitError,
    MalformedChunkError,
    RefusalError,
    StreamInterruptedError,
    UnexpectedToolCallError,
)
from schemastream.runtime._modes import ChatDeltas, ResponsesDeltas, read_body


def feed(reader: ChatDeltas | ResponsesDeltas, *events: Any) -> str:
    text = []
    for event in events:
        data = event if isinstance(event, bytes) else json.dumps(event).encode()
        delta = reader.read(None, data)
        if delta:
            text.append(delta)
    reader.finish()
    return "".join(text)


def choice(delta: dict[str, Any], finish: str | None = None, index: int = 0) -> dict[str, Any]:
    return {"choices": [{"index": index, "delta": delta, "finish_reason": finish}]}


def test_azure_prompt_filter_chunk_and_other_choices_are_skipped() -> None:
    text = feed(
        ChatDeltas(tool=False),
        {"choices": [], "prompt_filter_results": [{"prompt_index": 0}]},
        choice({"content": '{"a":'}),
        choice({"content": "IGNORED"}, index=1),
        choice({"content": " 1}"}, "stop"),
    )
    assert text == '{"a": 1}'


def test_tool_call_id_is_kept_and_a_second_call_is_an_error_after_the_first_text() -> None:
    reader = ChatDeltas(tool=True, function="T")
    call = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "T"}}
    second = {"index": 1, "id": "c2", "function": {"name": "T", "arguments": "{}"}}
    deltas = [
        choice({"role": "assistant", "tool_calls": [{**call, "function": {"arguments": ""}}]}),
        choice({"tool_calls": [second, {"index": 0, "function": {"arguments": '{"a": 1}'}}]}),
    ]
    texts = [reader.read(None, json.dumps(delta).encode()) for delta in deltas]
    assert texts == [None, '{"a": 1}']  # call 0's text, though listed after call 1
    assert reader.tool_call_id == "call_1"
    with pytest.raises(UnexpectedToolCallError, match="second time") as caught:
        reader.finish()
    assert (caught.value.tool, caught.value.index) == ("T", 1)


def test_done_alone_vouches_for_the_end_and_finish_alone_too() -> None:
    assert feed(ChatDeltas(tool=False), choice({"content": "{}"}), b"[DONE]") == "{}"
    assert feed(ChatDeltas(tool=False), choice({"content": "{}"}, "stop")) == "{}"
    with pytest.raises(StreamInterruptedError):
        feed(ChatDeltas(tool=False), choice({"content": "{}"}))


def test_delta_and_finish_in_one_chunk_keep_the_delta() -> None:
    reader = ChatDeltas(tool=False)
    assert reader.read(None, json.dumps(choice({"content": "{"}, "length")).encode()) == "{"
    with pytest.raises(LengthLimitError):
        reader.finish()


def test_refusal_pieces_are_joined() -> None:
    with pytest.raises(RefusalError) as caught:
        feed(
            ChatDeltas(tool=False),
            choice({"refusal": "No, "}),
            choice({"refusal": "sorry."}, "stop"),
        )
    assert caught.value.refusal == "No, sorry."


def test_responses_incomplete_and_refusal_done() -> None:
    incomplete = {"type": "response.incomplete", "response": {"incomplete_details": {}}}
    with pytest.raises(LengthLimitError, match="'unknown'"):
        feed(ResponsesDeltas(), incomplete)
    refusal = {"type": "response.refusal.done", "refusal": "Not this."}
    with pytest.raises(RefusalError, match=r"Not this\."):
        feed(ResponsesDeltas(), refusal, {"type": "response.completed", "response": {}})


@pytest.mark.parametrize("data", [b"", b"null", b'"text"', b'{"choices": [1]}'])
def test_chat_shapes_that_are_not_chunks(data: bytes) -> None:
    with pytest.raises(MalformedChunkError):
        ChatDeltas(tool=False).read(None, data)


def test_body_readers() -> None:
    body = read_body("responses", b'{"status": "completed", "output": [{"type": "reasoning"}]}')
    assert body.text == "" and body.error is None
    with pytest.raises(MalformedChunkError, match="failed"):
        read_body("responses", b'{"status": "failed", "output": []}')
    with pytest.raises(MalformedChunkError, match="not JSON"):
        read_body("tools", b"<html>")


def test_a_surrogate_pair_split_across_events_survives() -> None:
    first = b'{"choices": [{"index": 0, "delta": {"content": "\\"\\ud83d"}}]}'
    second = (
        b'{"choices": [{"index": 0, "delta": {"content": "\\ude00\\""}, "finish_reason": "stop"}]}'
    )
    text = feed(ChatDeltas(tool=False), first, second)
    assert text.encode("utf-16", "surrogatepass").decode("utf-16") == '"\U0001f600"'
