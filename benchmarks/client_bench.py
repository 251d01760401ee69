"""Client benchmark: CPU per delta from SSE bytes to snapshot, every mode, against the floor.

The replay server runs in a subprocess (so its CPU is not counted) and streams a
MeetingInfo answer of ~1 KB or ~10 KB in 4-character deltas, rendered for each mode
(a forced tool call, content, or Responses events). Per mode and client (sync, async),
side by side in one run:

- the raw floor: the same request through ``with_streaming_response``, its SSE lines
  read with ``iter_lines`` and each ``data:`` line ``json.loads``-ed, nothing else;
- schemastream's ``stream_meeting_info(mode=...)``: a snapshot per changed delta and the
  validated model at the end;
- the openai SDK iterating ``create(stream=True)`` (a pydantic chunk per delta, no JSON
  parsing) and its ``.stream()`` helper (accumulates and parses the answer);
- instructor's ``create_partial`` in ``tools`` mode (``--no-instructor`` leaves it out).

Each cell is the least CPU per run over ``--rounds`` rounds that take turns, so a burst of
load on a shared machine weighs on no contender alone. Prints versions and one markdown
table and writes ``docs/benchmarks-client.md``. From the repository root (a few minutes):

    .venv-bench/bin/python benchmarks/client_bench.py
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.metadata
import json
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openai import AsyncOpenAI, OpenAI, pydantic_function_tool

from schemastream.testing import Recording, Reply

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # examples/ is not installed: import it from the checkout

from examples.meeting.meeting_models import (  # noqa: E402
    MeetingInfo,
    User,
    astream_meeting_info,
    stream_meeting_info,
)

MESSAGES: list[Any] = [{"role": "user", "content": "Extract the meeting."}]
SIZES = {"1 KB": 1 << 10, "10 KB": 10 << 10}
MODES = ("tools", "json_schema", "json", "responses")
DELTA = 4
TOOL = pydantic_function_tool(MeetingInfo)
FORCED = {"type": "function", "function": {"name": "MeetingInfo"}}


def meeting(size: int) -> str:
    """A MeetingInfo answer of about ``size`` bytes (compact JSON, as models send it)."""
    users: list[User] = []
    while True:
        n = len(users)
        users.append(
            User(name=f"Person Number{n}", email=f"person{n}@example.com", twitter=f"@p{n}")
        )
        info = MeetingInfo(
            users=users,
            date="2026-12-03",  # type: ignore[arg-type]
            location="Room 4B, Berlin office",
            budget=1800.0,
            deadline=None,
        )
        text = info.model_dump_json()
        if len(text) >= size:
            return text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """The replay server in a child process, so its CPU time is not the client's."""

    def __init__(self, text: str, directory: Path) -> None:
        path = Recording((Reply.of(text, DELTA),)).save(directory / f"r{len(text)}.json")
        self.port = free_port()
        code = (
            "import sys; from pathlib import Path; from schemastream.testing import serve_command;"
            f"sys.exit(serve_command(Path({str(path)!r}), '127.0.0.1', {self.port}, 0.0))"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    def close(self) -> None:
        self.process.terminate()
        self.process.wait()


def request(mode: str) -> dict[str, Any]:
    """The arguments of the SDK call that gets the same SSE body as ``mode`` (streamed)."""
    if mode == "responses":
        return {"model": "m", "input": MESSAGES, "stream": True}
    params: dict[str, Any] = {"model": "m", "messages": MESSAGES, "stream": True}
    if mode == "tools":
        params.update(tools=[TOOL], tool_choice=FORCED)
    else:
        params["response_format"] = {"type": "json_object"}
    return params


def helper(mode: str) -> dict[str, Any]:
    """The arguments of the SDK's ``.stream()`` helper for ``mode``, parsing the answer."""
    if mode == "responses":
        return {"model": "m", "input": MESSAGES, "text_format": MeetingInfo}
    params: dict[str, Any] = {"model": "m", "messages": MESSAGES}
    if mode == "tools":
        params.update(tools=[TOOL], tool_choice=FORCED)
    elif mode == "json_schema":
        params["response_format"] = MeetingInfo
    else:
        params["response_format"] = {"type": "json_object"}
    return params


def resource(client: Any, mode: str) -> Any:
    return client.responses if mode == "responses" else client.chat.completions


def floor_lines(lines: Any) -> int:
    events = 0
    for line in lines:
        if line.startswith("data:") and line[5:].strip() != "[DONE]":
            json.loads(line[5:])
            events += 1
    return events


@dataclass(frozen=True)
class Contender:
    """One column: how to run it sync and async (``None``: not applicable to the mode)."""

    title: str
    sync: Callable[[OpenAI, str], Any] | None
    run_async: Callable[[AsyncOpenAI, str], Awaitable[Any]] | None


def floor_sync(client: OpenAI, mode: str) -> int:
    with resource(client, mode).with_streaming_response.create(**request(mode)) as response:
        return floor_lines(response.iter_lines())


async def floor_async(client: AsyncOpenAI, mode: str) -> int:
    async with resource(client, mode).with_streaming_response.create(**request(mode)) as response:
        events = 0
        async for line in response.iter_lines():
            if line.startswith("data:") and line[5:].strip() != "[DONE]":
                json.loads(line[5:])
                events += 1
        return events


def ours_sync(client: OpenAI, mode: str) -> MeetingInfo:
    with stream_meeting_info(client, messages=MESSAGES, model="m", mode=mode) as stream:  # type: ignore[arg-type]
        for _ in stream:
            pass
        return stream.final


async def ours_async(client: AsyncOpenAI, mode: str) -> MeetingInfo:
    async with astream_meeting_info(client, messages=MESSAGES, model="m", mode=mode) as stream:  # type: ignore[arg-type]
        async for _ in stream:
            pass
        return await stream.get_final()


def create_sync(client: OpenAI, mode: str) -> int:
    events = 0
    for _ in resource(client, mode).create(**request(mode)):
        events += 1
    return events


async def create_async(client: AsyncOpenAI, mode: str) -> int:
    events = 0
    async for _ in await resource(client, mode).create(**request(mode)):
        events += 1
    return events


def helper_sync(client: OpenAI, mode: str) -> Any:
    with resource(client, mode).stream(**helper(mode)) as stream:
        for _ in stream:
            pass
        if mode == "responses":
            return stream.get_final_response().output_parsed
        return stream.get_final_completion().choices[0].message


async def helper_async(client: AsyncOpenAI, mode: str) -> Any:
    async with resource(client, mode).stream(**helper(mode)) as stream:
        async for _ in stream:
            pass
        if mode == "responses":
            return (await stream.get_final_response()).output_parsed
        return (await stream.get_final_completion()).choices[0].message


def instructor_contender() -> Contender:
    import instructor

    patched: dict[int, Any] = {}

    def patch(client: Any) -> Any:
        if id(client) not in patched:
            patched[id(client)] = instructor.from_openai(client)
        return patched[id(client)]

    def sync(client: OpenAI, mode: str) -> Any:
        snapshots = patch(client).chat.completions.create_partial(
            model="m", messages=MESSAGES, response_model=MeetingInfo, max_retries=0, strict=False
        )
        return list(snapshots)[-1]

    async def run_async(client: AsyncOpenAI, mode: str) -> Any:
        snapshots = patch(client).chat.completions.create_partial(
            model="m", messages=MESSAGES, response_model=MeetingInfo, max_retries=0, strict=False
        )
        return [snapshot async for snapshot in snapshots][-1]

    return Contender("instructor `create_partial`", sync, run_async)


CONTENDERS = [
    Contender("raw floor (`iter_lines` + `json.loads`)", floor_sync, floor_async),
    Contender("schemastream `stream_meeting_info`", ours_sync, ours_async),
    Contender("openai `create(stream=True)` iterated", create_sync, create_async),
    Contender("openai `.stream()` helper", helper_sync, helper_async),
]


def measure(run: Callable[[], Any], budget: float) -> float:
    """CPU seconds per run: runs until ``budget`` CPU seconds (2 runs at least)."""
    gc.collect()
    runs, started = 0, time.process_time()
    while runs < 2 or time.process_time() - started < budget:
        run()
        runs += 1
    return (time.process_time() - started) / runs


async def measure_async(run: Callable[[], Awaitable[Any]], budget: float) -> float:
    """The async twin of ``measure``, on the running loop."""
    gc.collect()
    runs, started = 0, time.process_time()
    while runs < 2 or time.process_time() - started < budget:
        await run()
        runs += 1
    return (time.process_time() - started) / runs


def row_sync(
    base_url: str, mode: str, contenders: list[Contender], budget: float, rounds: int
) -> list[float | None]:
    best: list[float | None] = [None] * len(contenders)
    with OpenAI(base_url=base_url, api_key="bench") as client:
        runs = [
            None if c.sync is None else (lambda run=c.sync: run(client, mode)) for c in contenders
        ]
        for run in runs:
            if run is not None:
                run()  # warm up: imports, first request, the pool's connection
        for _ in range(rounds):
            for i, run in enumerate(runs):
                if run is not None:
                    cpu = measure(run, budget / rounds)
                    best[i] = cpu if best[i] is None else min(cpu, best[i])  # type: ignore[type-var]
    return best


async def row_async(
    base_url: str, mode: str, contenders: list[Contender], budget: float, rounds: int
) -> list[float | None]:
    best: list[float | None] = [None] * len(contenders)
    async with AsyncOpenAI(base_url=base_url, api_key="bench") as client:
        runs = [
            None if c.run_async is None else (lambda run=c.run_async: run(client, mode))
            for c in contenders
        ]
        for run in runs:
            if run is not None:
                await run()
        for _ in range(rounds):
            for i, run in enumerate(runs):
                if run is not None:
                    cpu = await measure_async(run, budget / rounds)
                    best[i] = cpu if best[i] is None else min(cpu, best[i])  # type: ignore[type-var]
    return best


def versions(
    names: tuple[str, ...] = (
        "schemastream",
        "openai",
        "instructor",
        "jiter",
        "pydantic",
        "httpx2",
        "httpx",
    ),
) -> str:
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return f"Python {platform.python_version()} on {platform.machine()}; " + ", ".join(found)


def main() -> int:
    parser = argparse.ArgumentParser(description="CPU per delta: every mode against the floor.")
    parser.add_argument("--budget", type=float, default=1.5, help="CPU seconds per cell")
    parser.add_argument("--rounds", type=int, default=3, help="rounds the budget is cut into")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated modes")
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma-separated sizes")
    parser.add_argument("--no-instructor", action="store_true", help="leave instructor out")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/")
    args = parser.parse_args()
    contenders = list(CONTENDERS)
    if not args.no_instructor:
        contenders.append(instructor_contender())
    rows: list[str] = []
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for label in args.sizes.split(","):
            text = meeting(SIZES[label])
            deltas = -(-len(text) // DELTA)
            server = Server(text, Path(tmp))
            try:
                for mode in args.modes.split(","):
                    for flavour in ("sync", "async"):
                        column = [
                            c if mode == "tools" or "instructor" not in c.title else None
                            for c in contenders
                        ]
                        present = [c for c in column if c is not None]
                        if flavour == "sync":
                            cells = row_sync(
                                server.base_url, mode, present, args.budget, args.rounds
                            )
                        else:
                            cells = asyncio.run(
                                row_async(server.base_url, mode, present, args.budget, args.rounds)
                            )
                        found = iter(cells)
                        values = [None if c is None else next(found) for c in column]
                        floor, ours = values[0], values[1]
                        assert floor is not None and ours is not None
                        ratio = ours / floor
                        worst = max(worst, ratio)
                        shown = [
                            "—" if cpu is None else f"{1e6 * cpu / deltas:.1f}" for cpu in values
                        ]
                        shown.insert(2, f"{ratio:.2f}x")
                        rows.append(
                            f"| {label} ({len(text)} B, {deltas} deltas) | `{mode}` | {flavour} | "
                            + " | ".join(shown)
                            + " |"
                        )
                        print(rows[-1], flush=True)
            finally:
                server.close()
    titles = [c.title for c in contenders]
    titles.insert(2, "schemastream / floor")
    table = "\n".join(
        [
            "| answer | mode | client | " + " | ".join(titles) + " |",
            "|---|---|---|" + "---:|" * len(titles),
            *rows,
        ]
    )
    report = (
        f"{versions()}\n\nClient CPU µs per delta ({DELTA}-character deltas, one SSE event "
        "each), end to end: the request, SSE bytes over loopback, and for schemastream one "
        "snapshot per changed delta and the validated model; the replay server runs in "
        "another process and is not counted. The raw floor reads the same SSE lines and "
        "`json.loads` each event, nothing more. Each cell is the least of "
        f"{args.rounds} rounds taken in turn. The request's fixed cost weighs more on the "
        f"1 KB answer. Worst schemastream / floor ratio: {worst:.2f}x (target: 1.5x).\n\n"
        + table
        + "\n\n"
        + _READING
    )
    print()
    print(report)
    if not args.no_write:
        (ROOT / "docs" / "benchmarks-client.md").write_text(
            "# Client benchmark\n\nMeasured by `benchmarks/client_bench.py` (run it with "
            "`.venv-bench/bin/python benchmarks/client_bench.py`).\n\n" + report,
            encoding="utf-8",
        )
    return 0


# Not measured by this run: where schemastream's time above the floor goes (measured once
# with a profile of the same deltas read from memory, and stated so the table can be read).
_READING = (
    "Above the floor, schemastream parses and builds a snapshot per changed delta, about "
    "5 µs per delta at 10 KB; the SSE decoding itself costs 0.5 to 0.9 µs, less than the "
    "floor's own line split and `json.loads` (2.8 to 3.2). About 2.2 to 2.5 µs of it is "
    "the `EmailStr` fields of `MeetingInfo`: pydantic checks an email with the pure-Python "
    "`email_validator`, and a snapshot shows an address only once it is complete and "
    "valid, so each one is checked as it completes (and once more in the final "
    "validation). The floor checks nothing; without the completion check the 10 KB cells "
    "are 1.2x to 1.3x. That check is what puts the Responses API's sync cell at 10 KB, "
    "whose floor is the cheapest, at or just over 1.5x.\n"
)


if __name__ == "__main__":
    sys.exit(main())
