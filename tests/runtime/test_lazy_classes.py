"""LazyClasses: a module's classes created on first use, with what they refer to, once."""

from __future__ import annotations

import sys
import threading
import time
import typing
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType

import pytest
from pydantic import BaseModel, ConfigDict, create_model

from schemastream.runtime import DeferredRootModel, LazyClasses

# A ring this long is too deep for pydantic to build; creating its classes is what is tested.
DEFERRED = ConfigDict(defer_build=True)
Factories = dict[str, tuple[Callable[[], type[BaseModel]], tuple[str, ...]]]


@pytest.fixture
def module() -> Iterator[ModuleType]:
    """A real module in ``sys.modules``, where pydantic resolves forward references."""
    module = ModuleType("lazy_ring")
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


def ring(module: ModuleType, size: int, calls: Counter[str]) -> Factories:
    """``Node<i>`` with a field ``next: Node<i+1>``, the last one's back to ``Node0``."""

    def factory(index: int) -> Callable[[], type[BaseModel]]:
        def make() -> type[BaseModel]:
            calls[f"Node{index}"] += 1
            target = f"Node{(index + 1) % size}"
            # An earlier class is named by the class itself, a later one by a quoted name.
            earlier = vars(module).get(target)
            hint = f"{target} | None" if earlier is None else earlier | None
            return create_model(
                f"Node{index}", __config__=DEFERRED, __module__=module.__name__, next=(hint, None)
            )

        return make

    return {f"Node{i}": (factory(i), (f"Node{(i + 1) % size}",)) for i in range(size)}


def test_a_ring_is_created_whole_on_first_use_in_definition_order(module: ModuleType) -> None:
    calls: Counter[str] = Counter()
    classes = LazyClasses(vars(module), ring(module, 300, calls))
    module.__getattr__ = classes.load  # type: ignore[attr-defined]
    assert not calls
    assert "Node7" in classes.names()
    middle = module.Node150
    assert list(calls) == [f"Node{i}" for i in range(300)]  # definition order, each once
    assert set(calls.values()) == {1}
    assert middle.__qualname__ == "Node150" and middle.__module__ == "lazy_ring"
    assert typing.get_type_hints(middle)["next"] == module.Node151 | None  # type: ignore[attr-defined]
    assert module.Node0 is vars(module)["Node0"]


def test_only_what_a_class_refers_to_is_created(module: ModuleType) -> None:
    calls: Counter[str] = Counter()
    factories = ring(module, 3, calls)
    factories["Alone"] = (lambda: create_model("Alone", __module__="lazy_ring", x=(int, 0)), ())
    classes = LazyClasses(vars(module), factories)
    assert classes.load("Alone").__name__ == "Alone"
    assert not calls
    with pytest.raises(AttributeError, match="module 'lazy_ring' has no attribute 'Nope'"):
        classes.load("Nope")


def test_a_failing_class_leaves_none_of_its_closure(module: ModuleType) -> None:
    calls: Counter[str] = Counter()
    factories = ring(module, 4, calls)
    make_last, refers = factories["Node3"]
    failures = iter([RuntimeError("boom")])

    def flaky() -> type[BaseModel]:
        if (error := next(failures, None)) is not None:
            raise error
        return make_last()

    factories["Node3"] = (flaky, refers)
    classes = LazyClasses(vars(module), factories)
    with pytest.raises(RuntimeError, match="boom"):
        classes.load("Node1")
    assert not {"Node0", "Node1", "Node2", "Node3"} & set(vars(module))
    assert classes.load("Node1").__name__ == "Node1"  # the next access tries again
    assert {"Node0", "Node1", "Node2", "Node3"} <= set(vars(module))


def test_threads_get_the_same_classes(module: ModuleType) -> None:
    calls: Counter[str] = Counter()
    barrier = threading.Barrier(8)

    def slow(make: Callable[[], type[BaseModel]]) -> Callable[[], type[BaseModel]]:
        def make_slowly() -> type[BaseModel]:
            time.sleep(0.001)  # lets the other threads run mid-creation
            return make()

        return make_slowly

    factories = {
        name: (slow(make), refers) for name, (make, refers) in ring(module, 40, calls).items()
    }
    classes = LazyClasses(vars(module), factories)

    def load(index: int) -> type[BaseModel]:
        barrier.wait()
        return classes.load(f"Node{index * 5}")

    with ThreadPoolExecutor(8) as pool:
        loaded = list(pool.map(load, range(8)))
    assert [cls.__name__ for cls in loaded] == [f"Node{i * 5}" for i in range(8)]
    assert set(calls.values()) == {1} and len(calls) == 40


def test_deferred_root_model_builds_on_first_use() -> None:
    class Tags(DeferredRootModel[list[str]]):
        pass

    assert not Tags.__pydantic_complete__
    assert Tags.model_validate(["a"]).root == ["a"]
    assert Tags.__pydantic_complete__
