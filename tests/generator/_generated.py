"""Helpers for tests that generate a package into a temporary directory and import it."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from schemastream.generator import GenerateOptions, generate

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"


@contextmanager
def imported(
    schema: Path, tmp_path: Path, name: str, options: GenerateOptions | None = None
) -> Iterator[ModuleType]:
    """Generate ``schema`` as package ``name`` in ``tmp_path``, import it, clean up after."""
    generate(schema, tmp_path / name, options or GenerateOptions())
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[module]


def golden_schema(case: str) -> Path:
    """The input schema of a golden case."""
    return next((GOLDEN / case).glob("schema.*"))
