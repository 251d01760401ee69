"""PartialStream and AsyncPartialStream: text deltas in, typed snapshots out, a validated model.

A stream wraps a *text source* (any iterable of JSON text deltas; the client loop's
sources also report usage and raise typed errors for bad endings), feeds an incremental
parser, yields a snapshot whenever the visible value changes and, at the end, validates
the whole text once against the full model.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Sequence,
)
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, overload, runtime_checkable

from pydantic import BaseModel, ValidationError

from ._elements import ElementPath, ElementReader, ListStream
from ._envelope import Envelope
from ._errors import (
    FinalValidationError,
    IncompleteJSONError,
    JSONParseError,
    LimitExceededError,
    StreamError,
)
from ._parser import SnapshotParser
from ._patches import PatchOperation, PatchWriter
from ._schemas import SchemaTable, envelope_schema

if TYPE_CHECKING:
    from openai.types import CompletionUsage
    from openai.types.responses import ResponseUsage

__all__ = [
    "AsyncPartialStream",
    "AsyncTextSource",
    "PartialStream",
    "StreamSpec",
    "TextSource",
    "aparse_structured",
    "parse_structured",
]

P = TypeVar("P", bound=BaseModel)
F = TypeVar("F", bound=BaseModel)
T = TypeVar("T")


class StreamSpec(Generic[P, F]):
    """What generated code knows about one streamable model.

    The partial class comes as ``partial`` or, in generated code, as ``load_partial``: a
    function called on first use, so importing ``stream.py`` creates no partial class.
    The request schemas come as JSON text (``schema_json``, ``strict_schema_json``) or,
    in generated code, as the name of a definition in the package's ``SchemaTable``
    (``schemas``, ``root``; ``strict_root`` where the strict root is stored apart):
    assembled on first use and kept, so importing a generated package with many models
    stays cheap. Without a strict variant, ``strict_note`` says why. ``envelope`` is the
    key the API is asked to put the value under (``"items"`` for a root array: OpenAI
    needs an object at the root); the request schemas are the envelope's (JSON text is
    given so, a table's root is wrapped), and ``parse_*`` read the bare value.
    """

    name: str
    full: type[F]
    strict_note: str
    envelope: str | None
    load_partial: Callable[[], type[P]]
    schemas: SchemaTable | None
    root: str
    strict_root: str

    def __init__(
        self,
        *,
        name: str,
        full: type[F],
        schema_json: str | None = None,
        partial: type[P] | None = None,
        load_partial: Callable[[], type[P]] | None = None,
        strict_schema_json: str | None = None,
        description: str = "",
        strict_note: str = "",
        schemas: SchemaTable | None = None,
        root: str = "",
        strict_root: str = "",
        envelope: str | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "name": name,
            "full": full,
            "strict_note": strict_note,
            "schemas": schemas,
            "root": root,
            "strict_root": strict_root,
            "envelope": envelope,
        }
        if partial is not None and load_partial is None:
            values["load_partial"] = _returning(partial)
            values["partial"] = partial  # what the cached property would compute
        elif load_partial is not None and partial is None:
            values["load_partial"] = load_partial
        else:
            raise TypeError(f"StreamSpec {name!r}: give exactly one of partial= or load_partial=")
        if schema_json is not None and schemas is None:
            # Given as text: what the cached properties would compute from a table.
            values["schema_json"] = schema_json
            values["strict_schema_json"] = strict_schema_json
            values["description"] = description
        elif (
            schemas is None
            or not root
            or {schema_json, strict_schema_json} != {None}
            or description
        ):
            raise TypeError(
                f"StreamSpec {name!r}: give schema_json= (with strict_schema_json= and "
                "description=), or schemas= and root="
            )
        # Immutable like a frozen dataclass: attributes go straight into the instance dict.
        self.__dict__.update(values)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"StreamSpec is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"StreamSpec is immutable: cannot delete {name!r}")

    def __repr__(self) -> str:
        return f"StreamSpec(name={self.name!r}, full={self.full.__qualname__})"

    @cached_property
    def partial(self) -> type[P]:
        """The ``Partial<Name>`` class, created (with the classes it refers to) on first use."""
        return self.load_partial()

    @cached_property
    def _assembled(self) -> tuple[dict[str, Any], dict[str, str]]:
        if self.schemas is None:
            return json.loads(self.schema_json), {}
        return self.schemas.plain(self.root)

    @cached_property
    def _requested(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The plain request schema and its definitions' names: in the envelope, if any."""
        schema, names = self._assembled
        if self.envelope is None or self.schemas is None:
            return schema, names
        envelope, own = envelope_schema(schema, self.envelope, self.name)
        return envelope, ({**names, self.root: own} if own else names)

    @cached_property
    def schema(self) -> dict[str, Any]:
        """The plain JSON Schema, for ``tools`` and ``json`` modes."""
        return self._requested[0]

    @cached_property
    def strict_schema(self) -> dict[str, Any] | None:
        """The OpenAI strict-mode variant, or ``None`` where the schema cannot be strict."""
        if self.schemas is None:
            if self.strict_schema_json is None:
                return None
            value: dict[str, Any] = json.loads(self.strict_schema_json)
            return value
        if self.strict_note:
            return None
        return self.schemas.strict(
            self.root,
            self._requested[1],
            start=self.strict_root,
            envelope=self.envelope is not None,
        )

    @cached_property
    def schema_json(self) -> str:
        """The plain JSON Schema as compact JSON text."""
        return _compact(self.schema)

    @cached_property
    def strict_schema_json(self) -> str | None:
        """The strict variant as compact JSON text, or ``None``."""
        strict = self.strict_schema
        return None if strict is None else _compact(strict)

    @cached_property
    def description(self) -> str:
        """The root schema's description: what a tool or response format is described as."""
        text = self._assembled[0].get("description")  # the value's, not its envelope's
        return text if isinstance(text, str) else ""


def _compact(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, separators=(",", ":"))


def _returning(value: type[P]) -> Callable[[], type[P]]:
    return lambda: value


@runtime_checkable
class TextSource(Protocol):
    """A source of JSON text deltas with an end it can vouch for.

    Iterating yields text deltas; a bad ending (length, refusal, cut connection...)
    raises a ``StreamError`` whose ``text``/``snapshot`` the stream fills in. A source
    may also have a ``reasoning`` string: the model's reasoning so far, never parsed.
    """

    def __iter__(self) -> Iterator[str]: ...

    def close(self) -> None: ...

    @property
    def usage(self) -> CompletionUsage | ResponseUsage | None: ...


@runtime_checkable
class AsyncTextSource(Protocol):
    """The async twin of ``TextSource``.

    A source may also define ``async def start()``, which the stream awaits first (on
    ``await stream``, ``async with stream`` or the first iteration): the client loop
    sends its request there, so ``async with astream_x(...)`` needs no ``await``.
    """

    def __aiter__(self) -> AsyncIterator[str]: ...

    async def aclose(self) -> None: ...

    @property
    def usage(self) -> CompletionUsage | ResponseUsage | None: ...


Retry = Callable[[str, StreamError], Iterable[str]]
"""Called with the text and the error of an attempt that may be re-asked; the next source."""
AsyncRetry = Callable[[str, StreamError], Awaitable[AsyncIterable[str]]]


def _retryable(error: StreamError) -> bool:
    """Whether asking again may fix it: the answer itself was wrong (not a limit, a cut...).

    An ``IncompleteJSONError`` here comes from a normal finish: the bad endings (length,
    refusal, filter, cut) are their own errors, raised before.
    """
    if isinstance(error, JSONParseError):
        return not isinstance(error, LimitExceededError)
    return isinstance(error, (FinalValidationError, IncompleteJSONError))


def _not_text(chunk: object) -> None:
    """Refuse a chunk that is not text, naming what it is (a str subclass is text)."""
    if not isinstance(chunk, str):
        hint = " (decode bytes first)" if isinstance(chunk, (bytes, bytearray, int)) else ""
        raise TypeError(
            f"a text source must yield str chunks, not {type(chunk).__name__}: {chunk!r:.80}{hint}"
        )


async def _started(source: object) -> None:
    start = getattr(source, "start", None)
    if start is not None:
        await start()


class _StreamCore(Generic[P, F]):
    """State shared by the sync and async streams: parser, attempts, result.

    With an ``envelope`` the parser reads ``{envelope: <value>}``, and everything the
    stream shows (snapshots, ``final``, elements, patches) is of the value inside.
    """

    def __init__(
        self,
        partial: type[P],
        full: type[F],
        *,
        max_retries: int,
        tolerant: bool,
        max_depth: int | None,
        max_size: int | None,
        envelope: str | None,
    ) -> None:
        self._full = full
        self._envelope: Envelope[P, F] | None = None
        self._parsed: type[BaseModel] = partial
        if envelope is not None:
            self._envelope = Envelope(envelope, partial, full)
            self._parsed = self._envelope.partial
        self._max_retries = max_retries
        self._limits: dict[str, Any] = {"tolerant": tolerant}
        if max_depth is not None:
            self._limits["max_depth"] = max_depth
        if max_size is not None:
            self._limits["max_size"] = max_size
        self._parser = SnapshotParser(self._parsed, **self._limits)
        # What elements() and patches() ask of every attempt's parser.
        self._readers: list[ElementReader[Any]] = []
        self._record = False
        self._final: F | None = None
        self._error: StreamError | None = None
        self._finished = False
        self._closed = False
        self.attempts = 1
        self.usage: CompletionUsage | ResponseUsage | None = None

    @property
    def text(self) -> str:
        """The raw text received in the current attempt."""
        return self._parser.text

    @property
    def snapshot(self) -> P | None:
        """The last snapshot (``None`` before any)."""
        if self._envelope is not None:
            return self._envelope.inside(self._parser.value)
        value: P | None = self._parser.value
        return value

    @property
    def done(self) -> bool:
        """Whether the whole JSON value has been received."""
        return self._parser.complete

    @property
    def reasoning(self) -> str:
        """The reasoning text the model sent beside or before the JSON in the current
        attempt (``""`` when none): ``reasoning``/``reasoning_content`` deltas, Responses
        reasoning events, a leading ``<think>`` block. It never reaches the parser."""
        reasoning = getattr(self._current_source(), "reasoning", "")
        return reasoning if isinstance(reasoning, str) else ""

    def _current_source(self) -> object:
        raise NotImplementedError

    def _fill(self, exc: StreamError) -> StreamError:
        if not exc.text:
            exc.text = self._parser.text
        if exc.snapshot is None or self._envelope is not None:  # the parser's is the envelope
            exc.snapshot = self.snapshot
        exc.add_reasoning(self.reasoning)
        exc.attempts = self.attempts
        self._error = exc
        self._finished = True
        return exc

    def _end_of_attempt(self, source: object) -> None:
        """After a source ran out: check the JSON is complete, validate it once.

        Raises ``IncompleteJSONError`` or ``FinalValidationError`` (the ``ValidationError``
        as its cause); the caller decides whether to ask again.
        """
        self.usage = getattr(source, "usage", None)
        self._parser.finish()
        try:
            if self._envelope is None:
                model = self._full.model_validate_json(self._parser.json_text)
            else:
                model = self._envelope.validate_json(self._parser.json_text)
        except ValidationError as exc:
            error = FinalValidationError(
                self._full.__name__,
                exc.errors(include_url=False),
                text=self._parser.text,
                snapshot=self.snapshot,
            )
            raise error from exc
        self._final = model
        self._finished = True

    def _failed(self, error: StreamError, source: object, can_retry: bool) -> StreamError:
        """The attempt failed: return the error to ask again with, or raise it."""
        if self.usage is None:
            self.usage = getattr(source, "usage", None)
        if can_retry and self.attempts <= self._max_retries and _retryable(error):
            return error
        raise self._fill(error)

    def _restart(self) -> None:
        self.attempts += 1
        self.usage = None
        self._parser = SnapshotParser(self._parsed, **self._limits)
        self._parser.changes.record = self._record
        for reader in self._readers:
            reader.watch(self._parser.changes)

    # --- change streams: elements() and patches() ---------------------------------------

    def _element_reader(
        self, select: Callable[[F], Sequence[T]] | None, started: bool
    ) -> ElementReader[T]:
        path: ElementPath[T]
        if select is None:
            path = ElementPath.whole(self._full)
        else:
            path = ElementPath.of(self._full, select)
        if self._envelope is not None:
            path = path.inside(self._envelope.key)
        if started:
            raise RuntimeError("call elements() before reading the stream: items already read")
        reader = ElementReader(path, self._parser.changes)
        self._readers.append(reader)
        return reader

    def _completed_items(self, reader: ElementReader[T]) -> Iterator[T]:
        """The items the last feed completed, validated (retried attempts yield theirs too)."""
        parser = self._parser
        for item in reader.ready():
            text = parser.text_between(item.start, item.end)
            try:
                yield reader.validate(item, text)
            except FinalValidationError as exc:
                exc.text = parser.text  # joined only now: per item, it would be quadratic
                exc.snapshot = self.snapshot
                exc.attempts = self.attempts
                raise

    def _patch_writer(self, standard: bool, started: bool) -> PatchWriter:
        if started:
            raise RuntimeError("call patches() before reading the stream: changes already read")
        self._record = self._parser.changes.record = True
        return PatchWriter(standard=standard)

    def _operations(self, writer: PatchWriter) -> list[PatchOperation]:
        """The last feed's changes as operations on the stream's value."""
        operations = writer.operations(self._parser.changes.entries)
        if self._envelope is not None:
            return self._envelope.operations(operations)
        return operations

    def _require_final(self) -> F:
        if self._error is not None:
            raise self._error
        if self._final is None:
            # A usage error, not a broken stream: nothing was lost, nothing is missing.
            raise RuntimeError(
                "the stream has not been read to its end: iterate it (or use "
                "`await stream.get_final()`) before reading .final"
            )
        return self._final

    def _closed_early(self) -> RuntimeError:
        return RuntimeError(
            "the stream was closed before it finished; what arrived is in .text and .snapshot"
        )


class PartialStream(_StreamCore[P, F]):
    """Iterate for ``Partial<Name>`` snapshots; ``final`` is the validated ``<Name>``.

    With ``envelope="items"`` the text is ``{"items": <value>}`` (how a root array is asked
    of the API) and the snapshots, ``final``, ``elements()`` and ``patches()`` are of the
    value inside; ``text`` and the errors keep the text as received.

    >>> from pydantic import BaseModel
    >>> from schemastream.runtime import PartialModel
    >>> class Point(BaseModel):
    ...     x: int
    ...     y: int
    >>> class PartialPoint(PartialModel):
    ...     x: int | None = None
    ...     y: int | None = None
    >>> stream = PartialStream(PartialPoint, Point, ['{"x": 1', '2, "y"', ': 3}'])
    >>> [snap.model_dump(exclude_unset=True) for snap in stream]
    [{}, {'x': 12}, {'x': 12, 'y': 3}]
    >>> stream.final
    Point(x=12, y=3)
    """

    def __init__(
        self,
        partial: type[P],
        full: type[F],
        source: Iterable[str],
        *,
        retry: Retry | None = None,
        max_retries: int = 0,
        tolerant: bool = False,
        max_depth: int | None = None,
        max_size: int | None = None,
        envelope: str | None = None,
    ) -> None:
        super().__init__(
            partial,
            full,
            max_retries=max_retries,
            tolerant=tolerant,
            max_depth=max_depth,
            max_size=max_size,
            envelope=envelope,
        )
        self._source = source
        self._retry = retry
        self._snapshots: Iterator[P] | None = None
        self._steps: Iterator[P] | None = None

    def _current_source(self) -> object:
        return self._source

    def __iter__(self) -> Iterator[P]:
        # One iterator per stream: a loop left early can be resumed, e.g. by ``final``.
        if self._snapshots is None:
            steps = self._shared_run()
            if self._envelope is not None:
                self._snapshots = self._envelope.snapshots(steps)
            else:
                # Without element streams the run yields changed snapshots only: no filter.
                self._snapshots = (
                    (s for s in steps if self._parser.changes.changed) if self._readers else steps
                )
        return self._snapshots

    @overload
    def elements(self: ListStream[T]) -> Iterator[T]: ...

    @overload
    def elements(self, select: Callable[[F], Sequence[T]]) -> Iterator[T]: ...

    def elements(self, select: Callable[[F], Sequence[T]] | None = None) -> Iterator[T]:
        """Each item of the list ``select`` names, validated as the full item type, as it completes.

        ``select`` is a chain of attributes of the full model (``lambda m: m.users``,
        ``lambda m: m.agenda.items``), recorded once; without it, the items of a stream
        whose value is a list (a root model of a list, such as a JSON Schema's root array).
        An item that fails validation raises ``FinalValidationError`` naming its index;
        ``final`` works after. Call it before reading the stream.
        """
        reader = self._element_reader(select, started=self._steps is not None)
        return self._elements(reader)

    def _elements(self, reader: ElementReader[T]) -> Iterator[T]:
        for _ in self._shared_run():
            if self._parser.changes.items:
                yield from self._completed_items(reader)

    def patches(self, *, standard: bool = False) -> Iterator[list[PatchOperation]]:
        """Per snapshot, the JSON Patch operations that turn the previous snapshot's JSON into it.

        Applied in order to ``None``, they give each snapshot's
        ``model_dump(mode="json", by_alias=True, exclude_unset=True)``. A growing string is
        an ``append`` of its new text; ``standard=True`` sends RFC 6902 ``replace`` instead.
        Call it before reading the stream.
        """
        writer = self._patch_writer(standard, started=self._steps is not None)
        return (self._operations(writer) for _ in self)

    def _shared_run(self) -> Iterator[P]:
        if self._steps is None:
            self._steps = self._run()
        return self._steps

    def _run(self) -> Iterator[P]:
        try:
            while True:
                parser = self._parser
                feed = parser.feed
                try:
                    for chunk in self._source:
                        if chunk.__class__ is not str:
                            _not_text(chunk)
                        # Also when an item of a list elements() watches completed unseen.
                        if feed(chunk) or parser.changes.items:
                            yield parser.value
                    self._end_of_attempt(self._source)
                    return
                except StreamError as exc:
                    failure = self._failed(exc, self._source, self._retry is not None)
                assert self._retry is not None
                self._close_source()
                try:
                    self._source = self._retry(parser.text, failure)
                except StreamError as exc:  # past the deadline before asking again
                    raise self._fill(exc) from failure
                self._restart()
        finally:
            self._close_source()

    @property
    def final(self) -> F:
        """The full model, validated once; consumes the rest of the stream if needed."""
        if self._closed and not self._finished:
            raise self._closed_early()
        if not self._finished:
            for _ in self:
                pass
        return self._require_final()

    def close(self) -> None:
        """Close the underlying HTTP response (if any) at once."""
        self._closed = True
        self._close_source()

    def __del__(self) -> None:
        # Dropped before (or without) iterating: hang up now, not when the GC gets to it.
        with contextlib.suppress(Exception):
            self._close_source()

    def _close_source(self) -> None:
        close = getattr(self._source, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> PartialStream[P, F]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncPartialStream(_StreamCore[P, F]):
    """The async twin of ``PartialStream``: ``async for`` snapshots, then ``await get_final()``.

    ``async with stream``, ``async for snap in stream`` and ``await stream`` (which
    returns the stream) all work directly; a client stream sends its request at the
    first of them, so HTTP errors raise there.
    """

    def __init__(
        self,
        partial: type[P],
        full: type[F],
        source: AsyncIterable[str],
        *,
        retry: AsyncRetry | None = None,
        max_retries: int = 0,
        tolerant: bool = False,
        max_depth: int | None = None,
        max_size: int | None = None,
        envelope: str | None = None,
    ) -> None:
        super().__init__(
            partial,
            full,
            max_retries=max_retries,
            tolerant=tolerant,
            max_depth=max_depth,
            max_size=max_size,
            envelope=envelope,
        )
        self._source = source
        self._retry = retry
        self._snapshots: AsyncIterator[P] | None = None
        self._steps: AsyncIterator[P] | None = None

    def _current_source(self) -> object:
        return self._source

    def __aiter__(self) -> AsyncIterator[P]:
        if self._snapshots is None:
            if self._envelope is not None:
                self._snapshots = self._envelope.asnapshots(self._shared_run())
            else:
                # Without element streams the run yields changed snapshots only: no filter.
                self._snapshots = self._changed_snapshots() if self._readers else self._shared_run()
        return self._snapshots

    async def _changed_snapshots(self) -> AsyncIterator[P]:
        async for snapshot in self._shared_run():
            if self._parser.changes.changed:
                yield snapshot

    @overload
    def elements(self: ListStream[T]) -> AsyncIterator[T]: ...

    @overload
    def elements(self, select: Callable[[F], Sequence[T]]) -> AsyncIterator[T]: ...

    def elements(self, select: Callable[[F], Sequence[T]] | None = None) -> AsyncIterator[T]:
        """The async twin of ``PartialStream.elements``."""
        reader = self._element_reader(select, started=self._steps is not None)
        return self._elements(reader)

    async def _elements(self, reader: ElementReader[T]) -> AsyncIterator[T]:
        async for _ in self._shared_run():
            if self._parser.changes.items:
                for item in self._completed_items(reader):
                    yield item

    def patches(self, *, standard: bool = False) -> AsyncIterator[list[PatchOperation]]:
        """The async twin of ``PartialStream.patches``."""
        writer = self._patch_writer(standard, started=self._steps is not None)
        return self._patches(writer)

    async def _patches(self, writer: PatchWriter) -> AsyncIterator[list[PatchOperation]]:
        async for _ in self:
            yield self._operations(writer)

    def _shared_run(self) -> AsyncIterator[P]:
        if self._steps is None:
            self._steps = self._run()
        return self._steps

    async def _run(self) -> AsyncIterator[P]:
        try:
            await _started(self._source)
            while True:
                parser = self._parser
                feed = parser.feed
                try:
                    async for chunk in self._source:
                        if chunk.__class__ is not str:
                            _not_text(chunk)
                        # Also when an item of a list elements() watches completed unseen.
                        if feed(chunk) or parser.changes.items:
                            yield parser.value
                    self._end_of_attempt(self._source)
                    return
                except StreamError as exc:
                    failure = self._failed(exc, self._source, self._retry is not None)
                assert self._retry is not None
                await self._close_source()
                try:
                    self._source = await self._retry(parser.text, failure)
                except StreamError as exc:
                    raise self._fill(exc) from failure
                self._restart()
        finally:
            await self._close_source()

    @property
    def final(self) -> F:
        """The full model; available once the stream has been iterated to its end."""
        return self._require_final()

    async def get_final(self) -> F:
        """The full model, validated once; consumes the rest of the stream if needed."""
        if self._closed and not self._finished:
            raise self._closed_early()
        if not self._finished:
            async for _ in self:
                pass
        return self._require_final()

    async def aclose(self) -> None:
        """Close the underlying HTTP response (if any) at once."""
        self._closed = True
        await self._close_source()

    async def _close_source(self) -> None:
        aclose = getattr(self._source, "aclose", None)
        if aclose is not None:
            await aclose()

    def __await__(self) -> Generator[Any, None, AsyncPartialStream[P, F]]:
        return self._start().__await__()

    async def _start(self) -> AsyncPartialStream[P, F]:
        await _started(self._source)
        return self

    async def __aenter__(self) -> AsyncPartialStream[P, F]:
        return await self._start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def parse_structured(spec: StreamSpec[P, F], chunks: Iterable[str]) -> PartialStream[P, F]:
    """Stream snapshots of ``spec``'s model from any source of JSON text chunks."""
    return PartialStream(spec.partial, spec.full, chunks)


def aparse_structured(
    spec: StreamSpec[P, F], chunks: AsyncIterable[str]
) -> AsyncPartialStream[P, F]:
    """The async twin of ``parse_structured``."""
    return AsyncPartialStream(spec.partial, spec.full, chunks)
