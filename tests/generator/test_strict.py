"""model_schema and strict_schema, checked against an independent model of OpenAI's rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from schemastream.generator.errors import GeneratorError
from schemastream.generator.loader import load_document
from schemastream.generator.strict import model_schema, strict_schema

CORPUS = Path(__file__).parents[1] / "corpus" / "openai-openapi.json"

# --------------------------------------------------------------------------------------
# An independent checker of OpenAI Structured Outputs' strict-mode rules, written from the
# documentation ("Supported schemas"), not from the code under test.

_ANNOTATIONS = {"title", "description"}
_ALLOWED = {
    "object": {"type", "properties", "required", "additionalProperties"},
    "array": {"type", "items", "minItems", "maxItems"},
    "string": {"type", "enum", "const", "pattern", "format"},
    "number": {"type", "enum", "const", "minimum", "maximum", "exclusiveMinimum",
               "exclusiveMaximum", "multipleOf"},
    "integer": {"type", "enum", "const", "minimum", "maximum", "exclusiveMinimum",
                "exclusiveMaximum", "multipleOf"},
    "boolean": {"type", "enum", "const"},
    "null": {"type"},
}  # fmt: skip
_FORMATS = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def openai_strict_violations(schema: Any) -> list[str]:
    """Every way ``schema`` breaks OpenAI's strict-mode rules (empty when it is accepted)."""
    problems: list[str] = []
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return ["#: the root must be an object schema"]
    defs = schema.get("$defs", {})
    counts = {"properties": 0, "enum": 0, "chars": sum(map(len, defs))}

    def check(node: Any, where: str, depth: int) -> None:
        if depth > 10:
            problems.append(f"{where}: more than 10 levels of nesting")
        if not isinstance(node, dict):
            problems.append(f"{where}: not a schema object")
            return
        keys = set(node) - _ANNOTATIONS - ({"$defs"} if where == "#" else set())
        if "default" in node:
            problems.append(f"{where}: default is not permitted")
        heads = [k for k in ("type", "anyOf", "$ref") if k in node]
        if len(heads) != 1:
            problems.append(f"{where}: needs exactly one of type, anyOf, $ref, has {heads}")
            return
        if "$ref" in node:
            ref = node["$ref"]
            target_ok = ref == "#" or (
                ref.startswith("#/$defs/") and ref[len("#/$defs/") :] in defs
            )
            if keys != {"$ref"} or not target_ok:
                problems.append(f"{where}: bad $ref {ref!r} or keywords {sorted(keys)}")
            return
        if "anyOf" in node:
            if where == "#":
                problems.append("#: the root must not be anyOf")
            if keys != {"anyOf"} or not node["anyOf"]:
                problems.append(f"{where}: anyOf with keywords {sorted(keys)}")
            for i, branch in enumerate(node["anyOf"]):
                check(branch, f"{where}/anyOf/{i}", depth + 1)
            return
        kind = node["type"]
        if isinstance(kind, list):
            if len(kind) != 2 or "null" not in kind or kind[0] == kind[1]:
                problems.append(f"{where}: a type list must be [T, 'null'], got {kind}")
                return
            kind = next(t for t in kind if t != "null")
        if kind not in _ALLOWED:
            problems.append(f"{where}: unsupported type {kind!r}")
            return
        if keys - _ALLOWED[kind]:
            problems.append(f"{where}: unsupported keywords {sorted(keys - _ALLOWED[kind])}")
        if "format" in node and node["format"] not in _FORMATS:
            problems.append(f"{where}: unsupported format {node['format']!r}")
        values = node.get("enum", []) + ([node["const"]] if "const" in node else [])
        counts["enum"] += len(node.get("enum", []))
        counts["chars"] += sum(len(str(v)) for v in values)
        for value in values:
            nullable = isinstance(node["type"], list) and value is None
            if kind in _PY_TYPES and not (isinstance(value, _PY_TYPES[kind]) or nullable):
                problems.append(f"{where}: enum value {value!r} is not a {kind}")
        if kind == "object":
            props = node.get("properties")
            if node.get("additionalProperties") is not False:
                problems.append(f"{where}: additionalProperties must be false")
            if not isinstance(props, dict) or not props:
                problems.append(f"{where}: an object needs properties")
                return
            if sorted(node.get("required", [])) != sorted(props):
                problems.append(f"{where}: every property must be required")
            counts["properties"] += len(props)
            counts["chars"] += sum(map(len, props))
            for name, prop in props.items():
                check(prop, f"{where}/properties/{name}", depth + 1)
        if kind == "array":
            if not isinstance(node.get("items"), dict):
                problems.append(f"{where}: an array needs an items schema")
            else:
                check(node["items"], f"{where}/items", depth + 1)

    check(schema, "#", 0)
    for name, definition in defs.items():
        check(definition, f"#/$defs/{name}", 1)
    if counts["properties"] > 5000 or counts["enum"] > 1000 or counts["chars"] > 120_000:
        problems.append(f"#: over OpenAI's size limits: {counts}")
    return problems


def test_checker_catches_what_it_should() -> None:
    assert openai_strict_violations({"type": "object", "properties": {"a": {}}})
    assert openai_strict_violations(
        {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    ) == ["#: additionalProperties must be false"]


def strict_ok(schema: dict[str, Any]) -> dict[str, Any]:
    result = strict_schema(schema)
    assert result.schema is not None, result.note
    assert result.note == ""
    assert openai_strict_violations(result.schema) == []
    return result.schema


def not_strict(schema: dict[str, Any]) -> str:
    result = strict_schema(schema)
    assert result.schema is None
    assert "strict mode is not possible" in result.note
    return result.note


MEETING: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "MeetingInfo",
    "type": "object",
    "required": ["users", "date"],
    "properties": {
        "users": {"type": "array", "items": {"$ref": "#/$defs/User"}, "minItems": 1},
        "date": {"type": "string", "format": "date", "description": "ISO date"},
        "location": {"type": "string", "minLength": 2, "default": "online"},
        "budget": {"type": "number", "minimum": 0, "x-stream": "done"},
        "deadline": {"type": "string", "format": "date-time"},
        "kind": {"oneOf": [{"$ref": "#/$defs/Talk"}, {"$ref": "#/$defs/Workshop"}]},
    },
    "$defs": {
        "User": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "maxLength": 80},
                "email": {"type": "string", "format": "email"},
                "twitter": {"type": "string", "format": "uri", "pattern": "^@"},
                "role": {"enum": ["host", "guest"], "default": "guest"},
            },
        },
        "Talk": {"type": "object", "properties": {"kind": {"const": "talk"}}, "required": ["kind"]},
        "Workshop": {
            "type": "object",
            "properties": {"kind": {"const": "workshop"}, "seats": {"type": "integer"}},
            "required": ["kind"],
        },
        "Unused": {"type": "object", "additionalProperties": True},
    },
}


# ------------------------------------------------------------------------ model_schema


def test_model_schema_of_json_schema_root() -> None:
    plain = model_schema(MEETING, "#")
    assert "$schema" not in plain
    assert list(plain["$defs"]) == ["Talk", "User", "Workshop"]  # reachable only, sorted
    assert plain["properties"]["users"]["items"] == {"$ref": "#/$defs/User"}
    assert "x-stream" not in plain["properties"]["budget"]
    assert plain["properties"]["location"]["default"] == "online"  # plain keeps defaults
    assert MEETING["properties"]["budget"]["x-stream"] == "done"  # input untouched


def test_model_schema_of_openapi_component() -> None:
    doc = {
        "openapi": "3.0.3",
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "nullable": True},
                        "tag": {"type": "string", "enum": ["a", "b"], "nullable": True},
                        "owner": {"$ref": "#/components/schemas/Owner"},
                        "parent": {
                            "allOf": [{"$ref": "#/components/schemas/Pet"}],
                            "nullable": True,
                        },
                        "age": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
                        "notes": {"type": "object", "properties": {"example": {"type": "string"}}},
                    },
                    "example": {"name": "x"},
                    "x-internal": True,
                },
                "Owner": {"$ref": "#/components/schemas/Person"},
                "Person": {"type": "object", "properties": {"id": {"type": "integer"}}},
            }
        },
    }
    plain = model_schema(doc, "#/components/schemas/Pet")
    props = plain["properties"]
    assert props["name"] == {"type": ["string", "null"]}
    assert props["tag"] == {"type": ["string", "null"], "enum": ["a", "b", None]}
    assert props["owner"] == {"$ref": "#/$defs/Owner"}
    assert props["parent"] == {"anyOf": [{"allOf": [{"$ref": "#"}]}, {"type": "null"}]}
    assert props["age"] == {"type": "integer", "exclusiveMinimum": 0}
    assert props["notes"]["properties"] == {"example": {"type": "string"}}
    assert "example" not in plain
    assert "x-internal" not in plain
    assert plain["$defs"] == {
        "Owner": {"$ref": "#/$defs/Person"},
        "Person": {"type": "object", "properties": {"id": {"type": "integer"}}},
    }


def test_model_schema_names_do_not_collide() -> None:
    doc = {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/A"}, "b": {"$ref": "#/definitions/A"}},
        "$defs": {"A": {"type": "string"}},
        "definitions": {"A": {"type": "integer"}},
    }
    plain = model_schema(doc, "#")
    assert plain["properties"] == {"a": {"$ref": "#/$defs/A"}, "b": {"$ref": "#/$defs/A_2"}}
    assert plain["$defs"] == {"A": {"type": "string"}, "A_2": {"type": "integer"}}


def test_model_schema_is_deterministic() -> None:
    assert json.dumps(model_schema(MEETING, "#")) == json.dumps(model_schema(MEETING, "#"))


def test_model_schema_missing_pointer() -> None:
    with pytest.raises(GeneratorError) as info:
        model_schema(MEETING, "#/$defs/Nope")
    assert info.value.pointer == "#/$defs/Nope"


# ----------------------------------------------------------------------- strict_schema


def test_strict_meeting() -> None:
    strict = strict_ok(model_schema(MEETING, "#"))
    props = strict["properties"]
    assert strict["required"] == ["users", "date", "location", "budget", "deadline", "kind"]
    assert strict["additionalProperties"] is False
    assert props["users"] == {"type": "array", "items": {"$ref": "#/$defs/User"}, "minItems": 1}
    assert props["date"] == {"type": "string", "format": "date", "description": "ISO date"}
    assert props["location"] == {"type": ["string", "null"]}  # optional, no default/minLength
    assert props["budget"] == {"type": ["number", "null"], "minimum": 0}
    assert props["kind"] == {
        "anyOf": [{"$ref": "#/$defs/Talk"}, {"$ref": "#/$defs/Workshop"}, {"type": "null"}]
    }
    user = strict["$defs"]["User"]
    assert user["properties"]["twitter"] == {"type": ["string", "null"], "pattern": "^@"}
    assert user["properties"]["email"] == {"type": ["string", "null"], "format": "email"}
    assert user["properties"]["role"] == {
        "anyOf": [{"type": "string", "enum": ["host", "guest"]}, {"type": "null"}]
    }
    assert strict["$defs"]["Talk"]["properties"]["kind"] == {"type": "string", "const": "talk"}
    assert "Unused" not in strict["$defs"]


def test_strict_does_not_modify_its_input() -> None:
    plain = model_schema(MEETING, "#")
    before = json.dumps(plain)
    strict_schema(plain)
    assert json.dumps(plain) == before


def test_strict_merges_all_of_inheritance() -> None:
    schema = {
        "type": "object",
        "properties": {"pet": {"$ref": "#/$defs/Cat"}},
        "required": ["pet"],
        "$defs": {
            "Animal": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "kind": {"type": "string"}},
                "required": ["name"],
            },
            "Cat": {
                "description": "A cat.",
                "allOf": [
                    {"$ref": "#/$defs/Animal"},
                    {
                        "properties": {"kind": {"enum": ["cat"]}, "lives": {"type": "integer"}},
                        "required": ["kind"],
                    },
                ],
            },
        },
    }
    strict = strict_ok(schema)
    cat = strict["$defs"]["Cat"]
    assert cat["description"] == "A cat."
    assert cat["properties"] == {
        "name": {"type": "string"},
        "kind": {"type": "string", "enum": ["cat"]},
        "lives": {"type": ["integer", "null"]},
    }
    assert cat["required"] == ["name", "kind", "lives"]
    assert "Animal" not in strict["$defs"]


def test_strict_ref_with_siblings_keeps_description() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/A", "description": "the a", "default": {"x": 1}}},
        "required": ["a"],
        "$defs": {"A": {"type": "object", "properties": {"x": {"type": "integer"}}}},
    }
    strict = strict_ok(schema)
    assert strict["properties"]["a"] == {"$ref": "#/$defs/A", "description": "the a"}


def test_strict_optional_ref_to_nullable_def_stays_as_is() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/MaybeInt"}},
        "$defs": {"MaybeInt": {"type": ["integer", "null"]}},
    }
    assert strict_ok(schema)["properties"]["a"] == {"$ref": "#/$defs/MaybeInt"}


def test_strict_recursion_through_defs_and_root() -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
            "parent": {"$ref": "#"},
        },
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
            }
        },
    }
    strict = strict_ok(schema)
    assert strict["properties"]["parent"] == {"anyOf": [{"$ref": "#"}, {"type": "null"}]}


def test_strict_infers_types_and_splits_type_lists() -> None:
    schema = {
        "type": "object",
        "properties": {
            "mixed": {"type": ["string", "integer"], "maxLength": 3, "minimum": 1},
            "level": {"enum": [1, 2, 3]},
            "flag": {"const": True},
            "shape": {"properties": {"x": {"type": "number"}}, "required": ["x"]},
        },
        "required": ["mixed", "level", "flag", "shape"],
    }
    props = strict_ok(schema)["properties"]
    assert props["mixed"] == {"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 1}]}
    assert props["level"] == {"type": "integer", "enum": [1, 2, 3]}
    assert props["flag"] == {"type": "boolean", "const": True}
    assert props["shape"]["type"] == "object"


def test_strict_type_beside_one_of_is_dropped_but_null_kept() -> None:
    schema = {
        "type": "object",
        "properties": {
            "shape": {
                "type": ["object", "null"],
                "oneOf": [{"$ref": "#/$defs/Circle"}, {"$ref": "#/$defs/Square"}],
            }
        },
        "required": ["shape"],
        "$defs": {
            "Circle": {"type": "object", "properties": {"r": {"type": "number"}}},
            "Square": {"type": "object", "properties": {"side": {"type": "number"}}},
        },
    }
    assert strict_ok(schema)["properties"]["shape"] == {
        "anyOf": [{"$ref": "#/$defs/Circle"}, {"$ref": "#/$defs/Square"}, {"type": "null"}]
    }


def test_strict_enum_with_null_becomes_nullable() -> None:
    schema = {
        "type": "object",
        "properties": {"size": {"type": "string", "enum": ["s", "m", None]}},
        "required": ["size"],
    }
    assert strict_ok(schema)["properties"]["size"] == {
        "anyOf": [{"type": "string", "enum": ["s", "m"]}, {"type": "null"}]
    }


def test_strict_drops_unsupported_keywords() -> None:
    schema = {
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            "n": {"type": "integer", "multipleOf": 2, "not": {"const": 4}, "readOnly": True},
            "s": {"type": "string", "format": "uri", "contentEncoding": "base64"},
        },
        "required": ["tags", "n", "s"],
        "minProperties": 1,
        "if": {"required": ["n"]},
        "then": {"required": ["s"]},
        "dependentRequired": {"n": ["s"]},
    }
    strict = strict_ok(schema)
    assert strict["properties"] == {
        "tags": {"type": "array", "items": {"type": "string"}},
        "n": {"type": "integer", "multipleOf": 2},
        "s": {"type": "string"},
    }


@pytest.mark.parametrize(
    ("schema", "pointer", "reason"),
    [
        (
            {
                "type": "object",
                "properties": {"meta": {"type": "object", "additionalProperties": True}},
            },
            "#/properties/meta",
            "free-form map",
        ),
        (
            {
                "type": "object",
                "properties": {"m": {"type": "object", "additionalProperties": {"type": "string"}}},
            },
            "#/properties/m",
            "free-form map",
        ),
        (
            {
                "type": "object",
                "properties": {"m": {"type": "object", "patternProperties": {"^x": {}}}},
            },
            "#/properties/m",
            "free-form map",
        ),
        (
            {"type": "object", "properties": {"m": {"type": "object"}}},
            "#/properties/m",
            "no properties",
        ),
        ({"type": "object", "properties": {"any": {}}}, "#/properties/any", "any JSON value"),
        (
            {"type": "object", "properties": {"d": {"description": "anything"}}},
            "#/properties/d",
            "no type",
        ),
        ({"type": "array", "items": {"type": "string"}}, "#", "not an object"),
        ({"type": "string"}, "#", "not an object"),
        ({"anyOf": [{"type": "object", "properties": {"a": {"type": "string"}}}]}, "#", "union"),
        (
            {"type": "object", "properties": {"xs": {"type": "array"}}},
            "#/properties/xs",
            "without items",
        ),
        (
            {
                "type": "object",
                "properties": {"p": {"type": "array", "prefixItems": [{"type": "string"}]}},
            },
            "#/properties/p",
            "tuple",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"$ref": "#/$defs/A"}},
                "$defs": {"A": {"allOf": [{"$ref": "#/$defs/A"}], "type": "object"}},
            },
            "#/$defs/A/allOf/0",
            "inherits from itself",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"allOf": [{"type": "string"}, {"type": "integer"}]}},
            },
            "#/properties/a",
            "incompatible types",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"$ref": "#/$defs/A"}},
                "$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}},
            },
            "#/$defs/A",
            "$ref cycle",
        ),
        (
            {"type": "object", "properties": {"a": {"$ref": "#/$defs/Missing"}}},
            "#/properties/a",
            "not in $defs",
        ),
    ],
)
def test_strict_impossible(schema: dict[str, Any], pointer: str, reason: str) -> None:
    note = not_strict(schema)
    assert f" {pointer} " in note
    assert reason in note


def test_strict_nesting_limit() -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(11):
        schema = {"type": "object", "properties": {"x": schema}, "required": ["x"]}
    assert "nests deeper than OpenAI's limit of 10 levels" in not_strict(schema)


def test_strict_enum_size_limit() -> None:
    values = [f"value-{i:04d}-{'x' * 60}" for i in range(300)]
    schema = {"type": "object", "properties": {"e": {"enum": values}}, "required": ["e"]}
    assert "#/properties/e has an enum of 300 values" in not_strict(schema)


def test_strict_property_count_limit() -> None:
    props = {f"p{i}": {"type": "integer"} for i in range(5001)}
    assert "5001 object properties" in not_strict({"type": "object", "properties": props})


def test_strict_schemas_of_the_openai_corpus_satisfy_openai() -> None:
    doc = load_document(CORPUS).data
    accepted = 0
    for name in ["CreateChatCompletionResponse", "CompletionUsage", *doc["components"]["schemas"]]:
        plain = model_schema(doc, f"#/components/schemas/{name}")
        result = strict_schema(plain)
        if result.schema is None:
            assert result.note.startswith("strict mode is not possible: #")
            continue
        accepted += 1
        assert openai_strict_violations(result.schema) == [], name
    assert accepted > 900  # most of OpenAI's own models can be strict
