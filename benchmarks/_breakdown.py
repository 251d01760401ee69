"""Where a 1 KB stream's time goes: schemastream's cost per chunk, component by component.

Each row is the difference between two runs over the same chunks (the lexer alone, then
``feed`` without reading snapshots, then with, then as the main table runs it); the
snapshot objects are counted once and priced at their cost in a loop of their own.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from _docs import Doc, PartialAgendaItem, PartialDoc, build_document, chunk_text

from schemastream.runtime import SnapshotParser

# Private modules, read here only to take the parser apart: the lexer alone, and the two
# kinds of object each snapshot builds.
from schemastream.runtime._compile import shape_for
from schemastream.runtime._lexer import Lexer
from schemastream.runtime._model_shape import ModelShape
from schemastream.runtime._shape import Kind
from schemastream.runtime._views import ListView

_clock = time.process_time
ROUNDS = 9
RUNS = 100


class _NoSink:
    """Takes the lexer's tokens and does nothing: the lexer's cost alone."""

    def open(self, is_object: bool, offset: int) -> None: ...
    def key(self, key: str) -> None: ...
    def close(self, offset: int) -> None: ...
    def string_start(self, offset: int) -> None: ...
    def string_grew(self) -> None: ...
    def string_end(self, text: str, end: int) -> None: ...
    def scalar(
        self, value: bool | int | float | None, kind: Kind, start: int, end: int
    ) -> None: ...


@dataclass
class Breakdown:
    chunks: int
    snapshots: int
    models: int
    lists: int
    model_us: float  # one snapshot object, µs
    list_us: float
    rows: list[tuple[str, float]]  # component, µs per chunk


def _per_run(run: Callable[[], object]) -> float:
    """µs per call of ``run``: the best of batched runs, caches warm."""
    best = float("inf")
    for _ in range(ROUNDS):
        gc.collect()
        run()
        start = _clock()
        for _ in range(RUNS):
            run()
        best = min(best, (_clock() - start) / RUNS)
    return best * 1e6


def _counts(chunks: Sequence[str]) -> tuple[int, int, int]:
    """Snapshots, model instances and list views one stream builds (counted, not timed)."""
    built = {"model": 0, "list": 0}
    open_model = type(shape_for(PartialDoc).new())
    view, init = open_model.view, ListView.__init__

    def counted_view(self: object, name: str, child: object) -> object:
        built["model"] += 1
        return view(self, name, child)  # type: ignore[arg-type]

    def counted_init(self: ListView[object], *args: object) -> None:
        built["list"] += 1
        init(self, *args)  # type: ignore[arg-type]

    open_model.view = counted_view  # type: ignore[method-assign]
    ListView.__init__ = counted_init  # type: ignore[method-assign]
    try:
        parser = SnapshotParser(PartialDoc)
        snapshots = 0
        for chunk in chunks:
            if parser.feed(chunk):
                snapshots += 1
                parser.value  # noqa: B018 - building it is what is counted
    finally:
        open_model.view = view  # type: ignore[method-assign]
        ListView.__init__ = init  # type: ignore[method-assign]
    return snapshots, built["model"], built["list"]


def measure() -> Breakdown:
    chunks = chunk_text(build_document(1 << 10))

    def lex() -> None:
        lexer = Lexer(_NoSink(), max_depth=None, openers=None)
        base = 0
        for chunk in chunks:
            lexer.scan(chunk, base)
            base += len(chunk)

    def feed() -> None:
        parser = SnapshotParser(PartialDoc)
        for chunk in chunks:
            parser.feed(chunk)
        parser.finish()

    def read() -> None:
        parser = SnapshotParser(PartialDoc)
        for chunk in chunks:
            if parser.feed(chunk):
                parser.value  # noqa: B018 - reading the snapshot is the work
        parser.finish()

    def as_benchmarked() -> None:  # the main table's schemastream run
        def snapshots() -> Iterator[object]:
            parser = SnapshotParser(PartialDoc)
            for chunk in chunks:
                yield parser.value if parser.feed(chunk) else None
            parser.finish()
            Doc.model_validate_json(parser.text)

        for _ in snapshots():
            pass

    shape = shape_for(PartialAgendaItem)
    assert isinstance(shape, ModelShape)
    item = shape.new()
    item.add("kind", "talk")
    item.add("title", "Keynote")
    items: list[object] = [1, 2, 3]
    model_us = _per_run(lambda: [item.view("speaker", "Ana") for _ in range(100)]) / 100
    list_us = _per_run(lambda: [ListView(items, 3, "x") for _ in range(100)]) / 100

    snapshots, models, lists = _counts(chunks)
    lexer, fed, readd, whole = (_per_run(f) for f in (lex, feed, read, as_benchmarked))
    n = len(chunks)
    objects = (models * model_us, lists * list_us)
    rows = [
        ("lexer: text to tokens", lexer / n),
        ("frames and change record: tokens to values, feed()", (fed - lexer) / n),
        (f"snapshots: {models} model instances", objects[0] / n),
        (f"snapshots: {lists} list views", objects[1] / n),
        ("snapshots: the rest (path walk, open string, .value)", (readd - fed - sum(objects)) / n),
        ("the benchmark's loop and the final validation", (whole - readd) / n),
        ("total", whole / n),
    ]
    return Breakdown(n, snapshots, models, lists, model_us, list_us, rows)


def table(b: Breakdown) -> str:
    lines = [
        f"1 KB stream: {b.chunks} chunks, {b.snapshots} snapshots; one model instance "
        f"{b.model_us:.2f} µs, one list view {b.list_us:.2f} µs.",
        "",
        "| component | µs / chunk |",
        "|---|--:|",
    ]
    lines += [f"| {name} | {us:.2f} |" for name, us in b.rows]
    return "\n".join(lines)


METHOD = """\
**Where a 1 KB chunk's time goes.** schemastream's run at 1 KB taken apart: the lexer
alone (its tokens go to a sink that does nothing), `feed` without reading snapshots, `feed`
and `.value` on every change, and the main table's run (a generator, the final validation);
each row is the difference between two of these, the best of batched runs with warm caches.
The snapshot objects are counted in one stream and priced at their cost in a loop of their
own (a `PartialAgendaItem` with an open field, a list view), so "the rest" also holds what
that price leaves out (freeing the previous snapshot, colder caches)."""
