"""The paced model of the web benchmark: an OpenAI-compatible server on asyncio, one process.

Every streamed request gets the same answer (a forced tool call, rendered by the replay
server's own renderer), one delta per ``1/rate`` seconds from its start, each stamped with
``time.monotonic()`` (one clock for every process on the machine) as it is written. The
request names itself in its last message, ``bench <client> <serial> <skip>``: the first
``skip`` deltas go out at once as one delta, as if the answer had started earlier. On SIGTERM
the stamps go to the log file: ``marshal``'d ``(client, serial, delta, time, paced)`` tuples
(the joined first deltas are stamped as the last of them, not paced).

    python benchmarks/_web_upstream.py PORT ANSWER_FILE LOG_FILE [RATE]

The replay server (``schemastream.testing``) answers with a thread per stream from a pool:
enough for tests, not for a thousand streams paced at once.
"""

from __future__ import annotations

import asyncio
import json
import marshal
import signal
import sys
import time
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


class Upstream:
    def __init__(self, deltas: list[str], rate: float) -> None:
        self.reply = Reply(deltas=deltas)
        self.interval = 1.0 / rate
        self.stamps: list[Stamp] = []
        self._renderings: dict[str, Rendering] = {}

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
        rendering = self.rendering(request)
        writer.write(HEADERS + chunk(b"".join(rendering.head)))
        stamps = self.stamps
        interval = self.interval
        start = time.monotonic()
        paced_from = int(skip)
        if paced_from:
            joined = Reply(deltas=["".join(self.reply.deltas[:paced_from])])
            stamps.append((*ids, paced_from - 1, time.monotonic(), False))
            writer.write(chunk(render_stream(joined, request, "chat", 1).deltas[0]))
        for index in range(paced_from, len(rendering.deltas)):
            wait = start + (index - paced_from + 1) * interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if writer.is_closing():
                return False
            stamps.append((*ids, index, time.monotonic(), True))
            writer.write(chunk(rendering.deltas[index]))
            await writer.drain()
        writer.write(chunk(b"".join(rendering.tail)) + b"0\r\n\r\n")
        await writer.drain()
        return True


async def main(port: int, answer: Path, log: Path, rate: float) -> None:
    deltas = json.loads(answer.read_text(encoding="utf-8"))
    upstream = Upstream(deltas, rate)
    server = await asyncio.start_server(upstream.serve, "127.0.0.1", port, backlog=4096)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    async with server:
        await stop.wait()
    log.write_bytes(marshal.dumps(upstream.stamps))


if __name__ == "__main__":
    port, answer, log = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    rate = float(sys.argv[4]) if len(sys.argv) > 4 else 50.0
    uvloop.run(main(port, answer, log, rate))
