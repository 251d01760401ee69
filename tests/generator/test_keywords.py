"""Keyword values: a wrong one is an error at its JSON pointer, what the models cannot express
is a warning naming the pointer, and nothing that generates fails later at run time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _generated import assert_round_trip, imported_unformatted, the_spec

from schemastream.generator import GeneratorError
from schemastream.generator.pipeline import render_package


def write(tmp_path: Path, schema: dict[str, Any], name: str = "s.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(schema), encoding="utf-8")
    return path


def wrap(prop: Any) -> dict[str, Any]:
    return {"title": "T", "type": "object", "properties": {"a": prop}}


@pytest.mark.parametrize(
    ("prop", "pointer", "says"),
    [
        ({"type": "strng"}, "#/properties/a/type", "'strng'"),
        ({"type": ["string", "string"]}, "#/properties/a/type", "twice"),
        ({"type": "object", "required": True}, "#/properties/a/required", "draft 3"),
        ({"enum": "a"}, "#/properties/a/enum", "list of values"),
        ({"enum": []}, "#/properties/a/enum", "empty"),
        ({"type": "string", "maxLength": 2**64}, "#/properties/a/maxLength", "from 0 to"),
        ({"type": "string", "minLength": -1}, "#/properties/a/minLength", "from 0 to"),
        ({"type": "string", "maxLength": "5"}, "#/properties/a/maxLength", "from 0 to"),
        ({"type": "number", "minimum": 10**400}, "#/properties/a/minimum", "too large"),
        ({"type": "number", "multipleOf": 0}, "#/properties/a/multipleOf", "greater than 0"),
        ({"type": "string", "pattern": "([unclosed"}, "#/properties/a/pattern", "unclosed"),
        ({"type": "string", "pattern": "^(?=a)"}, "#/properties/a/pattern", "look-around"),
        ({"patternProperties": {"(": {}}}, "#/properties/a/patternProperties/(", "Rust"),
        (
            {"type": "object", "properties": {"b": "string"}},
            "#/properties/a/properties/b",
            "a string",
        ),
        ({"anyOf": {}}, "#/properties/a/anyOf", "non-empty list"),
        ({"allOf": []}, "#/properties/a/allOf", "non-empty list"),
        ({"not": 5}, "#/properties/a/not", "a number"),
        ({"title": 5}, "#/properties/a/title", "must be a string"),
        ({"nullable": "yes"}, "#/properties/a/nullable", "true or false"),
        ({"discriminator": {"mapping": {}}}, "#/properties/a/discriminator", "propertyName"),
        ({"$dynamicRef": "#nowhere"}, "#/properties/a/$dynamicRef", "names no anchor"),
    ],
)
def test_an_invalid_keyword_value_is_an_error_at_its_pointer(
    tmp_path: Path, prop: Any, pointer: str, says: str
) -> None:
    with pytest.raises(GeneratorError) as info:
        render_package(write(tmp_path, wrap(prop)))
    assert info.value.path == str(tmp_path / "s.json")
    assert info.value.pointer == pointer
    assert says in info.value.message


def test_openapi_schemas_and_bundled_files_are_checked_where_they_are(tmp_path: Path) -> None:
    openapi = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"a/b": {"type": "object", "properties": {"x": {"type": 1}}}}},
    }
    with pytest.raises(GeneratorError) as info:
        render_package(write(tmp_path, openapi))
    assert info.value.pointer == "#/components/schemas/a~1b/properties/x/type"

    write(tmp_path, {"$defs": {"Bad": {"type": "object", "minProperties": -2}}}, "other.json")
    with pytest.raises(GeneratorError) as info:
        render_package(write(tmp_path, wrap({"$ref": "other.json#/$defs/Bad"})))
    assert info.value.path == str(tmp_path / "other.json")
    assert info.value.pointer == "#/$defs/Bad/minProperties"


@pytest.mark.parametrize(
    ("prop", "pointer", "says"),
    [
        ({"not": {"type": "string"}}, "#/properties/a/not", "`not` is not enforced"),
        ({"if": {"type": "string"}, "then": {}}, "#/properties/a/if", "`if`/`then`/`else`"),
        (
            {"type": "object", "properties": {"k": {}}, "patternProperties": {"^x": {}}},
            "#/properties/a/patternProperties",
            "dropped",
        ),
        ({"type": "array", "contains": {"type": "string"}}, "#/properties/a/contains", "contains"),
        ({"type": "array", "prefixItems": [{}, {}]}, "#/properties/a/prefixItems", "tuple"),
        ({"type": "array", "uniqueItems": True}, "#/properties/a/uniqueItems", "repeated"),
        (
            {"type": "object", "dependentRequired": {"a": ["b"]}},
            "#/properties/a/dependentRequired",
            "not enforced",
        ),
    ],
)
def test_a_construct_the_models_cannot_express_is_a_warning(
    tmp_path: Path, prop: Any, pointer: str, says: str
) -> None:
    source = write(tmp_path, wrap(prop))
    warnings = render_package(source).warnings
    expected = f"{source} at {pointer}: "
    assert any(w.startswith(expected) and says in w for w in warnings), warnings


def test_dynamic_ref_to_an_anchor_resolves_statically_with_a_warning(tmp_path: Path) -> None:
    schema = {
        "title": "Node",
        "$dynamicAnchor": "node",
        "type": "object",
        "properties": {"value": {"type": "integer"}, "next": {"$dynamicRef": "#node"}},
    }
    source = write(tmp_path, schema)
    result = render_package(source)
    assert any(
        "#/properties/next/$dynamicRef: `$dynamicRef` is resolved" in w for w in result.warnings
    )
    with imported_unformatted(source, tmp_path, "linked") as package:
        assert_round_trip(the_spec(package), {"value": 1, "next": {"value": 2}})


def test_a_model_that_cannot_be_strict_is_a_warning(tmp_path: Path) -> None:
    source = write(tmp_path, wrap({"type": "object", "additionalProperties": {"type": "integer"}}))
    warnings = render_package(source).warnings
    assert f"{source} at #: T: strict mode is not possible: #/properties/a is a free-form map" in (
        " | ".join(warnings)
    )


def test_lengths_written_as_floats_work_at_run_time(tmp_path: Path) -> None:
    source = write(tmp_path, wrap({"type": "string", "maxLength": 3.0, "minLength": 1.0}))
    with imported_unformatted(source, tmp_path, "floats") as package:
        spec = the_spec(package)
        assert_round_trip(spec, {"a": "abc"})
        with pytest.raises(ValueError, match="at most 3 characters"):
            spec.full.model_validate({"a": "abcd"})


def test_every_pattern_that_generates_compiles_at_run_time(tmp_path: Path) -> None:
    patterns = [r"^\p{L}+$", r"^[a-z]{2,3}\d*$", r"(?i)^abc$", "^\\w+@\\w+\\.\\w+$"]
    schema = wrap({"type": "object", "properties": {f"p{i}": {"type": "string", "pattern": p}
                                                     for i, p in enumerate(patterns)}})  # fmt: skip
    with imported_unformatted(write(tmp_path, schema), tmp_path, "patterns") as package:
        assert_round_trip(the_spec(package), {"a": {"p0": "abc", "p1": "ab1", "p2": "ABC"}})
