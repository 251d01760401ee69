"""The package generated from the user's own classes (examples/from_pydantic), over HTTP.

``.final`` is the user's ``MeetingInfo``, validated by it: its ``model_validator`` runs once
at the end, a failure is a ``FinalValidationError`` carrying the validator's message, and
``max_retries`` re-asks with that message (streaming again).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openai import OpenAI

from examples.from_pydantic.meeting import MeetingInfo
from examples.from_pydantic.meeting_stream import PartialMeetingInfo, stream_meeting_info
from schemastream.runtime import FinalValidationError
from schemastream.testing import Recording, ReplayServer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "from_pydantic"
WRONG, RIGHT = Recording.load(EXAMPLE / "replay.json").replies
MESSAGES: list[Any] = [{"role": "user", "content": "the meeting?"}]
VALIDATOR_SAYS = "the deadline 2026-11-10 is before the meeting on 2026-12-03"


def test_the_users_validator_rejects_the_final_value_once(
    server: ReplayServer, client: OpenAI
) -> None:
    server.enqueue(WRONG)
    snapshots: list[PartialMeetingInfo] = []
    with (
        stream_meeting_info(client, messages=MESSAGES, model="m") as stream,
        pytest.raises(FinalValidationError) as failed,
    ):
        snapshots.extend(stream)
    # Snapshots streamed without validation; the class judged the whole value at the end.
    assert all(type(snap) is PartialMeetingInfo for snap in snapshots)
    assert snapshots[-1].deadline is not None
    assert VALIDATOR_SAYS in str(failed.value)
    assert failed.value.text == WRONG.text and failed.value.snapshot is not None
    assert len(server.requests) == 1


def test_max_retries_re_asks_with_the_validators_message(
    server: ReplayServer, client: OpenAI
) -> None:
    server.enqueue(WRONG, RIGHT)
    with stream_meeting_info(client, messages=MESSAGES, model="m", max_retries=1) as stream:
        list(stream)
        meeting = stream.final
    assert type(meeting) is MeetingInfo and stream.attempts == 2
    assert meeting == MeetingInfo.model_validate_json(RIGHT.text)
    re_ask = server.requests[1].body["messages"][-1]["content"]
    assert VALIDATOR_SAYS in re_ask
    # The tool the model was asked to call takes the schema pydantic gives the class.
    (tool,) = server.requests[0].body["tools"]
    sent = tool["function"]["parameters"]
    assert sent["properties"].keys() == MeetingInfo.model_json_schema()["properties"].keys()
    assert json.dumps(sent).count("x-stream") == 0


def test_demo_streams_re_asks_and_ends_with_the_users_class() -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-m", "examples.from_pydantic.demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "attempt 1:" in out and "attempt 2:" in out
    assert "deadline = 2026-11-10" in out and "deadline = 2026-12-10" in out
    assert VALIDATOR_SAYS in out
    assert ".final is a examples.from_pydantic.meeting.MeetingInfo" in out
