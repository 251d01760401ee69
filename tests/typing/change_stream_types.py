"""Static types of stream.elements() and stream.patches(), as users see them.

Checked by mypy --strict and pyright, never executed (pytest does not collect this
file). Each ``type: ignore`` below must stay necessary (mypy's ``warn_unused_ignores``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from typing_extensions import assert_type

from examples.meeting.meeting_models import (
    MeetingInfo,
    User,
    aparse_meeting_info,
    parse_meeting_info,
)
from schemastream.runtime import PatchOperation


def check_elements(chunks: Iterator[str]) -> None:
    stream = parse_meeting_info(chunks)
    users = stream.elements(lambda meeting: meeting.users)
    assert_type(users, Iterator[User])
    for user in users:
        assert_type(user.name, str)
    assert_type(stream.final, MeetingInfo)
    stream.elements(lambda meeting: meeting.not_a_field)  # type: ignore[attr-defined]


def check_patches(chunks: Iterator[str]) -> None:
    stream = parse_meeting_info(chunks)
    for operations in stream.patches(standard=True):
        assert_type(operations, list[PatchOperation])
        for operation in operations:
            assert_type(operation["path"], str)


async def check_async(chunks: AsyncIterator[str]) -> None:
    stream = await aparse_meeting_info(chunks)
    users = stream.elements(lambda meeting: meeting.users)
    assert_type(users, AsyncIterator[User])
    async for user in users:
        assert_type(user, User)
    async for operations in stream.patches():
        assert_type(operations, list[PatchOperation])
