"""load_document: parsing, detection, bundling of sibling refs, and every error it reports."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from schemastream.generator.errors import GeneratorError
from schemastream.generator.loader import load_document
from schemastream.generator.source import MAX_DEPTH


def write(path: Path, content: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text, encoding="utf-8")
    return path


def refs(node: Any) -> list[str]:
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("$ref"), str):
                found.append(item["$ref"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for token in ref[2:].split("/") if ref != "#" else []:
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def assert_self_contained(document: dict[str, Any]) -> None:
    for ref in refs(document):
        assert ref.startswith("#"), ref
        resolve(document, ref)


def load_error(path: Path, **kwargs: Any) -> GeneratorError:
    with pytest.raises(GeneratorError) as info:
        load_document(path, **kwargs)
    return info.value


# ----------------------------------------------------------------------- reading


def test_json_document_fields(tmp_path: Path) -> None:
    schema = {"title": "Ünïcode", "type": "object", "properties": {"a": {"type": "string"}}}
    path = write(tmp_path / "s.json", schema)

    doc = load_document(path)

    assert doc.kind == "jsonschema"
    assert doc.path == path
    assert doc.file_name == "s.json"
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc.data == schema
    assert doc.text == json.dumps(schema, ensure_ascii=False)
    assert json.loads(doc.text) == doc.data


def test_loading_twice_gives_identical_text(tmp_path: Path) -> None:
    write(tmp_path / "b.json", {"$defs": {"B": {"type": "integer"}}})
    path = write(tmp_path / "a.json", {"properties": {"b": {"$ref": "b.json#/$defs/B"}}})
    assert load_document(path).text == load_document(path).text


def test_yaml_values_stay_json_values(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.yaml",
        "type: object\n"
        "properties:\n"
        "  when: {type: string, default: 2024-01-01}\n"
        "  switch: {enum: [on, off, yes, no, true]}\n"
        "  code: {enum: [200, 404]}\n"
        "x-map:\n"
        "  200: ok\n",
    )
    data = load_document(path).data
    assert data["properties"]["when"]["default"] == "2024-01-01"
    assert data["properties"]["switch"]["enum"] == ["on", "off", "yes", "no", True]
    assert data["properties"]["code"]["enum"] == [200, 404]
    assert data["x-map"] == {"200": "ok"}


def test_yaml_numbers_follow_yaml_1_2(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.yaml",
        "type: object\n"
        "x-values: [010, 0o17, 0x1F, +5, -3, 1e3, .5, 2.50, 1_000, 12:30, 0b11, 1.2.3]\n"
        "maximum: 1e3\n",
    )
    data = load_document(path).data
    assert data["x-values"] == [
        10,
        15,
        31,
        5,
        -3,
        1000.0,
        0.5,
        2.5,
        "1_000",
        "12:30",
        "0b11",
        "1.2.3",
    ]
    assert data["maximum"] == 1000.0


def test_yaml_infinity_is_not_json(tmp_path: Path) -> None:
    err = load_error(write(tmp_path / "s.yaml", "type: number\nmaximum: .inf\n"))
    assert err.pointer == "#/maximum"
    assert "not a JSON number" in str(err)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("schema", '{"type": "object"}'),
        ("schema.txt", "type: object\n"),
        ("schema.yml", '{"type": "object"}'),
    ],
)
def test_format_by_extension_or_sniffing(tmp_path: Path, name: str, text: str) -> None:
    assert load_document(write(tmp_path / name, text)).data == {"type": "object"}


def test_openapi_detection(tmp_path: Path) -> None:
    for version in ("3.0.3", "3.1.0"):
        doc = {"openapi": version, "components": {"schemas": {"A": {"type": "object"}}}}
        assert load_document(write(tmp_path / "api.json", doc)).kind == "openapi"
    doc = {"openapi": "3.1.0", "components": {"schemas": {"A": {"type": "object"}}}}
    path = write(tmp_path / "api.yaml", json.dumps(doc))
    assert load_document(path, "openapi").kind == "openapi"


def test_forced_jsonschema_on_plain_schema(tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", {"definitions": {"A": {"type": "string"}}})
    assert load_document(path, "jsonschema").kind == "jsonschema"


# ------------------------------------------------------------------------ errors


def test_missing_file(tmp_path: Path) -> None:
    err = load_error(tmp_path / "nope.json")
    assert "nope.json" in str(err)
    assert "not found" in str(err)
    assert err.path == str(tmp_path / "nope.json")


def test_directory(tmp_path: Path) -> None:
    assert "directory" in str(load_error(tmp_path))


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.json", '{\n  "type": "object",\n  "title": oops\n}')
    message = str(load_error(path))
    assert "bad.json" in message
    assert "invalid JSON at line 3, column 12" in message


def test_json_rejects_nan(tmp_path: Path) -> None:
    path = write(tmp_path / "nan.json", '{"type": "number", "default": NaN}')
    assert "NaN is not a JSON value" in str(load_error(path))


def test_invalid_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.yaml", "type: object\nproperties:\n  a: [1, 2\n  b: c: d\n")
    message = str(load_error(path))
    assert "bad.yaml" in message
    assert "invalid YAML at line 4, column" in message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"title": "caf\xe9"}')
    assert "not UTF-8" in str(load_error(path))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ([{"type": "object"}], "the top level is a list"),
        ("3", "the top level is a number"),
        ('"text"', "the top level is a string"),
        ("null", "the top level is null"),
        ({"name": "x", "version": 1}, "no JSON Schema keywords"),
    ],
)
def test_not_a_schema(tmp_path: Path, content: object, expected: str) -> None:
    message = str(load_error(write(tmp_path / "s.json", content)))
    assert "not a schema" in message
    assert expected in message


def test_swagger_2_is_unsupported(tmp_path: Path) -> None:
    path = write(tmp_path / "api.json", {"swagger": "2.0", "definitions": {}})
    message = str(load_error(path))
    assert "Swagger 2.0" in message
    assert "not supported" in message
    assert "OpenAPI 3" in message


def test_unsupported_openapi_version(tmp_path: Path) -> None:
    path = write(tmp_path / "api.json", {"openapi": "4.0", "components": {"schemas": {}}})
    err = load_error(path)
    assert err.pointer == "#/openapi"
    assert "'4.0' is not supported" in str(err)


def test_openapi_without_schemas(tmp_path: Path) -> None:
    err = load_error(write(tmp_path / "api.json", {"openapi": "3.1.0", "paths": {}}))
    assert err.pointer == "#/components/schemas"
    assert "nothing to generate" in str(err)


def test_forced_jsonschema_on_openapi(tmp_path: Path) -> None:
    path = write(tmp_path / "api.json", {"openapi": "3.1.0", "components": {"schemas": {}}})
    assert "--input-type openapi" in str(load_error(path, input_type="jsonschema"))


def test_draft_3_is_unsupported(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.json",
        {"$schema": "http://json-schema.org/draft-03/schema#", "type": "object"},
    )
    assert "drafts 4 to 2020-12" in str(load_error(path))


@pytest.mark.parametrize(
    "ref",
    [
        "https://example.com/schemas/address.json",
        "http://example.com/a.json#/$defs/A",
        "urn:example:address",
        "//example.com/a.json",
    ],
)
def test_remote_ref(tmp_path: Path, ref: str) -> None:
    schema = {"type": "object", "properties": {"home": {"$ref": ref}}}
    err = load_error(write(tmp_path / "s.json", schema))
    message = str(err)
    assert err.pointer == "#/properties/home/$ref"
    assert repr(ref) in message
    assert "offline" in message
    assert "Download" in message
    assert "relative" in message


def test_remote_ref_inside_sibling_names_the_sibling(tmp_path: Path) -> None:
    write(tmp_path / "lib" / "b.json", {"properties": {"x": {"$ref": "https://x.test/y.json"}}})
    err = load_error(write(tmp_path / "a.json", {"properties": {"b": {"$ref": "lib/b.json"}}}))
    assert err.path is not None
    assert err.path.endswith("b.json")
    assert err.pointer == "#/properties/x/$ref"


def test_ref_to_missing_sibling_file(tmp_path: Path) -> None:
    schema = {"properties": {"a": {"$ref": "missing.json#/$defs/A"}}}
    err = load_error(write(tmp_path / "s.json", schema))
    assert err.pointer == "#/properties/a/$ref"
    assert "'missing.json#/$defs/A'" in str(err)
    assert "does not exist" in str(err)


def test_ref_to_missing_pointer_in_sibling(tmp_path: Path) -> None:
    write(tmp_path / "other.json", {"$defs": {"A": {"type": "string"}}})
    schema = {"properties": {"a": {"$ref": "other.json#/$defs/B"}}}
    message = str(load_error(write(tmp_path / "s.json", schema)))
    assert "#/$defs/B, which does not exist in other.json" in message


def test_ref_to_missing_local_pointer(tmp_path: Path) -> None:
    schema = {"properties": {"a": {"$ref": "#/$defs/Nope"}}, "$defs": {}}
    err = load_error(write(tmp_path / "s.json", schema))
    assert err.pointer == "#/properties/a/$ref"
    assert "does not exist" in str(err)


def test_ref_to_missing_anchor(tmp_path: Path) -> None:
    schema = {"properties": {"a": {"$ref": "#nowhere"}}}
    assert "anchor 'nowhere'" in str(load_error(write(tmp_path / "s.json", schema)))


def test_sibling_with_invalid_json_names_that_file(tmp_path: Path) -> None:
    write(tmp_path / "broken.json", "{")
    err = load_error(write(tmp_path / "s.json", {"properties": {"a": {"$ref": "broken.json"}}}))
    assert err.path is not None
    assert err.path.endswith("broken.json")
    assert "invalid JSON" in str(err)


def test_cyclic_yaml_alias(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", "type: object\nx-loop: &loop\n  - *loop\n")
    assert "contains itself" in str(load_error(path))


def test_yaml_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["type: object", "x-a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, 9):
        previous = f"*a{i - 1}"
        lines.append(f"x-a{i}: &a{i} [{', '.join([previous] * 10)}]")
    path = write(tmp_path / "bomb.yaml", "\n".join(lines) + "\n")
    assert "values" in str(load_error(path))


def test_deep_nesting_is_refused_cleanly(tmp_path: Path) -> None:
    depth = MAX_DEPTH + 5
    path = write(
        tmp_path / "deep.json", '{"type": "object", "x": ' + "[" * depth + "]" * depth + "}"
    )
    err = load_error(path)
    assert "levels deep" in str(err)
    assert err.pointer is not None


def test_absurd_nesting_does_not_overflow_the_stack(tmp_path: Path) -> None:
    path = write(tmp_path / "abyss.json", "[" * 200_000 + "]" * 200_000)
    assert "nests too deeply" in str(load_error(path))


def test_ref_like_data_is_left_alone(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "default": {"$ref": "https://not.a.ref/really"},
        "examples": [{"$ref": "urn:just:data"}],
        "x-note": {"$ref": "nowhere.json"},
        "properties": {
            "$ref": {"type": "string"},
            "default": {"type": "string", "enum": [{"$ref": "http://x"}]},
        },
    }
    assert load_document(write(tmp_path / "s.json", schema)).data == schema


# ---------------------------------------------------------------------- bundling


def test_bundles_whole_file_and_pointer_refs(tmp_path: Path) -> None:
    write(tmp_path / "address.json", {"$schema": "x", "type": "object", "title": "Address"})
    write(tmp_path / "dir" / "x.yaml", "$defs:\n  Tag: {type: string, maxLength: 8}\n")
    schema = {
        "type": "object",
        "properties": {
            "home": {"$ref": "address.json"},
            "work": {"$ref": "./address.json"},
            "tag": {"$ref": "./dir/x.yaml#/$defs/Tag"},
        },
    }
    doc = load_document(write(tmp_path / "root.json", schema))

    props = doc.data["properties"]
    assert props["home"] == {"$ref": "#/$defs/address"}
    assert props["work"] == {"$ref": "#/$defs/address"}
    assert props["tag"] == {"$ref": "#/$defs/Tag"}
    assert doc.data["$defs"] == {
        "address": {"type": "object", "title": "Address"},
        "Tag": {"type": "string", "maxLength": 8},
    }
    assert_self_contained(doc.data)


def test_refs_inside_siblings_resolve_relative_to_that_file(tmp_path: Path) -> None:
    write(
        tmp_path / "models" / "user.json",
        {
            "type": "object",
            "properties": {
                "email": {"$ref": "common/types.json#/$defs/Email"},
                "role": {"$ref": "#/$defs/Role"},
            },
            "$defs": {"Role": {"enum": ["admin", "guest"]}},
        },
    )
    write(tmp_path / "models" / "common" / "types.json", {"$defs": {"Email": {"format": "email"}}})
    schema = {"type": "object", "properties": {"user": {"$ref": "models/user.json"}}}
    doc = load_document(write(tmp_path / "root.json", schema))

    defs = doc.data["$defs"]
    assert set(defs) == {"user", "Email", "Role"}
    assert defs["user"]["properties"] == {
        "email": {"$ref": "#/$defs/Email"},
        "role": {"$ref": "#/$defs/Role"},
    }
    assert "$defs" not in defs["user"]  # its definitions were bundled one by one
    assert defs["Role"] == {"enum": ["admin", "guest"]}
    assert_self_contained(doc.data)


def test_cyclic_refs_between_files(tmp_path: Path) -> None:
    write(
        tmp_path / "a.json",
        {"type": "object", "properties": {"b": {"$ref": "b.json"}, "me": {"$ref": "#"}}},
    )
    write(
        tmp_path / "b.json",
        {"type": "object", "properties": {"a": {"$ref": "a.json"}, "root": {"$ref": "root.json"}}},
    )
    schema = {"type": "object", "properties": {"a": {"$ref": "a.json"}}}
    doc = load_document(write(tmp_path / "root.json", schema))

    defs = doc.data["$defs"]
    assert defs["a"]["properties"] == {"b": {"$ref": "#/$defs/b"}, "me": {"$ref": "#/$defs/a"}}
    assert defs["b"]["properties"] == {"a": {"$ref": "#/$defs/a"}, "root": {"$ref": "#"}}
    assert_self_contained(doc.data)


def test_bundled_names_never_collide(tmp_path: Path) -> None:
    write(tmp_path / "one.json", {"$defs": {"Item": {"type": "string"}}})
    write(tmp_path / "two.json", {"$defs": {"Item": {"type": "integer"}}})
    schema = {
        "type": "object",
        "properties": {
            "a": {"$ref": "one.json#/$defs/Item"},
            "b": {"$ref": "two.json#/$defs/Item"},
            "c": {"$ref": "#/$defs/Item"},
        },
        "$defs": {"Item": {"type": "boolean"}, "Item_2": {"type": "null"}},
    }
    doc = load_document(write(tmp_path / "root.json", schema))

    props = doc.data["properties"]
    assert props["c"] == {"$ref": "#/$defs/Item"}
    assert props["a"] == {"$ref": "#/$defs/Item_3"}
    assert props["b"] == {"$ref": "#/$defs/Item_4"}
    assert doc.data["$defs"]["Item_3"] == {"type": "string"}
    assert doc.data["$defs"]["Item_4"] == {"type": "integer"}


def test_unsafe_pointer_tokens_become_safe_names(tmp_path: Path) -> None:
    write(tmp_path / "o.json", {"$defs": {"a/b c": {"type": "string"}}})
    schema = {"properties": {"x": {"$ref": "o.json#/$defs/a~1b%20c"}}}
    doc = load_document(write(tmp_path / "s.json", schema))
    assert doc.data["properties"]["x"] == {"$ref": "#/$defs/a_b_c"}


def test_openapi_siblings_go_to_components_schemas(tmp_path: Path) -> None:
    write(
        tmp_path / "shared" / "pets.yaml",
        "components:\n  schemas:\n    Cat:\n      type: object\n"
        "      properties:\n        owner: {$ref: '../api.yaml#/components/schemas/Owner'}\n",
    )
    api = (
        "openapi: 3.0.3\n"
        "info: {title: t, version: '1'}\n"
        "paths: {}\n"
        "components:\n"
        "  schemas:\n"
        "    Owner: {type: object, properties: {name: {type: string}}}\n"
        "    Pet:\n"
        "      oneOf: [{$ref: 'shared/pets.yaml#/components/schemas/Cat'}]\n"
        "      discriminator:\n"
        "        propertyName: kind\n"
        "        mapping: {cat: 'shared/pets.yaml#/components/schemas/Cat', own: Owner}\n"
    )
    doc = load_document(write(tmp_path / "api.yaml", api))

    schemas = doc.data["components"]["schemas"]
    assert list(schemas) == ["Owner", "Pet", "Cat"]
    assert schemas["Pet"]["oneOf"] == [{"$ref": "#/components/schemas/Cat"}]
    assert schemas["Pet"]["discriminator"]["mapping"] == {
        "cat": "#/components/schemas/Cat",
        "own": "Owner",
    }
    assert schemas["Cat"]["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    assert "$defs" not in doc.data
    assert_self_contained(doc.data)


def test_anchor_refs_become_pointers(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "#street"}},
        "$defs": {"Street": {"$anchor": "street", "type": "string"}},
    }
    doc = load_document(write(tmp_path / "s.json", schema))
    assert doc.data["properties"]["a"] == {"$ref": "#/$defs/Street"}


def test_openai_corpus_loads_self_contained() -> None:
    doc = load_document(Path(__file__).parents[1] / "corpus" / "openai-openapi.json")
    assert doc.kind == "openapi"
    assert len(doc.data["components"]["schemas"]) == 1422
    assert_self_contained(doc.data)


def test_percent_encoded_refs_are_decoded(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/a%2525b%20c"}},
        "$defs": {"a%25b c": {"type": "string"}},
    }
    doc = load_document(write(tmp_path / "s.json", schema))
    assert doc.data["properties"]["a"] == {"$ref": "#/$defs/a%25b c"}


def test_absolute_refs_under_the_root_id_are_local(tmp_path: Path) -> None:
    write(tmp_path / "address.json", {"type": "object", "properties": {"city": {"type": "string"}}})
    schema = {
        "$id": "https://example.com/schemas/root.json",
        "type": "object",
        "properties": {
            "home": {"$ref": "https://example.com/schemas/address.json"},
            "self": {"$ref": "https://example.com/schemas/root.json#/$defs/Id"},
        },
        "$defs": {"Id": {"type": "integer"}},
    }
    doc = load_document(write(tmp_path / "root.json", schema))
    assert doc.data["properties"] == {
        "home": {"$ref": "#/$defs/address"},
        "self": {"$ref": "#/$defs/Id"},
    }


def test_unknown_input_type(tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", {"type": "object"})
    assert "unknown input type 'xml'" in str(load_error(path, input_type="xml"))


def test_error_message_escapes_control_characters_in_paths(tmp_path: Path) -> None:
    path = tmp_path / "evil\nname.json"
    message = str(load_error(path))
    assert "\n" not in message
    assert "evil\\nname.json" in message
