"""One package, formatted in one pass: each file as ruff formats it alone, errors named."""

from __future__ import annotations

import pytest

from schemastream.generator.errors import GeneratorError
from schemastream.generator.fmt import format_package


def test_each_file_is_formatted_by_its_own_kind() -> None:
    files = {
        "stream.py": "import sys\nimport os\nx = {'a':1}\ndef f(): ...\n",
        "partial.pyi": "class A:\n    x: int\n\n\n\nclass B: ...\n",
    }
    assert format_package(files) == {
        "stream.py": 'x = {"a": 1}\n\n\ndef f(): ...\n',  # unused imports dropped
        "partial.pyi": "class A:\n    x: int\n\nclass B: ...\n",  # a stub's blank lines
    }


def test_a_file_ruff_cannot_parse_is_a_generator_error_naming_it() -> None:
    with pytest.raises(GeneratorError, match=r"a generator bug.*broken\.py"):
        format_package({"fine.py": "x = 1\n", "broken.py": "def (:\n"})
