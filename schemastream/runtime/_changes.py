"""The change record: what one ``feed`` changed in the snapshot, and where.

The parser keeps it per feed; element streams and patches read it instead of comparing
snapshots, so what they cost follows what changed, not the size of the document.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple, Protocol

__all__ = ["Change", "ChangeKind", "ChangeLog", "Item", "Node", "WatchPath"]


class ChangeKind(IntEnum):
    """What happened at a path."""

    #: a container or string appeared; ``value`` is its snapshot value so far
    OPENED = 1
    #: a string shown already grew; ``value`` is the new text
    GREW = 2
    #: a complete value appeared at a new key or index; ``value`` is that value
    SET = 3
    #: a repeated key's complete value replaced the one shown (the last one wins)
    REPLACED = 4
    #: a value closed; nothing visible changed unless it is the root (or was hidden)
    COMPLETED = 5


class Node(Protocol):
    """An open container as the record names it: where it sits in its parent."""

    @property
    def parent(self) -> Node | None: ...

    @property
    def path_key(self) -> str | int:
        """This container's key (object) or index (array) in its parent's snapshot."""
        ...

    #: its JSON pointer, once someone asked (see ``_patches.pointer``)
    pointer: str | None


class Change(NamedTuple):
    """One change: ``key`` of the container ``parent`` (the root value itself: ``None``)."""

    kind: ChangeKind
    parent: Node | None
    key: str | int
    value: object
    #: the offsets of the value's text (``COMPLETED`` of an item: what element streams read)
    start: int = 0
    end: int = 0


class Item(NamedTuple):
    """A complete item of a watched list (shown or not): where its text is."""

    #: which watched path (an index into ``ChangeLog.watched``)
    watch: int
    #: its position in the list as sent
    position: int
    start: int
    end: int


#: A list to watch: per level from the root, the keys that lead there (alias or name).
WatchPath = tuple[frozenset[str], ...]


class ChangeLog:
    """The changes of one ``feed``, in text order.

    ``changed`` says whether the visible value changed (or the whole value completed: the
    last snapshot then says so). ``entries`` holds every visible change, kept only when
    ``record`` is set (patches read them); ``items`` holds the complete items of the
    ``watched`` lists (element streams read them), shown or not.
    """

    __slots__ = ("changed", "entries", "items", "record", "watched")

    def __init__(self) -> None:
        self.changed = False
        self.record = False
        self.entries: list[Change] = []
        self.watched: tuple[WatchPath, ...] = ()
        self.items: list[Item] = []

    def clear(self) -> None:
        self.changed = False
        if self.entries:
            self.entries = []
        if self.items:
            self.items = []

    def watch(self, path: WatchPath) -> int:
        """Report the items of the list at ``path`` from now on; returns the watch's index."""
        self.watched = (*self.watched, path)
        return len(self.watched) - 1
