"""schemastream.testing as users meet it: recordings, the recorder, and ``serve``."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from openai import OpenAI

import schemastream.testing
from schemastream.runtime._client import stream_structured
from schemastream.testing import Recording, ReplayServer, Reply, record, split_text

from .models import TEAM, TEAM_JSON, TEAM_SPEC, Team

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
        assert stream.usage is not None and stream.usage.total_tokens == 50 + deltas


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_schemastream_serve_replays_until_interrupted(tmp_path: Path) -> None:
    path = Recording((Reply.of(TEAM_JSON),)).save(tmp_path / "r.json")
    port = free_port()
    process = serve("--replay", str(path), "--port", str(port), "--pace", "0")
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


def raw_post(port: int, head: bytes, body: bytes = b"") -> tuple[bytes, socket.socket]:
    """Send one hand-made request; return the answer (up to its body) and the open socket."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    connection.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: t\r\n" + head + b"\r\n" + body)
    answer = b""
    while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < length(answer):
        more = connection.recv(65536)
        if not more:
            raise AssertionError(f"the server hung up without a complete answer: {answer!r}")
        answer += more
    return answer, connection


def length(answer: bytes) -> int:
    head = answer.partition(b"\r\n\r\n")[0]
    return int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0]) if head else 0


@pytest.mark.parametrize("length", [b"abc", b"-5", b"1e3", b"12, 12"])
def test_a_bad_content_length_is_a_400_then_the_connection_closes(
    server: ReplayServer, capfd: pytest.CaptureFixture[str], length: bytes
) -> None:
    answer, connection = raw_post(server.port, b"Content-Length: " + length + b"\r\n", b"{}")
    with connection:
        assert answer.startswith(b"HTTP/1.1 400 ")
        assert b"Connection: close" in answer
        assert b"is not a length" in answer
        assert connection.recv(100) == b""  # closed after the answer, not before it
    assert server.requests == []
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("body", [b"[1, 2]", b'"text"', b"null", b"{not json"])
def test_a_body_that_is_not_a_json_object_is_a_400_on_a_live_connection(
    server: ReplayServer, capfd: pytest.CaptureFixture[str], body: bytes
) -> None:
    server.enqueue(Reply.of(TEAM_JSON))
    head = b"Content-Length: %d\r\n" % len(body)
    answer, connection = raw_post(server.port, head, body)
    with connection:
        assert answer.startswith(b"HTTP/1.1 400 ")
        assert b"not a JSON object" in answer
        good = b'{"model": "m", "messages": []}'
        connection.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n%s"
            % (len(good), good)
        )
        assert connection.recv(100).startswith(b"HTTP/1.1 200 ")  # the same connection
    assert "Traceback" not in capfd.readouterr().err


def test_idle_connections_hold_no_thread() -> None:
    with ReplayServer(workers=4) as server:
        server.default = Reply.of(TEAM_JSON)
        before = threading.active_count()
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(200)]
        with OpenAI(base_url=server.base_url, api_key="t") as client:
            for _ in range(3):  # served while the idle connections wait
                with stream_structured(TEAM_SPEC, client, messages=[], model="m") as stream:
                    assert stream.final == TEAM
        assert threading.active_count() - before <= 1  # one worker for the requests above
        for connection in idle:
            connection.close()


def test_many_streams_at_once_take_turns_within_the_bound() -> None:
    with ReplayServer(workers=2, default=Reply.of(TEAM_JSON, 8, delay=0.005)) as server:

        def one() -> Team:
            with OpenAI(base_url=server.base_url, api_key="t") as client:
                return stream_structured(TEAM_SPEC, client, messages=[], model="m").final

        with ThreadPoolExecutor(6) as pool:
            assert list(pool.map(lambda _: one(), range(6))) == [TEAM] * 6
        assert server._server is not None and server._server.pool.threads == 2


def serve(*arguments: str) -> subprocess.Popen[bytes]:
    """``schemastream serve`` in a child that Ctrl-C stops, even where the tests ignore SIGINT."""
    command = [sys.executable, "-m", "schemastream", "serve", *arguments]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # A job started in the background inherits SIGINT ignored, and Python then installs
        # no KeyboardInterrupt handler: give the child the default back.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.default_int_handler),
    )


def test_serve_on_port_0_shows_the_bound_port(tmp_path: Path) -> None:
    path = Recording((Reply.of(TEAM_JSON),)).save(tmp_path / "r.json")
    process = serve("--replay", str(path), "--port", "0", "--pace", "0")
    try:
        assert process.stdout is not None
        banner = process.stdout.readline().decode()
        port = int(banner.split("http://127.0.0.1:")[1].split("/")[0])
        assert port != 0
        with OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="t") as client:
            assert stream_structured(TEAM_SPEC, client, messages=[], model="m").final == TEAM
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()


def test_serve_on_a_busy_port_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = Recording((Reply.of(TEAM_JSON),)).save(tmp_path / "r.json")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        process = serve("--replay", str(path), "--port", str(port))
        out, err = process.communicate(timeout=10)
    assert process.returncode == 2
    assert out == b""  # no banner before the error
    (line,) = err.decode().splitlines()
    assert line.startswith(f"schemastream serve: cannot serve on 127.0.0.1:{port}: ")
