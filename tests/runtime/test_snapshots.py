"""Snapshot semantics on Partial models: DESIGN.md "Snapshot semantics", rule by rule."""

from __future__ import annotations

import datetime
import itertools
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemastream.runtime import FinalValidationError, PartialStream, SnapshotParser

from ._json_checks import chunked, is_prefix, only_completion_repeats
from .models import (
    Drawing,
    Meeting,
    Node,
    PartialBreak,
    PartialCat,
    PartialCircle,
    PartialDog,
    PartialDrawing,
    PartialMeeting,
    PartialNode,
    PartialPet,
    PartialShelter,
    PartialSquare,
    PartialTagged,
    PartialTags,
    PartialTalk,
    PartialUser,
    Role,
    Shelter,
    Tagged,
)

MEETING = {
    "title": 'Kick-off \u00e9\u00e8 "quoted" \\ done \U0001f680',
    "date": "2026-11-21",
    "budget": 1234.5,
    "users": [
        {
            "id": 61,
            "name": "Ada",
            "email": None,
            "role": "admin",
            "address": {"city": "Z\u00fcrich", "zip-code": "8000"},
            "tags": ["a", "bc"],
        },
        {"name": "Bob", "id": 2, "tags": []},
    ],
    "agenda": [
        {"kind": "talk", "title": "Intro", "speaker": None},
        {"minutes": 15, "kind": "break"},
    ],
    "notes": {"room": "4.2", "food": "yes"},
    "summary": "All good.",
}


def _stream(text: str, sizes: list[int]) -> tuple[list[PartialMeeting], Meeting]:
    stream = PartialStream(PartialMeeting, Meeting, chunked(text, sizes))
    snapshots = list(stream)
    return snapshots, stream.final


def _dumps(snapshots: list[Any]) -> list[Any]:
    return [s.model_dump(mode="json", by_alias=True, exclude_unset=True) for s in snapshots]


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=12),
    indent=st.sampled_from([None, 2]),
)
def test_every_snapshot_is_a_prefix_of_the_final_value(
    sizes: list[int], indent: int | None
) -> None:
    text = json.dumps(MEETING, indent=indent)
    snapshots, final = _stream(text, sizes)
    expected = json.loads(text)
    dumps = _dumps(snapshots)
    assert only_completion_repeats(dumps, [snap.is_complete() for snap in snapshots])
    for previous, current in itertools.pairwise(dumps):
        assert is_prefix(previous, current)
    for dump in dumps:
        # Rule 5: exclude_unset dumps the JSON seen so far (numbers as their final values).
        assert is_prefix(dump, expected), dump
    assert final.model_dump(mode="json", by_alias=True) == Meeting.model_validate(
        expected
    ).model_dump(mode="json", by_alias=True)


def test_atomic_values_appear_only_when_complete_and_typed() -> None:
    text = json.dumps(MEETING)
    snapshots, _ = _stream(text, [1])
    seen_budgets = {s.budget for s in snapshots if s.budget is not None}
    assert seen_budgets == {1234.5}
    dates = {s.date for s in snapshots if s.date is not None}
    assert dates == {datetime.date(2026, 11, 21)}
    roles = {s.users[0].role for s in snapshots if s.users and s.users[0].role is not None}
    assert roles == {Role.admin}
    kinds = {
        type(item).__name__ + ":" + str(item.kind)
        for s in snapshots
        for item in (s.agenda or [])
        if item.kind is not None
    }
    assert kinds == {"PartialTalk:talk", "PartialBreak:break"}


def test_done_fields_appear_whole() -> None:
    snapshots, _ = _stream(json.dumps(MEETING), [1])
    assert {s.summary for s in snapshots if s.summary is not None} == {"All good."}


def test_not_null_holds_the_object_back_until_the_field_has_a_value() -> None:
    snapshots, _ = _stream(json.dumps(MEETING), [1])
    for snap in snapshots:
        for user in snap.users or []:
            assert user.id is not None
    bob = [s.users[1] for s in snapshots if s.users and len(s.users) > 1]
    assert bob[0].name == "Bob", "fields that arrived before the id appear with it"


def test_json_null_differs_from_not_yet_seen() -> None:
    snapshots, _ = _stream(json.dumps(MEETING), [1])
    ada = [s.users[0] for s in snapshots if s.users and s.users[0].name == "Ada"]
    assert "email" not in ada[0].model_fields_set
    assert "email" in ada[-1].model_fields_set and ada[-1].email is None


def test_completion_is_queryable() -> None:
    parser = SnapshotParser(PartialMeeting)
    parser.feed('{"title": "Plan", "users": [{"id": 1, "name": "A')
    snap = parser.value
    assert snap.is_complete("title") and not snap.is_complete("users")
    user = snap.users[0]
    assert user.is_complete("id") and not user.is_complete("name")
    assert not user.is_complete() and not snap.is_complete()
    parser.feed('da"}], "date": "2026-01-01"')
    snap = parser.value
    assert snap.users[0].is_complete() and snap.users[0].is_complete("name")
    assert snap.is_complete("users") and "users" in snap.completed_fields


def test_finished_subtrees_are_shared_by_identity() -> None:
    snapshots, _ = _stream(json.dumps(MEETING), [3])
    with_two = [s for s in snapshots if s.users and len(s.users) == 2]
    first_user = with_two[0].users[0]
    assert all(s.users[0] is first_user for s in with_two)
    assert first_user.is_complete()
    with_agenda = [s for s in snapshots if s.agenda and len(s.agenda) == 2]
    assert all(s.users is with_agenda[0].users for s in with_agenda)


def test_discriminated_union_resolves_by_its_tag_even_when_the_tag_comes_last() -> None:
    snapshots, _ = _stream(json.dumps(MEETING), [1])
    breaks = [s.agenda[1] for s in snapshots if s.agenda and len(s.agenda) > 1]
    assert all(isinstance(b, PartialBreak) for b in breaks)
    assert breaks[0].minutes == 15, "held back until the tag decided it, then shown whole"
    talks = [s.agenda[0] for s in snapshots if s.agenda]
    assert all(isinstance(t, PartialTalk) for t in talks)


def test_union_without_discriminator_resolves_by_keys_and_never_flips() -> None:
    doc = {"shapes": [{"radius": 1.5}, {"label": "sq", "side": 2}, {"side": 3}]}
    stream = PartialStream(PartialDrawing, Drawing, chunked(json.dumps(doc), [1]))
    seen: dict[int, set[str]] = {}
    for snap in stream:
        for index, item in enumerate(snap.shapes or []):
            seen.setdefault(index, set()).add(type(item).__name__)
    assert seen == {0: {"PartialCircle"}, 1: {"PartialSquare"}, 2: {"PartialSquare"}}
    assert isinstance(stream.snapshot, PartialDrawing)
    final_shapes = stream.final.shapes
    assert [type(s).__name__ for s in final_shapes] == ["Circle", "Square", "Square"]
    assert isinstance(stream.snapshot.shapes[0], PartialCircle)  # type: ignore[index]
    assert isinstance(stream.snapshot.shapes[1], PartialSquare)  # type: ignore[index]


def test_recursive_models() -> None:
    doc = {"name": "root", "children": [{"name": "a", "children": [{"name": "a1"}]}]}
    stream = PartialStream(PartialNode, Node, chunked(json.dumps(doc), [2]))
    last = list(stream)[-1]
    assert isinstance(last.children[0].children[0], PartialNode)  # type: ignore[index]
    assert stream.final == Node.model_validate(doc)


def test_root_models_and_done_lists() -> None:
    doc = {"tags": ["x", "yz"], "done_tags": ["p", "q"]}
    stream = PartialStream(PartialTagged, Tagged, chunked(json.dumps(doc), [1]))
    snapshots = list(stream)
    tags = [s.tags for s in snapshots if s.tags is not None]
    assert all(isinstance(t, PartialTags) for t in tags)
    assert [t.root for t in tags][:3] == [[], [""], ["x"]]
    assert {tuple(s.done_tags) for s in snapshots if s.done_tags is not None} == {("p", "q")}
    assert stream.final.tags.root == ["x", "yz"]


def test_user_partial_dump_is_the_json_seen_so_far() -> None:
    parser = SnapshotParser(PartialUser)
    parser.feed('{"id": 7, "email": null, "tags": ["a", "b')
    dump = parser.value.model_dump(by_alias=True, exclude_unset=True)
    assert dump == {"id": 7, "email": None, "tags": ["a", "b"]}


def test_mismatched_types_stay_out_of_the_snapshot_and_fail_at_the_end() -> None:
    parser = SnapshotParser(PartialMeeting)
    parser.feed('{"title": 5, "budget": "x", "users": {"x": 1}, "date": "nope", "notes": []}')
    assert parser.value.model_dump(exclude_unset=True) == {}
    assert parser.finish() is parser.value
    with pytest.raises(FinalValidationError):
        list(PartialStream(PartialMeeting, Meeting, [parser.text]))


def test_a_discriminated_object_with_only_shared_keys_waits_for_its_tag() -> None:
    parser = SnapshotParser(PartialMeeting)
    parser.feed('{"agenda": [{"kind')
    assert parser.value.agenda == []
    parser.feed('": "break"')
    assert isinstance(parser.value.agenda[0], PartialBreak)
    assert parser.value.agenda[0].kind == "break"


def test_unknown_keys_are_ignored_in_snapshots() -> None:
    parser = SnapshotParser(PartialUser)
    parser.feed('{"id": 1, "extra": {"deep": [1, 2, {"x": "y"}]}, "name": "N"}')
    assert parser.value.model_dump(exclude_unset=True) == {"id": 1, "name": "N"}


def test_sibling_unions_in_one_list_do_not_share_state() -> None:
    doc = {"shapes": [{"side": 1}, {"radius": 2}]}
    parser = SnapshotParser(PartialDrawing)
    parser.feed(json.dumps(doc))
    shapes = parser.finish().shapes
    assert isinstance(shapes[0], PartialSquare) and isinstance(shapes[1], PartialCircle)


def test_root_model_around_a_discriminated_union_keeps_its_wrapper_and_tag() -> None:
    doc = {"pets": [{"lives": 3, "petType": "dog"}, {"petType": "cat", "lives": 7}]}
    stream = PartialStream(PartialShelter, Shelter, chunked(json.dumps(doc), [3]))
    for snap in stream:
        for pet in snap.pets or []:
            assert isinstance(pet, PartialPet)
            assert isinstance(pet.root, (PartialCat, PartialDog))
    last = stream.snapshot
    assert last is not None and last.pets is not None
    assert [type(p.root).__name__ for p in last.pets] == ["PartialDog", "PartialCat"]
    assert [type(p.root).__name__ for p in stream.final.pets] == ["Dog", "Cat"]


def test_a_union_of_a_model_and_a_map_decides_without_crashing() -> None:
    parser = SnapshotParser(PartialShelter)
    parser.feed('{"pets": [], "extra": {"zzz": 5}}')
    assert parser.finish().extra == {"zzz": 5}


def test_not_null_is_not_satisfied_by_json_null() -> None:
    parser = SnapshotParser(PartialShelter)
    parser.feed('{"owner": {"id": null, "name": "N"')
    assert parser.value.owner is None
    parser.feed("}}")
    assert parser.finish().owner is None


def test_free_form_json_values_stream_as_plain_json() -> None:
    from pydantic import BaseModel, JsonValue

    from schemastream.runtime import PartialModel

    class Event(BaseModel):
        data: dict[str, JsonValue]

    class PartialEvent(PartialModel):
        data: dict[str, JsonValue] | None = None

    text = '{"data": {"a": [1, {"b": "xyz"}], "c": null}}'
    snapshots = [
        s.model_dump(exclude_unset=True) for s in PartialStream(PartialEvent, Event, list(text))
    ]
    assert {"data": {"a": [1, {"b": "xy"}]}} in snapshots
    assert snapshots[-1] == json.loads(text)


def test_an_undecided_union_nested_too_deep_gets_a_typed_error_not_recursion() -> None:
    from schemastream.runtime import LimitExceededError

    from .models import PartialForest

    depth = 2_000
    doc = '{"item": ' + '{"children": [' * depth + "]}" * depth + "}"
    parser = SnapshotParser(PartialForest, max_depth=None)
    with pytest.raises(LimitExceededError, match="put the discriminator") as info:
        parser.feed(doc)
        parser.finish()
    assert info.value.text == doc
    shallow = SnapshotParser(PartialForest)
    shallow.feed('{"item": {"children": [{"children": []}], "b": 1}}')
    assert type(shallow.finish().item).__name__ == "PartialBranchB"
