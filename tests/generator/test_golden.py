"""Golden records: every case under tests/golden regenerates byte for byte, imports and builds.

Regenerate them all with ``make models`` (``schemastream generate``, reading the
targets in pyproject.toml), then review the diff.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import BaseModel

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from _generated import GOLDEN, ROOT, golden_schema

import schemastream.runtime
from schemastream.generator import build

CASES = sorted(path.parent.name for path in GOLDEN.glob("*/schema.*"))


def package_dir(case: str) -> Path:
    return GOLDEN / case / f"{case}_models"


@pytest.mark.parametrize("case", CASES)
def test_golden_files_are_up_to_date(case: str) -> None:
    files = build(golden_schema(case)).files
    on_disk = {
        path.name: path.read_text(encoding="utf-8")
        for path in package_dir(case).iterdir()
        if path.suffix in {".py", ".pyi"}
    }
    assert sorted(on_disk) == sorted(files), "run `make models`"
    for name, text in files.items():
        assert on_disk[name] == text, f"{case}/{name} is stale: run `make models`"


def test_every_golden_case_and_the_example_are_pyproject_targets() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    targets = {(t["input"], t["output"]) for t in config["tool"]["schemastream"]["targets"]}
    expected = {
        (str(golden_schema(case).relative_to(ROOT)), str(package_dir(case).relative_to(ROOT)))
        for case in CASES
    }
    expected.add(("examples/meeting/schema.json", "examples/meeting/meeting_models"))
    assert expected <= targets
    assert len(CASES) >= 11


@pytest.fixture
def golden_package(request: pytest.FixtureRequest) -> Iterator[ModuleType]:
    case: str = request.param
    name = f"{case}_models"
    sys.path.insert(0, str(GOLDEN / case))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(GOLDEN / case))
        for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[module]


@pytest.mark.parametrize("golden_package", CASES, indirect=True)
def test_every_golden_class_builds(golden_package: ModuleType) -> None:
    # Schemas are built lazily (defer_build); force every one so forward refs are checked.
    built = 0
    for module_name in ("models", "partial"):
        module = importlib.import_module(f"{golden_package.__name__}.{module_name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, BaseModel)
                and cls.__module__ == module.__name__
                and not cls.__name__.startswith("_")  # the deferred generic RootModel base
            ):
                cls.model_rebuild(force=True)
                cls.model_json_schema()
                built += 1
    assert built >= 2
    # Every public name resolves through the lazy __init__, stream helpers included.
    stream = importlib.import_module(f"{golden_package.__name__}.stream")
    assert set(stream.__all__) <= set(golden_package.__all__)
    for name in golden_package.__all__:
        assert getattr(golden_package, name) is not None


def test_meeting_example_is_up_to_date() -> None:
    example = ROOT / "examples" / "meeting"
    files = build(example / "schema.json").files
    for name, text in files.items():
        on_disk = (example / "meeting_models" / name).read_text(encoding="utf-8")
        assert on_disk == text, (
            f"examples/meeting/meeting_models/{name} is stale: run `make models`"
        )


ROOT_ARRAY = (
    '[{"name": "launch", "tags": ["go", "live"], "score": 7},'
    ' {"name": "landing", "tags": ["done"]}]'
)


def chunked(text: str, size: int = 4) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@pytest.mark.parametrize("golden_package", ["root_models"], indirect=True)
def test_root_array_streams_through_its_parse_helper(golden_package: ModuleType) -> None:
    package = golden_package
    assert package.EVENTS_SPEC.envelope == "items"  # the API's answer; parse_ reads the list
    with package.parse_events(chunked(ROOT_ARRAY)) as stream:
        snapshots = list(stream)
    assert all(isinstance(snap, package.PartialEvents) for snap in snapshots)
    sizes = [len(json.dumps(snap.model_dump(exclude_none=True))) for snap in snapshots]
    assert len(snapshots) > 5 and sizes == sorted(sizes) and sizes[0] < sizes[-1]
    final = stream.final
    assert isinstance(final, package.Events)
    assert [event.name for event in final.root] == ["launch", "landing"]
    assert final.root[0].score is not None and final.root[0].score.root == 7
    assert snapshots[-1].model_dump() == final.model_dump()


@pytest.mark.parametrize("golden_package", ["root_models"], indirect=True)
def test_root_array_streams_through_its_async_parse_helper(golden_package: ModuleType) -> None:
    async def source() -> AsyncIterator[str]:
        for chunk in chunked(ROOT_ARRAY):
            yield chunk

    async def collect() -> tuple[list[BaseModel], BaseModel]:
        async with await golden_package.aparse_events(source()) as stream:
            return [snap async for snap in stream], stream.final

    snapshots, final = asyncio.run(collect())
    assert all(isinstance(snap, golden_package.PartialEvents) for snap in snapshots)
    assert final == golden_package.Events.model_validate_json(ROOT_ARRAY)


@pytest.mark.parametrize("golden_package", ["root_models"], indirect=True)
def test_root_array_elements_need_no_select(golden_package: ModuleType) -> None:
    stream = golden_package.parse_events(chunked(ROOT_ARRAY))
    events = stream.elements()
    first = next(events)
    assert isinstance(first, golden_package.Event) and first.name == "launch"
    assert stream.snapshot.root[-1].name != "landing"  # yielded before the list was read
    assert [event.name for event in events] == ["landing"]
    assert [event.name for event in stream.final.root] == ["launch", "landing"]


CATALOG = {
    "name": "spring",
    "scores": {"alpha": 3, "total": 10, "beta": 7},
    "items": [{"id": 1, "colour": "blue", "size": "XL"}, {"shape": "round", "id": 2}],
    "outline": {"title": "top", "intro": {"title": "i", "part": {}}, "end": {}},
    "bag": {"free": [1, {"deep": "text"}], "note": "n"},
}


@pytest.mark.parametrize("golden_package", ["extras"], indirect=True)
def test_extras_stream_through_the_parse_helper(golden_package: ModuleType) -> None:
    # Rule 5 with additionalProperties beside properties: every snapshot dumps exactly
    # the JSON seen so far (the plain parser's value after the same chunks).
    package = golden_package
    text = json.dumps(CATALOG)
    chunks = chunked(text, 3)
    plain = schemastream.runtime.SnapshotParser()
    seen = [plain.value for chunk in chunks if plain.feed(chunk)]
    with package.parse_catalog(chunks) as stream:
        dumps = [snap.model_dump(by_alias=True, exclude_unset=True) for snap in stream]
    assert dumps == seen and dumps[-1] == CATALOG
    last = stream.snapshot
    assert isinstance(last.outline.__pydantic_extra__["intro"], package.PartialSection)
    assert last.items[1].is_complete("shape")
    assert stream.final.model_dump(by_alias=True, exclude_unset=True) == CATALOG
