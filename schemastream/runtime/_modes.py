"""The four request modes: what each sends, where its text arrives, and how it must end.

A mode builds the SDK call's keyword arguments, picks the reader of its streamed events
(``delta_reader``: ``_chat``, ``_responses``) and of its non-streamed body (``read_body``),
and writes the follow-up conversation that re-asks after a validation failure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, get_args

from ._chat import ChatDeltas, read_completion
from ._errors import MalformedChunkError, StreamError
from ._options import check_options
from ._responses import ResponsesDeltas, read_response
from ._wire import SHAPE_ERRORS, Body, shown

if TYPE_CHECKING:
    from ._sse import DeltaReader
    from ._stream import StreamSpec

__all__ = [
    "MODES",
    "Body",
    "ChatDeltas",
    "Mode",
    "ResponsesDeltas",
    "build_request",
    "delta_reader",
    "follow_up",
    "forced_function",
    "read_body",
]

Mode = Literal["tools", "json_schema", "json", "responses"]
"""How the schema is sent and where the JSON comes back (see docs/client.md)."""

MODES: tuple[Mode, ...] = get_args(Mode)

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")


def schema_name(spec: StreamSpec[Any, Any]) -> str:
    """The tool / response-format name OpenAI accepts: ``[A-Za-z0-9_-]{1,64}``."""
    return _UNSAFE_NAME.sub("_", spec.name)[:64] or "answer"


def check_mode(mode: str) -> Mode:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
    return mode


def json_instructions(spec: StreamSpec[Any, Any]) -> str:
    """The system message of ``json`` mode: the schema, since json_object mode cannot carry it."""
    return (
        f"Answer with a single JSON object, a {spec.name}, that conforms to this JSON Schema. "
        "Output only the JSON.\n" + json.dumps(spec.schema, separators=(",", ":"))
    )


def build_request(
    spec: StreamSpec[Any, Any],
    mode: Mode,
    *,
    messages: list[Any],
    model: str,
    stream: bool,
    extra: Mapping[str, object],
) -> dict[str, Any]:
    """Keyword arguments for ``chat.completions.create`` or ``responses.create``.

    ``extra`` (the caller's pass-through arguments) wins over ours, except ``stream``.
    """
    check_options(mode, extra)
    name = schema_name(spec)
    strict = spec.strict_schema
    schema_format: dict[str, Any] = {
        "name": name,
        "schema": strict if strict is not None else spec.schema,
        "strict": strict is not None,
    }
    if spec.description:
        schema_format["description"] = spec.description
    params: dict[str, Any] = {"model": model}
    if mode == "tools":
        # The plain schema, not strict: DESIGN reserves strict for the response-format modes,
        # and OpenAI-compatible servers accept plain function parameters more widely.
        function: dict[str, Any] = {"name": name, "parameters": spec.schema}
        if spec.description:
            function["description"] = spec.description
        params["messages"] = messages
        params["tools"] = [{"type": "function", "function": function}]
        params["tool_choice"] = {"type": "function", "function": {"name": name}}
    elif mode == "json_schema":
        params["messages"] = messages
        params["response_format"] = {"type": "json_schema", "json_schema": schema_format}
    elif mode == "json":
        system = {"role": "system", "content": json_instructions(spec)}
        params["messages"] = [system, *messages]
        params["response_format"] = {"type": "json_object"}
    else:
        params["input"] = messages
        params["text"] = {"format": {"type": "json_schema", **schema_format}}
    if stream:
        if mode != "responses":
            params["stream_options"] = {"include_usage": True}
        params["stream"] = True
    params.update(extra)
    if "stream_options" in params and params["stream_options"] is None:
        del params["stream_options"]  # the way to opt out, for servers that reject the option
    return params


def forced_function(params: dict[str, Any]) -> str | None:
    """The function a ``tools`` request forces (``None`` when the caller's ``tool_choice``
    names none): a call of any other is an ``UnexpectedToolCallError``."""
    choice = params.get("tool_choice")
    if isinstance(choice, dict):
        function = choice.get("function")
        if isinstance(function, dict) and isinstance(function.get("name"), str):
            name: str = function["name"]
            return name
    return None


def follow_up(
    mode: Mode,
    messages: list[Any],
    text: str,
    error: StreamError,
    tool_call_id: str | None,
    tool_name: str,
) -> list[Any]:
    """The conversation for the next attempt: the answer, then what was wrong with it.

    In ``tools`` mode the answer is the assistant's tool call, and the errors go in the
    ``tool`` message the API requires after it; elsewhere a user message lists them.
    """
    problem = f"{error}\nAnswer again with the complete, corrected JSON."
    if mode == "tools":
        call_id = tool_call_id or "call_0"
        call = {
            "id": call_id,
            "type": "function",
            "function": {"name": tool_name, "arguments": text},
        }
        return [
            *messages,
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": call_id, "content": problem},
        ]
    return [*messages, {"role": "assistant", "content": text}, {"role": "user", "content": problem}]


def delta_reader(mode: Mode, function: str | None = None) -> ChatDeltas | ResponsesDeltas:
    """A fresh reader for one streamed attempt in ``mode`` (``tools``: forcing ``function``)."""
    if mode == "responses":
        return ResponsesDeltas()
    return ChatDeltas(tool=mode == "tools", function=function)


if TYPE_CHECKING:
    _chat: DeltaReader = ChatDeltas(tool=True)
    _responses: DeltaReader = ResponsesDeltas()


def read_body(mode: Mode, raw: bytes, function: str | None = None) -> Body:
    """Read a non-streamed ``chat.completion`` or ``response`` body."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise MalformedChunkError("the response body is not JSON", chunk=shown(raw)) from None
    try:
        if mode == "responses":
            return read_response(data, raw)
        return read_completion(data, raw, tool=mode == "tools", function=function)
    except SHAPE_ERRORS:
        kind = "Responses API response" if mode == "responses" else "chat.completion"
        raise MalformedChunkError(f"the body is not a {kind}", chunk=shown(raw)) from None
