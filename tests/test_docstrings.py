"""Runnable examples in docstrings are executed, so they cannot go stale.

Every module of the package whose source holds an example is collected, and doctest must
run each example it holds: one written where doctest does not look fails the test.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import schemastream

# The public surface teaches by example: these modules must keep theirs.
DOCUMENTED = [
    "schemastream.generator.errors",
    "schemastream.runtime._parser",
    "schemastream.runtime._partial_model",
    "schemastream.runtime._sse",
    "schemastream.runtime._stream",
    "schemastream.testing._server",
]


def written_examples(name: str) -> int:
    """How many examples the module's source holds, read as text (nothing is imported)."""
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None, name
    source = Path(spec.origin).read_text(encoding="utf-8")
    return len(doctest.DocTestParser().get_examples(source))


WRITTEN = {
    info.name: count
    for info in pkgutil.walk_packages(schemastream.__path__, "schemastream.")
    if (count := written_examples(info.name))
}


def test_documented_modules_keep_their_examples() -> None:
    assert [name for name in DOCUMENTED if name not in WRITTEN] == []


@pytest.mark.parametrize("name", sorted(WRITTEN))
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted == WRITTEN[name], "some examples are where doctest does not look"
