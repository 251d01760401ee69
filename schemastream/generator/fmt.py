"""The last step of generation: the pinned ruff formats every emitted module.

ruff runs ``--isolated`` with explicit settings, so no pyproject.toml or ruff.toml
around the output directory can change the bytes written. A package takes two ruff
processes (sort imports, then format), each over all of its files.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ruff import find_ruff_bin  # type: ignore[import-untyped]  # ruff ships no py.typed

from .errors import GeneratorError

__all__ = ["format_package"]

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


def format_package(files: Mapping[str, str]) -> dict[str, str]:
    """Each file (name -> source) formatted by ruff, imports sorted and unused ones (of a
    class dropped as unreachable, say) removed.

    The files are formatted in a scratch directory under their own names (``.pyi``
    formats as a stub), passed by path: no exclusion or ignore file applies to them.
    """
    ruff = str(find_ruff_bin())
    with tempfile.TemporaryDirectory(prefix="schemastream-fmt-") as scratch:
        paths = {name: Path(scratch) / name for name in files}
        for name, source in files.items():
            paths[name].write_bytes(source.encode("utf-8"))
        targets = [str(path) for path in paths.values()]
        check = ["check", *_SETTINGS, "--select", "I,F401", "--fix-only", "--exit-zero"]
        _run([ruff, *check, *targets], scratch)
        _run([ruff, "format", *_SETTINGS, *targets], scratch)
        return {name: path.read_bytes().decode("utf-8") for name, path in paths.items()}


def _run(command: list[str], scratch: str) -> None:
    result = subprocess.run(command, cwd=scratch, capture_output=True, check=False)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()
        raise GeneratorError(
            f"ruff could not format the generated package (a generator bug): {detail}"
        )
