"""The one error the generator raises for input it cannot turn into code.

``GeneratorError`` is raised at build time, never at run time, when the input cannot be
read (missing file, invalid JSON or YAML), is not a schema (a list, a Swagger 2.0
document, an object with no schema keywords), refers to something the tool cannot
reach offline (a remote ``$ref``, a missing sibling file or pointer), nests past a safe
depth, or holds a construct the generator cannot handle. ``str(err)`` is the complete
message for a person: what went wrong, where (file and JSON pointer when known) and
what to do. The CLI prints ``schemastream: error: {err}`` and exits with status 2.
"""

from __future__ import annotations

__all__ = ["GeneratorError", "located"]


class GeneratorError(Exception):
    """Input the generator cannot turn into code; the message says where and what to do.

    ``path`` is the file at fault and ``pointer`` the JSON pointer inside it (``#/...``)
    when known; both are folded into ``str(err)``.

    >>> str(GeneratorError("unsupported keyword", path="s.json", pointer="#/$defs/A"))
    's.json at #/$defs/A: unsupported keyword'
    """

    def __init__(self, message: str, *, path: str | None = None, pointer: str | None = None):
        self.message = message
        self.path = path
        self.pointer = pointer
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return located(self.message, path=self.path, pointer=self.pointer)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.message, self.path, self.pointer))


def located(message: str, *, path: str | None, pointer: str | None) -> str:
    """``message`` prefixed with where it applies: ``file at #/pointer: message``."""
    where = " at ".join(_printable(part) for part in (path, pointer) if part)
    return f"{where}: {message}" if where else message


def _printable(text: str) -> str:
    """``text``, or its repr when it holds line breaks or other control characters."""
    if any(not ch.isprintable() and ch != " " for ch in text):
        return repr(text)
    return text


def _rebuild(message: str, path: str | None, pointer: str | None) -> GeneratorError:
    return GeneratorError(message, path=path, pointer=pointer)
