"""The server-sent events a stream becomes: a ``patch`` per snapshot, then ``final`` or ``error``.

Each event's data is one line of JSON and each has an ``id`` counting from 1; a comment
line is the keep-alive ping.
"""

from __future__ import annotations

import json

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError, to_json

from ..runtime import PatchOperation

__all__ = ["PING", "EventWriter", "error_fields"]

PING = b": ping\n\n"
"""A comment line: it keeps proxies and the browser from timing out while the model is silent."""


class EventWriter:
    """Numbers and encodes the events of one response."""

    __slots__ = ("sent",)

    def __init__(self) -> None:
        self.sent = 0  # the id of the last event written

    def patch(self, operations: list[PatchOperation]) -> bytes:
        """The operations that turn the previous snapshot's JSON into the next one's."""
        self.sent += 1
        return b"event: patch\nid: %d\ndata: %b\n\n" % (self.sent, _json(operations))

    def final(self, model: BaseModel) -> bytes:
        """The validated model's JSON, by alias: what the patches add up to, and defaults."""
        self.sent += 1
        data = model.model_dump_json(by_alias=True).encode()
        return b"event: final\nid: %d\ndata: %b\n\n" % (self.sent, data)

    def error(self, error: BaseException, text: str) -> bytes:
        """Why the stream failed, and the JSON text received (see ``error_fields``)."""
        self.sent += 1
        return b"event: error\nid: %d\ndata: %b\n\n" % (self.sent, _json(error_fields(error, text)))


def error_fields(error: BaseException, text: str) -> dict[str, str]:
    """``type`` (the error's class name), ``message`` and ``text``: what a page is told."""
    return {"type": type(error).__name__, "message": str(error), "text": text}


def _json(value: object) -> bytes:
    # pydantic-core's encoder is several times faster than json.dumps for a patch's few
    # operations; only a string holding a lone surrogate (a valid JSON escape, "\ud800",
    # but not UTF-8) needs the ASCII-escaping fallback. Neither writes a raw newline.
    # (A final model has none: the full model's JSON validation refuses them.)
    try:
        return to_json(value)
    except PydanticSerializationError:
        return json.dumps(value, separators=(",", ":")).encode()
