"""``[tool.schemastream]`` in the nearest pyproject.toml: the targets ``generate`` runs.

[[tool.schemastream.targets]]
input = "schemas/meeting.json"      # relative to the pyproject.toml, or the user's classes:
output = "src/app/meeting_models"   # input = "app.models:MeetingInfo,Report" (app under it)
input-type = "auto"                 # optional: auto | jsonschema | openapi
stream-models = ["Pet"]             # optional, OpenAPI only
ref-root = "schemas"                # optional: file $refs may reach files under it
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from .classes_import import ClassesInput, input_source
from .errors import GeneratorError
from .jsonschema import INPUT_TYPES, InputType
from .pipeline import GenerateOptions

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = ["Target", "find_pyproject", "load_targets"]

_KEYS = frozenset({"input", "output", "input-type", "stream-models", "ref-root"})


@dataclass(frozen=True)
class Target:
    """One package to generate: input file (or the user's classes), output directory, options."""

    input: Path | ClassesInput
    output: Path
    options: GenerateOptions


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_targets(pyproject: Path) -> list[Target]:
    """The targets of ``[tool.schemastream]``, paths resolved against the file's directory."""
    where = str(pyproject)
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise GeneratorError(f"cannot read: {exc}", path=where) from None
    except tomllib.TOMLDecodeError as exc:
        raise GeneratorError(f"invalid TOML: {exc}", path=where) from None
    section = data.get("tool", {}).get("schemastream")
    if not isinstance(section, dict) or not section.get("targets"):
        raise GeneratorError(
            "no [[tool.schemastream.targets]]; give an INPUT and --output, or add targets "
            '(input = "schema.json", output = "pkg/models")',
            path=where,
        )
    targets = section["targets"]
    if not isinstance(targets, list):
        raise GeneratorError("tool.schemastream.targets must be an array of tables", path=where)
    base = pyproject.parent
    return [
        _target(entry, base, f"{where}: target {index + 1}") for index, entry in enumerate(targets)
    ]


def _target(entry: Any, base: Path, where: str) -> Target:
    if not isinstance(entry, dict):
        raise GeneratorError("a target must be a table with input and output", path=where)
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise GeneratorError(
            f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS))}", path=where
        )
    for key in ("input", "output"):
        if not isinstance(entry.get(key), str):
            raise GeneratorError(f"{key!r} must be a path string", path=where)
    input_type = entry.get("input-type", "auto")
    if input_type not in INPUT_TYPES:
        raise GeneratorError(f"input-type must be one of {', '.join(INPUT_TYPES)}", path=where)
    stream_models = entry.get("stream-models", [])
    if not isinstance(stream_models, list) or not all(isinstance(n, str) for n in stream_models):
        raise GeneratorError("stream-models must be an array of schema names", path=where)
    ref_root = entry.get("ref-root")
    if ref_root is not None and not isinstance(ref_root, str):
        raise GeneratorError("'ref-root' must be a path string", path=where)
    source: Path | ClassesInput = base / entry["input"]
    if input_type == "auto":
        source = input_source(entry["input"], base=base, root=base)
    return Target(
        input=source,
        output=base / entry["output"],
        options=GenerateOptions(
            input_type=cast(InputType, input_type),
            stream_models=tuple(stream_models),
            ref_root=None if ref_root is None else base / ref_root,
        ),
    )
