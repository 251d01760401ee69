"""A hostile schema: every string it carries into code must stay data, never become code.

Titles, property names, descriptions, enum values, defaults, patterns and ``$defs`` keys
try to break out of identifiers, string literals, docstrings, comments, f-strings and
Jinja. Each payload would write a marker file or print if it ever ran; the test imports
and uses the generated package in a fresh interpreter and checks that nothing ran and
every string came back unchanged.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from schemastream.generator import GeneratorError, generate

PACKAGE = "evil_models"
RAN_MARK = "PWNED-RAN"
# A `$defs` key that tries to close a docstring, run code, open Jinja, name a module or URL.
EVIL_DEF = '"""\nprint("PWNED")\n""" {{ 1 }} {% if x %} a.b#c \u2028 \\'


def payloads(marker: Path) -> list[str]:
    # prints RAN_MARK when run; the literal text of the payload never contains it
    run = (
        f"__import__('pathlib').Path({str(marker)!r}).write_text('pwned'); print('PW' + 'NED-RAN')"
    )
    return [
        f'"""\n{run}\n"""',
        f"'''\n{run}\n'''",
        f'"; {run}; "',
        f"'; {run}; '",
        "ends with a backslash \\",
        'ends with a quote"',
        f"# comment\n{run}\n",
        f"line\r{run}\r",
        f"sep\u2028{run}\u2029x",
        f"vt\x0b{run}\x0cff\x1c",
        f"nul\x00{run}",
        f"{{{run}}}",
        f"f'{{{run}}}'",
        f"{{{{ {run} }}}}",
        f"{{% if True %}}{run}{{% endif %}}{{# c #}}",
        "{% raw %}{{ 1 }}{% endraw %}",
        f"\\N{{LATIN SMALL LETTER A}}\\x41\\u0041 {run}",
        f"*/ --> ]]> `{run}` $(touch x)",
    ]


def hostile_schema(marker: Path) -> dict[str, Any]:
    strings = payloads(marker)
    names = [
        "class", "None", "__import__", "__init__", "__class__", "model_config",
        "model_fields", "model_dump", "PartialModel", "StreamSpec", "__stream_done__",
        "1st", "a-b", "a_b", "a b", "", "ünïcödé", "😀", *strings[:6],
    ]  # fmt: skip
    properties: dict[str, Any] = {
        name: {"type": "string", "description": strings[i % len(strings)]}
        for i, name in enumerate(names)
    }
    properties["choice"] = {
        "description": strings[0],
        "enum": [*strings, "class", "None", "__init__", "", "a b", "a_b"],
    }
    properties["with_default"] = {"type": "string", "default": strings[2], "title": strings[1]}
    properties["matched"] = {"type": "string", "pattern": "^[\"'\\\\]*(?:\"\"\"|''')?\\\\$"}
    properties["done " + strings[0]] = {"type": "string", "x-stream": "done"}
    properties["id " + strings[6]] = {"type": "integer", "x-stream": "not-null"}
    properties["spec"] = {"$ref": "#/$defs/StreamSpec"}
    properties["partial"] = {"$ref": "#/$defs/PartialModel"}
    properties["evil_def"] = {"$ref": f"#/$defs/{EVIL_DEF.replace('~', '~0').replace('/', '~1')}"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "StreamSpec",
        "description": strings[0] + strings[4],
        "type": "object",
        "properties": properties,
        "required": ["class"],
        "$defs": {
            "StreamSpec": {
                "title": "PartialModel",
                "description": strings[1],
                "type": "object",
                "properties": {"model_config": {"type": "string", "description": strings[3]}},
            },
            "PartialModel": {"enum": ["PartialModel", "StreamSpec", strings[7]], "title": "None"},
            EVIL_DEF: {
                "title": strings[3],
                "type": "object",
                "properties": {"__class__": {"type": "integer", "default": 7}},
            },
        },
    }


# Runs in a fresh interpreter inside the output directory; prints one JSON report.
PROBE = r"""
import json, sys
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))  # -I leaves the working directory off the path

schema = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
document = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
import evil_models
from evil_models import models, partial, stream
from schemastream.runtime import StreamSpec

report = {"after_import": Path(sys.argv[3]).exists()}
specs = [v for v in vars(stream).values() if isinstance(v, StreamSpec)]
assert len(specs) == 1, specs
spec = specs[0]
full, part = spec.full, spec.partial
def json_names(model):
    items = model.model_fields.items()
    return {(name if f.alias is None else f.alias): (name, f) for name, f in items}

fields = json_names(full)
report["missing_fields"] = sorted(set(schema["properties"]) - set(fields))
report["descriptions"] = {
    key: fields[key][1].description
    for key, prop in schema["properties"].items()
    if "description" in prop and key in fields
}
pfields = json_names(part)
report["partial_descriptions"] = {
    key: pfields[key][1].description
    for key, prop in schema["properties"].items()
    if "description" in prop and key in pfields
}
report["partial_missing_fields"] = sorted(set(schema["properties"]) - set(pfields))
report["done"] = sorted(getattr(part, "__stream_done__", ()))
report["done_expected"] = [n for k, (n, _) in pfields.items() if k.startswith("done ")]
report["not_null"] = sorted(getattr(part, "__stream_not_null__", ()))
report["not_null_expected"] = [n for k, (n, _) in pfields.items() if k.startswith("id ")]
report["plain_schema"] = json.loads(spec.schema_json)
report["spec_description"] = spec.description

choices = []
for value in schema["properties"]["choice"]["enum"]:
    item = full.model_validate({**document, "choice": value})
    choices.append(item.model_dump(mode="json", by_alias=True)["choice"])
report["choices"] = choices
minimal = full.model_validate({"class": "x"}).model_dump(mode="json", by_alias=True)
report["default"] = minimal["with_default"]
try:
    full.model_validate({"class": "x", "matched": "nope"})
    report["pattern_rejects"] = False
except Exception:
    report["pattern_rejects"] = True

parse = [getattr(stream, k) for k in stream.__all__ if k.startswith("parse_")]
assert len(parse) == 1, stream.__all__
text = json.dumps(document, ensure_ascii=False)
with parse[0](text[i : i + 7] for i in range(0, len(text), 7)) as snapshots:
    count = sum(1 for _ in snapshots)
report["snapshots"] = count
report["final"] = snapshots.final.model_dump(mode="json", by_alias=True, exclude_unset=True)
report["after_use"] = Path(sys.argv[3]).exists()
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("hostile")
    marker = root / "PWNED-marker"
    schema = hostile_schema(marker)
    source = root / 'schema\n__import__("os").system("touch PWNED")\n#.json'
    source.write_text(json.dumps(schema), encoding="utf-8")
    generate(source, root / PACKAGE)
    return {"root": root, "marker": marker, "schema": schema, "source": source}


def test_every_generated_file_parses(hostile: dict[str, Any]) -> None:
    files = sorted((hostile["root"] / PACKAGE).glob("*.py"))
    assert [f.name for f in files] == [
        "__init__.py",
        "models.py",
        "partial.py",
        "schemas.py",
        "stream.py",
    ]
    for file in files:
        text = file.read_text(encoding="utf-8")
        ast.parse(text, filename=str(file))
        assert "\x00" not in text
        assert text.splitlines()[0].startswith("# Code generated by schemastream")
        assert "PWNED" not in text.splitlines()[0].split("from", 1)[1].split("(sha256")[0]


def test_hostile_strings_stay_data(hostile: dict[str, Any]) -> None:
    root: Path = hostile["root"]
    schema: dict[str, Any] = hostile["schema"]
    document = {
        "class": "c",
        "choice": payloads(hostile["marker"])[5],
        "with_default": "w",
        "spec": {"model_config": "m"},
        "partial": "StreamSpec",
        "evil_def": {"__class__": 3},
        **{key: 42 for key in schema["properties"] if key.startswith("id ")},
        **{key: "finished" for key in schema["properties"] if key.startswith("done ")},
        "": "empty name",
        "a-b": "dash",
        "a_b": "underscore",
    }
    (root / "schema-copy.json").write_text(json.dumps(schema), encoding="utf-8")
    (root / "document.json").write_text(json.dumps(document), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-I",
            "-W",
            "error",
            "-c",
            PROBE,
            "schema-copy.json",
            "document.json",
            str(hostile["marker"]),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert RAN_MARK not in done.stdout + done.stderr
    assert not hostile["marker"].exists()
    assert not (root / "PWNED").exists()
    report = json.loads(done.stdout)
    assert report["after_import"] is False
    assert report["after_use"] is False

    props = schema["properties"]
    assert report["missing_fields"] == []
    assert report["partial_missing_fields"] == []
    expected = {key: prop["description"] for key, prop in props.items() if "description" in prop}
    assert report["descriptions"] == expected
    assert report["partial_descriptions"] == expected
    assert report["choices"] == props["choice"]["enum"]
    assert report["default"] == props["with_default"]["default"]
    assert report["pattern_rejects"] is True
    assert report["done"] == report["done_expected"] != []
    assert report["not_null"] == report["not_null_expected"] != []
    assert report["spec_description"] == schema["description"]
    plain = report["plain_schema"]
    assert plain["description"] == schema["description"]
    assert {k: v.get("description") for k, v in plain["properties"].items()} == {
        k: v.get("description") for k, v in props.items()
    }
    assert report["snapshots"] > 1
    assert report["final"] == document


def test_hostile_x_stream_value_is_an_error_not_code(tmp_path: Path) -> None:
    value = payloads(tmp_path / "marker")[0]
    schema = {"type": "object", "properties": {"a": {"type": "string", "x-stream": value}}}
    source = tmp_path / "s.json"
    source.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(GeneratorError) as info:
        generate(source, tmp_path / "out")
    assert "x-stream" in str(info.value)
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "marker").exists()


@pytest.mark.parametrize("key", ["x.y", "x#y"])
def test_defs_key_with_dot_or_hash(tmp_path: Path, key: str) -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": f"#/$defs/{key}"}},
        "$defs": {key: {"type": "object", "properties": {"b": {"type": "string"}}}},
    }
    source = tmp_path / "s.json"
    source.write_text(json.dumps(schema), encoding="utf-8")
    generate(source, tmp_path / "out")
    for file in (tmp_path / "out").glob("*.py"):
        ast.parse(file.read_text(encoding="utf-8"))
    models = ast.parse((tmp_path / "out" / "models.py").read_text(encoding="utf-8"))
    assert len([n for n in models.body if isinstance(n, ast.ClassDef)]) == 2  # root + the def


def aliases(source: str, class_name: str) -> dict[str, str | None]:
    """Field name -> the ``alias=`` given in ``Field(...)``, for one class of a module."""
    found: dict[str, str | None] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    call = item.value
                    keywords = call.keywords if isinstance(call, ast.Call) else []
                    alias = next((k.value for k in keywords if k.arg == "alias"), None)
                    text = alias.value if isinstance(alias, ast.Constant) else None
                    found[item.target.id] = text if isinstance(text, str) else None
    return found


def test_empty_property_name_keeps_its_alias_in_the_partial(tmp_path: Path) -> None:
    schema = {"title": "Odd", "type": "object", "properties": {"": {"type": "string"}}}
    source = tmp_path / "s.json"
    source.write_text(json.dumps(schema), encoding="utf-8")
    generate(source, tmp_path / "out")
    full = aliases((tmp_path / "out" / "models.py").read_text(encoding="utf-8"), "Odd")
    assert list(full.values()) == [""]
    partial = aliases((tmp_path / "out" / "partial.py").read_text(encoding="utf-8"), "PartialOdd")
    assert partial == full
