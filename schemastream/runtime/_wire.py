"""What the protocol readers share: one event's JSON, its usage, and the endings it reports.

``_chat`` reads chat completions, ``_responses`` the Responses API; both build their
errors here, so a length limit or a cut connection reads the same whatever the protocol.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic_core import from_json

from ._errors import (
    ContentFilterError,
    IncompleteJSONError,
    LengthLimitError,
    MalformedChunkError,
    MissingToolCallError,
    StreamError,
    StreamInterruptedError,
    UnexpectedToolCallError,
)

if TYPE_CHECKING:
    from openai.types import CompletionUsage
    from openai.types.responses import ResponseUsage

__all__ = [
    "SHAPE_ERRORS",
    "Body",
    "aborted",
    "bad_shape",
    "chat_usage",
    "cut",
    "filtered",
    "length",
    "loads",
    "no_tool_call",
    "not_json",
    "not_text",
    "responses_usage",
    "server_error",
    "shown",
    "unclosed_think",
    "unexpected_call",
]

SHAPE_ERRORS = (AttributeError, KeyError, IndexError, TypeError)
"""What reading a JSON value of the wrong shape raises: a ``MalformedChunkError`` then."""


@dataclass
class Body:
    """A non-streamed answer: its JSON text, reasoning, usage, and the bad ending it reported."""

    text: str
    usage: CompletionUsage | ResponseUsage | None = None
    tool_call_id: str | None = None
    error: StreamError | None = None
    reasoning: str = ""


def loads(data: bytes) -> Any:
    """Parse one event's JSON: pydantic-core's parser is 3x faster than json here.

    It refuses lone surrogate escapes, which byte-level tokens can produce; json takes them.
    """
    try:
        return from_json(data)
    except ValueError:
        return json.loads(data)


def shown(data: bytes | str) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


def server_error(data: bytes | str) -> MalformedChunkError:
    return MalformedChunkError("the server reported an error mid-stream", chunk=shown(data))


def not_json(data: bytes) -> MalformedChunkError:
    return MalformedChunkError("a stream event's data is not JSON", chunk=shown(data))


def bad_shape(data: bytes, protocol: str) -> MalformedChunkError:
    return MalformedChunkError(f"a stream event is not a {protocol} event", chunk=shown(data))


def not_text(what: str, value: object, data: bytes | str) -> MalformedChunkError:
    return MalformedChunkError(
        f"{what} is a JSON {type(value).__name__}, not a string", chunk=shown(data)
    )


def length(detail: str) -> LengthLimitError:
    return LengthLimitError(
        f"the model stopped at its token limit ({detail}) before the JSON was complete; "
        "raise max_tokens / max_output_tokens or ask for less"
    )


def filtered(detail: str) -> ContentFilterError:
    return ContentFilterError(f"the provider's content filter stopped the answer ({detail})")


def cut(expected: str) -> StreamInterruptedError:
    return StreamInterruptedError(
        f"the stream ended without {expected}: the connection was cut, or the server "
        "stopped on an error it did not report; retry the request"
    )


def aborted(reason: str) -> StreamInterruptedError:
    return StreamInterruptedError(
        f"the server gave up on the answer: finish_reason {reason!r} (vLLM says 'abort' for "
        "a request it dropped, 'repetition' for an output it found repeating); retry the "
        "request"
    )


def unexpected_call(index: int, name: object, forced: str | None) -> UnexpectedToolCallError:
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


def no_tool_call(content: str, forced: str | None) -> MissingToolCallError:
    return MissingToolCallError(
        f"the model answered in content ({len(content):,} characters) and called no tool, "
        f"though tool_choice forced {forced!r}: the server may not enforce tool_choice "
        "(Ollama does not); the content is in .text; mode='json_schema' asks for the schema "
        "in a way such servers enforce",
        text=content,
    )


def unclosed_think() -> IncompleteJSONError:
    return IncompleteJSONError(
        "the answer ended inside its <think> block: the model stopped while reasoning, "
        "before any JSON (the reasoning is in .reasoning)"
    )


# openai's types load on first use: importing them costs a third of a second, and a
# service that only parses text (parse_<name>) never needs them.
def chat_usage(usage: dict[str, Any]) -> CompletionUsage:
    from openai.types import CompletionUsage

    return CompletionUsage.model_construct(**usage)


def responses_usage(usage: dict[str, Any] | None) -> ResponseUsage | None:
    from openai.types.responses import ResponseUsage

    return ResponseUsage.model_construct(**usage) if usage else None
