"""The ``schemastream`` command: argument parsing only; ``generator`` and ``testing`` do the work.

    schemastream generate INPUT --output DIR [--input-type T] [--stream-model NAME]...
                          [--ref-root DIR] [--check]
    schemastream generate myapp.models:MeetingInfo[,Other...] --output DIR [--check]
    schemastream generate [--check]          # the targets in [tool.schemastream]
    schemastream serve --replay FILE [--host H] [--port P] [--pace SECONDS] [--flavour F]

Exit status: 0 success (or fresh under --check), 1 stale files under --check,
2 bad input or usage (one message on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ._version import __version__

if TYPE_CHECKING:
    from .generator.writer import WritePlan

__all__ = ["main"]

EXIT_OK, EXIT_STALE, EXIT_ERROR = 0, 1, 2
# schemastream.testing.FLAVOURS, spelt out: the replay server loads only when served.
SERVE_FLAVOURS = ("openai", "vllm", "ollama", "llamacpp", "litellm")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "generate":
        return _generate(args, parser)
    if args.command == "serve":
        return _serve(args)
    parser.print_help(sys.stderr)
    return EXIT_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="schemastream",
        description="JSON Schema / OpenAPI -> typed, streaming Pydantic models.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    generate = commands.add_parser(
        "generate",
        help="generate models, partial twins and stream helpers",
        description="Generate DIR/{__init__,models,partial,stream}.py from a schema. "
        "With no INPUT, generate every target of [tool.schemastream] in the nearest "
        "pyproject.toml.",
    )
    generate.add_argument(
        "input",
        nargs="?",
        metavar="INPUT",
        help="JSON Schema or OpenAPI document (JSON or YAML), or pydantic classes "
        "module:Name[,Name...] (imported with the project root on sys.path)",
    )
    generate.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="DIR",
        help="package directory to write (required with INPUT)",
    )
    generate.add_argument(
        "--input-type",
        default="auto",
        metavar="TYPE",
        help="kind of INPUT: jsonschema or openapi (default: auto, detected)",
    )
    generate.add_argument(
        "--stream-model",
        action="append",
        default=[],
        metavar="NAME",
        help="OpenAPI: stream only this components/schemas NAME (repeatable)",
    )
    generate.add_argument(
        "--ref-root",
        type=Path,
        metavar="DIR",
        help="file $refs may reach files under DIR (default: the directory of INPUT)",
    )
    generate.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if any generated file is stale, missing or no longer generated",
    )

    serve = commands.add_parser(
        "serve",
        help="serve a recorded stream as an OpenAI-compatible endpoint (for demos and tests)",
    )
    serve.add_argument(
        "--replay", type=Path, required=True, metavar="FILE", help="recorded stream to replay"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)"
    )
    serve.add_argument(
        "--pace",
        type=float,
        default=0.02,
        metavar="SECONDS",
        help="delay between chunks (default: 0.02)",
    )
    serve.add_argument(
        "--flavour",
        choices=SERVE_FLAVOURS,
        default="openai",
        help="whose chat completion streams to imitate (default: openai)",
    )
    return parser


def _generate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    # Build-time dependencies (datamodel-code-generator, jinja2, ruff) load only here.
    try:
        from .generator import GeneratorError
    except ImportError as exc:
        print(
            f"schemastream: error: the generator needs its build-time dependencies ({exc.name} "
            "is missing): pip install 'schemastream[codegen]'",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if args.input is None and (args.output or args.stream_model or args.ref_root):
        parser.error("generate: --output, --stream-model and --ref-root need an INPUT")
    if args.input is not None and args.output is None:
        parser.error("generate: --output DIR is required with INPUT")
    try:
        plans = _plans(args)
        if not args.check:
            for plan in plans:
                plan.apply()
    except GeneratorError as exc:
        print(f"schemastream: error: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a bug: still one line and exit 2, never 1 (stale) nor a traceback
        print(
            f"schemastream: error: internal error, please report it with the schema: "
            f"{type(exc).__name__}: {_one_line(str(exc))}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    return _report(plans, check=args.check)


def _plans(args: argparse.Namespace) -> list[WritePlan]:
    """Build every target, print its warnings, and plan its writes; nothing is written yet."""
    from .generator import GenerateOptions, GeneratorError
    from .generator.classes_import import ClassesInput, input_source
    from .generator.config import find_pyproject, load_targets
    from .generator.pipeline import plan_package

    jobs: list[tuple[Path | ClassesInput, Path, GenerateOptions]]
    if args.input is not None:
        options = GenerateOptions(
            input_type=args.input_type,
            stream_models=tuple(args.stream_model),
            ref_root=args.ref_root,
        )
        source: Path | ClassesInput = Path(args.input)
        if args.input_type == "auto":  # a file if there is one, else module:Name
            pyproject = find_pyproject(Path.cwd())
            root = Path.cwd() if pyproject is None else pyproject.parent
            source = input_source(args.input, base=Path.cwd(), root=root)
        jobs = [(source, args.output, options)]
    else:
        pyproject = find_pyproject(Path.cwd())
        if pyproject is None:
            raise GeneratorError("no INPUT given and no pyproject.toml found here or above")
        jobs = [(t.input, t.output, t.options) for t in load_targets(pyproject)]
    planned = [plan_package(*job, check=args.check) for job in jobs]
    for result, _ in planned:
        for warning in result.warnings:
            print(f"schemastream: warning: {_one_line(warning)}", file=sys.stderr)
    return [plan for _, plan in planned]


def _report(plans: list[WritePlan], *, check: bool) -> int:
    if not any(plan.stale for plan in plans):
        print(f"schemastream: {len(plans)} package(s) up to date")
        return EXIT_OK
    if check:
        for path in (path for plan in plans for path in plan.stale):
            print(f"schemastream: stale: {path}", file=sys.stderr)
        print(
            "schemastream: run `schemastream generate` (or `make models`) to update",
            file=sys.stderr,
        )
        return EXIT_STALE
    for plan in plans:
        for name in plan.writes:
            print(f"wrote {plan.output / name}")
        for name in plan.removals:
            print(f"removed {plan.output / name} (no longer generated)")
    return EXIT_OK


def _one_line(text: str) -> str:
    """``text`` with its line breaks escaped: one message, one line on stderr."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _serve(args: argparse.Namespace) -> int:
    from .testing import serve_command  # the test server loads only when asked

    return serve_command(
        replay=args.replay, host=args.host, port=args.port, pace=args.pace, flavour=args.flavour
    )
