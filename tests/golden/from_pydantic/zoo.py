"""A zoo of user classes covering what a partial twin must mirror (tests/generator/test_from_pydantic*).

Nested and recursive models, models and enums from another module, list/set/tuple/dict,
unions (discriminated by Field or by an Annotated Discriminator, and plain), str and int
enums, Literals, naive and aware datetimes, date/time/UUID/Decimal/URL/email, constrained
types, aliases (an alias generator and an explicit alias), defaults and default_factory,
RootModel, a parametrized generic model, extra="allow" and validators.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Discriminator,
    EmailStr,
    Field,
    HttpUrl,
    RootModel,
    StringConstraints,
    conint,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from .zoo_parts import Color, Money, Page, Priority


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: Annotated[int, Field(ge=0, le=9)] = 9


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool = True


class Person(BaseModel):
    name: str
    born: date | None = None


class Robot(BaseModel):
    serial: UUID
    made: date


class Node(BaseModel):
    """A tree: the model refers to itself."""

    label: str
    children: list[Node] = []


class Tags(RootModel[list[Annotated[str, StringConstraints(min_length=1)]]]):
    """A root model: the JSON is a bare array."""


class Item(BaseModel):
    sku: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}-[0-9]{3}$")]
    qty: conint(gt=0, le=1000)  # type: ignore[valid-type]
    price: Money


class Scores(BaseModel):
    """Keeps unknown keys, typed: each extra score is an int."""

    model_config = ConfigDict(extra="allow")

    __pydantic_extra__: dict[str, int] = Field(init=False)  # pyright: ignore[reportIncompatibleVariableOverride]
    total: int = 0


def _no_pets() -> list[Cat | Dog]:
    return []


class Zoo(BaseModel):
    """Everything at once; JSON names are camelCase."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    name: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    opened: datetime
    updated: AwareDatetime
    closes_at: time
    feeding_every: timedelta
    keeper_email: EmailStr
    homepage: HttpUrl
    color: Color
    priority: Priority
    status: Literal["open", "closed"] = "open"
    version: Literal[1, 2] = 1
    star: Cat | Dog = Field(discriminator="kind")
    pets: list[Annotated[Cat | Dog, Discriminator("kind")]] = Field(default_factory=_no_pets)
    keeper: Person | Robot | None = None
    label: str | int
    tags: Tags
    coords: tuple[float, float]
    ids: set[int] = set()
    stock: dict[str, Item] = {}
    inventory: Page[Item]
    tree: Node
    scores: Scores
    budget: Money | None = None
    note: str | None = Field(default=None, alias="remark")

    @field_validator("name")
    @classmethod
    def name_is_trimmed(cls, value: str) -> str:
        return value.strip() or value

    @model_validator(mode="after")
    def closed_zoos_have_no_keeper(self) -> Zoo:
        if self.status == "closed":
            self.keeper = None
        return self
