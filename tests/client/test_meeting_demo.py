"""End to end: the generated meeting package streamed by the demo, as ``make demo`` runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_streams_and_validates_the_recorded_meeting_without_a_tty() -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-m", "examples.meeting.demo", "--pace", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "users complete after" in out
    assert "MeetingInfo — complete" in out
    assert "Validated MeetingInfo" in out
    assert "Luis Fernández" in out and "datetime.date(2026, 12, 3)" in out
    assert "total_tokens=561" in out  # usage from the recording, through the stream


def test_demo_live_without_a_key_says_so() -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "examples.meeting.demo", "--live"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert done.returncode == 2
    assert "OPENAI_API_KEY" in done.stdout
