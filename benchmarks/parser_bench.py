"""Parser benchmark: schemastream's incremental SnapshotParser against the streaming peers.

Every contender turns the same seeded 1..8-character chunks of a ~1 KB to ~1 MB document
into one ``Doc`` snapshot per chunk. Then flat arrays and wide dicts up to 16 MB (does the
cost per chunk stay flat?), and ``patches()``/``elements()`` beside the snapshots. The script
prints library versions, the tables and a PASS/FAIL line per target (issues 3 and 12), and
writes ``docs/benchmarks-parser.md`` and ``docs/parser-loglog.png``. Run it from the
repository root (about 5 minutes of CPU; the 16 MB documents are read once each):

    .venv-bench/bin/python benchmarks/parser_bench.py
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.metadata
import math
import platform
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _breakdown
import _change_streams
import _scaling
import jiter
import partial_json_parser
from _docs import KINDS, AllOptionalDoc, Doc, PartialDoc, build_document, chunk_text
from instructor import Partial
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletionChunk
from pydantic import BaseModel, TypeAdapter

from schemastream.runtime import PartialModel, SnapshotParser

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"1 KB": 1 << 10, "10 KB": 10 << 10, "100 KB": 100 << 10, "1 MB": 1 << 20}
CHECKED_CHUNKS = 3000  # quality columns look at the first chunks of each stream
PROBES = 8  # evenly spaced chunks timed to project the cost of a full run
SAMPLES = (16, 96)  # fewest and most chunks timed when a full run would exceed the budget
MIN_RUN_SECONDS = 0.3  # short runs are repeated until this much time was spent; min is kept

# CPU time of this process: other work on a shared machine does not count against anyone.
_clock = time.process_time

Snapshot = Any  # a Partial model, a plain dict (the openai SDK) or None (no snapshot)


# --- contenders ----------------------------------------------------------------------------


class Contender:
    """One way to turn text chunks into snapshots; subclasses override the three hooks."""

    name = ""

    def prepare(self, chunks: Sequence[str]) -> Sequence[Any]:
        """What the contender consumes per chunk (built outside the timed region)."""
        return chunks

    def snapshots(self, items: Sequence[Any], *, final: bool) -> Iterator[Snapshot]:
        """One snapshot (or None) per item; with ``final``, validate the whole text at the end."""
        raise NotImplementedError

    def step(self, text: str, items: Sequence[Any], ends: Sequence[int], k: int) -> float:
        """Seconds spent on chunk ``k`` alone, with chunks ``0..k-1`` already consumed."""
        raise NotImplementedError

    def final(self, text: str) -> float:
        """Seconds spent on the end of the stream (the final validation)."""
        start = _clock()
        Doc.model_validate_json(text)
        return _clock() - start


class SchemaStream(Contender):
    name = "schemastream"
    partial: type[BaseModel] = PartialDoc
    full: type[BaseModel] = Doc

    def snapshots(self, items: Sequence[Any], *, final: bool) -> Iterator[Snapshot]:
        parser = SnapshotParser(self.partial)
        for chunk in items:
            yield parser.value if parser.feed(chunk) else None
        if final:
            parser.finish()
            self.full.model_validate_json(parser.text)

    def step(self, text: str, items: Sequence[Any], ends: Sequence[int], k: int) -> float:
        parser = SnapshotParser(self.partial)
        if k:
            parser.feed(text[: ends[k - 1]])
        start = _clock()
        if parser.feed(items[k]):
            parser.value  # noqa: B018 - reading the snapshot is part of the work
        return _clock() - start


class FromClasses(SchemaStream):
    """The twin ``schemastream generate _docs:Doc`` writes from ``Doc`` as the user's class."""

    name = "schemastream from user classes"

    def __init__(self) -> None:
        from schemastream.generator import ClassesInput, build

        files = build(ClassesInput("_docs", ("Doc",), Path(__file__).parent)).files
        self._dir = tempfile.TemporaryDirectory()
        package = Path(self._dir.name, "docs_from_classes")
        package.mkdir()
        for file_name, text in files.items():
            (package / file_name).write_text(text, encoding="utf-8")
        sys.path.insert(0, self._dir.name)
        spec = importlib.import_module("docs_from_classes").DOC_SPEC
        assert spec.full is Doc
        self.partial, self.full = spec.partial, spec.full


def _text_deltas(completion: Any) -> Iterator[str]:
    """The stream extractor: our "completion" is already the list of text deltas."""
    yield from completion


class Instructor(Contender):
    name = "instructor Partial[Doc]"

    def __init__(self) -> None:
        self.model: Any = Partial[Doc]

    def snapshots(self, items: Sequence[Any], *, final: bool) -> Iterator[Snapshot]:
        # Its streaming path: from_streaming_response -> model_from_chunks, which yields one
        # object per chunk and validates the whole text once the stream ends.
        stream = self.model.from_streaming_response(items, stream_extractor=_text_deltas)
        if final:
            yield from stream
            return
        for _ in items:
            yield next(stream)

    def step(self, text: str, items: Sequence[Any], ends: Sequence[int], k: int) -> float:
        prefix = [text[: ends[k - 1]]] if k else []
        stream = self.model.from_streaming_response(
            [*prefix, items[k]], stream_extractor=_text_deltas
        )
        if prefix:
            next(stream)
        start = _clock()
        next(stream)
        return _clock() - start

    def final(self, text: str) -> float:
        stream = self.model.from_streaming_response([text], stream_extractor=_text_deltas)
        next(stream)
        start = _clock()
        for _ in stream:  # the final validation runs when the generator ends
            pass
        return _clock() - start


def _sse_chunk(content: str | None, *, first: bool = False, finish: bool = False) -> Any:
    delta: dict[str, Any] = {} if content is None else {"content": content}
    if first:
        delta["role"] = "assistant"
    return ChatCompletionChunk.model_validate(
        {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": 1_763_700_000,
            "model": "bench",
            "choices": [{"index": 0, "delta": delta, "finish_reason": "stop" if finish else None}],
        }
    )


class OpenAIState(Contender):
    name = "openai ChatCompletionStreamState"

    def prepare(self, chunks: Sequence[str]) -> Sequence[Any]:
        built = [_sse_chunk(c, first=i == 0) for i, c in enumerate(chunks)]
        return [*built, _sse_chunk(None, finish=True)]

    def snapshots(self, items: Sequence[Any], *, final: bool) -> Iterator[Snapshot]:
        # The SDK's per-chunk product is ``message.parsed``: jiter's partial dict, not a model.
        state: ChatCompletionStreamState[Doc] = ChatCompletionStreamState(response_format=Doc)
        for chunk in items[:-1]:
            state.handle_chunk(chunk)
            yield state.current_completion_snapshot.choices[0].message.parsed
        if final:
            state.handle_chunk(items[-1])
            state.get_final_completion()

    def step(self, text: str, items: Sequence[Any], ends: Sequence[int], k: int) -> float:
        state: ChatCompletionStreamState[Doc] = ChatCompletionStreamState(response_format=Doc)
        state.handle_chunk(_sse_chunk(text[: ends[k - 1]] if k else "", first=True))
        start = _clock()
        state.handle_chunk(items[k])
        state.current_completion_snapshot.choices[0].message.parsed  # noqa: B018
        return _clock() - start

    def final(self, text: str) -> float:
        state: ChatCompletionStreamState[Doc] = ChatCompletionStreamState(response_format=Doc)
        state.handle_chunk(_sse_chunk(text, first=True))
        end = _sse_chunk(None, finish=True)
        start = _clock()
        state.handle_chunk(end)
        state.get_final_completion()
        return _clock() - start


class Reparse(Contender):
    """The do-it-yourself peers: re-parse the whole buffer on every chunk, then validate."""

    def __init__(self, name: str, parse: Callable[[str], Any]) -> None:
        self.name = name
        self.parse = parse

    def snapshots(self, items: Sequence[Any], *, final: bool) -> Iterator[Snapshot]:
        parse = self.parse
        buf = ""
        for chunk in items:
            buf += chunk
            try:
                yield parse(buf)
            except ValueError:  # pydantic's ValidationError and the parsers' errors
                yield None
        if final:
            Doc.model_validate_json(buf)

    def step(self, text: str, items: Sequence[Any], ends: Sequence[int], k: int) -> float:
        prefix = text[: ends[k - 1]] if k else ""
        start = _clock()
        buf = prefix + items[k]
        with contextlib.suppress(ValueError):
            self.parse(buf)
        return _clock() - start


def _jiter_parse(buf: str) -> Any:
    return PartialDoc.model_validate(jiter.from_json(buf.encode(), partial_mode="trailing-strings"))


_ALL_OPTIONAL: TypeAdapter[AllOptionalDoc] = TypeAdapter(AllOptionalDoc)


def _pydantic_parse(buf: str) -> Any:
    return _ALL_OPTIONAL.validate_json(buf, experimental_allow_partial="trailing-strings")


def _pjp_parse(buf: str) -> Any:
    return PartialDoc.model_validate(partial_json_parser.loads(buf))


def contenders() -> list[Contender]:
    return [
        SchemaStream(),
        FromClasses(),
        Instructor(),
        OpenAIState(),
        Reparse("jiter partial + model_validate", _jiter_parse),
        Reparse("pydantic experimental_allow_partial", _pydantic_parse),
        Reparse("partial-json-parser + model_validate", _pjp_parse),
    ]


FLOOR = "floor: one model_validate_json"


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Quality:
    checked: int = 0
    snapshots: int = 0
    duplicates: int = 0
    premature: int = 0
    partial_literals: int = 0


@dataclass
class Result:
    contender: str
    size: str
    nbytes: int
    chunks: int
    seconds: float
    extrapolated: bool = False
    quality: Quality | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def us_per_chunk(self) -> float:
        return self.seconds * 1e6 / self.chunks


_MISSING: Any = object()


def _plain(snapshot: Snapshot) -> Any:
    if isinstance(snapshot, BaseModel):
        return snapshot.model_dump(exclude_unset=True)
    return snapshot


def _says_complete(snapshot: Snapshot) -> bool | None:
    """What a snapshot says of its completion (a partial model can say; the peers' cannot)."""
    return snapshot.is_complete() if isinstance(snapshot, PartialModel) else None


def _premature_numbers(value: Any, final: Any) -> int:
    """Numbers in ``value`` that differ from (or are absent in) ``final`` at the same path."""
    count = 0
    stack = [(value, final)]
    while stack:
        seen, end = stack.pop()
        if isinstance(seen, dict):
            for key, item in seen.items():
                stack.append((item, end.get(key, _MISSING) if isinstance(end, dict) else _MISSING))
        elif isinstance(seen, list):
            for i, item in enumerate(seen):
                ok = isinstance(end, list) and i < len(end)
                stack.append((item, end[i] if ok else _MISSING))
        elif isinstance(seen, int | float) and not isinstance(seen, bool):
            count += end is _MISSING or isinstance(end, bool) or seen != end
    return count


def _partial_literals(value: Any) -> int:
    agenda = value.get("agenda") if isinstance(value, dict) else None
    return sum(
        1
        for item in agenda or ()
        if isinstance(item, dict) and item.get("kind") is not None and item["kind"] not in KINDS
    )


def check_quality(contender: Contender, chunks: Sequence[str], final_value: Any) -> Quality:
    """Snapshots, duplicates, premature numbers and partial Literals over the first chunks."""
    checked = list(chunks[:CHECKED_CHUNKS])
    whole = len(checked) == len(chunks)
    items = contender.prepare(checked)
    quality = Quality(checked=len(checked))
    previous: Any = _MISSING
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # model_construct'ed snapshots warn when dumped
        for snapshot in contender.snapshots(items, final=whole):
            if snapshot is None:
                continue
            # The last snapshot may repeat the one before when it says, alone, "complete".
            plain = (_plain(snapshot), _says_complete(snapshot))
            quality.snapshots += 1
            quality.duplicates += plain == previous
            quality.premature += _premature_numbers(plain[0], final_value)
            quality.partial_literals += _partial_literals(plain[0])
            previous = plain
    return quality


def _timed_run(contender: Contender, items: Sequence[Any]) -> float:
    gc.collect()
    # A full collection evicts the caches: a run of a millisecond straight after it would
    # time their refill more than the parsing (at 1 KB: +49% for schemastream, +28% for
    # pydantic). So every contender's timed run follows an untimed one.
    for _ in contender.snapshots(items, final=True):
        pass
    start = _clock()
    for _ in contender.snapshots(items, final=True):
        pass
    return _clock() - start


def _sample_mean(
    contender: Contender, text: str, items: Sequence[Any], ends: list[int], samples: int
) -> float:
    n = len(ends)
    positions = sorted({min(n - 1, int((i + 0.5) * n / samples)) for i in range(samples)})
    gc.collect()
    return sum(contender.step(text, items, ends, k) for k in positions) / len(positions)


def measure(
    contender: Contender,
    size: str,
    text: str,
    chunks: Sequence[str],
    final_value: Any,
    budget: float,
) -> Result:
    ends = list(_accumulate(len(c) for c in chunks))
    items = contender.prepare(chunks)
    quality = check_quality(contender, chunks, final_value)
    result = Result(contender.name, size, len(text.encode()), len(chunks), 0.0, quality=quality)
    probe = _sample_mean(contender, text, items, ends, PROBES)
    if probe * len(chunks) > budget:
        # As many samples as fit in about half the budget (timing a chunk costs more than it).
        samples = max(SAMPLES[0], min(SAMPLES[1], int(budget / (2 * probe))))
        per_chunk = _sample_mean(contender, text, items, ends, samples)
        result.seconds = per_chunk * len(chunks) + min(contender.final(text) for _ in range(3))
        result.extrapolated = True
        return result
    best = _timed_run(contender, items)
    spent = best
    while spent < MIN_RUN_SECONDS:
        run = _timed_run(contender, items)
        best = min(best, run)
        spent += run
    result.seconds = best
    return result


def measure_floor(size: str, text: str, chunks: Sequence[str]) -> Result:
    best = math.inf
    spent = 0.0
    while spent < MIN_RUN_SECONDS:
        start = _clock()
        Doc.model_validate_json(text)
        run = _clock() - start
        best = min(best, run)
        spent += run
    return Result(FLOOR, size, len(text.encode()), len(chunks), best)


def _accumulate(lengths: Iterator[int]) -> Iterator[int]:
    total = 0
    for n in lengths:
        total += n
        yield total


# --- reporting -------------------------------------------------------------------------------


def versions() -> str:
    def v(dist: str) -> str:
        return importlib.metadata.version(dist)

    return (
        f"python {platform.python_version()}, pydantic {v('pydantic')}, "
        f"instructor {v('instructor')}, openai {v('openai')}, jiter {v('jiter')}, "
        f"partial-json-parser {v('partial-json-parser')}"
    )


def slope(results: list[Result], name: str, first: str, last: str) -> float | None:
    by_size = {r.size: r for r in results if r.contender == name}
    if first not in by_size or last not in by_size:
        return None
    a, b = by_size[first], by_size[last]
    return math.log(b.seconds / a.seconds) / math.log(b.nbytes / a.nbytes)


def _num(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(results: list[Result]) -> str:
    ours = {r.size: r.seconds for r in results if r.contender == SchemaStream.name}
    lines = [
        "| size | contender | total ms | µs / chunk | time vs schemastream | snapshots "
        "| duplicates | premature numbers | partial Literals |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        mark = "~" if r.extrapolated else ""
        if r.contender == SchemaStream.name or r.size not in ours:
            ratio = "—"
        else:
            x = r.seconds / ours[r.size]
            ratio = f"{mark}{x:,.1f}x" if x >= 1 else f"{x:.2g}x"
        q = r.quality
        counts = (
            [f"{q.snapshots:,}", f"{q.duplicates:,}", f"{q.premature:,}", f"{q.partial_literals:,}"]
            if q
            else ["—"] * 4
        )
        lines.append(
            f"| {r.size} ({r.nbytes:,} B, {r.chunks:,} chunks) | {r.contender} "
            f"| {mark}{_num(r.seconds * 1e3)} | {mark}{_num(r.us_per_chunk)} | {ratio} "
            f"| {' | '.join(counts)} |"
        )
    return "\n".join(lines)


def slopes(results: list[Result], names: list[str]) -> str:
    lines = [
        "| contender | growth exponent 1 KB → 1 MB | 10 KB → 1 MB |",
        "|---|--:|--:|",
    ]
    for name in names:
        cells = []
        for first in ("1 KB", "10 KB"):
            s = slope(results, name, first, "1 MB")
            cells.append("—" if s is None else f"{s:.2f}")
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines)


def targets(results: list[Result], peers: list[str]) -> list[str]:
    ours = {r.size: r for r in results if r.contender == SchemaStream.name}
    fastest: dict[str, Result] = {}
    for r in results:
        if r.contender in peers and (r.size not in fastest or r.seconds < fastest[r.size].seconds):
            fastest[r.size] = r
    lines = []

    def line(ok: bool, text: str) -> None:
        lines.append(f"- {'PASS' if ok else 'FAIL'}: {text}")

    for size, ours_r in ours.items():
        peer = fastest.get(size)
        if peer is None:
            continue
        ratio = peer.seconds / ours_r.seconds
        line(
            ratio > 1,
            f"faster than every peer at {size} ({ratio:.1f}x the fastest, {peer.contender})",
        )
    for size, need in (("1 KB", 2), ("10 KB", 5), ("100 KB", 40)):
        if size in ours and size in fastest:
            ratio = fastest[size].seconds / ours[size].seconds
            line(ratio >= need, f"at least {need}x the fastest peer at {size} ({ratio:.1f}x)")
    twins = {r.size: r for r in results if r.contender == FromClasses.name}
    for size, twin in twins.items():
        ratio = twin.seconds / ours[size].seconds
        line(ratio <= 1.1, f"user-class twin within 1.1x of schemastream at {size} ({ratio:.2f}x)")
    s = slope(results, SchemaStream.name, "1 KB", "1 MB")
    if s is not None:
        line(s <= 1.15, f"growth exponent 1 KB → 1 MB at most 1.15 ({s:.2f})")
    q = [r.quality for r in ours.values() if r.quality]
    bad = sum(x.duplicates + x.premature + x.partial_literals for x in q)
    line(
        bad == 0,
        f"zero duplicates, premature numbers and partial Literals "
        f"({sum(x.duplicates for x in q)} / {sum(x.premature for x in q)} / "
        f"{sum(x.partial_literals for x in q)})",
    )
    return lines


def plot(results: list[Result], names: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=120)
    for name in names:
        rows = [r for r in results if r.contender == name]
        if not rows:
            continue
        xs = [r.nbytes / 1024 for r in rows]
        ys = [r.seconds * 1e3 for r in rows]
        style: dict[str, Any] = {}
        if name == SchemaStream.name:
            style = {"linewidth": 2.6, "color": "black"}
        if name == FLOOR:
            style = {"linestyle": ":", "color": "grey"}
        (line,) = ax.plot(xs, ys, marker="o", label=name, **style)
        for r in rows:  # extrapolated points are drawn hollow
            if r.extrapolated:
                ax.plot(
                    r.nbytes / 1024,
                    r.seconds * 1e3,
                    marker="o",
                    markersize=9,
                    markerfacecolor="white",
                    color=line.get_color(),
                )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks([1, 10, 100, 1024], ["1 KB", "10 KB", "100 KB", "1 MB"])
    ax.set_xlabel("document size")
    ax.set_ylabel("total time for the stream (ms)")
    ax.set_title(
        "Snapshot per 1..8-character chunk: total time vs document size\n"
        "(hollow markers: extrapolated from sampled chunks)",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


METHOD = """\
Each document is a seeded `Doc`: an agenda of up to 16 items (a `Literal["talk", "panel",
"break"]` kind, a nullable speaker) followed by as many users (a nested address, a tag list)
as fit the size, with multi-digit integers and floats, and non-ASCII text both raw and as
`\\u` escapes and surrogate pairs, plus `\\"`, `\\\\`, `\\n` and `\\t` escapes. It is cut
into seeded chunks of 1 to 8 characters. Every contender consumes the chunks in order, makes
one snapshot per chunk (none for a chunk where it cannot, e.g. when validating the partial
buffer fails) and validates the whole text against `Doc` once at the end: schemastream feeds
`SnapshotParser(PartialDoc)` and reads `.value` when `feed` returns True; instructor runs
`Partial[Doc].from_streaming_response` over the chunk list (its `model_from_chunks` path);
the openai SDK's `ChatCompletionStreamState(response_format=Doc)` handles prebuilt
`ChatCompletionChunk`s and its snapshot is `message.parsed`, a plain dict it never turns into
a model (which favours it); the last three re-parse the growing buffer with jiter,
pydantic's `experimental_allow_partial` on an all-optional model, or partial-json-parser,
then validate it into the model. Times are CPU time of the process, the best of repeated
runs totalling at least 0.3 s, each run right after an untimed one (the garbage collection
before each pair evicts the caches, whose refill would otherwise dominate a 1 KB run).
When a peer's full run is projected past {budget:g} s, its total is extrapolated (`~`): the
mean cost of 16 to 96 chunks at evenly spaced positions in the stream, each timed alone
right after the preceding text was consumed, times the number of chunks, plus its final
validation. Snapshots, duplicates (consecutive snapshots whose
`model_dump(exclude_unset=True)` is equal and that say the same of their completion: the
last snapshot may repeat the one before to say `is_complete()`), premature numbers
((snapshot, field) pairs showing a number that differs from its final value) and partial
Literals ((snapshot, item) pairs whose `kind` is not an allowed value) are counted on the
first {checked:,} chunks of every stream: the whole stream at 1 KB and 10 KB, the agenda and
the first users above. The growth exponent is the log-log slope of total time between two
sizes."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sizes", default=",".join(SIZES), help="comma-separated, e.g. '1 KB,10 KB'"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=20.0,
        help="seconds per peer per size before extrapolating (default 20)",
    )
    parser.add_argument("--no-docs", action="store_true", help="print only; do not write docs/")
    parser.add_argument(
        "--only-main", action="store_true", help="skip the scaling and change-stream tables"
    )
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",")]

    all_contenders = contenders()
    names = [c.name for c in all_contenders] + [FLOOR]
    peers = [c.name for c in all_contenders if not isinstance(c, SchemaStream)]
    results: list[Result] = []
    began = _clock()
    for size in sizes:
        text = build_document(SIZES[size])
        chunks = chunk_text(text)
        final_value = Doc.model_validate_json(text).model_dump()
        for contender in all_contenders:
            result = measure(contender, size, text, chunks, final_value, args.budget)
            results.append(result)
            print(
                f"  {size:>6} {contender.name:<40} {result.seconds * 1e3:>12,.1f} ms"
                f"{' (extrapolated)' if result.extrapolated else ''}",
                file=sys.stderr,
            )
        results.append(measure_floor(size, text, chunks))

    head = f"Versions: {versions()}"
    sections = [head, table(results), slopes(results, names), "\n".join(targets(results, peers))]
    methods = [METHOD.format(checked=CHECKED_CHUNKS, budget=args.budget)]
    if "1 KB" in sizes:
        sections += ["### Where a 1 KB chunk's time goes", _breakdown.table(_breakdown.measure())]
        methods.append(_breakdown.METHOD)
    if not args.only_main:
        scaling = _scaling.measure(lambda line: print(line, file=sys.stderr))
        changes = _change_streams.measure(lambda line: print(line, file=sys.stderr))
        sections += [
            "### Flat arrays and wide dicts",
            _scaling.table(scaling),
            "\n".join(_scaling.targets(scaling)),
            "### Change streams: patches() and elements()",
            _change_streams.table(changes),
            "\n".join(_change_streams.targets(changes)),
        ]
        methods += [_scaling.METHOD, _change_streams.METHOD]
    output = "\n\n".join(sections)
    print(output)
    print(f"\n(measured in {_clock() - began:.0f} s)", file=sys.stderr)
    if not args.no_docs:
        docs = ROOT / "docs"
        plot(results, names, docs / "parser-loglog.png")
        md = (
            "# Parser benchmark\n\n"
            "Produced by `.venv-bench/bin/python benchmarks/parser_bench.py` "
            f"on {platform.machine()} ({platform.system()}).\n\n" + "\n\n".join(methods) + "\n\n"
            "![total time vs document size, log-log](parser-loglog.png)\n\n"
            f"## Results\n\n{output}\n"
        )
        (docs / "benchmarks-parser.md").write_text(md, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
