"""Static types of packages generated from the user's own classes, as users see them.

Checked by mypy --strict and pyright, never executed. ``.final`` is the user's class
itself; snapshots are typed by the partial twins, whose enums, Literals and datetimes are
the user's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from openai import OpenAI
from typing_extensions import assert_type

from examples.from_pydantic.meeting import MeetingInfo, User
from examples.from_pydantic.meeting_stream import (
    MEETING_INFO_SPEC,
    PartialMeetingInfo,
    PartialUser,
    parse_meeting_info,
    stream_meeting_info,
)
from examples.from_pydantic.meeting_stream import MeetingInfo as ReExported
from schemastream.runtime import PartialStream, StreamSpec
from tests.golden.from_pydantic.zoo import Zoo
from tests.golden.from_pydantic.zoo_parts import Color, Priority
from tests.golden.from_pydantic.zoo_stream import (
    PartialCat,
    PartialDog,
    PartialNode,
    PartialZoo,
    parse_zoo,
)


def check_meeting(client: OpenAI) -> None:
    assert_type(MEETING_INFO_SPEC, StreamSpec[PartialMeetingInfo, MeetingInfo])
    assert ReExported is MeetingInfo
    with stream_meeting_info(client, messages=[], model="m") as stream:
        assert_type(stream, PartialStream[PartialMeetingInfo, MeetingInfo])
        for snap in stream:
            assert_type(snap.users, Sequence[PartialUser] | None)
            assert_type(snap.date, date | None)
            assert_type(snap.deadline, date | None)
        assert_type(stream.final, MeetingInfo)
        assert_type(stream.final.users[0], User)
    with parse_meeting_info(["{}"]) as parsed:
        assert_type(parsed.final, MeetingInfo)


def check_zoo(snap: PartialZoo) -> None:
    assert_type(snap.color, Color | None)
    assert_type(snap.priority, Priority | None)
    assert_type(snap.opened, datetime | None)
    assert_type(snap.pets, Sequence[PartialCat | PartialDog] | None)
    assert_type(snap.coords, Sequence[float] | None)
    assert_type(snap.ids, Sequence[int] | None)
    if snap.tree is not None:
        assert_type(snap.tree.children, Sequence[PartialNode] | None)
    with parse_zoo([]) as stream:
        assert_type(stream.final, Zoo)
