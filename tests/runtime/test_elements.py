"""stream.elements(select): the items of one list, each validated as soon as it completes."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field

from schemastream.runtime import (
    AsyncPartialStream,
    FinalValidationError,
    PartialModel,
    PartialStream,
    SnapshotList,
)

from ._json_checks import chunked
from .models import (
    Break,
    Meeting,
    PartialMeeting,
    PartialTagged,
    PartialTags,
    Tagged,
    Tags,
    Talk,
    User,
)
from .test_patches import CASES


class Task(BaseModel):
    title: str
    minutes: int = Field(ge=0)


class Agenda(BaseModel):
    items: list[Task]


class Plan(BaseModel):
    name: str
    agenda: Agenda | None = None
    later: list[Task] = Field(default=[], alias="later-tasks")


class PartialTask(PartialModel):
    title: str | None = None
    minutes: int | None = None


class PartialAgenda(PartialModel):
    items: SnapshotList[PartialTask] | None = None


class PartialPlan(PartialModel):
    __stream_done__: ClassVar[frozenset[str]] = frozenset({"later"})

    name: str | None = None
    agenda: PartialAgenda | None = None
    later: SnapshotList[PartialTask] | None = Field(default=None, alias="later-tasks")


PLAN = {
    "name": "week",
    "agenda": {"items": [{"title": "a", "minutes": 5}, {"title": "b]}", "minutes": 10}]},
    "later-tasks": [{"title": "c", "minutes": 1}],
}


class _Reads:
    """A chunk source that records how many chunks were read when."""

    def __init__(self, chunks: list[str]) -> None:
        self.chunks = chunks
        self.read = 0

    def __iter__(self) -> Iterator[str]:
        for chunk in self.chunks:
            self.read += 1
            yield chunk


def test_each_item_comes_before_the_next_chunk_is_read() -> None:
    text = json.dumps(PLAN)
    source = _Reads(chunked(text, [1]))
    stream = PartialStream(PartialPlan, Plan, source)
    seen: list[tuple[Task, int]] = [(task, source.read) for task in stream.elements(_items)]
    assert [task for task, _ in seen] == [Task(title="a", minutes=5), Task(title="b]}", minutes=10)]
    for task, read in seen:
        # The chunk holding the item's closing brace (one character each) was the last read.
        item = json.dumps(task.model_dump())
        assert read == text.index(item) + len(item)
    assert stream.final == Plan.model_validate(PLAN)


def _items(plan: Plan) -> list[Task]:
    assert plan.agenda is not None
    return plan.agenda.items


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=8))
def test_items_are_the_final_list_under_any_chunking(sizes: list[int]) -> None:
    case = CASES[0]  # a Meeting with users that arrive before their id (held back)
    stream = PartialStream(PartialMeeting, Meeting, chunked(case[2], sizes))
    users = list(stream.elements(lambda m: m.users))
    assert users == stream.final.users
    stream = PartialStream(PartialMeeting, Meeting, chunked(case[2], sizes))
    agenda = list(stream.elements(lambda m: m.agenda))
    assert agenda == stream.final.agenda
    assert [type(item) for item in agenda] == [Break, Talk]


def test_a_list_shown_only_when_done_still_streams_its_items() -> None:
    stream = PartialStream(PartialPlan, Plan, chunked(json.dumps(PLAN), [3]))
    assert list(stream.elements(lambda p: p.later)) == [Task(title="c", minutes=1)]


def test_an_invalid_item_raises_naming_its_index() -> None:
    doc = {"name": "n", "agenda": {"items": [{"title": "a", "minutes": 1}, {"minutes": -4}]}}
    stream = PartialStream(PartialPlan, Plan, chunked(json.dumps(doc), [5]))
    items = stream.elements(_items)
    assert next(items) == Task(title="a", minutes=1)
    with pytest.raises(FinalValidationError, match=r"Task at agenda\.items\[1\]") as info:
        next(items)
    locations = {tuple(error["loc"]) for error in info.value.errors}
    assert locations == {("agenda", "items", 1, "title"), ("agenda", "items", 1, "minutes")}
    assert info.value.snapshot is not None
    assert info.value.text == stream.text  # what was received, not just the item


@pytest.mark.parametrize(
    ("select", "message"),
    [
        (lambda m: m.users[0], r"indexed \[0\] after m\.users"),
        (lambda m: m.title, r"Meeting\.title is <class 'str'>, not a list"),
        (lambda m: m.nope, r"Meeting has no field 'nope'"),
        (lambda m: [m.users], r"it returned \["),
        (lambda m: m.users.count(), r"it called m\.users\.count"),
        (lambda m: m.title.upper, r"Meeting\.title is not a model"),
    ],
)
def test_select_must_be_an_attribute_chain_to_a_list(select: Any, message: str) -> None:
    stream = PartialStream(PartialMeeting, Meeting, [])
    with pytest.raises(TypeError, match="select must be a chain of attributes") as info:
        stream.elements(select)
    assert info.match(message)


def test_elements_must_come_before_reading() -> None:
    stream = PartialStream(PartialMeeting, Meeting, chunked(CASES[0][2], [50]))
    next(iter(stream))
    with pytest.raises(RuntimeError, match="before reading"):
        stream.elements(lambda m: m.users)


def test_snapshots_after_elements_have_no_repeats() -> None:
    stream = PartialStream(PartialMeeting, Meeting, chunked(CASES[0][2], [1]))
    users = stream.elements(lambda m: m.users)
    first: User = next(users)
    assert first.name == "Ada"
    dumps = [snap.model_dump(exclude_unset=True) for snap in stream]  # the rest, as snapshots
    assert all(a != b for a, b in itertools.pairwise(dumps[:-1]))  # the last may say "complete"
    assert stream.final.users[0] == first


def test_async_elements() -> None:
    text = json.dumps(PLAN)

    async def source() -> AsyncIterator[str]:
        for chunk in chunked(text, [4]):
            yield chunk

    async def collect() -> tuple[list[Task], Plan]:
        stream = AsyncPartialStream(PartialPlan, Plan, source())
        tasks = [task async for task in stream.elements(_items)]
        return tasks, await stream.get_final()

    tasks, final = asyncio.run(collect())
    assert final.agenda is not None and tasks == final.agenda.items


def test_the_root_of_a_root_model_is_no_key() -> None:
    text = '{"tags": ["a", "bc"], "done_tags": []}'
    stream = PartialStream(PartialTagged, Tagged, chunked(text, [3]))
    assert list(stream.elements(lambda m: m.tags.root)) == ["a", "bc"]
    stream = PartialStream(PartialTags, Tags, chunked('["a", "bc"]', [3]))
    assert list(stream.elements(lambda m: m.root)) == list(stream.final.root)
