"""The one Jinja2 environment, its filters, and rendering of the emitted modules.

Schema text reaches templates only as data passed through the ``pystr`` and
``docstring`` filters, which turn it into escaped Python literals; it is never part
of a template's source, so Jinja never evaluates it.
"""

from __future__ import annotations

from functools import cache

import jinja2

from .modules import InitModule, PartialModule, SchemasModule, StreamModule

__all__ = [
    "docstring",
    "environment",
    "pystr",
    "render_init",
    "render_partial",
    "render_partial_stub",
    "render_schemas",
    "render_stream",
]


def pystr(value: str | None) -> str:
    """A Python string literal for any text (``repr`` escapes quotes, backslashes, controls).

    >>> print(pystr('it"s'))
    'it"s'
    """
    return repr(value)


def docstring(text: str) -> str:
    r"""The body of a triple-double-quoted docstring holding ``text`` literally.

    Backslashes, every double quote and control characters are escaped, so the text
    can neither close the docstring nor smuggle in an escape sequence.

    >>> print(docstring('say "hi" ' + chr(92)))
    say \"hi\" \\
    """
    out: list[str] = []
    for char in text.strip():
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char in "\n\t":
            out.append(char)
        elif not char.isprintable() or "\ud800" <= char <= "\udfff":
            out.append(char.encode("unicode_escape").decode("ascii"))
        else:
            out.append(char)
    return "".join(out)


@cache
def environment() -> jinja2.Environment:
    """The environment every template renders in (templates are package data)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("schemastream", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["pystr"] = pystr
    env.filters["docstring"] = docstring
    return env


def render_partial(module: PartialModule) -> str:
    """``partial.py``, unformatted."""
    return environment().get_template("partial.py.jinja").render(module=module)


def render_partial_stub(module: PartialModule) -> str:
    """``partial.pyi``, unformatted."""
    return environment().get_template("partial.pyi.jinja").render(module=module)


def render_stream(module: StreamModule) -> str:
    """``stream.py``, unformatted."""
    return environment().get_template("stream.py.jinja").render(module=module)


def render_init(module: InitModule) -> str:
    """``__init__.py``, unformatted."""
    return environment().get_template("__init__.py.jinja").render(module=module)


def render_schemas(module: SchemasModule) -> str:
    """``schemas.py``, unformatted."""
    return environment().get_template("schemas.py.jinja").render(module=module)
