"""The text received so far, kept as the chunks it came in.

Appending costs nothing per character; the whole text is joined only when asked for, and
a slice near the end (a list item just closed, a token cut by a chunk) reads only the
chunks it spans, counting back from the end.
"""

from __future__ import annotations

__all__ = ["TextBuffer"]


class TextBuffer:
    """Chunks in order; ``size`` counts their characters."""

    __slots__ = ("_parts", "size")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.size = 0

    def append(self, chunk: str) -> None:
        self._parts.append(chunk)
        self.size += len(chunk)

    @property
    def text(self) -> str:
        """All the text (joined once, then kept joined)."""
        parts = self._parts
        if len(parts) > 1:
            parts[:] = ["".join(parts)]
        return parts[0] if parts else ""

    def slice(self, start: int, end: int) -> str:
        """``text[start:end]``, reading only the chunks from ``start`` to the end."""
        if end <= start:
            return ""
        parts = self._parts
        first = len(parts)
        offset = self.size
        while offset > start:
            first -= 1
            offset -= len(parts[first])
        return "".join(parts[first:])[start - offset : end - offset]

    def tail(self, start: int) -> str:
        """``text[start:]``."""
        return self.slice(start, self.size)
