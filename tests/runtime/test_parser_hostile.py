"""Hostile and unlucky input: tolerant mode stays linear, failures stick, limits match pydantic."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from schemastream.runtime import (
    DEFAULT_MAX_DEPTH,
    IncompleteJSONError,
    JSONParseError,
    LimitExceededError,
    PartialModel,
    PartialStream,
    SnapshotParser,
    parse_partial,
)

from ._json_checks import chunked

# --- tolerant mode: linear, capped, no recursion -----------------------------------------


def test_tolerant_mode_on_deep_brackets_raises_the_depth_limit_not_recursion() -> None:
    parser = SnapshotParser(tolerant=True)
    with pytest.raises(LimitExceededError) as info:
        for _ in range(300):
            parser.feed("[[[[")
    assert info.value.limit == "max_depth"


def test_tolerant_mode_without_a_depth_limit_keeps_deep_brackets_without_recursion() -> None:
    parser = SnapshotParser(tolerant=True, max_depth=None)
    for _ in range(300):
        parser.feed("[[[[")
    with pytest.raises(IncompleteJSONError):
        parser.finish()


def test_tolerant_mode_never_swallows_a_limit_to_look_further() -> None:
    text = "Here: " + '{"a": ' * (DEFAULT_MAX_DEPTH + 5)
    parser = SnapshotParser(tolerant=True)
    with pytest.raises(LimitExceededError):
        parser.feed(text)


def _cpu_seconds(text: str, chunk: int, error: type[Exception], **limits: Any) -> float:
    parser = SnapshotParser(tolerant=True, **limits)
    start = time.process_time()
    with pytest.raises(error):
        for piece in chunked(text, [chunk]):
            parser.feed(piece)
        parser.finish()
    return time.process_time() - start


def test_tolerant_mode_is_linear_on_prose_that_looks_like_json() -> None:
    # Rescanning from every bracket past the depth limit took 6 s on these 24 KB.
    assert _cpu_seconds('{"a": ' * 4_000, 4096, LimitExceededError) < 1.0


def test_tolerant_mode_is_linear_on_many_false_starts() -> None:
    # Re-reading the whole text at each false start was quadratic: 16x the text took 55x
    # the time (0.02 s -> 1.1 s); linear work takes 16x.
    def cpu(copies: int) -> float:
        text = "{x\n[y\n" * copies + "[1, oops"
        return min(_cpu_seconds(text, 7, IncompleteJSONError, max_depth=None) for _ in range(2))

    assert cpu(24_000) < 30 * cpu(1_500)


def test_tolerant_mode_resumes_where_the_false_start_broke() -> None:
    parser = SnapshotParser(tolerant=True)
    parser.feed('Use {braces} or [brackets], then {"a": [1, {"b": 2}]} and {"c": 3}')
    assert parser.finish() == {"a": [1, {"b": 2}]}
    assert parser.json_text == '{"a": [1, {"b": 2}]}'


# --- a failed parser stays failed ----------------------------------------------------------


def test_a_parser_that_raised_stays_failed() -> None:
    parser = SnapshotParser()
    parser.feed("[1, ")
    with pytest.raises(JSONParseError) as first:
        parser.feed("}")
    for action in (lambda: parser.feed('"a": 1}'), parser.finish, lambda: parser.feed("]")):
        with pytest.raises(JSONParseError) as again:
            action()
        assert again.value.offset == first.value.offset
        assert again.value.text == "[1, }"


@pytest.mark.parametrize("tolerant", [False, True])
def test_a_parser_past_a_limit_stays_failed(tolerant: bool) -> None:
    parser = SnapshotParser(max_depth=3, tolerant=tolerant)
    with pytest.raises(LimitExceededError):
        parser.feed("[[[[")
    with pytest.raises(LimitExceededError):
        parser.feed("]]]]")
    with pytest.raises(LimitExceededError):
        parser.finish()


# --- the depth limit is what the final validation can take -----------------------------------


def test_the_default_depth_is_exactly_what_pydantic_validates() -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(Any)
    deepest = "[" * DEFAULT_MAX_DEPTH + "]" * DEFAULT_MAX_DEPTH
    assert adapter.validate_json(deepest) is not None
    assert SnapshotParser().feed(deepest)
    too_deep = "[" + deepest + "]"
    with pytest.raises(ValidationError, match="recursion limit"):
        adapter.validate_json(too_deep)
    with pytest.raises(LimitExceededError, match="pydantic") as info:
        SnapshotParser().feed(too_deep)
    assert info.value.offset == DEFAULT_MAX_DEPTH


class Tree(BaseModel):
    child: Tree | None = None


class PartialTree(PartialModel):
    child: PartialTree | None = None


def test_nesting_the_parser_accepts_validates_at_the_end() -> None:
    depth = DEFAULT_MAX_DEPTH
    text = '{"child": ' * (depth - 1) + "{}" + "}" * (depth - 1)
    stream = PartialStream(PartialTree, Tree, chunked(text, [64]))
    assert stream.final == Tree.model_validate_json(text)


# --- duplicate keys: the last one wins, and no snapshot goes backwards ------------------------


def _each_prefix(text: str) -> list[Any]:
    return list(parse_partial(list(text)))


def test_a_repeated_key_is_held_back_until_complete_then_replaces() -> None:
    text = '{"a": "first", "b": [1], "a": "second", "b": [2, 3], "c": {"x": 1}, "c": {}}'
    snapshots = _each_prefix(text)
    assert snapshots[-1] == json.loads(text) == {"a": "second", "b": [2, 3], "c": {}}
    shown_a = [s["a"] for s in snapshots if "a" in s]
    shown_b = [s["b"] for s in snapshots if "b" in s]
    shown_c = [s["c"] for s in snapshots if "c" in s]
    assert "" not in shown_a[shown_a.index("first") :], "the repeat never shows half-way"
    assert [a for a in dict.fromkeys(shown_a) if not "first".startswith(a)] == ["second"]
    assert list(dict.fromkeys(map(tuple, shown_b))) == [(), (1,), (2, 3)]
    assert {"x": 1} in shown_c and shown_c[-1] == {}
    assert [] not in shown_b[shown_b.index([1]) :]


class Named(BaseModel):
    name: str
    tags: list[str]


class PartialNamed(PartialModel):
    name: str | None = None
    tags: list[str] | None = None


def test_a_repeated_field_ends_as_pydantic_validates_it() -> None:
    text = '{"name": "first", "tags": ["x"], "name": "second", "tags": ["y", "z"]}'
    stream = PartialStream(PartialNamed, Named, list(text))
    names = [s.name for s in stream if s.name is not None]
    assert stream.final == Named.model_validate_json(text) == Named(name="second", tags=["y", "z"])
    assert stream.snapshot is not None and stream.snapshot.name == "second"
    after_first = names[names.index("first") :]
    assert set(after_first) == {"first", "second"}, after_first


# --- the last snapshot says complete -----------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        ('{"name": "Ada", "tags": ["x"]', "}"),
        ('{"tags": ["x"], "name": "Ada', '"}'),
        ('{"name": "Ada", "tags": ["x"', "]}"),
        ('{"name": "Ada", "tags": []', "\n}\n"),
    ],
)
def test_a_closing_bracket_alone_gives_one_last_complete_snapshot(head: str, tail: str) -> None:
    stream = PartialStream(PartialNamed, Named, [head, tail])
    snapshots = list(stream)
    assert len(snapshots) == 2
    assert not snapshots[0].is_complete()
    assert snapshots[1].is_complete()
    assert snapshots[1].model_dump() == snapshots[0].model_dump()


def test_a_closing_quote_alone_completes_a_top_level_string() -> None:
    parser = SnapshotParser()
    assert parser.feed('"abc')
    assert parser.feed('"')
    assert parser.complete and parser.value == "abc"


def test_completion_alone_inside_the_value_emits_nothing() -> None:
    parser = SnapshotParser(PartialNamed)
    assert parser.feed('{"tags": ["x')
    assert not parser.feed('"')
    assert not parser.feed("]")
