"""Event templates read exactly as the full reading does: fuzzed one against the other.

A reader that learns templates and one that never does read the same events, some of
the template's shape with other texts and counters, some broken on purpose; each event
must give the same text or the same error, and the readers must end the same way.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemastream.runtime import StreamError
from schemastream.runtime._chat import ChatDeltas
from schemastream.runtime._responses import ResponsesDeltas
from schemastream.runtime._sse import Limits, SSETextSource
from schemastream.runtime._template import EventTemplate

from .hostile import MemoryResponse

Reader = ChatDeltas | ResponsesDeltas

TEXT = st.text(alphabet='ab{}":\\\n\t é\U0001f600\x00', max_size=6)
NOT_TEXT = st.sampled_from([5, None, ["a"]])
KEYS = {"content_event": "content", "tool_event": "arguments", "output_event": "delta"}
COUNTER = st.integers(0, 9) | st.sampled_from([0, 7, 10**17, 10**18, 10**20])
SEPARATORS = st.sampled_from([(",", ":"), (", ", ": "), (",", ": ")])


def content_event(text: str, n: int, extra: dict[str, Any]) -> dict[str, Any]:
    choice = {"index": 0, "delta": {"content": text, **extra}, "finish_reason": None}
    return {"id": "c", "created": n, "object": "chat.completion.chunk", "choices": [choice]}


def tool_event(text: str, n: int, extra: dict[str, Any]) -> dict[str, Any]:
    call = {"index": 0, "function": {"arguments": text}}
    choice = {"index": 0, "delta": {"tool_calls": [call], **extra}, "finish_reason": None}
    return {"id": "c", "created": n, "choices": [choice], "usage": None}


def output_event(text: str, n: int, extra: dict[str, Any]) -> dict[str, Any]:
    item = {"type": "response.output_text.delta", "item_id": "m", "delta": text, **extra}
    return {**item, "sequence_number": n}


# What a variant adds: nothing (plain), or a field that changes the reading.
EXTRAS = st.sampled_from(
    [*[{}] * 8, {"role": "assistant"}, {"reasoning": "r"}, {"refusal": "no"}, {"content": 5}]
)


@st.composite
def events(draw: st.DrawFn, shape: Any, style: tuple[tuple[str, str], bool]) -> bytes:
    """One event of ``shape``, mostly plain, written in the sequence's ``style``."""
    text = draw(TEXT | NOT_TEXT) if draw(st.integers(0, 19)) == 0 else draw(TEXT)
    n = draw(COUNTER)
    value = shape(text, n, draw(EXTRAS))
    if isinstance(value, dict) and draw(st.integers(0, 4)) == 0:
        # A decoy after the text: the same key, maybe the same string, elsewhere.
        decoy = text if draw(st.booleans()) else draw(TEXT)
        value["x"] = {KEYS[shape.__name__]: decoy}
    if draw(st.integers(0, 19)) == 0:
        value = draw(st.sampled_from([{"choices": []}, {"error": {"m": 1}}, [1], "x", 7]))
    separators, ascii_only = style
    data = json.dumps(value, separators=separators, ensure_ascii=ascii_only)
    raw = data.encode("utf-8", "surrogatepass")
    cut = draw(st.integers(0, 19))
    if cut == 0:  # broken on purpose, where the text is or anywhere
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b'"', b"\\", b"\n", b"}", b"\xff", b"0"])) + raw[at:]
    elif cut == 1:
        raw = raw.replace(b"1", b"01", 1)
    elif cut == 2:  # whitespace right after the text's literal: a line break, maybe
        space = draw(st.sampled_from([b" ", b"\t", b"\n", b"\r"]))
        for after in (b'"}', b'","logprobs', b'","sequence'):
            if after in raw:
                raw = raw.replace(after, after[:1] + space + after[1:], 1)
                break
    return raw


def outcome(reader: Reader, event: str | None, data: bytes) -> tuple[str, object]:
    try:
        return "text", reader.read(event, data)
    except StreamError as exc:
        return type(exc).__name__, str(exc)


def ending(reader: Reader) -> tuple[str, object]:
    try:
        reader.finish()
    except StreamError as exc:
        return type(exc).__name__, str(exc)
    return "ok", None


def sequences(shape: Any) -> st.SearchStrategy[list[bytes]]:
    styles = st.tuples(SEPARATORS, st.booleans())
    return styles.flatmap(lambda style: st.lists(events(shape, style), max_size=16))


def compare(make: Any, sequence: list[bytes], event: str | None) -> int:
    learning, plain = make(), make()
    plain._template._failures = 99  # never learns: every event read in full
    for data in sequence:
        assert outcome(learning, event, data) == outcome(plain, event, data), data
    assert ending(learning) == ending(plain)
    assert learning.reasoning.text == plain.reasoning.text
    assert learning.tool_call_id == plain.tool_call_id
    return 1 if learning._template.hit else 0


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_chat_content_templates_read_as_the_full_reading(data: st.DataObject) -> None:
    sequence = data.draw(sequences(content_event))
    compare(lambda: ChatDeltas(tool=False), sequence, None)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_tool_call_templates_read_as_the_full_reading(data: st.DataObject) -> None:
    sequence = data.draw(sequences(tool_event))
    compare(lambda: ChatDeltas(tool=True, function="T"), sequence, None)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_responses_templates_read_as_the_full_reading(data: st.DataObject) -> None:
    sequence = data.draw(sequences(output_event))
    event = data.draw(st.sampled_from([None, "response.output_text.delta", "error"]))
    compare(ResponsesDeltas, sequence, event)


ENDINGS = {
    "content_event": b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n',
    "tool_event": b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}\n\n',
    "output_event": b'data: {"type":"response.completed","response":{}}\n\n',
}


@st.composite
def reads(draw: st.DrawFn, shape: Any) -> list[bytes]:
    """Whole reads of one event each, mostly, as servers write them; some not."""
    names = [b"", b"", b"", b"event: response.output_text.delta\n", b"event: error\n"]
    name = draw(st.sampled_from(names))
    body = b"".join(name + b"data: " + e + b"\n\n" for e in draw(sequences(shape)))
    body += ENDINGS[shape.__name__]
    if draw(st.integers(0, 7)) == 0:
        body = body.replace(b"\n", draw(st.sampled_from([b"\r\n", b"\r"])))
    pieces = re.split(b"(?<=\n\n)", body)
    chunks: list[bytes] = []
    for piece in pieces:
        way = draw(st.integers(0, 9))
        if way == 0 and chunks:
            chunks[-1] += piece  # two events in one read
        elif way == 1 and len(piece) > 1:
            line = piece.find(b"\n") + 1  # after an event line, often
            at = draw(st.sampled_from([line, line, line, *range(1, len(piece))]))
            chunks += [piece[:at], piece[at:]] if 0 < at < len(piece) else [piece]
        else:
            chunks.append(piece)
    return chunks


def streamed(reader: Reader, chunks: list[bytes]) -> tuple[list[str], object]:
    texts: list[str] = []
    try:
        for text in SSETextSource(MemoryResponse(chunks), reader, Limits()):
            texts.append(text)
    except StreamError as exc:
        return texts, (type(exc).__name__, str(exc))
    return texts, None


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_whole_reads_of_template_events_read_as_decoding_them(data: st.DataObject) -> None:
    """The source takes a read that is one template event without decoding it."""
    shape, make = data.draw(
        st.sampled_from(
            [
                (content_event, lambda: ChatDeltas(tool=False)),
                (tool_event, lambda: ChatDeltas(tool=True, function="T")),
                (output_event, ResponsesDeltas),
            ]
        )
    )
    chunks = data.draw(reads(shape))
    learning, plain = make(), make()
    plain._template._failures = 99
    assert streamed(learning, chunks) == streamed(plain, chunks)
    assert learning.reasoning.text == plain.reasoning.text


def test_the_usual_streams_are_read_by_their_templates() -> None:
    """The fuzzing above compares; this checks the templates are used at all."""
    for make, shape in [
        (lambda: ChatDeltas(tool=False), content_event),
        (lambda: ChatDeltas(tool=True, function="T"), tool_event),
        (ResponsesDeltas, output_event),
    ]:
        sequence = [
            json.dumps(shape(text, n, {}), separators=(",", ":")).encode()
            for n, text in enumerate(['{"a', '": "\\u00e9', '"}', "", " "])
        ]
        assert compare(make, sequence, None) == 1, shape.__name__


def test_templates_with_counters_read_each_counter_as_a_json_integer() -> None:
    template = EventTemplate([b'{"n":', None, b',"t":'], [b',"m":', None, b"}"])
    assert template.literal(b'{"n":12,"t":"x","m":0}') == b'"x"'
    assert template.literal(b'{"n":12,"t":"a,\\"m\\":1","m":3}') == b'"a,\\"m\\":1"'
    for bad in [b'{"n":012,"t":"x","m":1}', b'{"n":1e3,"t":"x","m":1}', b'{"n":1,"t":"x","m":-1}']:
        assert template.literal(bad) is None, bad
    assert template.literal(b'{"n":1,"t":"x","u":"y","m":2}') == b'"x","u":"y"'  # not one string
    assert template.probe(b'"p"') == b'{"n":7,"t":"p","m":7}'


def test_a_decoy_with_the_same_key_and_text_is_not_taken_for_the_text() -> None:
    """The last ``"content"`` of the first event reads as its text, but it is not the
    delta's: the probe event finds that out, and no template is used."""
    first, second = (
        json.dumps({**content_event("a", 1, {}), "x": {"content": decoy}}).encode()
        for decoy in ("a", "b")
    )
    reader = ChatDeltas(tool=False)
    assert [reader.read(None, first), reader.read(None, second)] == ["a", "a"]


def plain_reads(*texts: str) -> list[bytes]:
    return [
        b"data: " + json.dumps(content_event(t, 1, {}), separators=(",", ":")).encode() + b"\n\n"
        for t in texts
    ]


@pytest.mark.parametrize(
    "odd",
    [
        [plain_reads("x")[0].replace(b'"x"}', b'"x"\r}')],  # a line break beside the literal
        [plain_reads("x")[0].replace(b'"x"}', b'"x"\n}')],
        [b"event: error\n", *plain_reads("x")],  # the read opens after an event line
        [b"data: ", plain_reads("x")[0][6:]],  # or after a line that the event continues
    ],
    ids=["cr", "lf", "event line", "split"],
)
def test_whole_reads_are_taken_quickly_only_when_decoding_would_agree(odd: list[bytes]) -> None:
    chunks = [*plain_reads("a", "b", "c"), *odd, ENDINGS["content_event"]]
    learning, plain = ChatDeltas(tool=False), ChatDeltas(tool=False)
    plain._template._failures = 99
    assert streamed(learning, chunks) == streamed(plain, chunks)
    assert learning._template.hit
