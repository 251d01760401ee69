"""Names in generated code: snake_case helper names, safe identifiers, collision-free imports.

Every name that reaches generated code passes through here, so a schema's text can
only ever become a valid, non-reserved identifier.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Callable, Iterable

__all__ = [
    "Namespace",
    "UniqueNames",
    "fresh_name",
    "pascal_case",
    "root_class_name",
    "safe_identifier",
    "snake_case",
    "unique_names",
]

_ACRONYM_END = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD_START = re.compile(r"([a-z0-9])([A-Z])")
_NOT_WORD = re.compile(r"[^0-9a-zA-Z]+")


def safe_identifier(text: str, *, fallback: str = "field") -> str:
    """An ASCII identifier made from ``text``: never a keyword, never empty.

    >>> safe_identifier("e-mail"), safe_identifier("class"), safe_identifier("9lives")
    ('e_mail', 'class_', '_9lives')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = _NOT_WORD.sub("_", ascii_text).strip("_") or fallback
    if name[0].isdigit():
        name = f"_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name = f"{name}_"
    return name


def snake_case(name: str) -> str:
    """``MeetingInfo`` -> ``meeting_info``, ``HTTPError`` -> ``http_error``.

    >>> snake_case("MeetingInfo"), snake_case("HTTPError"), snake_case("Model2Item")
    ('meeting_info', 'http_error', 'model2_item')
    """
    text = _ACRONYM_END.sub(r"\1_\2", name)
    text = _WORD_START.sub(r"\1_\2", text)
    return safe_identifier(text.lower(), fallback="model").lower()


def pascal_case(text: str, *, fallback: str) -> str:
    """An ASCII class name made from ``text``, such as a file name's stem.

    >>> pascal_case("meeting-info", fallback="Schema"), pascal_case("2024", fallback="Schema")
    ('MeetingInfo', 'Schema2024')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    if not _NOT_WORD.sub("", ascii_text):
        return fallback
    name = "".join(word[:1].upper() + word[1:] for word in snake_case(ascii_text).split("_"))
    if name[0].isdigit():
        return f"{fallback}{name}"
    return f"{name}Model" if keyword.iskeyword(name) else name


def root_class_name(title: object, file_name: str) -> str | None:
    """The class name of a JSON Schema root, when its title cannot be one as it is.

    A title that is an identifier is kept (None: datamodel-code-generator uses it);
    another title is spelt as one; an untitled root is named from its file, never
    ``Model`` (whose twin would be the runtime's ``PartialModel``).

    >>> root_class_name("Meeting", "m.json"), root_class_name("2 go", "m.json")
    (None, 'M2Go')
    >>> root_class_name(None, "recipe-card.schema.json")
    'RecipeCard'
    """
    if isinstance(title, str) and title.isidentifier() and not keyword.iskeyword(title):
        return None
    from_file = pascal_case(file_name.split(".")[0], fallback="Schema")
    return pascal_case(title, fallback=from_file) if isinstance(title, str) else from_file


def fresh_name(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, else the first of ``base_2``, ``base_3``... that is not ``taken``.

    Every collision-free name of the generator comes from here: one suffix style.

    >>> fresh_name("Pet", {"Pet", "Pet_2"}.__contains__)
    'Pet_3'
    """
    name, counter = base, 2
    while taken(name):
        name, counter = f"{base}_{counter}", counter + 1
    return name


class UniqueNames:
    """Names handed out once each: :meth:`claim` gives ``base`` or its first free suffix."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken: set[str] = set(taken)

    def claim(self, base: str) -> str:
        """A name not handed out before, from :func:`fresh_name`; it is taken from now on."""
        name = fresh_name(base, self.taken.__contains__)
        self.taken.add(name)
        return name


def unique_names(names: Iterable[str]) -> list[str]:
    """The names in order, later duplicates suffixed ``_2``, ``_3``... deterministically.

    >>> unique_names(["a", "b", "a", "a_2", "a"])
    ['a', 'b', 'a_2', 'a_2_2', 'a_3']
    """
    unique = UniqueNames()
    return [unique.claim(name) for name in names]


class Namespace:
    """The top-level names of one generated module, handed out without collisions.

    Names the module defines are reserved first; an imported name that would shadow
    one of them (or another import) is imported under a private alias instead. A
    builtin is imported (``from builtins import list as _list``) only when hidden.
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._taken: set[str] = set(reserved)
        self._imports: dict[tuple[str, str], str] = {}

    def reserve(self, name: str) -> None:
        """Claim ``name`` for something the module defines itself."""
        self._taken.add(name)

    def import_name(self, module: str, name: str) -> str:
        """The local name under which ``module.name`` is imported (allocated on first use)."""
        key = (module, name)
        if key in self._imports:
            return self._imports[key]
        if module == "builtins" and name not in self._taken:
            return name  # a builtin needs an import only where a name hides it
        alias = name
        while alias in self._taken:
            alias = f"_{alias}"
        self._taken.add(alias)
        self._imports[key] = alias
        return alias

    def bind(self, module: str, name: str, alias: str) -> None:
        """Record an import allocated elsewhere (to split one namespace's imports in two)."""
        self._taken.add(alias)
        self._imports[(module, name)] = alias

    @property
    def imported(self) -> frozenset[tuple[str, str]]:
        """``(module, name)`` of every import allocated so far."""
        return frozenset(self._imports)

    @property
    def imports(self) -> list[tuple[str, str, str]]:
        """``(module, name, alias)`` for every import, sorted."""
        return sorted((module, name, alias) for (module, name), alias in self._imports.items())
