"""Stream a MeetingInfo out of an email, live in the terminal: ``python -m examples.meeting.demo``.

Offline by default: the built-in replay server (``schemastream.testing``) plays
``replay.json`` token by token through the real openai client. ``--live`` calls the
OpenAI API instead (needs ``OPENAI_API_KEY``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from openai import OpenAI
from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.pretty import Pretty
from rich.table import Table
from rich.text import Text

from examples.meeting.meeting_models import MeetingInfo, PartialMeetingInfo, stream_meeting_info
from schemastream.runtime import StreamError
from schemastream.testing import ReplayServer

REPLAY = Path(__file__).with_name("replay.json")

EMAIL = """\
Subject: Q3 roadmap review — Thursday 3 December

Hi all,

Let's meet on 2026-12-03 in Room 4B at the Northwind Berlin office (Friedrichstraße 68);
remote folks can join at https://meet.example.com/q3-roadmap.

Attending: Priya Raman (priya.raman@northwind.example, @priyabuilds on X), Jonas Weber
(j.weber@northwind.example), Amara Okafor (amara@okafor.dev, twitter: amaraokafor) and
Luis Fernández from Contoso (luis.fernandez@contoso.example, @luisf_ops).

We have $1,800 for travel and catering. Please send the written summary by December 10.

Thanks, Priya
"""

MESSAGES: list[Any] = [
    {
        "role": "system",
        "content": "Extract the meeting described in the user's email. Use null for "
        "anything the email does not say.",
    },
    {"role": "user", "content": EMAIL},
]

FIELDS = ("date", "location", "budget", "deadline")


def _value(snapshot: PartialMeetingInfo | Any, name: str) -> Text:
    if name not in snapshot.model_fields_set:
        return Text("…", style="dim")
    value = getattr(snapshot, name)
    done = snapshot.is_complete(name)
    shown = Text("null" if value is None else str(value), style="green" if done else "yellow")
    if not done:
        shown.append("▌", style="bold yellow")
    return shown


def render(snapshot: PartialMeetingInfo | None, chunks: int) -> Panel:
    """The snapshot as a table: green = complete, yellow = still arriving, … = not seen."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    people = Table("name", "email", "twitter", box=None, padding=(0, 1), header_style="dim")
    if snapshot is not None:
        for field in FIELDS:
            table.add_row(field, _value(snapshot, field))
        for user in snapshot.users or ():
            people.add_row(*(_value(user, name) for name in ("name", "email", "twitter")))
    table.add_row("users", people)
    done = snapshot is not None and snapshot.is_complete()
    title = "MeetingInfo — complete" if done else f"MeetingInfo — streaming ({chunks} snapshots)"
    return Panel(table, title=title, border_style="green" if done else "yellow")


def stream_to_console(client: OpenAI, model: str, console: Console) -> MeetingInfo:
    """Stream the answer, redrawing the live view on each snapshot; return the validated model."""
    snapshots = 0
    snapshot: PartialMeetingInfo | None = None
    with stream_meeting_info(client, messages=MESSAGES, model=model, max_retries=1) as stream:
        if console.is_terminal:
            with Live(render(None, 0), console=console, refresh_per_second=30) as live:
                for snapshot in stream:
                    snapshots += 1
                    live.update(render(snapshot, snapshots))
        else:
            # No TTY (CI, a pipe): one line per field as it completes, then the final view.
            seen: set[str] = set()
            for snapshot in stream:
                snapshots += 1
                for name in sorted(snapshot.completed_fields - seen):
                    console.print(f"  {name} complete after {snapshots} snapshots")
                seen |= snapshot.completed_fields
            console.print(render(snapshot, snapshots))
        final = stream.final
        usage = stream.usage
    console.print(f"[dim]{snapshots} snapshots, attempts: {stream.attempts}, usage: {usage}[/]")
    return final


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.meeting.demo", description=__doc__)
    parser.add_argument("--live", action="store_true", help="call the OpenAI API (needs a key)")
    parser.add_argument("--model", default="gpt-4o-mini", help="model for --live")
    parser.add_argument("--pace", type=float, default=0.02, help="replay: seconds per delta")
    args = parser.parse_args(argv)
    console = Console()
    with ExitStack() as stack:
        if args.live:
            if not os.environ.get("OPENAI_API_KEY"):
                console.print("[red]--live needs OPENAI_API_KEY in the environment[/]")
                return 2
            client = stack.enter_context(OpenAI())
            console.print(f"[bold]Live:[/] {args.model} via the OpenAI API")
        else:
            server = stack.enter_context(ReplayServer(REPLAY, pace=args.pace))
            client = stack.enter_context(OpenAI(base_url=server.base_url, api_key="replay"))
            console.print(f"[bold]Replay:[/] {REPLAY.name} served at {server.base_url}")
        started = time.perf_counter()
        try:
            meeting = stream_to_console(client, args.model, console)
        except StreamError as error:
            console.print(f"[red]{type(error).__name__}:[/] {error}")
            console.print(Pretty(error.snapshot))
            return 1
        elapsed = time.perf_counter() - started
    console.print(Group(Text(f"Validated MeetingInfo in {elapsed:.2f}s:", style="bold green")))
    console.print(Pretty(meeting))
    return 0


if __name__ == "__main__":
    sys.exit(main())
