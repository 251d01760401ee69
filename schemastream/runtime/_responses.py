"""The Responses API read raw: its streamed events and its non-streamed ``response`` body.

The answer text arrives in ``response.output_text.delta`` events; reasoning in
``response.reasoning_summary_text.delta`` (OpenAI's summaries) and
``response.reasoning_text.delta`` (gpt-oss on vLLM, llama.cpp) events, kept apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import MalformedChunkError, RefusalError
from ._reasoning import ReasoningReader, split_think
from ._template import TemplateLearner
from ._wire import (
    SHAPE_ERRORS,
    Body,
    bad_shape,
    cut,
    filtered,
    length,
    loads,
    not_json,
    not_text,
    responses_usage,
    server_error,
    shown,
    unclosed_think,
)

if TYPE_CHECKING:
    from openai.types.responses import ResponseUsage

__all__ = ["ResponsesDeltas", "plain_output_text", "read_response"]

_TEXT_DELTA = "response.output_text.delta"
_REASONING_DELTAS = frozenset(
    {"response.reasoning_summary_text.delta", "response.reasoning_text.delta"}
)


def plain_output_text(item: Any) -> str | None:
    """The text of an output text delta event (its type said in its JSON, not its name)."""
    if item.__class__ is not dict or item.get("type") != _TEXT_DELTA:
        return None
    text = item.get("delta")
    return text if text.__class__ is str else None


class ResponsesDeltas(ReasoningReader):
    """Text deltas of Responses API events; ``read`` returns as ``ChatDeltas.read`` does."""

    __slots__ = (
        "_completed",
        "_incomplete",
        "_refusal",
        "_template",
        "tool_call_id",
        "usage",
    )

    def __init__(self) -> None:
        super().__init__(think=True)
        self._completed = False
        self._incomplete: str | None = None
        self._refusal: list[str] = []
        self._template = TemplateLearner(b'"delta"', plain_output_text)
        self.tool_call_id: str | None = None
        self.usage: ResponseUsage | None = None

    def quick(self, read: bytes, head: bytes, event: str | None) -> str | None:
        """As ``ChatDeltas.quick`` (the event's name does not matter: its JSON has a type)."""
        text = self._template.read_text(read, head)
        if not text:
            return None
        return text if self._think is None else self._answer(text)

    def read(self, event: str | None, data: bytes) -> str | None:
        text = self._template.text(data)
        if text is not None:  # the same event as a plain one read before, another text
            return self._answer(text) if text else None
        try:
            item = loads(data)
        except ValueError:
            raise not_json(data) from None
        if self._template.learning:
            self._template.learn(data, item)
        try:
            kind = item.get("type") or event
            if kind == _TEXT_DELTA:
                delta = item["delta"]
                if delta.__class__ is not str:
                    raise not_text("the output_text delta", delta, data)
                return self._answer(delta) if delta else None
            if kind in _REASONING_DELTAS:
                reasoning = item["delta"]
                if reasoning.__class__ is not str:
                    raise not_text("the reasoning delta", reasoning, data)
                self.reasoning.append(reasoning)
                return "" if reasoning else None
            if kind == "response.reasoning_summary_part.added" and self.reasoning.size:
                self.reasoning.append("\n\n")  # summary parts are paragraphs
            elif kind == "response.refusal.delta":
                refusal = item["delta"]
                if refusal.__class__ is not str:
                    raise not_text("the refusal delta", refusal, data)
                self._refusal.append(refusal)
            elif kind == "response.refusal.done":
                done = item.get("refusal")
                if done is not None and done.__class__ is not str:
                    raise not_text("the refusal", done, data)
                self._refusal = [done or "".join(self._refusal)]
            elif kind == "response.completed":
                self._completed = True
                self.usage = responses_usage(item["response"].get("usage"))
                return self._held()
            elif kind == "response.incomplete":
                response = item["response"]
                details = response.get("incomplete_details") or {}
                self._incomplete = str(details.get("reason") or "unknown")
                self.usage = responses_usage(response.get("usage"))
                return self._held()
            elif kind in ("error", "response.failed"):
                raise server_error(data)
            return None
        except SHAPE_ERRORS:
            raise bad_shape(data, "Responses API") from None

    def finish(self) -> None:
        if self._refusal:
            raise RefusalError("".join(self._refusal))
        if self._incomplete == "content_filter":
            raise filtered("Responses status 'incomplete', reason 'content_filter'")
        if self._incomplete is not None:
            raise length(f"Responses status 'incomplete', reason {self._incomplete!r}")
        if not self._completed:
            raise cut("a response.completed event")
        self._check_closed()


def read_response(data: Any, raw: bytes) -> Body:
    """Read a non-streamed Responses API ``response`` body (shape errors propagate)."""
    body = Body("", usage=responses_usage(data.get("usage")))
    refusals: list[str] = []
    reasoning: list[str] = []
    for item in data.get("output") or ():
        kind = item.get("type")
        if kind == "reasoning":
            parts = [*(item.get("summary") or ()), *(item.get("content") or ())]
            for part in parts:
                text = part.get("text")
                if text is not None and text.__class__ is not str:
                    raise not_text("a reasoning part", text, raw)
                if text:
                    reasoning.append(text)
        if kind != "message":
            continue
        for part in item.get("content") or ():
            if part.get("type") == "output_text":
                text = part["text"]
                if text.__class__ is not str:
                    raise not_text("an output_text part", text, raw)
                body.text += text
            elif part.get("type") == "refusal":
                refusals.append(str(part["refusal"]))
    thought, body.text, unclosed = split_think(body.text)
    body.reasoning = "\n\n".join([*reasoning, thought] if thought else reasoning)
    details = data.get("incomplete_details") or {}
    if refusals:
        body.error = RefusalError("".join(refusals))
    elif data.get("status") == "incomplete":
        reason = details.get("reason") or "unknown"
        if reason == "content_filter":
            body.error = filtered("Responses status 'incomplete', reason 'content_filter'")
        else:
            body.error = length(f"Responses status 'incomplete', reason {reason!r}")
    elif data.get("status") == "failed":
        raise MalformedChunkError("the server reported a failed response", chunk=shown(raw))
    elif unclosed:
        body.error = unclosed_think()
    return body
