"""Build time: read a schema, build the model graph, render, format, write.

``generate`` writes a package, ``check`` reports which of its files are stale, and
``build`` returns the files without touching the disk; the input is a schema file or a
``ClassesInput`` (the user's pydantic classes).
"""

from .classes_import import ClassesInput
from .errors import GeneratorError
from .pipeline import BuildResult, GenerateOptions, build, check, generate

__all__ = [
    "BuildResult",
    "ClassesInput",
    "GenerateOptions",
    "GeneratorError",
    "build",
    "check",
    "generate",
]
