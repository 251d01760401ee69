"""JSON Patch operations from the change record: a stream forwarded as changes, not objects.

Applied in order to ``null`` (nothing yet), the operations of each snapshot give its
``model_dump(mode="json", by_alias=True, exclude_unset=True)``. They come from what the
parser changed, never from comparing snapshots, so they cost what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, TypedDict

from pydantic import BaseModel, JsonValue
from pydantic_core import to_jsonable_python

from ._changes import Change, ChangeKind, Node

__all__ = ["PatchOperation", "PatchWriter", "json_value", "pointer"]


class PatchOperation(TypedDict):
    """One RFC 6902 operation, or ``append`` (an extension: ``value`` extends the string)."""

    op: Literal["add", "replace", "append"]
    path: str
    value: JsonValue


class PatchWriter:
    """Turns each feed's changes into operations; keeps what ``standard`` mode needs.

    ``standard=False`` sends a growing string as ``append`` operations of the new text;
    ``standard=True`` sends only RFC 6902 operations: a ``replace`` with the whole string.
    """

    def __init__(self, *, standard: bool = False) -> None:
        self.standard = standard
        # standard mode: the text so far of each open string shown, by its pointer
        self._strings: dict[str, str] = {}

    def operations(self, changes: Iterable[Change]) -> list[PatchOperation]:
        ops: list[PatchOperation] = []
        strings = self._strings
        for kind, parent, key, value, _, _ in changes:
            if kind == _COMPLETED:
                if strings:
                    strings.pop(pointer(parent, key), None)
                continue
            path = pointer(parent, key)
            if kind == _GREW:
                text = value if type(value) is str else ""
                if self.standard:
                    text = strings[path] = strings.get(path, "") + text
                    ops.append({"op": "replace", "path": path, "value": text})
                else:
                    ops.append({"op": "append", "path": path, "value": text})
                continue
            data = json_value(value)
            if self.standard and kind == _OPENED and type(data) is str:
                strings[path] = data
            # The root always exists (``null`` before anything): it is replaced, never added.
            replace = kind == _REPLACED or parent is None
            ops.append({"op": "replace" if replace else "add", "path": path, "value": data})
        return ops


_OPENED, _GREW, _REPLACED, _COMPLETED = (
    ChangeKind.OPENED,
    ChangeKind.GREW,
    ChangeKind.REPLACED,
    ChangeKind.COMPLETED,
)
_JSON_SCALARS = (str, int, float, bool, type(None))


def pointer(parent: Node | None, key: str | int) -> str:
    """The RFC 6901 JSON pointer of ``key`` in ``parent`` (``""``: the root value).

    Each container's own pointer is kept on it once known, so this costs the key's
    escaping, whatever the depth.
    """
    if parent is None:
        return ""
    if parent.pointer is None:
        unknown: list[Node] = []
        node: Node | None = parent
        while node is not None and node.pointer is None:
            unknown.append(node)
            node = node.parent
        prefix = "" if node is None else node.pointer
        for node in reversed(unknown):
            # the root container is the root value: its pointer is ""
            prefix = node.pointer = (
                "" if node.parent is None else f"{prefix}/{_escape(node.path_key)}"
            )
    return f"{parent.pointer}/{_escape(key)}"


def _escape(key: str | int) -> str:
    if type(key) is int:
        return str(key)
    text = str(key)
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def json_value(value: object) -> JsonValue:
    """A snapshot value as ``model_dump(mode="json", by_alias=True, exclude_unset=True)``."""
    if type(value) in _JSON_SCALARS:
        return value  # type: ignore[return-value]  # a JSON scalar
    if isinstance(value, BaseModel):
        dumped: JsonValue = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return dumped
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [json_value(item) for item in value]
    converted: JsonValue = to_jsonable_python(value)  # date, UUID, enum, Decimal...
    return converted
