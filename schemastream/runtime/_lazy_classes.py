"""Generated modules whose classes are made on first use, so importing them creates none.

``partial.py`` declares each class inside a factory and hands the factories to
``LazyClasses``; root models of ``models.py`` and ``partial.py`` derive from ``DeferredRootModel``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from threading import RLock
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, RootModel

__all__ = ["DeferredRootModel", "LazyClasses"]

# Creates one class of a module: its ``class`` statement, run when called.
_ClassFactory = Callable[[], type[BaseModel]]

_RootT = TypeVar("_RootT")


class DeferredRootModel(RootModel[_RootT], Generic[_RootT]):
    """A ``RootModel`` whose parametrizations also build their schema on first use.

    ``RootModel[X]`` builds the schema of the parametrized class when the subscript is
    evaluated, at import; ``DeferredRootModel[X]`` defers it like ``defer_build=True``.
    """

    model_config = ConfigDict(defer_build=True)


class LazyClasses:
    """The classes of a module, each created on first access with the classes it refers to.

    ``classes`` maps each class's name, in definition order, to its factory and the names
    of the classes it refers to directly (its bases and the classes its annotations name).
    ``load`` is the module's ``__getattr__`` (PEP 562): the first access to a name creates
    that class and every class it refers to, transitively, that does not exist yet, in
    definition order (an unquoted annotation then names a class that exists, and a quoted
    one resolves through ``namespace``), stores each in ``namespace`` with its name as
    ``__qualname__`` (so pickle finds it), and returns it. The table holds each reference
    once, so it grows with the module, however the classes refer to each other. Creation
    holds a lock: two threads get the same class.

    >>> from pydantic import BaseModel
    >>> def make_node() -> type[BaseModel]:
    ...     class Node(BaseModel):
    ...         children: "list[Node]" = []
    ...     return Node
    >>> namespace: dict[str, object] = {"__name__": "example"}
    >>> classes = LazyClasses(namespace, {"Node": (make_node, ("Node",))})
    >>> "Node" in namespace
    False
    >>> classes.load("Node").model_validate({"children": [{}]})
    Node(children=[Node(children=[])])
    >>> namespace["Node"].__qualname__
    'Node'
    """

    __slots__ = ("_classes", "_lock", "_namespace", "_order")

    def __init__(
        self,
        namespace: MutableMapping[str, object],
        classes: Mapping[str, tuple[_ClassFactory, tuple[str, ...]]],
    ) -> None:
        self._namespace = namespace
        self._classes = classes
        self._order: dict[str, int] | None = None  # built on first use: import pays nothing
        self._lock = RLock()

    def load(self, name: str) -> type[BaseModel]:
        """The class ``name``, created now with the classes it needs if it does not exist."""
        namespace = self._namespace
        if name not in self._classes:
            raise AttributeError(f"module {namespace.get('__name__')!r} has no attribute {name!r}")
        with self._lock:
            if name not in namespace:
                self._create(self._missing(name))
        value = namespace[name]
        assert isinstance(value, type) and issubclass(value, BaseModel)
        return value

    def names(self) -> list[str]:
        """The module's ``__dir__``: its globals and every class, created or not."""
        return sorted({*self._namespace, *self._classes})

    def _missing(self, name: str) -> list[str]:
        """``name`` and the classes it refers to, transitively, not created yet, in order.

        A created class's references were all created with it, so the walk stops there.
        """
        classes, namespace = self._classes, self._namespace
        seen = {name}
        todo = [name]
        while todo:
            for target in classes[todo.pop()][1]:
                if target not in seen and target not in namespace:
                    seen.add(target)
                    todo.append(target)
        if self._order is None:
            self._order = {member: index for index, member in enumerate(classes)}
        return sorted(seen, key=self._order.__getitem__)

    def _create(self, members: list[str]) -> None:
        namespace = self._namespace
        created: list[str] = []
        try:
            for member in members:
                cls = self._classes[member][0]()
                cls.__qualname__ = member  # not "_make_X.<locals>.X": pickle finds it by name
                namespace[member] = cls
                created.append(member)
        except BaseException:
            # All or nothing: a class in the namespace has all of its references there too.
            for member in created:
                del namespace[member]
            raise
