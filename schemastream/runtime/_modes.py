"""The four request modes: what each sends, where its text arrives, and how it must end.

A mode builds the SDK call's keyword arguments, reads streamed events into text deltas
(``ChatDeltas``, ``ResponsesDeltas``), reads a non-streamed body (``read_body``) and
writes the follow-up conversation that re-asks after a validation failure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic_core import from_json

from ._errors import (
    ContentFilterError,
    LengthLimitError,
    MalformedChunkError,
    RefusalError,
    StreamError,
    StreamInterruptedError,
    UnexpectedToolCallError,
)
from ._options import check_options

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
    "forced_function",
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


def _shown(data: bytes | str) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


def _server_error(data: bytes | str) -> MalformedChunkError:
    return MalformedChunkError("the server reported an error mid-stream", chunk=_shown(data))


def _not_json(data: bytes) -> MalformedChunkError:
    return MalformedChunkError("a stream event's data is not JSON", chunk=_shown(data))


def _bad_shape(data: bytes, protocol: str) -> MalformedChunkError:
    return MalformedChunkError(f"a stream event is not a {protocol} event", chunk=_shown(data))


def _not_text(what: str, value: object, data: bytes | str) -> MalformedChunkError:
    return MalformedChunkError(
        f"{what} is a JSON {type(value).__name__}, not a string", chunk=_shown(data)
    )


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


def _unexpected_call(index: int, name: object, forced: str | None) -> UnexpectedToolCallError:
    tool = name if isinstance(name, str) else None
    if index == 0:
        what = f"the model called {tool!r} instead of the forced {forced!r}"
    elif tool is None or tool == forced:
        what = (
            f"the model called the tool a second time (call {index}): one answer was "
            "asked for, and a second one is not dropped silently"
        )
    else:
        what = f"the model called {tool!r} (call {index}) besides the forced {forced!r}"
    return UnexpectedToolCallError(what, tool=tool, index=index)


class ChatDeltas:
    """Text deltas of ``chat.completion.chunk`` events (tool-call arguments or content).

    In ``tools`` mode the text is the arguments of tool call 0, routed by ``index`` and
    checked to call ``function`` (when known): any other call is an
    ``UnexpectedToolCallError``, raised once the deltas before it have been read.
    """

    __slots__ = (
        "_done",
        "_finish",
        "_function",
        "_pending",
        "_refusal",
        "_tool",
        "tool_call_id",
        "usage",
    )

    def __init__(self, *, tool: bool, function: str | None = None) -> None:
        self._tool = tool
        self._function = function
        self._finish: str | None = None
        self._done = False
        self._refusal: list[str] = []
        self._pending: UnexpectedToolCallError | None = None
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
            if event == "error" or ("error" in chunk and chunk["error"] is not None):
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
                            function = call.get("function")
                            if (
                                len(calls) > 1
                                or call.get("index")
                                or call.get("id")
                                or not function
                                or "name" in function
                            ):
                                text = self._arguments(calls, data)
                            else:  # the usual delta: more arguments of call 0
                                text = function.get("arguments")
                                if text.__class__ is not str and text is not None:
                                    raise _not_text("tool call arguments", text, data)
                    else:
                        text = delta.get("content")
                        if text.__class__ is not str and text is not None:
                            raise _not_text("delta.content", text, data)
                    refusal = delta.get("refusal")
                    if refusal:
                        if refusal.__class__ is not str:
                            raise _not_text("delta.refusal", refusal, data)
                        self._refusal.append(refusal)
                finish = choice.get("finish_reason")
                if finish:
                    self._finish = finish
            return text
        except _SHAPE_ERRORS:
            raise _bad_shape(data, "chat.completion.chunk") from None

    def _arguments(self, calls: list[Any], data: bytes) -> str | None:
        """Call 0's arguments in this delta; any other call is kept to raise after them."""
        if self._pending is not None:
            raise self._pending
        text: str | None = None
        for call in calls:
            index = call.get("index") or 0
            function = call.get("function") or {}
            name = function.get("name")
            if index != 0:
                self._pending = _unexpected_call(index, name, self._function)
                continue
            if name is not None and self._function is not None and name != self._function:
                raise _unexpected_call(0, name, self._function)
            call_id = call.get("id")
            if call_id:
                self.tool_call_id = str(call_id)
            arguments = function.get("arguments")
            if arguments is not None:
                if arguments.__class__ is not str:
                    raise _not_text("tool call arguments", arguments, data)
                text = arguments if text is None else text + arguments
        return text

    def finish(self) -> None:
        if self._pending is not None:
            raise self._pending
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
                delta = item["delta"]
                if delta.__class__ is not str:
                    raise _not_text("the output_text delta", delta, data)
                text: str = delta
                return text
            if kind == "response.refusal.delta":
                refusal = item["delta"]
                if refusal.__class__ is not str:
                    raise _not_text("the refusal delta", refusal, data)
                self._refusal.append(refusal)
            elif kind == "response.refusal.done":
                done = item.get("refusal")
                if done is not None and done.__class__ is not str:
                    raise _not_text("the refusal", done, data)
                self._refusal = [done or "".join(self._refusal)]
            elif kind == "response.completed":
                self._completed = True
                self.usage = _responses_usage(item["response"].get("usage"))
            elif kind == "response.incomplete":
                response = item["response"]
                details = response.get("incomplete_details") or {}
                self._incomplete = str(details.get("reason") or "unknown")
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


def delta_reader(mode: Mode, function: str | None = None) -> ChatDeltas | ResponsesDeltas:
    """A fresh reader for one streamed attempt in ``mode`` (``tools``: forcing ``function``)."""
    if mode == "responses":
        return ResponsesDeltas()
    return ChatDeltas(tool=mode == "tools", function=function)


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


def read_body(mode: Mode, raw: bytes, function: str | None = None) -> Body:
    """Read a non-streamed ``chat.completion`` or ``response`` body."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise MalformedChunkError("the response body is not JSON", chunk=_shown(raw)) from None
    try:
        if mode == "responses":
            return _read_response(data, raw)
        return _read_completion(data, raw, tool=mode == "tools", function=function)
    except _SHAPE_ERRORS:
        kind = "Responses API response" if mode == "responses" else "chat.completion"
        raise MalformedChunkError(f"the body is not a {kind}", chunk=_shown(raw)) from None


def _read_completion(data: dict[str, Any], raw: bytes, *, tool: bool, function: str | None) -> Body:
    choice = data["choices"][0]
    message = choice["message"]
    usage = data.get("usage")
    body = Body("", usage=_chat_usage(usage) if usage else None)
    if tool:
        calls = message.get("tool_calls") or ()
        if calls:
            call = calls[0]
            name = call["function"].get("name")
            if function is not None and name is not None and name != function:
                raise _unexpected_call(0, name, function)
            arguments = call["function"]["arguments"]
            if arguments is not None and arguments.__class__ is not str:
                raise _not_text("the tool call's arguments", arguments, raw)
            body.text = arguments or ""
            body.tool_call_id = call.get("id")
            if len(calls) > 1:
                body.error = _unexpected_call(1, calls[1]["function"].get("name"), function)
                return body
    else:
        content = message.get("content")
        if content is not None and content.__class__ is not str:
            raise _not_text("message.content", content, raw)
        body.text = content or ""
    finish = choice.get("finish_reason")
    refusal = message.get("refusal")
    if refusal:
        body.error = RefusalError(str(refusal))
    elif finish == "length":
        body.error = _length("finish_reason 'length'")
    elif finish == "content_filter":
        body.error = _filtered("finish_reason 'content_filter'")
    return body


def _read_response(data: dict[str, Any], raw: bytes) -> Body:
    body = Body("", usage=_responses_usage(data.get("usage")))
    refusals: list[str] = []
    for item in data.get("output") or ():
        if item.get("type") != "message":
            continue
        for part in item.get("content") or ():
            if part.get("type") == "output_text":
                text = part["text"]
                if text.__class__ is not str:
                    raise _not_text("an output_text part", text, raw)
                body.text += text
            elif part.get("type") == "refusal":
                refusals.append(str(part["refusal"]))
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
        raise MalformedChunkError("the server reported a failed response", chunk=_shown(raw))
    return body
