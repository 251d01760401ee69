"""The SDK's own keyword arguments that the helpers pass on, typed for ``**kwargs: Unpack[...]``.

``OpenAIOptions`` lists the keyword parameters of ``chat.completions.create`` and of
``responses.create`` (openai 3.x) that a helper does not set itself, so a misspelt argument
is a type error; ``check_options`` refuses, at run time, one the mode's API does not take.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Literal, TypedDict

if TYPE_CHECKING:
    from openai import Omit, Timeout
    from openai.types.chat import (
        ChatCompletionAudioParam,
        ChatCompletionPredictionContentParam,
        ChatCompletionStreamOptionsParam,
        ChatCompletionToolChoiceOptionParam,
        ChatCompletionToolUnionParam,
        completion_create_params,
    )
    from openai.types.responses import (
        ResponseIncludable,
        ResponsePromptParam,
        ResponseTextConfigParam,
        ToolParam,
        response_create_params,
    )
    from openai.types.shared_params import Metadata, Reasoning, ReasoningEffort

__all__ = ["OpenAIOptions"]


class OpenAIOptions(TypedDict, total=False):
    """Keyword arguments for ``chat.completions.create`` (modes ``tools``, ``json_schema``,
    ``json``) and ``responses.create`` (mode ``responses``), as the openai SDK types them.

    Arguments of one API only are marked below; passing one in a mode of the other API
    is a ``TypeError`` at call time. Arguments the helper builds (``tools``,
    ``tool_choice``, ``response_format``, ``text``, ``stream_options``) may be given to
    replace its own; ``stream`` may not. An argument newer than this list goes in
    ``extra_body``.
    """

    # Both APIs.
    metadata: Metadata | None
    parallel_tool_calls: bool | None
    prompt_cache_key: str | None
    prompt_cache_retention: Literal["in_memory", "24h"] | None
    safety_identifier: str | None
    service_tier: Literal["auto", "default", "flex", "scale", "priority", "fast"] | None
    store: bool | None
    stream_options: ChatCompletionStreamOptionsParam | response_create_params.StreamOptions | None
    temperature: float | None
    tool_choice: ChatCompletionToolChoiceOptionParam | response_create_params.ToolChoice
    tools: Iterable[ChatCompletionToolUnionParam] | Iterable[ToolParam]
    top_logprobs: int | None
    top_p: float | None
    user: str
    # Chat completions only.
    audio: ChatCompletionAudioParam | None
    frequency_penalty: float | None
    logit_bias: dict[str, int] | None
    logprobs: bool | None
    max_completion_tokens: int | None
    max_tokens: int | None
    modalities: list[Literal["text", "audio"]] | None
    n: int | None
    prediction: ChatCompletionPredictionContentParam | None
    presence_penalty: float | None
    reasoning_effort: ReasoningEffort | None
    response_format: completion_create_params.ResponseFormat
    seed: int | None
    stop: str | list[str] | None
    verbosity: Literal["low", "medium", "high"] | None
    web_search_options: completion_create_params.WebSearchOptions
    # Responses only.
    background: bool | None
    include: list[ResponseIncludable] | None
    instructions: str | None
    max_output_tokens: int | None
    max_tool_calls: int | None
    previous_response_id: str | None
    prompt: ResponsePromptParam | None
    reasoning: Reasoning | None
    text: ResponseTextConfigParam
    truncation: Literal["auto", "disabled"] | None
    # The SDK's request options.
    extra_headers: Mapping[str, str | Omit] | None
    extra_query: Mapping[str, object] | None
    extra_body: object | None
    timeout: float | Timeout | None


_CHAT_ONLY = frozenset(
    {
        "audio",
        "frequency_penalty",
        "logit_bias",
        "logprobs",
        "max_completion_tokens",
        "max_tokens",
        "modalities",
        "n",
        "prediction",
        "presence_penalty",
        "reasoning_effort",
        "response_format",
        "seed",
        "stop",
        "verbosity",
        "web_search_options",
    }
)
_RESPONSES_ONLY = frozenset(
    {
        "background",
        "include",
        "instructions",
        "max_output_tokens",
        "max_tool_calls",
        "previous_response_id",
        "prompt",
        "reasoning",
        "text",
        "truncation",
    }
)
# What the other API calls the same thing.
_INSTEAD = {
    "max_tokens": "max_output_tokens",
    "max_completion_tokens": "max_output_tokens",
    "max_output_tokens": "max_completion_tokens",
    "reasoning_effort": "reasoning={'effort': ...}",
    "reasoning": "reasoning_effort",
    "response_format": "text={'format': ...}",
    "text": "response_format",
}


def check_options(mode: str, options: Mapping[str, object]) -> None:
    """Refuse an argument that only the other API than ``mode``'s takes, naming what to use
    instead (``mode`` ``"responses"`` calls ``responses.create``, the others chat)."""
    if "stream" in options:
        raise TypeError("stream is chosen by the helper: call stream_* or create_*, not stream=")
    other = _CHAT_ONLY if mode == "responses" else _RESPONSES_ONLY
    wrong = sorted(other.intersection(options))
    if not wrong:
        return
    api = "chat.completions.create" if mode == "responses" else "responses.create"
    here = "responses.create" if mode == "responses" else "chat.completions.create"
    hints = [f"{name} (use {_INSTEAD[name]})" if name in _INSTEAD else name for name in wrong]
    raise TypeError(
        f"mode {mode!r} calls {here}, which does not take {', '.join(hints)}: "
        f"{'that is' if len(wrong) == 1 else 'those are'} {api} arguments"
    )
