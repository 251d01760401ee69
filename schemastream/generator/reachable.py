"""Drop the classes of models.py that no schema definition reaches.

datamodel-code-generator leaves classes behind that nothing uses (an enum it later
replaced by a ``Literal``, say: ``Type7``, ``Method1``). A package keeps its named
definitions and whatever they use, read from the classes' own source, nothing else.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Set

from .source_edits import split_lines

__all__ = ["prune_unreachable"]


def prune_unreachable(
    source: str, tree: ast.Module, roots: Set[str], renames: Mapping[str, str]
) -> tuple[str, set[str]]:
    """``source`` without the classes that ``roots`` do not reach, and their names.

    ``tree`` may be the module's tree before its classes were renamed (``renames``, old
    -> new): renaming changes no line, and lines are all this needs.
    """
    classes = {renames.get(n.name, n.name): n for n in tree.body if isinstance(n, ast.ClassDef)}
    uses = {
        name: {renames.get(used, used) for used in _names(node)} & classes.keys()
        for name, node in classes.items()
    }
    # Type aliases (``Name = TypeAliasType(...)``) are assignments, never dropped: what they
    # name is reached too.
    aliased = {
        renames.get(n.id, n.id)
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        for n in ast.walk(statement.value)
        if isinstance(n, ast.Name)
    }
    reached = {name for name in (*roots, *aliased) if name in classes}
    todo = list(reached)
    while todo:
        for name in uses[todo.pop()] - reached:
            reached.add(name)
            todo.append(name)
    dropped = set(classes) - reached
    if not dropped:
        return source, set()
    lines = split_lines(source)
    for name in dropped:
        node = classes[name]
        for index in range(node.lineno - 1, node.end_lineno or node.lineno):
            lines[index] = ""
    return "".join(lines), dropped


_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def _names(node: ast.ClassDef) -> set[str]:
    """The names a class uses, quoted forward references in its types included."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    types = [*node.bases, *(s.annotation for s in node.body if isinstance(s, ast.AnnAssign))]
    for expression in types:
        for n in ast.walk(expression):
            if isinstance(n, ast.Constant) and isinstance(n.value, str):
                names.update(_IDENTIFIER.findall(n.value))
    return names
