"""The raw SSE decoder against the event-stream rules, on bytes cut at every position."""

from __future__ import annotations

import pytest

from schemastream.runtime._sse import ServerEvent, SSEDecoder

STREAM = (
    b": keep-alive comment\n"
    b'data: {"a":1}\n\n'
    b"event: response.output_text.delta\n"
    b'data: {"b":2}\n\n'
    b"id: 7\nretry: 100\n"
    b"data: first\n"
    b"data:second\n\n"
    b"\n\n"
    b"data: [DONE]\n\n"
)
EXPECTED: list[ServerEvent] = [
    (None, b'{"a":1}'),
    ("response.output_text.delta", b'{"b":2}'),
    (None, b"first\nsecond"),
    (None, b"[DONE]"),
]


def decode(chunks: list[bytes]) -> list[ServerEvent]:
    decoder = SSEDecoder()
    return [event for chunk in chunks for event in decoder.feed(chunk)]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_every_split_point_and_line_ending(newline: bytes) -> None:
    stream = STREAM.replace(b"\n", newline)
    assert decode([stream]) == EXPECTED
    for cut in range(len(stream) + 1):
        assert decode([stream[:cut], stream[cut:]]) == EXPECTED, cut


def test_byte_by_byte() -> None:
    stream = STREAM.replace(b"\n", b"\r\n")
    assert decode([stream[i : i + 1] for i in range(len(stream))]) == EXPECTED


def test_an_event_cut_before_its_blank_line_is_dropped() -> None:
    assert decode([b'data: {"a":1}\n\ndata: {"choices": [{"delta": {"content": "ab']) == [
        (None, b'{"a":1}')
    ]
    assert decode([b'data: {"a":1}\n\ndata: {"b":2}\n']) == [(None, b'{"a":1}')]


def test_only_one_leading_space_is_removed() -> None:
    assert decode([b"data:  x\n\n"]) == [(None, b" x")]
