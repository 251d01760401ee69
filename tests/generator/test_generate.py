"""Generated packages, imported and exercised: full models, partial twins, helpers, determinism."""

from __future__ import annotations

import json
import pickle
import re
import typing
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pytest
from _generated import ROOT, golden_schema, imported, imported_unformatted
from pydantic import RootModel, ValidationError

from schemastream._version import __version__
from schemastream.generator import GenerateOptions, GeneratorError, build
from schemastream.runtime import PartialModel, PartialStream, StreamSpec, parse_structured

MEETING = ROOT / "examples" / "meeting" / "schema.json"


def hints(cls: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def test_meeting_models_and_partials(tmp_path: Path) -> None:
    with imported(MEETING, tmp_path, "meeting_a") as package:
        models, partial = package.models, package.partial
        info = models.MeetingInfo.model_validate(
            {
                "users": [{"name": "Ada", "email": "ada@example.com", "twitter": None}],
                "date": "2026-11-21",
                "location": "Room 1",
                "budget": 10.5,
                "deadline": None,
            }
        )
        assert info.users[0].email == "ada@example.com"
        assert info.date == date(2026, 11, 21)
        with pytest.raises(ValidationError):  # constraints live on the full model
            models.MeetingInfo.model_validate({**info.model_dump(mode="json"), "location": ""})

        P = partial
        assert issubclass(P.PartialMeetingInfo, PartialModel)
        got = hints(P.PartialMeetingInfo)
        assert got["users"] == Sequence[P.PartialUser] | None  # SnapshotList: read-only
        assert got["date"] == date | None
        assert got["location"] == str | None
        assert got["budget"] == float | None
        assert P.PartialUser.__stream_not_null__ == frozenset({"name"})
        snapshot = P.PartialMeetingInfo.model_validate({"users": [{"name": "A"}], "location": ""})
        assert snapshot.model_dump(exclude_unset=True) == {"users": [{"name": "A"}], "location": ""}
        assert P.PartialMeetingInfo.model_fields["location"].description is not None
        assert package.PartialMeetingInfo is P.PartialMeetingInfo


def test_partial_types_follow_the_design_table(tmp_path: Path) -> None:
    with imported(golden_schema("unions"), tmp_path, "unions_a") as package:
        P = package.partial
        got = hints(P.PartialZoo)
        assert got["star"] == P.PartialCat | P.PartialDog | None
        assert got["pets"] == Sequence[P.PartialPets] | None
        assert got["keeper"] == P.PartialPerson | P.PartialRobot | None
        assert got["label"] == str | int | None
        assert hints(P.PartialCat)["petType"] == Literal["cat"] | None
        assert P.PartialZoo.__stream_discriminators__ == {"star": "petType"}
        assert P.PartialPets.__stream_discriminators__ == {"root": "petType"}
        assert issubclass(P.PartialPets, RootModel)
        assert P.PartialPets.model_validate(None).root is None

    with imported(golden_schema("collections"), tmp_path, "collections_a") as package:
        P = package.partial
        got = hints(P.PartialInventory)
        # Snapshots hold read-only views: SnapshotList / SnapshotDict (Sequence / Mapping).
        assert got["tags"] == Sequence[str] | None
        assert got["matrix"] == Sequence[Sequence[int]] | None
        assert got["counts"] == Mapping[str, int] | None
        assert got["locations"] == Mapping[str, P.PartialLocation] | None

    with imported(golden_schema("enums"), tmp_path, "enums_a") as package:
        models, P = package.models, package.partial
        got = hints(P.PartialTicket)
        assert got["status"] == models.Status | None  # enums are reused, not copied
        assert got["kind"] == Literal["ticket"] | None
        assert got["assignee"] == str | None
        assert got["resolution"] == models.Status | None
        assert models.Status("in progress") is models.Status.in_progress


def test_recursive_and_inherited_models_build(tmp_path: Path) -> None:
    with imported(golden_schema("recursive"), tmp_path, "recursive_a") as package:
        models, P = package.models, package.partial
        tree = models.Tree.model_validate(
            {"root": {"value": "a", "children": [{"value": "b", "children": []}]}}
        )
        assert tree.root is not None and tree.root.children is not None
        assert hints(P.PartialNode)["children"] == Sequence[P.PartialNode] | None
        snap = P.PartialComment.model_validate({"replies": [{"replies": [{"text": "x"}]}]})
        assert snap.replies is not None and isinstance(snap.replies[0], P.PartialComment)

    with imported(golden_schema("inheritance"), tmp_path, "inheritance_a") as package:
        models, P = package.models, package.partial
        assert issubclass(models.Book, models.Item)
        assert issubclass(P.PartialBook, P.PartialItem)
        assert set(P.PartialBook.model_fields) == set(models.Book.model_fields)
        assert P.PartialBook.__stream_not_null__ == frozenset({"id"})
        # A subclass's own ClassVar must not hide its base's entries.
        assert P.PartialAlbum.__stream_done__ == frozenset({"tracks"})
        assert P.PartialAlbum.__stream_not_null__ == frozenset({"id"})


def test_x_stream_annotations(tmp_path: Path) -> None:
    with imported(golden_schema("xstream"), tmp_path, "xstream_a") as package:
        P = package.partial
        assert P.PartialArticle.__stream_done__ == frozenset({"headline", "summary"})
        assert P.PartialSection.__stream_not_null__ == frozenset({"id", "heading"})
        assert P.PartialSection.__stream_done__ == frozenset({"heading"})
        assert "__stream_done__" not in vars(P.PartialSummary)  # written only when non-empty


def test_bad_x_stream_value_names_its_pointer(tmp_path: Path) -> None:
    schema = tmp_path / "bad.json"
    schema.write_text(
        json.dumps({"type": "object", "properties": {"a": {"type": "string", "x-stream": "later"}}})
    )
    with pytest.raises(GeneratorError, match=r"#/properties/a.*x-stream"):
        build(schema)


def test_openapi_streams_every_object_schema_or_the_named_ones(tmp_path: Path) -> None:
    every = build(golden_schema("openapi30")).files["stream.py"]
    assert re.findall(r"^parse_(\w+) = ", every, re.M) == ["cat", "error", "owner", "pet"]

    narrowed = build(golden_schema("openapi30"), GenerateOptions(stream_models=("Owner",)))
    assert re.findall(r"^parse_(\w+) = ", narrowed.files["stream.py"], re.M) == ["owner"]

    with pytest.raises(GeneratorError, match=r"'Ownr'.*did you mean Owner"):
        build(golden_schema("openapi30"), GenerateOptions(stream_models=("Ownr",)))
    with pytest.raises(GeneratorError, match=r"'Kind' names an enum schema; only object"):
        build(golden_schema("openapi30"), GenerateOptions(stream_models=("Kind",)))


def test_root_that_is_neither_object_nor_array_gets_parse_helpers_only(tmp_path: Path) -> None:
    schema = tmp_path / "label.json"
    schema.write_text(
        json.dumps({"title": "Label", "anyOf": [{"type": "string"}, {"type": "integer"}]})
    )
    result = build(schema)
    assert "only parse_label and aparse_label are generated" in result.warnings[0]
    stream = result.files["stream.py"]
    assert re.findall(r"^(\w+) = _label\.", stream, re.M) == ["parse_label", "aparse_label"]
    assert "LABEL_SPEC: StreamSpec[PartialLabel, Label]" in stream
    assert 'strict_note="the root is not an object' in stream
    assert "OpenAI needs an object at the root" in stream
    assert "envelope" not in stream
    assert "openai" not in stream.replace("OpenAI", "")  # no OpenAI import, not even for types


def test_root_array_is_asked_for_in_an_envelope() -> None:
    result = build(golden_schema("root_models"))
    assert result.warnings == ()
    stream = result.files["stream.py"]
    assert re.findall(r"^(\w+) = _events\.", stream, re.M) == [
        "stream_events",
        "astream_events",
        "create_events",
        "acreate_events",
        "parse_events",
        "aparse_events",
    ]
    assert 'envelope="items",' in stream
    assert (
        "class PartialEvents(_DeferredRootModel[SnapshotList[PartialEvent] | None])"
        in (result.files["partial.py"])
    )


OBJECT_A = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}


@pytest.mark.parametrize(
    ("root", "snapshots", "final"),
    [
        ({"type": "string", "maxLength": 9}, ['"he"', '"hello"'], '"hello"'),
        (
            {"anyOf": [{"$ref": "#/$defs/A"}, {"type": "integer"}], "$defs": {"A": OBJECT_A}},
            ['{"a":null}', '{"a":"x"}'],
            '{"a":"x"}',
        ),
    ],
)
def test_union_and_scalar_roots_parse_too(
    tmp_path: Path, root: dict[str, Any], snapshots: list[str], final: str
) -> None:
    schema = tmp_path / "root.json"
    schema.write_text(json.dumps({"title": "Root", **root}))
    with imported(schema, tmp_path, "non_object_root") as package:
        assert package.__all__.count("parse_root") == 1
        assert "stream_root" not in package.__all__
        with package.parse_root([final[:3], final[3:]]) as stream:
            seen = [snap.model_dump_json() for snap in stream]
        assert seen == snapshots
        assert stream.final == package.Root.model_validate_json(final)


def test_header_and_determinism(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = build(MEETING).files
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 20\n")
    second = build(MEETING).files
    assert first == second
    pattern = (
        rf"# Code generated by schemastream {re.escape(__version__)} from schema\.json "
        r"\(sha256 [0-9a-f]{64}\)\. DO NOT EDIT\."
    )
    for name, text in first.items():
        assert re.fullmatch(pattern, text.splitlines()[0]), name
        assert str(ROOT) not in text and str(tmp_path) not in text


def test_package_init_is_lazy_and_complete(tmp_path: Path) -> None:
    with imported(golden_schema("nested"), tmp_path, "nested_a") as package:
        import sys

        assert "nested_a.models" not in sys.modules
        assert package.Order.__name__ == "Order"
        assert "nested_a.models" in sys.modules
        assert list(package.__all__) == sorted(package.__all__)
        assert {"Order", "PartialOrder", "parse_order", "ORDER_SPEC"} <= set(package.__all__)
        with pytest.raises(AttributeError):
            package.Nope  # noqa: B018


def test_partial_classes_are_created_on_first_use(tmp_path: Path) -> None:
    with imported(golden_schema("recursive"), tmp_path, "recursive_lazy") as package:
        partial, stream = package.partial, package.stream
        names = set(partial.__all__)
        assert names == {"PartialAuthor", "PartialComment", "PartialNode", "PartialTree"}
        assert names.isdisjoint(vars(partial))  # importing partial.py and stream.py made none
        assert names <= set(dir(partial))

        author = partial.PartialAuthor  # and with it the classes it refers to, recursively
        assert {"PartialAuthor", "PartialComment"} <= set(vars(partial))
        assert "PartialTree" not in vars(partial)
        assert (author.__name__, author.__qualname__) == ("PartialAuthor", "PartialAuthor")
        assert author.__module__ == partial.__name__
        assert hints(author)["favorite"] == partial.PartialComment | None

        tree = stream.TREE_SPEC.partial
        assert tree is partial.PartialTree is package.PartialTree
        assert names <= set(vars(partial))
        value = tree.model_validate(
            {"root": {"value": "a", "children": [{"value": "b"}]}, "comments": [{"by": {}}]}
        )
        assert pickle.loads(pickle.dumps(value)) == value
        assert value.model_dump(exclude_unset=True)["root"]["children"] == [{"value": "b"}]
        assert set(tree.model_json_schema()["$defs"]) == names - {"PartialTree"}
        snapshots = list(package.parse_tree(['{"root": {"value": "x', 'y", "children": []}}']))
        assert snapshots[-1].root is not None and snapshots[-1].root.value == "xy"
        with pytest.raises(AttributeError, match="has no attribute 'PartialNope'"):
            partial.PartialNope  # noqa: B018


def test_partial_classes_are_created_once_across_threads(tmp_path: Path) -> None:
    with imported(golden_schema("recursive"), tmp_path, "recursive_threads") as package:
        partial = package.partial
        with ThreadPoolExecutor(8) as pool:
            trees = list(pool.map(lambda _: partial.PartialTree, range(32)))
        assert {id(tree) for tree in trees} == {id(partial.PartialTree)}


def test_schema_without_partial_classes(tmp_path: Path) -> None:
    schema = tmp_path / "color.json"
    schema.write_text(json.dumps({"title": "Color", "type": "string", "enum": ["a", "b"]}))
    result = build(schema)
    assert "an enum (Color), which has no partial twin" in result.warnings[0]
    assert "def " not in result.files["stream.py"]  # the runtime streams pydantic models only
    with imported(schema, tmp_path, "color_models") as package:
        assert package.partial.__all__ == []
        assert package.stream.__all__ == []
        assert [color.value for color in package.Color] == ["a", "b"]


def test_full_models_defer_schema_building(tmp_path: Path) -> None:
    with imported(golden_schema("nested"), tmp_path, "nested_b") as package:
        models = package.models
        assert models.Order.model_config.get("defer_build") is True
        assert not models.Customer.__pydantic_complete__
        models.Order.model_validate(
            {
                "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
                "customer": {"name": "x"},
                "items": [{"sku": "a", "quantity": 1}],
            }
        )
        assert models.Order.__pydantic_complete__


def test_generated_partials_stream_through_the_runtime(tmp_path: Path) -> None:
    with imported(golden_schema("unions"), tmp_path, "unions_b") as package:
        models, partial = package.models, package.partial
        spec = StreamSpec(name="Zoo", partial=partial.PartialZoo, full=models.Zoo, schema_json="{}")
        document = {
            "star": {"petType": "dog", "good": True},
            "pets": [{"petType": "cat", "lives": 9}],
            "keeper": {"serial": "x1"},
            "label": 3,
        }
        text = json.dumps(document)
        stream = parse_structured(spec, (text[i : i + 3] for i in range(0, len(text), 3)))
        snapshots = list(stream)
        assert all(isinstance(snap, partial.PartialZoo) for snap in snapshots)
        assert isinstance(snapshots[-1].star, partial.PartialDog)
        assert stream.final == models.Zoo.model_validate(document)


def test_parse_helper_streams_to_the_full_model(tmp_path: Path) -> None:
    with imported(MEETING, tmp_path, "meeting_b") as package:
        document = {
            "users": [{"name": "Ada", "email": "ada@example.com", "twitter": "@ada"}],
            "date": "2026-11-21",
            "location": "Room 1",
            "budget": None,
            "deadline": "2026-12-01",
        }
        text = json.dumps(document)
        stream = package.parse_meeting_info(text[i : i + 5] for i in range(0, len(text), 5))
        snapshots = list(stream)
        assert snapshots and isinstance(snapshots[-1], package.PartialMeetingInfo)
        assert isinstance(stream.final, package.MeetingInfo)
        assert stream.final.users[0].twitter == "@ada"
        spec = package.MEETING_INFO_SPEC
        assert spec.schema["title"] == "MeetingInfo"
        assert spec.strict_schema is not None


@pytest.mark.parametrize("name", ["naming", "render"])
def test_docstring_examples(name: str) -> None:
    import doctest
    import importlib

    module = importlib.import_module(f"schemastream.generator.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_a_root_array_that_refers_to_itself_moves_into_defs(tmp_path: Path) -> None:
    """``#`` is the envelope now: the list's own refs point at its copy in ``$defs``."""
    schema = tmp_path / "tree.json"
    data = {"type": "integer", "default": {"$ref": "#"}}  # data, not a reference
    leaf = {"type": "object", "properties": {"up": {"$ref": "#"}, "v": data}}
    items = {"anyOf": [{"type": "string"}, {"$ref": "#"}, {"$ref": "#/$defs/Leaf"}]}
    schema.write_text(
        json.dumps({"title": "Tree", "type": "array", "items": items, "$defs": {"Leaf": leaf}})
    )
    with imported_unformatted(schema, tmp_path, "tree_a") as package:
        spec = package.TREE_SPEC
        sent = spec.strict_schema
        assert spec.schema["properties"] == {"items": {"$ref": "#/$defs/Tree"}}
        assert sent is not None and sent["properties"] == spec.schema["properties"]
        tree = spec.schema["$defs"]["Tree"]
        assert tree["items"]["anyOf"][1:] == [{"$ref": "#/$defs/Tree"}, {"$ref": "#/$defs/Leaf"}]
        assert spec.schema["$defs"]["Leaf"]["properties"] == {
            "up": {"$ref": "#/$defs/Tree"},
            "v": data,
        }
        text = '{"items": ["a", ["b", {"up": ["c"]}]]}'
        stream = PartialStream(spec.partial, spec.full, [text[:20], text[20:]], envelope="items")
        assert [item for item in stream.elements()] == stream.final.root
        assert stream.final.model_dump(mode="json", exclude_unset=True) == json.loads(text)["items"]
