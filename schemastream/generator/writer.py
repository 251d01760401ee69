"""Put a generated package on disk, or compare it with what is there (``--check``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = ["stale_files", "write_files"]


def write_files(files: Mapping[str, str], output: Path) -> list[Path]:
    """Write ``files`` (name -> text) under ``output``; return the paths whose bytes changed."""
    output.mkdir(parents=True, exist_ok=True)
    changed: list[Path] = []
    for name, text in sorted(files.items()):
        path = output / name
        data = text.encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
            changed.append(path)
    return changed


def stale_files(files: Mapping[str, str], output: Path) -> list[Path]:
    """The paths under ``output`` that are missing or differ from ``files``; writes nothing."""
    stale: list[Path] = []
    for name, text in sorted(files.items()):
        path = output / name
        if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
            stale.append(path)
    return stale
