# pyright: reportUnnecessaryTypeIgnoreComment=true
"""Static types of a generated package whose JSON Schema root is an array.

The API is asked for ``{"items": [...]}``; the streams show the list: snapshots are
``PartialEvents``, ``final`` an ``Events``, ``elements()`` (no select) yields ``Event``.
Checked by mypy --strict and pyright, never executed (pytest does not collect this
file). ``assert_type`` fails the type check when a type drifts; each ``type: ignore``
below must stay necessary, or mypy's ``warn_unused_ignores`` reports it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence

from openai import AsyncOpenAI, OpenAI
from typing_extensions import assert_type

from examples.meeting.meeting_models import parse_meeting_info
from schemastream.runtime import AsyncPartialStream, PartialStream, StreamSpec
from tests.golden.root_models.root_models_models import (
    EVENTS_SPEC,
    Event,
    Events,
    PartialEvent,
    PartialEvents,
    acreate_events,
    aparse_events,
    astream_events,
    create_events,
    parse_events,
    stream_events,
)


def check_parse(chunks: Iterator[str]) -> None:
    stream = parse_events(chunks)
    assert_type(stream, PartialStream[PartialEvents, Events])
    with stream as opened:
        for snap in opened:
            assert_type(snap, PartialEvents)
            assert_type(snap.root, Sequence[PartialEvent] | None)
    assert_type(stream.final, Events)
    assert_type(stream.final.root, list[Event])
    assert_type(stream.snapshot, PartialEvents | None)
    assert_type(stream.elements(), Iterator[Event])
    assert_type(stream.elements(lambda events: events.root), Iterator[Event])


async def check_aparse(chunks: AsyncIterator[str]) -> None:
    stream = await aparse_events(chunks)
    assert_type(stream, AsyncPartialStream[PartialEvents, Events])
    async with stream as opened:
        async for snap in opened:
            assert_type(snap, PartialEvents)
    assert_type(stream.final, Events)
    assert_type(stream.elements(), AsyncIterator[Event])


def check_stream(client: OpenAI) -> None:
    with stream_events(client, messages=[], model="m", mode="json_schema") as stream:
        assert_type(stream, PartialStream[PartialEvents, Events])
        for event in stream.elements():
            assert_type(event, Event)
            assert_type(event.name, str)
        for snap in stream:
            assert_type(snap.root, Sequence[PartialEvent] | None)
        assert_type(stream.final.root, list[Event])
    assert_type(create_events(client, messages=[], model="m"), Events)


async def check_astream(client: AsyncOpenAI) -> None:
    async with astream_events(client, messages=[], model="m", mode="responses") as stream:
        assert_type(stream, AsyncPartialStream[PartialEvents, Events])
        async for event in stream.elements():
            assert_type(event, Event)
        assert_type(await stream.get_final(), Events)
    assert_type(await acreate_events(client, messages=[], model="m"), Events)


def check_elements_without_select_need_a_list(chunks: Iterator[str]) -> None:
    # A MeetingInfo is an object, not a list: elements() must say which list.
    parse_meeting_info(chunks).elements()  # type: ignore[call-arg]


def check_spec() -> None:
    assert_type(EVENTS_SPEC, StreamSpec[PartialEvents, Events])
    assert_type(EVENTS_SPEC.partial, type[PartialEvents])
    assert_type(EVENTS_SPEC.strict_schema_json, str | None)
    assert_type(EVENTS_SPEC.envelope, str | None)
