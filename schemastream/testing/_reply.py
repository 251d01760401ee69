"""What the replay server answers: ``Reply`` (one scripted answer), ``Recording`` (a file).

A reply holds the answer's text deltas and how it ends, not wire bytes: the server renders
it in whatever protocol the request asked for (a forced tool call, content, or Responses
events), so one recording replays in every mode.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["FLAVOURS", "Finish", "Flavour", "Recording", "Reply", "split_text"]

Finish = Literal["stop", "length", "content_filter"]

Flavour = Literal["openai", "vllm", "ollama", "llamacpp", "litellm"]
"""Whose chat completion stream the replay server imitates (see docs/client.md)."""

FLAVOURS: tuple[Flavour, ...] = ("openai", "vllm", "ollama", "llamacpp", "litellm")


_FORMAT = "schemastream-recording"
_VERSION = 1


def split_text(text: str, size: int = 4) -> list[str]:
    """Cut ``text`` into deltas of ``size`` characters, the way a tokenizer roughly would."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


@dataclass(frozen=True)
class Reply:
    """One scripted answer.

    ``deltas`` arrive one event each, ``delay`` seconds apart (``None``: the server's pace),
    after ``first_delay`` seconds without a response at all; ``reasoning`` deltas come
    first, where the server's flavour puts reasoning.
    ``finish`` is how the model stopped; ``refusal`` replaces the answer with a refusal.
    ``usage`` is reported when the request asks for it (``"auto"``: counted from the deltas).
    ``cut_after`` cuts the connection after that many streamed events: ``"abrupt"`` mid-body (a
    transport error for the client) or ``"clean"`` (a well-formed end of body without the
    protocol's finish, which the SDK alone takes for a normal end). ``status`` other than
    200 answers with an OpenAI-style JSON error instead. ``raw`` is sent verbatim as the SSE
    body, or as the JSON body of a non-streamed answer (for malformed answers); a
    non-streamed answer with ``cut_after`` stops after that many bytes.
    """

    deltas: Sequence[str] = ()
    finish: Finish = "stop"
    refusal: str | None = None
    usage: Mapping[str, int] | Literal["auto"] | None = "auto"
    cut_after: int | None = None
    cut: Literal["clean", "abrupt"] = "abrupt"
    delay: float | None = None
    first_delay: float = 0.0
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    reasoning: Sequence[str] = ()

    def __post_init__(self) -> None:
        # Any sequences, compared as tuples.
        object.__setattr__(self, "deltas", tuple(self.deltas))
        object.__setattr__(self, "reasoning", tuple(self.reasoning))

    @classmethod
    def of(cls, text: str, size: int = 4, **options: Any) -> Reply:
        """A reply streaming ``text`` in deltas of ``size`` characters."""
        return cls(deltas=split_text(text, size), **options)

    @classmethod
    def http_error(cls, status: int = 500, message: str = "replayed server error") -> Reply:
        """An HTTP error answer; ``retry-after-ms`` keeps the SDK's own retry fast."""
        body = json.dumps({"error": {"message": message, "type": "server_error", "code": None}})
        return cls(status=status, raw=body.encode(), headers={"retry-after-ms": "10"})

    @property
    def text(self) -> str:
        """The whole answer text the deltas make up."""
        return "".join(self.deltas)

    def usage_for(self, sent: int) -> dict[str, int] | None:
        """Chat-style usage to report after ``sent`` deltas, or ``None``."""
        if self.usage is None:
            return None
        if self.usage == "auto":
            return {"prompt_tokens": 50, "completion_tokens": sent, "total_tokens": 50 + sent}
        return dict(self.usage)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"deltas": list(self.deltas), "finish": self.finish}
        if self.reasoning:
            data["reasoning"] = list(self.reasoning)
        if self.refusal is not None:
            data["refusal"] = self.refusal
        if self.usage != "auto":
            data["usage"] = self.usage if self.usage is None else dict(self.usage)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reply:
        unknown = set(data) - {"deltas", "text", "finish", "refusal", "usage", "note", "reasoning"}
        if unknown:
            raise ValueError(f"unknown keys in a recorded reply: {sorted(unknown)}")
        if "text" in data:
            deltas = split_text(str(data["text"]))
        else:
            deltas = [str(d) for d in data.get("deltas", ())]
        finish = data.get("finish", "stop")
        if finish not in ("stop", "length", "content_filter"):
            raise ValueError(f"finish must be stop, length or content_filter, not {finish!r}")
        usage: Any = data.get("usage", "auto")
        reasoning = [str(d) for d in data.get("reasoning", ())]
        return cls(
            deltas=deltas,
            finish=finish,
            refusal=data.get("refusal"),
            usage=usage,
            reasoning=reasoning,
        )


@dataclass(frozen=True)
class Recording:
    """Replies recorded from a real server (or written by hand), replayed in order.

    The file is JSON::

        {"format": "schemastream-recording", "version": 1, "model": "gpt-4o-mini",
         "replies": [{"deltas": ["{\\"ti", "tle\\": ", ...], "finish": "stop",
                      "usage": {"prompt_tokens": 80, "completion_tokens": 120,
                                "total_tokens": 200}}]}

    A reply may give ``"text"`` instead of ``"deltas"`` (split into 4-character deltas);
    ``finish`` (default ``"stop"``), ``refusal`` and ``usage`` are optional.
    """

    replies: tuple[Reply, ...]
    model: str = "replay"

    @classmethod
    def load(cls, path: str | Path) -> Recording:
        """Read a recording file; ``ValueError`` says what is wrong with it."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not JSON: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise ValueError(f'{path}: not a recording (expected "format": "{_FORMAT}")')
        if data.get("version") != _VERSION:
            raise ValueError(f"{path}: recording version {data.get('version')!r} is not supported")
        replies = data.get("replies")
        if not isinstance(replies, list) or not replies:
            raise ValueError(f"{path}: a recording needs a non-empty list of replies")
        try:
            loaded = tuple(Reply.from_json(reply) for reply in replies)
        except (ValueError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}: {exc}") from exc
        return cls(loaded, model=str(data.get("model", "replay")))

    def save(self, path: str | Path) -> Path:
        """Write the recording as indented JSON; return the path."""
        data = {
            "format": _FORMAT,
            "version": _VERSION,
            "model": self.model,
            "replies": [reply.to_json() for reply in self.replies],
        }
        target = Path(path)
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return target
