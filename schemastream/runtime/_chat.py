"""Chat completions read raw: ``chat.completion.chunk`` events and ``chat.completion`` bodies.

The answer text is the arguments of tool call 0 (``tools`` mode) or the content; reasoning
(``reasoning`` / ``reasoning_content`` fields, a leading ``<think>`` block in the content)
is kept apart. Written against what OpenAI, vLLM, Ollama, llama.cpp's server and LiteLLM
send (see docs/client.md, "Compatible servers").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import RefusalError, UnexpectedToolCallError
from ._reasoning import ReasoningReader, split_think
from ._template import TemplateLearner
from ._wire import (
    SHAPE_ERRORS,
    Body,
    aborted,
    bad_shape,
    chat_usage,
    cut,
    filtered,
    length,
    loads,
    no_tool_call,
    not_json,
    not_text,
    server_error,
    unclosed_think,
    unexpected_call,
)

if TYPE_CHECKING:
    from openai.types import CompletionUsage

__all__ = ["ChatDeltas", "plain_arguments", "plain_content", "read_completion"]

_KEPT_CONTENT = 1 << 20  # of content in tools mode, kept for the error if no call comes
# vLLM's finish reasons (vllm/v1/engine/__init__.py) for an answer the server gave up on.
_ABORTED = frozenset({"abort", "error", "repetition"})


def _plain_delta(chunk: Any) -> dict[str, Any] | None:
    """The delta of an event that is one choice 0's delta and nothing else to read."""
    if chunk.__class__ is not dict or chunk.get("error") is not None or chunk.get("usage"):
        return None
    choices = chunk.get("choices")
    if choices.__class__ is not list or len(choices) != 1:
        return None
    choice = choices[0]
    if choice.__class__ is not dict or choice.get("index", 0) != 0 or choice.get("finish_reason"):
        return None
    delta = choice.get("delta")
    return delta if delta.__class__ is dict and len(delta) == 1 else None


def plain_content(chunk: Any) -> str | None:
    """The text of a plain content event (reading it means returning its text, no more)."""
    delta = _plain_delta(chunk)
    text = None if delta is None else delta.get("content")
    return text if text.__class__ is str else None


def plain_arguments(chunk: Any) -> str | None:
    """The text of a plain tool-call event: more arguments of call 0, no more."""
    delta = _plain_delta(chunk)
    calls = None if delta is None else delta.get("tool_calls")
    if not isinstance(calls, list) or len(calls) != 1:
        return None
    call: Any = calls[0]
    if call.__class__ is not dict or call.get("index") or call.get("id"):
        return None
    function = call.get("function")
    if function.__class__ is not dict or not function or "name" in function:
        return None
    text = function.get("arguments")
    return text if text.__class__ is str else None


class ChatDeltas(ReasoningReader):
    """Text deltas of ``chat.completion.chunk`` events.

    ``read`` returns the answer text an event carries, ``""`` when it carried reasoning
    only (progress, though no text) and ``None`` when it carried neither. In ``tools``
    mode the text is the arguments of tool call 0, routed by ``index`` (a call without
    one is call 0) and checked to call ``function`` (when known): any other call is an
    ``UnexpectedToolCallError``, raised once the deltas before it have been read; content
    without any tool call is a ``MissingToolCallError`` at the end. Otherwise the text is
    the content, a leading ``<think>`` block taken off it.
    """

    __slots__ = (
        "_called",
        "_content",
        "_done",
        "_finish",
        "_function",
        "_kept",
        "_pending",
        "_refusal",
        "_template",
        "_tool",
        "tool_call_id",
        "usage",
    )

    def __init__(self, *, tool: bool, function: str | None = None) -> None:
        super().__init__(think=not tool)
        self._tool = tool
        self._function = function
        self._finish: str | None = None
        self._done = False
        self._called = False
        self._content: list[str] = []  # tools mode: content, in case no call comes
        self._kept = 0
        self._refusal: list[str] = []
        self._pending: UnexpectedToolCallError | None = None
        self._template = (
            TemplateLearner(b'"arguments"', plain_arguments)
            if tool
            else TemplateLearner(b'"content"', plain_content)
        )
        self.tool_call_id: str | None = None
        self.usage: CompletionUsage | None = None

    def quick(self, read: bytes, head: bytes, event: str | None) -> str | None:
        """What ``read`` returns for the event a whole read holds, if it is a plain text
        event of the template; else ``None`` (the read is then decoded and read in full)."""
        if event is not None:
            return None
        text = self._template.read_text(read, head)
        if not text:
            return None
        return text if self._think is None else self._answer(text)

    def read(self, event: str | None, data: bytes) -> str | None:
        text: str | None
        if event is None:
            text = self._template.text(data)
            if text is not None:  # the same event as a plain one read before, another text
                return self._answer(text) if text else None
        if data == b"[DONE]":
            self._done = True
            return self._held()
        try:
            chunk = loads(data)
        except ValueError:
            raise not_json(data) from None
        try:
            if event == "error" or chunk.get("error") is not None:
                raise server_error(data)
            usage = chunk.get("usage")
            if usage:
                self.usage = chat_usage(usage)
            text = None
            for choice in chunk.get("choices") or ():
                if choice.get("index", 0) != 0:
                    continue
                delta = choice.get("delta")
                if delta:
                    text = self._tool_text(delta, data) if self._tool else self._text(delta, data)
                finish = choice.get("finish_reason")
                if finish:
                    self._finish = finish
                    held = self._held()
                    if held:
                        text = (text or "") + held
        except SHAPE_ERRORS:
            raise bad_shape(data, "chat.completion.chunk") from None
        if event is None and self._template.learning:
            self._template.learn(data, chunk)
        return text

    def _text(self, delta: dict[str, Any], data: bytes) -> str | None:
        text = delta.get("content")
        if text.__class__ is not str and text is not None:
            raise not_text("delta.content", text, data)
        # The usual delta holds content alone: the other fields are looked for only if not.
        progress = (len(delta) > 1 or text is None) and self._extras(delta, data)
        if text:
            return self._answer(text)
        return "" if progress else None

    def _tool_text(self, delta: dict[str, Any], data: bytes) -> str | None:
        text: str | None = None
        calls = delta.get("tool_calls")
        if calls:
            self._called = True
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
                    raise not_text("tool call arguments", text, data)
        progress = (len(delta) > 1 or not calls) and self._extras(delta, data)
        return text or ("" if progress else None)

    def _extras(self, delta: dict[str, Any], data: bytes) -> bool:
        """What a delta carries besides its text: reasoning, a refusal, content in
        ``tools`` mode. Returns whether it carried reasoning or content (progress)."""
        progress = False
        # vLLM (since 0.11), Ollama and OpenRouter say "reasoning"; DeepSeek, llama.cpp,
        # LiteLLM and older vLLM "reasoning_content"; vLLM 0.11-0.15 sent both, the same.
        reasoning = delta.get("reasoning") or delta.get("reasoning_content")
        if reasoning:
            if reasoning.__class__ is not str:
                raise not_text("delta.reasoning", reasoning, data)
            self.reasoning.append(reasoning)
            progress = True
        refusal = delta.get("refusal")
        if refusal:
            if refusal.__class__ is not str:
                raise not_text("delta.refusal", refusal, data)
            self._refusal.append(refusal)
        if self._tool:
            content = delta.get("content")
            if content:
                if content.__class__ is not str:
                    raise not_text("delta.content", content, data)
                if self._kept < _KEPT_CONTENT:
                    self._content.append(content)
                    self._kept += len(content)
                progress = True
        return progress

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
                self._pending = unexpected_call(index, name, self._function)
                continue
            if name is not None and self._function is not None and name != self._function:
                raise unexpected_call(0, name, self._function)
            call_id = call.get("id")
            if call_id:
                self.tool_call_id = str(call_id)
            arguments = function.get("arguments")
            if arguments is not None:
                if arguments.__class__ is not str:
                    raise not_text("tool call arguments", arguments, data)
                text = arguments if text is None else text + arguments
        return text or None

    def finish(self) -> None:
        if self._pending is not None:
            raise self._pending
        if self._refusal:
            raise RefusalError("".join(self._refusal))
        if self._finish == "length":
            raise length("finish_reason 'length'")
        if self._finish == "content_filter":
            raise filtered("finish_reason 'content_filter'")
        if self._finish in _ABORTED:
            raise aborted(self._finish)
        if self._finish is None and not self._done:
            raise cut("a finish_reason or [DONE]")
        if self._tool and not self._called:
            content = "".join(self._content)
            if content.strip():
                raise no_tool_call(content, self._function)
        self._check_closed()


def read_completion(data: Any, raw: bytes, *, tool: bool, function: str | None) -> Body:
    """Read a non-streamed ``chat.completion`` body (shape errors propagate)."""
    choice = data["choices"][0]
    message = choice["message"]
    usage = data.get("usage")
    body = Body("", usage=chat_usage(usage) if usage else None)
    reasoning = message.get("reasoning") or message.get("reasoning_content")
    if reasoning:
        if reasoning.__class__ is not str:
            raise not_text("message.reasoning", reasoning, raw)
        body.reasoning = reasoning
    content = message.get("content")
    if content is not None and content.__class__ is not str:
        raise not_text("message.content", content, raw)
    unclosed = missing = False
    if tool:
        calls = message.get("tool_calls") or ()
        missing = not calls and bool(content and content.strip())
        if calls:
            call = calls[0]
            name = call["function"].get("name")
            if function is not None and name is not None and name != function:
                raise unexpected_call(0, name, function)
            arguments = call["function"]["arguments"]
            if arguments is not None and arguments.__class__ is not str:
                raise not_text("the tool call's arguments", arguments, raw)
            body.text = arguments or ""
            body.tool_call_id = call.get("id")
            if len(calls) > 1:
                body.error = unexpected_call(1, calls[1]["function"].get("name"), function)
                return body
    elif content:
        thought, body.text, unclosed = split_think(content)
        body.reasoning += thought
    finish = choice.get("finish_reason")
    refusal = message.get("refusal")
    if refusal:
        body.error = RefusalError(str(refusal))
    elif finish == "length":
        body.error = length("finish_reason 'length'")
    elif finish == "content_filter":
        body.error = filtered("finish_reason 'content_filter'")
    elif finish in _ABORTED:
        body.error = aborted(finish)
    elif missing:
        body.error = no_tool_call(content or "", function)
    elif unclosed:
        body.error = unclosed_think()
    return body
