"""partial.py grows with the number of models, however they refer to each other."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from _generated import imported

from schemastream.runtime import parse_structured


def bow_tie(width: int) -> dict[str, Any]:
    """``Tie`` -> ``Source<i>`` -> ``Knot`` -> ``Sink<i>``: 2 * width + 2 models whose
    ``width`` sources each reach every sink, in a graph only 4 classes deep."""
    sources = {
        f"Source{i}": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "knot": {"$ref": "#/$defs/Knot"}},
        }
        for i in range(width)
    }
    sinks = {
        f"Sink{i}": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "size": {"type": "integer"}},
        }
        for i in range(width)
    }
    knot = {
        "type": "object",
        "properties": {f"sink{i}": {"$ref": f"#/$defs/Sink{i}"} for i in range(width)},
    }
    return {
        "title": "Tie",
        "type": "object",
        "properties": {f"source{i}": {"$ref": f"#/$defs/Source{i}"} for i in range(width)},
        "$defs": {**sources, **sinks, "Knot": knot},
    }


def test_partial_module_grows_linearly_with_the_models(tmp_path: Path) -> None:
    # Before: the closure table listed every sink under every source, n²/4 names.
    bytes_per_model: dict[int, float] = {}
    for width in (24, 99, 399):  # 50, 200 and 800 models
        models = 2 * width + 2
        schema = tmp_path / f"tie{models}.json"
        schema.write_text(json.dumps(bow_tie(width)), encoding="utf-8")
        name = f"tie{models}"
        with imported(schema, tmp_path, name) as package:
            size = (tmp_path / name / "partial.py").stat().st_size
            bytes_per_model[models] = size / models
            partial = package.partial
            assert not set(partial.__all__) & set(vars(partial))  # importing created none
            started = time.perf_counter()
            source = partial.PartialSource0  # with the knot and every sink
            created = time.perf_counter() - started
            assert {"PartialKnot", f"PartialSink{width - 1}"} <= set(vars(partial))
            assert "PartialSource1" not in vars(partial)
            assert source.__qualname__ == "PartialSource0"
            assert created < 0.01 * models  # about 0.3 ms a class
            last = width - 1
            document = {
                "source0": {"name": "a", "knot": {"sink0": {"name": "x", "size": 1}}},
                f"source{last}": {"knot": {f"sink{last}": {"name": "y" * 40, "size": 2}}},
            }
            text = json.dumps(document)
            stream = parse_structured(
                package.TIE_SPEC, (text[i : i + 7] for i in range(0, len(text), 7))
            )
            snapshots = list(stream)
            assert snapshots[-1].model_dump(exclude_unset=True) == document
            assert stream.final.model_dump(exclude_unset=True) == document
    smallest, largest = bytes_per_model[50], bytes_per_model[800]
    assert largest < 1.25 * smallest, bytes_per_model
