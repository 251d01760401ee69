"""A user's script in their own project, beside the package ``schemastream generate`` wrote.

The install test copies this directory out of the checkout, generates ``meetapp`` from
``schema.json`` with the installed ``schemastream``, runs this script, and type-checks it
with mypy --strict and pyright strict: every ``assert_type`` must hold with the
installed package, or the checkers report it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from meetapp import (
    MeetingInfo,
    PartialMeetingInfo,
    PartialUser,
    User,
    parse_meeting_info,
    stream_meeting_info,
)
from openai import OpenAI
from openai.types import CompletionUsage
from openai.types.responses import ResponseUsage
from pydantic_core import ErrorDetails
from typing_extensions import assert_type

import schemastream.runtime
from schemastream.runtime import (
    FinalValidationError,
    IncompleteJSONError,
    PartialStream,
    Snapshot,
    StreamError,
)

ANSWER = (
    '{"users": [{"name": "Ada", "email": "ada@example.com", "twitter": null}], '
    '"date": "2025-03-14", "location": "Room 1", "budget": 120.5, "deadline": null}'
)


def chunks(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def snapshots_and_final() -> MeetingInfo:
    stream = parse_meeting_info(chunks(ANSWER))
    assert_type(stream, PartialStream[PartialMeetingInfo, MeetingInfo])
    for snap in stream:
        assert_type(snap, PartialMeetingInfo)
        assert_type(snap.users, Sequence[PartialUser] | None)
        assert_type(snap.date, date | None)
        assert_type(snap.budget, float | None)
        assert_type(snap.is_complete("users"), bool)
        if snap.users:
            assert_type(snap.users[0].email, str | None)
    final = stream.final
    assert_type(final, MeetingInfo)
    assert_type(final.users, list[User])
    assert_type(final.date, date)
    assert_type(stream.text, str)
    return final


def error_fields() -> StreamError:
    stream = parse_meeting_info(chunks(ANSWER[:40]))
    try:
        final = stream.final
    except IncompleteJSONError as err:
        assert_type(err.text, str)
        snapshot = err.snapshot
        if isinstance(snapshot, PartialMeetingInfo):
            assert_type(snapshot.users, Sequence[PartialUser] | None)
        return err
    raise AssertionError(f"a truncated answer gave {final!r}")


def invalid_final() -> FinalValidationError:
    stream = parse_meeting_info([ANSWER.replace('"Room 1"', '""')])
    try:
        final = stream.final
    except FinalValidationError as err:
        assert_type(err.text, str)
        return err
    raise AssertionError(f"an empty location passed the full model: {final!r}")


def precise_usage_and_error_types(client: OpenAI, err: FinalValidationError) -> None:
    """``stream.usage`` and the errors' fields have the SDK's and pydantic's types."""
    with stream_meeting_info(client, messages=[], model="m", temperature=0.0) as stream:
        assert_type(stream.usage, CompletionUsage | ResponseUsage | None)
    assert_type(err.errors, list[ErrorDetails])
    assert_type(err.snapshot, Snapshot)
    stream_meeting_info(client, messages=[], model="m", temprature=0.0)  # type: ignore[call-arg]


if __name__ == "__main__":
    print(snapshots_and_final().model_dump_json())
    print(type(error_fields()).__name__, type(invalid_final()).__name__)
    print(schemastream.runtime.__file__)
