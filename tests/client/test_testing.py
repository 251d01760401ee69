"""schemastream.testing as users meet it: recordings, the recorder, and ``serve``."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openai import OpenAI

import schemastream.testing
from schemastream.runtime._client import stream_structured
from schemastream.testing import Recording, ReplayServer, Reply, record, split_text

from .models import TEAM, TEAM_JSON, TEAM_SPEC

ROOT = Path(__file__).resolve().parents[2]


def test_public_names_are_complete_and_sorted() -> None:
    public = schemastream.testing.__all__
    assert public == sorted(public)
    assert all(hasattr(schemastream.testing, name) for name in public)


def test_recording_round_trip_and_hand_written_form(tmp_path: Path) -> None:
    recording = Recording((Reply.of(TEAM_JSON, 5), Reply(refusal="no", usage=None)), model="gpt-x")
    path = recording.save(tmp_path / "r.json")
    assert Recording.load(path) == recording
    (tmp_path / "hand.json").write_text(
        json.dumps(
            {"format": "schemastream-recording", "version": 1, "replies": [{"text": TEAM_JSON}]}
        )
    )
    (reply,) = Recording.load(tmp_path / "hand.json").replies
    assert reply.text == TEAM_JSON and reply.deltas[0] == TEAM_JSON[:4]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ('{"format": "other"}', "not a recording"),
        ('{"format": "schemastream-recording", "version": 9}', "version 9"),
        ('{"format": "schemastream-recording", "version": 1, "replies": []}', "non-empty"),
        (
            '{"format": "schemastream-recording", "version": 1, "replies": [{"finish": "x"}]}',
            "finish must be",
        ),
    ],
)
def test_bad_recordings_say_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        Recording.load(path)


def test_a_recording_replays_in_order_then_cycles(client: OpenAI, tmp_path: Path) -> None:
    other = TEAM.model_copy(update={"title": "Other"})
    replies = (Reply.of(TEAM_JSON), Reply.of(other.model_dump_json()))
    with ReplayServer(Recording(replies)) as server:
        client = OpenAI(base_url=server.base_url, api_key="t")
        with client:
            titles = []
            for _ in range(3):
                with stream_structured(TEAM_SPEC, client, messages=[], model="m") as stream:
                    titles.append(stream.final.title)
    assert titles == ["Platform", "Other", "Platform"]


def test_record_then_replay(server: ReplayServer, client: OpenAI, tmp_path: Path) -> None:
    server.enqueue(Reply.of(TEAM_JSON, 3))
    recording = record(
        TEAM_SPEC, client, tmp_path / "team.json", messages=[], model="gpt-rec", mode="responses"
    )
    (reply,) = recording.replies
    deltas = len(split_text(TEAM_JSON, 3))
    assert reply.text == TEAM_JSON and len(reply.deltas) == deltas
    assert reply.usage == {
        "prompt_tokens": 50,
        "completion_tokens": deltas,
        "total_tokens": 50 + deltas,
    }
    assert Recording.load(tmp_path / "team.json") == recording
    with (
        ReplayServer(tmp_path / "team.json") as replay,
        OpenAI(base_url=replay.base_url, api_key="t") as other,
        stream_structured(TEAM_SPEC, other, messages=[], model="m", mode="tools") as stream,
    ):
        assert stream.final == TEAM
        assert stream.usage.total_tokens == 50 + deltas


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_schemastream_serve_replays_until_interrupted(tmp_path: Path) -> None:
    path = Recording((Reply.of(TEAM_JSON),)).save(tmp_path / "r.json")
    port = free_port()
    command = ["serve", "--replay", str(path), "--port", str(port), "--pace", "0"]
    process = subprocess.Popen(
        [sys.executable, "-m", "schemastream", *command],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline().decode()
        assert f"http://127.0.0.1:{port}/v1" in banner
        deadline = time.monotonic() + 10
        while True:
            try:
                with OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="t") as client:
                    stream = stream_structured(TEAM_SPEC, client, messages=[], model="m")
                    with stream:
                        assert stream.final == TEAM
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()


def test_serve_command_refuses_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.json").write_text("{}")
    assert schemastream.testing.serve_command(tmp_path / "bad.json", "127.0.0.1", 0, 0.0) == 2
    assert "not a recording" in capsys.readouterr().err
    assert os.path.exists(tmp_path / "bad.json")
