"""The ``schemastream`` command: argument parsing only; ``generator`` and ``testing`` do the work.

    schemastream generate INPUT --output DIR [--input-type T] [--stream-model NAME]... [--check]
    schemastream generate myapp.models:MeetingInfo[,Other...] --output DIR [--check]
    schemastream generate [--check]          # the targets in [tool.schemastream]
    schemastream serve --replay FILE [--host H] [--port P] [--pace SECONDS]

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
    from .generator import BuildResult, GenerateOptions
    from .generator.classes_import import ClassesInput

__all__ = ["main"]

EXIT_OK, EXIT_STALE, EXIT_ERROR = 0, 1, 2


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
        choices=("auto", "jsonschema", "openapi"),
        default="auto",
        help="kind of INPUT (default: detected)",
    )
    generate.add_argument(
        "--stream-model",
        action="append",
        default=[],
        metavar="NAME",
        help="OpenAPI: stream only this components/schemas NAME (repeatable)",
    )
    generate.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if any generated file is stale or missing",
    )

    serve = commands.add_parser(
        "serve",
        help="serve a recorded stream as an OpenAI-compatible endpoint (for demos and tests)",
    )
    serve.add_argument(
        "--replay", type=Path, required=True, metavar="FILE", help="recorded stream to replay"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument(
        "--pace",
        type=float,
        default=0.02,
        metavar="SECONDS",
        help="delay between chunks (default: 0.02)",
    )
    return parser


def _generate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    # Build-time dependencies (datamodel-code-generator, jinja2, ruff) load only here.
    try:
        from .generator import GenerateOptions, GeneratorError, build
        from .generator.classes_import import input_source
        from .generator.config import find_pyproject, load_targets
        from .generator.writer import stale_files, write_files
    except ImportError as exc:
        print(
            f"schemastream: error: the generator needs its build-time dependencies ({exc.name} "
            "is missing): pip install 'schemastream[codegen]'",
            file=sys.stderr,
        )
        return 2

    source: Path | ClassesInput | None = None
    if args.input is not None:
        source = Path(args.input)
        if args.input_type == "auto":
            source = input_source(args.input, base=Path.cwd(), root=_project_root())
    output: Path | None = args.output
    if source is None and (output is not None or args.stream_model):
        parser.error("generate: --output and --stream-model need an INPUT")
    jobs: list[tuple[Path | ClassesInput, Path, GenerateOptions]] = []
    if source is not None:
        if output is None:
            parser.error("generate: --output DIR is required with INPUT")
        options = GenerateOptions(
            input_type=args.input_type, stream_models=tuple(args.stream_model)
        )
        jobs.append((source, output, options))
    try:
        if not jobs:
            pyproject = find_pyproject(Path.cwd())
            if pyproject is None:
                raise GeneratorError("no INPUT given and no pyproject.toml found here or above")
            jobs = [(t.input, t.output, t.options) for t in load_targets(pyproject)]
        results: list[tuple[Path, BuildResult]] = [
            (target, build(schema, settings)) for schema, target, settings in jobs
        ]
    except GeneratorError as exc:
        print(f"schemastream: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    stale: list[Path] = []
    written = 0
    for output, result in results:
        for warning in result.warnings:
            print(f"schemastream: warning: {warning}", file=sys.stderr)
        if args.check:
            stale.extend(stale_files(result.files, output))
            continue
        for path in write_files(result.files, output):
            print(f"wrote {path}")
            written += 1
    if not stale and not written:
        print(f"schemastream: {len(results)} package(s) up to date")
    for path in stale:
        print(f"schemastream: stale: {path}", file=sys.stderr)
    if stale:
        print(
            "schemastream: run `schemastream generate` (or `make models`) to update",
            file=sys.stderr,
        )
        return EXIT_STALE
    return EXIT_OK


def _project_root() -> Path:
    """Where ``module:Name`` inputs are imported from: the pyproject.toml's directory, else here."""
    from .generator.config import find_pyproject

    pyproject = find_pyproject(Path.cwd())
    return Path.cwd() if pyproject is None else pyproject.parent


def _serve(args: argparse.Namespace) -> int:
    from .testing import serve_command  # the test server loads only when asked

    return serve_command(replay=args.replay, host=args.host, port=args.port, pace=args.pace)
