"""Reading a ``module:Name[,Name...]`` input: import the user's module and find their classes.

Importing runs the user's code: it happens once per build, with the project root first on
``sys.path``, and leaves ``sys.path`` and the project's entries of ``sys.modules`` as they
were, so other targets of the same run see a clean interpreter.
"""

from __future__ import annotations

import importlib
import re
import sys
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from .errors import GeneratorError
from .graph import ImportPath

__all__ = [
    "ClassesInput",
    "first_line",
    "import_path",
    "imported_classes",
    "input_source",
    "parse_classes_input",
    "project_source",
]

_NAME = r"[A-Za-z_]\w*"
_OWN = Path(__file__).resolve().parents[1]  # the schemastream package
_DOTTED = re.compile(rf"{_NAME}(?:\.{_NAME})*")
_INPUT = re.compile(rf"^\s*({_NAME}(?:\.{_NAME})*)\s*:\s*({_NAME}(?:\s*,\s*{_NAME})*)\s*$")


@dataclass(frozen=True)
class ClassesInput:
    """``module:Name,Other``: the user's pydantic classes, imported with ``root`` on sys.path."""

    module: str
    names: tuple[str, ...]
    root: Path

    @property
    def text(self) -> str:
        """The input as the user spells it (``myapp.models:MeetingInfo,Report``)."""
        return f"{self.module}:{','.join(self.names)}"


def parse_classes_input(text: str, root: Path) -> ClassesInput | None:
    """The classes named by ``text`` (``module:Name[,Name...]``), or None when it is no such input.

    >>> parse_classes_input("myapp.models:MeetingInfo, Report", Path(".")).names
    ('MeetingInfo', 'Report')
    >>> parse_classes_input("schema.json", Path(".")) is None
    True
    """
    match = _INPUT.match(text)
    if match is None:
        return None
    names = tuple(dict.fromkeys(name.strip() for name in match.group(2).split(",")))
    return ClassesInput(module=match.group(1), names=names, root=root)


def input_source(text: str, *, base: Path, root: Path) -> Path | ClassesInput:
    """What an INPUT names: the file ``base / text`` if there is one, else the classes of a
    ``module:Name`` (imported with ``root`` on sys.path), else the missing file."""
    path = base / text
    if path.exists():
        return path
    return parse_classes_input(text, root) or path


@contextmanager
def imported_classes(source: ClassesInput) -> Iterator[list[tuple[str, type[BaseModel]]]]:
    """The named classes (given name, class), the module imported for the ``with`` block.

    ``sys.path`` is restored afterwards, and modules imported from the project are dropped
    from ``sys.modules``, so the next build imports them afresh.
    """
    root = source.root.resolve()
    saved_path = list(sys.path)
    saved_modules = set(sys.modules)
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()  # files written since the last import must be seen
    try:
        module = _import(source)
        named: dict[type[BaseModel], str] = {}
        for name in source.names:  # a class named twice (``A,B`` with ``B = A``) streams once
            named.setdefault(_model_class(module, source, name), name)
        yield [(name, cls) for cls, name in named.items()]
    finally:
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:
            if _in_project(sys.modules[name], root):
                del sys.modules[name]


def _import(source: ClassesInput) -> ModuleType:
    try:
        return importlib.import_module(source.module)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if source.module == missing or source.module.startswith(f"{missing}."):
            raise GeneratorError(
                f"cannot import module {source.module!r}: no module named {missing!r} "
                f"under the project root {source.root} or on sys.path",
                path=source.text,
            ) from None
        raise GeneratorError(_import_failure(source, exc), path=source.text) from None
    except BaseException as exc:  # the user's code can raise anything, SystemExit included
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise GeneratorError(_import_failure(source, exc), path=source.text) from None


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message: pydantic's run to several, with links."""
    lines = str(exc).strip().splitlines()
    return lines[0].rstrip(":") if lines else type(exc).__name__


def _import_failure(source: ClassesInput, exc: BaseException) -> str:
    where = _failing_line(exc)
    return (
        f"importing {source.module!r} raised {type(exc).__name__}: {first_line(exc)}{where}; "
        "the module must import cleanly (python -c 'import "
        f"{source.module}')"
    )


def _failing_line(exc: BaseException) -> str:
    """`` (file:line)`` of the innermost frame of the traceback, when it has one."""
    tb = exc.__traceback__
    if tb is None:
        return ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    return f" ({tb.tb_frame.f_code.co_filename}:{tb.tb_lineno})"


def _model_class(module: ModuleType, source: ClassesInput, name: str) -> type[BaseModel]:
    value = getattr(module, name, None)
    if value is None:
        public = sorted(n for n, v in vars(module).items() if _is_model(v) and n[:1] != "_")
        hint = f"; its BaseModel classes: {', '.join(public)}" if public else ""
        raise GeneratorError(f"module {source.module!r} has no name {name!r}{hint}")
    if not _is_model(value):
        raise GeneratorError(
            f"{source.module}:{name} is not a pydantic BaseModel class "
            f"(it is {_describe(value)}); name the model classes to stream"
        )
    return value  # type: ignore[no-any-return]


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel


def _describe(value: Any) -> str:
    if isinstance(value, type):
        return f"the class {value.__module__}.{value.__qualname__}"
    return f"a {type(value).__name__}"


def _in_project(module: ModuleType | None, root: Path) -> bool:
    """Whether ``module`` was loaded from a file under ``root`` that no install owns.

    schemastream's own modules never count: an editable install of it lies under its
    checkout, and dropping them would duplicate its classes.
    """
    path = _module_file(module)
    if path is None or path.is_relative_to(_OWN) or _installed(path):
        return False
    return path.is_relative_to(root)


def _module_file(module: ModuleType | None) -> Path | None:
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None)
    if not isinstance(origin, str) or origin in ("built-in", "frozen"):
        return None
    return Path(origin).resolve()


def _installed(path: Path) -> bool:
    """Whether ``path`` belongs to the standard library or an installed distribution."""
    return any(path.is_relative_to(prefix) for prefix in _install_prefixes())


@cache
def _install_prefixes() -> tuple[Path, ...]:
    paths = sysconfig.get_paths()
    keys = ("stdlib", "platstdlib", "purelib", "platlib")
    return tuple(Path(paths[key]).resolve() for key in keys if key in paths)


def project_source(module_name: str, root: Path) -> bytes | None:
    """The source bytes of a module of the project (None: installed, built in, or no file)."""
    module = sys.modules.get(module_name)
    path = _module_file(module)
    if path is None or path.suffix != ".py" or not _in_project(module, root.resolve()):
        return None
    return path.read_bytes()


def import_path(value: type[Any], root: Path) -> ImportPath | None:
    """How generated code imports the class ``value``, or None when it cannot.

    A class of the project (under ``root``) is imported from the module that defines it;
    a library's from the shortest public path that holds it (``pydantic``, not
    ``pydantic.networks``). A class defined in a function, nested in a class or in
    ``__main__`` has no path.
    """
    module_name = getattr(value, "__module__", None)
    name = getattr(value, "__qualname__", None)
    if not isinstance(module_name, str) or not isinstance(name, str):
        return None
    if not _DOTTED.fullmatch(module_name) or not name.isidentifier():  # nested, local, odd
        return None
    module = sys.modules.get(module_name)
    if module_name == "__main__" or getattr(module, name, None) is not value:
        return None
    if not _in_project(module, root.resolve()):
        parts = module_name.split(".")
        for end in range(1, len(parts)):
            if any(part.startswith("_") for part in parts[:end]):
                break
            prefix = ".".join(parts[:end])
            if getattr(sys.modules.get(prefix), name, None) is value:
                return ImportPath(prefix, name)
    return ImportPath(module_name, name)
