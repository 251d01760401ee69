"""Property tests of generation over hostile names and ``$ref``s.

Every input either fails with a GeneratorError or generates a package in which every JSON
key makes the round trip: document -> full model -> partial snapshots -> the same keys.
File refs never reach outside the reference root. Packages are rendered without ruff
and kept small, so each example costs a few tens of milliseconds.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from _generated import assert_round_trip, imported_unformatted, the_spec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemastream.generator import GeneratorError
from schemastream.generator.pipeline import render_package

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_packages = itertools.count()

# Names a schema can use that something in the generated code also wants.
HOSTILE_NAMES = [
    # keywords and soft keywords, builtins, typing and pydantic names
    "class", "None", "True", "def", "match", "type", "_", "__init__", "__class__", "self",
    "str", "int", "list", "dict", "id", "date", "Any", "Literal", "ClassVar", "Field",
    "BaseModel", "RootModel", "ConfigDict", "Generic", "TypeVar", "JsonValue", "Enum",
    # what the generator and the runtime name things
    "Model", "PartialModel", "StreamSpec", "PartialStream", "Partial", "PartialT", "Stream",
    "Structured", "stream_t", "parse_t", "T_SPEC", "_SPEC", "_DeferredRootModel", "_RootT",
    "model_config", "model_fields", "model_dump", "is_complete", "completed_fields",
    "__stream_done__", "root", "field", "field_", "Inner", "Inner_1", "T",
    # what Python's NFKC normalisation of identifiers folds together, and other unicode
    "\u210c", "H", "\ufb01", "fi", "\U0001d54f", "X", "\u01c5", "D\u017e", "\uff46\uff55",
    "\u00fcber", "\u00dcber", "\U0001f600", "\u65e5\u672c", "a\u200bb",
    # empty, spaces, punctuation, digits
    "", " ", "a b", "a_b", "a-b", "a.b", "a#b", "a/b", "a~b", "a%20b", "1st", "$ref",
]  # fmt: skip

names = st.one_of(
    st.sampled_from(HOSTILE_NAMES),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=4),
)
KINDS = {
    "string": ({"type": "string"}, "text"),
    "integer": ({"type": "integer"}, 7),
    "object": ({"type": "object", "properties": {"inner": {"type": "string"}}}, {"inner": "v"}),
    "array": ({"type": "array", "items": {"type": "string"}}, ["a", "b"]),
    "enum": ({"enum": ["x", "\u210c", "H", ""]}, "\u210c"),
}


@contextmanager
def generated(schema: dict[str, Any]) -> Iterator[Any]:
    """The package generated from ``schema`` (imported), or None after a GeneratorError."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "schema.json"
        path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
        try:
            render_package(path)
        except GeneratorError:
            yield None
            return
        with imported_unformatted(path, Path(directory), f"hostile_{next(_packages)}") as package:
            yield package


@SETTINGS
@given(
    properties=st.lists(
        st.tuples(names, st.sampled_from(sorted(KINDS))),
        min_size=1,
        max_size=5,
        unique_by=lambda p: p[0],
    ),
    title=names,
)
def test_hostile_property_names_round_trip(properties: list[tuple[str, str]], title: str) -> None:
    schema = {
        "title": title,
        "type": "object",
        "properties": {name: KINDS[kind][0] for name, kind in properties},
    }
    with generated(schema) as package:
        if package is not None:
            assert_round_trip(
                the_spec(package), {name: KINDS[kind][1] for name, kind in properties}
            )


@SETTINGS
@given(definitions=st.lists(names, min_size=1, max_size=5, unique=True), data=st.data())
def test_hostile_definition_names_round_trip(definitions: list[str], data: st.DataObject) -> None:
    kinds = [data.draw(st.sampled_from(sorted(KINDS))) for _ in definitions]
    schema = {
        "title": "Root",
        "type": "object",
        "properties": {f"p{i}": {"$ref": _def_ref(name)} for i, name in enumerate(definitions)},
        "$defs": {name: KINDS[kind][0] for name, kind in zip(definitions, kinds, strict=True)},
    }
    with generated(schema) as package:
        if package is not None:
            document = {f"p{i}": KINDS[kind][1] for i, kind in enumerate(kinds)}
            assert_round_trip(the_spec(package), document)


def _def_ref(name: str) -> str:
    """A ``$ref`` to ``$defs/name``: a JSON pointer in a URI fragment, so ``%`` is escaped."""
    return "#/$defs/" + name.replace("~", "~0").replace("/", "~1").replace("%", "%25")


# A definition is an alias ($ref to another), an object whose properties refer to others,
# or a string; any of them may form cycles or long chains.
definition = st.one_of(
    st.tuples(st.just("alias"), st.integers(0, 60)),
    st.tuples(st.just("object"), st.lists(st.integers(0, 60), max_size=3)),
    st.tuples(st.just("string"), st.just(0)),
)


@SETTINGS
@given(
    graph=st.lists(definition, min_size=1, max_size=40),
    root=st.lists(st.integers(0, 60), max_size=3),
)
def test_ref_graphs_generate_or_fail_cleanly(graph: list[tuple[str, Any]], root: list[int]) -> None:
    count = len(graph)

    def ref(index: int) -> dict[str, str]:
        return {"$ref": f"#/$defs/D{index % count}"}

    defs: dict[str, Any] = {}
    for number, (kind, target) in enumerate(graph):
        if kind == "alias":
            defs[f"D{number}"] = ref(target)
        elif kind == "object":
            defs[f"D{number}"] = {
                "type": "object",
                "properties": {f"r{i}": ref(t) for i, t in enumerate(target)},
            }
        else:
            defs[f"D{number}"] = {"type": "string"}
    schema = {
        "title": "Root",
        "type": "object",
        "properties": {f"p{i}": ref(t) for i, t in enumerate(root)},
        "$defs": defs,
    }

    def instance(index: int, depth: int, aliases: frozenset[int] = frozenset()) -> Any:
        kind, target = graph[index % count]
        if kind == "alias":
            assert index % count not in aliases, "a cycle of $refs with no schema generated"
            return instance(target, depth, aliases | {index % count})
        if kind == "string":
            return "s"
        if depth == 0:
            return {}
        return {f"r{i}": instance(t, depth - 1) for i, t in enumerate(target)}

    with generated(schema) as package:  # no RecursionError, whatever the graph
        if package is not None:
            document = {f"p{i}": instance(t, 3) for i, t in enumerate(root)}
            assert_round_trip(the_spec(package), document, chunk=7)


OUTSIDE = "OUTSIDE-THE-ROOT"
REFS = [
    "inside.json", "sub/inside.json", "sub/../inside.json", "./inside.json", "%69nside.json",
    "../outside.json", "sub/../../outside.json", "..%2Foutside.json", "link.json",
    "linkdir/outside.json", "sub/up/outside.json", "/ABSOLUTE/outside.json", "missing.json",
    "file:///ABSOLUTE/outside.json", "//host/outside.json", "inside.json#/nope", "inside.json#",
    "\x00.json", "a" * 300 + ".json", "sub", "inside.json#/properties",
]  # fmt: skip


@pytest.fixture(scope="module")
def root_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """base/outside.json, and base/root holding inside.json, sub/, and links that lead out."""
    base = tmp_path_factory.mktemp("refs")
    outside = {"type": "object", "properties": {"x": {"type": "string", "description": OUTSIDE}}}
    (base / "outside.json").write_text(json.dumps(outside))
    root = base / "root"
    (root / "sub").mkdir(parents=True)
    inside = {"type": "object", "properties": {"x": {"type": "string"}}}
    for path in (root / "inside.json", root / "sub" / "inside.json"):
        path.write_text(json.dumps(inside))
    (root / "link.json").symlink_to(base / "outside.json")
    (root / "linkdir").symlink_to(base, target_is_directory=True)
    (root / "sub" / "up").symlink_to(base, target_is_directory=True)
    return root


@SETTINGS
@given(refs=st.lists(st.sampled_from(REFS), min_size=1, max_size=3))
def test_file_refs_never_leave_the_root(root_tree: Path, refs: list[str]) -> None:
    base = root_tree.parent
    refs = [ref.replace("/ABSOLUTE", str(base)) for ref in refs]
    schema = {
        "title": "Root",
        "type": "object",
        "properties": {f"p{i}": {"$ref": ref} for i, ref in enumerate(refs)},
    }
    source = root_tree / f"schema_{next(_packages)}.json"
    source.write_text(json.dumps(schema))
    try:
        files = render_package(source).files
    except GeneratorError as exc:
        assert exc.path is not None
        return
    finally:
        source.unlink()
    for ref in refs:
        target = (root_tree / ref.partition("#")[0]).resolve()
        assert target.is_relative_to(root_tree.resolve()), ref
    assert not any(OUTSIDE in text for text in files.values())
    assert os.path.exists(base / "outside.json")
