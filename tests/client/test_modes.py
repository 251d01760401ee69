"""Every mode, sync and async, through the real openai client: requests sent, snapshots, usage."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from openai import AsyncOpenAI, OpenAI
from openai.types import CompletionUsage
from openai.types.responses import ResponseUsage

from schemastream.runtime._client import (
    acreate_structured,
    astream_structured,
    create_structured,
    open_text_stream,
    stream_structured,
)
from schemastream.runtime._errors import RefusalError
from schemastream.runtime._modes import MODES, Mode
from schemastream.runtime._stream import TextSource
from schemastream.testing import ReplayServer, Reply, split_text

from .models import NON_STRICT_SPEC, TEAM, TEAM_JSON, TEAM_SPEC, PartialTeam

MESSAGES: list[Any] = [{"role": "user", "content": "Who is on the platform team?"}]


def check_snapshots(snapshots: list[PartialTeam]) -> None:
    assert len(snapshots) > 5
    dumps = [s.model_dump(exclude_unset=True) for s in snapshots]
    assert dumps[-1] == TEAM.model_dump()
    titles = [d["title"] for d in dumps if "title" in d]
    assert all(TEAM.title.startswith(t) for t in titles)
    assert len(set(titles)) > 1  # the title grew over several snapshots


def check_request(request: dict[str, Any], mode: Mode, *, stream: bool) -> None:
    assert request["model"] == "gpt-test"
    if mode == "responses":
        assert request["input"] == MESSAGES
        assert request["text"]["format"]["type"] == "json_schema"
        assert request["text"]["format"]["strict"] is True
        assert request["text"]["format"]["schema"]["additionalProperties"] is False
        assert "stream_options" not in request
    else:
        assert request.get("stream_options") == ({"include_usage": True} if stream else None)
    if mode == "tools":
        (tool,) = request["tools"]
        assert tool["function"]["name"] == "Team"
        assert tool["function"]["parameters"] == TEAM_SPEC.schema
        assert request["tool_choice"] == {"type": "function", "function": {"name": "Team"}}
    elif mode == "json_schema":
        schema_format = request["response_format"]["json_schema"]
        assert schema_format["strict"] is True
        assert schema_format["schema"] == TEAM_SPEC.strict_schema
    elif mode == "json":
        assert request["response_format"] == {"type": "json_object"}
        system, *rest = request["messages"]
        assert system["role"] == "system" and '"members"' in system["content"]
        assert rest == MESSAGES
    assert bool(request.get("stream")) is stream


@pytest.mark.parametrize("mode", MODES)
def test_stream_every_mode(server: ReplayServer, client: OpenAI, mode: Mode) -> None:
    server.enqueue(Reply.of(TEAM_JSON, 3))
    stream = stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="gpt-test", mode=mode)
    with stream:
        snapshots = list(stream)
    check_snapshots(snapshots)
    assert stream.final == TEAM
    assert stream.attempts == 1
    usage_type = ResponseUsage if mode == "responses" else CompletionUsage
    assert isinstance(stream.usage, usage_type)
    assert stream.usage.total_tokens == 50 + len(split_text(TEAM_JSON, 3))
    check_request(server.requests[0].body, mode, stream=True)


@pytest.mark.parametrize("mode", MODES)
def test_open_text_stream_every_mode(server: ReplayServer, client: OpenAI, mode: Mode) -> None:
    server.enqueue(Reply.of(TEAM_JSON, 3), Reply(refusal="I cannot help with that."))
    source = open_text_stream(TEAM_SPEC, client, messages=MESSAGES, model="gpt-test", mode=mode)
    assert isinstance(source, TextSource)
    deltas = list(source)
    assert deltas == split_text(TEAM_JSON, 3)  # as the server sent them, nothing parsed
    assert source.usage is not None and source.usage.total_tokens == 50 + len(deltas)
    check_request(server.requests[0].body, mode, stream=True)
    refused = open_text_stream(TEAM_SPEC, client, messages=MESSAGES, model="gpt-test", mode=mode)
    with pytest.raises(RefusalError) as info:
        list(refused)
    assert info.value.refusal == "I cannot help with that."


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_astream_every_mode(server: ReplayServer, aclient: AsyncOpenAI, mode: Mode) -> None:
    server.enqueue(Reply.of(TEAM_JSON, 3))
    stream = await astream_structured(
        TEAM_SPEC, aclient, messages=MESSAGES, model="gpt-test", mode=mode
    )
    async with stream:
        snapshots = [snapshot async for snapshot in stream]
    check_snapshots(snapshots)
    assert await stream.get_final() == TEAM
    assert stream.usage is not None
    check_request(server.requests[0].body, mode, stream=True)


@pytest.mark.parametrize("mode", MODES)
def test_create_every_mode(server: ReplayServer, client: OpenAI, mode: Mode) -> None:
    server.enqueue(Reply.of(TEAM_JSON))
    team = create_structured(TEAM_SPEC, client, messages=MESSAGES, model="gpt-test", mode=mode)
    assert team == TEAM
    check_request(server.requests[0].body, mode, stream=False)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_acreate_every_mode(server: ReplayServer, aclient: AsyncOpenAI, mode: Mode) -> None:
    server.enqueue(Reply.of(TEAM_JSON))
    team = await acreate_structured(
        TEAM_SPEC, aclient, messages=MESSAGES, model="gpt-test", mode=mode
    )
    assert team == TEAM


@pytest.mark.parametrize("mode", ["json_schema", "responses"])
def test_without_strict_schema_the_plain_one_goes_non_strict(
    server: ReplayServer, client: OpenAI, mode: Mode
) -> None:
    server.enqueue(Reply.of(TEAM_JSON))
    create_structured(NON_STRICT_SPEC, client, messages=MESSAGES, model="gpt-test", mode=mode)
    body = server.requests[0].body
    schema_format = body["text"]["format"] if mode == "responses" else body["response_format"]
    schema_format = schema_format.get("json_schema", schema_format)
    assert schema_format["strict"] is False
    assert schema_format["schema"] == NON_STRICT_SPEC.schema


def test_json_mode_skips_prose_and_fences(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(Reply.of(f"Here it is:\n```json\n{TEAM_JSON}\n```\nAnything else?", 5))
    with stream_structured(
        TEAM_SPEC, client, messages=MESSAGES, model="gpt-test", mode="json"
    ) as stream:
        assert stream.final == TEAM


def test_extra_arguments_pass_through_and_win(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(Reply.of(TEAM_JSON))
    stream = stream_structured(
        TEAM_SPEC,
        client,
        messages=MESSAGES,
        model="gpt-test",
        temperature=0.25,
        stream_options={"include_usage": False},
        extra_headers={"x-trace": "abc"},
    )
    with stream:
        assert stream.final == TEAM
    request = server.requests[0]
    assert request.body["temperature"] == 0.25
    assert request.body["stream_options"] == {"include_usage": False}
    assert request.headers["x-trace"] == "abc"
    assert stream.usage is None  # not asked for, so none was sent


def test_stream_options_none_leaves_the_option_out(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(Reply.of(TEAM_JSON))
    kwargs: dict[str, Any] = {"stream_options": None}
    with stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m", **kwargs) as stream:
        assert stream.final == TEAM
    assert "stream_options" not in server.requests[0].body
    assert stream.usage is None


def test_stream_argument_is_refused(client: OpenAI) -> None:
    with pytest.raises(TypeError, match="stream"):
        stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m", stream=False)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("mode", "argument", "hint"),
    [
        ("responses", "max_tokens", "use max_output_tokens"),
        ("tools", "max_output_tokens", "use max_completion_tokens"),
        ("json_schema", "instructions", "responses.create arguments"),
    ],
)
def test_an_argument_of_the_other_api_is_refused_at_the_call(
    server: ReplayServer, client: OpenAI, mode: Mode, argument: str, hint: str
) -> None:
    kwargs: Any = {argument: 100}
    with pytest.raises(TypeError, match=f"does not take {argument}.*{hint}"):
        stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m", mode=mode, **kwargs)

    async def at_the_async_call() -> None:
        async with AsyncOpenAI(base_url=server.base_url, api_key="t") as aclient:
            with pytest.raises(TypeError, match=argument):
                astream_structured(
                    TEAM_SPEC, aclient, messages=MESSAGES, model="m", mode=mode, **kwargs
                )

    asyncio.run(at_the_async_call())
    assert server.requests == []


def test_unknown_mode_is_refused(client: OpenAI) -> None:
    with pytest.raises(ValueError, match="unknown mode 'xml'"):
        stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="m", mode="xml")  # type: ignore[arg-type]


def test_tool_call_arguments_in_one_character_deltas(server: ReplayServer, client: OpenAI) -> None:
    server.enqueue(Reply.of(TEAM_JSON, 1))
    with stream_structured(TEAM_SPEC, client, messages=MESSAGES, model="gpt-test") as stream:
        snapshots = list(stream)
    assert stream.final == TEAM
    assert stream.text == TEAM_JSON
    assert json.loads(stream.text) == TEAM.model_dump()
    assert len(snapshots) > 20


def test_azure_client_through_base_url(server: ReplayServer) -> None:
    from openai import AzureOpenAI

    server.enqueue(Reply.of(TEAM_JSON))
    azure = AzureOpenAI(
        base_url=server.base_url.removesuffix("/v1") + "/openai",
        api_key="test",
        api_version="2024-10-21",
    )
    with azure, stream_structured(TEAM_SPEC, azure, messages=MESSAGES, model="deploy-1") as stream:
        assert stream.final == TEAM
    request = server.requests[0]
    assert request.path.startswith("/openai/deployments/deploy-1/chat/completions")
    assert "api-version=2024-10-21" in request.path
    assert request.headers["api-key"] == "test"


@pytest.mark.anyio
async def test_async_azure_client_through_base_url(server: ReplayServer) -> None:
    from openai import AsyncAzureOpenAI

    server.enqueue(Reply.of(TEAM_JSON))
    async with AsyncAzureOpenAI(
        base_url=server.base_url.removesuffix("/v1") + "/openai",
        api_key="test",
        api_version="2024-10-21",
    ) as azure:
        stream = await astream_structured(TEAM_SPEC, azure, messages=MESSAGES, model="deploy-2")
        async with stream:
            assert await stream.get_final() == TEAM
    assert server.requests[0].path.startswith("/openai/deployments/deploy-2/chat/completions")
