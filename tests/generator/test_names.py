"""Names a schema can force on generated code: normalised, clashing, empty, unreachable, deep.

Each case generates a small package (unformatted, to stay fast), imports it and checks
that every JSON key still makes the round trip through the full model and the snapshots.
"""

from __future__ import annotations

import ast
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from _generated import assert_round_trip, imported_unformatted, the_spec

from schemastream import runtime
from schemastream.generator import GenerateOptions, GeneratorError
from schemastream.generator.clashes import RESERVED
from schemastream.generator.graph import helper_names
from schemastream.generator.nesting import MAX_MODEL_DEPTH
from schemastream.generator.pipeline import render_package


def write(tmp_path: Path, schema: dict[str, Any], name: str = "schema.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return path


def identifiers(source: str) -> set[str]:
    """Every class, field and enum member name a module defines."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
            for item in node.body:
                targets = [item.target] if isinstance(item, ast.AnnAssign) else []
                targets += item.targets if isinstance(item, ast.Assign) else []
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def openapi(schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


NFKC_KEYS = ["\u210c", "H", "\ufb01", "fi", "\U0001d54f", "X", "\u01c5", "D\u017e", ""]


def test_keys_python_normalises_keep_their_own_fields(tmp_path: Path) -> None:
    # Python reads the identifier U+210C as "H": emitted bare, two keys would share a field.
    schema = {
        "title": "Glyphs",
        "type": "object",
        "properties": {key: {"type": "string"} for key in NFKC_KEYS},
    }
    source = write(tmp_path, schema)
    files = render_package(source).files
    for name in ("models.py", "partial.py", "partial.pyi"):
        for identifier in identifiers(files[name]):
            assert unicodedata.normalize("NFKC", identifier) == identifier, (name, identifier)
    with imported_unformatted(source, tmp_path, "glyphs") as package:
        document = {key: f"value of {key!r}" for key in NFKC_KEYS}
        assert_round_trip(the_spec(package), document)


def test_the_empty_key_appears_in_snapshots(tmp_path: Path) -> None:
    schema = {"title": "Odd", "type": "object", "properties": {"": {"type": "string"}, "a": {}}}
    with imported_unformatted(write(tmp_path, schema), tmp_path, "odd") as package:
        assert_round_trip(the_spec(package), {"": "empty name", "a": 1}, chunk=2)


def test_definitions_and_enum_values_python_normalises(tmp_path: Path) -> None:
    schema = {
        "title": "Mixed",
        "type": "object",
        "properties": {
            "choice": {"enum": ["\u210c", "H", "\ufb01", "fi"]},
            "black": {"$ref": "#/$defs/\u210c"},
            "plain": {"$ref": "#/$defs/H"},
            "title": {"$ref": "#/$defs/\u00dcbersicht"},
        },
        "$defs": {
            "\u210c": {"type": "object", "properties": {"x": {"type": "string"}}},
            "H": {"type": "object", "properties": {"y": {"type": "integer"}}},
            # a non-ASCII root model: its columns in the syntax tree count bytes
            "\u00dcbersicht": {"type": "array", "items": {"type": "string"}},
        },
    }
    with imported_unformatted(write(tmp_path, schema), tmp_path, "mixed") as package:
        spec = the_spec(package)
        for choice in schema["properties"]["choice"]["enum"]:
            assert_round_trip(spec, {"choice": choice})
        assert_round_trip(spec, {"black": {"x": "a"}, "plain": {"y": 2}, "title": ["\u00fc", "b"]})


def test_an_untitled_schema_is_named_from_its_file(tmp_path: Path) -> None:
    source = write(tmp_path, {"type": "object", "properties": {"a": {}}}, "recipe-card.json")
    with imported_unformatted(source, tmp_path, "untitled") as package:
        assert package.models.RecipeCard
        assert {"RecipeCard", "PartialRecipeCard", "stream_recipe_card"} <= set(package.__all__)
        assert not {"Model", "PartialModel", "create_model"} & set(package.__all__)


def test_names_that_clash_with_the_runtime_or_pydantic_are_renamed(tmp_path: Path) -> None:
    clashing = ["Model", "Stream", "ConfigDict", "Generic", "TypeVar", "Structured", "PartialPet"]
    schema = {
        "title": "Model",
        "type": "object",
        "properties": {name.lower(): {"$ref": f"#/$defs/{name}"} for name in clashing[1:]}
        | {"pet": {"$ref": "#/$defs/Pet"}, "model": {"type": "string"}},
        "$defs": {name: {"type": "object", "properties": {"v": {}}} for name in clashing[1:]}
        | {"Pet": {"type": "object", "properties": {"w": {}}}},
    }
    source = write(tmp_path, schema)
    with imported_unformatted(source, tmp_path, "clashing") as package:
        exported = set(package.__all__)
        assert not exported & RESERVED
        assert not exported & {"PartialModel", "PartialStream", "parse_structured"}
        # The twin of Pet is the PartialPet the package exports, not the schema's own class.
        assert set(package.PartialPet.model_fields) == {"w"}
        document = {name.lower(): {"v": 1} for name in clashing[1:]} | {"pet": {"w": 2}}
        assert_round_trip(the_spec(package), document | {"model": "m"})


def test_the_runtimes_names_reserve_only_the_model_names_they_always_have() -> None:
    # A runtime name shaped like a helper (stream_<name>...) renames every schema's class of
    # that name in every package (``Text`` would become ``TextModel``): a deliberate choice.
    prefixes = [helper.removesuffix("x") for helper in helper_names("x")]
    taken = {
        name.removeprefix(prefix)
        for name in runtime.__all__
        for prefix in prefixes
        if name.startswith(prefix)
    }
    assert taken == {"partial", "structured"}


def test_fields_an_upstream_rename_made_equal_stay_apart(tmp_path: Path) -> None:
    # datamodel-code-generator renames a field named like a class after naming its siblings.
    schema = {
        "title": "Holder",
        "type": "object",
        "properties": {
            "Inner": {"type": "object", "properties": {"q": {"type": "string"}}},
            "Inner_1": {"type": "string"},
        },
    }
    with imported_unformatted(write(tmp_path, schema), tmp_path, "holder") as package:
        assert_round_trip(the_spec(package), {"Inner": {"q": "a"}, "Inner_1": "b"})


def test_openapi_schema_names_with_a_slash_get_helpers(tmp_path: Path) -> None:
    schema = openapi(
        {
            "pets/Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
            "pets": {"type": "object", "properties": {"other": {"type": "integer"}}},
        }
    )
    source = write(tmp_path, schema)
    options = GenerateOptions(stream_models=("pets/Pet",))
    with imported_unformatted(source, tmp_path, "slashed", options) as package:
        spec = the_spec(package)
        assert spec.schema["properties"] == {"name": {"type": "string"}}
        assert_round_trip(spec, {"name": "Rex"})


def test_only_classes_a_definition_reaches_are_emitted(tmp_path: Path) -> None:
    # Discriminator values become Literal types, leaving the enums Type and Type1 unused.
    def variant(tag: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"type": {"type": "string", "enum": [tag]}},
            "required": ["type"],
        }

    pick = {
        "oneOf": [{"$ref": "#/components/schemas/Auto"}, {"$ref": "#/components/schemas/Static"}],
        "discriminator": {"propertyName": "type"},
    }
    schema = openapi(
        {
            "Auto": variant("auto"),
            "Static": variant("static"),
            "Unused": {"enum": ["a", "b"]},
            "Strategy": {"type": "object", "properties": {"pick": pick}},
        }
    )
    files = render_package(write(tmp_path, schema)).files
    classes = {n.name for n in ast.parse(files["models.py"]).body if isinstance(n, ast.ClassDef)}
    assert classes == {"Auto", "Static", "Unused", "Strategy"}  # named definitions stay
    assert "from enum import Enum" in files["models.py"]  # Unused is still an enum


def chain(length: int) -> dict[str, Any]:
    """A root whose property nests ``length`` classes deep in all (the root included)."""
    defs: dict[str, Any] = {
        f"N{i}": {"type": "object", "properties": {"x": {"$ref": f"#/$defs/N{i + 1}"}}}
        for i in range(length - 2)
    }
    defs[f"N{length - 2}"] = {"type": "array", "items": {"type": "string"}}
    return {"title": "Root", "type": "object", "properties": {"a": {"$ref": "#/$defs/N0"}}} | {
        "$defs": defs
    }


def aliases(length: int) -> dict[str, Any]:
    """The same depth as a chain of ``$ref`` to ``$ref``: one root model per step."""
    defs: dict[str, Any] = {f"N{i}": {"$ref": f"#/$defs/N{i + 1}"} for i in range(length - 2)}
    defs[f"N{length - 2}"] = {"type": "array", "items": {"type": "string"}}
    return {"title": "Root", "type": "object", "properties": {"a": {"$ref": "#/$defs/N0"}}} | {
        "$defs": defs
    }


def test_a_chain_deeper_than_pydantic_can_build_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GeneratorError) as info:
        render_package(write(tmp_path, aliases(300)))
    message = str(info.value)
    assert "nest 300 deep" in message and "Root -> N0 -> N1 -> ..." in message
    assert info.value.pointer == "#"
    with pytest.raises(GeneratorError):
        render_package(write(tmp_path, chain(MAX_MODEL_DEPTH + 1)))


def test_a_chain_at_the_limit_builds_streams_and_describes_itself(tmp_path: Path) -> None:
    source = write(tmp_path, chain(MAX_MODEL_DEPTH))
    document: Any = ["x", "y"]
    for _ in range(MAX_MODEL_DEPTH - 2):
        document = {"x": document}
    with imported_unformatted(source, tmp_path, "deep") as package:
        spec = the_spec(package)

        def from_deep_in_the_stack(frames: int) -> None:
            if frames:
                return from_deep_in_the_stack(frames - 1)
            spec.full.model_json_schema()
            spec.partial.model_json_schema()
            assert_round_trip(spec, {"a": document})
            return None

        from_deep_in_the_stack(min(200, sys.getrecursionlimit() // 5))


def test_a_parsed_model_merged_away_upstream_leaves_no_trace(tmp_path: Path) -> None:
    # The keys "\U0001f600" and "" both give an enum "Field", merged into one class; the
    # parse results keep the other one under the name the list "field" takes.
    enum = {"enum": ["x", "y"]}
    schema = {
        "title": "Root",
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/field"}, "b": {"$ref": "#/$defs/\U0001f600"}}
        | {"c": {"$ref": "#/$defs/"}},
        "$defs": {"field": {"type": "array", "items": {"type": "string"}}}
        | {"\U0001f600": enum, "": enum},
    }
    with imported_unformatted(write(tmp_path, schema), tmp_path, "merged") as package:
        assert_round_trip(the_spec(package), {"a": ["s"], "b": "x", "c": "y"})


def test_fields_named_like_builtins_or_twins_hide_nothing(tmp_path: Path) -> None:
    # partial.py evaluates annotations in the class body, where a field "list" hides the
    # builtin and a field "PartialInner" hides the twin from every field after it.
    schema = {
        "title": "Shadows",
        "type": "object",
        "properties": {
            "list": {"type": "string"},
            "str": {"type": "integer"},
            "dict": {"type": "boolean"},
            "PartialInner": {"type": "string"},
            "inner": {"type": "object", "properties": {"v": {"type": "string"}}},
            "names": {"type": "array", "items": {"type": "string"}},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        },
    }
    document = {
        "list": "l",
        "str": 1,
        "dict": True,
        "PartialInner": "p",
        "inner": {"v": "w"},
        "names": ["a"],
        "counts": {"k": 2},
    }
    with imported_unformatted(write(tmp_path, schema), tmp_path, "shadows") as package:
        assert_round_trip(the_spec(package), document)


def test_a_cycle_of_refs_with_no_schema_in_it_is_refused(tmp_path: Path) -> None:
    schema = {
        "title": "Root",
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/A"}},
        "$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}},
    }
    with pytest.raises(GeneratorError) as info:
        render_package(write(tmp_path, schema))
    assert "A -> B -> A only refer to each other" in info.value.message
    assert info.value.pointer == "#/$defs/A"
