"""A user's script beside their own pydantic classes and the package generated from them.

The install test copies ``examples/from_pydantic/meeting.py`` here as ``mymodels.py``, runs
``schemastream generate mymodels:MeetingInfo --output mystream`` (this directory is the
project root: it holds no pyproject.toml), runs this script, and type-checks it with mypy
--strict and pyright strict: ``.final`` is the user's own ``MeetingInfo``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from mymodels import MeetingInfo, User
from mystream import MeetingInfo as ReExported
from mystream import (
    PartialMeetingInfo,
    PartialUser,
    parse_meeting_info,
    stream_meeting_info,
)
from openai import OpenAI
from typing_extensions import assert_type

from schemastream.runtime import FinalValidationError, PartialStream

ANSWER = (
    '{"users": [{"name": "Ada", "email": "ada@example.com", "twitter": null}], '
    '"date": "2025-03-14", "location": "Room 1", "budget": 120.5, "deadline": "2025-03-20"}'
)


def final_is_the_users_class() -> MeetingInfo:
    stream = parse_meeting_info([ANSWER[i : i + 5] for i in range(0, len(ANSWER), 5)])
    assert_type(stream, PartialStream[PartialMeetingInfo, MeetingInfo])
    for snap in stream:
        assert_type(snap.users, Sequence[PartialUser] | None)
        assert_type(snap.deadline, date | None)
        if snap.users:
            assert_type(snap.users[0].name, str | None)
    final = stream.final
    assert_type(final, MeetingInfo)
    assert_type(final.users, list[User])
    assert type(final) is MeetingInfo and ReExported is MeetingInfo
    return final


def the_users_validator_runs_at_the_end() -> str:
    stream = parse_meeting_info([ANSWER.replace("2025-03-20", "2025-03-01")])
    try:
        final = stream.final
    except FinalValidationError as err:
        return str(err).splitlines()[-1].strip()
    raise AssertionError(f"the model_validator did not run: {final!r}")


def helpers_take_a_client(client: OpenAI) -> None:
    with stream_meeting_info(client, messages=[], model="m", max_retries=1) as stream:
        assert_type(stream.final, MeetingInfo)


if __name__ == "__main__":
    print(final_is_the_users_class().model_dump_json())
    print(the_users_validator_runs_at_the_end())
