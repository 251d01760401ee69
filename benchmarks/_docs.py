"""Seeded benchmark documents and the models that describe them.

``Doc`` and its parts are the full models; ``Partial*`` are the twins the generator would
emit for them; ``AllOptional*`` are plain all-optional models for pydantic's partial mode.
"""

from __future__ import annotations

import json
import random
from typing import Any, Literal

from pydantic import BaseModel, Field

from schemastream.runtime import PartialModel, SnapshotDict, SnapshotList

Kind = Literal["talk", "panel", "break"]
KINDS: frozenset[str] = frozenset(("talk", "panel", "break"))
AGENDA_MAX = 16


# --- full models -------------------------------------------------------------------------


class Address(BaseModel):
    street: str
    city: str
    postcode: str
    country: str
    lat: float
    lon: float


class User(BaseModel):
    id: int
    name: str
    email: str
    age: int = Field(ge=0, le=150)
    score: float
    address: Address
    tags: list[str]
    bio: str


class AgendaItem(BaseModel):
    kind: Kind
    title: str
    speaker: str | None
    start: int
    minutes: int
    rating: float


class Doc(BaseModel):
    event: str
    edition: int
    agenda: list[AgendaItem]
    users: list[User]


# --- Partial twins, as the generator emits them --------------------------------------------


class PartialAddress(PartialModel):
    street: str | None = None
    city: str | None = None
    postcode: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


class PartialUser(PartialModel):
    id: int | None = None
    name: str | None = None
    email: str | None = None
    age: int | None = None
    score: float | None = None
    address: PartialAddress | None = None
    tags: SnapshotList[str] | None = None
    bio: str | None = None


class PartialAgendaItem(PartialModel):
    kind: Kind | None = None
    title: str | None = None
    speaker: str | None = None
    start: int | None = None
    minutes: int | None = None
    rating: float | None = None


class PartialDoc(PartialModel):
    event: str | None = None
    edition: int | None = None
    agenda: SnapshotList[PartialAgendaItem] | None = None
    users: SnapshotList[PartialUser] | None = None


# --- plain all-optional models (pydantic's experimental partial validation) -------------------


class AllOptionalAddress(BaseModel):
    street: str | None = None
    city: str | None = None
    postcode: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


class AllOptionalUser(BaseModel):
    id: int | None = None
    name: str | None = None
    email: str | None = None
    age: int | None = None
    score: float | None = None
    address: AllOptionalAddress | None = None
    tags: list[str] | None = None
    bio: str | None = None


class AllOptionalAgendaItem(BaseModel):
    kind: Kind | None = None
    title: str | None = None
    speaker: str | None = None
    start: int | None = None
    minutes: int | None = None
    rating: float | None = None


class AllOptionalDoc(BaseModel):
    event: str | None = None
    edition: int | None = None
    agenda: list[AllOptionalAgendaItem] | None = None
    users: list[AllOptionalUser] | None = None


# --- documents -----------------------------------------------------------------------------

_FIRST = ["José", "Zoë", "Łukasz", "Ana", "Søren", "Mia", "Chloé", "Ömer", "李", "Nadia"]
_LAST = ["Álvarez", "Müller", "Nowak", "O'Brien", "Dvořák", "Smith", "Saint-Saëns", "雷"]
_CITIES = ["Zürich", "São Paulo", "Kraków", "Reykjavík", "Montréal", "Łódź", "Tōkyō"]
_COUNTRIES = ["CH", "BR", "PL", "IS", "CA", "JP", "FR"]
_TAGS = ["rust", "python", "ml", "café", "🚀 launch", "ops", "design", "naïve-bayes", "ux"]
_WORDS = [
    "streaming",
    "parser",
    "résumé",
    "fast",
    "quoted",
    "naïve",
    "über",
    "JSON",
    "🎉",
    "snapshot",
    "token",
    "ñandú",
    "emoji 😀",
    "tab",
    "line",
]
_TITLES = [
    "Keynote",
    "Lightning talks",
    "Coffee",
    'Panel: "the future"',
    "Lunch ☕",
    "Deep dive",
    "Q&A",
    "Closing",
]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    # Escapes the parser must decode: quotes, backslashes, newlines, tabs.
    return f'{text} "quoted" path C:\\tmp\\x\nnext\tline é'


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _user(rng: random.Random, index: int) -> dict[str, Any]:
    city = rng.randrange(len(_CITIES))
    return {
        "id": 1000 + index * 7 + rng.randrange(7),
        "name": _name(rng),
        "email": f"user{index}@example.com",
        "age": rng.randint(18, 99),
        "score": round(rng.uniform(10, 9999), 1) + 0.5,
        "address": {
            "street": f"{rng.randint(1, 999)} Rue de l'Église",
            "city": _CITIES[city],
            "postcode": f"{rng.randint(10000, 99999)}",
            "country": _COUNTRIES[city],
            "lat": round(rng.uniform(-80, 80), 4),
            "lon": round(rng.uniform(-170, 170), 4),
        },
        "tags": rng.sample(_TAGS, rng.randint(1, 4)),
        "bio": _sentence(rng, rng.randint(4, 12)),
    }


def _item(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(("talk", "talk", "panel", "break"))
    speaker = None if kind == "break" or rng.random() < 0.2 else _name(rng)
    return {
        "kind": kind,
        "title": rng.choice(_TITLES),
        "speaker": speaker,
        "start": rng.randint(480, 1200),
        "minutes": rng.choice((15, 25, 45, 60, 90)),
        "rating": round(rng.uniform(1, 5), 2) + 0.005,
    }


def build_document(size: int, seed: int = 3) -> str:
    """JSON text of a ``Doc`` of about ``size`` UTF-8 bytes (deterministic for a seed).

    The agenda (two items per user, at most ``AGENDA_MAX``) comes first and the users fill
    the rest, so the first few thousand chunks of every size hold both kinds of object
    and big documents end in one long list. Even-numbered users are serialised with
    ``ensure_ascii`` (``\\u00e9``, surrogate pairs for emoji), odd ones as raw UTF-8.
    """
    rng = random.Random(seed)
    head = {"event": "SchemaConf 2026 — Zürich 🎉", "edition": 2026}
    items: list[str] = []
    users: list[str] = []
    total = len(json.dumps(head, ensure_ascii=False).encode()) + 30
    while True:
        if len(items) < AGENDA_MAX and len(items) <= 2 * len(users):
            target, value = items, json.dumps(_item(rng), ensure_ascii=False)
        else:
            target = users
            value = json.dumps(_user(rng, len(users)), ensure_ascii=len(users) % 2 == 0)
        grow = len(value.encode()) + 2
        if total + grow / 2 > size:  # stop as close to ``size`` as the last object allows
            break
        target.append(value)
        total += grow
    prefix = json.dumps(head, ensure_ascii=False)[:-1]
    text = f'{prefix}, "agenda": [{", ".join(items)}], "users": [{", ".join(users)}]}}'
    Doc.model_validate_json(text)  # the benchmark document must be valid
    return text


def chunk_text(text: str, seed: int = 7, low: int = 1, high: int = 8) -> list[str]:
    """Split ``text`` into seeded random chunks of ``low``..``high`` characters."""
    rng = random.Random(seed)
    chunks: list[str] = []
    i = 0
    while i < len(text):
        step = rng.randint(low, high)
        chunks.append(text[i : i + step])
        i += step
    return chunks


# --- flat arrays and wide dicts: one long open container ---------------------------------


class Row(BaseModel):
    id: int
    name: str
    ok: bool


class Flat(BaseModel):
    rows: list[Row]


class Wide(BaseModel):
    values: dict[str, int]


class PartialRow(PartialModel):
    id: int | None = None
    name: str | None = None
    ok: bool | None = None


class PartialFlat(PartialModel):
    rows: SnapshotList[PartialRow] | None = None


class PartialWide(PartialModel):
    values: SnapshotDict[int] | None = None


class AllOptionalRow(BaseModel):
    id: int | None = None
    name: str | None = None
    ok: bool | None = None


class AllOptionalFlat(BaseModel):
    rows: list[AllOptionalRow] | None = None


class AllOptionalWide(BaseModel):
    values: dict[str, int] | None = None


def flat_document(size: int) -> str:
    """``{"rows": [...]}``: small objects, as many as fit ``size`` characters."""
    rows = []
    total = len('{"rows": []}')
    while total < size:
        row = json.dumps({"id": len(rows), "name": f"row {len(rows)}", "ok": len(rows) % 3 == 0})
        rows.append(row)
        total += len(row) + 2
    return '{"rows": [' + ", ".join(rows) + "]}"


def wide_document(size: int) -> str:
    """``{"values": {...}}``: one object with as many keys as fit ``size`` characters."""
    items = []
    total = len('{"values": {}}')
    while total < size:
        item = f'"key{len(items)}": {len(items) * 7}'
        items.append(item)
        total += len(item) + 2
    return '{"values": {' + ", ".join(items) + "}}"
