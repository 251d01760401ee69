"""SchemaTable: request schemas assembled from a package's shared definitions on first use."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from schemastream.runtime import PartialModel, SchemaTable, StreamSpec


class User(BaseModel):
    name: str


class PartialUser(PartialModel):
    name: str | None = None


DEFINITIONS = {
    "Node": {
        "description": "A node.",
        "type": "object",
        "properties": {
            "next": {"$ref": "#/$defs/Node"},
            "tag": {"$ref": "#/$defs/Tag_2"},
            "label": {"$ref": "#/$defs/Tag"},
            # data, not a schema: a "$ref" here is text and stays as it is
            "kind": {"const": {"$ref": "#/$defs/Tag"}},
        },
    },
    "Tag": {"type": "string"},
    "Tag_2": {"type": "integer"},
}


@pytest.fixture
def table(tmp_path: Path) -> Iterator[SchemaTable]:
    module = tmp_path / "table_schemas.py"
    plain = {name: json.dumps(schema) for name, schema in DEFINITIONS.items()}
    strict = {
        "Node": json.dumps({"type": "object", "properties": {"tag": {"$ref": "#/$defs/Tag_2"}}})
    }
    strict |= {"Tag_2": plain["Tag_2"]}
    module.write_text(
        f"PLAIN = {plain!r}\nSTRICT = {strict!r}\nBASE_NAMES = {{'Tag_2': 'Tag'}}\n",
        encoding="utf-8",
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield SchemaTable("table_schemas")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("table_schemas", None)


def test_refs_to_the_root_become_hash_and_alike_names_are_numbered_in_order_met(
    table: SchemaTable,
) -> None:
    schema, names = table.plain("Node")
    properties = schema["properties"]
    assert properties["next"] == {"$ref": "#"}
    # Tag_2 is met first, so it takes its base name; Tag comes second.
    assert properties["tag"] == {"$ref": "#/$defs/Tag"}
    assert properties["label"] == {"$ref": "#/$defs/Tag_2"}
    assert properties["kind"] == {"const": {"$ref": "#/$defs/Tag"}}
    assert schema["$defs"] == {"Tag": {"type": "integer"}, "Tag_2": {"type": "string"}}
    assert list(schema) == ["description", "type", "properties", "$defs"]
    assert names == {"Tag_2": "Tag", "Tag": "Tag_2"}
    strict = table.strict("Node", names)
    assert strict == {
        "type": "object",
        "properties": {"tag": {"$ref": "#/$defs/Tag"}},
        "$defs": {"Tag": {"type": "integer"}},
    }


def test_a_spec_assembles_on_first_use_and_keeps_it(table: SchemaTable) -> None:
    spec = StreamSpec(name="Node", partial=PartialUser, full=User, schemas=table, root="Node")
    assert "table_schemas" not in sys.modules
    assert spec.description == "A node."
    assert spec.schema is spec.schema
    assert spec.strict_schema is not None and spec.strict_schema["$defs"] == {
        "Tag": {"type": "integer"}
    }
    assert json.loads(spec.schema_json) == spec.schema
    noted = StreamSpec(
        name="Node", partial=PartialUser, full=User, schemas=table, root="Node", strict_note="no"
    )
    assert noted.strict_schema is None and noted.strict_schema_json is None


def test_concurrent_first_uses_agree(table: SchemaTable) -> None:
    spec = StreamSpec(name="Node", partial=PartialUser, full=User, schemas=table, root="Node")
    seen: list[str] = []

    def use() -> None:
        seen.append(json.dumps(spec.schema) + json.dumps(spec.strict_schema))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and len(set(seen)) == 1


def test_a_missing_definition_names_itself(table: SchemaTable) -> None:
    with pytest.raises(KeyError, match=r"table_schemas\.PLAIN has no definition 'Nope'"):
        table.plain("Nope")
    with pytest.raises(KeyError, match="refers to 'Tag_2', not in plain"):
        table.strict("Node", {})


def test_a_spec_takes_text_or_a_table_not_both() -> None:
    with pytest.raises(TypeError, match="give schema_json="):
        StreamSpec(name="User", partial=PartialUser, full=User)
    with pytest.raises(TypeError, match="give schema_json="):
        StreamSpec(name="User", partial=PartialUser, full=User, schemas=SchemaTable("x"))
    with pytest.raises(TypeError, match="give schema_json="):
        StreamSpec(
            name="User",
            partial=PartialUser,
            full=User,
            schemas=SchemaTable("x"),
            root="User",
            strict_schema_json="{}",
        )
    with pytest.raises(TypeError, match="give schema_json="):
        StreamSpec(
            name="User",
            partial=PartialUser,
            full=User,
            schemas=SchemaTable("x"),
            root="User",
            schema_json="{}",
        )
