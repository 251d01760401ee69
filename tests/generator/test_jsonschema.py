"""The generator's JSON Schema core: pointers, lookup, definition names, collision-free names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemastream.generator import GeneratorError
from schemastream.generator.jsonschema import (
    definition_name,
    join_pointer,
    lookup,
    rebase_pointer,
    split_pointer,
)
from schemastream.generator.loader import load_document
from schemastream.generator.naming import UniqueNames, fresh_name


@given(st.lists(st.text()))
def test_a_pointer_names_the_keys_it_was_built_from(tokens: list[str]) -> None:
    pointer = join_pointer("#", *tokens)
    assert split_pointer(pointer) == tokens
    assert lookup(_nested(tokens), split_pointer(pointer)) == "here"


def _nested(tokens: list[str]) -> object:
    node: object = "here"
    for token in reversed(tokens):
        node = {token: node}
    return node


@pytest.mark.parametrize(
    ("pointer", "keys"),
    [("#/a~01", ["a~1"]), ("#/a~10", ["a/0"]), ("#/~0~1", ["~/"]), ("#/", [""]), ("#", [])],
)
def test_escapes_are_read_in_rfc_6901_order(pointer: str, keys: list[str]) -> None:
    assert split_pointer(pointer) == keys
    assert join_pointer("#", *keys) == pointer


@pytest.mark.parametrize("token", ["01", "-", "²", "+1", " 1", "3"])
def test_an_array_takes_only_rfc_6901_indexes_in_range(token: str) -> None:
    with pytest.raises(LookupError):
        lookup({"a": [10, 11, 12]}, ["a", token])


def test_lookup_reads_keys_then_indexes() -> None:
    assert lookup({"a": [10, {"1": "x"}]}, ["a", "1", "1"]) == "x"
    assert lookup([1], []) == [1]


def test_a_ref_with_a_non_ascii_digit_is_a_clear_error(tmp_path: Path) -> None:
    # "¹".isdigit() holds but int("¹") raises: the index must be RFC 6901's.
    path = tmp_path / "s.json"
    schema = {"anyOf": [{"type": "string"}], "properties": {"a": {"$ref": "#/anyOf/¹"}}}
    path.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(GeneratorError, match="does not exist"):
        load_document(path)


def test_rebase_moves_only_pointers_under_a_moved_one() -> None:
    moves = {"#/$defs/a": "#/$defs/b", "#/$defs/c": "#/$defs/d"}
    assert rebase_pointer("#/$defs/a", moves) == "#/$defs/b"
    assert rebase_pointer("#/$defs/c/x", moves) == "#/$defs/d/x"
    assert rebase_pointer("#/$defs/ab", moves) == "#/$defs/ab"


def test_definition_names_keep_what_openapi_component_names_allow() -> None:
    assert definition_name("a.b-c_D9") == "a.b-c_D9"
    assert definition_name("a/b c~") == "a_b_c_"
    assert definition_name("") == "Schema"


def test_one_suffix_style_for_every_fresh_name() -> None:
    assert fresh_name("Pet", set().__contains__) == "Pet"
    assert fresh_name("Pet", {"Pet", "Pet_2"}.__contains__) == "Pet_3"
    names = UniqueNames(["Item", "Item_2"])
    assert [names.claim("Item"), names.claim("Item"), names.claim("Other")] == [
        "Item_3",
        "Item_4",
        "Other",
    ]
