"""Stream the user's own ``MeetingInfo`` out of an email: ``python -m examples.from_pydantic.demo``.

The classes are plain pydantic (``meeting.py``); ``make models`` generated ``meeting_stream/``
from them. Offline by default: the built-in replay server plays ``replay.json`` through the
real openai client. Its first answer puts the deadline before the meeting, so
``MeetingInfo``'s own ``model_validator`` rejects it once the JSON is complete, and
``max_retries=1`` asks again with the validator's message, streaming the second answer.
``--live`` calls the OpenAI API instead (needs ``OPENAI_API_KEY``).
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from openai import OpenAI

from examples.from_pydantic.meeting import MeetingInfo
from examples.from_pydantic.meeting_stream import stream_meeting_info
from schemastream.runtime import StreamError
from schemastream.testing import ReplayServer

REPLAY = Path(__file__).with_name("replay.json")

MESSAGES: list[Any] = [
    {
        "role": "system",
        "content": "Extract the meeting described in the user's email. Use null for anything "
        "the email does not say.",
    },
    {
        "role": "user",
        "content": "Q3 roadmap review on 2026-12-03 in Room 4B at the Northwind Berlin office "
        "(Friedrichstraße 68), remote via https://meet.example.com/q3-roadmap. Attending: "
        "Priya Raman (priya.raman@northwind.example, @priyabuilds), Jonas Weber "
        "(j.weber@northwind.example), Amara Okafor (amara@okafor.dev, twitter: amaraokafor) "
        "and Luis Fernández (luis.fernandez@contoso.example, @luisf_ops). Budget: $1,800. "
        "Please send the written summary by December 10.",
    },
]


def stream_meeting(client: OpenAI, model: str) -> MeetingInfo:
    """Print each field and each participant as it completes; return the validated class."""
    attempt = 0
    shown: set[str] = set()
    people = 0
    with stream_meeting_info(client, messages=MESSAGES, model=model, max_retries=1) as stream:
        for snapshot in stream:
            if stream.attempts != attempt:  # a re-ask starts from an empty object
                attempt, shown, people = stream.attempts, set[str](), 0
                print(f"attempt {attempt}:")
            users = snapshot.users or []
            for user in users[people:]:
                if not user.is_complete():
                    break
                print(f"  user {user.name} <{user.email}>")
                people += 1
            for name in sorted(snapshot.completed_fields - shown - {"users"}):
                print(f"  {name} = {getattr(snapshot, name)}")
            shown |= snapshot.completed_fields
        meeting = stream.final
    print(f"{stream.attempts} attempt(s); .final is a {type(meeting).__module__}.MeetingInfo")
    return meeting


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.from_pydantic.demo")
    parser.add_argument("--live", action="store_true", help="call the OpenAI API (needs a key)")
    parser.add_argument("--model", default="gpt-4o-mini", help="model for --live")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        server: ReplayServer | None = None
        if args.live:
            if not os.environ.get("OPENAI_API_KEY"):
                print("--live needs OPENAI_API_KEY in the environment")
                return 2
            client = stack.enter_context(OpenAI())
        else:
            server = stack.enter_context(ReplayServer(REPLAY))
            client = stack.enter_context(OpenAI(base_url=server.base_url, api_key="replay"))
        try:
            meeting = stream_meeting(client, args.model)
        except StreamError as error:
            print(f"{type(error).__name__}: {error}")
            return 1
        if server is not None and len(server.requests) > 1:
            told = str(server.requests[1].body["messages"][-1]["content"])
            print("the re-ask told the model:", *told.splitlines(), sep="\n  | ")
    print(meeting.model_dump_json(indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
