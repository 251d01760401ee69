"""Runnable examples in docstrings are executed, so they cannot go stale."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "schemastream.runtime._parser",
    "schemastream.runtime._stream",
    "schemastream.runtime._partial_model",
    "schemastream.runtime._sse",
    "schemastream.testing._server",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 or name.endswith("_partial_model")
    assert result.failed == 0
