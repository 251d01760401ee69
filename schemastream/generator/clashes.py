"""Class and field names in datamodel-code-generator's models.py that would clash, renamed.

Done on its syntax tree, before anything else reads the module; the model graph takes
the same renames (``NameFixes``).
"""

from __future__ import annotations

import ast
import unicodedata
from dataclasses import dataclass

from .. import runtime
from .deferred import DEFERRED_ROOT, class_kind
from .errors import GeneratorError
from .graph import helper_names, spec_name
from .naming import fresh_name, safe_identifier, snake_case
from .source_edits import Edit, apply_edits, split_lines

__all__ = ["RESERVED", "NameFixes", "derived_names", "fix_names"]

# What a generated package's names must not shadow: the runtime's public names (a model
# "Model" would have the twin "PartialModel"), what the modules take from pydantic (and
# its create_model), and what models.py defines besides the schema's classes.
_PYDANTIC_NAMES = frozenset(
    {"BaseModel", "ConfigDict", "Field", "JsonValue", "RootModel", "create_model"}
)
_MODULE_NAMES = frozenset({"Generic", "TypeVar", DEFERRED_ROOT, "_RootT"})
RESERVED = frozenset(runtime.__all__) | _PYDANTIC_NAMES | _MODULE_NAMES
"""Names no class of a generated package may take, nor make its twin or helpers take."""


@dataclass(frozen=True)
class NameFixes:
    """models.py with its names fixed; what was renamed, to carry into the model graph.

    ``fields`` maps (class name before renaming, JSON name) to the new field name.
    """

    source: str
    classes: dict[str, str]
    fields: dict[tuple[str, str], str]


def fix_names(source: str, tree: ast.Module, *, file_name: str) -> NameFixes:
    """Rename clashing classes and duplicate fields in ``source`` (parsed as ``tree``)."""
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    renames = _class_renames(classes)
    fields: dict[tuple[str, str], str] = {}
    lines = split_lines(source)
    edits: list[Edit] = []
    for node in classes:
        if node.name in renames:
            line = node.lineno - 1
            start = lines[line].encode("utf-8").index(node.name.encode("utf-8"), node.col_offset)
            edits.append(Edit(line, start, start + len(node.name.encode()), renames[node.name]))
        for statement, new in _field_renames(node, file_name):
            fields[(node.name, _json_name(statement) or "")] = new
            edits.append(_replace(statement.target, new))
    for name in ast.walk(tree):
        if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Load) and name.id in renames:
            edits.append(_replace(name, renames[name.id]))
    if not edits:
        return NameFixes(source, {}, {})
    apply_edits(lines, edits)
    return NameFixes("".join(lines), renames, fields)


def derived_names(name: str) -> set[str]:
    """The names a non-enum class named ``name`` gives its twin, spec and helpers."""
    snake = snake_case(name)
    return {f"Partial{name}", spec_name(snake), *helper_names(snake)}


def _class_renames(classes: list[ast.ClassDef]) -> dict[str, str]:
    """Old -> new name of every class whose names would clash.

    A class becomes ``<Name>Model`` (the spelling datamodel-code-generator gives its own
    clashes) when it, its partial twin or its helpers would take a name the generated
    modules use (``PartialModel``, ``ConfigDict``, ``create_model``...), another class's
    twin or helper names (``PartialPet``), or a field's (a field ``PartialPet`` would
    hide that class from the annotations after it in partial.py).
    """
    names = [node.name for node in classes]
    objects = {node.name for node in classes if class_kind(node) != "enum"}
    fields = {
        statement.target.id
        for node in classes
        for statement in node.body
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
    }
    renames: dict[str, str] = {}
    for _ in range(len(names) + 1):  # a fresh name avoids every name taken: one more round ends
        current = {name: renames.get(name, name) for name in names}
        derived = {name: derived_names(current[name]) for name in objects}
        owners: dict[str, set[str]] = {}
        for owner, taken_names in derived.items():
            for taken_name in taken_names:
                owners.setdefault(taken_name, set()).add(owner)
        clashing = [name for name in names if _clashes(name, current, derived, fields, owners)]
        if not clashing:
            break
        taken = {_nfkc(name) for name in current.values()} | RESERVED
        taken |= {name for names_ in derived.values() for name in names_}
        for name in clashing:
            base = safe_identifier(_nfkc(current[name]), fallback="Schema")
            renames[name] = new = _fresh(f"{base}Model", taken, fields)
            taken |= {new, *derived_names(new)}
    return renames


def _clashes(
    name: str,
    current: dict[str, str],
    derived: dict[str, set[str]],
    fields: set[str],
    owners: dict[str, set[str]],
) -> bool:
    """Whether the class ``name`` (now ``current[name]``) must be renamed.

    ``derived`` holds each class's twin and helper names, ``owners`` who takes each one;
    ``fields`` are the field names of every class.
    """
    own = current[name]
    if own in RESERVED or not _stable(own) or derived.get(name, set()) & RESERVED:
        return True
    if name in derived and f"Partial{own}" in fields:
        return True
    return bool(owners.get(own, set()) - {name})


def _fresh(base: str, taken: set[str], fields: set[str]) -> str:
    return fresh_name(
        base,
        lambda name: (
            name in taken or bool(derived_names(name) & taken) or f"Partial{name}" in fields
        ),
    )


def _field_renames(node: ast.ClassDef, file_name: str) -> list[tuple[ast.AnnAssign, str]]:
    """The fields of one class to rename, with their new names.

    Fields that Python reads as one name (equal after NFKC normalisation) keep it once:
    the field without an alias (its name is its JSON key), else the first; the others
    have an alias, so a new name changes nothing on the wire.
    """
    groups: dict[str, list[ast.AnnAssign]] = {}
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            groups.setdefault(_nfkc(statement.target.id), []).append(statement)
    taken = set(groups)
    renames: list[tuple[ast.AnnAssign, str]] = []
    for name, statements in groups.items():
        keeper = next((s for s in statements if _json_name(s) is None), statements[0])
        for statement in statements:
            if statement is keeper and _stable(_target_id(statement)):
                continue
            if _json_name(statement) is None:
                raise GeneratorError(
                    f"datamodel-code-generator gave two fields of {node.name} the name "
                    f"{name!r}, and one has no alias (a generator bug: please report it with "
                    "the schema)",
                    path=file_name,
                )
            new = fresh_name(safe_identifier(name), taken.__contains__)
            taken.add(new)
            renames.append((statement, new))
    return renames


def _replace(node: ast.expr, text: str) -> Edit:
    return Edit(node.lineno - 1, node.col_offset, node.end_col_offset or node.col_offset, text)


def _target_id(statement: ast.AnnAssign) -> str:
    return statement.target.id if isinstance(statement.target, ast.Name) else ""


def _json_name(statement: ast.AnnAssign) -> str | None:
    """The ``alias=`` of a field's ``Field(...)``, or None when it has none."""
    if isinstance(statement.value, ast.Call):
        for keyword in statement.value.keywords:
            if keyword.arg == "alias" and isinstance(keyword.value, ast.Constant):
                alias = keyword.value.value
                return alias if isinstance(alias, str) else None
    return None


def _nfkc(name: str) -> str:
    """The name Python binds for the identifier ``name`` (PEP 3131 normalises to NFKC)."""
    return unicodedata.normalize("NFKC", name)


def _stable(name: str) -> bool:
    return _nfkc(name) == name
