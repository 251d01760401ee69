"""A small hand-written model pair and its StreamSpec, the way generated code declares them."""

from __future__ import annotations

import json

from pydantic import BaseModel, Field

from schemastream.runtime import PartialModel, StreamSpec


class Person(BaseModel):
    name: str
    age: int = Field(ge=0)


class Team(BaseModel):
    title: str = Field(min_length=1)
    members: list[Person]
    budget: float | None = None


class PartialPerson(PartialModel):
    name: str | None = None
    age: int | None = None


class PartialTeam(PartialModel):
    title: str | None = None
    members: list[PartialPerson] | None = None
    budget: float | None = None


SCHEMA = {
    "title": "Team",
    "type": "object",
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "members": {"type": "array", "items": {"$ref": "#/$defs/Person"}},
        "budget": {"type": ["number", "null"]},
    },
    "required": ["title", "members"],
    "$defs": {
        "Person": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
            "required": ["name", "age"],
        }
    },
}
STRICT = {
    **SCHEMA,
    "required": ["title", "members", "budget"],
    "additionalProperties": False,
}

TEAM_SPEC: StreamSpec[PartialTeam, Team] = StreamSpec(
    name="Team",
    partial=PartialTeam,
    full=Team,
    schema_json=json.dumps(SCHEMA),
    strict_schema_json=json.dumps(STRICT),
    description="A team and its members.",
)

NON_STRICT_SPEC: StreamSpec[PartialTeam, Team] = StreamSpec(
    name="Team",
    partial=PartialTeam,
    full=Team,
    schema_json=json.dumps(SCHEMA),
    strict_note="free-form for the test",
)

TEAM = Team(
    title="Platform",
    members=[Person(name="Ada Lovelace", age=36), Person(name="Alan Turing", age=41)],
    budget=1250.5,
)
TEAM_JSON = TEAM.model_dump_json()
INVALID_JSON = '{"title": "Platform", "members": [{"name": "Ada", "age": -3}]}'
