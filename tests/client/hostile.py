"""A hostile HTTP server on 127.0.0.1: each request gets exactly the bytes a test scripts.

Unlike ``ReplayServer``, which speaks the protocols correctly, this one sends whatever
it is told (wrong headers, broken chunking, pauses between bytes) and hangs up after
each answer, so a fault-injection test controls every byte the client reads.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Piece = bytes | float
"""Bytes to send, or seconds to wait before the next piece."""


@dataclass(frozen=True)
class Answer:
    """One scripted HTTP answer: a status line and headers, then the body's pieces."""

    body: Sequence[Piece] = ()
    status: int = 200
    headers: Mapping[str, str] = field(
        default_factory=lambda: {"Content-Type": "text/event-stream"}
    )
    chunked: bool = True  # Transfer-Encoding: chunked, each byte piece one chunk
    end: bool = True  # send the chunked body's terminator (False: a cut mid-body)

    def wire(self) -> Iterator[Piece]:
        head = [f"HTTP/1.1 {self.status} Scripted", "Connection: close"]
        head += [f"{name}: {value}" for name, value in self.headers.items()]
        if self.chunked:
            head.append("Transfer-Encoding: chunked")
        else:
            size = sum(len(piece) for piece in self.body if isinstance(piece, bytes))
            head.append(f"Content-Length: {size}")
        yield ("\r\n".join(head) + "\r\n\r\n").encode()
        for piece in self.body:
            if isinstance(piece, float):
                yield piece
            elif self.chunked:
                yield b"%x\r\n%s\r\n" % (len(piece), piece)
            else:
                yield piece
        if self.chunked and self.end:
            yield b"0\r\n\r\n"


def events(*payloads: Any) -> list[bytes]:
    """One ``data:`` event per payload (JSON-encoded unless already bytes)."""
    return [
        b"data: "
        + (p if isinstance(p, bytes) else json.dumps(p, separators=(",", ":")).encode())
        + b"\n\n"
        for p in payloads
    ]


def chat(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    """A ``chat.completion.chunk`` payload with one choice."""
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return {"id": "c", "object": "chat.completion.chunk", "model": "m", "choices": [choice]}


def tool_args(*pieces: str, index: int = 0) -> list[dict[str, Any]]:
    """Chat chunks streaming ``pieces`` as the arguments of tool call ``index``."""
    return [chat({"tool_calls": [{"index": index, "function": {"arguments": p}}]}) for p in pieces]


def tool_stream(*pieces: str, name: str = "Team") -> list[bytes]:
    """A well-formed forced tool call streaming ``pieces``, with its finish and [DONE]."""
    function = {"name": name, "arguments": ""}
    opening = {"index": 0, "id": "call_1", "type": "function", "function": function}
    return events(
        chat({"role": "assistant", "tool_calls": [opening]}),
        *tool_args(*pieces),
        chat({}, "tool_calls"),
        b"[DONE]",
    )


def content_stream(*pieces: str) -> list[bytes]:
    """A well-formed content stream (json_schema mode) of ``pieces``."""
    return events(
        chat({"role": "assistant", "content": ""}),
        *[chat({"content": p}) for p in pieces],
        chat({}, "stop"),
        b"[DONE]",
    )


@dataclass(frozen=True)
class Request:
    """What the server received: the request line, headers and JSON body."""

    line: str
    headers: dict[str, str]
    body: Any


class HostileServer:
    """Answers each request with the next scripted ``Answer``, on its own thread."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._answers: deque[Answer] = deque()
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self._threads: list[threading.Thread] = []
        self._closed = threading.Event()  # also cuts a scripted pause short
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/v1"

    def script(self, *answers: Answer) -> None:
        with self._lock:
            self._answers.extend(answers)

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(5)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._answer, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            try:
                request = _read_request(connection)
                with self._lock:
                    self.requests.append(request)
                    answer = self._answers.popleft() if self._answers else Answer(status=500)
                for piece in answer.wire():
                    if isinstance(piece, float):
                        if self._closed.wait(piece):
                            return
                    else:
                        connection.sendall(piece)
            except OSError:
                return  # the client hung up: that is its right


def _read_request(connection: socket.socket) -> Request:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionResetError("the client sent no request")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines)}
    size = int(headers.get("content-length", "0"))
    while len(body) < size:
        body += connection.recv(65536)
    return Request(line, headers, json.loads(body) if body else None)


def trickled(data: bytes, pause: float) -> list[Piece]:
    """``data`` one byte at a time, ``pause`` seconds apart."""
    return [piece for i in range(len(data)) for piece in (data[i : i + 1], pause)]


class MemoryResponse:
    """An HTTP response's surface as the SSE source reads it, its body reads in memory:
    for decoding-level tests that need no socket."""

    def __init__(self, reads: list[bytes]) -> None:
        self.headers = {"content-type": "text/event-stream"}
        self._reads = reads

    def iter_raw(self) -> Iterator[bytes]:
        yield from self._reads

    def iter_bytes(self) -> Iterator[bytes]:
        yield from self._reads

    def close(self) -> None:
        pass
