"""A JSON Schema whose root is an array, through the real openai client: the API is asked for
``{"items": [...]}`` and every stream shows the list (snapshots, final, elements, patches).

The helpers are the golden package's (``tests/golden/root_models``), generated code.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonpatch
import pytest
from openai import AsyncOpenAI, OpenAI

from schemastream.runtime import (
    FinalValidationError,
    JSONParseError,
    LengthLimitError,
    PatchOperation,
    UnexpectedToolCallError,
)
from schemastream.runtime._modes import MODES, Mode
from schemastream.testing import Recording, ReplayServer, Reply, record
from tests.golden.root_models.root_models_models import (
    EVENTS_SPEC,
    Event,
    Events,
    PartialEvents,
    acreate_events,
    astream_events,
    create_events,
    stream_events,
)

from .hostile import Answer, HostileServer, chat, events, tool_args

MESSAGES: list[Any] = [{"role": "user", "content": "What happened on the mission?"}]
EVENTS: list[dict[str, Any]] = [
    {"name": "launch", "tags": ["go", "live"], "score": 7},
    {"name": "landing", "tags": ["done"]},
    {"name": "debrief", "score": 90},
]
ANSWER = json.dumps({"items": EVENTS})  # what the model sends
FINAL = Events.model_validate(EVENTS)


def dump(snapshot: PartialEvents | None) -> Any:
    assert snapshot is not None
    return snapshot.model_dump(mode="json", by_alias=True, exclude_unset=True)


def check_snapshots(snapshots: list[PartialEvents]) -> None:
    """Each snapshot is the list so far: complete items but the last, each a change."""
    assert len(snapshots) > 10
    assert all(type(snap) is PartialEvents for snap in snapshots)
    dumps = [dump(snap) for snap in snapshots]
    for before, after in itertools.pairwise(dumps[:-1]):
        assert before != after  # only changes (the last one may just say it is complete)
    for items in dumps:
        assert isinstance(items, list) and len(items) <= len(EVENTS)
        assert items[:-1] == EVENTS[: len(items) - 1]
    assert dumps[-1] == EVENTS


def check_request(request: dict[str, Any], mode: Mode) -> None:
    strict = EVENTS_SPEC.strict_schema
    assert strict is not None and strict["required"] == ["items"]
    assert strict["properties"]["items"]["type"] == "array"
    if mode == "tools":
        (tool,) = request["tools"]
        assert tool["function"]["parameters"] == EVENTS_SPEC.schema
        assert EVENTS_SPEC.schema["properties"]["items"]["type"] == "array"
    elif mode == "json_schema":
        schema_format = request["response_format"]["json_schema"]
        assert schema_format["strict"] is True and schema_format["schema"] == strict
    elif mode == "responses":
        schema_format = request["text"]["format"]
        assert schema_format["strict"] is True and schema_format["schema"] == strict
    else:
        system = request["messages"][0]
        assert system["role"] == "system" and '"required":["items"]' in system["content"]


@pytest.mark.parametrize("mode", MODES)
def test_stream_every_mode_shows_the_list(server: ReplayServer, client: OpenAI, mode: Mode) -> None:
    server.enqueue(Reply.of(ANSWER, 3))
    with stream_events(client, messages=MESSAGES, model="gpt-test", mode=mode) as stream:
        snapshots = list(stream)
    check_snapshots(snapshots)
    assert stream.final == FINAL
    assert stream.text == ANSWER  # the text received, envelope included
    check_request(server.requests[0].body, mode)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_astream_every_mode_yields_the_items(
    server: ReplayServer, aclient: AsyncOpenAI, mode: Mode
) -> None:
    server.enqueue(Reply.of(ANSWER, 3))
    async with astream_events(aclient, messages=MESSAGES, model="gpt-test", mode=mode) as stream:
        items = [event async for event in stream.elements()]
        final = await stream.get_final()
    assert items == FINAL.root
    assert all(type(event) is Event for event in items)
    assert final == FINAL
    check_request(server.requests[0].body, mode)


@pytest.mark.parametrize("mode", MODES)
def test_create_every_mode_returns_the_list(
    server: ReplayServer, client: OpenAI, mode: Mode
) -> None:
    server.enqueue(Reply.of(ANSWER))
    assert create_events(client, messages=MESSAGES, model="gpt-test", mode=mode) == FINAL
    assert "stream" not in server.requests[0].body
    check_request(server.requests[0].body, mode)


@pytest.mark.anyio
async def test_acreate_returns_the_list(server: ReplayServer, aclient: AsyncOpenAI) -> None:
    server.enqueue(Reply.of(ANSWER))
    assert await acreate_events(aclient, messages=MESSAGES, model="gpt-test") == FINAL


def test_an_item_is_yielded_as_soon_as_it_is_complete(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(Reply.of(ANSWER, 3))
    with stream_events(client, messages=MESSAGES, model="gpt-test", mode="tools") as stream:
        seen = [(event, len(stream.text)) for event in stream.elements()]
        assert stream.final == FINAL
    assert [event for event, _ in seen] == FINAL.root
    ends = [ANSWER.index(name) for name in ("landing", "debrief")] + [len(ANSWER) - 2]
    for (_, received), next_item in zip(seen, ends, strict=True):
        assert received <= next_item  # before the next item (or the list's end) was read


def _apply(document: Any, operations: list[PatchOperation], standard: bool) -> Any:
    """Apply with jsonpatch; ``append`` (not RFC 6902) becomes the ``replace`` it stands for."""
    for operation in operations:
        op: dict[str, Any] = dict(operation)
        if op["op"] == "append":
            assert not standard
            text = jsonpatch.JsonPointer(op["path"]).resolve(document) + op["value"]
            op = {"op": "replace", "path": op["path"], "value": text}
        document = jsonpatch.apply_patch(document, [op], in_place=True)
    return document


@pytest.mark.parametrize("standard", [False, True])
def test_patches_are_relative_to_the_list(
    server: ReplayServer, client: OpenAI, standard: bool
) -> None:
    server.enqueue(Reply.of(ANSWER, 3))
    document: Any = None
    with stream_events(client, messages=MESSAGES, model="gpt-test", mode="json_schema") as stream:
        for operations in stream.patches(standard=standard):
            assert not any(op["path"].startswith("/items") for op in operations)
            document = _apply(document, operations, standard)
            assert document == dump(stream.snapshot)
    assert document == EVENTS


def test_an_invalid_item_locates_in_the_text_received(server: ReplayServer, client: OpenAI) -> None:
    text = json.dumps({"items": [EVENTS[0], {"name": 5}]})
    server.enqueue(Reply.of(text, 5))
    with pytest.raises(FinalValidationError) as caught:
        stream_events(client, messages=MESSAGES, model="gpt-test").final  # noqa: B018
    error = caught.value
    assert [e["loc"] for e in error.errors] == [("items", 1, "name")]
    assert "items.1.name" in str(error)
    assert error.text == text
    assert isinstance(error.snapshot, PartialEvents) and dump(error.snapshot)[1] == {}


@pytest.mark.parametrize(
    ("text", "loc"),
    [
        (json.dumps({"items": EVENTS, "note": "all done"}), ("note",)),  # beside the list
        (json.dumps(EVENTS), ()),  # a server that ignored the schema: the bare list
        ("{}", ("items",)),
    ],
)
def test_an_answer_that_is_not_the_envelope_is_a_validation_error(
    server: ReplayServer, client: OpenAI, text: str, loc: tuple[str, ...]
) -> None:
    server.enqueue(Reply.of(text))
    with pytest.raises(FinalValidationError) as caught:
        stream_events(client, messages=MESSAGES, model="gpt-test", mode="json_schema").final  # noqa: B018
    assert [e["loc"] for e in caught.value.errors] == [loc]
    assert caught.value.text == text


def test_an_item_that_fails_stops_elements_naming_its_index(
    server: ReplayServer, client: OpenAI
) -> None:
    text = json.dumps({"items": [EVENTS[0], {"score": 1}, EVENTS[2]]})
    server.enqueue(Reply.of(text, 4))
    stream = stream_events(client, messages=MESSAGES, model="gpt-test")
    items = stream.elements()
    assert next(items) == FINAL.root[0]
    with pytest.raises(FinalValidationError, match=r"Event at items\[1\]") as caught:
        next(items)
    assert [e["loc"] for e in caught.value.errors] == [("items", 1, "name")]
    assert text.startswith(caught.value.text) and '{"score": 1}' in caught.value.text
    assert isinstance(caught.value.snapshot, PartialEvents)
    stream.close()


def test_a_cut_answer_carries_the_list_so_far(server: ReplayServer, client: OpenAI) -> None:
    cut = ANSWER.index("landing") + 3
    server.enqueue(Reply.of(ANSWER[:cut], finish="length"))
    with pytest.raises(LengthLimitError) as caught:
        stream_events(client, messages=MESSAGES, model="gpt-test").final  # noqa: B018
    assert caught.value.text == ANSWER[:cut]
    assert dump(caught.value.snapshot) == [EVENTS[0], {"name": "lan"}]  # type: ignore[arg-type]


def test_bad_json_carries_the_offset_in_the_text_received(
    server: ReplayServer, client: OpenAI
) -> None:
    text = '{"items": [{"name": "a"}}'
    server.enqueue(Reply.of(text))
    with pytest.raises(JSONParseError) as caught:
        stream_events(client, messages=MESSAGES, model="gpt-test").final  # noqa: B018
    assert caught.value.offset == len(text) - 1 and caught.value.text == text
    assert dump(caught.value.snapshot) == [{"name": "a"}]  # type: ignore[arg-type]


def test_a_retry_shows_the_model_its_envelope_and_the_errors(
    server: ReplayServer, client: OpenAI
) -> None:
    wrong = json.dumps({"items": [{"name": 5}]})
    server.enqueue(Reply.of(wrong), Reply.of(ANSWER))
    with stream_events(client, messages=MESSAGES, model="gpt-test", max_retries=1) as stream:
        *_, last = stream
    assert stream.final == FINAL and stream.attempts == 2
    assert dump(last) == EVENTS and stream.text == ANSWER
    *_, call, answer = server.requests[1].body["messages"]
    assert call["tool_calls"][0]["function"]["arguments"] == wrong
    assert "items.0.name" in answer["content"]


def test_a_recording_keeps_the_envelope_and_replays_in_any_mode(
    server: ReplayServer, client: OpenAI, tmp_path: Path
) -> None:
    server.enqueue(Reply.of(ANSWER, 3))
    recording = record(EVENTS_SPEC, client, tmp_path / "events.json", messages=[], model="m")
    assert recording.replies[0].text == ANSWER  # what the model sent, envelope and all
    with ReplayServer(Recording.load(tmp_path / "events.json")) as replay:
        other = OpenAI(base_url=replay.base_url, api_key="t")
        with other, stream_events(other, messages=MESSAGES, model="m", mode="responses") as stream:
            assert list(stream.elements()) == FINAL.root


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.close()


def test_a_second_call_of_the_tool_is_an_error_not_more_items(hostile: HostileServer) -> None:
    """Several calls are several answers, each its own envelope: not one list, so an error."""
    opening = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "Events"}}
    second = {**opening, "index": 1, "id": "call_2"}
    first_answer = json.dumps({"items": EVENTS[:1]})
    hostile.script(
        Answer(
            events(
                chat({"role": "assistant", "tool_calls": [opening]}),
                *tool_args(first_answer),
                chat({"tool_calls": [second]}),
                *tool_args(json.dumps({"items": EVENTS[1:]}), index=1),
                chat({}, "tool_calls"),
                b"[DONE]",
            )
        )
    )
    with OpenAI(base_url=hostile.base_url, api_key="t", max_retries=0) as client:
        stream = stream_events(client, messages=MESSAGES, model="gpt-test")
        with pytest.raises(UnexpectedToolCallError) as caught:
            list(stream.elements())
    assert (caught.value.tool, caught.value.index) == ("Events", 1)
    assert caught.value.text == first_answer
