"""A live ASGI server for the web tests: uvicorn on 127.0.0.1, in a background thread.

Its defaults are the deployed ones (uvloop and httptools when installed), and the
browser, httpx or a raw socket talks to it over real TCP.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import uvicorn


class LiveServer:
    """Serve ``app`` until the ``with`` block ends; ``url`` is its base URL."""

    def __init__(self, app: Any) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="uvicorn", daemon=True)

    @property
    def url(self) -> str:
        sockets = self._server.servers[0].sockets
        return f"http://127.0.0.1:{sockets[0].getsockname()[1]}"

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.should_exit = True
        self._thread.join(10)


@dataclass
class Event:
    """One server-sent event as the wire had it, or a comment (``event == ":"``)."""

    event: str
    data: str = ""
    id: str | None = None
    fields: list[str] = field(default_factory=list)


def parse_events(body: str) -> list[Event]:
    """The events and comments of a whole ``text/event-stream`` body (LF line ends)."""
    events: list[Event] = []
    for block in body.split("\n\n"):
        if not block:
            continue
        lines = block.split("\n")
        if all(line.startswith(":") for line in lines):
            events.append(Event(":", data="\n".join(lines)))
            continue
        event = Event("message")
        data: list[str] = []
        for line in lines:
            name, _, value = line.partition(": ")
            event.fields.append(name)
            if name == "event":
                event.event = value
            elif name == "data":
                data.append(value)
            elif name == "id":
                event.id = value
        event.data = "\n".join(data)
        events.append(event)
    return events


def wait_for(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    """Whether ``condition`` came true within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
