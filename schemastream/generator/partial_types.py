"""Full type -> partial type, and both rendered as annotations.

| full            | partial                                                      |
|-----------------|--------------------------------------------------------------|
| model ``M``     | ``PartialM``                                                 |
| ``list[T]``     | ``SnapshotList[P(T)]``: a read-only ``Sequence[P(T)]``       |
| ``dict[str,T]`` | ``SnapshotDict[P(T)]``: a read-only ``Mapping[str, P(T)]``   |
| ``A | B``       | ``P(A) | P(B)``                                              |
| ``str``, enum, ``Literal``, other atomic | the same type                       |
| ``Any`` (free-form JSON) | ``pydantic.JsonValue``                              |

A snapshot holds a view of an open list or map (so it costs the same however long the
container is), hence the read-only types. A field's partial annotation is ``P(T) | None``
(``None`` = not seen yet); the ``| None`` is added once, at the field, never inside.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .graph import (
    DictType,
    ListType,
    LiteralType,
    ModelRef,
    NoneType,
    ScalarType,
    TypeSpec,
    UnionType,
)

__all__ = [
    "SnapshotDictType",
    "SnapshotListType",
    "partial_names",
    "partial_type",
    "render_hint",
    "union",
]

# Resolves an importable name (module, name) to the local name in the module being written.
NameResolver = Callable[[str, str], str]

_RUNTIME = "schemastream.runtime"


@dataclass(frozen=True)
class SnapshotListType(ListType):
    """The partial twin of ``list[T]``: ``SnapshotList[P(T)]``, a read-only ``Sequence``."""


@dataclass(frozen=True)
class SnapshotDictType(DictType):
    """The partial twin of ``dict[str, T]``: ``SnapshotDict[P(T)]``, a read-only ``Mapping``."""


def union(members: list[TypeSpec]) -> TypeSpec:
    """The union of ``members``, flattened and de-duplicated, ``None`` last."""
    flat: list[TypeSpec] = []
    for member in members:
        for item in member.members if isinstance(member, UnionType) else (member,):
            if item not in flat:
                flat.append(item)
    has_none = any(isinstance(item, NoneType) for item in flat)
    flat = [item for item in flat if not isinstance(item, NoneType)]
    if has_none:
        flat.append(NoneType())
    if len(flat) == 1:
        return flat[0]
    return UnionType(tuple(flat))


def partial_type(full: TypeSpec) -> TypeSpec:
    """The partial twin of a full type (see the module docstring)."""
    if isinstance(full, ModelRef):
        if full.kind == "enum":
            return full
        return ModelRef(f"Partial{full.name}", full.kind)
    if isinstance(full, ListType):
        return SnapshotListType(partial_type(full.item))
    if isinstance(full, DictType):
        return SnapshotDictType(partial_type(full.value))
    if isinstance(full, UnionType):
        return union([partial_type(member) for member in full.members])
    if full == _ANY:
        # Free-form JSON: say so to the type checker instead of giving up with Any.
        return _JSON_VALUE
    return full


_ANY = ScalarType("Any", "typing")
_JSON_VALUE = ScalarType("JsonValue", "pydantic")


def partial_names(spec: TypeSpec) -> set[str]:
    """The partial classes (not enums) a partial type names."""
    if isinstance(spec, ModelRef):
        return set() if spec.kind == "enum" else {spec.name}
    if isinstance(spec, ListType):
        return partial_names(spec.item)
    if isinstance(spec, DictType):
        return partial_names(spec.value)
    if isinstance(spec, UnionType):
        return set().union(*(partial_names(member) for member in spec.members))
    return set()


def render_hint(spec: TypeSpec, resolve: NameResolver, *, models_module: str) -> str:
    """The annotation text of ``spec``; imported names go through ``resolve``.

    Enums live in ``models_module`` and are imported from it (the user's own enums from
    their module); partial classes are local to the module being written. Builtins go
    through ``resolve`` too: in a class body, a field named ``list`` hides the builtin from
    the annotations after it.
    """
    if isinstance(spec, ModelRef):
        if spec.kind == "enum" and spec.origin is not None:
            return resolve(spec.origin.module, spec.origin.name)
        if spec.kind == "enum":
            return resolve(models_module, spec.name)
        return spec.name
    if isinstance(spec, ScalarType):
        return resolve(spec.module or "builtins", spec.name)
    if isinstance(spec, LiteralType):
        values = ", ".join(_literal(value) for value in spec.values)
        return f"{resolve('typing', 'Literal')}[{values}]"
    if isinstance(spec, SnapshotListType):
        item = render_hint(spec.item, resolve, models_module=models_module)
        return f"{resolve(_RUNTIME, 'SnapshotList')}[{item}]"
    if isinstance(spec, SnapshotDictType):
        value = render_hint(spec.value, resolve, models_module=models_module)
        return f"{resolve(_RUNTIME, 'SnapshotDict')}[{value}]"
    if isinstance(spec, ListType):
        item = render_hint(spec.item, resolve, models_module=models_module)
        return f"{resolve('builtins', 'list')}[{item}]"
    if isinstance(spec, DictType):
        value = render_hint(spec.value, resolve, models_module=models_module)
        return f"{resolve('builtins', 'dict')}[{resolve('builtins', 'str')}, {value}]"
    if isinstance(spec, UnionType):
        return " | ".join(
            render_hint(member, resolve, models_module=models_module) for member in spec.members
        )
    return "None"


def _literal(value: str | int | bool) -> str:
    # repr() is the escape: a schema's const can never become code.
    if isinstance(value, bool | int | str):
        return repr(value)
    raise TypeError(f"unsupported Literal value {value!r}")
