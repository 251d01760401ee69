"""stream.patches() and stream.elements() against the snapshots they come with.

Per ``Doc`` size: the cost per chunk of reading snapshots, patches (``append`` and RFC 6902
``standard``) and elements; the bytes of all operations per document byte; and beside them
a LangChain-style diff, ``jsonpatch.make_patch(previous, current)`` per snapshot.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import jsonpatch
from _docs import Doc, PartialDoc, build_document, chunk_text

from schemastream.runtime import PartialStream

SIZES = {"1 KB": 1 << 10, "10 KB": 10 << 10, "100 KB": 100 << 10, "1 MB": 1 << 20}
DIFF_SAMPLES = 60  # snapshots diffed LangChain-style when the stream has more of them
MIN_RUN_SECONDS = 0.3

_clock = time.process_time


@dataclass
class Row:
    size: str
    nbytes: int
    chunks: int
    snapshots: float  # µs per chunk, and the same for the others
    patches: float
    standard: float
    elements: float
    patch_bytes: float  # operation bytes per document byte
    standard_bytes: float
    diff: float
    diff_bytes: float
    diff_sampled: bool


def _per_chunk(
    read: Callable[[PartialStream[PartialDoc, Doc]], Iterator[object]], chunks: Sequence[str]
) -> float:
    """µs per chunk of reading a stream of ``chunks`` with ``read``, to its validated end."""
    best = float("inf")
    spent = 0.0
    while spent < MIN_RUN_SECONDS or best == float("inf"):
        gc.collect()
        for _ in read(_stream(chunks)):  # untimed: the collection evicted the caches
            pass
        start = _clock()
        for _ in read(_stream(chunks)):
            pass
        took = _clock() - start
        best = min(best, took)
        spent += took
    return best * 1e6 / len(chunks)


def _stream(chunks: Sequence[str]) -> PartialStream[PartialDoc, Doc]:
    return PartialStream(PartialDoc, Doc, chunks)


def _operation_bytes(chunks: Sequence[str], standard: bool) -> int:
    return sum(
        len(json.dumps(ops, ensure_ascii=False).encode())
        for ops in _stream(chunks).patches(standard=standard)
    )


def _dump(snapshot: PartialDoc) -> Any:
    return snapshot.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _langchain_style(chunks: Sequence[str]) -> tuple[float, float, bool]:
    """Seconds and operation bytes of diffing each snapshot's JSON with the previous one.

    Each snapshot costs one dump (the previous one is kept) and one ``make_patch``. Past
    ``DIFF_SAMPLES`` snapshots, evenly spaced ones are timed and the totals projected.
    """
    count = sum(1 for _ in _stream(chunks))
    picked = set(range(count))
    if count > DIFF_SAMPLES:
        picked = {int((i + 0.5) * count / DIFF_SAMPLES) for i in range(DIFF_SAMPLES)}
    seconds = 0.0
    nbytes = 0
    previous: Any = None
    for index, snapshot in enumerate(_stream(chunks)):
        if index in picked:
            base = {} if previous is None else _dump(previous)
            start = _clock()
            current = _dump(snapshot)
            patch = jsonpatch.make_patch(base, current)
            seconds += _clock() - start
            nbytes += len(patch.to_string().encode())
        previous = snapshot
    scale = count / len(picked)
    return seconds * scale, nbytes * scale, len(picked) < count


def measure(progress: Callable[[str], None]) -> list[Row]:
    rows = []
    for size, target in SIZES.items():
        text = build_document(target)
        chunks = chunk_text(text)
        n = len(chunks)
        nbytes = len(text.encode())
        runs: dict[str, Callable[[PartialStream[PartialDoc, Doc]], Iterator[object]]] = {
            "snapshots": iter,
            "patches": lambda stream: stream.patches(),
            "standard": lambda stream: stream.patches(standard=True),
            "elements": lambda stream: stream.elements(lambda d: d.users),
        }
        cost = {name: _per_chunk(run, chunks) for name, run in runs.items()}
        snapshots, patches = cost["snapshots"], cost["patches"]
        standard, elements = cost["standard"], cost["elements"]
        diff_seconds, diff_bytes, sampled = _langchain_style(chunks)
        rows.append(
            Row(
                size,
                nbytes,
                n,
                snapshots,
                patches,
                standard,
                elements,
                _operation_bytes(chunks, False) / nbytes,
                _operation_bytes(chunks, True) / nbytes,
                diff_seconds * 1e6 / n,
                diff_bytes / nbytes,
                sampled,
            )
        )
        progress(f"  change streams, {size}: patches {patches / snapshots:.2f}x snapshots")
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        "| size | snapshots µs / chunk | patches() | patches(standard=True) | elements() "
        "| operation bytes / document byte: patches() | standard | LangChain-style "
        "`make_patch(prev, next)` µs / chunk | its bytes / document byte |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        mark = "~" if r.diff_sampled else ""
        lines.append(
            f"| {r.size} ({r.nbytes:,} B, {r.chunks:,} chunks) | {r.snapshots:.2f} "
            f"| {r.patches:.2f} ({r.patches / r.snapshots:.2f}x) "
            f"| {r.standard:.2f} ({r.standard / r.snapshots:.2f}x) "
            f"| {r.elements:.2f} ({r.elements / r.snapshots:.2f}x) "
            f"| {r.patch_bytes:.2f} | {r.standard_bytes:,.1f} "
            f"| {mark}{r.diff:,.1f} | {mark}{r.diff_bytes:,.1f} |"
        )
    return "\n".join(lines)


def targets(rows: list[Row]) -> list[str]:
    lines = []

    def line(ok: bool, text: str) -> None:
        lines.append(f"- {'PASS' if ok else 'FAIL'}: {text}")

    worst = max(rows, key=lambda r: r.patches / r.snapshots)
    line(
        worst.patches / worst.snapshots <= 1.5,
        f"patches() at most 1.5x the snapshots per chunk at every size "
        f"(at most {worst.patches / worst.snapshots:.2f}x, {worst.size})",
    )
    by_size = {r.size: r for r in rows}
    if "10 KB" in by_size and "100 KB" in by_size:
        growth = by_size["100 KB"].patch_bytes / by_size["10 KB"].patch_bytes
        diff = by_size["100 KB"].diff_bytes / by_size["10 KB"].diff_bytes
        line(
            growth <= 1.25,
            f"operation bytes per document byte at 100 KB within 1.25x of 10 KB ({growth:.2f}x; "
            f"LangChain-style diff: {diff:.1f}x)",
        )
    worst = max(rows, key=lambda r: r.elements / r.snapshots)
    line(
        worst.elements / worst.snapshots <= 1.10,
        f"elements() adds at most 10% to the snapshots "
        f"(at most {(worst.elements / worst.snapshots - 1) * 100:+.0f}%, {worst.size})",
    )
    return lines


METHOD = f"""\
**Change streams.** The same `Doc` documents and chunks through `PartialStream(PartialDoc, Doc,
chunks)`: iterating its snapshots, `stream.patches()` (a growing string is an `append` of its
new text), `stream.patches(standard=True)` (RFC 6902 only: a `replace` with the whole string),
and `stream.elements(lambda d: d.users)` (each user validated as `User` as it completes); each
the best of runs totalling at least {MIN_RUN_SECONDS} s, each right after an untimed one as
above, final validation included. Operation
bytes are the UTF-8 bytes of every operation list as JSON, over the whole stream, per byte of
the document. The LangChain-style column diffs each snapshot's JSON with the previous one's
with `jsonpatch.make_patch`, as `JsonOutputParser(diff=True)` does (one `model_dump` and one
diff per snapshot; the re-parse of the buffer that LangChain also does is not counted); past
{DIFF_SAMPLES} snapshots, evenly spaced ones are timed and the totals projected (`~`)."""
