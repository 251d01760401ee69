"""Render a ``Reply`` in the wire format a request asked for, as a server flavour sends it.

Chat completions: a forced tool call when the request carries ``tools``, else content,
with a usage chunk when ``stream_options.include_usage`` is set, then ``[DONE]``; the
flavour decides where reasoning goes and how a tool call streams (OpenAI, vLLM, Ollama,
llama.cpp's server, the LiteLLM proxy, as their source code writes them). Responses
API: the ``response.*`` event sequence OpenAI sends, reasoning as summary events.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from ._reply import Flavour, Reply, split_text

__all__ = ["Rendering", "render_body", "render_stream"]


@dataclass(frozen=True)
class Rendering:
    """SSE events before the deltas, one per delta, and after them."""

    head: list[bytes]
    deltas: list[bytes]
    tail: list[bytes]


def _data(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"


def _event(payload: dict[str, Any]) -> bytes:
    return b"event: " + str(payload["type"]).encode() + b"\n" + _data(payload)


def _tool_name(request: dict[str, Any]) -> str | None:
    tools = request.get("tools")
    if not tools:
        return None
    choice = request.get("tool_choice")
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        return str(choice["function"].get("name", "answer"))
    return str(tools[0].get("function", {}).get("name", "answer"))


def render_stream(
    reply: Reply, request: dict[str, Any], endpoint: str, serial: int, flavour: Flavour = "openai"
) -> Rendering:
    """The SSE events that stream ``reply`` for ``request`` on ``endpoint``."""
    if endpoint == "responses":
        return _responses_stream(reply, request, serial)
    return _chat_stream(reply, request, serial, flavour)


# Where each flavour puts reasoning in a chat delta or message (OpenAI's chat sends none).
_REASONING_FIELD: dict[Flavour, str] = {
    "vllm": "reasoning",
    "ollama": "reasoning",
    "llamacpp": "reasoning_content",
    "litellm": "reasoning_content",
}


def _chat_stream(reply: Reply, request: dict[str, Any], serial: int, flavour: Flavour) -> Rendering:
    tool = _tool_name(request)
    base = {
        "id": f"chatcmpl-replay{serial}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": str(request.get("model", "replay")),
        "system_fingerprint": "fp_replay",
    }
    call_id = f"call_replay{serial}"

    def chunk(delta: dict[str, Any] | None, finish: str | None = None, **top: Any) -> bytes:
        choices = []
        if delta and flavour == "litellm":  # LiteLLM repeats the role on every delta
            delta = {"role": "assistant", **delta}
        if delta is not None:
            choices = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
        return _data({**base, "choices": choices, **top})

    def call(arguments: str, **fields: Any) -> dict[str, Any]:
        function = {"name": tool, "arguments": arguments}
        return {"index": 0, "id": call_id, "type": "function", "function": function, **fields}

    def more(arguments: str) -> bytes:
        return chunk({"tool_calls": [{"index": 0, "function": {"arguments": arguments}}]})

    refusing = reply.refusal is not None
    first: dict[str, Any] = {"role": "assistant", "content": ""}
    if flavour == "openai":
        first = {"role": "assistant", "content": None if tool else "", "refusal": None}
        if tool and not refusing:
            first["tool_calls"] = [call("")]
    elif flavour == "llamacpp":
        first["content"] = None
    deltas: list[bytes] = []
    field = _REASONING_FIELD.get(flavour)
    if field is not None:
        empty = {"content": ""} if flavour == "ollama" else {}  # Ollama keeps content: ""
        deltas += [chunk({field: piece, **empty}) for piece in reply.reasoning]
    if refusing:
        assert reply.refusal is not None
        deltas += [chunk({"refusal": piece}) for piece in split_text(reply.refusal, 8)]
    elif tool and flavour == "ollama":  # the whole call in one delta, beside empty content
        deltas.append(chunk({"content": "", "tool_calls": [call(reply.text)]}))
    elif tool and flavour == "litellm":  # the whole call, as many upstreams hand it over
        deltas.append(chunk({"tool_calls": [call(reply.text)]}))
    elif tool and flavour == "vllm":  # the name with the first arguments (named tool choice)
        head, *rest = reply.deltas or ("",)
        deltas += [chunk({"tool_calls": [call(head)]}), *map(more, rest)]
    elif tool and flavour == "llamacpp":  # message diffs: the id and name, then arguments
        deltas += [chunk({"tool_calls": [call("")]}), *map(more, reply.deltas)]
    elif tool:
        deltas += map(more, reply.deltas)
    else:
        deltas += [chunk({"content": d}) for d in reply.deltas]
    finish: str = reply.finish
    if tool and finish == "stop" and flavour in ("ollama", "llamacpp"):
        finish = "tool_calls"  # vLLM and OpenAI say "stop" after a forced (named) call
    tail = [chunk({}, finish)]
    options = request.get("stream_options") or {}
    usage = reply.usage_for(len(reply.deltas))
    if options.get("include_usage") and usage is not None:
        extra: dict[str, Any] = {"usage": usage}
        if flavour == "llamacpp":
            extra["timings"] = {"predicted_n": len(reply.deltas)}
        # LiteLLM puts usage on a last chunk that still holds a choice, its delta empty.
        tail.append(chunk({} if flavour == "litellm" else None, **extra))
    tail.append(b"data: [DONE]\n\n")
    return Rendering([chunk(first)], deltas, tail)


def _response_object(
    reply: Reply, request: dict[str, Any], serial: int, status: str, output: list[Any]
) -> dict[str, Any]:
    usage = reply.usage_for(len(reply.deltas))
    incomplete = None
    if status == "incomplete":
        reason = "content_filter" if reply.finish == "content_filter" else "max_output_tokens"
        incomplete = {"reason": reason}
    return {
        "id": f"resp_replay{serial}",
        "object": "response",
        "created_at": int(time.time()),
        "model": str(request.get("model", "replay")),
        "status": status,
        "error": None,
        "incomplete_details": incomplete,
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "text": request.get("text", {"format": {"type": "text"}}),
        "usage": None
        if usage is None or status == "in_progress"
        else {
            "input_tokens": usage["prompt_tokens"],
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": usage["completion_tokens"],
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": usage["total_tokens"],
        },
    }


def _message(reply: Reply, serial: int, status: str) -> dict[str, Any]:
    if reply.refusal is not None:
        part: dict[str, Any] = {"type": "refusal", "refusal": reply.refusal}
    else:
        part = {"type": "output_text", "text": reply.text, "annotations": [], "logprobs": []}
    return {
        "type": "message",
        "id": f"msg_replay{serial}",
        "status": status,
        "role": "assistant",
        "content": [part],
    }


def _summary(reply: Reply, serial: int) -> list[dict[str, Any]]:
    """The reasoning item of a Responses output (none without reasoning)."""
    if not reply.reasoning:
        return []
    part = {"type": "summary_text", "text": "".join(reply.reasoning)}
    return [{"type": "reasoning", "id": f"rs_replay{serial}", "summary": [part]}]


def _responses_stream(reply: Reply, request: dict[str, Any], serial: int) -> Rendering:
    sequence = iter(range(1_000_000))
    item_id = f"msg_replay{serial}"
    summary = _summary(reply, serial)
    index = len(summary)  # the message follows the reasoning item, if any
    where = {"item_id": item_id, "output_index": index, "content_index": 0}

    def event(payload: dict[str, Any]) -> bytes:
        return _event({**payload, "sequence_number": next(sequence)})

    thinking: list[bytes] = []
    if summary:
        at = {"item_id": summary[0]["id"], "output_index": 0, "summary_index": 0}
        text = summary[0]["summary"][0]
        thinking = [
            event(
                {
                    "type": "response.output_item.added",
                    "output_index": 0,
                    "item": {**summary[0], "summary": []},
                }
            ),
            event(
                {
                    "type": "response.reasoning_summary_part.added",
                    **at,
                    "part": {**text, "text": ""},
                }
            ),
            *[
                event({"type": "response.reasoning_summary_text.delta", **at, "delta": piece})
                for piece in reply.reasoning
            ],
            event({"type": "response.reasoning_summary_text.done", **at, "text": text["text"]}),
            event({"type": "response.reasoning_summary_part.done", **at, "part": text}),
            event({"type": "response.output_item.done", "output_index": 0, "item": summary[0]}),
        ]

    opening = _response_object(reply, request, serial, "in_progress", [])
    empty_item = {**_message(reply, serial, "in_progress"), "content": []}
    refusing = reply.refusal is not None
    empty_part = (
        {"type": "refusal", "refusal": ""}
        if refusing
        else {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
    )
    head = [
        event({"type": "response.created", "response": opening}),
        event({"type": "response.in_progress", "response": opening}),
    ]
    opened = [
        event({"type": "response.output_item.added", "output_index": index, "item": empty_item}),
        event({"type": "response.content_part.added", **where, "part": empty_part}),
    ]
    if refusing:
        assert reply.refusal is not None
        pieces = split_text(reply.refusal, 8)
        deltas = [event({"type": "response.refusal.delta", **where, "delta": p}) for p in pieces]
        done = event({"type": "response.refusal.done", **where, "refusal": reply.refusal})
    else:
        deltas = [
            event({"type": "response.output_text.delta", **where, "delta": d, "logprobs": []})
            for d in reply.deltas
        ]
        done = event(
            {"type": "response.output_text.done", **where, "text": reply.text, "logprobs": []}
        )
    status = "completed" if reply.finish == "stop" else "incomplete"
    item = _message(reply, serial, status)
    final = _response_object(reply, request, serial, status, [*summary, item])
    tail = [
        done,
        event({"type": "response.content_part.done", **where, "part": item["content"][0]}),
        event({"type": "response.output_item.done", "output_index": index, "item": item}),
        event({"type": f"response.{status}", "response": final}),
    ]
    if thinking:  # reasoning events are paced like deltas; the message opens after them
        return Rendering(head, [*thinking, *opened, *deltas], tail)
    return Rendering(head + opened, deltas, tail)


def render_body(
    reply: Reply, request: dict[str, Any], endpoint: str, serial: int, flavour: Flavour = "openai"
) -> bytes:
    """The non-streamed JSON body answering ``request`` with ``reply``."""
    if endpoint == "responses":
        status = "completed" if reply.finish == "stop" else "incomplete"
        output = [*_summary(reply, serial), _message(reply, serial, status)]
        return json.dumps(_response_object(reply, request, serial, status, output)).encode()
    tool = _tool_name(request)
    message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
    if flavour == "ollama":
        message = {"role": "assistant", "content": ""}
    field = _REASONING_FIELD.get(flavour)
    if field is not None and reply.reasoning:
        message[field] = "".join(reply.reasoning)
    finish: str = reply.finish
    if reply.refusal is not None:
        message["refusal"] = reply.refusal
    elif tool:
        function = {"name": tool, "arguments": reply.text}
        call = {"id": f"call_replay{serial}", "type": "function", "function": function}
        message["tool_calls"] = [call]
        if finish == "stop" and flavour in ("ollama", "llamacpp"):
            finish = "tool_calls"
    else:
        message["content"] = reply.text
    body = {
        "id": f"chatcmpl-replay{serial}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(request.get("model", "replay")),
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": reply.usage_for(len(reply.deltas)),
    }
    return json.dumps(body).encode()
