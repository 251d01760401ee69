"""User classes from a second module: an int enum, a str enum, a model and a generic model."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Color(str, enum.Enum):
    RED = "red"
    GREEN = "green"


class Money(BaseModel):
    """An amount of money; pydantic writes the Decimal as a JSON string."""

    amount: Annotated[Decimal, Field(ge=0, max_digits=9, decimal_places=2)]
    currency: Literal["EUR", "USD"] = "EUR"


class Page(BaseModel, Generic[T]):
    """A page of anything: streamed through its concrete parametrizations."""

    items: list[T]
    next_cursor: str | None = None
