"""Repair what datamodel-code-generator emits that imports fine but breaks on first use.

Each repair was found by generating every SchemaStore schema (``scripts/corpus_sweep.py``)
and works on the emitted source, at the positions its syntax tree reports.
"""

from __future__ import annotations

import ast

from .deferred import root_model_base
from .source_edits import Edit, apply_edits, split_lines

__all__ = ["repair_models"]


def repair_models(source: str, tree: ast.Module) -> str:
    """``source`` with every repair below applied (the same text when none applies).

    A ``"deprecated": true`` schema of a root model becomes ``Field(deprecated=True)`` on
    its ``root``: pydantic then refuses to set ``root`` at all, so validating any value
    raises ``AttributeError: root``. The root stays undeprecated (pydantic can only warn
    about attribute access, which a root model's users cannot avoid).
    """
    edits = [
        Edit(value.lineno - 1, value.col_offset, value.end_col_offset or 0, "None")
        for node in tree.body
        if isinstance(node, ast.ClassDef) and root_model_base(node) is not None
        for value in _deprecated_root(node)
    ]
    if not edits:
        return source
    lines = split_lines(source)
    apply_edits(lines, edits)
    return "".join(lines)


def _deprecated_root(node: ast.ClassDef) -> list[ast.expr]:
    """The value of ``deprecated=`` in the ``Field(...)`` of the class's ``root``, if any."""
    for statement in node.body:
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == "root"
            and isinstance(statement.value, ast.Call)
        ):
            return [
                keyword.value
                for keyword in statement.value.keywords
                if keyword.arg == "deprecated" and keyword.value.lineno == keyword.value.end_lineno
            ]
    return []
