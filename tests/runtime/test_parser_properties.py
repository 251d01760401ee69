"""The incremental parser against json.loads, over random documents and random chunkings."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemastream.runtime import (
    IncompleteJSONError,
    JSONParseError,
    SnapshotParser,
    StreamError,
    parse_partial,
)

from ._json_checks import (
    chunked,
    has_lone_surrogate,
    is_prefix,
    only_completion_repeats,
    shares_finished,
)

json_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | json_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(json_text, children, max_size=5)
    ),
    max_leaves=30,
)
chunk_sizes = st.one_of(
    st.just([1]),
    st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=20),
    st.just([10**9]),
)
dump_options = st.fixed_dictionaries(
    {"ensure_ascii": st.booleans(), "indent": st.sampled_from([None, 0, 2])}
)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (RFC 8259)")


def strict_loads(text: str) -> Any:
    return json.loads(text, parse_constant=_no_constants)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values, sizes=chunk_sizes, options=dump_options)
def test_snapshots_follow_the_rules_and_end_equal_to_json_loads(
    value: Any, sizes: list[int], options: dict[str, Any]
) -> None:
    text = json.dumps(value, **options)
    final = json.loads(text)
    snapshots = list(parse_partial(chunked(text, sizes)))
    assert snapshots, "a complete document yields at least its final value"
    assert snapshots[-1] == final
    previous: Any = None
    for index, snap in enumerate(snapshots):
        assert is_prefix(snap, final), (index, snap, final)
        assert not has_lone_surrogate(snap) or has_lone_surrogate(final)
        if index:
            # Rule 1: no duplicates, but for one last snapshot when the bracket came alone.
            last = index == len(snapshots) - 1
            assert snap != previous or last, f"duplicate snapshot at {index}: {snap!r}"
            assert is_prefix(previous, snap), (previous, snap)
            assert shares_finished(previous, snap)
        previous = snap


@settings(max_examples=300, deadline=None)
@given(value=json_values, data=st.data())
def test_mutated_documents_raise_exactly_when_json_loads_does(value: Any, data: Any) -> None:
    text = json.dumps(value)
    position = data.draw(st.integers(min_value=0, max_value=len(text)))
    kind = data.draw(st.sampled_from(["delete", "insert", "replace"]))
    char = data.draw(st.sampled_from([*list('{}[],:"\\ 0-.eEtfnu\x01a'), "NaN", "Infinity"]))
    if kind == "delete":
        mutated = text[:position] + text[position + 1 :]
    elif kind == "insert":
        mutated = text[:position] + char + text[position:]
    else:
        mutated = text[:position] + char + text[position + 1 :]
    try:
        expected = strict_loads(mutated)
    except ValueError:
        with pytest.raises(StreamError):
            list(parse_partial(chunked(mutated, [3])))
        return
    assert list(parse_partial(chunked(mutated, [3])))[-1] == expected


@settings(max_examples=200, deadline=None)
@given(value=json_values, data=st.data())
def test_truncated_documents_raise_unless_the_prefix_is_json(value: Any, data: Any) -> None:
    text = json.dumps(value)
    cut = data.draw(st.integers(min_value=0, max_value=max(len(text) - 1, 0)))
    prefix = text[:cut]
    try:
        expected = strict_loads(prefix)
    except ValueError:
        with pytest.raises((IncompleteJSONError, JSONParseError)):
            list(parse_partial(chunked(prefix, [2])))
        return
    assert list(parse_partial([prefix]))[-1] == expected


@pytest.mark.parametrize("split", range(1, 12))
def test_surrogate_pair_split_anywhere_never_shows_half_a_character(split: int) -> None:
    text = '["a\\ud83d\\ude00b"]'
    chunks = [text[:split], text[split:]]
    snapshots = list(parse_partial(chunks))
    assert snapshots[-1] == ["a\U0001f600b"]
    assert all(not has_lone_surrogate(s) for s in snapshots)


def test_lone_surrogates_match_json_loads() -> None:
    for text in ['"\\ud83d"', '"\\ud83dx"', '"\\ude00"', '"\\ud83d\\u0041"']:
        assert list(parse_partial(list(text)))[-1] == json.loads(text)


def test_numbers_and_literals_appear_only_when_complete() -> None:
    snapshots = list(parse_partial(['{"a": 6', "1, ", '"b": tr', "ue, ", '"c": -1.', "5e1}"]))
    assert snapshots == [{}, {"a": 61}, {"a": 61, "b": True}, {"a": 61, "b": True, "c": -15.0}]


def test_a_top_level_number_completes_at_the_end_of_the_text() -> None:
    assert list(parse_partial(["12", "34"])) == [1234]


def test_whitespace_and_punctuation_emit_nothing() -> None:
    parser = SnapshotParser()
    assert parser.feed("[1,") and parser.value == [1]
    for chunk in ["  ", "\n", " ", "3"]:  # half a number is not a value yet
        assert not parser.feed(chunk)
    assert parser.feed("2]") and parser.finish() == [1, 32]


def test_nesting_far_past_the_recursion_limit() -> None:
    depth = 100_000
    text = "[" * depth + "]" * depth
    parser = SnapshotParser(max_depth=None)
    for chunk in chunked(text, [4096]):
        parser.feed(chunk)
    value = parser.finish()
    for _ in range(depth - 1):
        assert isinstance(value, list) and len(value) == 1
        value = value[0]
    assert value == []


def test_rfc_8259_rejections() -> None:
    for text in [
        "NaN",
        "[Infinity]",
        "-Infinity",
        "01",
        "1.",
        ".5",
        "+1",
        "'a'",
        '"\t"',
        '{"a" 1}',
        "[1,]",
        '{"a":1,}',
        "[1 2]",
        "tru",
        '"\\x"',
        '"\\u12G4"',
        "{}x",
    ]:
        with pytest.raises(StreamError):
            list(parse_partial([text]))


@settings(max_examples=100, deadline=None)
@given(
    value=st.dictionaries(json_text, json_values, max_size=4),
    before=st.sampled_from(
        [
            "",
            "Sure:\n```json\n",
            "Here you go: ",
            "Here it is {as requested}:\n```json\n",
            "Use [brackets] and {braces}, like {this: 1}: ",
        ]
    ),
    after=st.sampled_from(["", "\n```", "\n```\nAnything else? {not json"]),
    sizes=chunk_sizes,
)
def test_tolerant_mode_finds_the_value_inside_prose_and_fences(
    value: dict[str, Any], before: str, after: str, sizes: list[int]
) -> None:
    inner = json.dumps(value)
    parser = SnapshotParser(tolerant=True)
    snapshots = []
    complete = []
    for chunk in chunked(before + inner + after, sizes):
        if parser.feed(chunk):
            snapshots.append(parser.value)
            complete.append(parser.complete)
    assert parser.finish() == value
    assert parser.json_text == inner
    assert only_completion_repeats(snapshots, complete)


def test_async_parse_partial_matches_the_sync_one() -> None:
    import asyncio

    from schemastream.runtime import aparse_partial

    text = '{"a": [1, "xy", {"b": null}]}'

    async def chunks() -> Any:
        for c in text:
            yield c

    async def collect() -> list[Any]:
        return [v async for v in aparse_partial(chunks())]

    assert asyncio.run(collect()) == list(parse_partial(list(text)))
