"""Models with extras (``properties`` beside ``additionalProperties``): snapshots keep them.

The partial twin of such a model says ``extra="allow"`` and types its extras with
``__pydantic_extra__: dict[str, P(T)]``; snapshot rule 5 must hold for the unknown keys too.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from schemastream.runtime import PartialModel, PartialStream, SnapshotList, SnapshotParser

from ._json_checks import chunked, only_completion_repeats


class Leaf(BaseModel):
    x: int


class Scores(BaseModel):
    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, int] = Field(init=False)
    total: int | None = None


class Section(BaseModel):
    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Leaf] = Field(init=False)
    title: str | None = None


class Bag(BaseModel):
    model_config = ConfigDict(extra="allow")
    note: str | None = None


class Labelled(BaseModel):
    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, str] = Field(init=False)
    label: str


class Plain(BaseModel):
    other: str


class Report(BaseModel):
    name: str
    scores: Scores | None = None
    sections: list[Section] = []
    bag: Bag | None = None
    either: Labelled | Plain | None = None


class PartialLeaf(PartialModel):
    x: int | None = None


class PartialScores(PartialModel):
    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, int] = Field(init=False)  # pyright: ignore[reportIncompatibleVariableOverride]
    total: int | None = None


class PartialSection(PartialModel):
    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, PartialLeaf] = Field(init=False)  # pyright: ignore[reportIncompatibleVariableOverride]
    title: str | None = None


class PartialBag(PartialModel):
    model_config = ConfigDict(extra="allow")
    note: str | None = None


class PartialLabelled(PartialModel):
    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, str] = Field(init=False)  # pyright: ignore[reportIncompatibleVariableOverride]
    label: str | None = None


class PartialPlain(PartialModel):
    other: str | None = None


class PartialReport(PartialModel):
    name: str | None = None
    scores: PartialScores | None = None
    sections: SnapshotList[PartialSection] | None = None
    bag: PartialBag | None = None
    either: PartialLabelled | PartialPlain | None = None


REPORT: dict[str, Any] = {
    "name": "Q3",
    "scores": {"alpha": 3, "total": 10, "beta": 7},
    "sections": [
        {"title": "Intro", "a": {"x": 1}, "b": {"x": 2}},
        {"c": {"x": 3}},
    ],
    "bag": {"free": [1, {"deep": "text"}], "note": "n", "flag": True, "none": None},
    "either": {"colour": "blue", "label": "L", "shade": "dark"},
}


def _dump(snap: BaseModel) -> Any:
    return snap.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _seen_so_far(text: str, sizes: list[int]) -> list[Any]:
    """The plain JSON value after each chunk, once per change (the reference for rule 5)."""
    parser = SnapshotParser()
    values = []
    for chunk in chunked(text, sizes):
        if parser.feed(chunk):
            values.append(json.loads(json.dumps(parser.value)))
    return values


def test_extras_are_in_the_last_snapshot_and_in_the_final() -> None:
    text = json.dumps(REPORT)
    with PartialStream(PartialReport, Report, chunked(text, [4])) as stream:
        snapshots = list(stream)
    assert _dump(snapshots[-1]) == REPORT
    assert stream.final.model_dump(mode="json", exclude_unset=True) == REPORT
    last = snapshots[-1]
    assert last.scores is not None and last.scores.__pydantic_extra__ == {"alpha": 3, "beta": 7}
    assert last.sections is not None
    assert isinstance(last.sections[0].__pydantic_extra__["a"], PartialLeaf)
    assert isinstance(last.either, PartialLabelled)


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=8),
    indent=st.sampled_from([None, 2]),
)
def test_every_snapshot_dumps_exactly_the_json_seen_so_far(
    sizes: list[int], indent: int | None
) -> None:
    # Rule 5 against the plain parser's value after each chunk: equal dicts, key order
    # aside. Without the union: the plain parser shows an undecided object, the model not.
    doc = {key: value for key, value in REPORT.items() if key != "either"}
    text = json.dumps(doc, indent=indent)
    stream = PartialStream(PartialReport, Report, chunked(text, sizes))
    snapshots = list(stream)
    dumps = [_dump(snap) for snap in snapshots]
    assert dumps == _seen_so_far(text, sizes)
    assert only_completion_repeats(dumps, [snap.is_complete() for snap in snapshots])
    # pydantic dumps the fields, then the extras: in the order they arrived.
    scores = snapshots[-1].scores
    assert scores is not None and list(scores.__pydantic_extra__) == ["alpha", "beta"]


def test_extras_grow_and_complete_like_fields() -> None:
    parser = SnapshotParser(PartialLabelled)
    parser.feed('{"colour": "bl')
    snap = parser.value
    assert snap.__pydantic_extra__ == {"colour": "bl"}, "an extra string grows"
    assert "colour" in snap.model_fields_set and not snap.is_complete("colour")
    parser.feed('ue", "label": "L", "n": 4')
    snap = parser.value
    assert snap.is_complete("colour") and "colour" in snap.completed_fields
    assert _dump(snap) == {"colour": "blue", "label": "L"}, "a number the type refuses is dropped"
    with pytest.raises(KeyError):
        snap.is_complete("missing")


def test_finished_extras_are_shared_by_identity() -> None:
    text = json.dumps(REPORT)
    snapshots = list(PartialStream(PartialReport, Report, chunked(text, [2])))
    with_b = [s for s in snapshots if s.sections and "b" in s.sections[0].__pydantic_extra__]
    first_a = with_b[0].sections[0].__pydantic_extra__["a"]  # type: ignore[index]
    assert all(s.sections[0].__pydantic_extra__["a"] is first_a for s in with_b)  # type: ignore[index]
    closed = [s for s in snapshots if s.sections and len(s.sections) == 2]
    assert all(s.sections[0] is closed[0].sections[0] for s in closed)  # type: ignore[index]


def test_extras_collected_before_a_union_decides_are_kept() -> None:
    # "colour" fits neither member's keys; "label" then decides PartialLabelled.
    text = json.dumps({"name": "u", "either": REPORT["either"]})
    snapshots = list(PartialStream(PartialReport, Report, chunked(text, [1])))
    decided = [s.either for s in snapshots if s.either is not None]
    assert all(isinstance(item, PartialLabelled) for item in decided)
    assert _dump(decided[0]) == {"colour": "blue"}, "shown once decided, extras converted"
    assert _dump(decided[-1]) == REPORT["either"]


def test_a_model_without_extras_still_ignores_unknown_keys() -> None:
    text = json.dumps({"name": "n", "unknown": {"a": [1]}, "bag": {}})
    snapshots = list(PartialStream(PartialReport, Report, chunked(text, [3])))
    assert _dump(snapshots[-1]) == {"name": "n", "bag": {}}
    assert snapshots[-1].__pydantic_extra__ is None
