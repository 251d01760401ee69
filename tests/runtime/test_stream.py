"""PartialStream and AsyncPartialStream: the end of a stream, errors that keep what arrived."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator

import pytest
from openai.types import CompletionUsage

from schemastream.runtime import (
    AsyncPartialStream,
    FinalValidationError,
    IncompleteJSONError,
    JSONParseError,
    LengthLimitError,
    LimitExceededError,
    PartialStream,
    SnapshotParser,
    StreamError,
    StreamSpec,
    parse_structured,
)

from .models import Meeting, PartialMeeting, PartialUser, User

GOOD = json.dumps({"title": "T", "date": "2026-01-02", "users": [{"id": 1, "name": "A"}]})


class Source:
    """A text source that records whether it was closed and may fail at the end."""

    def __init__(self, chunks: list[str], error: Exception | None = None) -> None:
        self.chunks = chunks
        self.error = error
        self.closed = 0
        self.usage = CompletionUsage(prompt_tokens=1, completion_tokens=2, total_tokens=3)

    def __iter__(self) -> Iterator[str]:
        yield from self.chunks
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self.closed += 1


def test_final_text_usage_and_close() -> None:
    source = Source([GOOD[:10], GOOD[10:]])
    with PartialStream(PartialMeeting, Meeting, source) as stream:
        snapshots = list(stream)
    assert snapshots[-1].title == "T"
    assert stream.final.users[0].name == "A"
    assert stream.text == GOOD
    assert stream.usage is not None and stream.usage.total_tokens == 3
    assert stream.done
    assert source.closed >= 1


def test_final_resumes_a_loop_left_early() -> None:
    stream = PartialStream(PartialMeeting, Meeting, list(GOOD))
    for _ in stream:
        break
    assert stream.final.title == "T"


def test_truncated_stream_raises_with_text_and_last_snapshot() -> None:
    stream = PartialStream(PartialMeeting, Meeting, [GOOD[:30]])
    with pytest.raises(IncompleteJSONError) as info:
        list(stream)
    assert info.value.text == GOOD[:30]
    assert isinstance(info.value.snapshot, PartialMeeting) and info.value.snapshot.title == "T"
    with pytest.raises(IncompleteJSONError):
        _ = stream.final


def test_malformed_json_error_says_where() -> None:
    text = '{"title": "T",\n  "users": [1 2]}'
    with pytest.raises(JSONParseError) as info:
        list(PartialStream(PartialMeeting, Meeting, [text]))
    err = info.value
    assert (err.line, err.column) == (2, 15)
    assert err.offset == text.index("2]")
    assert "line 2, column 15" in str(err) and "expected ','" in str(err)
    assert err.text == text


def test_source_errors_get_text_and_snapshot_filled_in() -> None:
    source = Source([GOOD[:25]], LengthLimitError("finish_reason was 'length'"))
    with pytest.raises(LengthLimitError) as info:
        list(PartialStream(PartialMeeting, Meeting, source))
    assert info.value.text == GOOD[:25]
    assert isinstance(info.value.snapshot, PartialMeeting) and info.value.snapshot.title == "T"
    assert source.closed >= 1


def test_final_validation_failure_carries_errors_and_snapshot() -> None:
    bad = json.dumps({"title": "T", "date": "not a date", "users": [{"id": 1, "name": ""}]})
    stream = PartialStream(PartialMeeting, Meeting, [bad])
    with pytest.raises(FinalValidationError) as info:
        list(stream)
    err = info.value
    locations = {tuple(e["loc"]) for e in err.errors}
    assert ("date",) in locations and ("users", 0, "name") in locations
    assert err.text == bad and err.snapshot is not None
    assert "users.0.name" in str(err)


@pytest.mark.parametrize(
    ("chunk", "named"),
    [(b'{"id": 1}', "bytes"), (7, "int"), (None, "NoneType"), ({"id": 1}, "dict")],
)
def test_a_chunk_that_is_not_text_is_a_type_error_naming_it(chunk: object, named: str) -> None:
    with pytest.raises(TypeError, match=f"must yield str chunks, not {named}"):
        list(PartialStream(PartialUser, User, ['{"id": 1, ', chunk]))  # type: ignore[list-item]

    async def chunks() -> AsyncIterator[object]:
        yield chunk

    async def main() -> None:
        stream = AsyncPartialStream(PartialUser, User, chunks())  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=f"not {named}"):
            await stream.get_final()

    asyncio.run(main())


def test_a_str_subclass_is_text() -> None:
    class Text(str):
        pass

    stream = PartialStream(PartialUser, User, [Text('{"id": 1, "name": "A"}')])
    assert stream.final == User(id=1, name="A")


@pytest.mark.parametrize(
    ("first", "error_type"),
    [('{"id": 1, "name": }', JSONParseError), ('{"id": 1', IncompleteJSONError)],
)
def test_retry_after_json_it_cannot_read(first: str, error_type: type[Exception]) -> None:
    seen: list[Exception] = []

    def retry(text: str, error: StreamError) -> list[str]:
        seen.append(error)
        return ['{"id": 1, "name": "again"}']

    stream = PartialStream(PartialUser, User, [first], retry=retry, max_retries=1)
    assert stream.final.name == "again"
    assert [type(e) for e in seen] == [error_type]


def test_an_async_source_is_started_once_by_await_enter_or_iteration() -> None:
    class Deferred:
        def __init__(self) -> None:
            self.started = 0

        async def start(self) -> None:
            self.started += 1

        def __aiter__(self) -> AsyncIterator[str]:
            async def chunks() -> AsyncIterator[str]:
                yield GOOD

            return chunks()

    async def main() -> None:
        source = Deferred()
        stream = AsyncPartialStream(PartialMeeting, Meeting, source)
        assert source.started == 0
        assert await stream is stream
        async with stream:
            assert (await stream.get_final()).title == "T"
        assert source.started == 3  # await, enter, first iteration: start() is idempotent

    asyncio.run(main())


def test_retry_streams_again_after_a_validation_failure() -> None:
    bad = json.dumps({"id": 1, "name": ""})
    attempts: list[str] = []

    def retry(text: str, error: StreamError) -> list[str]:
        attempts.append(text)
        return [json.dumps({"id": 1, "name": "fixed"})]

    stream = PartialStream(PartialUser, User, [bad], retry=retry, max_retries=1)
    assert stream.final.name == "fixed"
    assert stream.attempts == 2 and attempts == [bad]


def test_limits_are_configurable() -> None:
    with pytest.raises(LimitExceededError) as info:
        list(PartialStream(PartialUser, User, ["[" * 50], max_depth=10))
    assert info.value.limit == "max_depth"
    with pytest.raises(LimitExceededError):
        SnapshotParser(max_size=10).feed("[" + "1," * 20)


def test_tolerant_mode_skips_prose_and_fences() -> None:
    text = 'Sure! Here it is:\n```json\n{"id": 3, "name": "Z"}\n```\nAnything else?'
    stream = PartialStream(PartialUser, User, list(text), tolerant=True)
    assert stream.final == User(id=3, name="Z")
    assert stream.text == text


def test_parse_structured_uses_the_spec() -> None:
    spec = StreamSpec(name="User", partial=PartialUser, full=User, schema_json="{}")
    stream = parse_structured(spec, ['{"id": 5, "name": "N"}'])
    assert stream.final == User(id=5, name="N")
    assert spec.schema == {} and spec.strict_schema is None


def test_spec_loads_its_partial_class_on_first_use() -> None:
    calls: list[int] = []

    def load() -> type[PartialUser]:
        calls.append(1)
        return PartialUser

    spec = StreamSpec(name="User", load_partial=load, full=User, schema_json="{}")
    assert calls == []
    assert parse_structured(spec, ['{"id": 5, "name": "N"}']).final == User(id=5, name="N")
    assert spec.partial is PartialUser and spec.partial is PartialUser
    assert calls == [1]
    with pytest.raises(AttributeError, match="immutable"):
        spec.name = "Other"  # type: ignore[misc]


def test_spec_takes_exactly_one_partial() -> None:
    with pytest.raises(TypeError, match="exactly one of partial= or load_partial="):
        StreamSpec(name="User", full=User, schema_json="{}")
    with pytest.raises(TypeError, match="exactly one"):
        StreamSpec(
            name="User",
            partial=PartialUser,
            load_partial=lambda: PartialUser,
            full=User,
            schema_json="{}",
        )


def test_async_stream() -> None:
    async def chunks() -> AsyncIterator[str]:
        for c in GOOD:
            yield c

    async def main() -> None:
        async with AsyncPartialStream(PartialMeeting, Meeting, chunks()) as stream:
            titles = [s.title async for s in stream]
        assert "T" in titles
        assert (await stream.get_final()).users[0].id == 1
        assert stream.final.title == "T"

    asyncio.run(main())


def test_tolerant_mode_starts_at_the_bracket_the_model_expects() -> None:
    text = 'The [JSON] you asked for:\n{"id": 4, "name": "W"}'
    assert PartialStream(PartialUser, User, [text], tolerant=True).final == User(id=4, name="W")


def test_tolerant_mode_without_any_json_says_so() -> None:
    with pytest.raises(IncompleteJSONError, match="no JSON value"):
        list(PartialStream(PartialUser, User, ["I cannot help with that."], tolerant=True))
