"""Event templates read exactly as the full reading does: fuzzed one against the other.

A reader that learns templates and one that never does read the same events, some of
the template's shape with other texts and counters, some broken on purpose; each event
must give the same text or the same error, and the readers must end the same way.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from schemastream.runtime import StreamError
from schemastream.runtime._chat import ChatDeltas
from schemastream.runtime._responses import ResponsesDeltas
from schemastream.runtime._template import EventTemplate

Reader = ChatDeltas | ResponsesDeltas

TEXT = st.text(alphabet='ab{}":\\\n\t é\U0001f600\x00', max_size=6)
NOT_TEXT = st.sampled_from([5, None, ["a"]])
KEYS = {"content_event": "content", "tool_event": "arguments", "output_event": "delta"}
COUNTER = st.integers(0, 10**20) | st.sampled_from([0, 7, 10**17, 10**18])
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
    [{}, {}, {}, {"role": "assistant"}, {"reasoning": "r"}, {"refusal": "no"}, {"content": 5}]
)


@st.composite
def events(draw: st.DrawFn, shape: Any, style: tuple[tuple[str, str], bool]) -> bytes:
    """One event of ``shape``, mostly plain, written in the sequence's ``style``."""
    text = draw(TEXT | NOT_TEXT) if draw(st.integers(0, 9)) == 0 else draw(TEXT)
    n = draw(COUNTER)
    value = shape(text, n, draw(EXTRAS))
    if isinstance(value, dict) and draw(st.booleans()):
        # A decoy after the text: the same key, maybe the same string, elsewhere.
        decoy = text if draw(st.booleans()) else draw(TEXT)
        value["x"] = {KEYS[shape.__name__]: decoy}
    if draw(st.integers(0, 9)) == 0:
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
    return styles.flatmap(lambda style: st.lists(events(shape, style), max_size=12))


def compare(make: Any, sequence: list[bytes], event: str | None) -> int:
    learning, plain = make(), make()
    plain._template._failures = 99  # never learns: every event read in full
    for data in sequence:
        assert outcome(learning, event, data) == outcome(plain, event, data), data
    assert ending(learning) == ending(plain)
    assert learning.reasoning.text == plain.reasoning.text
    assert learning.tool_call_id == plain.tool_call_id
    return 1 if learning._template.hit else 0


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_chat_content_templates_read_as_the_full_reading(data: st.DataObject) -> None:
    sequence = data.draw(sequences(content_event))
    compare(lambda: ChatDeltas(tool=False), sequence, None)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_tool_call_templates_read_as_the_full_reading(data: st.DataObject) -> None:
    sequence = data.draw(sequences(tool_event))
    compare(lambda: ChatDeltas(tool=True, function="T"), sequence, None)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_responses_templates_read_as_the_full_reading(data: st.DataObject) -> None:
    sequence = data.draw(sequences(output_event))
    event = data.draw(st.sampled_from([None, "response.output_text.delta", "error"]))
    compare(ResponsesDeltas, sequence, event)


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
