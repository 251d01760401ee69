"""The raw SSE decoder against the WHATWG event-stream rules, on bytes cut anywhere."""

from __future__ import annotations

import itertools
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemastream.runtime import StreamLimitError
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


def test_an_empty_read_between_cr_and_lf_keeps_them_one_line_end() -> None:
    assert decode([b"data: a\r", b"", b"\n\r", b"", b"\n"]) == [(None, b"a")]


def test_only_one_leading_space_is_removed() -> None:
    assert decode([b"data:  x\n\n"]) == [(None, b" x")]


def test_a_leading_byte_order_mark_is_skipped_once_even_split() -> None:
    bom = b"\xef\xbb\xbf"
    assert decode([bom + b"data: a\n\n"]) == [(None, b"a")]
    assert decode([bom[:1], bom[1:2], bom[2:] + b"data: a\n\n"]) == [(None, b"a")]
    # Only a leading one: a second BOM starts a field name that is not "data".
    assert decode([bom + bom + b"data: a\n\ndata: b\n\n"]) == [(None, b"b")]


def test_fields_without_a_colon_and_empty_event_names() -> None:
    assert decode([b"data\n\n"]) == [(None, b"")]
    assert decode([b"event\ndata: x\n\n"]) == [(None, b"x")]
    assert decode([b"event:\ndata: x\n\n"]) == [(None, b"x")]
    assert decode([b"event:  spaced \ndata: x\n\n"]) == [(" spaced ", b"x")]


def test_skipped_counts_the_lines_without_data() -> None:
    decoder = SSEDecoder()
    decoder.feed(b": ping\n\n\nid: 1\ndata: x\n\n")
    assert decoder.skipped == 4  # the comment, two stray blank lines, the id


def test_a_long_line_costs_linear_time() -> None:
    """An 8 MB line in small reads: each byte is copied a fixed number of times.

    The decoder used to join the whole unfinished line on every read (20 s of CPU
    here for 1 KB reads); linear work takes well under a second.
    """
    line = b"data: " + b"x" * (8 << 20) + b"\n\n"
    reads = [line[i : i + 1024] for i in range(0, len(line), 1024)]
    decoder = SSEDecoder(max_event_size=16 << 20)
    started = time.process_time()
    events = [event for chunk in reads for event in decoder.feed(chunk)]
    assert time.process_time() - started < 1.0
    assert len(events) == 1 and len(events[0][1]) == 8 << 20


def test_a_line_or_event_past_the_limit_is_refused() -> None:
    decoder = SSEDecoder(max_event_size=1000)
    with pytest.raises(StreamLimitError) as caught:
        for _ in range(20):
            decoder.feed(b"x" * 100)
    assert (caught.value.limit, caught.value.value) == ("max_event_size", 1000)
    decoder = SSEDecoder(max_event_size=1000)
    with pytest.raises(StreamLimitError):
        for _ in range(20):
            decoder.feed(b"data: " + b"y" * 94 + b"\n")  # many lines, one event, no end
    decoder = SSEDecoder(max_event_size=1000)
    for _ in range(100):  # the same bytes as complete events are fine
        decoder.feed(b"data: " + b"y" * 94 + b"\n\n")


def reference(stream: bytes) -> list[tuple[str | None, str]]:
    """The WHATWG "interpreting an event stream" rules, read as plainly as possible.

    https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
    The whole stream at once: decode UTF-8 (one leading BOM dropped), split into lines,
    process each line; an event is dispatched at a blank line; the last, unterminated
    line is never processed, and an event not yet dispatched at the end is dropped. Plus
    the decoder's one extension: an ``error`` field is data of an ``error`` event.
    """
    text = stream.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = re.split("\r\n|\r|\n", text)
    dispatched: list[tuple[str | None, str]] = []
    data = ""
    event_type = ""
    for line in lines[:-1]:
        if line == "":
            if data == "":
                event_type = ""
                continue
            if data.endswith("\n"):
                data = data[:-1]
            dispatched.append((event_type or None, data))
            data = ""
            event_type = ""
            continue
        if line.startswith(":"):
            continue  # a comment
        if ":" in line:
            name, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
        else:
            name, value = line, ""
        if name == "event":
            event_type = value
        elif name == "data":
            data += value + "\n"
        elif name == "error":  # our one extension: llama.cpp's errors until 2025-09
            event_type = "error"
            data += value + "\n"
        # "id", "retry" and any other field change nothing a client of ours reads.
    return dispatched


FIELD = st.sampled_from(
    ["data", "event", "error", "id", "retry", "", "dat", "datax", "Data", "errors", "\ufeff"]
)
SEPARATOR = st.sampled_from([":", ": ", ":  ", "", " :"])
VALUE = st.text(alphabet='ab :é\ufeff\x00{}"', max_size=8)
TERMINATOR = st.sampled_from([b"\n", b"\r\n", b"\r"])


@st.composite
def event_streams(draw: st.DrawFn) -> bytes:
    """Lines made of SSE fields (and junk), with every line ending, maybe a BOM."""
    parts = [b"\xef\xbb\xbf"] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["field", "field", "blank", "comment", "raw"]))
        if kind == "field":
            line = (draw(FIELD) + draw(SEPARATOR) + draw(VALUE)).encode()
        elif kind == "comment":
            line = (":" + draw(VALUE)).encode()
        elif kind == "raw":
            line = draw(st.binary(max_size=6))
        else:
            line = b""
        parts.append(line + draw(TERMINATOR))
    if draw(st.booleans()):
        parts.append(draw(st.binary(max_size=6)))  # an unterminated last line
    return b"".join(parts)


@st.composite
def cuts(draw: st.DrawFn, stream: bytes) -> list[bytes]:
    points = sorted(draw(st.lists(st.integers(0, len(stream)), max_size=12)))
    return [stream[a:b] for a, b in itertools.pairwise([0, *points, len(stream)])]


def decoded(chunks: list[bytes]) -> list[tuple[str | None, str]]:
    return [(name, data.decode("utf-8", "replace")) for name, data in decode(chunks)]


@st.composite
def at_events(draw: st.DrawFn, stream: bytes) -> list[bytes]:
    """Cut after blank lines, mostly: whole events per read, as servers write them."""
    pieces = re.split(b"(?<=\n\n)", stream)
    chunks: list[bytes] = []
    for piece in pieces:
        if chunks and draw(st.integers(0, 3)) == 0:
            chunks[-1] += piece
        else:
            chunks.append(piece)
    return chunks


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_the_decoder_reads_any_stream_as_the_spec_does(data: st.DataObject) -> None:
    stream = data.draw(event_streams() | st.binary(max_size=80))
    assert decoded(data.draw(cuts(stream))) == reference(stream)
    assert decoded(data.draw(at_events(stream))) == reference(stream)
