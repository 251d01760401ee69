"""``ReplayServer``: an OpenAI-compatible HTTP server on localhost that replays scripted answers.

It serves ``POST .../chat/completions`` and ``POST .../responses`` (streamed and not) from
a queue of ``Reply`` objects, then from a recording, on a background thread; stdlib only.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from ._pool import ConnectionPool
from ._render import render_body, render_stream
from ._reply import FLAVOURS, Flavour, Recording, Reply

__all__ = ["ReceivedRequest", "ReplayServer"]

_MAX_BODY = 64 << 20  # a request body larger than this is refused (413)


@dataclass(frozen=True)
class ReceivedRequest:
    """A request the server answered: its endpoint, path (with query) and JSON body."""

    endpoint: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


class _HTTPServer(HTTPServer):
    """Accepts connections and hands them to the pool: no thread per connection."""

    replay: ReplayServer
    pool: ConnectionPool
    request_queue_size = 128  # socketserver's 5 drops bursts of connections (SYN retries)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.pool.add(_Handler(request, client_address, self))

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet about a client hanging up or the server closing; loud about anything else."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """The requests of one connection, answered one at a time by the pool's workers."""

    protocol_version = "HTTP/1.1"
    timeout = 30  # a client that stops mid-request does not hold a worker for ever

    def __init__(self, request: Any, client_address: Any, server: _HTTPServer) -> None:
        # Not BaseRequestHandler's __init__, which would serve the connection to its end.
        self.request = request
        self.client_address = client_address
        self.server = server
        self.setup()

    @property
    def replay(self) -> ReplayServer:
        server: Any = self.server
        replay: ReplayServer = server.replay
        return replay

    def serve_one(self) -> bool:
        self.close_connection = True
        self.handle_one_request()
        return not self.close_connection

    def pending(self) -> bool:
        self.connection.setblocking(False)
        try:
            return bool(self.rfile.peek(1))  # type: ignore[attr-defined]
        except OSError:
            return False
        finally:
            self.connection.settimeout(self.timeout)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and the demo print their own output."""

    def _refuse(self, status: int, message: str, *, close: bool) -> None:
        """A 4xx answer; ``close`` when the rest of the request cannot be read reliably."""
        payload = {"error": {"message": message, "type": "invalid_request_error"}}
        headers = {"Connection": "close"} if close else {}
        self._send(status, "application/json", json.dumps(payload).encode(), headers)
        if close:
            self.close_connection = True

    def do_POST(self) -> None:
        if self.headers.get("Transfer-Encoding"):
            self._refuse(411, "send the body with a Content-Length", close=True)
            return
        declared = self.headers.get("Content-Length") or "0"
        if not declared.isdigit():  # negative, non-numeric, or several values
            self._refuse(400, f"Content-Length {declared[:40]!r} is not a length", close=True)
            return
        length = int(declared)
        if length > _MAX_BODY:
            self._refuse(413, f"the body is over {_MAX_BODY} bytes", close=True)
            return
        raw = self.rfile.read(length)
        path = self.path.split("?", 1)[0].rstrip("/")
        if path.endswith("/chat/completions"):
            endpoint = "chat"
        elif path.endswith("/responses"):
            endpoint = "responses"
        else:
            self._json(404, {"error": {"message": f"no endpoint {path}", "type": "not_found"}})
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self._refuse(400, "the body is not a JSON object", close=False)
            return
        replay = self.replay
        serial, reply = replay._take(endpoint, body, self.path, dict(self.headers))
        if reply is not None and reply.first_delay:
            time.sleep(reply.first_delay)
        if reply is None:
            message = "the replay server has no scripted reply left"
            self._json(500, {"error": {"message": message, "type": "server_error"}})
            return
        if reply.status != 200:
            self._send(reply.status, "application/json", reply.raw or b"{}", reply.headers)
            return
        if not body.get("stream"):
            payload = (
                reply.raw
                if reply.raw is not None
                else render_body(reply, body, endpoint, serial, replay.flavour)
            )
            if reply.cut_after is not None:
                self._send_cut(payload, reply.cut_after)
                return
            self._send(200, "application/json", payload, {})
            return
        try:
            self._stream(reply, body, endpoint, serial)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
            replay._disconnected()

    def _send_cut(self, body: bytes, size: int) -> None:
        """Promise the whole body, send ``size`` bytes of it, hang up."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:size])
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, "application/json", json.dumps(payload).encode(), {})

    def _send(self, status: int, kind: str, body: bytes, headers: Any) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in dict(headers).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _stream(self, reply: Reply, body: dict[str, Any], endpoint: str, serial: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if reply.raw is not None:
            self._chunk(reply.raw)
            self.wfile.write(b"0\r\n\r\n")
            return
        rendering = render_stream(reply, body, endpoint, serial, self.replay.flavour)
        delay = self.replay.pace if reply.delay is None else reply.delay
        self._chunk(b"".join(rendering.head))
        for index, event in enumerate(rendering.deltas):
            if index == reply.cut_after:
                self._cut(reply)
                return
            if delay:
                time.sleep(delay)
            self._chunk(event)
        if reply.cut_after is not None:
            self._cut(reply)
            return
        self._chunk(b"".join(rendering.tail))
        self.wfile.write(b"0\r\n\r\n")
        self.replay._finished()

    def _cut(self, reply: Reply) -> None:
        if reply.cut == "clean":
            self.wfile.write(b"0\r\n\r\n")  # a well-formed end of body, without the finish
            return
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)


class ReplayServer:
    """An OpenAI-compatible server on localhost for tests, demos and offline development.

    >>> from schemastream.testing import ReplayServer, Reply
    >>> with ReplayServer() as server:
    ...     server.enqueue(Reply.of('{"x": 1}'))
    ...     server.base_url.startswith("http://127.0.0.1:")
    True

    Each request takes the next queued ``Reply``; when the queue is empty, the next reply
    of the recording (cycling), else ``default``, else an HTTP 500. ``pace`` is the delay
    in seconds between deltas for replies that set none. ``flavour`` says whose chat
    completion stream to imitate: ``"openai"``, ``"vllm"``, ``"ollama"`` or ``"llamacpp"``
    (where reasoning goes, how a tool call streams, how the stream ends). At most
    ``workers`` requests are answered at once (the others wait their turn); an idle
    keep-alive connection holds no thread, and is closed after ``idle_timeout`` seconds.
    """

    def __init__(
        self,
        recording: Recording | str | Path | Iterable[Reply] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        pace: float = 0.0,
        default: Reply | None = None,
        workers: int = 32,
        idle_timeout: float = 30.0,
        flavour: Flavour = "openai",
    ) -> None:
        if flavour not in FLAVOURS:
            raise ValueError(f"unknown flavour {flavour!r}; use one of {', '.join(FLAVOURS)}")
        if isinstance(recording, (str, Path)):
            recording = Recording.load(recording)
        elif recording is not None and not isinstance(recording, Recording):
            recording = Recording(tuple(recording))
        self.recording: Recording | None = recording
        self.pace = pace
        self.flavour: Flavour = flavour
        self.default = default
        self.requests: list[ReceivedRequest] = []
        self.disconnects = 0
        self.completed = 0
        self._host = host
        self._port = port
        self._workers = workers
        self._idle_timeout = idle_timeout
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._disconnect = threading.Event()
        self._serial = 0
        self._replayed = 0
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (the one picked when ``port=0``)."""
        if self._server is None:
            raise RuntimeError("the server is not bound: use it as a context manager")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """The ``base_url`` for ``OpenAI(base_url=..., api_key="test")``."""
        return f"http://{self._host}:{self.port}/v1"

    def enqueue(self, *replies: Reply) -> None:
        """Script the next answers, in order."""
        with self._lock:
            self._queue.extend(replies)

    def wait_for_disconnect(self, timeout: float = 5.0) -> bool:
        """Whether a client hung up mid-stream within ``timeout`` seconds."""
        return self._disconnect.wait(timeout)

    def bind(self) -> ReplayServer:
        """Bind the listening socket now (``OSError`` when the port is taken); ``start`` and
        ``serve_forever`` bind if this was not called."""
        if self._server is None:
            server = _HTTPServer((self._host, self._port), _Handler)
            server.replay = self
            server.pool = ConnectionPool(workers=self._workers, idle_timeout=self._idle_timeout)
            self._server = server
        return self

    def start(self) -> ReplayServer:
        """Bind and serve on a background thread (``port=0`` picks a free port)."""
        server = self.bind()._server
        assert server is not None
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and drop every open connection."""
        server, self._server = self._server, None
        if server is None:
            return
        if self._thread is not None:
            server.shutdown()
            self._thread.join(5)
            self._thread = None
        server.server_close()
        server.pool.close()

    def serve_forever(self) -> None:
        """Serve on the calling thread until interrupted (for ``schemastream serve``)."""
        server = self.bind()._server
        assert server is not None
        try:
            server.serve_forever(poll_interval=0.2)
        finally:
            self.close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # Called from handler threads.

    def _take(
        self, endpoint: str, body: dict[str, Any], path: str, headers: dict[str, str]
    ) -> tuple[int, Reply | None]:
        with self._lock:
            self.requests.append(ReceivedRequest(endpoint, path, body, headers))
            self._serial += 1
            serial = self._serial
            if self._queue:
                return serial, self._queue.popleft()
            if self.recording is not None:
                replies = self.recording.replies
                self._replayed += 1
                return serial, replies[(self._replayed - 1) % len(replies)]
            return serial, self.default

    def _disconnected(self) -> None:
        with self._lock:
            self.disconnects += 1
        self._disconnect.set()

    def _finished(self) -> None:
        with self._lock:
            self.completed += 1
