"""The four request modes: what each sends, where its text arrives, and how it must end.

A mode builds the SDK call's keyword arguments, reads streamed events into text deltas
(``ChatDeltas``, ``ResponsesDeltas``), reads a non-streamed body (``read_body``) and
writes the follow-up conversation that re-asks after a validation failure.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic_core import from_json

from ._errors import (
    ContentFilterError,
    FinalValidationError,
    LengthLimitError,
    MalformedChunkError,
    RefusalError,
    StreamError,
    StreamInterruptedError,
)

if TYPE_CHECKING:
    from openai.types import CompletionUsage
    from openai.types.responses import ResponseUsage

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
    "read_body",
]

Mode = Literal["tools", "json_schema", "json", "responses"]
"""How the schema is sent and where the JSON comes back (see docs/client.md)."""

MODES: tuple[Mode, ...] = get_args(Mode)

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")

_SHAPE_ERRORS = (AttributeError, KeyError, IndexError, TypeError)


def _loads(data: bytes) -> Any:
    """Parse one event's JSON: pydantic-core's parser is 3x faster than json here.

    It refuses lone surrogate escapes, which byte-level tokens can produce; json takes them.
    """
    try:
        return from_json(data)
    except ValueError:
        return json.loads(data)


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
    extra: dict[str, Any],
) -> dict[str, Any]:
    """Keyword arguments for ``chat.completions.create`` or ``responses.create``.

    ``extra`` (the caller's pass-through arguments) wins over ours, except ``stream``.
    """
    if "stream" in extra:
        raise TypeError("stream is chosen by the helper: call stream_* or create_*, not stream=")
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


def follow_up(
    mode: Mode,
    messages: list[Any],
    text: str,
    error: FinalValidationError,
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


def _shown(data: bytes | str) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


def _server_error(data: bytes | str) -> MalformedChunkError:
    return MalformedChunkError("the server reported an error mid-stream", chunk=_shown(data))


def _not_json(data: bytes) -> MalformedChunkError:
    return MalformedChunkError("a stream event's data is not JSON", chunk=_shown(data))


def _bad_shape(data: bytes, protocol: str) -> MalformedChunkError:
    return MalformedChunkError(f"a stream event is not a {protocol} event", chunk=_shown(data))


def _length(detail: str) -> LengthLimitError:
    return LengthLimitError(
        f"the model stopped at its token limit ({detail}) before the JSON was complete; "
        "raise max_tokens / max_output_tokens or ask for less"
    )


def _filtered(detail: str) -> ContentFilterError:
    return ContentFilterError(f"the provider's content filter stopped the answer ({detail})")


def _cut(expected: str) -> StreamInterruptedError:
    return StreamInterruptedError(
        f"the stream ended without {expected}: the connection was cut; retry the request"
    )


class ChatDeltas:
    """Text deltas of ``chat.completion.chunk`` events (tool-call arguments or content)."""

    __slots__ = ("_done", "_finish", "_refusal", "_tool", "tool_call_id", "usage")

    def __init__(self, *, tool: bool) -> None:
        self._tool = tool
        self._finish: str | None = None
        self._done = False
        self._refusal: list[str] = []
        self.tool_call_id: str | None = None
        self.usage: CompletionUsage | None = None

    def read(self, event: str | None, data: bytes) -> str | None:
        if data == b"[DONE]":
            self._done = True
            return None
        try:
            chunk = _loads(data)
        except ValueError:
            raise _not_json(data) from None
        try:
            if event == "error" or "error" in chunk:
                raise _server_error(data)
            usage = chunk.get("usage")
            if usage:
                self.usage = _chat_usage(usage)
            text: str | None = None
            for choice in chunk.get("choices") or ():
                if choice.get("index", 0) != 0:
                    continue
                delta = choice.get("delta")
                if delta:
                    if self._tool:
                        calls = delta.get("tool_calls")
                        if calls:
                            call = calls[0]
                            if call.get("index", 0) == 0:
                                if call.get("id"):
                                    self.tool_call_id = call["id"]
                                text = (call.get("function") or {}).get("arguments")
                    else:
                        text = delta.get("content")
                    refusal = delta.get("refusal")
                    if refusal:
                        self._refusal.append(refusal)
                finish = choice.get("finish_reason")
                if finish:
                    self._finish = finish
            return text
        except _SHAPE_ERRORS:
            raise _bad_shape(data, "chat.completion.chunk") from None

    def finish(self) -> None:
        if self._refusal:
            raise RefusalError("".join(self._refusal))
        if self._finish == "length":
            raise _length("finish_reason 'length'")
        if self._finish == "content_filter":
            raise _filtered("finish_reason 'content_filter'")
        if self._finish is None and not self._done:
            raise _cut("a finish_reason or [DONE]")


class ResponsesDeltas:
    """Text deltas of Responses API events (``response.output_text.delta``)."""

    __slots__ = ("_completed", "_incomplete", "_refusal", "tool_call_id", "usage")

    def __init__(self) -> None:
        self._completed = False
        self._incomplete: str | None = None
        self._refusal: list[str] = []
        self.tool_call_id: str | None = None
        self.usage: ResponseUsage | None = None

    def read(self, event: str | None, data: bytes) -> str | None:
        try:
            item = _loads(data)
        except ValueError:
            raise _not_json(data) from None
        try:
            kind = item.get("type") or event
            if kind == "response.output_text.delta":
                delta: str = item["delta"]
                return delta
            if kind == "response.refusal.delta":
                self._refusal.append(item["delta"])
            elif kind == "response.refusal.done":
                self._refusal = [item.get("refusal") or "".join(self._refusal)]
            elif kind == "response.completed":
                self._completed = True
                self.usage = _responses_usage(item["response"].get("usage"))
            elif kind == "response.incomplete":
                response = item["response"]
                details = response.get("incomplete_details") or {}
                self._incomplete = details.get("reason") or "unknown"
                self.usage = _responses_usage(response.get("usage"))
            elif kind in ("error", "response.failed"):
                raise _server_error(data)
            return None
        except _SHAPE_ERRORS:
            raise _bad_shape(data, "Responses API") from None

    def finish(self) -> None:
        if self._refusal:
            raise RefusalError("".join(self._refusal))
        if self._incomplete == "content_filter":
            raise _filtered("Responses status 'incomplete', reason 'content_filter'")
        if self._incomplete is not None:
            raise _length(f"Responses status 'incomplete', reason {self._incomplete!r}")
        if not self._completed:
            raise _cut("a response.completed event")


# openai's types load on first use: importing them costs a third of a second, and a
# service that only parses text (parse_<name>) never needs them.
def _chat_usage(usage: dict[str, Any]) -> CompletionUsage:
    from openai.types import CompletionUsage

    return CompletionUsage.model_construct(**usage)


def _responses_usage(usage: dict[str, Any] | None) -> ResponseUsage | None:
    from openai.types.responses import ResponseUsage

    return ResponseUsage.model_construct(**usage) if usage else None


def delta_reader(mode: Mode) -> ChatDeltas | ResponsesDeltas:
    """A fresh reader for one streamed attempt in ``mode``."""
    if mode == "responses":
        return ResponsesDeltas()
    return ChatDeltas(tool=mode == "tools")


if TYPE_CHECKING:
    _chat: DeltaReader = ChatDeltas(tool=True)
    _responses: DeltaReader = ResponsesDeltas()


@dataclass
class Body:
    """A non-streamed answer: its JSON text, usage, and the bad ending it reported, if any."""

    text: str
    usage: CompletionUsage | ResponseUsage | None = None
    tool_call_id: str | None = None
    error: StreamError | None = None


def read_body(mode: Mode, raw: bytes) -> Body:
    """Read a non-streamed ``chat.completion`` or ``response`` body."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise MalformedChunkError("the response body is not JSON", chunk=_shown(raw)) from None
    try:
        if mode == "responses":
            return _read_response(data)
        return _read_completion(data, tool=mode == "tools")
    except _SHAPE_ERRORS:
        kind = "Responses API response" if mode == "responses" else "chat.completion"
        raise MalformedChunkError(f"the body is not a {kind}", chunk=_shown(raw)) from None


def _read_completion(data: dict[str, Any], *, tool: bool) -> Body:
    choice = data["choices"][0]
    message = choice["message"]
    usage = data.get("usage")
    body = Body("", usage=_chat_usage(usage) if usage else None)
    if tool:
        calls = message.get("tool_calls") or ()
        if calls:
            body.text = calls[0]["function"]["arguments"] or ""
            body.tool_call_id = calls[0].get("id")
    else:
        body.text = message.get("content") or ""
    finish = choice.get("finish_reason")
    if message.get("refusal"):
        body.error = RefusalError(message["refusal"])
    elif finish == "length":
        body.error = _length("finish_reason 'length'")
    elif finish == "content_filter":
        body.error = _filtered("finish_reason 'content_filter'")
    return body


def _read_response(data: dict[str, Any]) -> Body:
    body = Body("", usage=_responses_usage(data.get("usage")))
    refusals: list[str] = []
    for item in data.get("output") or ():
        if item.get("type") != "message":
            continue
        for part in item.get("content") or ():
            if part.get("type") == "output_text":
                body.text += part["text"]
            elif part.get("type") == "refusal":
                refusals.append(part["refusal"])
    details = data.get("incomplete_details") or {}
    if refusals:
        body.error = RefusalError("".join(refusals))
    elif data.get("status") == "incomplete":
        reason = details.get("reason") or "unknown"
        if reason == "content_filter":
            body.error = _filtered("Responses status 'incomplete', reason 'content_filter'")
        else:
            body.error = _length(f"Responses status 'incomplete', reason {reason!r}")
    elif data.get("status") == "failed":
        raise MalformedChunkError("the server reported a failed response", chunk=json.dumps(data))
    return body
