"""Read-only views of open lists and maps: snapshots that never change and never copy."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemastream.runtime import PartialStream, SnapshotParser
from schemastream.runtime._views import NOTHING, ListView, MapStore, MapView

from ._json_checks import chunked
from .models import Meeting, PartialMeeting
from .test_patches import CASES, Free, PartialFree


@settings(max_examples=40, deadline=None)
@given(
    case=st.sampled_from([*CASES[:2], (PartialFree, Free, None)]),
    sizes=st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=8),
)
def test_an_old_snapshot_never_changes(case: Any, sizes: list[int]) -> None:
    partial, full, text = case
    if text is None:
        text = json.dumps({"data": {"a": [1, {"b": "c"}], "d/e": "f"}, "items": [[1], {}, "x"]})
    stream = PartialStream(partial, full, chunked(text, sizes))
    taken = []
    for snap in stream:
        taken.append((snap, snap.model_dump(mode="json", by_alias=True, exclude_unset=True)))
    for snap, dump in taken:
        assert snap.model_dump(mode="json", by_alias=True, exclude_unset=True) == dump


def test_an_open_list_is_a_view_of_one_shared_store() -> None:
    parser = SnapshotParser(PartialMeeting)
    parser.feed('{"users": [{"id": 1, "name": "A"}, {"id": 2, "name": "B')
    first = parser.value.users
    parser.feed('ob"}, {"id": 3, ')
    second = parser.value.users
    assert isinstance(first, ListView) and isinstance(second, ListView)
    assert first._items is second._items  # no copy of the items per snapshot
    assert [u.name for u in first] == ["A", "B"]
    assert [u.name for u in second] == ["A", "Bob", None]
    assert first[0] is second[0]  # finished items are shared
    parser.feed('"name": "C"}]}')
    closed = parser.finish().users
    assert type(closed) is list and closed[1] is second[1]


def test_list_views_behave_like_read_only_lists() -> None:
    items = [1, 2, 3]
    view = ListView(items, 2, 9)
    items.append(4)  # the store grows: the view does not
    assert list(view) == [1, 2, 9] and len(view) == 3
    assert view == [1, 2, 9] and view == [1, 2, 9] and view != [1, 2]
    assert view[-1] == 9 and view[0] == 1 and view[1:] == [2, 9]
    with pytest.raises(IndexError):
        view[3]
    assert repr(view) == "[1, 2, 9]"
    assert pickle.loads(pickle.dumps(view)) == [1, 2, 9]
    assert type(copy.deepcopy(view)) is list
    assert ListView(items, 4, NOTHING) == [1, 2, 3, 4]
    with pytest.raises(TypeError):
        hash(view)


def test_map_views_keep_what_they_saw_when_a_key_repeats() -> None:
    store: MapStore[int] = MapStore()
    store.add("a", 1)
    store.add("b", 2)
    before = MapView(store, "c", 3)
    store.add("a", 10)  # a repeated key: the last one wins, from now on
    store.add("c", 3)
    after = MapView(store, "", NOTHING)
    assert dict(before) == {"a": 1, "b": 2, "c": 3}
    assert dict(after) == {"a": 10, "b": 2, "c": 3}
    assert before == {"a": 1, "b": 2, "c": 3} and after == {"a": 10, "b": 2, "c": 3}
    assert "c" in before and "d" not in before and before.get("d") is None
    assert list(after) == ["a", "b", "c"] and len(after) == 3
    assert pickle.loads(pickle.dumps(before)) == {"a": 1, "b": 2, "c": 3}
    assert store.to_dict() == {"a": 10, "b": 2, "c": 3}
    with pytest.raises(KeyError):
        before["zz"]


def test_snapshots_with_views_dump_compare_and_type_like_lists() -> None:
    text = CASES[0][2]
    snapshots = list(PartialStream(PartialMeeting, Meeting, chunked(text, [7])))
    middle = next(s for s in snapshots if s.users and len(s.users) == 2 and not s.is_complete())
    assert isinstance(middle.users, ListView)
    assert middle.model_dump_json(exclude_unset=True)  # no serializer warning (they are errors)
    again = list(PartialStream(PartialMeeting, Meeting, chunked(text, [7])))
    assert again == snapshots  # snapshots compare equal field by field, views included
    assert middle.users == list(middle.users)
    assert middle.model_copy(deep=True) == middle
