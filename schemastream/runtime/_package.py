"""Lazy re-exports for a generated package's ``__init__.py`` (PEP 562 module ``__getattr__``).

A name is looked up in the package's modules, in order, the first time it is asked for,
so importing the package imports none of them and ``__init__.py`` lists no names.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from types import ModuleType

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, modules: Sequence[str], classes: Mapping[str, str] | None = None
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``.

    ``modules`` are the package's own modules (``models``, ``partial``, ``stream``), searched
    in order through their ``__all__``; ``classes`` maps names of the user's classes that
    the package re-exports to their absolute modules.
    """
    elsewhere = dict(classes or {})
    exported: dict[str, frozenset[str]] = {}

    def submodule(name: str) -> ModuleType:
        module = import_module(f".{name}", package)
        if name not in exported:
            exported[name] = frozenset(getattr(module, "__all__", ()))
        return module

    def everything() -> list[str]:
        names = set(elsewhere)
        for name in modules:
            submodule(name)
            names |= exported[name]
        return sorted(names)

    def find(name: str) -> object:
        if name in modules:
            return submodule(name)
        if name == "__all__":
            return everything()
        if name.startswith("__"):  # probes such as __wrapped__ or __file__ import nothing
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if name in elsewhere:
            value = getattr(import_module(elsewhere[name]), name)
        else:
            for module_name in modules:
                module = submodule(module_name)
                if name in exported[module_name]:
                    value = getattr(module, name)
                    break
            else:
                raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)  # found once: later lookups skip this
        return value

    def names() -> list[str]:
        return sorted({*vars(sys.modules[package]), *everything()})

    return find, names
