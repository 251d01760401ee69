"""Edit emitted Python source at the positions its syntax tree reports.

``ast`` columns count UTF-8 bytes, not characters: a class named ``Übersicht`` shifts
every column after it. Edits here take those byte columns and splice by characters.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import NamedTuple

__all__ = ["Edit", "apply_edits", "split_lines"]


class Edit(NamedTuple):
    """Replace ``line[start:end]`` (0-based line, UTF-8 byte columns) with ``text``."""

    line: int
    start: int
    end: int
    text: str


def split_lines(source: str) -> list[str]:
    """The lines of ``source`` as Python's tokenizer splits them (not at ``\\f`` or ``\\u2028``)."""
    return io.StringIO(source, newline="").readlines()


def apply_edits(lines: list[str], edits: Iterable[Edit]) -> None:
    """Apply ``edits`` to ``lines`` in place; edits must not overlap."""
    for edit in sorted(edits, reverse=True):
        line = lines[edit.line]
        start, end = _char_column(line, edit.start), _char_column(line, edit.end)
        lines[edit.line] = line[:start] + edit.text + line[end:]


def _char_column(line: str, byte_column: int) -> int:
    return len(line.encode("utf-8")[:byte_column].decode("utf-8", "ignore"))
