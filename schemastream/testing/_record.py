"""Record a real stream once, to replay it offline with ``ReplayServer`` or ``schemastream serve``.

The recording keeps the answer's text deltas, how it ended and its usage: enough to
replay it token by token in any mode, without the provider's ids or timings.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openai import OpenAI

from ..runtime import ContentFilterError, LengthLimitError, Mode, RefusalError, open_text_stream
from ._reply import Finish, Recording, Reply

if TYPE_CHECKING:
    from openai.types import CompletionUsage
    from openai.types.responses import ResponseUsage
    from typing_extensions import Unpack

    from ..runtime import OpenAIOptions, StreamSpec

__all__ = ["record"]


def record(
    spec: StreamSpec[Any, Any],
    client: OpenAI,
    path: str | Path,
    *,
    messages: Iterable[Any],
    model: str,
    mode: Mode = "tools",
    **kwargs: Unpack[OpenAIOptions],
) -> Recording:
    """Stream one answer from ``client`` and save it as a one-reply recording at ``path``.

    Refusals, ``length`` and ``content_filter`` endings are recorded as such; any other
    failure raises and writes nothing.
    """
    source = open_text_stream(spec, client, messages=messages, model=model, mode=mode, **kwargs)
    deltas: list[str] = []
    finish: Finish = "stop"
    refusal: str | None = None
    try:
        deltas.extend(source)
    except RefusalError as exc:
        refusal = exc.refusal
    except LengthLimitError:
        finish = "length"
    except ContentFilterError:
        finish = "content_filter"
    finally:
        source.close()
    usage = source.usage
    reply = Reply(deltas=deltas, finish=finish, refusal=refusal, usage=_chat_usage(usage))
    recording = Recording((reply,), model=model)
    recording.save(path)
    return recording


def _chat_usage(usage: CompletionUsage | ResponseUsage | None) -> dict[str, int] | None:
    """Chat-style counts from a ``CompletionUsage`` or a Responses ``ResponseUsage``."""
    if usage is None:
        return None
    prompt = int(getattr(usage, "prompt_tokens", None) or getattr(usage, "input_tokens", 0) or 0)
    completion = getattr(usage, "completion_tokens", None) or getattr(usage, "output_tokens", 0)
    total = int(getattr(usage, "total_tokens", 0) or prompt + int(completion or 0))
    return {
        "prompt_tokens": prompt,
        "completion_tokens": int(completion or 0),
        "total_tokens": total,
    }
