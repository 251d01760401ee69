"""What each emitted module holds: imports, classes, fields and helpers, as plain values.

The templates only arrange these views; every decision (annotations, import aliases,
ClassVars, export lists) is made here, from the model graph.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .deferred import DEFERRED_ROOT
from .graph import (
    DictType,
    FieldSpec,
    ImportPath,
    ModelSpec,
    NoneType,
    PackageSpec,
    StreamTarget,
    TypeSpec,
)
from .naming import Namespace
from .partial_types import partial_names, partial_type, render_hint, union

__all__ = [
    "ClassVarView",
    "FieldView",
    "InitModule",
    "PartialClass",
    "PartialModule",
    "SchemasModule",
    "StreamHelper",
    "StreamModule",
    "init_module",
    "partial_module",
    "schemas_module",
    "stream_module",
]

_PARTIAL_NAMES = (
    ("pydantic", "ConfigDict"),
    ("pydantic", "Field"),
)

# What partial.py needs to create its classes on first use (not the stub).
_LAZY_NAMES = (
    ("pydantic", "BaseModel"),
    ("schemastream.runtime", "LazyClasses"),
    ("typing", "TYPE_CHECKING"),
)
_LAZY_MACHINERY = ("_CLASSES", "__getattr__", "__dir__")

# Methods and properties of PartialModel that a schema's field must not shadow.
_PARTIAL_RESERVED = frozenset({"is_complete", "completed_fields"})


@dataclass(frozen=True)
class FieldView:
    """``name: hint = default`` of a partial class; ``alias``/``description`` when set."""

    name: str
    hint: str
    alias: str | None
    description: str | None


@dataclass(frozen=True)
class ClassVarView:
    """One ``__stream_*__`` ClassVar: its name, annotation and value as code."""

    name: str
    hint: str
    value: str


@dataclass(frozen=True)
class PartialClass:
    """A ``Partial<Name>`` class: an object model (``root`` false) or a root model.

    ``refers`` names the other partial classes it refers to directly (its bases and the
    classes its annotations name), in definition order: ``LazyClasses`` creates them,
    transitively, with it. ``extra_hint`` is
    the ``__pydantic_extra__`` annotation of a class that keeps typed extras.
    ``completion_hint`` annotates the stub's ``is_complete(field)``: the ``Literal`` of
    its field names and aliases (``None`` when it keeps extras: any ``str`` then).
    """

    name: str
    factory: str
    bases: str
    root: bool
    config: str | None
    extra_hint: str | None
    description: str | None
    class_vars: tuple[ClassVarView, ...]
    fields: tuple[FieldView, ...]
    refers: tuple[str, ...]
    completion_hint: str | None = None


@dataclass(frozen=True)
class PartialModule:
    """``partial.py`` (classes made on first use) and ``partial.pyi`` (the same, declared).

    ``imports`` are the runtime module's; ``stub_imports`` the stub's, which needs no
    machinery for lazy creation. ``models`` names where the full models live, for the
    docstrings.
    """

    header: str
    models: str
    imports: tuple[str, ...]
    stub_imports: tuple[str, ...]
    names: dict[str, str]
    exports: tuple[str, ...]
    classes: tuple[PartialClass, ...]


@dataclass(frozen=True)
class StreamHelper:
    """The spec constant and the helpers of one streamable model (``target.helper_names``).

    ``full`` and ``partial`` are local names; ``partial_attribute`` is the partial
    class's name in ``partial.py``, where the spec loads it from on first use;
    ``helpers`` the private ``StreamHelpers`` whose methods the helpers are.
    """

    target: StreamTarget
    full: str
    partial: str
    partial_attribute: str
    helpers: str

    @property
    def bindings(self) -> tuple[tuple[str, str], ...]:
        """``(helper name, method of StreamHelpers)``, in the order emitted."""
        return tuple((name, name.split("_", 1)[0]) for name in self.target.helper_names)


@dataclass(frozen=True)
class StreamModule:
    """``stream.py``."""

    header: str
    imports: tuple[str, ...]
    type_checking_imports: tuple[str, ...]
    names: dict[str, str]
    exports: tuple[str, ...]
    helpers: tuple[StreamHelper, ...]


# The modules of a generated package (no models.py when the full models are the user's).
_SUBMODULES = ("models", "partial", "stream")


@dataclass(frozen=True)
class InitModule:
    """``__init__.py``: lazy re-exports, looked up in ``modules`` (the package's own, in
    order of precedence) and ``classes`` (the user's classes re-exported: name -> module).
    """

    header: str
    title: str
    modules: tuple[str, ...]
    classes: dict[str, str]


@dataclass(frozen=True)
class SchemasModule:
    """``schemas.py``: the package's JSON Schema definitions, one per line."""

    header: str
    plain: dict[str, str]
    strict: dict[str, str]
    base_names: dict[str, str]


def _import_lines(namespace: Namespace) -> tuple[str, ...]:
    """``from`` imports, grouped stdlib / third party / local like isort, blank line between."""
    names: dict[str, list[str]] = {}
    for module, name, alias in sorted(namespace.imports, key=_import_order):
        names.setdefault(module, []).append(name if alias == name else f"{name} as {alias}")
    lines: list[str] = []
    previous: int | None = None
    for module in sorted(names, key=_import_group):
        group = _import_group(module)[0]
        if previous is not None and group != previous:
            lines.append("")
        previous = group
        lines.append(f"from {module} import {', '.join(names[module])}")
    return tuple(lines)


def _import_order(item: tuple[str, str, str]) -> tuple[str, int, str]:
    """isort's order by type within a module: CONSTANTS, then Classes, then functions."""
    module, name, _ = item
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return module, kind, name


def _import_group(module: str) -> tuple[int, str]:
    if module.startswith("."):
        return 2, module
    top = module.split(".", 1)[0]
    return (0 if top in sys.stdlib_module_names else 1), module


# -- partial.py ---------------------------------------------------------------------------


def partial_module(package: PackageSpec) -> PartialModule:
    """The partial twin of every non-enum model, in ``models.py`` order."""
    models = [model for model in package.models if model.kind != "enum"]
    by_name = {model.name: model for model in package.models}
    namespace = Namespace(
        [
            *_LAZY_MACHINERY,
            *(model.partial_name for model in models),
            *(_factory_name(model) for model in models),
        ]
    )
    for model in models:
        for field in model.fields:
            namespace.reserve(_partial_field_name(field))
    partial_model = namespace.import_name("schemastream.runtime", "PartialModel")
    defined: set[str] = set()
    classes = []
    refers = _references(models, by_name)
    for model in models:
        classes.append(
            _partial_class(model, by_name, namespace, partial_model, defined, refers[model.name])
        )
        defined.add(model.partial_name)
    # The stub's is_complete(field) takes a Literal of field names; partial.py needs none.
    stub_only = set() if ("typing", "Literal") in namespace.imported else {("typing", "Literal")}
    completions = {model.partial_name: _completion_names(model, by_name) for model in models}
    if any(names is not None for names in completions.values()):
        literal = namespace.import_name("typing", "Literal")
        classes = [
            replace(cls, completion_hint=_completion_hint(literal, completions[cls.name]))
            for cls in classes
        ]
    stub_imports = _import_lines(namespace)
    names = {
        name: namespace.import_name(module, name)
        for module, name in _PARTIAL_NAMES
        if (module, name) in namespace.imported
    }
    for module, name in _LAZY_NAMES:
        if models or name != "TYPE_CHECKING":  # no classes, no imports of them to guard
            names[name] = namespace.import_name(module, name)
    runtime = Namespace()
    for module, name, alias in namespace.imports:
        if (module, name) not in stub_only:
            runtime.bind(module, name, alias)
    return PartialModule(
        header=package.header,
        models=_models_home(package),
        imports=_import_lines(runtime),
        stub_imports=stub_imports,
        names=names,
        exports=tuple(sorted(model.partial_name for model in models)),
        classes=tuple(classes),
    )


def _models_home(package: PackageSpec) -> str:
    """``models.py``, or the modules of the user's classes."""
    if package.models_source is not None:
        return "``models.py``"
    modules = sorted({model.origin.module for model in package.models if model.origin})
    return ", ".join(f"``{module}``" for module in modules) or "the user's classes"


def _references(
    models: list[ModelSpec], by_name: dict[str, ModelSpec]
) -> dict[str, tuple[str, ...]]:
    """Model name -> the other partial classes its twin refers to directly, in definition
    order. Direct references only: the closures of a cycle of n classes would hold n² names."""
    order = {model.partial_name: index for index, model in enumerate(models)}
    refers: dict[str, tuple[str, ...]] = {}
    for model in models:
        names = {by_name[base].partial_name for base in model.bases if base in by_name}
        for spec in _field_types(model):
            names |= partial_names(partial_type(spec))
        names.discard(model.partial_name)
        refers[model.name] = tuple(sorted(names & order.keys(), key=order.__getitem__))
    return refers


def _field_types(model: ModelSpec) -> list[TypeSpec]:
    """The types of a model's fields, and of its extras when they are typed."""
    types = [field.type for field in model.fields]
    if model.extra and model.extra_type is not None:
        types.append(DictType(model.extra_type))
    return types


def _completion_names(model: ModelSpec, by_name: dict[str, ModelSpec]) -> tuple[str, ...] | None:
    """What ``is_complete(field)`` of an object model's partial takes: its fields' names and
    JSON names, its bases' too; ``None`` for a root model or one keeping extras (any key)."""
    if model.kind == "root":
        return None
    lineage = [model, *_ancestors(model, by_name)]
    if any(member.extra for member in lineage):
        return None
    names = set()
    for member in lineage:
        for field in member.fields:
            names.add(_partial_field_name(field))
            names.add(field.alias or field.json_name)
    return tuple(sorted(names))


def _completion_hint(literal: str, names: tuple[str, ...] | None) -> str | None:
    if names is None:
        return None
    if not names:
        return "None"  # no field: only the whole object can be asked about
    return f"{literal}[{', '.join(repr(name) for name in names)}] | None"


def _factory_name(model: ModelSpec) -> str:
    return f"_make_{model.partial_name}"


def _partial_field_name(field: FieldSpec) -> str:
    return f"{field.name}_" if field.name in _PARTIAL_RESERVED else field.name


def _partial_class(
    model: ModelSpec,
    by_name: dict[str, ModelSpec],
    namespace: Namespace,
    partial_model: str,
    defined: set[str],
    refers: tuple[str, ...],
) -> PartialClass:
    def hint(field: FieldSpec) -> str:
        return annotation(union([partial_type(field.type), NoneType()]))

    def annotation(spec: TypeSpec) -> str:
        """The annotation, quoted only when it names a class defined later (or this one).

        partial.py evaluates its annotations at import (no ``from __future__ import
        annotations``): pydantic then has no strings to compile, and import is faster.
        """
        text = render_hint(spec, namespace.import_name, models_module=".models")
        return text if partial_names(spec) <= defined else repr(text)

    if model.kind == "root":
        field = model.fields[0]
        # Under its name in models.py, which a class of the package never takes.
        namespace.bind("schemastream.runtime", "DeferredRootModel", DEFERRED_ROOT)
        root_hint = hint(field)
        return PartialClass(
            name=model.partial_name,
            factory=_factory_name(model),
            # Deferred like every partial: RootModel[X] would build its schema at import.
            bases=f"{DEFERRED_ROOT}[{root_hint}]",
            root=True,
            config=None,
            extra_hint=None,
            description=model.description,
            class_vars=_class_vars(model, by_name, namespace),
            fields=(FieldView("root", root_hint, None, None),),
            refers=refers,
        )
    bases = [by_name[base].partial_name for base in model.bases if base in by_name]
    fields = []
    for field in model.fields:
        name = _partial_field_name(field)
        alias = field.alias
        if alias is None and name != field.json_name:
            alias = field.json_name
        if alias is not None or field.description is not None:
            namespace.import_name("pydantic", "Field")
        fields.append(FieldView(name, hint(field), alias, field.description))
    config = []
    if any(field.name.startswith("model_") for field in fields):
        # pydantic warns about such names unless the class drops its protected namespaces.
        config.append("protected_namespaces=()")
    extra_hint = None
    if model.extra:
        # Snapshots keep the unknown keys as the full model does (PartialModel ignores them).
        config.append('extra="allow"')
        if model.extra_type is not None:
            namespace.import_name("pydantic", "Field")
            extra_hint = annotation(DictType(partial_type(model.extra_type)))
    if config:
        namespace.import_name("pydantic", "ConfigDict")
    return PartialClass(
        name=model.partial_name,
        factory=_factory_name(model),
        bases=", ".join(bases) or partial_model,
        root=False,
        config=", ".join(config) or None,
        extra_hint=extra_hint,
        description=model.description,
        class_vars=_class_vars(model, by_name, namespace),
        fields=tuple(fields),
        refers=refers,
    )


def _class_vars(
    model: ModelSpec, by_name: dict[str, ModelSpec], namespace: Namespace
) -> tuple[ClassVarView, ...]:
    """The ``__stream_*__`` ClassVars, merged with the bases' (a ClassVar hides its base's)."""
    own = _stream_facts(model.fields)
    if not any(own):
        return ()
    done, not_null, discriminators = set(own[0]), set(own[1]), dict(own[2])
    for base in _ancestors(model, by_name):
        base_done, base_not_null, base_discriminators = _stream_facts(base.fields)
        done |= base_done
        not_null |= base_not_null
        for key, value in base_discriminators.items():
            discriminators.setdefault(key, value)
    class_var = namespace.import_name("typing", "ClassVar")
    text, names = (namespace.import_name("builtins", n) for n in ("str", "frozenset"))
    views = []
    if done:
        views.append(
            ClassVarView("__stream_done__", f"{class_var}[{names}[{text}]]", _frozenset(done))
        )
    if not_null:
        views.append(
            ClassVarView(
                "__stream_not_null__", f"{class_var}[{names}[{text}]]", _frozenset(not_null)
            )
        )
    if discriminators:
        items = ", ".join(f"{key!r}: {value!r}" for key, value in sorted(discriminators.items()))
        mapping = namespace.import_name("builtins", "dict")
        views.append(
            ClassVarView(
                "__stream_discriminators__",
                f"{class_var}[{mapping}[{text}, {text}]]",
                f"{{{items}}}",
            )
        )
    return tuple(views)


def _stream_facts(fields: Sequence[FieldSpec]) -> tuple[set[str], set[str], dict[str, str]]:
    done = {_partial_field_name(field) for field in fields if field.done}
    not_null = {_partial_field_name(field) for field in fields if field.not_null}
    discriminators = {
        _partial_field_name(field): field.discriminator for field in fields if field.discriminator
    }
    return done, not_null, discriminators


def _ancestors(model: ModelSpec, by_name: dict[str, ModelSpec]) -> list[ModelSpec]:
    seen: list[ModelSpec] = []
    todo = [by_name[base] for base in model.bases if base in by_name]
    while todo:
        base = todo.pop(0)
        if base not in seen:
            seen.append(base)
            todo.extend(by_name[name] for name in base.bases if name in by_name)
    return seen


def _frozenset(names: set[str]) -> str:
    return "frozenset({" + ", ".join(repr(name) for name in sorted(names)) + "})"


# -- stream.py ----------------------------------------------------------------------------

_RUNTIME_NAMES = ("SchemaTable", "StreamHelpers", "StreamSpec")


def stream_module(package: PackageSpec) -> StreamModule:
    """Specs and helpers for every streamable model, in name order."""
    defined = _stream_names(package)
    private = [_helpers_name(target) for target in package.streams]
    namespace = Namespace([*defined, *private, "_SCHEMAS"])
    names = {name: namespace.import_name("schemastream.runtime", name) for name in _RUNTIME_NAMES}
    names["TYPE_CHECKING"] = namespace.import_name("typing", "TYPE_CHECKING")
    if package.streams:
        names["partial"] = namespace.import_name(".", "partial")
    origins = {model.name: model.origin for model in package.models}
    helpers = tuple(
        StreamHelper(
            target,
            full=_import_full(namespace, target.model, origins.get(target.model)),
            partial=namespace.import_name(".partial", f"Partial{target.model}"),
            partial_attribute=f"Partial{target.model}",
            helpers=_helpers_name(target),
        )
        for target in package.streams
    )
    # The partial classes are only named in annotations: a spec loads its class from the
    # module on first use.
    runtime = Namespace()
    checking = Namespace()
    for module, name, alias in namespace.imports:
        (checking if module == ".partial" else runtime).bind(module, name, alias)
    return StreamModule(
        header=package.header,
        imports=_import_lines(runtime),
        type_checking_imports=_import_lines(checking),
        names=names,
        exports=tuple(sorted(defined)),
        helpers=helpers,
    )


def _helpers_name(target: StreamTarget) -> str:
    """The module-private ``StreamHelpers`` whose methods a model's helpers are."""
    return f"_{target.snake}"


def _import_full(namespace: Namespace, model: str, origin: ImportPath | None) -> str:
    """The local name of a full model: from ``models.py``, or the user's class by its path."""
    if origin is None:
        return namespace.import_name(".models", model)
    return namespace.import_name(origin.module, origin.name)


def _stream_names(package: PackageSpec) -> list[str]:
    return [name for target in package.streams for name in (target.spec_name, *target.helper_names)]


# -- __init__.py --------------------------------------------------------------------------


def init_module(package: PackageSpec, *, title: str) -> InitModule:
    """Models first, then partials, then stream helpers: the first module naming a name wins."""
    classes = {
        model.origin.name: model.origin.module
        for model in package.models
        if package.models_source is None and model.origin is not None
    }
    return InitModule(
        header=package.header,
        title=title,
        modules=_SUBMODULES if package.models_source is not None else ("partial", "stream"),
        classes=dict(sorted(classes.items())),
    )


def schemas_module(package: PackageSpec) -> SchemasModule:
    """The definitions every spec's request schemas are assembled from."""
    schemas = package.schemas
    return SchemasModule(package.header, schemas.plain, schemas.strict, schemas.base_names)
