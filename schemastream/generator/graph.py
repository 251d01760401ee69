"""The generator's model graph: what the templates arrange, computed before any rendering.

Frozen dataclasses only. ``dmcg`` fills them from datamodel-code-generator's parse
results and ``classes_graph`` from the user's own pydantic classes; ``partial_types``
derives each field's partial type, and ``render`` hands them to the templates, which add
no logic of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

__all__ = [
    "DictType",
    "FieldSpec",
    "ImportPath",
    "ListType",
    "LiteralType",
    "ModelKind",
    "ModelRef",
    "ModelSpec",
    "NoneType",
    "PackageSpec",
    "ScalarType",
    "SchemaDefinitions",
    "StreamTarget",
    "TypeSpec",
    "UnionType",
    "helper_names",
    "spec_name",
]

ModelKind = Literal["object", "root", "enum"]
LiteralValue: TypeAlias = "str | int | bool"


@dataclass(frozen=True)
class ImportPath:
    """A class of the user's own code, imported by path: ``from module import name``."""

    module: str
    name: str


@dataclass(frozen=True)
class ModelRef:
    """A class generated in ``models.py`` (an object model, a root model or an enum).

    ``origin`` is set for a class of the user's own code instead; generated modules
    import an enum from there.
    """

    name: str
    kind: ModelKind
    origin: ImportPath | None = None


@dataclass(frozen=True)
class ScalarType:
    """An atomic or string type: ``name`` imported from ``module`` (``None`` for builtins)."""

    name: str
    module: str | None = None


@dataclass(frozen=True)
class LiteralType:
    """``Literal[...]`` of JSON scalars (``const`` and single-type ``enum`` keywords)."""

    values: tuple[LiteralValue, ...]


@dataclass(frozen=True)
class ListType:
    """A JSON array: ``list[T]`` (sets and tuples stream as lists too)."""

    item: TypeSpec


@dataclass(frozen=True)
class DictType:
    """A JSON object used as a map: ``dict[str, T]`` (``additionalProperties``)."""

    value: TypeSpec


@dataclass(frozen=True)
class UnionType:
    """``A | B | ...``; members are never unions themselves."""

    members: tuple[TypeSpec, ...]


@dataclass(frozen=True)
class NoneType:
    """JSON ``null``."""


TypeSpec: TypeAlias = (
    "ModelRef | ScalarType | LiteralType | ListType | DictType | UnionType | NoneType"
)


@dataclass(frozen=True)
class FieldSpec:
    """One field of a model, as the full model declares it.

    Its partial type is ``partial_types.partial_type(type) | None``; the annotation text
    (``FieldView.hint`` in ``modules``) depends on the imports of the module it lands in.
    """

    name: str
    json_name: str
    type: TypeSpec
    description: str | None = None
    alias: str | None = None
    done: bool = False
    not_null: bool = False
    discriminator: str | None = None


@dataclass(frozen=True)
class ModelSpec:
    """A class of ``models.py`` and the facts its partial twin needs.

    ``pointer`` is the JSON pointer of its schema in the bundled document, when the
    schema has a home there (inline schemas have none). ``extra`` is true when the
    model keeps unknown keys (``additionalProperties`` beside ``properties``), whose
    values have type ``extra_type`` (``None``: any JSON). ``origin`` says where a class
    of the user's own code is imported from (``None``: ``models.py``, or not importable).
    """

    name: str
    kind: ModelKind
    fields: tuple[FieldSpec, ...] = ()
    extra: bool = False
    extra_type: TypeSpec | None = None
    bases: tuple[str, ...] = ()
    description: str | None = None
    pointer: str | None = None
    schema_name: str | None = None
    origin: ImportPath | None = None

    @property
    def partial_name(self) -> str:
        """The name of the ``Partial<Name>`` twin."""
        return f"Partial{self.name}"


_OPENAI_PREFIXES = ("stream", "astream", "create", "acreate")
_PARSE_PREFIXES = ("parse", "aparse")


def helper_names(snake: str, *, openai: bool = True) -> tuple[str, ...]:
    """The helper functions of a streamable model named ``snake``, in the order emitted."""
    prefixes = _OPENAI_PREFIXES + _PARSE_PREFIXES if openai else _PARSE_PREFIXES
    return tuple(f"{prefix}_{snake}" for prefix in prefixes)


def spec_name(snake: str) -> str:
    """The ``StreamSpec`` constant of a streamable model named ``snake``."""
    return f"{snake.upper()}_SPEC"


@dataclass(frozen=True)
class StreamTarget:
    """A streamable model: its helpers' names, its request schemas (as JSON text, for
    warnings and hashes) and its ``root`` definition, which ``stream.py`` names.

    OpenAI takes only an object at the root of function parameters and of a strict
    ``json_schema``. A root model of a list is asked for inside an object, under the key
    ``envelope`` (whose schemas ``schema_json``/``strict_schema_json`` are); any other
    root that is not an object has ``openai`` False: its spec and ``parse_*`` helpers only.
    """

    model: str
    snake: str
    spec_name: str
    schema_json: str
    strict_schema_json: str | None
    strict_note: str
    openai: bool = True
    root: str = ""  # its definition in the package's SchemaDefinitions
    strict_root: str = ""  # the strict root's own entry, where it differs from root's
    envelope: str | None = None

    @property
    def helper_names(self) -> tuple[str, ...]:
        """The helper functions generated for this model, in the order they are emitted."""
        return helper_names(self.snake, openai=self.openai)


@dataclass(frozen=True)
class SchemaDefinitions:
    """The JSON Schema definitions of a package's request schemas, each once, as JSON text.

    ``plain`` and ``strict`` map a definition's name to its text (refs ``#/$defs/<name>``);
    ``base_names`` the few names that had to differ from the schema's own to be unique.
    """

    plain: dict[str, str] = field(default_factory=dict)
    strict: dict[str, str] = field(default_factory=dict)
    base_names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PackageSpec:
    """Everything one generated package holds.

    ``models_source`` is ``None`` when the full models are the user's own classes: the
    package then has no ``models.py`` and imports them from their modules.
    """

    header: str
    models_source: str | None
    models: tuple[ModelSpec, ...]
    streams: tuple[StreamTarget, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    schemas: SchemaDefinitions = field(default_factory=SchemaDefinitions)
