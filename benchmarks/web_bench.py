"""Web relay benchmark: how many browsers one relay process serves, at what CPU per delta.

Three processes on one machine: the model (``_web_upstream.py``: 50 deltas a second per
stream, each stamped with ``time.monotonic()`` as it leaves), one relay under test
(``_web_relays.py``: uvicorn with uvloop and httptools) and this one, N httpx clients that
each post for a stream, stamp each event as it arrives and start the next stream when one
ends. A client's first stream starts at a random point of the answer (the deltas before it
come at once), so the clients are spread over their answers as real users would be.

The relay has a core of its own; the model and the clients share the other. After the
clients start and a warm-up, a window of a few seconds is measured: the relay's CPU time
(from /proc) per delta it passed on in the window, and the added latency of each event
whose delta left the model in the window (delta sent -> event received; which delta made
which event is known from parsing the answer once, and checked on every stream that ends).
Then, without a network (``_web_inprocess.py``), what each relay adds to reading the stream.

    .venv-bench/bin/python benchmarks/web_bench.py          # about eight minutes
    .venv-bench/bin/python benchmarks/web_bench.py --quick  # fewer, shorter runs
"""

from __future__ import annotations

import argparse
import asyncio
import json
import marshal
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvloop
from _web_inprocess import table as inprocess_table
from client_bench import meeting, versions

from schemastream.runtime import PartialStream
from schemastream.testing import split_text

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from examples.meeting.meeting_models import MeetingInfo, PartialMeetingInfo  # noqa: E402

RATE = 50.0  # deltas per second per stream
DELTA = 4  # characters per delta
TARGET_P99 = 0.050  # seconds
SIZES = {"1 KB": 1 << 10, "10 KB": 10 << 10}
COUNTS = (10, 100, 300, 1000)
# instructor re-parses and re-validates the whole answer per delta: at N=10 it already
# needs more than a core for 10 KB answers, so it is measured there only.
PLAN = {"patches": COUNTS, "naive": COUNTS, "instructor": (10,)}
# The versions printed with the tables.
PACKAGES = (
    "schemastream",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "httpx",
    "openai",
    "instructor",
    "pydantic",
)
LABELS = {
    "patches": "schemastream.web `sse_response`",
    "naive": "naive: snapshot `model_dump_json()`",
    "instructor": "instructor `create_partial` + `model_dump_json()`",
}
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    size: str
    relay: str
    clients: int
    deltas: int  # passed on by the relay in the window
    sent: int  # sent by the model in the window
    window: float
    cpu: float  # relay CPU seconds in the window
    latencies: list[float]
    streams: int  # ended with a final event
    failed: int  # ended otherwise (error event, HTTP error, cut by the relay)
    mismatched: int  # ended, with another number of events than the answer makes
    model_cpu: float
    client_cpu: float
    other_cpu: float  # of the rest of the machine
    event_bytes: float  # sent to a client per event, on average over the run

    @property
    def us_per_delta(self) -> float:
        return 1e6 * self.cpu / max(self.deltas, 1)

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def answer_events(deltas: list[str]) -> list[int]:
    """The index of the delta that makes each snapshot of the answer (schemastream's parse)."""
    fed: list[int] = []

    def source() -> Any:
        for index, delta in enumerate(deltas):
            fed.append(index)
            yield delta

    return [fed[-1] for _ in PartialStream(PartialMeetingInfo, MeetingInfo, source())]


def stream_events(relay: str, snapshots: list[int], count: int, skip: int) -> list[int]:
    """The delta behind each event but the last (``final``) of a stream; -1: none.

    A stream that skips ``skip`` deltas gets them as one: one snapshot (one model for
    instructor), then the rest as from the start (the parser's state is the same).
    """
    if relay == "instructor":  # a model per chunk, the tool call's opening chunk too
        return [-1] + ([skip - 1] if skip else []) + list(range(skip, count))
    return ([skip - 1] if skip else []) + [index for index in snapshots if index >= skip]


CORES = os.sched_getaffinity(0)
RELAY_CORE = min(CORES)  # the relay's own, when there are two cores or more


def _on_relay_core() -> None:
    """In the relay's process, before it starts: a core of its own."""
    if len(CORES) >= 2:
        os.sched_setaffinity(0, {RELAY_CORE})


def _off_relay_core() -> None:
    """This process (the clients) and the model, started from it: the other cores."""
    if len(CORES) >= 2:
        os.sched_setaffinity(0, CORES - {RELAY_CORE})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{process.args!r} did not start") from None
            time.sleep(0.05)


def machine_seconds() -> float:
    """CPU seconds the whole machine has been busy (every core, every process), from /proc."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICK


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, from /proc (Linux)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class Client:
    """One browser's stand-in: a stream after another, each event stamped as it arrives."""

    def __init__(self, ident: int, url: str, answer_deltas: int, seed: int) -> None:
        self.ident = ident
        self.url = url
        self.answer_deltas = answer_deltas
        self.random = random.Random(seed)
        self.streams: list[tuple[int, int, list[float], str]] = []  # serial, skip, times, end
        self.received = 0  # bytes of the event streams
        self.events = 0

    async def run(self, http: httpx.AsyncClient) -> None:
        serial = 0
        while True:
            skip = self.random.randrange(self.answer_deltas) if serial == 0 else 0
            times: list[float] = []
            outcome = "cut"
            try:
                outcome = await self._stream(http, f"bench {self.ident} {serial} {skip}", times)
            finally:
                self.streams.append((serial, skip, times, outcome))
            serial += 1

    async def _stream(self, http: httpx.AsyncClient, key: str, times: list[float]) -> str:
        async with http.stream("POST", self.url, json={"email": key}) as response:
            if response.status_code != 200:
                return f"HTTP {response.status_code}"
            buffer = b""
            async for data in response.aiter_raw():
                now = time.monotonic()
                self.received += len(data)
                buffer += data
                *events, buffer = buffer.split(b"\n\n")
                self.events += len(events)
                for event in events:
                    if event.startswith((b"event: patch", b"data:")):
                        times.append(now)
                    elif event.startswith(b"event: final"):
                        return "final"
                    elif event.startswith(b"event: error"):
                        return "error"
        return "cut"


async def drive(
    clients: list[Client], relay_pid: int, model_pid: int, warmup: float, window: float
) -> tuple[float, float, float, float, float, float]:
    """Run the clients; return the window's start and end, and the CPU in it of the relay,
    of the model, of this process and of everything else on the machine."""
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(limits=limits, timeout=120) as http:
        tasks = []
        for client in clients:  # started over one second, not all at once
            tasks.append(asyncio.create_task(client.run(http)))
            await asyncio.sleep(1.0 / len(clients))
        await asyncio.sleep(warmup)
        start, own, busy = time.monotonic(), time.process_time(), machine_seconds()
        cpu, model = cpu_seconds(relay_pid), cpu_seconds(model_pid)
        await asyncio.sleep(window)
        end, own, busy = time.monotonic(), time.process_time() - own, machine_seconds() - busy
        cpu, model = cpu_seconds(relay_pid) - cpu, cpu_seconds(model_pid) - model
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return start, end, cpu, model, own, busy - cpu - model - own


def measure(
    relay: str, size: str, count: int, deltas: list[str], tmp: Path, warmup: float, window: float
) -> Result:
    answer, log = tmp / "answer.json", tmp / f"stamps-{relay}-{count}"
    answer.write_text(json.dumps(deltas), encoding="utf-8")
    model_port, relay_port = free_port(), free_port()
    python = sys.executable
    model = subprocess.Popen(
        [python, HERE / "_web_upstream.py", str(model_port), answer, log, str(RATE)],
        stdout=subprocess.DEVNULL,
    )
    environment = {
        **os.environ,
        "OPENAI_BASE_URL": f"http://127.0.0.1:{model_port}/v1",
        "OPENAI_API_KEY": "bench",
        "SCHEMASTREAM_MODEL": "bench",
    }
    server = subprocess.Popen(
        [python, HERE / "_web_relays.py", relay, str(relay_port)],
        env=environment,
        cwd=ROOT,
        preexec_fn=_on_relay_core,
    )
    try:
        wait_for_port(model_port, model)
        wait_for_port(relay_port, server)
        url = f"http://127.0.0.1:{relay_port}/meeting"
        clients = [Client(i, url, len(deltas), seed=i) for i in range(count)]
        start, end, cpu, model_cpu, own, other = uvloop.run(
            drive(clients, server.pid, model.pid, warmup, window)
        )
    finally:  # the relay first: with the model gone, its open streams would fail loudly
        server.kill()
        server.wait()
        model.send_signal(signal.SIGTERM)
        model.wait(30)
    stamps = marshal.loads(log.read_bytes())
    sent = {(c, s, i): (t, paced) for c, s, i, t, paced in stamps}
    deltas_sent = sum(1 for *_, t, _ in stamps if start <= t < end)
    snapshots = answer_events(deltas)
    latencies: list[float] = []
    relayed = ended = failed = mismatched = 0
    for client in clients:
        for serial, skip, times, outcome in client.streams:
            expected = stream_events(relay, snapshots, len(deltas), skip)
            if outcome == "final":
                ended += 1
                mismatched += len(times) != len(expected)
            elif outcome != "cut":
                failed += 1
            relayed += _progress(expected, times, skip, end) - _progress(
                expected, times, skip, start
            )
            for event, received in enumerate(times[: len(expected)]):
                stamp = sent.get((client.ident, serial, expected[event]))
                if stamp is not None and stamp[1] and start <= stamp[0] < end:
                    latencies.append(received - stamp[0])
    return Result(
        size,
        relay,
        count,
        relayed,
        deltas_sent,
        end - start,
        cpu,
        latencies,
        ended,
        failed,
        mismatched,
        model_cpu,
        own,
        other,
        sum(c.received for c in clients) / max(sum(c.events for c in clients), 1),
    )


def _progress(expected: list[int], times: list[float], skip: int, moment: float) -> int:
    """How many of a stream's deltas (the joined first ones count one) the relay had passed
    on by ``moment``: those up to the delta behind the last event received."""
    passed = 0
    for index, received in zip(expected, times, strict=False):
        if received >= moment:
            break
        if index >= 0:
            passed = index - max(skip - 1, 0) + 1
    return passed


def row(result: Result) -> str:
    load = result.cpu / result.window
    return (
        f"| {result.size} | {LABELS[result.relay]} | {result.clients} | "
        f"{result.sent / result.window:,.0f} | {result.deltas / result.window:,.0f} | "
        f"{result.us_per_delta:.1f} | {result.event_bytes:,.0f} | "
        f"{load:.2f} | {_ms(result.percentile(0.5))} | {_ms(result.percentile(0.99))} | "
        f"{result.model_cpu / result.window:.2f} + {result.client_cpu / result.window:.2f} | "
        f"{result.other_cpu / result.window:.2f} | "
        f"{result.streams} / {result.failed} / {result.mismatched} |"
    )


def _ms(seconds: float) -> str:
    return "n/a" if seconds != seconds else f"{1e3 * seconds:.1f}"  # NaN: no event to time


def summary(results: list[Result]) -> list[str]:
    lines = []
    for size in SIZES:
        for relay in PLAN:
            runs = [r for r in results if r.size == size and r.relay == relay]
            good = [
                r.clients
                for r in runs
                if r.percentile(0.99) < TARGET_P99 and not r.failed and not r.mismatched
            ]
            if runs:
                best = f"N = {max(good)}" if good else "none measured"
                lines.append(
                    f"- {size}, {LABELS[relay]}: largest N with p99 under "
                    f"{1e3 * TARGET_P99:.0f} ms: {best}"
                )
    for size in SIZES:
        for count in COUNTS:
            ours = [r for r in results if (r.size, r.relay, r.clients) == (size, "patches", count)]
            for relay in ("naive", "instructor"):
                peer = [r for r in results if (r.size, r.relay, r.clients) == (size, relay, count)]
                if ours and peer:
                    ratio = peer[0].us_per_delta / ours[0].us_per_delta
                    lines.append(
                        f"- {size}, N = {count}: {LABELS[relay]} spends {ratio:.1f}x the CPU "
                        "per delta of schemastream.web"
                    )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description="How many browsers one relay process serves.")
    parser.add_argument("--quick", action="store_true", help="N = 10 and 300, short windows")
    parser.add_argument("--window", type=float, default=8.0, help="seconds measured per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before the window")
    args = parser.parse_args()
    _off_relay_core()
    counts = (10, 300) if args.quick else COUNTS
    window = 3.0 if args.quick else args.window
    warmup = 2.0 if args.quick else args.warmup
    print(versions(PACKAGES))
    load = os.getloadavg()[0]
    print(f"load average before: {load:.2f} on {os.cpu_count()} cores", flush=True)
    header = [
        "| answer | relay | N | deltas/s sent | passed on | relay CPU µs per delta"
        " | bytes per event | relay CPU (cores) | p50 ms | p99 ms"
        " | model + clients CPU (cores) | other work (cores)"
        " | streams ended / failed / miscounted |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    print("\n".join(header), flush=True)
    results: list[Result] = []
    answers = {size: split_text(meeting(nbytes), DELTA) for size, nbytes in SIZES.items()}
    with tempfile.TemporaryDirectory() as tmp:
        for size, deltas in answers.items():
            for relay, planned in PLAN.items():
                for count in (c for c in counts if c in planned):
                    result = measure(relay, size, count, deltas, Path(tmp), warmup, window)
                    results.append(result)
                    print(row(result), flush=True)
    print("\n".join(summary(results)))
    print(f"load average (1 min) before the runs: {load:.2f}, after: {os.getloadavg()[0]:.2f}")
    print("\nWithout a network: CPU µs per delta, the best of several runs\n")
    print("\n".join(inprocess_table(answers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
