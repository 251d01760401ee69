"""A list read from ``{"items": [...]}``: the stream shows exactly what it shows for the bare list.

The same list text, cut the same way, gives the same snapshots, patch operations and
element items with or without the envelope around it, whatever else the envelope holds.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import RootModel

from schemastream.runtime import (
    AsyncPartialStream,
    FinalValidationError,
    PartialStream,
    PatchOperation,
    SnapshotList,
)

from ._json_checks import chunked
from .models import Meeting, PartialMeeting, PartialUser, User


class Users(RootModel[list[User]]):
    pass


class PartialUsers(RootModel[SnapshotList[PartialUser] | None]):
    root: SnapshotList[PartialUser] | None = None


USERS = [
    {"name": "Ada", "id": 61, "address": {"zip-code": "8000", "city": "Z"}},  # held back until id
    {"id": 2, "name": "Bob é 🚀", "tags": ["x/y", "~"], "email": None},
    {"id": 3, "name": "C"},
]
LIST = json.dumps(USERS)

Run = tuple[list[Any], list[list[PatchOperation]], list[User]]


def run(chunks: list[str], envelope: str | None) -> Run:
    """The snapshot dumps, the operations and the items of one stream over ``chunks``."""
    stream = PartialStream(PartialUsers, Users, chunks, envelope=envelope)
    dumps: list[Any] = []
    operations: list[list[PatchOperation]] = []
    try:
        for step in stream.patches():
            operations.append(step)
            assert stream.snapshot is not None
            dumps.append(stream.snapshot.model_dump(mode="json", by_alias=True, exclude_unset=True))
    except FinalValidationError:
        assert envelope is not None  # only keys beside the list fail, after the list
    stream = PartialStream(PartialUsers, Users, chunks, envelope=envelope)
    try:
        items = list(stream.elements())
    except FinalValidationError:
        items = []
    return dumps, operations, items


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=6),
    glued=st.booleans(),
    before=st.sampled_from(["", '"note": "a}]", ', '"n": {"items": [1]}, ']),
    after=st.sampled_from(["", ', "more": [{"a": "b"}]']),
)
def test_the_envelope_changes_nothing_the_stream_shows(
    sizes: list[int], glued: bool, before: str, after: str
) -> None:
    chunks = chunked(LIST, sizes)
    expected = run(chunks, None)
    head, tail = "{" + before + '"items": ', after + "}"
    if glued:  # the envelope's text in the same chunks as the list's
        wrapped = [head + chunks[0], *chunks[1:-1], chunks[-1] + tail] if len(chunks) > 1 else []
        wrapped = wrapped or [head + chunks[0] + tail]
    else:
        wrapped = [head, *chunks, tail]
    dumps, operations, items = run(wrapped, "items")
    assert (dumps, operations) == expected[:2]
    assert items == (expected[2] if not before + after else [])  # extra keys fail validation


def test_a_repeated_key_replaces_the_list() -> None:
    last = {"id": 9, "name": "Z"}
    chunks = ['{"items": ', LIST, ', "items": [', json.dumps(last), "]}"]
    dumps, operations, items = run(chunks, "items")
    # The last one wins, as in json.loads, held back until complete: no list shrinks.
    assert dumps == [USERS, [last]]
    assert operations[1] == [{"op": "replace", "path": "", "value": [last]}]
    # As for any list, elements() yields each item as it completes: both lists' items.
    assert items == [User.model_validate(user) for user in [*USERS, last]]


def test_the_final_value_is_the_list_and_its_errors_locate_in_the_text() -> None:
    stream = PartialStream(PartialUsers, Users, [json.dumps({"items": USERS})], envelope="items")
    assert stream.final == Users.model_validate(USERS)
    text = json.dumps({"items": [USERS[0], {"id": 5, "name": ""}]})
    stream = PartialStream(PartialUsers, Users, [text], envelope="items")
    with pytest.raises(FinalValidationError, match=r"items\.1\.name") as caught:
        stream.final  # noqa: B018
    assert caught.value.text == text
    assert isinstance(caught.value.snapshot, PartialUsers)


def test_no_snapshot_before_the_list_nor_for_keys_beside_it() -> None:
    chunks = ['{"note": "x", ', '"items"', ": [", '{"id": 1}', '], "more": "text"', "}"]
    stream = PartialStream(PartialUsers, Users, chunks, envelope="items")
    dumps: list[Any] = []
    with pytest.raises(FinalValidationError, match="more"):
        for snap in stream:
            dumps.append((snap.model_dump(exclude_unset=True), len(stream.text)))
    # The last says the list is complete (its "]" changed nothing visible).
    assert dumps == [([], 24), ([{"id": 1}], 33), ([{"id": 1}], 51)]


def test_async_streams_read_the_envelope_too() -> None:
    async def source() -> AsyncIterator[str]:
        for chunk in ['{"items": ', *chunked(LIST, [4]), "}"]:
            yield chunk

    async def collect() -> tuple[list[User], list[Any], Users]:
        stream = AsyncPartialStream(PartialUsers, Users, source(), envelope="items")
        items = [user async for user in stream.elements()]
        stream = AsyncPartialStream(PartialUsers, Users, source(), envelope="items")
        dumps = [
            snap.model_dump(mode="json", by_alias=True, exclude_unset=True) async for snap in stream
        ]
        return items, dumps, await stream.get_final()

    items, dumps, final = asyncio.run(collect())
    assert items == final.root and dumps[-1] == USERS
    assert dumps == run(chunked(LIST, [4]), None)[0]


def test_elements_without_select_need_a_list() -> None:
    stream = PartialStream(PartialMeeting, Meeting, [])
    with pytest.raises(TypeError, match=r"elements\(\) without select needs .* a Meeting"):
        stream.elements()  # type: ignore[call-arg]
