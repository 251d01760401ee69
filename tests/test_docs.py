"""The documentation stands alone and its API reference covers the public surface.

``make docs`` builds docs/ with ``mkdocs --strict``, rendering the reference from the
docstrings; these checks need no build: every public name is on a reference page, the
generator's page names every generator module, and README and docs/ link only to files
that exist in the repository.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = {
    "schemastream.runtime": ROOT / "docs" / "reference" / "runtime.md",
    "schemastream.testing": ROOT / "docs" / "reference" / "testing.md",
    "schemastream.web": ROOT / "docs" / "reference" / "web.md",
}
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
RELATIVE_LINK = re.compile(r"\]\((?!https?://|#|mailto:)([^)#\s]+)")


def rendered_names(page: Path) -> set[str]:
    """The names a reference page renders: the ``__all__`` of each module it names."""
    names: set[str] = set()
    for target in re.findall(r"(?m)^::: ([\w.]+)", page.read_text(encoding="utf-8")):
        names.update(importlib.import_module(target).__all__)
    return names


@pytest.mark.parametrize("package", sorted(REFERENCE))
def test_reference_renders_every_public_name(package: str) -> None:
    public = importlib.import_module(package).__all__
    page = REFERENCE[package]
    assert sorted(set(public) - rendered_names(page)) == [], f"add them to {page.name}"


def test_generator_page_names_every_module() -> None:
    text = (ROOT / "docs" / "generator.md").read_text(encoding="utf-8")
    modules = sorted((ROOT / "schemastream" / "generator").glob("*.py"))
    named = set(re.findall(r"[`/]([a-z_]+\.py)`", text))
    missing = [m.name for m in modules if m.name not in named | {"__init__.py"}]
    assert missing == [], "describe them in generator.md, 'How the code is organized'"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_docs_stand_alone(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert re.findall(r"DESIGN\.md|\.\./shared", text) == [], "users have neither: write it here"
    for link in RELATIVE_LINK.findall(text):
        assert (page.parent / link).exists(), f"{link} does not exist"
