"""The paced model of the web benchmark: an OpenAI-compatible server on asyncio, one process.

Every streamed request gets the same answer (a forced tool call, rendered by the replay
server's own renderer), one delta per ``1/rate`` seconds from its start, each stamped with
``time.monotonic()`` (one clock for every process on the machine) as it is written. The
request names itself in its last message, ``bench <client> <serial> <skip>``: the first
``skip`` deltas go out at once as one delta, as if the answer had started earlier. On SIGTERM
the stamps go to the log file: ``marshal``'d ``(client, serial, delta, time, paced)`` tuples
(the joined first deltas are stamped as the last of them, not paced).

One task paces every stream (a heap of due times), so a thousand streams cost a write per
delta, not a task switch and a timer each: the model must not take the relay's CPU.

    python benchmarks/_web_upstream.py PORT ANSWER_FILE LOG_FILE [RATE]

The replay server (``schemastream.testing``) answers with a thread per stream from a pool:
enough for tests, not for a thousand streams paced at once.
"""

from __future__ import annotations

import asyncio
import heapq
import json
import marshal
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvloop

from schemastream.testing import Reply
from schemastream.testing._render import Rendering, render_stream

HEADERS = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
    b"cache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n"
)
Stamp = tuple[int, int, int, float, bool]


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


@dataclass(order=True)
class Paced:
    """A stream between two deltas: when its next one is due, and where it goes."""

    due: float
    ids: tuple[int, int] = field(compare=False)
    index: int = field(compare=False)
    start: float = field(compare=False)
    first: int = field(compare=False)
    writer: asyncio.StreamWriter = field(compare=False)
    events: list[bytes] = field(compare=False)
    done: asyncio.Future[bool] = field(compare=False)


class Upstream:
    def __init__(self, deltas: list[str], rate: float) -> None:
        self.reply = Reply(deltas=deltas)
        self.interval = 1.0 / rate
        self.stamps: list[Stamp] = []
        self._renderings: dict[str, Rendering] = {}
        self._due: list[Paced] = []
        self._wake = asyncio.Event()

    def rendering(self, request: dict[str, Any]) -> Rendering:
        tools = request.get("tools") or [{}]
        name = str(tools[0].get("function", {}).get("name", ""))
        if name not in self._renderings:
            self._renderings[name] = render_stream(self.reply, request, "chat", 1)
        return self._renderings[name]

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await self._answer(reader, writer):
                pass
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the relay hung up: what it does when its browser goes
        except asyncio.CancelledError:
            pass  # the benchmark is over: asyncio.run cancels what still streams
        finally:
            writer.close()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        request = json.loads(await reader.readexactly(length))
        _, client, serial, skip = str(request["messages"][-1]["content"]).split()
        ids = (int(client), int(serial))
        first = int(skip)
        rendering = self.rendering(request)
        writer.write(HEADERS + chunk(b"".join(rendering.head)))
        start = time.monotonic()
        if first:
            joined = Reply(deltas=["".join(self.reply.deltas[:first])])
            self.stamps.append((*ids, first - 1, time.monotonic(), False))
            writer.write(chunk(render_stream(joined, request, "chat", 1).deltas[0]))
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        due = start + self.interval
        paced = Paced(due, ids, first, start, first, writer, rendering.deltas, done)
        heapq.heappush(self._due, paced)
        self._wake.set()
        if not await done or writer.is_closing():  # closing: the relay hung up meanwhile
            return False
        writer.write(chunk(b"".join(rendering.tail)) + b"0\r\n\r\n")
        await writer.drain()
        return True

    async def pace(self) -> None:
        """Write every delta when it is due: the one task that sleeps for all streams."""
        due = self._due
        stamps = self.stamps
        interval = self.interval
        while True:
            if not due:
                self._wake.clear()
                await self._wake.wait()
                continue
            wait = due[0].due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            now = time.monotonic()
            while due and due[0].due <= now:
                stream = heapq.heappop(due)
                if stream.writer.is_closing():
                    stream.done.set_result(False)
                    continue
                stamps.append((*stream.ids, stream.index, time.monotonic(), True))
                stream.writer.write(chunk(stream.events[stream.index]))
                stream.index += 1
                if stream.index == len(stream.events):
                    stream.done.set_result(True)
                    continue
                stream.due = stream.start + (stream.index - stream.first + 1) * interval
                heapq.heappush(due, stream)


async def main(port: int, answer: Path, log: Path, rate: float) -> None:
    deltas = json.loads(answer.read_text(encoding="utf-8"))
    upstream = Upstream(deltas, rate)
    server = await asyncio.start_server(upstream.serve, "127.0.0.1", port, backlog=4096)
    pacer = asyncio.create_task(upstream.pace())
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    async with server:
        await stop.wait()
    pacer.cancel()
    log.write_bytes(marshal.dumps(upstream.stamps))


if __name__ == "__main__":
    port, answer, log = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    rate = float(sys.argv[4]) if len(sys.argv) > 4 else 50.0
    uvloop.run(main(port, answer, log, rate))
