"""The user's own classes: the meeting of instructor's docs, with one real validator.

``make models`` turns them into ``meeting_stream/``: partial twins and typed stream helpers
that import these classes, so ``stream.final`` is a ``MeetingInfo`` validated by its own
``model_validator``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, EmailStr, Field, model_validator


class User(BaseModel):
    """A participant."""

    name: str = Field(
        min_length=1,
        description="Full name as written in the text.",
        # Each person appears once their name has started: never an empty row.
        json_schema_extra={"x-stream": "not-null"},
    )
    email: EmailStr = Field(description="Email address.")
    twitter: str | None = Field(
        default=None,
        pattern=r"^@?[A-Za-z0-9_]{1,15}$",
        description="Twitter/X handle, with or without the leading @, if mentioned.",
    )


class MeetingInfo(BaseModel):
    """A meeting extracted from free text: who takes part, when and where it happens, and the
    money and time it is allowed."""

    users: list[User] = Field(
        description="The people taking part, in the order they are mentioned."
    )
    date: dt.date = Field(description="The day of the meeting (ISO 8601, YYYY-MM-DD).")
    location: str = Field(
        min_length=1,
        description="Where the meeting takes place: an address, a room or a video-call link.",
    )
    budget: float | None = Field(
        default=None, ge=0, description="The budget for the meeting in US dollars, if mentioned."
    )
    deadline: dt.date | None = Field(
        default=None, description="The date by which the meeting's outcome is due, if mentioned."
    )

    @model_validator(mode="after")
    def deadline_after_meeting(self) -> MeetingInfo:
        """A deadline before the meeting is a misreading of the text: ask again."""
        if self.deadline is not None and self.deadline < self.date:
            raise ValueError(
                f"the deadline {self.deadline} is before the meeting on {self.date}; "
                "the outcome can only be due after the meeting"
            )
        return self
