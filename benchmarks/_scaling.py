"""Flat arrays and wide dicts: does the cost per chunk stay flat as one open container grows?

One document of many small objects in a list, one object of many keys; 64 KB, 1 MB and
16 MB, cut like the main table's documents. schemastream beside the fastest peer.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from _docs import (
    AllOptionalFlat,
    AllOptionalWide,
    PartialFlat,
    PartialWide,
    chunk_text,
    flat_document,
    wide_document,
)
from pydantic import BaseModel, TypeAdapter

from schemastream.runtime import SnapshotParser

SIZES = {"64 KB": 64 << 10, "1 MB": 1 << 20, "16 MB": 16 << 20}
PEER = "pydantic experimental_allow_partial"
PEER_SAMPLES = 12  # chunks timed (each after the text before it) for the re-parsing peer
MIN_RUN_SECONDS = 0.3

_clock = time.process_time


@dataclass
class Row:
    document: str
    size: str
    nbytes: int
    chunks: int
    ours: float  # µs per chunk
    peer: float  # µs per chunk (sampled)


def _ours(partial: type[BaseModel], chunks: Sequence[str]) -> float:
    """µs per chunk: feed every chunk, read every snapshot; repeated while runs are short."""
    best = float("inf")
    spent = 0.0
    while spent < MIN_RUN_SECONDS or best == float("inf"):
        gc.collect()
        parser = SnapshotParser(partial, max_size=None)
        feed = parser.feed
        start = _clock()
        for chunk in chunks:
            if feed(chunk):
                parser.value  # noqa: B018 - reading the snapshot is part of the work
        parser.finish()
        run = _clock() - start
        best = min(best, run)
        spent += run
        del parser
    return best * 1e6 / len(chunks)


def _peer(adapter: TypeAdapter[Any], text: str, chunks: Sequence[str]) -> float:
    """µs per chunk of re-parsing the buffer so far, from evenly spaced samples."""
    ends = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        ends.append(total)
    n = len(ends)
    spent = 0.0
    positions = sorted({min(n - 1, int((i + 0.5) * n / PEER_SAMPLES)) for i in range(PEER_SAMPLES)})
    for k in positions:
        buffer = text[: ends[k]]
        start = _clock()
        with contextlib.suppress(ValueError):
            adapter.validate_json(buffer, experimental_allow_partial="trailing-strings")
        spent += _clock() - start
    return spent * 1e6 / len(positions)


def measure(progress: Callable[[str], None]) -> list[Row]:
    cases: list[tuple[str, Callable[[int], str], type[BaseModel], type[BaseModel]]] = [
        ("flat array of small objects", flat_document, PartialFlat, AllOptionalFlat),
        ("wide dict", wide_document, PartialWide, AllOptionalWide),
    ]
    rows = []
    for document, build, partial, all_optional in cases:
        adapter: TypeAdapter[Any] = TypeAdapter(all_optional)
        for size, nbytes in SIZES.items():
            text = build(nbytes)
            chunks = chunk_text(text)
            ours = _ours(partial, chunks)
            peer = _peer(adapter, text, chunks)
            rows.append(Row(document, size, len(text.encode()), len(chunks), ours, peer))
            progress(f"  {document}, {size}: {ours:.2f} µs/chunk, {PEER} ~{peer:,.0f}")
            del chunks, text
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        f"| document | size | chunks | schemastream µs / chunk | {PEER} µs / chunk | peer / ours |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.document} | {r.size} ({r.nbytes:,} B) | {r.chunks:,} | {r.ours:.2f} "
            f"| ~{r.peer:,.1f} | ~{r.peer / r.ours:,.0f}x |"
        )
    return "\n".join(lines)


def targets(rows: list[Row]) -> list[str]:
    lines = []
    for document in dict.fromkeys(r.document for r in rows):
        mine = [r for r in rows if r.document == document]
        ratio = mine[-1].ours / mine[0].ours
        verdict = "PASS" if ratio <= 1.5 else "FAIL"
        lines.append(
            f"- {verdict}: {document}: per-chunk cost at {mine[-1].size} within 1.5x of "
            f"{mine[0].size} ({ratio:.2f}x)"
        )
    return lines


METHOD = f"""\
**Flat arrays and wide dicts.** `{{"rows": [...]}}` of small objects (`id`, `name`, `ok`) and
`{{"values": {{...}}}}` with one key per entry, at {", ".join(SIZES)}, cut into the same seeded
1..8-character chunks as above; the partial classes type them `SnapshotList[PartialRow]` and
`SnapshotDict[int]`, as the generator does. schemastream feeds every chunk and reads every
snapshot; its time is the best of runs totalling at least {MIN_RUN_SECONDS} s (at 16 MB: one
run of millions of chunks). The peer, {PEER}, re-parses the buffer so far: {PEER_SAMPLES} chunks
at evenly spaced positions are timed alone (`~`), since a full run is quadratic."""
