"""Random valid instances of a generated full model, streamed through its ``parse_*`` helper.

Shared by ``tests/generator/test_streams_all.py`` and ``scripts/corpus_sweep.py``: the
instance is the JSON an LLM following the schema would write, the stream is checked
against the snapshot rules, and any break is an AssertionError that says which.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from random import Random
from types import ModuleType
from typing import Any

from polyfactory.factories.base import BuildContext
from polyfactory.factories.pydantic_factory import ModelFactory
from polyfactory.field_meta import FieldMeta, Null
from pydantic import BaseModel, RootModel, ValidationError

from schemastream.runtime import PartialModel, PartialStream, StreamSpec
from tests.runtime._json_checks import chunked, is_prefix

__all__ = ["Helper", "check_stream", "instance_text", "stream_helpers"]

ParseHelper = Callable[[Iterable[str]], PartialStream[Any, Any]]
# Tries per example: a factory's value can still fail a constraint it does not model.
_TRIES = 5
_DEPTH = 4  # models deep, past which optional fields are left out
_MAX_TEXT = 20_000  # characters: what a model answers in one go, and what a test can afford
# Field values built per instance, past which the build stops: a required field can nest
# models without end (github-workflow: a third of seeds never finish). The largest instance
# the golden and corpus packages accepted under _MAX_TEXT took about 1,100.
_MAX_VALUES = 5_000


class Helper:
    """One streamable model of a generated package: its spec and its ``parse_*`` helper."""

    def __init__(self, constant: str, spec: StreamSpec[Any, Any], parse: ParseHelper) -> None:
        self.constant = constant
        self.spec = spec
        self.parse = parse

    def __repr__(self) -> str:
        return f"Helper({self.spec.name})"


def stream_helpers(package: ModuleType) -> list[Helper]:
    """Every ``StreamSpec`` of a generated package with its ``parse_*`` helper, by name."""
    stream = package.stream
    helpers = []
    for constant, spec in sorted(vars(stream).items()):
        if isinstance(spec, StreamSpec):
            snake = constant.removesuffix("_SPEC").lower()
            helpers.append(Helper(constant, spec, getattr(stream, f"parse_{snake}")))
    return helpers


def instance_text(full: type[BaseModel], seed: int) -> str | None:
    """The JSON of a random valid ``full`` instance, or None when none could be built.

    Dumped by alias, without the values equal to their defaults: a key the schema does
    not require is left out rather than written ``null``, as a model following the
    schema would write it. The text is returned only if ``full`` validates it.
    """
    random = Random(seed)
    factory = _factory(full)
    for _ in range(_TRIES):
        factory.seed_random(random.getrandbits(32))
        _Factory.__values_built__ = 0
        try:
            instance = factory.build()
        except Exception:  # the factory's limits (_TooBig too), not the package's: another seed
            continue
        text = instance.model_dump_json(by_alias=True, exclude_defaults=True)
        if len(text) > _MAX_TEXT:
            continue
        try:
            full.model_validate_json(text)
        except ValidationError:
            continue  # a value that does not survive its own JSON (e.g. a float's last digit)
        return text
    return None


class _TooBig(Exception):
    """An instance took more than ``_MAX_VALUES`` field values: built no further."""


class _Factory(ModelFactory[Any]):
    """Polyfactory's model factory, but optional fields stop being filled past a depth,
    and a build stops past ``_MAX_VALUES`` field values.

    Its own guard stops only at a model already on the path, so a schema of many
    distinct nested models gives instances of exponential size.
    """

    __is_base_factory__ = True
    __randomize_collection_length__ = True
    __min_collection_length__ = 0
    __max_collection_length__ = 3
    __check_model__ = False
    __values_built__ = 0  # by the build under way, in every factory: set on _Factory itself

    @classmethod
    def get_field_value(
        cls,
        field_meta: FieldMeta,
        field_build_parameters: Any | None = None,
        build_context: BuildContext | None = None,
    ) -> Any:
        context = cls._get_build_context(build_context)
        if not field_meta.required and len(context["seen_models"]) > _DEPTH:
            return Null
        _Factory.__values_built__ += 1
        if _Factory.__values_built__ > _MAX_VALUES:
            raise _TooBig
        return super().get_field_value(field_meta, field_build_parameters, context)


_Factory.__base_factory_overrides__ = {BaseModel: _Factory}


def _factory(full: type[BaseModel]) -> type[ModelFactory[Any]]:
    full.model_rebuild(force=True)
    return _Factory.create_factory(full)


def check_stream(helper: Helper, text: str, sizes: list[int]) -> None:
    """Stream ``text`` in chunks of ``sizes`` through the helper and check every rule.

    The final value is the full model validated from the text, of exactly that class.
    Every snapshot is an instance of the partial class whose JSON is an early view of
    the final JSON (rule 2) and differs from the one before (rule 1); a field complete
    in one snapshot holds the same object in the next (rule 4); the last snapshot is
    complete and its JSON is the whole document (rules 3 and 5).
    """
    spec = helper.spec
    partial = spec.partial
    document = json.loads(text)
    with helper.parse(iter(chunked(text, sizes))) as stream:
        snapshots, dumps = [], []
        for snapshot in stream:
            snapshots.append(snapshot)
            dumps.append(_dump(snapshot))  # now: a snapshot may be reused by the next one
        final = stream.final
    assert type(final) is spec.full, (type(final), spec.full)
    assert final == spec.full.model_validate_json(text)
    assert stream.text == text
    assert snapshots, "no snapshot"
    for index, (snapshot, dump) in enumerate(zip(snapshots, dumps, strict=True)):
        assert isinstance(snapshot, partial), (index, type(snapshot), partial)
        assert is_prefix(dump, document), f"snapshot {index}: {_difference(dump, document)}"
        if index > 0:
            if index < len(dumps) - 1:
                assert dump != dumps[index - 1], f"snapshot {index} changed nothing"
            _assert_reused(snapshots[index - 1], snapshot, f"snapshot {index}")
    assert dumps[-1] == document, f"last snapshot: {_difference(dumps[-1], document)}"
    last = stream.snapshot  # the last one yielded, or the same value marked complete
    assert _dump(last) == document
    if isinstance(last, PartialModel):
        assert last.is_complete(), "the stream ended on an incomplete snapshot"


def _dump(snapshot: BaseModel) -> Any:
    return snapshot.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _difference(seen: Any, final: Any, path: str = "") -> str:
    """Where ``seen`` first departs from ``final``, for a message a person can read."""
    if isinstance(seen, dict) and isinstance(final, dict):
        for key in seen:
            if key not in final:
                return f"{path}/{key}: not in the document"
            if seen[key] != final[key]:
                return _difference(seen[key], final[key], f"{path}/{key}")
        missing = [key for key in final if key not in seen]
        return f"{path}: keys {missing} missing"
    if isinstance(seen, list) and isinstance(final, list):
        for index, (a, b) in enumerate(zip(seen, final, strict=False)):
            if a != b:
                return _difference(a, b, f"{path}/{index}")
        return f"{path}: {len(seen)} items, the document has {len(final)}"
    return f"{path}: {seen!r:.200} vs {final!r:.200}"


def _assert_reused(previous: Any, current: Any, where: str) -> None:
    """Rule 4: a model or container field complete in ``previous`` is the same object now."""
    if not isinstance(previous, PartialModel) or not isinstance(current, PartialModel):
        return
    for name in previous.completed_fields:
        before = getattr(previous, name, None)
        if isinstance(before, BaseModel | list | dict):
            assert getattr(current, name, None) is before, f"{where}: {name} was rebuilt"
    for name in type(previous).model_fields:
        if name not in previous.completed_fields:
            _assert_reused(getattr(previous, name), getattr(current, name), f"{where}.{name}")


def root_models(module: ModuleType) -> Iterator[type[BaseModel]]:
    """The BaseModel classes a generated module defines (lazy partial classes included)."""
    names = getattr(module, "__all__", None) or list(vars(module))
    for name in names:
        value = getattr(module, name)
        if (
            isinstance(value, type)
            and issubclass(value, BaseModel)
            and value.__module__ == module.__name__
            and not name.startswith("_")
            and value is not RootModel
        ):
            yield value
