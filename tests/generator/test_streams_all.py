"""Every model that generates must stream: golden schemas and a corpus of real ones.

For every streamable model of every golden package and of every schema under
``tests/corpus/schemas`` (CI configs, compose files, manifests: see its README), random
valid instances of the full model (polyfactory, seeded by hypothesis) are dumped as an LLM
following the schema would write them, streamed through the generated ``parse_*`` helper
in random chunkings, and checked against the snapshot rules (``tests/streaming.py``).
The corpus packages are built once per session, unformatted (ruff changes no behaviour).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from types import ModuleType

import pytest
from _generated import GOLDEN, ROOT, imported_unformatted
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.streaming import check_stream, instance_text, root_models, stream_helpers

CORPUS = ROOT / "tests" / "corpus" / "schemas"
GOLDEN_CASES = sorted(path.parent.name for path in GOLDEN.glob("*/schema.*"))
CORPUS_CASES = sorted(path.stem for path in CORPUS.glob("*.json"))
# Few examples per model: the corpus is where breadth comes from, and make test is timed.
# STREAMS_ALL_EXAMPLES=50 for a longer search. The examples are the same on every run (a
# red CI run can be replayed, and does not depend on luck); STREAMS_ALL_RANDOM=1 searches
# afresh each run, as a sweep should.
RANDOM = bool(os.environ.get("STREAMS_ALL_RANDOM"))
EXAMPLES = {
    kind: int(os.environ.get("STREAMS_ALL_EXAMPLES", default))
    for kind, default in (("golden", 6), ("corpus", 4))
}

Packages = Callable[[str, str], ModuleType]


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Packages]:
    """A golden package as checked in, or a corpus schema's package built on first use."""
    built: dict[tuple[str, str], ModuleType] = {}
    directory = tmp_path_factory.mktemp("streams_all")
    with ExitStack() as stack:

        def package(kind: str, case: str) -> ModuleType:
            if (kind, case) not in built:
                if kind == "golden":
                    built[kind, case] = stack.enter_context(_golden(case))
                else:
                    name = f"corpus_{case.replace('-', '_').replace('.', '_')}"
                    schema = CORPUS / f"{case}.json"
                    built[kind, case] = stack.enter_context(
                        imported_unformatted(schema, directory, name)
                    )
            return built[kind, case]

        yield package


class _golden:
    """Import a checked-in golden package; forget it after."""

    def __init__(self, case: str) -> None:
        self.directory = str(GOLDEN / case)
        self.name = f"{case}_models"

    def __enter__(self) -> ModuleType:
        sys.path.insert(0, self.directory)
        return importlib.import_module(self.name)

    def __exit__(self, *exc: object) -> None:
        sys.path.remove(self.directory)
        for module in [m for m in sys.modules if m == self.name or m.startswith(f"{self.name}.")]:
            del sys.modules[module]


CASES = [("golden", case) for case in GOLDEN_CASES] + [("corpus", case) for case in CORPUS_CASES]


@pytest.mark.parametrize(("kind", "case"), CASES, ids=[f"{k}-{c}" for k, c in CASES])
def test_every_class_builds(packages: Packages, kind: str, case: str) -> None:
    package = packages(kind, case)
    built = 0
    for module in (package.models, package.partial):
        for model in root_models(module):
            model.model_rebuild(force=True)
            built += 1
    assert built >= 2


@pytest.mark.parametrize(("kind", "case"), CASES, ids=[f"{k}-{c}" for k, c in CASES])
def test_every_streamable_model_streams(packages: Packages, kind: str, case: str) -> None:
    helpers = stream_helpers(packages(kind, case))
    assert helpers, "no streamable model"
    streamed: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES[kind],
        derandomize=not RANDOM,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a smaller seed is no simpler
    )
    @given(
        seed=st.integers(0, 2**32 - 1),
        sizes=st.lists(st.integers(1, 24), min_size=1, max_size=6),
    )
    def streams(seed: int, sizes: list[int]) -> None:
        for helper in helpers:
            text = instance_text(helper.spec.full, seed)
            if text is not None:
                check_stream(helper, text, sizes)
                streamed[helper.spec.name] += 1

    streams()
    # Each model got at least one valid instance: none passed by never being tried.
    assert sorted(streamed) == sorted(helper.spec.name for helper in helpers)


def test_the_corpus_is_what_its_readme_lists() -> None:
    readme = (CORPUS.parent / "README.md").read_text(encoding="utf-8")
    assert len(CORPUS_CASES) >= 8
    for case in CORPUS_CASES:
        assert f"`{case}.json`" in readme, case
    assert all((CORPUS.parent / name).is_file() for name in _licences(readme))


def _licences(readme: str) -> list[str]:
    return [word.strip("`,.") for word in readme.split() if word.strip("`,.").endswith(".LICENSE")]
