"""The public surface: every public name is exported through a sorted, complete ``__all__``."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PUBLIC_MODULES = [
    "schemastream",
    "schemastream.runtime",
    "schemastream.testing",
    "schemastream.web",
]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted_and_resolves(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    # isort-style, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions.
    assert exported == sorted(exported, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    for member in exported:
        assert hasattr(module, member), f"{name}.__all__ names missing {member}"


def test_runtime_exports_every_public_name_of_its_private_modules() -> None:
    runtime = importlib.import_module("schemastream.runtime")
    for private in [
        "_errors",
        "_parser",
        "_partial_model",
        "_stream",
        "_client",
        "_options",
        "_lazy_classes",
    ]:
        module = importlib.import_module(f"schemastream.runtime.{private}")
        for member in getattr(module, "__all__", []):
            assert member in runtime.__all__, f"{private}.{member} is not re-exported"


def test_every_error_is_a_schemastream_error() -> None:
    runtime = importlib.import_module("schemastream.runtime")
    for member in runtime.__all__:
        value = getattr(runtime, member)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, runtime.SchemaStreamError)


def test_testing_uses_only_the_runtimes_public_surface() -> None:
    # The replay server and recorder are the runtime's first users: what they need is public.
    package = Path(importlib.import_module("schemastream.testing").__file__ or "").parent
    private = []
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if "runtime" in parts and parts[-1].startswith("_"):
                    private.append(f"{path.name}: from {'.' * node.level}{node.module}")
    assert private == []


def test_web_exports_every_public_name_of_its_private_modules() -> None:
    web = importlib.import_module("schemastream.web")
    for private in ["_response", "_script"]:
        module = importlib.import_module(f"schemastream.web.{private}")
        for member in getattr(module, "__all__", []):
            assert member in web.__all__, f"{private}.{member} is not re-exported"
