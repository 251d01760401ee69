"""Make datamodel-code-generator's models build their pydantic schemas on first use.

Importing a module of thousands of models then costs class creation only. This works on
the emitted source (its syntax tree and lines), not on datamodel-code-generator itself.
"""

from __future__ import annotations

import ast

from .graph import ModelKind
from .source_edits import Edit, apply_edits, split_lines

__all__ = ["DEFERRED_ROOT", "class_kind", "defer_builds", "root_model_base"]

DEFERRED_ROOT = "_DeferredRootModel"
"""The local name of ``schemastream.runtime.DeferredRootModel`` in generated modules."""
_DEFERRED_ROOT_IMPORT = f"from schemastream.runtime import DeferredRootModel as {DEFERRED_ROOT}\n"


def defer_builds(source: str, tree: ast.Module) -> str:
    """Give every model ``defer_build=True``, so importing a module costs class creation only.

    Object models get it in their ``model_config``. ``RootModel[X]`` would build the
    parametrized class at import, so root models derive from the runtime's
    ``DeferredRootModel`` instead (imported under a private name). The ``model_rebuild()``
    calls datamodel-code-generator writes for forward references would force the build;
    deferred models resolve their forward references on first use, so those calls go.
    """
    lines = split_lines(source)
    edits: list[Edit] = []
    deletions: set[int] = set()
    needs_config_dict = needs_root = False
    pydantic_import: ast.ImportFrom | None = None
    last_import = 0
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            last_import = node.end_lineno or node.lineno
            if isinstance(node, ast.ImportFrom) and node.module == "pydantic" and not node.level:
                pydantic_import = pydantic_import or node
        elif isinstance(node, ast.ClassDef) and (
            _is_pydantic_root(node) or _has_model_fields(node)
        ):
            needs_config_dict |= _defer_class(node, lines, edits)
            if (base := root_model_base(node)) is not None:
                edits.append(Edit(base.lineno - 1, base.col_offset, base.col_offset, "_Deferred"))
                needs_root = True
        elif _is_model_rebuild(node):
            deletions.update(range(node.lineno - 1, (node.end_lineno or node.lineno)))
    if needs_root:
        # ruff sorts it into the imports and drops a RootModel import nothing uses now.
        edits.append(Edit(last_import, 0, 0, _DEFERRED_ROOT_IMPORT))
        lines.append("")  # so an insertion after a last-line import has a line to land on
    apply_edits(lines, edits)
    if needs_config_dict and pydantic_import is not None:
        names = {alias.name: alias.asname for alias in pydantic_import.names}
        names.setdefault("ConfigDict", None)
        rendered = ", ".join(
            name if asname is None else f"{name} as {asname}"
            for name, asname in sorted(names.items())
        )
        start = pydantic_import.lineno - 1
        lines[start] = f"from pydantic import {rendered}\n"
        deletions.update(range(start + 1, pydantic_import.end_lineno or start + 1))
    return "".join(line for index, line in enumerate(lines) if index not in deletions)


def root_model_base(node: ast.ClassDef) -> ast.Name | None:
    for base in node.bases:
        if (
            isinstance(base, ast.Subscript)
            and isinstance(base.value, ast.Name)
            and base.value.id == "RootModel"
        ):
            return base.value
    return None


def _is_pydantic_root(node: ast.ClassDef) -> bool:
    for base in node.bases:
        target = base.value if isinstance(base, ast.Subscript) else base
        if isinstance(target, ast.Name) and target.id in {"BaseModel", "RootModel"}:
            return True
    return False


def _defer_class(node: ast.ClassDef, lines: list[str], edits: list[Edit]) -> bool:
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "model_config" for t in statement.targets)
            and isinstance(statement.value, ast.Call)
        ):
            call = statement.value
            end = call.func.end_col_offset or 0
            line = (call.func.end_lineno or call.lineno) - 1
            # Right after "ConfigDict(": the existing arguments follow (columns in bytes).
            column = lines[line].encode("utf-8").index(b"(", end) + 1
            given = {keyword.arg for keyword in call.keywords}
            arguments = [a for a in _config_arguments(node) if a.split("=")[0] not in given]
            if arguments:
                edits.append(Edit(line, column, column, "".join(f"{a}, " for a in arguments)))
            return False
    first = node.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
        and len(node.body) > 1
    ):
        anchor = node.body[1]
    elif isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        anchor_line = first.end_lineno or first.lineno
        indent = " " * first.col_offset
        config = f"{indent}model_config = ConfigDict({', '.join(_config_arguments(node))})\n"
        edits.append(Edit(anchor_line, 0, 0, config))
        return True
    else:
        anchor = first
    indent = " " * anchor.col_offset
    config = f"{indent}model_config = ConfigDict({', '.join(_config_arguments(node))})\n"
    edits.append(Edit(anchor.lineno - 1, 0, 0, config))
    return True


def _config_arguments(node: ast.ClassDef) -> list[str]:
    """``defer_build=True``, and no protected namespaces when a field name starts ``model_``."""
    if _has_model_fields(node):
        return ["defer_build=True", "protected_namespaces=()"]
    return ["defer_build=True"]


def _has_model_fields(node: ast.ClassDef) -> bool:
    # pydantic warns about such names unless the class drops its protected namespaces.
    return any(
        isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and statement.target.id.startswith("model_")
        for statement in node.body
    )


def _is_model_rebuild(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr == "model_rebuild"
    )


def class_kind(node: ast.ClassDef) -> ModelKind:
    """The kind of a class of models.py, read from its bases."""
    if any(isinstance(b, ast.Name) and b.id in {"Enum", "StrEnum", "IntEnum"} for b in node.bases):
        return "enum"
    deferred = any(
        isinstance(b, ast.Subscript)
        and isinstance(b.value, ast.Name)
        and b.value.id == DEFERRED_ROOT
        for b in node.bases
    )
    return "root" if deferred or root_model_base(node) is not None else "object"
