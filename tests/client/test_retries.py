"""max_retries: a validation failure re-asks with the answer and its errors, streaming again."""

from __future__ import annotations

from typing import Any

import pytest
from openai import AsyncOpenAI, OpenAI

from schemastream.runtime import FinalValidationError
from schemastream.runtime._client import (
    acreate_structured,
    astream_structured,
    create_structured,
    stream_structured,
)
from schemastream.runtime._modes import MODES, Mode
from schemastream.testing import ReplayServer, Reply

from .models import INVALID_JSON, TEAM, TEAM_JSON, TEAM_SPEC

MESSAGES: list[Any] = [{"role": "user", "content": "team?"}]


def conversation(body: dict[str, Any]) -> list[Any]:
    return list(body["input"] if "input" in body else body["messages"])


def check_follow_up(server: ReplayServer, mode: Mode) -> None:
    first, second = (conversation(r.body) for r in server.requests[:2])
    assert second[: len(first)] == first
    answer, problem = second[len(first) :]
    assert answer["role"] == "assistant"
    if mode == "tools":
        (call,) = answer["tool_calls"]
        assert call["function"] == {"name": "Team", "arguments": INVALID_JSON}
        assert problem["role"] == "tool" and problem["tool_call_id"] == call["id"]
        assert call["id"].startswith("call_replay")  # the id the server streamed
    else:
        assert answer["content"] == INVALID_JSON
        assert problem["role"] == "user"
    assert "members.0.age" in problem["content"]
    assert "greater than or equal to 0" in problem["content"]


@pytest.mark.parametrize("mode", MODES)
def test_stream_retry_after_validation_failure(
    server: ReplayServer, client: OpenAI, mode: Mode
) -> None:
    server.enqueue(Reply.of(INVALID_JSON), Reply.of(TEAM_JSON))
    stream = stream_structured(
        TEAM_SPEC, client, messages=MESSAGES, model="m", mode=mode, max_retries=2
    )
    with stream:
        snapshots = list(stream)
    assert stream.final == TEAM
    assert stream.attempts == 2
    assert stream.text == TEAM_JSON
    assert any(s.members and s.members[0].age == -3 for s in snapshots)  # first attempt seen
    check_follow_up(server, mode)


def test_retries_run_out(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(*[Reply.of(INVALID_JSON)] * 3)
    stream = stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m", max_retries=2)
    with stream, pytest.raises(FinalValidationError) as caught:
        stream.final  # noqa: B018
    assert caught.value.attempts == 3
    assert len(server.requests) == 3
    assert len(conversation(server.requests[2].body)) == 5  # user + 2 x (answer, errors)


@pytest.mark.parametrize("mode", ["tools", "responses"])
def test_create_retry(server: ReplayServer, client: OpenAI, mode: Mode) -> None:
    server.enqueue(Reply.of(INVALID_JSON), Reply.of(TEAM_JSON))
    team = create_structured(
        TEAM_SPEC, client, messages=MESSAGES, model="m", mode=mode, max_retries=1
    )
    assert team == TEAM
    check_follow_up(server, mode)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_async_stream_retry(server: ReplayServer, aclient: AsyncOpenAI, mode: Mode) -> None:
    server.enqueue(Reply.of(INVALID_JSON), Reply.of(TEAM_JSON))
    stream = await astream_structured(
        TEAM_SPEC, aclient, messages=MESSAGES, model="m", mode=mode, max_retries=1
    )
    async with stream:
        assert await stream.get_final() == TEAM
    assert stream.attempts == 2
    check_follow_up(server, mode)


@pytest.mark.anyio
async def test_async_create_retry(server: ReplayServer, aclient: AsyncOpenAI) -> None:
    server.enqueue(Reply.of(INVALID_JSON), Reply.of(INVALID_JSON))
    with pytest.raises(FinalValidationError) as caught:
        await acreate_structured(TEAM_SPEC, aclient, messages=MESSAGES, model="m", max_retries=1)
    assert caught.value.attempts == 2
    server.enqueue(Reply.of(INVALID_JSON), Reply.of(TEAM_JSON))
    team = await acreate_structured(TEAM_SPEC, aclient, messages=MESSAGES, model="m", max_retries=1)
    assert team == TEAM
