"""max_retries: an answer that is not valid JSON, or not a valid model, is asked again."""

from __future__ import annotations

from typing import Any

import pytest
from openai import AsyncOpenAI, OpenAI

from schemastream.runtime import (
    ContentFilterError,
    FinalValidationError,
    IncompleteJSONError,
    JSONParseError,
    LengthLimitError,
    LimitExceededError,
    RefusalError,
    StreamError,
    StreamInterruptedError,
)
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


MALFORMED = '{"title": "Platform", "members": [}'
INCOMPLETE = TEAM_JSON[:40]


def problem_of(server: ReplayServer, attempt: int) -> str:
    """The error text the follow-up of ``attempt`` (1-based) sent back to the model."""
    follow_up = conversation(server.requests[attempt].body)[-1]
    content: str = follow_up["content"]
    return content


@pytest.mark.parametrize("mode", ["tools", "json_schema", "responses"])
@pytest.mark.parametrize(
    ("answer", "error_type", "says"),
    [
        (MALFORMED, JSONParseError, "invalid JSON at line 1"),
        (INCOMPLETE, IncompleteJSONError, "ended before"),
    ],
    ids=["invalid JSON", "incomplete JSON at a normal finish"],
)
def test_stream_re_asks_on_json_it_cannot_read(
    server: ReplayServer,
    client: OpenAI,
    mode: Mode,
    answer: str,
    error_type: type[StreamError],
    says: str,
) -> None:
    server.enqueue(Reply.of(answer), Reply.of(TEAM_JSON))
    stream = stream_structured(
        TEAM_SPEC, client, messages=MESSAGES, model="m", mode=mode, max_retries=1
    )
    with stream:
        assert stream.final == TEAM
    assert stream.attempts == 2
    assert says in problem_of(server, 1)
    server.enqueue(Reply.of(answer), Reply.of(answer))
    with pytest.raises(error_type) as caught:
        create_structured(TEAM_SPEC, client, messages=MESSAGES, model="m", mode=mode, max_retries=1)
    assert caught.value.attempts == 2
    assert says in problem_of(server, 3)


@pytest.mark.anyio
@pytest.mark.parametrize("answer", [MALFORMED, INCOMPLETE], ids=["invalid", "incomplete"])
async def test_async_re_asks_on_json_it_cannot_read(
    server: ReplayServer, aclient: AsyncOpenAI, answer: str
) -> None:
    server.enqueue(Reply.of(answer), Reply.of(TEAM_JSON), Reply.of(answer), Reply.of(TEAM_JSON))
    async with astream_structured(
        TEAM_SPEC, aclient, messages=MESSAGES, model="m", max_retries=1
    ) as stream:
        assert await stream.get_final() == TEAM
    assert stream.attempts == 2
    team = await acreate_structured(TEAM_SPEC, aclient, messages=MESSAGES, model="m", max_retries=1)
    assert team == TEAM
    assert len(server.requests) == 4


@pytest.mark.parametrize(
    ("reply", "error_type"),
    [
        (Reply.of(INCOMPLETE, finish="length"), LengthLimitError),
        (Reply.of(INCOMPLETE, finish="content_filter"), ContentFilterError),
        (Reply(refusal="No."), RefusalError),
        (Reply.of(TEAM_JSON, cut_after=5), StreamInterruptedError),
        (Reply.of(TEAM_JSON, cut_after=5, cut="clean"), StreamInterruptedError),
        (Reply.of('{"title": ' + "[" * 5000, 500), LimitExceededError),
    ],
    ids=["length", "content filter", "refusal", "abrupt cut", "clean cut", "a limit"],
)
def test_no_re_ask_when_asking_again_cannot_help(
    server: ReplayServer, client: OpenAI, reply: Reply, error_type: type[StreamError]
) -> None:
    server.enqueue(reply, Reply.of(TEAM_JSON))
    stream = stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m", max_retries=2)
    with stream, pytest.raises(error_type):
        stream.final  # noqa: B018
    assert len(server.requests) == 1
