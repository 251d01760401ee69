"""Client benchmark: CPU per chunk from SSE bytes to snapshot, over loopback, against the peers.

The replay server runs in a subprocess (so its CPU is not counted) and streams a
MeetingInfo answer of ~1 KB or ~10 KB in 4-character deltas. Each contender reads the
whole stream to a validated model: schemastream's ``stream_meeting_info`` (tool call),
instructor's ``create_partial`` (tool call) and the openai SDK's ``chat.completions.stream``
helper (json_schema), sync and async. Prints versions and one markdown table, and writes
``docs/benchmarks-client.md``. From the repository root (about a minute):

    .venv-bench/bin/python benchmarks/client_bench.py
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.metadata
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import instructor
from openai import AsyncOpenAI, OpenAI

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
DELTA = 4


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


def ours_sync(client: OpenAI) -> Any:
    with stream_meeting_info(client, messages=MESSAGES, model="m") as stream:
        for _ in stream:
            pass
        return stream.final


async def ours_async(client: AsyncOpenAI) -> Any:
    stream = await astream_meeting_info(client, messages=MESSAGES, model="m")
    async with stream:
        async for _ in stream:
            pass
        return await stream.get_final()


def instructor_sync(client: Any) -> Any:
    snapshots = client.chat.completions.create_partial(
        model="m", messages=MESSAGES, response_model=MeetingInfo, max_retries=0, strict=False
    )
    return list(snapshots)[-1]


async def instructor_async(client: Any) -> Any:
    snapshots = client.chat.completions.create_partial(
        model="m", messages=MESSAGES, response_model=MeetingInfo, max_retries=0, strict=False
    )
    return [snapshot async for snapshot in snapshots][-1]


def openai_sync(client: OpenAI) -> Any:
    with client.chat.completions.stream(
        model="m", messages=MESSAGES, response_format=MeetingInfo
    ) as stream:
        for _ in stream:
            pass
        return stream.get_final_completion().choices[0].message.parsed


async def openai_async(client: AsyncOpenAI) -> Any:
    async with client.chat.completions.stream(
        model="m", messages=MESSAGES, response_format=MeetingInfo
    ) as stream:
        async for _ in stream:
            pass
        return (await stream.get_final_completion()).choices[0].message.parsed


def measure(run: Callable[[], Any], budget: float) -> float:
    """CPU seconds per run: one warm-up, then runs until ``budget`` CPU seconds (3 at least)."""
    run()
    gc.collect()
    runs, started = 0, time.process_time()
    while runs < 3 or time.process_time() - started < budget:
        run()
        runs += 1
    return (time.process_time() - started) / runs


async def measure_async(run: Callable[[], Awaitable[Any]], budget: float) -> float:
    """The async twin of ``measure``, on the running loop."""
    await run()
    gc.collect()
    runs, started = 0, time.process_time()
    while runs < 3 or time.process_time() - started < budget:
        await run()
        runs += 1
    return (time.process_time() - started) / runs


def versions(
    names: tuple[str, ...] = (
        "schemastream",
        "openai",
        "instructor",
        "jiter",
        "pydantic",
        "httpx2",
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
    parser = argparse.ArgumentParser(description="CPU per chunk: schemastream vs the peers.")
    parser.add_argument("--budget", type=float, default=2.0, help="CPU seconds per cell")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/")
    args = parser.parse_args()
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, size in SIZES.items():
            text = meeting(size)
            chunks = -(-len(text) // DELTA)
            server = Server(text, Path(tmp))
            try:
                for flavour in ("sync", "async"):
                    cells = _row(server.base_url, flavour, args.budget)
                    ours, peers = cells[0], cells[1:]
                    shown = [f"{1e6 * cpu / chunks:.1f}" for cpu in cells]
                    ratio = min(peers) / ours
                    rows.append(
                        f"| {label} ({len(text)} B, {chunks} chunks) | {flavour} | "
                        + " | ".join(shown)
                        + f" | {ratio:.1f}x |"
                    )
                    print(rows[-1], flush=True)
            finally:
                server.close()
    table = "\n".join(
        [
            "| answer | client | schemastream `stream_meeting_info` | instructor `create_partial`"
            " | openai `chat.completions.stream` | less CPU than the best peer |",
            "|---|---|---:|---:|---:|---:|",
            *rows,
        ]
    )
    report = (
        f"{versions()}\n\nClient CPU µs per chunk ({DELTA}-character deltas, one SSE event "
        "each), end to end: request, SSE bytes over loopback, one snapshot per chunk, the "
        "validated model; the replay server runs in another process and is not counted. "
        "The request's fixed cost weighs more on the 1 KB answer.\n\n" + table + "\n"
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


def _row(base_url: str, flavour: str, budget: float) -> list[float]:
    if flavour == "sync":
        with (
            OpenAI(base_url=base_url, api_key="bench") as plain,
            OpenAI(base_url=base_url, api_key="bench") as raw,
        ):
            patched = instructor.from_openai(raw)
            return [
                measure(lambda: ours_sync(plain), budget),
                measure(lambda: instructor_sync(patched), budget),
                measure(lambda: openai_sync(plain), budget),
            ]

    return asyncio.run(_async_row(base_url, budget))


async def _async_row(base_url: str, budget: float) -> list[float]:
    async with AsyncOpenAI(base_url=base_url, api_key="bench") as plain:
        raw = AsyncOpenAI(base_url=base_url, api_key="bench")
        patched = instructor.from_openai(raw)
        try:
            return [
                await measure_async(lambda: ours_async(plain), budget),
                await measure_async(lambda: instructor_async(patched), budget),
                await measure_async(lambda: openai_async(plain), budget),
            ]
        finally:
            await raw.close()


if __name__ == "__main__":
    sys.exit(main())
