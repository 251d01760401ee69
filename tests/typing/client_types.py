# pyright: strict, reportUnnecessaryTypeIgnoreComment=true
"""Static types of the client helpers and their errors, as users see them: no ``Any``.

Checked by mypy --strict and pyright, never executed (pytest does not collect this
file). ``assert_type`` fails the check when a type drifts; each ``# type: ignore[...]``
marks an error a user must get, and both checkers fail if it goes away (mypy's
``warn_unused_ignores``, pyright's ``reportUnnecessaryTypeIgnoreComment`` above).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from openai import AsyncOpenAI, OpenAI
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletionMessageParam
from openai.types.responses import ResponseUsage
from pydantic import BaseModel
from pydantic_core import ErrorDetails
from typing_extensions import assert_type

from examples.meeting.meeting_models import (
    MeetingInfo,
    PartialMeetingInfo,
    PartialUser,
    aparse_meeting_info,
    astream_meeting_info,
    create_meeting_info,
    stream_meeting_info,
)
from schemastream.runtime import (
    AsyncPartialStream,
    FinalValidationError,
    OpenAIOptions,
    Snapshot,
    StreamError,
    StreamLimitError,
    UnexpectedToolCallError,
)
from tests.golden.extras.extras_models import PartialBag
from tests.golden.nested.nested_models import PartialShippingAddress

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Lunch on Friday."}]


def check_usage(client: OpenAI) -> None:
    with stream_meeting_info(client, messages=MESSAGES, model="m") as stream:
        assert_type(stream.usage, CompletionUsage | ResponseUsage | None)
        assert_type(stream.reasoning, str)


def check_sdk_arguments(client: OpenAI) -> None:
    stream_meeting_info(
        client,
        messages=MESSAGES,
        model="m",
        temperature=0.2,
        max_tokens=500,
        seed=7,
        extra_headers={"x-trace": "1"},
        timeout=30.0,
        total_timeout=120.0,
        max_idle_events=1000,
    )
    create_meeting_info(client, messages=MESSAGES, model="m", mode="responses", reasoning=None)
    stream_meeting_info(client, messages=MESSAGES, model="m", temprature=0.2)  # type: ignore[call-arg]
    stream_meeting_info(client, messages=MESSAGES, model="m", temperature="hot")  # type: ignore[arg-type]
    stream_meeting_info(client, messages=MESSAGES, model="m", total_timeout="1m")  # type: ignore[arg-type]
    create_meeting_info(client, messages=MESSAGES, model="m", max_idle_events=5)  # type: ignore[call-arg]
    options: OpenAIOptions = {"temperature": 0.0, "top_p": 1.0}
    stream_meeting_info(client, messages=MESSAGES, model="m", **options)


def check_field_names(snap: PartialMeetingInfo, user: PartialUser) -> None:
    assert_type(snap.is_complete(), bool)
    assert_type(snap.is_complete("users"), bool)
    assert_type(user.is_complete("email"), bool)
    snap.is_complete("nmae")  # type: ignore[arg-type]
    user.is_complete("users")  # type: ignore[arg-type]


def check_aliases_and_extras(address: PartialShippingAddress, bag: PartialBag) -> None:
    address.is_complete("zip-code")  # the JSON name
    address.is_complete("zip_code")  # the Python name
    address.is_complete("zip")  # type: ignore[arg-type]
    bag.is_complete("any key at all")  # a class that keeps extras takes any key


def check_errors(error: StreamError) -> None:
    assert_type(error.text, str)
    assert_type(error.snapshot, Snapshot)
    assert_type(error.attempts, int)
    assert_type(error.reasoning, str)
    error.snapshot.users  # type: ignore[union-attr]  # noqa: B018
    if isinstance(error.snapshot, PartialMeetingInfo):
        assert_type(error.snapshot.users, Sequence[PartialUser] | None)
    if isinstance(error.snapshot, BaseModel):
        assert_type(error.snapshot.model_fields_set, set[str])
    if isinstance(error, FinalValidationError):
        assert_type(error.errors, list[ErrorDetails])
        assert_type(error.errors[0]["loc"], tuple[int | str, ...])
    if isinstance(error, StreamLimitError):
        assert_type(error.limit, str)
        assert_type(error.value, float)
    if isinstance(error, UnexpectedToolCallError):
        assert_type(error.tool, str | None)
        assert_type(error.index, int)


async def check_async_forms(client: AsyncOpenAI, chunks: AsyncIterator[str]) -> None:
    async with astream_meeting_info(client, messages=MESSAGES, model="m") as stream:
        assert_type(stream, AsyncPartialStream[PartialMeetingInfo, MeetingInfo])
        assert_type(await stream.get_final(), MeetingInfo)
    async for snap in astream_meeting_info(client, messages=MESSAGES, model="m"):
        assert_type(snap, PartialMeetingInfo)
    awaited = await astream_meeting_info(client, messages=MESSAGES, model="m", max_retries=1)
    assert_type(awaited, AsyncPartialStream[PartialMeetingInfo, MeetingInfo])
    assert_type(awaited.usage, CompletionUsage | ResponseUsage | None)
    assert_type(awaited.reasoning, str)
    async with aparse_meeting_info(chunks) as parsed:
        async for snap in parsed:
            assert_type(snap, PartialMeetingInfo)
    assert_type(
        await aparse_meeting_info(chunks), AsyncPartialStream[PartialMeetingInfo, MeetingInfo]
    )
    astream_meeting_info(client, messages=MESSAGES, model="m", temprature=0.2)  # type: ignore[call-arg]
