# pyright: reportUnnecessaryTypeIgnoreComment=true
"""Static types of a generated package whose JSON Schema root is an array (parse helpers only).

Checked by mypy --strict and pyright, never executed (pytest does not collect this
file). ``assert_type`` fails the type check when a type drifts; each ``type: ignore``
below must stay necessary, or mypy's ``warn_unused_ignores`` reports it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence

from typing_extensions import assert_type

from schemastream.runtime import AsyncPartialStream, PartialStream, StreamSpec
from tests.golden.root_models.root_models_models import (
    EVENTS_SPEC,
    Event,
    Events,
    PartialEvent,
    PartialEvents,
    aparse_events,
    parse_events,
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


async def check_aparse(chunks: AsyncIterator[str]) -> None:
    stream = await aparse_events(chunks)
    assert_type(stream, AsyncPartialStream[PartialEvents, Events])
    async with stream as opened:
        async for snap in opened:
            assert_type(snap, PartialEvents)
    assert_type(stream.final, Events)


def check_spec() -> None:
    assert_type(EVENTS_SPEC, StreamSpec[PartialEvents, Events])
    assert_type(EVENTS_SPEC.partial, type[PartialEvents])
    assert_type(EVENTS_SPEC.strict_schema_json, str | None)


def check_no_openai_helpers() -> None:
    # OpenAI needs an object at the root: stream.py defines no stream_/create_ helper.
    from tests.golden.root_models.root_models_models import stream

    stream.stream_events  # type: ignore[attr-defined]  # noqa: B018
    stream.create_events  # type: ignore[attr-defined]  # noqa: B018
