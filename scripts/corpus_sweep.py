"""Generate, import and stream every JSON Schema of SchemaStore; print a table of outcomes.

For each schema: ``generate`` (formatted, as a user gets it), import the package, create
every full and partial class, and stream one random valid instance of each streamable
model through its ``parse_*`` helper (``tests/streaming.py`` checks the snapshot rules).
A clean ``GeneratorError`` is an outcome; any other exception is a crash, our bug.

    .venv/bin/python scripts/corpus_sweep.py [--mirror DIR] [--jobs 2] [--only NAME ...]

Each schema runs in a worker process (restarted after a crash, a timeout or 40 schemas),
so a schema that hangs or exhausts memory is one row of the table, not the end of the run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from random import Random
from types import FrameType

ROOT = Path(__file__).resolve().parents[1]
MIRROR = Path("/work/.mirror/SchemaStore+schemastore/repo")
SCHEMAS = "src/schemas/json"
_SCHEMAS_PER_WORKER = 40
_MEMORY_LIMIT = 4 * 2**30  # a schema that needs more is a row of the table, not a dead machine


@dataclass
class Outcome:
    """What happened to one schema: ``status`` is ok, error, no-instance, crash or timeout."""

    schema: str
    status: str
    stage: str = ""
    kind: str = ""
    detail: str = ""
    seconds: float = 0.0
    models: int = 0
    streamed: int = 0


# -- one schema, in a worker ---------------------------------------------------------------


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout


def sweep_one(path: Path, workdir: Path, *, seed: int, formatted: bool, timeout: int) -> Outcome:
    """Generate, import and stream ``path``; never raises."""
    from schemastream.generator import GeneratorError

    start = time.perf_counter()
    outcome = Outcome(schema=path.name, status="ok", stage="generate")
    package = f"sweep_{re.sub(r'[^a-z0-9]', '_', path.stem.lower())}"
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        _generate(path, workdir / package, formatted=formatted)
        sys.path.insert(0, str(workdir))
        try:
            _exercise(package, seed, outcome)
        finally:
            sys.path.remove(str(workdir))
            for name in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
                del sys.modules[name]
    except GeneratorError as exc:
        outcome.status = "error"
        outcome.kind, outcome.detail = message_class(exc.message), str(exc)[:500]
    except _Timeout:
        outcome.status, outcome.kind = "timeout", f"over {timeout} s"
    except BaseException as exc:  # the point of the sweep: every other exception is a row
        outcome.status = "crash"
        outcome.kind = f"{type(exc).__name__} at {_innermost(exc)}"
        outcome.detail = "".join(traceback.format_exception(exc, limit=-6))[-2000:]
    finally:
        signal.alarm(0)
    if outcome.status == "ok":
        outcome.stage = ""
    outcome.seconds = round(time.perf_counter() - start, 2)
    return outcome


def _generate(path: Path, output: Path, *, formatted: bool) -> None:
    from schemastream.generator import generate
    from schemastream.generator.pipeline import render_package

    if formatted:
        generate(path, output)
        return
    output.mkdir(parents=True, exist_ok=True)
    for name, text in render_package(path).files.items():
        (output / name).write_text(text, encoding="utf-8")


def _exercise(package: str, seed: int, outcome: Outcome) -> None:
    """Import, build every class, stream one instance per helper (at most three)."""
    from tests.streaming import check_stream, instance_text, root_models, stream_helpers

    outcome.stage = "import"
    root = importlib.import_module(package)
    modules = [importlib.import_module(f"{package}.{name}") for name in ("models", "partial")]
    importlib.import_module(f"{package}.stream")
    outcome.stage = "full classes"
    for model in root_models(modules[0]):
        model.model_rebuild(force=True)
        outcome.models += 1
    outcome.stage = "partial classes"
    for model in root_models(modules[1]):
        model.model_rebuild(force=True)
    random = Random(seed)
    helpers = stream_helpers(root)
    for helper in helpers[:3]:
        outcome.stage = "instance"
        text = instance_text(helper.spec.full, random.getrandbits(32))
        if text is None:
            continue
        outcome.stage = "stream"
        check_stream(helper, text, [random.randint(1, 12) for _ in range(7)])
        outcome.streamed += 1
    if helpers and not outcome.streamed:
        outcome.status, outcome.stage = "no-instance", "instance"
        outcome.kind = "the factory built no valid instance"


def _innermost(exc: BaseException) -> str:
    """The innermost frame in schemastream, datamodel-code-generator or the package."""
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        if "schemastream" in frame.filename or "datamodel_code_generator" in frame.filename:
            return f"{Path(frame.filename).name}:{frame.name}"
    return f"{Path(frames[-1].filename).name}:{frames[-1].name}" if frames else "?"


_QUOTED = re.compile(r"""'[^']*'|"[^"]*"|`[^`]*`|#/\S*|/\S*|\d+""")


def message_class(message: str) -> str:
    """A GeneratorError's message with names, pointers and numbers masked: its class."""
    masked = _QUOTED.sub("_", message.split(". ")[0])
    return masked[:90]


def _worker() -> None:
    """Read schema paths on stdin, answer one JSON outcome per line on stdout."""
    import warnings

    warnings.simplefilter("ignore")
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_LIMIT, _MEMORY_LIMIT))
    sys.setrecursionlimit(10_000)
    options = json.loads(sys.argv[sys.argv.index("--worker") + 1])
    with tempfile.TemporaryDirectory(prefix="sweep-") as workdir:
        for line in sys.stdin:
            outcome = sweep_one(Path(line.strip()), Path(workdir), **options)
            sys.stdout.write(json.dumps(asdict(outcome)) + "\n")
            sys.stdout.flush()


# -- the parent: extract, dispatch, tabulate ----------------------------------------------


def extract(mirror: Path, target: Path, only: list[str]) -> tuple[list[Path], list[str]]:
    """Write the mirror's schemas into ``target``: (files, names whose blob is absent)."""
    names = subprocess.run(
        ["git", "-C", str(mirror), "ls-tree", "--name-only", f"HEAD:{SCHEMAS}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    files, absent = [], []
    for name in names:
        shown = subprocess.run(
            ["git", "-C", str(mirror), "show", f"HEAD:{SCHEMAS}/{name}"],
            capture_output=True,
        )
        if shown.returncode:
            absent.append(name)
            continue
        (target / name).write_bytes(shown.stdout)
        # Every file is written: schemas refer to their siblings by relative $ref.
        if not only or name in only or name.removesuffix(".json") in only:
            files.append(target / name)
    return files, absent


class _Worker:
    """A worker process and the schema it is on."""

    def __init__(self, options: dict[str, object]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker", json.dumps(options)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.path: Path | None = None
        self.started = 0.0
        self.done = 0

    def send(self, path: Path) -> None:
        assert self.process.stdin is not None
        self.path, self.started = path, time.monotonic()
        self.process.stdin.write(f"{path}\n")
        self.process.stdin.flush()

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def run(files: list[Path], *, jobs: int, options: dict[str, object]) -> Iterator[Outcome]:
    """Outcomes of every file, from ``jobs`` workers, in the order they finish."""
    queue = list(reversed(files))
    workers = [_Worker(options) for _ in range(min(jobs, len(files)))]
    hard_limit = int(str(options["timeout"])) + 60
    for worker in workers:
        worker.send(queue.pop())
    while any(worker.path is not None for worker in workers):
        busy = {w.process.stdout: w for w in workers if w.path is not None}
        ready, _, _ = select.select(list(busy), [], [], 5.0)
        for stream in ready:
            worker = busy[stream]
            line = stream.readline() if stream is not None else ""
            assert worker.path is not None
            if line:
                yield Outcome(**json.loads(line))
                worker.done += 1
            else:  # the worker died: killed by the memory limit, a signal, a segfault
                code = worker.process.wait()
                yield Outcome(worker.path.name, "crash", "worker", f"worker died ({code})")
                worker.done = _SCHEMAS_PER_WORKER
            _next(worker, workers, queue, options)
        for worker in workers:
            if worker.path is not None and time.monotonic() - worker.started > hard_limit:
                yield Outcome(worker.path.name, "timeout", "worker", "worker stuck; killed")
                worker.done = _SCHEMAS_PER_WORKER
                _next(worker, workers, queue, options)
    for worker in workers:
        worker.stop()


def _next(worker: _Worker, workers: list[_Worker], queue: list[Path], options: dict[str, object]):
    worker.path = None
    if worker.done >= _SCHEMAS_PER_WORKER:
        worker.stop()
        workers[workers.index(worker)] = worker = _Worker(options)
    if queue:
        worker.send(queue.pop())


def table(outcomes: list[Outcome], absent: list[str], commit: str) -> str:
    """The tally (status counts) and the outcome classes, with example schemas."""
    statuses = Counter(outcome.status for outcome in outcomes)
    lines = (
        [
            f"SchemaStore {commit[:12]}: {len(outcomes)} schemas swept, "
            f"{len(absent)} absent from the mirror",
            "",
        ]
        if commit
        else []
    )
    lines += [
        "| outcome | schemas |",
        "|---|--:|",
    ]
    for status in ("ok", "error", "no-instance", "crash", "timeout"):
        lines.append(f"| {status} | {statuses.get(status, 0)} |")
    classes: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.status != "ok":
            classes[(outcome.status, outcome.stage.split(" of ")[0], outcome.kind)].append(
                outcome.schema
            )
    lines += ["", "| outcome | stage | class | schemas | e.g. |", "|---|---|---|--:|---|"]
    for (status, stage, kind), names in sorted(
        classes.items(), key=lambda item: (item[0][0], -len(item[1]), item[0])
    ):
        examples = ", ".join(sorted(names)[:3])
        lines.append(f"| {status} | {stage} | {kind} | {len(names)} | {examples} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=MIRROR, help="SchemaStore git directory")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=240, help="seconds per schema")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-format", action="store_true", help="skip ruff (faster)")
    parser.add_argument("--only", nargs="*", default=[], help="schema names to sweep")
    parser.add_argument("--jsonl", type=Path, help="also write every outcome here")
    parser.add_argument("--table", type=Path, help="print the table of a --jsonl file, sweep none")
    parser.add_argument("files", nargs="*", type=Path, help="sweep these files instead")
    args = parser.parse_args()
    if args.table:
        lines = args.table.read_text(encoding="utf-8").splitlines()
        print(table(sorted((Outcome(**json.loads(line)) for line in lines), key=_name), [], ""))
        return
    commit = "files"
    if not args.files:
        commit = subprocess.run(
            ["git", "-C", str(args.mirror), "rev-parse", "HEAD"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    options = {"seed": args.seed, "formatted": not args.no_format, "timeout": args.timeout}
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="schemastore-") as directory:
        if args.files:
            files, absent = [path.resolve() for path in args.files], []
        else:
            files, absent = extract(args.mirror, Path(directory), args.only)
        start = time.perf_counter()
        for outcome in run(files, jobs=args.jobs, options=options):
            outcomes.append(outcome)
            mark = "." if outcome.status == "ok" else outcome.status[0].upper()
            print(mark, end="", file=sys.stderr, flush=True)
            if args.jsonl:
                with args.jsonl.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(asdict(outcome)) + "\n")
        print(f"\n{time.perf_counter() - start:.0f} s", file=sys.stderr)
    print(table(sorted(outcomes, key=_name), absent, commit))


def _name(outcome: Outcome) -> str:
    return outcome.schema


if __name__ == "__main__":
    if "--worker" in sys.argv:
        _worker()
    else:
        main()
