"""Generator benchmark: schemastream against datamodel-codegen on the same OpenAPI document.

Generates OpenAI's OpenAPI document (1,422 schemas) with ``schemastream generate`` and
with ``datamodel-codegen`` (pydantic v2 target), each in a fresh subprocess, then times
importing each result (ours: models + partial + stream; theirs: its one module) in fresh
interpreters. Prints tool versions and a markdown table, a PASS/FAIL line per target of
issue 2, and writes ``docs/benchmarks-generator.md``. Run it from the repository root:

    .venv/bin/python benchmarks/generator_bench.py [--repeat 5] [--no-docs]

Times are CPU seconds (user + sys of the child, its own children included), so other
work on a shared machine does not count against either tool; wall seconds are shown too.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "openai-openapi.json"
DOCS = ROOT / "docs" / "benchmarks-generator.md"
GENERATION_TARGET = 1.5  # ours at most 1.5x datamodel-codegen's generation time
IMPORT_TARGET = 1.0  # ours no slower to import than datamodel-codegen's module

# Prints the in-process time of the import statements only (no interpreter start-up):
# total wall, total CPU, then the CPU of each module in turn.
IMPORT_PROBE = """
import sys, time
sys.path.insert(0, sys.argv[1])
start, cpu = time.perf_counter(), time.process_time()
parts = []
for name in sys.argv[2:]:
    before = time.process_time()
    __import__(name)
    parts.append(time.process_time() - before)
print(time.perf_counter() - start, time.process_time() - cpu, *parts)
"""

# Ours creates partial classes on first use: the CPU time to create every one of them.
FIRST_USE_PROBE = """
import sys, time
sys.path.insert(0, sys.argv[1])
import ss_models.partial as partial
cpu = time.process_time()
for name in partial.__all__:
    getattr(partial, name)
print(time.process_time() - cpu, len(partial.__all__))
"""


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    parts: tuple[float, ...] = ()


def run_timed(command: list[str], cwd: Path) -> Timing:
    """Run ``command`` to completion; its wall time and CPU time (children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def generate_schemastream(source: Path, work: Path) -> Timing:
    output = work / "ss_models"
    command = [
        sys.executable,
        "-m",
        "schemastream",
        "generate",
        str(source),
        "--output",
        str(output),
    ]
    return run_timed(command, work)


def generate_dmcg(source: Path, work: Path) -> Timing:
    output = work / "dmcg_models.py"
    command = [
        sys.executable, "-m", "datamodel_code_generator",
        "--input", str(source),
        "--input-file-type", "openapi",
        "--output-model-type", "pydantic_v2.BaseModel",
        "--output", str(output),
    ]  # fmt: skip
    return run_timed(command, work)


def time_import(work: Path, modules: list[str], repeat: int) -> tuple[Timing, Timing]:
    """(cold: first import, byte-code cache empty; warm: best of ``repeat``)."""
    for cache in work.rglob("__pycache__"):
        shutil.rmtree(cache)
    # Byte-code caching on, as in a deployed service: the first run writes the .pyc files.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    runs: list[Timing] = []
    for _ in range(repeat + 1):
        done = subprocess.run(
            [sys.executable, "-c", IMPORT_PROBE, str(work), *modules],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(f"import of {modules} failed:\n{done.stderr[-3000:]}")
        wall, cpu, *parts = (float(x) for x in done.stdout.split())
        runs.append(Timing(wall, cpu, tuple(parts)))
    cold, warm = runs[0], runs[1:]
    best = min(warm, key=lambda t: t.cpu)
    return cold, Timing(min(t.wall for t in warm), best.cpu, best.parts)


def time_first_use(work: Path) -> tuple[float, int]:
    """CPU seconds to create every partial class of ours (warm byte-code), and how many."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_USE_PROBE, str(work)],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"creating the partial classes failed:\n{done.stderr[-3000:]}")
    seconds, count = done.stdout.split()
    return float(seconds), int(count)


def count_classes(files: list[Path]) -> int:
    # Indented too: partial.py defines each class inside the function that creates it.
    return sum(
        len(re.findall(r"^[ \t]*class ", f.read_text(encoding="utf-8"), re.M)) for f in files
    )


def size_mb(files: list[Path]) -> float:
    return sum(f.stat().st_size for f in files) / 1e6


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for dist in ("schemastream", "datamodel-code-generator", "pydantic", "ruff", "black", "isort"):
        try:
            found[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            found[dist] = "not installed"
    return found


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "n/a"


def verdict(ours: float, theirs: float, target: float) -> str:
    return "PASS" if theirs and ours / theirs <= target else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--input", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=5, help="warm imports; the best is kept")
    parser.add_argument("--no-docs", action="store_true", help=f"do not write {DOCS.name}")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="generator-bench-") as tmp:
        work = Path(tmp)
        gen_ours = generate_schemastream(args.input, work)
        gen_theirs = generate_dmcg(args.input, work)
        ours_files = sorted((work / "ss_models").glob("*.py"))
        stubs = sorted((work / "ss_models").glob("*.pyi"))  # type checkers only: size, no classes
        theirs_files = [work / "dmcg_models.py"]
        package = ["ss_models", "ss_models.models", "ss_models.partial", "ss_models.stream"]
        cold_ours, warm_ours = time_import(work, package, args.repeat)
        cold_theirs, warm_theirs = time_import(work, ["dmcg_models"], args.repeat)
        _, warm_runtime = time_import(work, ["pydantic", "schemastream.runtime"], args.repeat)
        first_use, partial_count = time_first_use(work)
        classes_ours, classes_theirs = count_classes(ours_files), count_classes(theirs_files)
        mb_ours, mb_theirs = size_mb(ours_files + stubs), size_mb(theirs_files)
        per_file = {f.name: round(f.stat().st_size / 1e6, 2) for f in ours_files + stubs}

    found = versions()
    rows = [
        ("generate, CPU s", gen_ours.cpu, gen_theirs.cpu, f"<= {GENERATION_TARGET}x"),
        ("generate, wall s", gen_ours.wall, gen_theirs.wall, ""),
        (f"import warm (best of {args.repeat}), CPU s", warm_ours.cpu, warm_theirs.cpu,
         f"<= {IMPORT_TARGET}x"),
        (f"import warm (best of {args.repeat}), wall s", warm_ours.wall, warm_theirs.wall, ""),
        ("import cold (no .pyc), CPU s", cold_ours.cpu, cold_theirs.cpu, ""),
    ]  # fmt: skip
    lines = [
        f"Input: `{args.input.name}` ({args.input.stat().st_size / 1e6:.1f} MB). "
        + ", ".join(f"{k} {v}" for k, v in found.items())
        + f"; {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at start.",
        "",
        "| measure | schemastream | datamodel-codegen | ratio | target |",
        "|---|---:|---:|---:|---|",
        *(
            f"| {name} | {ours:.2f} | {theirs:.2f} | {ratio(ours, theirs)} | {target} |"
            for name, ours, theirs, target in rows
        ),
        f"| classes | {classes_ours} | {classes_theirs} "
        f"| {ratio(classes_ours, classes_theirs)} | |",
        f"| output, MB | {mb_ours:.1f} | {mb_theirs:.1f} | {ratio(mb_ours, mb_theirs)} | |",
        "",
        f"schemastream files, MB: {json.dumps(per_file)}. The import measures the import "
        "statements in a fresh interpreter (start-up excluded, byte-code cache on); ours "
        "imports the package, `models`, `partial` and `stream`, theirs its one module; both "
        "include importing pydantic. Warm import CPU s of ours, module by module: "
        + ", ".join(f"{m} {t:.2f}" for m, t in zip(package, warm_ours.parts, strict=True))
        + f"; of the total, importing pydantic takes {warm_runtime.parts[0]:.2f} and "
        f"schemastream.runtime {warm_runtime.parts[1]:.2f}"
        + f". Our partial classes are created on first use, each with the partial classes it "
        f"refers to, so the import creates none of them; creating all {partial_count} costs "
        f"{first_use:.2f} s CPU more. datamodel-codegen runs its CLI with its default "
        "formatters (black, isort); schemastream formats with ruff.",
        "",
        f"generation: {verdict(gen_ours.cpu, gen_theirs.cpu, GENERATION_TARGET)} "
        f"({ratio(gen_ours.cpu, gen_theirs.cpu)} of datamodel-codegen's CPU time, "
        f"target {GENERATION_TARGET}x)",
        "",
        f"import: {verdict(warm_ours.cpu, warm_theirs.cpu, IMPORT_TARGET)} "
        f"({ratio(warm_ours.cpu, warm_theirs.cpu)} of datamodel-codegen's module, "
        f"target {IMPORT_TARGET}x)",
    ]
    table = "\n".join(lines)
    print(table)
    if not args.no_docs:
        DOCS.write_text(
            "# Generator benchmark\n\n"
            "Measured by `benchmarks/generator_bench.py` (regenerate with "
            "`.venv/bin/python benchmarks/generator_bench.py`). CPU seconds of each child "
            "process, so a busy machine does not count against either tool.\n\n"
            f"{table}\n",
            encoding="utf-8",
        )
        print(f"\nwrote {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
