"""stream.patches(): applied in order with the jsonpatch package, the operations reproduce
every snapshot's ``model_dump(mode="json", by_alias=True, exclude_unset=True)``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, JsonValue

from schemastream.runtime import (
    AsyncPartialStream,
    PartialModel,
    PartialStream,
    SnapshotDict,
    SnapshotList,
)

from ._json_checks import apply_patch, chunked
from .models import (
    Drawing,
    Meeting,
    PartialDrawing,
    PartialMeeting,
    PartialShelter,
    PartialTagged,
    Shelter,
    Tagged,
)
from .test_extras import REPORT, PartialReport, Report

json_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
keys = json_text | st.sampled_from(["a/b", "~", "~1", "/", "", "x~0/y", "é", "🚀"])
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | json_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=20,
)
sizes = st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=10)


class Free(BaseModel):
    data: dict[str, JsonValue]
    items: list[JsonValue] = []
    any: JsonValue = None


class PartialFree(PartialModel):
    data: SnapshotDict[JsonValue] | None = None
    items: SnapshotList[JsonValue] | None = None
    any: JsonValue | None = None


def _dump(snapshot: BaseModel | None) -> Any:
    assert snapshot is not None
    return snapshot.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _replay(stream: PartialStream[Any, Any], standard: bool) -> int:
    document: Any = None
    count = 0
    for operations in stream.patches(standard=standard):
        document = apply_patch(document, operations, standard=standard)
        assert document == _dump(stream.snapshot), operations
        count += 1
    assert document == json.loads(stream.text)
    return count


CASES: list[tuple[type[PartialModel], type[BaseModel], str]] = [
    (
        PartialMeeting,
        Meeting,
        json.dumps(
            {
                "title": 'Kick-off é "q" \\ 🚀',
                "date": "2026-11-21",
                "budget": 12.5,
                "users": [
                    {"name": "Ada", "id": 61, "address": {"zip-code": "8000", "city": "Z"}},
                    {"id": 2, "name": "Bob", "tags": ["x/y", "~"], "email": None},
                ],
                "agenda": [
                    {"minutes": 15, "kind": "break"},
                    {"kind": "talk", "title": "T", "speaker": None},
                ],
            }
        )[:-1]
        # a repeated key: the last one wins
        + ', "notes": {"a/b": "1", "~": "2", "c": "3", "a/b": "4"}, "summary": "done"}',
    ),
    (PartialReport, Report, json.dumps(REPORT)),
    (PartialDrawing, Drawing, '{"shapes": [{"radius": 1}, {"label": "sq", "side": 2}]}'),
    (
        PartialShelter,
        Shelter,
        '{"pets": [{"lives": 3, "petType": "cat"}, {"petType": "dog"}], '
        '"extra": {"z": 1}, "owner": {"name": "N", "id": 4}}',
    ),
    (PartialTagged, Tagged, '{"tags": ["x", "yz"], "done_tags": ["p", "q"]}'),
]


@settings(max_examples=25, deadline=None)
@given(case=st.sampled_from(CASES), chunks=sizes, standard=st.booleans())
def test_operations_reproduce_every_snapshot_of_models(
    case: tuple[type[PartialModel], type[BaseModel], str], chunks: list[int], standard: bool
) -> None:
    partial, full, text = case
    stream = PartialStream(partial, full, chunked(text, chunks))
    assert _replay(stream, standard) > 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.dictionaries(keys, json_values, max_size=5),
    items=st.lists(json_values, max_size=4),
    anything=json_values,
    chunks=sizes,
    standard=st.booleans(),
    indent=st.sampled_from([None, 1]),
)
def test_operations_reproduce_every_snapshot_of_free_form_json(
    data: dict[str, Any],
    items: list[Any],
    anything: Any,
    chunks: list[int],
    standard: bool,
    indent: int | None,
) -> None:
    text = json.dumps({"data": data, "items": items, "any": anything}, indent=indent)
    _replay(PartialStream(PartialFree, Free, chunked(text, chunks)), standard)


def test_a_growing_string_is_sent_as_appends_of_its_new_text() -> None:
    stream = PartialStream(PartialFree, Free, ['{"data": {"a~/b": "x', "yz", '"}}'])
    assert list(stream.patches()) == [
        [
            {"op": "replace", "path": "", "value": {}},
            {"op": "add", "path": "/data", "value": {}},
            {"op": "add", "path": "/data/a~0~1b", "value": ""},
            {"op": "append", "path": "/data/a~0~1b", "value": "x"},
        ],
        [{"op": "append", "path": "/data/a~0~1b", "value": "yz"}],
        [],  # the closing brackets came alone: the last snapshot says it is complete
    ]


def test_standard_mode_replaces_the_whole_string() -> None:
    stream = PartialStream(PartialFree, Free, ['{"data": {"k": "x', "yz", '"}}'])
    assert [ops[-1] for ops in stream.patches(standard=True) if ops] == [
        {"op": "replace", "path": "/data/k", "value": "x"},
        {"op": "replace", "path": "/data/k", "value": "xyz"},
    ]


def test_a_repeated_key_is_replaced_once_complete() -> None:
    stream = PartialStream(PartialFree, Free, ['{"data": {"k": 1, "k": [2, ', "3]}}"])
    assert list(stream.patches()) == [
        [
            {"op": "replace", "path": "", "value": {}},
            {"op": "add", "path": "/data", "value": {}},
            {"op": "add", "path": "/data/k", "value": 1},
        ],
        [{"op": "replace", "path": "/data/k", "value": [2, 3]}],
    ]


def test_operation_bytes_grow_linearly_with_a_long_string() -> None:
    text = json.dumps({"data": {}, "any": "x" * 40_000})
    appended = sum(
        len(json.dumps(ops))
        for ops in PartialStream(PartialFree, Free, chunked(text, [8])).patches()
    )
    replaced = sum(
        len(json.dumps(ops))
        for ops in PartialStream(PartialFree, Free, chunked(text, [8])).patches(standard=True)
    )
    assert appended < 10 * len(text)  # each chunk's text once, plus the operation around it
    assert replaced > 500 * len(text)  # a whole-string replace per chunk: quadratic


def test_patches_must_come_before_reading() -> None:
    stream = PartialStream(PartialFree, Free, ['{"data": {}}'])
    next(iter(stream))
    with pytest.raises(RuntimeError, match="before reading"):
        stream.patches()


def test_async_patches_match_the_sync_ones() -> None:
    text = CASES[0][2]

    async def source() -> AsyncIterator[str]:
        for chunk in chunked(text, [3]):
            yield chunk

    async def collect() -> list[Any]:
        stream = AsyncPartialStream(PartialMeeting, Meeting, source())
        return [ops async for ops in stream.patches()]

    sync = list(PartialStream(PartialMeeting, Meeting, chunked(text, [3])).patches())
    assert asyncio.run(collect()) == sync


def test_a_retried_attempt_starts_from_the_root_again() -> None:
    attempts: list[Iterable[str]] = [['{"data": {"k": "v"}, "items": [1]}']]

    def retry(text: str, error: Exception) -> Iterable[str]:
        return attempts.pop()

    class Strict(Free):
        items: list[int] = []

    stream = PartialStream(
        PartialFree, Strict, ['{"data": {}, "items": ["bad"]}'], retry=retry, max_retries=1
    )
    operations = list(stream.patches())
    assert stream.attempts == 2
    assert operations[0][0] == {"op": "replace", "path": "", "value": {}}
    restarts = [ops for ops in operations if ops and ops[0]["path"] == ""]
    assert len(restarts) == 2
