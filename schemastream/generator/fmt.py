"""The last step of generation: the pinned ruff formats every emitted module.

ruff runs ``--isolated`` with explicit settings, so no pyproject.toml or ruff.toml
around the output directory can change the bytes written.
"""

from __future__ import annotations

import subprocess

from ruff import find_ruff_bin  # type: ignore[import-untyped]  # ruff ships no py.typed

from .errors import GeneratorError

__all__ = ["format_source"]

_SETTINGS = (
    "--isolated",
    "--line-length",
    "100",
    "--target-version",
    "py310",
    # Import grouping must not depend on which packages sit around the working directory.
    "--config",
    "src = []",
    "--config",
    "lint.isort.detect-same-package = false",
    # One import statement per module in __init__.py's re-exports, not one per name.
    "--config",
    "lint.isort.combine-as-imports = true",
)


def format_source(source: str, *, name: str) -> str:
    """``source`` formatted by ruff, imports sorted and unused ones (of a class dropped as
    unreachable, say) removed; ``name`` only labels errors."""
    ruff = str(find_ruff_bin())
    sorted_imports = _run(
        [ruff, "check", *_SETTINGS, "--select", "I,F401", "--fix-only", "--exit-zero"],
        source,
        name,
    )
    return _run([ruff, "format", *_SETTINGS], sorted_imports, name)


def _run(command: list[str], source: str, name: str) -> str:
    result = subprocess.run(
        [*command, "--stdin-filename", name, "-"],
        input=source.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()
        raise GeneratorError(
            f"ruff could not format the generated {name} (a generator bug): {detail}"
        )
    return result.stdout.decode("utf-8")
