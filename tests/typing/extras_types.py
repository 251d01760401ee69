# pyright: reportUnnecessaryTypeIgnoreComment=true
"""Static types of partial twins that keep extras (``additionalProperties`` beside properties).

Checked by mypy --strict and pyright, never executed (pytest does not collect this
file). ``assert_type`` fails the type check when a type drifts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from typing_extensions import assert_type

from tests.golden.extras.extras_models import (
    Catalog,
    PartialBag,
    PartialCatalog,
    PartialItem,
    PartialScores,
    PartialSection,
    parse_catalog,
)


def check_extras(chunks: Iterator[str]) -> None:
    with parse_catalog(chunks) as stream:
        for snap in stream:
            assert_type(snap, PartialCatalog)
            assert_type(snap.scores, PartialScores | None)
            if snap.scores is not None:
                assert_type(snap.scores.__pydantic_extra__, dict[str, int])
                assert_type(snap.scores.total, int | None)
            if snap.items:
                assert_type(snap.items[0], PartialItem)
                assert_type(snap.items[0].__pydantic_extra__, dict[str, str])
            if snap.outline is not None:
                assert_type(snap.outline.__pydantic_extra__, dict[str, PartialSection])
            if snap.bag is not None:
                # Untyped extras (additionalProperties: true): BaseModel's declaration.
                assert_type(snap.bag, PartialBag)
                assert_type(snap.bag.__pydantic_extra__, dict[str, Any] | None)
    assert_type(stream.final, Catalog)


def check_construction() -> None:
    # ``Field(init=False)``: the extras are no keyword of the constructor.
    PartialScores(total=1)
    PartialSection(title="t")
