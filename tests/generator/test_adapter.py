"""The datamodel-code-generator adapter: pinned, the only importer, and true to its output."""

from __future__ import annotations

import ast
import json
from importlib.metadata import version
from pathlib import Path

import pytest
from _generated import ROOT, golden_schema

from schemastream.generator import deferred, dmcg
from schemastream.generator.graph import ModelRef, ScalarType

CASES = [
    "nested",
    "unions",
    "recursive",
    "inheritance",
    "root_models",
    "enums",
    "openapi30",
    "extras",
]


def test_pinned_version() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"datamodel-code-generator=={version("datamodel-code-generator")}"' in pyproject


def test_only_the_adapter_imports_datamodel_code_generator() -> None:
    importers = []
    for path in sorted((ROOT / "schemastream").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "datamodel_code_generator" for name in names):
                importers.append(path.relative_to(ROOT).as_posix())
    assert sorted(set(importers)) == ["schemastream/generator/dmcg.py"]


@pytest.mark.parametrize("case", CASES)
def test_graph_classes_equal_the_generated_classes(case: str) -> None:
    from schemastream.generator.loader import load_document

    document = load_document(golden_schema(case))
    result = dmcg.run(document.text, kind=document.kind, file_name=document.file_name)
    classes = {
        node.name: node
        for node in ast.parse(result.source).body
        if isinstance(node, ast.ClassDef) and node.name != deferred.DEFERRED_ROOT
    }
    # Its parsed model graph (what the adapter reads) matches its output, name and kind.
    assert sorted(result.parsed) == sorted(
        (name, deferred.class_kind(node)) for name, node in classes.items()
    )
    assert [model.name for model in result.models] == list(classes)
    for model in result.models:
        assert set(model.bases) <= set(classes)
        if model.kind == "root":
            assert [field.name for field in model.fields] == ["root"]


def test_graph_records_pointers_aliases_and_annotations() -> None:
    from schemastream.generator.loader import load_document

    document = load_document(golden_schema("nested"))
    models = {m.name: m for m in dmcg.run(document.text, kind="jsonschema", file_name="x").models}
    assert models["Order"].pointer == "#"
    assert models["Customer"].pointer == "#/$defs/Customer"
    address = {field.json_name: field for field in models["ShippingAddress"].fields}
    assert address["zip-code"].name == "zip_code"
    assert address["zip-code"].alias == "zip-code"
    assert address["zip-code"].description == "Five digits."


def test_graph_records_extras_as_models_py_has_them() -> None:
    # datamodel-code-generator writes typed extras as a ``__pydantic_extra__`` pseudo-field
    # and ``extra="allow"``: the graph has neither field, but ``extra`` and ``extra_type``.
    from schemastream.generator.loader import load_document

    document = load_document(golden_schema("extras"))
    result = dmcg.run(document.text, kind="jsonschema", file_name="x")
    models = {m.name: m for m in result.models}
    assert (models["Scores"].extra, models["Scores"].extra_type) == (True, ScalarType("int"))
    assert models["Section"].extra_type == ModelRef("Section", "object")
    assert (models["Bag"].extra, models["Bag"].extra_type) == (True, None)
    assert not models["Catalog"].extra
    assert all(f.name != "__pydantic_extra__" for m in result.models for f in m.fields)
    assert "__pydantic_extra__" in result.source


def test_defer_builds_rewrites_configs_and_drops_rebuilds() -> None:
    source = (
        "from __future__ import annotations\n"
        "from pydantic import BaseModel, ConfigDict, RootModel\n\n\n"
        'class A(BaseModel):\n    """Doc\f with a form feed."""\n\n    a: int\n\n\n'
        "class B(BaseModel):\n    model_config = ConfigDict(extra='forbid')\n"
        "    model_x: B | None\n\n\n"
        "class C(RootModel[list[A]]):\n    root: list[A]\n\n\n"
        "class D(A):\n    d: int\n\n\n"
        "B.model_rebuild()\n"
    )
    out = deferred.defer_builds(source, ast.parse(source))
    namespace: dict[str, object] = {}
    exec(compile(out, "<models>", "exec"), namespace)
    assert namespace["C"].__mro__[1].__name__ == "DeferredRootModel[list[A]]"  # type: ignore[attr-defined]
    for name in ("A", "B", "C"):
        config = namespace[name].model_config
        assert config["defer_build"] is True, name
    assert namespace["B"].model_config["protected_namespaces"] == ()  # type: ignore[attr-defined]
    assert namespace["B"].model_config["extra"] == "forbid"  # type: ignore[attr-defined]
    assert "model_rebuild" not in out
    assert '"""Doc\f with a form feed."""' in out
    assert "ConfigDict(defer_build=True)" not in out.split("class D", 1)[1]


def test_upstream_failures_become_generator_errors(tmp_path: Path) -> None:
    from schemastream.generator import GeneratorError

    with pytest.raises(GeneratorError, match="datamodel-code-generator") as info:
        dmcg.run('{"type": "object", "properties": {"a": {"$ref": 5}}}',
                 kind="jsonschema", file_name="x.json")  # fmt: skip
    assert info.value.path == "x.json"
    assert info.value.pointer == "#/properties/a/$ref"
    assert len(str(info.value).splitlines()) == 1

    cycle = {"$ref": "#/$defs/A", "$defs": {"A": {"allOf": [{"$ref": "#/$defs/B"}]},
                                            "B": {"allOf": [{"$ref": "#/$defs/A"}]}}}  # fmt: skip
    with pytest.raises(GeneratorError, match="inheritance cycle") as info:
        dmcg.run(json.dumps(cycle), kind="jsonschema", file_name="x.json")
    assert info.value.pointer == "#/$defs/A"


def test_dotted_definition_names_keep_one_module_and_their_pointers() -> None:
    data = {
        "openapi": "3.1.0",
        "components": {
            "schemas": {
                "com.example.Pet": {
                    "type": "object",
                    "properties": {"owner": {"$ref": "#/components/schemas/x#y"}},
                },
                "x#y": {"type": "object", "properties": {"id": {"type": "integer"}}},
            }
        },
    }
    import json

    result = dmcg.run(json.dumps(data), kind="openapi", file_name="x.json", data=data)
    models = {model.name: model for model in result.models}
    assert models["ComExamplePet"].pointer == "#/components/schemas/com.example.Pet"
    assert models["ComExamplePet"].schema_name == "com.example.Pet"
    assert models["XY"].schema_name == "x#y"
    owner = models["ComExamplePet"].fields[0].type
    assert owner == ModelRef("XY", "object")
    assert data["components"]["schemas"]["x#y"]  # the caller's document is not changed
