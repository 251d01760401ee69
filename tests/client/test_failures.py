"""Every bad ending is a typed error carrying the raw text and the last snapshot."""

from __future__ import annotations

from typing import Any

import httpx2
import openai
import pytest
from openai import AsyncOpenAI, OpenAI

from schemastream.runtime import (
    ContentFilterError,
    FinalValidationError,
    LengthLimitError,
    MalformedChunkError,
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
from schemastream.runtime._modes import Mode
from schemastream.testing import ReplayServer, Reply

from .models import INVALID_JSON, TEAM, TEAM_JSON, TEAM_SPEC, PartialTeam

MESSAGES: list[Any] = [{"role": "user", "content": "team?"}]
PROTOCOLS: list[Mode] = ["tools", "json_schema", "responses"]
CUT = 20  # deltas sent before a cut or an early stop
PREFIX = TEAM_JSON[: CUT * 2]


def consume(client: OpenAI, mode: Mode = "tools") -> StreamError:
    stream = stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m", mode=mode)
    with stream, pytest.raises(StreamError) as caught:
        for _ in stream:
            pass
    return caught.value


def check_partial(error: StreamError) -> None:
    assert error.text == PREFIX
    assert isinstance(error.snapshot, PartialTeam)
    assert error.snapshot.title == TEAM.title


@pytest.mark.parametrize("mode", PROTOCOLS)
def test_length(server: ReplayServer, client: OpenAI, mode: Mode) -> None:
    server.enqueue(Reply.of(PREFIX, 2, finish="length"))
    error = consume(client, mode)
    assert type(error) is LengthLimitError
    assert "token limit" in str(error)
    check_partial(error)


@pytest.mark.parametrize("mode", PROTOCOLS)
def test_content_filter(server: ReplayServer, client: OpenAI, mode: Mode) -> None:
    server.enqueue(Reply.of(PREFIX, 2, finish="content_filter"))
    error = consume(client, mode)
    assert type(error) is ContentFilterError
    check_partial(error)


@pytest.mark.parametrize("mode", PROTOCOLS)
def test_refusal(server: ReplayServer, client: OpenAI, mode: Mode) -> None:
    server.enqueue(Reply(refusal="I can't help with that request."))
    error = consume(client, mode)
    assert isinstance(error, RefusalError)
    assert error.refusal == "I can't help with that request."
    assert error.text == "" and error.snapshot is None


@pytest.mark.parametrize("mode", PROTOCOLS)
def test_abrupt_cut_keeps_the_transport_error_as_cause(
    server: ReplayServer, client: OpenAI, mode: Mode
) -> None:
    server.enqueue(Reply.of(TEAM_JSON, 2, cut_after=CUT))
    error = consume(client, mode)
    assert type(error) is StreamInterruptedError
    check_partial(error)
    assert isinstance(error.__cause__, httpx2.RemoteProtocolError)


@pytest.mark.parametrize("mode", PROTOCOLS)
def test_clean_cut_that_looks_like_a_normal_end(
    server: ReplayServer, client: OpenAI, mode: Mode
) -> None:
    server.enqueue(Reply.of(TEAM_JSON, 2, cut_after=CUT, cut="clean"))
    error = consume(client, mode)
    assert type(error) is StreamInterruptedError
    assert "cut" in str(error)
    check_partial(error)


def test_final_validation_failure_without_retries(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(Reply.of(INVALID_JSON))
    error = consume(client)
    assert type(error) is FinalValidationError
    assert error.text == INVALID_JSON
    assert [e["loc"] for e in error.errors] == [("members", 0, "age")]
    assert isinstance(error.snapshot, PartialTeam) and error.snapshot.members
    assert error.snapshot.members[0].age == -3


def test_http_500_then_success_is_the_sdks_own_retry(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(Reply.http_error(500), Reply.of(TEAM_JSON))
    with stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m") as stream:
        assert stream.final == TEAM
    assert len(server.requests) == 2


def test_http_errors_propagate_from_the_sdk(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(Reply.http_error(401, "bad key"))
    with pytest.raises(openai.AuthenticationError, match="bad key"):
        stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m")
    server.enqueue(*[Reply.http_error(429, "slow down")] * 3)
    with pytest.raises(openai.RateLimitError):
        create_structured(TEAM_SPEC, client, messages=MESSAGES, model="m")
    assert len(server.requests) == 4  # 1 + the SDK's 2 retries of the 429


def test_timeout_before_the_first_byte_is_the_sdks(server: ReplayServer) -> None:
    server.enqueue(*[Reply.of(TEAM_JSON, first_delay=0.5)] * 2)
    with (
        OpenAI(base_url=server.base_url, api_key="t", timeout=0.1, max_retries=0) as client,
        pytest.raises(openai.APITimeoutError),
    ):
        stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m")


def test_create_with_a_malformed_or_truncated_body(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(Reply(raw=b'{"choices": "nope"}'), Reply.of(TEAM_JSON, cut_after=40))
    with pytest.raises(MalformedChunkError, match=r"not a chat\.completion"):
        create_structured(TEAM_SPEC, client, messages=MESSAGES, model="m")
    with pytest.raises(StreamInterruptedError) as caught:
        create_structured(TEAM_SPEC, client, messages=MESSAGES, model="m")
    assert caught.value.text == ""


@pytest.mark.parametrize("mode", PROTOCOLS)
def test_create_reports_the_same_typed_errors(
    server: ReplayServer, client: OpenAI, mode: Mode
) -> None:
    server.enqueue(
        Reply.of(PREFIX, finish="length"),
        Reply.of(PREFIX, finish="content_filter"),
        Reply(refusal="No."),
        Reply.of(INVALID_JSON),
    )
    expected = [LengthLimitError, ContentFilterError, RefusalError, FinalValidationError]
    for error_type in expected:
        with pytest.raises(error_type) as caught:
            create_structured(TEAM_SPEC, client, messages=MESSAGES, model="m", mode=mode)
        assert isinstance(caught.value, StreamError)
        if error_type is LengthLimitError:
            assert caught.value.text == PREFIX
            assert isinstance(caught.value.snapshot, PartialTeam)
            assert caught.value.snapshot.title == TEAM.title


@pytest.mark.anyio
@pytest.mark.parametrize("mode", PROTOCOLS)
async def test_async_bad_endings(server: ReplayServer, aclient: AsyncOpenAI, mode: Mode) -> None:
    server.enqueue(
        Reply.of(PREFIX, 2, finish="length"),
        Reply(refusal="No."),
        Reply.of(TEAM_JSON, 2, cut_after=CUT),
        Reply.of(TEAM_JSON, 2, cut_after=CUT, cut="clean"),
    )
    expected = [LengthLimitError, RefusalError, StreamInterruptedError, StreamInterruptedError]
    for error_type in expected:
        stream = await astream_structured(
            TEAM_SPEC, aclient, messages=MESSAGES, model="m", mode=mode
        )
        async with stream:
            with pytest.raises(error_type) as caught:
                await stream.get_final()
        if error_type is not RefusalError:
            assert caught.value.text == PREFIX
    server.enqueue(Reply.of(PREFIX, finish="content_filter"))
    with pytest.raises(ContentFilterError):
        await acreate_structured(TEAM_SPEC, aclient, messages=MESSAGES, model="m", mode=mode)
