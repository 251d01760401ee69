"""The open path: one frame per open container, from the root to the token being read.

``Frames`` is the lexer's sink. It resolves each value's shape, keeps complete children
in their container, decides what is visible, records what changed in the ``ChangeLog``,
and rebuilds the snapshot of the open path when it is read.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from ._changes import Change, ChangeKind, ChangeLog, Item
from ._model_shape import RootShape, Wrap, unwrap
from ._shape import (
    ARRAY,
    NULL,
    OBJECT,
    STRING,
    ArrayShape,
    ContainerShape,
    Invalid,
    Kind,
    ObjectShape,
    OpenArray,
    OpenContainer,
    Shape,
    convert_plain,
)
from ._union_shape import OpenPending, PendingObject
from ._views import NOTHING

__all__ = ["Frame", "Frames", "UndecidedTooDeep"]

_OPENED, _GREW, _SET, _REPLACED, _COMPLETED = (
    ChangeKind.OPENED,
    ChangeKind.GREW,
    ChangeKind.SET,
    ChangeKind.REPLACED,
    ChangeKind.COMPLETED,
)


_new_change = tuple.__new__


class UndecidedTooDeep(Exception):
    """Plain JSON collected under an undecided union nests past Python's stack (internal)."""


class Frame:
    """One open container: its shape, its complete children, and the child being read."""

    __slots__ = (
        "build",
        "container",
        "depth",
        "done",
        "is_object",
        "item",
        "items",
        "key",
        "name",
        "parent",
        "path_key",
        "pointer",
        "raw_key",
        "shape",
        "start",
        "view",
        "watch",
        "wrap",
    )

    def __init__(
        self,
        is_object: bool,
        shape: ContainerShape | None,
        wrap: Wrap | None,
        parent: Frame | None,
        path_key: str | int,
        done: bool,
        start: int,
    ) -> None:
        self.is_object = is_object
        #: None: the value does not fit its field and is dropped (its text is still read)
        self.shape = shape
        self.container: OpenContainer | None = None if shape is None else shape.new()
        #: the shape of every item (arrays that are not dropped)
        self.item = shape.item if isinstance(shape, ArrayShape) else None
        self.wrap = wrap
        #: the snapshot value of this container, given the open child's name and value
        self.build = _builder(self.container, wrap)
        self.parent = parent
        self.depth: int = 0 if parent is None else parent.depth + 1
        #: this container's key or index in its parent's snapshot, and its JSON pointer
        self.path_key = path_key
        self.pointer: str | None = None
        #: shown only once complete: ``x-stream: done``, or a repeated key
        self.done = done
        self.start = start
        #: the child being read: its slot name, its snapshot key or index, its key as sent
        self.name = ""
        self.key: str | int = 0
        self.raw_key = ""
        #: items read so far, shown or not (arrays): the next item's index in the text
        self.items = 0
        #: the snapshot value last built for this container
        self.view: object = NOTHING
        #: which watched list this is (-1: none)
        self.watch = -1

    @property
    def hidden(self) -> bool:
        """Hidden whatever its content: dropped, shown only when done, or undecided."""
        return self.container is None or self.done or isinstance(self.shape, PendingObject)


def _builder(container: OpenContainer | None, wrap: Wrap | None) -> Callable[[str, object], object]:
    """A frame's snapshot builder: its container's view, inside its root models."""
    if container is None:
        return _hidden
    if wrap is None:
        return container.view
    view = container.view
    return lambda name, child: wrap.wrap(view(name, child))


def _hidden(name: str, child: object) -> object:
    return NOTHING


class Frames:
    """Turns tokens into snapshot values along the open path.

    ``shown`` counts the frames from the root whose value is in the snapshot: a frame is
    shown when its parent is and nothing hides it, so a frame above a hidden one is hidden
    too. Changes are recorded only inside shown frames; a frame that becomes shown later
    (a union decided, a ``not-null`` field arrived) is recorded once, whole.
    """

    def __init__(self, shape: Shape, log: ChangeLog) -> None:
        self.log = log
        #: reads the text of the open string so far (the lexer keeps it; set once it exists)
        self.open_string: Callable[[], str] = str
        self.stack: list[Frame] = []
        self.shown = 0
        #: the root value: complete, or the last snapshot built (NOTHING before any)
        self.value: object = NOTHING
        self.complete = False
        # The value about to start: its shape (None: dropped), and whether it is hidden.
        self._next: Shape | None = shape
        self._next_done = False
        # The open string: its shape (None: dropped), wrappers, whether it is shown, how
        # much of it was recorded, where it started.
        self._string: Shape | None = None
        self._string_wrap: Wrap | None = None
        self._string_shown = False
        self._string_recorded = 0
        self._string_start = 0
        #: how deep the snapshot is out of date: 1 + the deepest frame whose value changed
        #: (0: only the top-level string; -1: nothing)
        self._stale = -1

    # --- the lexer's calls ------------------------------------------------------------------

    def open(self, is_object: bool, offset: int) -> None:
        shape, wrap = self._resolve(OBJECT if is_object else ARRAY)
        stack = self.stack
        parent = stack[-1] if stack else None
        container = shape if isinstance(shape, ContainerShape) else None
        frame = Frame(
            is_object, container, wrap, parent, self._child_key(parent), self._next_done, offset
        )
        stack.append(frame)
        if self.log.watched and not is_object:
            frame.watch = self._watch_of(frame)
        self._next = frame.item
        self._next_done = False
        if frame.depth == self.shown and not frame.hidden and frame.container.shows():  # type: ignore[union-attr]  # not hidden: it has one
            self._show(frame)

    def key(self, key: str) -> None:
        frame = self.stack[-1]
        frame.raw_key = key
        shape = frame.shape
        if type(shape) is PendingObject:
            chosen = shape.decide_by_key(key)
            if chosen is not None:
                self._decide(frame, chosen)
            shape = frame.shape
        container = frame.container
        if container is None or not isinstance(shape, ObjectShape):
            frame.name = frame.key = key
            self._next = None
            return
        name, self._next, done, frame.key = shape.child(key)
        frame.name = name
        # A repeated key (the last one wins, as in json.loads and pydantic): its new value
        # is held back until complete, then replaces the old one at once, so no snapshot
        # shows the old value shrinking into the new.
        self._next_done = done or container.holds(name)

    def close(self, offset: int) -> None:
        frame = self.stack.pop()
        shown = self.shown > frame.depth
        if shown:
            self.shown = frame.depth
        container = frame.container
        value: object = NOTHING
        if isinstance(container, OpenPending) and isinstance(frame.shape, PendingObject):
            chosen = frame.shape.decide_at_end(container.fields)
            value = self._convert_late(chosen, container.fields)
        elif container is not None:
            value = container.finish()
        if frame.wrap is not None and value is not NOTHING:
            value = frame.wrap.wrap(value)
        self._attach(value, shown, frame.start, offset + 1)

    def string_start(self, offset: int) -> None:
        shape, wrap = self._resolve(STRING)
        self._string = shape
        self._string_wrap = wrap
        self._string_start = offset
        self._string_recorded = 0
        depth = len(self.stack)
        shown = shape is not None and shape.grows and not self._next_done and depth == self.shown
        self._string_shown = shown
        if shown:
            self.log.changed = True
            if depth > self._stale:
                self._stale = depth
            if self.log.record:
                parent = self.stack[-1] if self.stack else None
                text = "" if wrap is None else wrap.wrap("")
                self._record(_OPENED, parent, self._child_key(parent), text)

    def string_grew(self) -> None:
        """The open string grew: a visible change when it is shown."""
        if not self._string_shown:
            return
        log = self.log
        log.changed = True
        level = len(self.stack)
        if level > self._stale:
            self._stale = level
        if log.record:
            text = self.open_string()
            parent = self.stack[-1] if self.stack else None
            self._record(_GREW, parent, self._child_key(parent), text[self._string_recorded :])
            self._string_recorded = len(text)

    def string_end(self, text: str, end: int) -> None:
        shape = self._string
        shown = self._string_shown
        self._string_shown = False
        value: object = NOTHING
        if shown:
            value = text
        elif shape is not None:
            try:
                value = shape.convert(text)
            except Invalid:
                value = NOTHING
        if value is not NOTHING and self._string_wrap is not None:
            value = self._string_wrap.wrap(value)
        self._attach(value, shown, self._string_start, end)

    def scalar(self, value: bool | int | float | None, kind: Kind, start: int, end: int) -> None:
        shape, wrap = self._resolve(kind)
        converted: object = NOTHING
        if shape is not None:
            try:
                converted = None if value is None else shape.convert(value)
            except Invalid:
                converted = NOTHING
        if converted is not NOTHING and wrap is not None:
            converted = wrap.wrap(converted)
        self._attach(converted, False, start, end)

    # --- the snapshot ---------------------------------------------------------------------

    def snapshot(self) -> object:
        """The snapshot value: the stale views rebuilt, from the deepest up to the root."""
        stale = self._stale
        if stale < 0:
            return self.value
        self._stale = -1
        stack = self.stack
        if not stack:
            if self._string_shown:
                text = self.open_string()
                self.value = text if self._string_wrap is None else self._string_wrap.wrap(text)
            return self.value
        shown = self.shown
        top = (stale if stale < shown else shown) - 1
        if top < 0:
            return self.value
        child: object = NOTHING
        if top + 1 < shown:
            child = stack[top + 1].view
        elif self._string_shown and top == len(stack) - 1:
            text = self.open_string()
            child = text if self._string_wrap is None else self._string_wrap.wrap(text)
        frame: Frame | None = stack[top]
        while frame is not None:  # up the parent links: every frame above is shown and stale
            child = frame.build(frame.name, child)
            frame.view = child
            frame = frame.parent
        self.value = child
        return child

    # --- internals --------------------------------------------------------------------------

    def _child_key(self, parent: Frame | None) -> str | int:
        """The snapshot key or index that the value about to start will have in ``parent``."""
        if parent is None:
            return ""
        if isinstance(parent.container, OpenArray):
            return len(parent.container.items)
        return parent.key

    def _resolve(self, kind: Kind) -> tuple[Shape | None, Wrap | None]:
        """The concrete shape of the value starting now (None: dropped), and its wrappers."""
        shape = self._next
        if shape is None:
            return None, None
        if type(shape) is not RootShape:  # the common case: no wrapper
            resolved = shape.resolve(kind) if kind != NULL else shape
            if not isinstance(resolved, RootShape):
                return resolved, None
        wrap: Wrap | None = None
        while shape is not None:
            shape, wrap = unwrap(shape, wrap)
            if kind == NULL:
                return shape, wrap
            resolved = shape.resolve(kind)
            if not isinstance(resolved, RootShape):
                return resolved, wrap
            shape = resolved
        return None, None

    def _visible(self, level: int) -> None:
        """A visible change in the frame at ``level - 1`` (0: the top-level value)."""
        self.log.changed = True
        if level > self._stale:
            self._stale = level

    def _record(
        self,
        kind: ChangeKind,
        parent: Frame | None,
        key: str | int,
        value: object,
        start: int = 0,
        end: int = 0,
    ) -> None:
        # tuple.__new__ skips the NamedTuple's Python-level __new__: a third of the cost.
        self.log.entries.append(_new_change(Change, (kind, parent, key, value, start, end)))

    def _show(self, frame: Frame) -> None:
        """``frame``, above shown frames, is shown from now on: recorded once, whole."""
        self.shown = frame.depth + 1
        self._visible(frame.depth + 1)
        if self.log.record:
            self._record(_OPENED, frame.parent, frame.path_key, frame.build(frame.name, NOTHING))

    def _attach(self, value: object, was_shown: bool, start: int, end: int) -> None:
        """A complete value: into the open container, or it is the top-level value."""
        stack = self.stack
        if not stack:
            self.complete = True
            if value is not NOTHING:
                self.value = value
                self._stale = -1
                # Even when nothing visible changed (the closing bracket came alone): the
                # last snapshot a user sees then says the value is complete.
                self.log.changed = True
                if self.log.record:
                    self._record(_COMPLETED if was_shown else _SET, None, "", value, start, end)
            return
        frame = stack[-1]
        self._next_done = False
        if frame.watch >= 0:
            self.log.items.append(Item(frame.watch, frame.items, start, end))
            frame.items += 1
        container = frame.container
        if container is None:
            return
        if not frame.is_object:
            self._next = frame.item
        if value is NOTHING:
            return
        log = self.log
        if log.record:
            self._record_attach(frame, container, value, was_shown, start, end)
        container.add(frame.name, value)
        depth = frame.depth
        if depth < self.shown:
            if depth >= self._stale:
                self._stale = depth + 1
            if not was_shown:  # completing what was shown already changes nothing visible
                log.changed = True
            return
        shape = frame.shape
        if isinstance(shape, PendingObject) and frame.raw_key == shape.union.discriminator:
            chosen = shape.decide_by_tag(value)
            if chosen is not None:
                self._decide(frame, chosen)
                return
        if depth == self.shown and not frame.hidden and container.shows():
            self._show(frame)

    def _record_attach(
        self,
        frame: Frame,
        container: OpenContainer,
        value: object,
        was_shown: bool,
        start: int,
        end: int,
    ) -> None:
        """Record a complete child of ``frame`` (before it is added), when ``frame`` is shown."""
        if frame.depth >= self.shown:
            return
        if isinstance(container, OpenArray):
            key: str | int = len(container.items)
            kind = _COMPLETED if was_shown else _SET
        else:
            key = frame.key
            replaces = container.holds(frame.name)
            kind = _COMPLETED if was_shown else _REPLACED if replaces else _SET
        self._record(kind, frame, key, value, start, end)

    def _decide(self, frame: Frame, chosen: Shape) -> None:
        """An undecided union object is decided: convert what arrived, then maybe show it."""
        shape, wrap = unwrap(chosen, frame.wrap)
        pending = frame.container
        if not isinstance(shape, ObjectShape) or not isinstance(pending, OpenPending):
            return
        container = shape.new()
        for key, item in pending.fields.items():
            slot = shape.child(key)
            if slot.shape is not None:
                converted = self._convert_late(slot.shape, item)
                if converted is not NOTHING:
                    container.add(slot.name, converted)
        frame.shape = shape
        frame.container = container
        frame.wrap = wrap
        frame.build = _builder(container, wrap)
        if frame.depth == self.shown and not frame.hidden and container.shows():
            self._show(frame)

    def _convert_late(self, shape: Shape, plain: object) -> object:
        """Plain JSON collected while a union was undecided, as ``shape``'s value."""
        try:
            return convert_plain(shape, plain)  # type: ignore[arg-type]  # free-form: JSON
        except Invalid:
            return NOTHING
        except RecursionError:
            raise UndecidedTooDeep(sys.getrecursionlimit()) from None

    def _watch_of(self, frame: Frame) -> int:
        """Which watched list ``frame`` (an array) is, by the keys that lead to it (-1: none)."""
        keys: list[str] = []
        node = frame
        while node.parent is not None:
            node = node.parent
            if not node.is_object:
                return -1
            keys.append(node.raw_key)
        keys.reverse()
        for index, path in enumerate(self.log.watched):
            if len(path) == len(keys) and all(
                k in accepted for k, accepted in zip(keys, path, strict=True)
            ):
                return index
        return -1
