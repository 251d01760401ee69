"""Bug classes the SchemaStore sweep found: models that generated and imported, then broke.

Each test builds the smallest schema of its class (the schema that showed it is named),
imports the package, creates every class and streams a document through its helper.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType
from typing import Any

import annotated_types
import pydantic
import pytest
from _generated import imported_unformatted
from datamodel_code_generator.imports import Import
from datamodel_code_generator.model.pydantic_v2 import imports as upstream_imports

from schemastream.generator import GeneratorError, dmcg
from schemastream.generator.dmcg import CONSTRAINED_BASES
from schemastream.generator.graph import ScalarType
from schemastream.generator.pipeline import render_package
from schemastream.generator.reachable import prune_unreachable
from tests.streaming import check_stream, root_models, stream_helpers

Generate = Callable[[str, dict[str, Any]], ModuleType]


@pytest.fixture
def generated(tmp_path: Path) -> Iterator[Generate]:
    """Generate a schema (unformatted: fast) and import its package, removed after the test."""
    with ExitStack() as stack:

        def generate(name: str, schema: dict[str, Any]) -> ModuleType:
            path = tmp_path / f"{name}.json"
            path.write_text(json.dumps(schema), encoding="utf-8")
            return stack.enter_context(imported_unformatted(path, tmp_path, name))

        yield generate


def _build_all(package: ModuleType) -> None:
    """Create and build every full and partial class (schemas are built lazily)."""
    for module in (package.models, package.partial):
        for model in root_models(module):
            model.model_rebuild(force=True)


def _streams(package: ModuleType, document: Any) -> None:
    (helper,) = stream_helpers(package)
    text = json.dumps(document)
    for size in (1, 3, len(text)):
        check_stream(helper, text, [size])


def test_constrained_types_in_unions_and_containers(generated: Generate) -> None:
    # sarif-1.0.0 (`"type": ["integer", "string"]` with bounds): conint | constr in the twin
    union = {"type": ["integer", "string"], "minimum": 1, "pattern": "^[1-9][0-9]*$"}
    schema = {
        "title": "Job",
        "type": "object",
        "properties": {
            "depth": union,
            "ratio": {"type": ["number", "string"], "exclusiveMinimum": 0, "maxLength": 4},
            "names": {"type": "array", "items": {"type": "string", "minLength": 2}},
            "levels": {"type": "array", "items": union},
            "limits": {"type": "object", "additionalProperties": union},
            "positive": {"type": ["integer", "null"], "exclusiveMinimum": 0},
        },
    }
    package = generated("constrained", schema)
    _build_all(package)
    hints = {name: str(info.annotation) for name, info in package.PartialJob.model_fields.items()}
    assert hints["depth"] == "int | str | None"
    assert hints["ratio"] == "float | str | None"
    assert hints["positive"] == "int | None"
    source = inspect.getsource(package.partial)
    assert re.search(r"\bcon(int|str|float)\b", source) is None
    _streams(
        package,
        {"depth": "12", "ratio": 0.5, "names": ["ab"], "levels": [3, "7"],
         "limits": {"a": 1, "b": "2"}, "positive": 4},
    )  # fmt: skip


def test_every_constrained_type_upstream_can_write_has_a_base() -> None:
    # A release that adds a con* function or a constrained alias fails here first.
    constrained = set()
    for value in vars(upstream_imports).values():
        if isinstance(value, Import) and value.from_ == "pydantic":
            target = getattr(pydantic, value.import_, None)
            metadata = getattr(target, "__metadata__", ())  # Annotated[int, Gt(0)] and the like
            constraints = (annotated_types.BaseMetadata, pydantic.Strict)
            if (inspect.isfunction(target) and value.import_.startswith("con")) or any(
                isinstance(item, constraints) for item in metadata
            ):
                constrained.add(ScalarType(value.import_, "pydantic"))
    assert len(constrained) > 10
    assert {scalar.name for scalar in constrained - CONSTRAINED_BASES.keys()} == set()
    builtins = {"str", "int", "float", "bool", "bytes"}
    assert all(base.module or base.name in builtins for base in CONSTRAINED_BASES.values())


def test_type_aliases_are_inlined_in_the_twins(generated: Generate) -> None:
    # appsettings (Serilog's MethodCallReference): array | string | object with keywords
    # of each; upstream writes ``Name = TypeAliasType(...)``, and the twin named PartialName.
    item = {"type": "object", "properties": {"Name": {"type": "string"}}}
    schema = {
        "title": "Settings",
        "type": "object",
        "properties": {
            "using": {
                "type": ["array", "string", "object"],
                "minLength": 1,
                "minItems": 1,
                "items": {"$ref": "#/definitions/Item"},
                "additionalProperties": {"$ref": "#/definitions/Item"},
            }
        },
        "definitions": {"Item": item},
    }
    package = generated("aliases", schema)
    assert "TypeAliasType(" in inspect.getsource(package.models)
    _build_all(package)
    _streams(package, {"using": [{"Name": "a"}, {}]})
    _streams(package, {"using": "Console"})


def test_classes_reached_only_by_quoted_forward_refs_are_kept() -> None:
    # dofigen: ``Dofigen(RootModel[Union["Dofigen1", ...]])`` lost Dofigen1..4.
    source = (
        "class Root(RootModel[Union['A', 'B']]):\n"
        "    root: Union['A', 'B']\n"
        "class A(BaseModel):\n"
        "    b: Optional['B'] = None\n"
        "class B(BaseModel):\n"
        "    x: int\n"
        "class Unused(BaseModel):\n"
        "    x: int = Field(description='A and B')\n"
        "class Item(RootModel[int]):\n"
        "    root: int\n"
        "Items = TypeAliasType('Items', Annotated[list[Item], Field(min_length=1)])\n"
    )
    kept, dropped = prune_unreachable(source, ast.parse(source), {"Root"}, {})
    assert dropped == {"Unused"}  # xs-app: Item, named by an alias only, went too
    assert "class A" in kept and "class B" in kept and "class Item" in kept


def test_a_deprecated_root_model_still_validates(generated: Generate) -> None:
    # cargo (`"authors": {"type": "array", "deprecated": true}`): pydantic refused to
    # set ``root`` at all, so every document with the key failed validation.
    schema = {
        "title": "Manifest",
        "type": "object",
        "properties": {"authors": {"$ref": "#/definitions/Authors"}},
        "definitions": {
            "Authors": {"type": "array", "items": {"type": "string"}, "deprecated": True}
        },
    }
    package = generated("deprecated_root", schema)
    assert package.models.Authors.model_validate(["ada"]).root == ["ada"]
    _streams(package, {"authors": ["ada", "grace"]})


@pytest.mark.parametrize(
    "keyword", ["customTypePath", "customBasePath", "x-python-type", "x-python-import"]
)
def test_keywords_that_name_python_code_are_ignored(keyword: str, tmp_path: Path) -> None:
    # A schema chose what models.py imports (``from antigravity import Fly``): code run on
    # import. Now the keyword is dropped, with a warning naming where it was.
    value: Any = {"module": "antigravity", "name": "Fly"}
    if keyword != "x-python-import":
        value = "antigravity.Fly"
    schema = {
        "title": "T",
        "type": "object",
        "properties": {"a": {"type": "string", keyword: value}},
        keyword: value,
    }
    path = tmp_path / "python.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    result = render_package(path)
    assert all("antigravity" not in text for text in result.files.values())
    assert f"python.json at #/properties/a/{keyword}: `{keyword}` is ignored" in "\n".join(
        result.warnings
    )
    assert any(warning.startswith(f"{path} at #/{keyword}:") for warning in result.warnings)


def test_root_models_module_helper_lists_only_generated_models(generated: Generate) -> None:
    package = generated("plain", {"title": "P", "type": "object"})
    assert [model.__name__ for model in root_models(package.models)] == ["P"]
    assert all(issubclass(model, pydantic.BaseModel) for model in root_models(package.partial))


def test_a_discriminator_upstream_fails_on_becomes_a_plain_union() -> None:
    # Upstream rejects this mapping (the loader's checks would too; dmcg.run is called
    # without them): the union stays, resolved by keys, with a warning at its pointer.
    members = {
        "A": {"type": "object", "properties": {"kind": {"const": "a"}, "n": {"type": "integer"}}},
        "B": {"type": "object", "properties": {"kind": {"const": "b"}, "s": {"type": "string"}}},
    }
    schema = {
        "title": "T",
        "type": "object",
        "properties": {
            "x": {
                "oneOf": [{"$ref": "#/$defs/A"}, {"$ref": "#/$defs/B"}],
                "discriminator": {"propertyName": "kind", "mapping": {"a": 5}},
            },
            "y": {
                "oneOf": [{"$ref": "#/$defs/A"}, {"$ref": "#/$defs/B"}],
                "discriminator": {"propertyName": "kind"},
            },
        },
        "$defs": members,
    }
    result = dmcg.run(json.dumps(schema), kind="jsonschema", file_name="t.json", data=schema)
    assert result.warnings == (
        "t.json at #/properties/x/discriminator: `discriminator` is dropped "
        "(datamodel-code-generator fails on it): the union is validated member by member "
        "and resolved in snapshots by the keys seen so far",
    )
    assert "x: A | B | None" in result.source
    assert "Field(None, discriminator='kind')" in result.source  # y keeps its own


def test_an_allof_of_itself_is_dropped_and_the_package_streams(generated: Generate) -> None:
    # cloudify (`"allOf": [{"$ref": <itself>}, {...}]`): an "inheritance cycle" upstream.
    schema = {
        "title": "Node",
        "type": "object",
        "properties": {"props": {"$ref": "#/definitions/Props"}},
        "definitions": {
            "Props": {
                "type": "object",
                "allOf": [
                    {"$ref": "#/definitions/Props"},
                    {"properties": {"family": {"type": "string", "default": "windows"}}},
                ],
            }
        },
    }
    package = generated("self_allof", schema)
    _build_all(package)
    _streams(package, {"props": {"family": "linux"}})
    path = Path(package.__file__).parents[1] / "self_allof.json"
    (warning,) = [w for w in render_package(path).warnings if "its own schema" in w]
    assert warning.endswith(
        "at #/definitions/Props/allOf: an `allOf` item that refers to its own schema is "
        "dropped: it adds nothing to it"
    )


def test_every_upstream_exception_becomes_a_generator_error_with_its_pointer() -> None:
    # A KeyError, AttributeError... from inside it is caught like its own errors; the
    # pointer comes from the path it was parsing.
    with pytest.raises(GeneratorError) as info:
        dmcg.run('{"properties": {"a": {"items": 3}}}', kind="jsonschema", file_name="x.json")
    assert info.value.pointer == "#/properties/a/items"
    assert "datamodel-code-generator could not generate models" in str(info.value)


def test_unions_of_atomic_types_that_take_the_same_token(generated: Generate) -> None:
    # cargo's SplitDebuginfo (an enum of enums), dependabot's package-ecosystem (an enum or
    # any other string), travis (a number or an integer...): the first member that takes
    # a string hid every value of the others.
    schema = {
        "title": "Build",
        "type": "object",
        "properties": {
            "split": {"oneOf": [{"enum": ["off"]}, {"enum": ["packed", "unpacked"]}]},
            "ecosystem": {"anyOf": [{"enum": ["npm", "pip"]}, {"type": "string", "minLength": 1}]},
            "level": {"anyOf": [{"type": "integer"}, {"type": "number"}]},
            "flag": {"anyOf": [{"const": True}, {"type": "integer"}]},
        },
    }
    package = generated("atomic_unions", schema)
    _build_all(package)
    _streams(package, {"split": "unpacked", "ecosystem": "cargo", "level": 2.5, "flag": 7})
    _streams(package, {"split": "off", "ecosystem": "npm", "level": 3, "flag": True})


def test_a_root_model_beside_a_map_in_a_union_dumps_as_its_value(generated: Generate) -> None:
    # github-workflow's env (a map, or a string with expressions, itself a root model):
    # the map's serializer took the root model and dumped {"root": "..."}.
    schema = {
        "title": "Job",
        "type": "object",
        "properties": {
            "env": {
                "oneOf": [
                    {"type": "object", "additionalProperties": {"type": "string"}},
                    {"$ref": "#/definitions/expression"},
                ]
            },
            "args": {
                "oneOf": [
                    {"type": "array", "items": {"type": "string"}},
                    {"$ref": "#/definitions/expression"},
                ]
            },
        },
        "definitions": {"expression": {"type": "string", "pattern": "^.*\\$\\{\\{.*\\}\\}.*$"}},
    }
    package = generated("root_beside_map", schema)
    _build_all(package)
    _streams(package, {"env": "a ${{ x }} b", "args": "${{ y }}"})
    _streams(package, {"env": {"A": "1"}, "args": ["a"]})
