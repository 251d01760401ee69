"""Generator benchmark: schemastream against datamodel-codegen on the same OpenAPI document.

Generates OpenAI's OpenAPI document (1,422 schemas) with ``schemastream generate`` and with
``datamodel-codegen`` (pydantic v2 target), alternately, each in a fresh subprocess; then
times a bare interpreter that imports one helper of ours and takes its first snapshot
against one that imports datamodel-codegen's module, cold (``python -B``, no byte-code
cache) and warm. Prints tool versions, a markdown table and a PASS/FAIL line per target of
issue 13, and writes ``docs/benchmarks-generator.md``. Run it from the repository root:

    .venv/bin/python benchmarks/generator_bench.py [--rounds 2] [--repeat 5] [--no-docs]

The machine may be shared: every figure is the best of its runs (the one least disturbed),
and ours and theirs run alternately so both see the same load.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "openai-openapi.json"
DOCS = ROOT / "docs" / "benchmarks-generator.md"
BYTES_TARGET = 3.0  # our generated .py files at most 3x datamodel-codegen's module
GENERATION_TARGET = 1.2  # our generation wall time at most 1.2x datamodel-codegen's
FIRST_SNAPSHOT_TARGET = 1.0  # start, import one helper, first snapshot: no slower than theirs

HELPER = "parse_create_embedding_request"
# A bare interpreter: import one helper from the package, take the first snapshot.
OURS_PROBE = f"""
from ss_models import {HELPER}
chunks = ['{{"input": "hel', 'lo", "model": "text-embedding-3-small"}}']
next(iter({HELPER}(iter(chunks))))
"""
THEIRS_PROBE = "import dmcg_models"


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


def run_timed(command: list[str], cwd: Path) -> Timing:
    """Run ``command`` to completion; its wall time and CPU time (children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def best(timings: list[Timing]) -> Timing:
    return Timing(min(t.wall for t in timings), min(t.cpu for t in timings))


def generate_schemastream(source: Path, work: Path) -> Timing:
    command = [sys.executable, "-m", "schemastream", "generate", str(source)]
    return run_timed([*command, "--output", str(work / "ss_models")], work)


def generate_dmcg(source: Path, work: Path) -> Timing:
    command = [
        sys.executable, "-m", "datamodel_code_generator",
        "--input", str(source),
        "--input-file-type", "openapi",
        "--output-model-type", "pydantic_v2.BaseModel",
        "--output", str(work / "dmcg_models.py"),
    ]  # fmt: skip
    return run_timed(command, work)


def alternate(rounds: int, runs: list[Callable[[], Timing]]) -> list[Timing]:
    """Each of ``runs`` ``rounds`` times, interleaved; the best timing of each."""
    timings: list[list[Timing]] = [[] for _ in runs]
    for _ in range(rounds):
        for index, run in enumerate(runs):
            timings[index].append(run())
    return [best(found) for found in timings]


def drop_bytecode(work: Path) -> None:
    for cache in work.rglob("__pycache__"):
        shutil.rmtree(cache)


def first_snapshot(work: Path, repeat: int) -> tuple[Timing, Timing, Timing, Timing]:
    """(ours cold, theirs cold, ours warm, theirs warm): whole interpreter runs, best of each."""
    ours = [sys.executable, "-B", "-c", OURS_PROBE]
    theirs = [sys.executable, "-B", "-c", THEIRS_PROBE]
    drop_bytecode(work)  # -B: nothing is written, so every run compiles the modules again
    cold_ours, cold_theirs = alternate(
        repeat, [lambda: run_timed(ours, work), lambda: run_timed(theirs, work)]
    )
    warm = [[arg for arg in command if arg != "-B"] for command in (ours, theirs)]
    for command in warm:  # the first run writes the byte-code caches
        run_timed(command, work)
    warm_ours, warm_theirs = alternate(
        repeat, [lambda: run_timed(warm[0], work), lambda: run_timed(warm[1], work)]
    )
    return cold_ours, cold_theirs, warm_ours, warm_theirs


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for dist in ("schemastream", "datamodel-code-generator", "pydantic", "ruff", "black", "isort"):
        try:
            found[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            found[dist] = "not installed"
    return found


def ratio(ours: float, theirs: float) -> float:
    return ours / theirs if theirs else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--input", type=Path, default=CORPUS)
    parser.add_argument("--rounds", type=int, default=2, help="generations of each tool")
    parser.add_argument("--repeat", type=int, default=5, help="interpreter runs of each kind")
    parser.add_argument("--no-docs", action="store_true", help=f"do not write {DOCS.name}")
    args = parser.parse_args()
    load = os.getloadavg()[0]

    with tempfile.TemporaryDirectory(prefix="generator-bench-") as tmp:
        work = Path(tmp)
        gen_ours, gen_theirs = alternate(
            args.rounds,
            [
                lambda: generate_schemastream(args.input, work),
                lambda: generate_dmcg(args.input, work),
            ],
        )
        ours_files = sorted((work / "ss_models").glob("*.py"))
        stubs = sorted((work / "ss_models").glob("*.pyi"))  # for type checkers: not counted
        per_file = {f.name: round(f.stat().st_size / 1e6, 2) for f in ours_files + stubs}
        bytes_ours = sum(f.stat().st_size for f in ours_files)
        bytes_theirs = (work / "dmcg_models.py").stat().st_size
        classes = sum(f.stat().st_size for f in ours_files if f.name in ("models.py", "partial.py"))
        cold_ours, cold_theirs, warm_ours, warm_theirs = first_snapshot(work, args.repeat)

    rows = [
        ("generated .py, MB", bytes_ours / 1e6, bytes_theirs / 1e6, BYTES_TARGET),
        (f"generate, wall s (best of {args.rounds})", gen_ours.wall, gen_theirs.wall,
         GENERATION_TARGET),
        (f"generate, CPU s (best of {args.rounds})", gen_ours.cpu, gen_theirs.cpu, None),
        (f"first snapshot, cold, wall s (best of {args.repeat})", cold_ours.wall,
         cold_theirs.wall, FIRST_SNAPSHOT_TARGET),
        (f"first snapshot, warm, wall s (best of {args.repeat})", warm_ours.wall,
         warm_theirs.wall, FIRST_SNAPSHOT_TARGET),
        ("first snapshot, cold, CPU s", cold_ours.cpu, cold_theirs.cpu, None),
        ("first snapshot, warm, CPU s", warm_ours.cpu, warm_theirs.cpu, None),
    ]  # fmt: skip
    verdicts = [
        (name, ratio(ours, theirs), target)
        for name, ours, theirs, target in rows
        if target is not None
    ]
    lines = [
        f"Input: `{args.input.name}` ({args.input.stat().st_size / 1e6:.1f} MB). "
        + ", ".join(f"{k} {v}" for k, v in versions().items())
        + f"; {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {load:.1f} at start.",
        "",
        "| measure | schemastream | datamodel-codegen | ratio | target |",
        "|---|---:|---:|---:|---|",
        *(
            f"| {name} | {ours:.2f} | {theirs:.2f} | {ratio(ours, theirs):.2f}x | "
            + (f"<= {target}x" if target is not None else "")
            + " |"
            for name, ours, theirs, target in rows
        ),
        "",
        f"schemastream files, MB: {json.dumps(per_file)} (`partial.pyi` is for type checkers "
        f"and not counted); `models.py` and `partial.py` alone are {classes / 1e6:.2f} MB, "
        f"{ratio(classes, bytes_theirs):.2f}x. First snapshot: a bare interpreter runs "
        f"`from ss_models import {HELPER}` and takes the first snapshot of a two-chunk "
        "request; theirs runs `import dmcg_models`. Cold runs use `python -B` with no "
        "byte-code cache of the generated modules; warm runs have it. datamodel-codegen runs "
        "its CLI with its default formatters (black, isort); schemastream formats with ruff.",
        "",
        *(
            f"{'PASS' if value <= target else 'FAIL'}: {name} {value:.2f}x (target <= {target}x)"
            for name, value, target in verdicts
        ),
    ]
    table = "\n".join(lines)
    print(table)
    if not args.no_docs:
        DOCS.write_text(
            "# Generator benchmark\n\n"
            "Measured by `benchmarks/generator_bench.py` (regenerate with "
            "`.venv/bin/python benchmarks/generator_bench.py`). Every figure is the best of "
            "its runs, ours and theirs alternating, so a busy machine weighs on both alike.\n\n"
            f"{table}\n",
            encoding="utf-8",
        )
        print(f"\nwrote {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
