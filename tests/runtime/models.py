"""Full models and their Partial twins, written the way the generator emits them."""

from __future__ import annotations

import datetime
import enum
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field, RootModel

from schemastream.runtime import PartialModel, SnapshotDict, SnapshotList


class Role(enum.Enum):
    admin = "admin"
    member = "member"


class Address(BaseModel):
    city: str
    zip_code: str = Field(alias="zip-code")


class User(BaseModel):
    id: int
    name: str = Field(min_length=1)
    email: str | None = None
    role: Role = Role.member
    address: Address | None = None
    tags: list[str] = []


class Talk(BaseModel):
    kind: Literal["talk"]
    title: str
    speaker: str | None


class Break(BaseModel):
    kind: Literal["break"]
    minutes: int


class Meeting(BaseModel):
    title: str
    date: datetime.date
    budget: float | None = None
    users: list[User]
    agenda: list[Annotated[Talk | Break, Field(discriminator="kind")]] = []
    notes: dict[str, str] = {}
    summary: str = ""


class PartialAddress(PartialModel):
    city: str | None = None
    zip_code: str | None = Field(default=None, alias="zip-code")


class PartialUser(PartialModel):
    __stream_not_null__: ClassVar[frozenset[str]] = frozenset({"id"})

    id: int | None = None
    name: str | None = None
    email: str | None = None
    role: Role | None = None
    address: PartialAddress | None = None
    tags: list[str] | None = None  # a plain list (hand-written): a copy per snapshot


class PartialTalk(PartialModel):
    kind: Literal["talk"] | None = None
    title: str | None = None
    speaker: str | None = None


class PartialBreak(PartialModel):
    kind: Literal["break"] | None = None
    minutes: int | None = None


class PartialMeeting(PartialModel):
    __stream_done__: ClassVar[frozenset[str]] = frozenset({"summary"})
    __stream_discriminators__: ClassVar[dict[str, str]] = {"agenda": "kind"}

    title: str | None = None
    date: datetime.date | None = None
    budget: float | None = None
    users: SnapshotList[PartialUser] | None = None
    agenda: SnapshotList[PartialTalk | PartialBreak] | None = None
    notes: SnapshotDict[str] | None = None
    summary: str | None = None


# Undiscriminated union, resolved by the keys seen so far.
class Circle(BaseModel):
    radius: float


class Square(BaseModel):
    side: float
    label: str = ""


class Drawing(BaseModel):
    shapes: list[Circle | Square]


class PartialCircle(PartialModel):
    radius: float | None = None


class PartialSquare(PartialModel):
    side: float | None = None
    label: str | None = None


class PartialDrawing(PartialModel):
    shapes: SnapshotList[PartialCircle | PartialSquare] | None = None


# Recursive model and a root model.
class Node(BaseModel):
    name: str
    children: list[Node] = []


class PartialNode(PartialModel):
    name: str | None = None
    children: SnapshotList[PartialNode] | None = None


class Tags(RootModel[list[str]]):
    pass


class PartialTags(RootModel[SnapshotList[str] | None]):
    root: SnapshotList[str] | None = None


class Tagged(BaseModel):
    tags: Tags
    done_tags: list[str] = []


class PartialTagged(PartialModel):
    __stream_done__: ClassVar[frozenset[str]] = frozenset({"done_tags"})

    tags: PartialTags | None = None
    done_tags: list[str] | None = None


# Root model around a discriminated union (the form the generator emits), and a union of
# a model and a map.
class Cat(BaseModel):
    pet_type: Literal["cat"] = Field(alias="petType")
    lives: int = 9


class Dog(BaseModel):
    pet_type: Literal["dog"] = Field(alias="petType")
    good: bool = True


class Pet(RootModel[Annotated[Cat | Dog, Field(discriminator="pet_type")]]):
    pass


class Shelter(BaseModel):
    pets: list[Pet]
    extra: Cat | dict[str, int] | None = None
    owner: User | None = None


class PartialCat(PartialModel):
    pet_type: Literal["cat"] | None = Field(default=None, alias="petType")
    lives: int | None = None


class PartialDog(PartialModel):
    pet_type: Literal["dog"] | None = Field(default=None, alias="petType")
    good: bool | None = None


class PartialPet(RootModel[PartialCat | PartialDog | None]):
    __stream_discriminators__: ClassVar[dict[str, str]] = {"root": "petType"}

    root: PartialCat | PartialDog | None = None


class PartialShelter(PartialModel):
    pets: SnapshotList[PartialPet] | None = None
    extra: PartialCat | dict[str, int] | None = None
    owner: PartialUser | None = None


# Recursive undiscriminated union: both variants share their only container key.
class PartialBranchA(PartialModel):
    children: list[PartialBranchA | PartialBranchB] | None = None
    a: int | None = None


class PartialBranchB(PartialModel):
    children: list[PartialBranchA | PartialBranchB] | None = None
    b: int | None = None


class PartialForest(PartialModel):
    item: PartialBranchA | PartialBranchB | None = None
