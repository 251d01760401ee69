"""A griffe extension for the API reference: docstring examples render as code.

The docstrings hold plain doctest examples (tests/test_docstrings.py runs them); Markdown
would read their ``>>>`` as nested quotes, so each block of examples is fenced as ``pycon``.
"""

from __future__ import annotations

from typing import Any

import griffe


class DoctestBlocks(griffe.Extension):
    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fenced(obj.docstring.value)


def fenced(text: str) -> str:
    """``text`` with each block of examples (a ``>>>`` line to the next blank line) fenced."""
    lines: list[str] = []
    fence: str | None = None  # the indentation of the open fence
    for line in text.splitlines():
        if fence is None and line.lstrip().startswith(">>>"):
            fence = line[: len(line) - len(line.lstrip())]
            lines.append(f"{fence}```pycon")
        elif fence is not None and not line.strip():
            lines.append(f"{fence}```")
            fence = None
        lines.append(line)
    if fence is not None:
        lines.append(f"{fence}```")
    return "\n".join(lines)
