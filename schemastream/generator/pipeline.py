"""Schema file (or the user's pydantic classes) in, package files out: model graph, render, format.

``build`` computes the files of one package in memory, ``plan_package`` what writing them
takes; ``generate`` writes them and ``check`` compares them with the disk. Same input and
version, same bytes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .._version import __version__
from . import dmcg
from .classes_import import ClassesInput
from .classes_package import read_classes
from .errors import GeneratorError, located
from .fmt import format_package
from .graph import ModelSpec, PackageSpec, StreamTarget
from .jsonschema import InputType
from .loader import load_document
from .modules import init_module, partial_module, schemas_module, stream_module
from .naming import root_class_name
from .nesting import check_model_graph
from .render import (
    render_init,
    render_partial,
    render_partial_stub,
    render_schemas,
    render_stream,
)
from .streamable import select_streamable, stream_targets
from .strict import strict_schema
from .writer import GENERATED_MARK, WritePlan, plan_writes

__all__ = ["BuildResult", "GenerateOptions", "build", "check", "generate", "plan_package"]


@dataclass(frozen=True)
class GenerateOptions:
    """How to read the input and which models stream.

    ``stream_models`` narrows an OpenAPI document's streamable schemas (names under
    ``components/schemas``); empty means all of them. File ``$ref``s may reach files
    under ``ref_root`` only (default: the input's directory).
    """

    input_type: InputType = "auto"
    stream_models: tuple[str, ...] = ()
    ref_root: Path | None = None


@dataclass(frozen=True)
class BuildResult:
    """The files of one package (name -> text), and warnings for the user."""

    files: dict[str, str]
    warnings: tuple[str, ...] = ()
    changed: tuple[Path, ...] = ()


def header(file_name: str, sha256: str) -> str:
    """The first line of every generated file."""
    return (
        f"{GENERATED_MARK}{__version__} from {_comment_safe(file_name)} "
        f"(sha256 {sha256}). DO NOT EDIT."
    )


def _comment_safe(text: str) -> str:
    """``text`` up to its first unprintable character: a comment line must stay one line."""
    for index, char in enumerate(text):
        if not char.isprintable():
            return f"{text[:index]}..."
    return text


def build(source: Path | ClassesInput, options: GenerateOptions = GenerateOptions()) -> BuildResult:
    """Every file of the package generated from ``source``, formatted, in memory.

    ``source`` is a schema file, or the user's pydantic classes (``module:Name``).
    """
    raw = render_package(source, options)
    return dataclasses.replace(raw, files=format_package(raw.files))


def render_package(
    source: Path | ClassesInput, options: GenerateOptions = GenerateOptions()
) -> BuildResult:
    """The package's files before formatting: valid Python, in memory (``build`` formats)."""
    if isinstance(source, ClassesInput):
        return _classes_package(source, options)
    document = load_document(source, options.input_type, ref_root=options.ref_root)
    upstream = dmcg.run(
        document.text,
        kind=document.kind,
        file_name=str(document.path),
        data=document.data,
        root_name=root_class_name(document.data.get("title"), document.file_name)
        if document.kind == "jsonschema"
        else None,
    )
    check_model_graph(upstream.models, file_name=str(source))
    streamable, warnings = select_streamable(
        upstream.models,
        kind=document.kind,
        requested=options.stream_models,
        file_name=str(source),  # messages for the user, never written into code
    )
    streams, schemas = stream_targets(streamable, document.data, strict_schema=strict_schema)
    package = PackageSpec(
        header=header(document.file_name, document.sha256),
        models_source=upstream.source,
        models=upstream.models,
        streams=streams,
        warnings=(
            *document.warnings,
            *upstream.warnings,
            *warnings,
            *_strict_warnings(streamable, streams, source),
        ),
        schemas=schemas,
    )
    return _render(package, title=document.file_name)


def _render(package: PackageSpec, *, title: str) -> BuildResult:
    """The package's files, unformatted; ``models.py`` only when it holds generated models."""
    partial = partial_module(package)
    raw = {
        "__init__.py": render_init(init_module(package, title=title)),
        "partial.py": render_partial(partial),
        "partial.pyi": render_partial_stub(partial),
        "stream.py": render_stream(stream_module(package)),
    }
    if package.streams:
        raw["schemas.py"] = render_schemas(schemas_module(package))
    if package.models_source is not None:
        raw["models.py"] = _models_module(package)
    return BuildResult(files=raw, warnings=package.warnings)


def _classes_package(source: ClassesInput, options: GenerateOptions) -> BuildResult:
    if options.stream_models:
        raise GeneratorError(
            "--stream-model (stream-models) names OpenAPI schemas; a module:Name input "
            "streams the classes it names",
            path=source.text,
        )
    found = read_classes(source)
    package = PackageSpec(
        header=header(found.title, found.sha256),
        models_source=None,
        models=found.models,
        streams=found.streams,
        warnings=found.warnings,
        schemas=found.schemas,
    )
    return _render(package, title=found.title)


def _strict_warnings(
    models: Sequence[ModelSpec], streams: Sequence[StreamTarget], source: Path
) -> list[str]:
    """One warning per streamable model that OpenAI strict mode cannot take."""
    return [
        located(
            f"{model.name}: {target.strict_note}",
            path=str(source),
            pointer=model.pointer,
        )
        for model, target in zip(models, streams, strict=True)
        if target.openai and target.strict_schema_json is None
    ]


def _models_module(package: PackageSpec) -> str:
    """datamodel-code-generator's module, with an ``__all__`` of its models: the package's
    ``__init__`` re-exports them from it, for type checkers and at run time."""
    doc = '"""Full models (datamodel-code-generator): every constraint, enum, alias and union."""'
    names = "".join(f"    {model.name!r},\n" for model in sorted(package.models, key=_by_name))
    return f"{package.header}\n{doc}\n\n{package.models_source}\n\n__all__ = [\n{names}]\n"


def _by_name(model: ModelSpec) -> str:
    return model.name


def plan_package(
    source: Path | ClassesInput,
    output: Path,
    options: GenerateOptions = GenerateOptions(),
    *,
    check: bool = False,
) -> tuple[BuildResult, WritePlan]:
    """The package for ``source`` and what bringing ``output`` up to date takes; nothing
    is written. Under ``check``, what stands in the way of writing is only stale."""
    result = build(source, options)
    return result, plan_writes(result.files, output, check=check)


def generate(
    source: Path | ClassesInput, output: Path, options: GenerateOptions = GenerateOptions()
) -> BuildResult:
    """Generate the package for ``source`` into ``output``; ``changed`` lists the files
    written or removed (generated files the package no longer has)."""
    result, plan = plan_package(source, output, options)
    plan.apply()
    return dataclasses.replace(result, changed=tuple(plan.stale))


def check(
    source: Path | ClassesInput, output: Path, options: GenerateOptions = GenerateOptions()
) -> BuildResult:
    """Compare ``output`` with what would be generated; ``changed`` lists the stale files
    (missing, different, or generated files the package no longer has)."""
    result, plan = plan_package(source, output, options, check=True)
    return dataclasses.replace(result, changed=tuple(plan.stale))
