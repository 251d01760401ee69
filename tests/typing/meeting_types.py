# pyright: reportUnnecessaryTypeIgnoreComment=true
"""Static types of the meeting example's generated package, as users see them.

Checked by mypy --strict and pyright, never executed (pytest does not collect this
file). ``assert_type`` fails the type check when a type drifts; each ``type: ignore``
below must stay necessary, or mypy's ``warn_unused_ignores`` reports it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import date

from openai import AsyncOpenAI, OpenAI
from openai.types.chat import ChatCompletionMessageParam
from typing_extensions import assert_type

from examples.meeting.meeting_models import (
    MEETING_INFO_SPEC,
    MeetingInfo,
    PartialMeetingInfo,
    PartialUser,
    User,
    acreate_meeting_info,
    aparse_meeting_info,
    astream_meeting_info,
    create_meeting_info,
    parse_meeting_info,
    stream_meeting_info,
)
from schemastream.runtime import AsyncPartialStream, PartialStream, StreamSpec

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Lunch on Friday."}]


def check_snapshot(snap: PartialMeetingInfo) -> None:
    assert_type(snap.users, Sequence[PartialUser] | None)
    assert_type(snap.date, date | None)
    assert_type(snap.location, str | None)
    assert_type(snap.budget, float | None)
    assert_type(snap.deadline, date | None)
    assert_type(snap.is_complete("users"), bool)
    if snap.users:
        user = snap.users[0]
        assert_type(user, PartialUser)
        assert_type(user.name, str | None)
        assert_type(user.email, str | None)
        assert_type(user.twitter, str | None)
        assert_type(user.is_complete("email"), bool)
    snap.users.append(PartialUser())  # type: ignore[union-attr]


def check_final(final: MeetingInfo) -> None:
    assert_type(final.users, list[User])
    assert_type(final.users[0].name, str)
    assert_type(final.date, date)
    assert_type(final.budget, float | None)
    final.not_a_field  # type: ignore[attr-defined]  # noqa: B018


def check_stream(client: OpenAI) -> None:
    stream = stream_meeting_info(client, messages=MESSAGES, model="gpt-4o")
    assert_type(stream, PartialStream[PartialMeetingInfo, MeetingInfo])
    with stream as opened:
        assert_type(opened, PartialStream[PartialMeetingInfo, MeetingInfo])
        for snap in opened:
            assert_type(snap, PartialMeetingInfo)
    assert_type(stream.final, MeetingInfo)
    assert_type(stream.text, str)
    assert_type(stream.snapshot, PartialMeetingInfo | None)
    for mode in ("tools", "json_schema", "json", "responses"):
        stream_meeting_info(client, messages=MESSAGES, model="m", mode=mode)
    stream_meeting_info(client, messages=MESSAGES, model="m", mode="xml")  # type: ignore[arg-type]
    assert_type(create_meeting_info(client, messages=MESSAGES, model="m"), MeetingInfo)


async def check_async_stream(client: AsyncOpenAI) -> None:
    stream = await astream_meeting_info(client, messages=MESSAGES, model="m", max_retries=2)
    assert_type(stream, AsyncPartialStream[PartialMeetingInfo, MeetingInfo])
    async with stream as opened:
        assert_type(opened, AsyncPartialStream[PartialMeetingInfo, MeetingInfo])
        async for snap in opened:
            assert_type(snap, PartialMeetingInfo)
    assert_type(stream.final, MeetingInfo)
    assert_type(await acreate_meeting_info(client, messages=MESSAGES, model="m"), MeetingInfo)


def check_parse(chunks: Iterator[str]) -> None:
    stream = parse_meeting_info(chunks)
    assert_type(stream, PartialStream[PartialMeetingInfo, MeetingInfo])
    assert_type(parse_meeting_info(["{", "}"]), PartialStream[PartialMeetingInfo, MeetingInfo])
    parse_meeting_info([b"{}"])  # type: ignore[list-item]


async def check_aparse(chunks: AsyncIterator[str]) -> None:
    stream = await aparse_meeting_info(chunks)
    assert_type(stream, AsyncPartialStream[PartialMeetingInfo, MeetingInfo])
    async for snap in stream:
        assert_type(snap, PartialMeetingInfo)


def check_spec() -> None:
    assert_type(MEETING_INFO_SPEC, StreamSpec[PartialMeetingInfo, MeetingInfo])
    assert_type(MEETING_INFO_SPEC.partial, type[PartialMeetingInfo])
    assert_type(MEETING_INFO_SPEC.full, type[MeetingInfo])
