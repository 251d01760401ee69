"""Each JSON Schema definition is emitted once, and the request schemas stay what they were.

A package's ``schemas.py`` holds every definition once; a spec assembles its request
schemas from it on first use. They must equal, byte for byte, the schemas computed per
model (``model_schema`` and ``strict_schema``, which packages embedded whole before), and
a change to one shared definition must change a few lines of output, however many models
use it.
"""

from __future__ import annotations

import copy
import difflib
import importlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from _generated import GOLDEN, ROOT, golden_schema, imported_unformatted

from schemastream.generator import build
from schemastream.generator.graph import ModelSpec
from schemastream.generator.loader import load_document
from schemastream.generator.plain import _base_name
from schemastream.generator.streamable import stream_targets
from schemastream.generator.strict import model_schema, strict_schema
from schemastream.runtime import StreamSpec
from schemastream.runtime._schemas import assemble_schema, envelope_schema

CASES = sorted(path.parent.name for path in GOLDEN.glob("*/schema.*"))
PACKAGES = {case: f"tests.golden.{case}.{case}_models" for case in CASES} | {
    "meeting": "examples.meeting.meeting_models"
}
SOURCES = {case: golden_schema(case) for case in CASES} | {
    "meeting": ROOT / "examples" / "meeting" / "schema.json"
}


def _compact(schema: object) -> str:
    return json.dumps(schema, ensure_ascii=False, separators=(",", ":"))


def specs(stream: ModuleType) -> list[StreamSpec[Any, Any]]:
    return [value for value in vars(stream).values() if isinstance(value, StreamSpec)]


def assert_as_per_model(stream: ModuleType, source: Path) -> int:
    """Every spec's request schemas equal the per-model computation; how many specs.

    A spec names its root definition; the per-model schema is that of the component (or
    document root) the definition was made from, found by the name it starts from.
    """
    document = load_document(source).data
    pointers: dict[str, list[str]] = {}
    for key in ["", *document.get("components", {}).get("schemas", {})]:
        pointer = f"#/components/schemas/{key}" if key else "#"
        pointers.setdefault(_base_name(pointer), []).append(pointer)
    found = specs(stream)
    for spec in found:
        assert spec.schemas is not None
        bases = importlib.import_module(spec.schemas.module).BASE_NAMES
        candidates = pointers[bases.get(spec.root, spec.root)]
        schemas = [model_schema(document, pointer) for pointer in candidates]
        if spec.envelope is not None:  # a root array is asked for as {"items": <the array>}
            schemas = [envelope_schema(s, spec.envelope, spec.name)[0] for s in schemas]
        matching = [schema for schema in schemas if _compact(schema) == _compact(spec.schema)]
        assert matching, f"{spec.name}: no per-model schema equals {spec.schema_json[:200]}"
        strict = strict_schema(matching[0])
        if spec.strict_schema is None:
            assert strict.schema is None or spec.strict_note, spec.name
        else:
            assert strict.schema is not None, spec.name
            assert _compact(spec.strict_schema) == _compact(strict.schema), spec.name
    return len(found)


@pytest.mark.parametrize("case", sorted(PACKAGES))
def test_request_schemas_are_byte_for_byte_the_per_model_ones(case: str) -> None:
    stream = importlib.import_module(f"{PACKAGES[case]}.stream")
    assert assert_as_per_model(stream, SOURCES[case]) >= 1


def test_a_definition_is_emitted_once() -> None:
    schemas = importlib.import_module("tests.golden.openapi30.openapi30_models.schemas")
    stream = importlib.import_module("tests.golden.openapi30.openapi30_models.stream")
    text = (GOLDEN / "openapi30" / "openapi30_models" / "schemas.py").read_text()
    # Pet is reached by Cat, Owner and Pet itself: one line in PLAIN, one in STRICT.
    assert sum(line.lstrip().startswith('"Pet": ') for line in text.splitlines()) == 2
    assert "Pet" in schemas.PLAIN and "Pet" in schemas.STRICT
    assert '"$defs":' not in "".join(schemas.PLAIN.values())  # refs only, no nested $defs
    assert stream.OWNER_SPEC.schema["$defs"]["Pet"] == json.loads(schemas.PLAIN["Pet"])


def test_a_spec_assembles_once_and_hands_out_its_own_objects() -> None:
    stream = importlib.import_module("tests.golden.openapi30.openapi30_models.stream")
    owner, cat = stream.OWNER_SPEC, stream.CAT_SPEC
    assert owner.schema is owner.schema  # kept
    assert owner.schema["$defs"]["Pet"] is not cat.schema["$defs"]["Pet"]
    assert owner.schema_json == _compact(owner.schema)
    assert owner.description == owner.schema.get("description", "")


def api(schemas: int) -> dict[str, Any]:
    """An OpenAPI document: ``schemas`` models, each with an ``Address``, all the same one."""
    components: dict[str, Any] = {
        "Address": {
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
            "required": ["street"],
        }
    }
    for index in range(schemas):
        components[f"Customer{index}"] = {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "address": {"$ref": "#/components/schemas/Address"},
            },
            "required": ["name", "address"],
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "shop", "version": "1"},
        "paths": {},
        "components": {"schemas": components},
    }


def changed_lines(tmp_path: Path, schemas: int) -> dict[str, int]:
    """Per generated file, the lines a one-definition change adds or removes (header aside)."""
    before, after = api(schemas), api(schemas)
    address = after["components"]["schemas"]["Address"]
    address["properties"]["zip"] = {"type": "string", "description": "Postal code."}
    files = []
    for name, document in (("before", before), ("after", after)):
        source = tmp_path / f"{name}-{schemas}" / "shop.json"
        source.parent.mkdir()
        source.write_text(json.dumps(document), encoding="utf-8")
        files.append(build(source).files)
    assert sorted(files[0]) == sorted(files[1])
    counts = {}
    for file_name in files[0]:
        old, new = (f[file_name].splitlines()[1:] for f in files)  # line 1: the input's hash
        diff = difflib.unified_diff(old, new, lineterm="", n=0)
        counts[file_name] = sum(
            1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))
        )
    return counts


def test_a_change_to_one_shared_definition_changes_a_few_lines(tmp_path: Path) -> None:
    few, many = changed_lines(tmp_path, 3), changed_lines(tmp_path, 24)
    for counts in (few, many):
        # schemas.py: Address's plain and strict lines, each replaced (one removed, one added).
        assert counts["schemas.py"] == 4
        assert counts["stream.py"] == 0 and counts["__init__.py"] == 0
        assert sum(counts.values()) <= 16, counts  # the rest: the new field in each class
    # Independent of how many models use the definition (give or take how difflib aligns).
    assert abs(sum(few.values()) - sum(many.values())) <= 2, (few, many)


def test_an_unknown_name_is_no_attribute_and_the_package_imports_nothing_up_front() -> None:
    probe = textwrap.dedent(
        """
        import sys
        import tests.golden.openapi30.openapi30_models as package
        loaded = lambda: sorted(m.rsplit(".", 1)[1] for m in sys.modules
                                if m.startswith(package.__name__ + "."))
        assert loaded() == [], loaded()
        from tests.golden.openapi30.openapi30_models import parse_owner
        assert "schemas" not in loaded(), loaded()  # the request schema is not needed to parse
        assert package.OWNER_SPEC.schema["$defs"]["Pet"]["type"] == "object"
        assert "schemas" in loaded()
        try:
            package.no_such_name
        except AttributeError as error:
            assert "no_such_name" in str(error)
        else:
            raise AssertionError("no AttributeError")
        assert {"parse_owner", "PartialOwner", "Owner"} <= set(dir(package))
        assert "Owner" in package.__all__ and package.__all__ == sorted(package.__all__)
        namespace = {}
        exec("from tests.golden.openapi30.openapi30_models import *", namespace)
        assert namespace["parse_owner"] is parse_owner
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_a_strict_root_that_differs_from_its_definition_is_stored_apart() -> None:
    # Wrapper is only a $ref with a description: as a root, strict mode merges its target
    # into it; as a definition Holder reaches, it stays a $ref. (datamodel-code-generator
    # makes such a schema an alias, so the models are given here directly.)
    document = api(0)
    schemas = document["components"]["schemas"]
    schemas["Wrapper"] = {"description": "An address.", "$ref": "#/components/schemas/Address"}
    schemas["Holder"] = {
        "type": "object",
        "properties": {"wrapped": {"$ref": "#/components/schemas/Wrapper"}},
        "required": ["wrapped"],
    }
    models = [
        ModelSpec(name, "object", pointer=f"#/components/schemas/{name}")
        for name in ("Holder", "Wrapper")
    ]
    targets, definitions = stream_targets(models, document, strict_schema=strict_schema)
    holder, wrapper = targets
    assert wrapper.strict_root == "Wrapper#root" and holder.strict_root == ""
    assert json.loads(definitions.strict["Wrapper"]) == {
        "$ref": "#/$defs/Address",
        "description": "An address.",
    }
    table = {"PLAIN": definitions.plain, "STRICT": definitions.strict, "BASE_NAMES": {}}
    for target, model in zip(targets, models, strict=True):
        plain, names = assemble_schema(
            target.root, lambda name: json.loads(table["PLAIN"][name]), lambda name: name
        )
        strict, _ = assemble_schema(
            target.root,
            lambda name: json.loads(table["STRICT"][name]),
            names.__getitem__,
            start=target.strict_root or None,
        )
        expected = model_schema(document, model.pointer or "")
        assert _compact(plain) == _compact(expected) == target.schema_json
        assert _compact(strict) == target.strict_schema_json
        assert strict_schema(expected).schema == strict


def test_definitions_named_alike_keep_the_per_model_names(tmp_path: Path) -> None:
    # Two schemas whose names sanitize alike ("a b" and "a_b"): unique names in schemas.py,
    # the per-model names (a_b, a_b_2, in the order met) in each request schema.
    document = copy.deepcopy(api(0))
    schemas = document["components"]["schemas"]
    schemas["a b"] = {"type": "object", "properties": {"x": {"type": "string"}}}
    schemas["a_b"] = {"type": "object", "properties": {"y": {"type": "integer"}}}
    schemas["Both"] = {
        "type": "object",
        "properties": {
            "second": {"$ref": "#/components/schemas/a_b"},
            "first": {"$ref": "#/components/schemas/a b"},
        },
    }
    schemas["One"] = {
        "type": "object",
        "properties": {"only": {"$ref": "#/components/schemas/a b"}},
    }
    source = tmp_path / "alike.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    with imported_unformatted(source, tmp_path, "alike_models") as package:
        assert importlib.import_module("alike_models.schemas").BASE_NAMES
        assert sorted(package.BOTH_SPEC.schema["$defs"]) == ["a_b", "a_b_2"]
        assert package.BOTH_SPEC.schema["$defs"]["a_b"]["properties"] == {"y": {"type": "integer"}}
        assert sorted(package.ONE_SPEC.schema["$defs"]) == ["a_b"]
        assert assert_as_per_model(package.stream, source) >= 2
