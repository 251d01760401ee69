"""Check a schema's keywords before any code is generated from it.

A keyword whose value is of the wrong kind (``"type": "strng"``, a ``pattern`` pydantic
cannot compile, a length that overflows) is a GeneratorError naming the file and JSON
pointer; a valid construct the models cannot express (``not``, ``if``...) is a warning.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache, partial
from typing import Any

from pydantic_core import SchemaError, SchemaValidator, core_schema

from .errors import GeneratorError, located
from .jsonschema import join_pointer
from .source import describe

__all__ = ["KeywordCheck"]

Fail = Callable[[str], GeneratorError]

_TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")
# Keywords whose value is one schema, a non-empty list of schemas, or a map of schemas.
_SCHEMA = frozenset(
    {"additionalProperties", "additionalItems", "unevaluatedProperties", "unevaluatedItems",
     "not", "if", "then", "else", "contains", "propertyNames", "contentSchema"}
)  # fmt: skip
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
_COUNTS = frozenset(
    {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
     "minContains", "maxContains"}
)  # fmt: skip
_STRINGS = frozenset(
    {"title", "description", "format", "$ref", "$dynamicRef", "$anchor", "$dynamicAnchor",
     "$comment", "$id", "$schema", "contentMediaType", "contentEncoding"}
)  # fmt: skip
_BOOLEANS = frozenset({"nullable", "readOnly", "writeOnly", "deprecated", "uniqueItems"})
# datamodel-code-generator's own keywords that name Python code for models.py to import
# (``from os import system``): a schema never chooses what the generated code runs.
_PYTHON_NAMES = frozenset({"customTypePath", "customBasePath", "x-python-type", "x-python-import"})
_MAX_COUNT = 2**63 - 1  # pydantic-core keeps lengths in 64 bits

# Valid constructs the models do not enforce: keyword -> what became of it.
_NOT_ENFORCED = {
    "not": "`not` is not enforced: the models accept the values it excludes",
    "if": "`if`/`then`/`else` are not enforced: the models check only the other keywords",
    "contains": "`contains` is not enforced: the models accept arrays without such an item",
    "dependentSchemas": "`dependentSchemas` is not enforced",
    "dependentRequired": "`dependentRequired` is not enforced",
    "dependencies": "`dependencies` is not enforced",
    "prefixItems": "`prefixItems` (a tuple) is not expressed: its items are not typed by position",
    "uniqueItems": "`uniqueItems` is not enforced: the models accept repeated items",
    "unevaluatedItems": "`unevaluatedItems` is not enforced",
    "$dynamicRef": "`$dynamicRef` is resolved statically, like a $ref to its $dynamicAnchor",
}


class KeywordCheck:
    """Checks the schemas of one input (its own, then each one bundled from a sibling file).

    ``check`` raises GeneratorError for an invalid keyword value and collects warnings
    for valid constructs the models cannot express; ``finish`` checks what needs every
    schema seen (a ``$dynamicRef`` names a ``$dynamicAnchor`` somewhere) and returns the
    warnings. Integral floats of length keywords become ints in place (pydantic refuses
    ``max_length=5.0``).
    """

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self._anchors: set[str] = set()
        self._dynamic_refs: list[tuple[str, str, str]] = []  # (ref, path, pointer)

    def check(self, schema: object, *, path: str, pointer: str) -> None:
        """Check every keyword of ``schema``, found at ``pointer`` in the file ``path``."""
        stack: list[tuple[object, str]] = [(schema, pointer)]
        while stack:
            node, where = stack.pop()
            if isinstance(node, bool):
                continue
            if not isinstance(node, dict):
                raise GeneratorError(
                    f"expected a schema (an object or a boolean), found {describe(node)}",
                    path=path,
                    pointer=where,
                )
            for anchor in ("$anchor", "$dynamicAnchor"):
                if isinstance(node.get(anchor), str):
                    self._anchors.add(node[anchor])
            if isinstance(node.get("$dynamicRef"), str):
                self._dynamic_refs.append(
                    (node["$dynamicRef"], path, join_pointer(where, "$dynamicRef"))
                )
            stack.extend(reversed(self._check_node(node, path, where)))

    def finish(self) -> list[str]:
        """The warnings; raises for a ``$dynamicRef`` that names no anchor."""
        for ref, path, pointer in self._dynamic_refs:
            if not ref.startswith("#") or ref[1:].startswith("/"):
                raise GeneratorError(
                    f"`$dynamicRef` {ref!r} is not supported: only a $dynamicRef to an anchor of "
                    "the same document ('#name') is; use a $ref",
                    path=path,
                    pointer=pointer,
                )
            if ref[1:] not in self._anchors:
                raise GeneratorError(
                    f"`$dynamicRef` {ref!r} names no anchor: no schema declares "
                    f'"$dynamicAnchor": "{ref[1:]}"',
                    path=path,
                    pointer=pointer,
                )
        return list(dict.fromkeys(self.warnings))

    def _check_node(self, node: dict[str, Any], path: str, where: str) -> list[tuple[object, str]]:
        """Check one schema object's keywords; return its subschemas with their pointers."""
        children: list[tuple[object, str]] = []
        for key, value in node.items():
            at = join_pointer(where, key)
            fail: Fail = partial(GeneratorError, path=path, pointer=at)
            if key in _SCHEMA:
                children.append((value, at))
            elif key in _SCHEMA_LISTS:
                if not isinstance(value, list) or not value:
                    found = "an empty list" if value == [] else describe(value)
                    raise fail(f"`{key}` must be a non-empty list of schemas, found {found}")
                children.extend((item, join_pointer(at, str(i))) for i, item in enumerate(value))
            elif key in _SCHEMA_MAPS:
                if not isinstance(value, dict):
                    raise fail(f"`{key}` must be an object of schemas, found {describe(value)}")
                children.extend((item, join_pointer(at, name)) for name, item in value.items())
                if key == "patternProperties":
                    for name in value:
                        key_at = join_pointer(at, name)
                        _check_pattern(name, partial(GeneratorError, path=path, pointer=key_at))
            elif key == "items":
                if isinstance(value, list):  # draft 4 to 2019-09 tuples
                    children.extend(
                        (item, join_pointer(at, str(i))) for i, item in enumerate(value)
                    )
                else:
                    children.append((value, at))
            else:
                _check_value(node, key, value, fail)
            if key in _NOT_ENFORCED and value is not False:
                self.warnings.append(located(_NOT_ENFORCED[key], path=path, pointer=at))
        for key in _PYTHON_NAMES & node.keys():
            del node[key]
            self.warnings.append(
                located(
                    f"`{key}` is ignored: it names Python code, and a schema never chooses "
                    "what the generated code imports",
                    path=path,
                    pointer=join_pointer(where, key),
                )
            )
        if "patternProperties" in node and ("properties" in node or "additionalProperties" in node):
            self.warnings.append(
                located(
                    "`patternProperties` beside `properties` or `additionalProperties` is "
                    "dropped: keys matching its patterns are not typed or checked",
                    path=path,
                    pointer=join_pointer(where, "patternProperties"),
                )
            )
        return children


def _check_value(node: dict[str, Any], key: str, value: object, fail: Fail) -> None:
    """Check one keyword whose value is not a schema."""
    if key == "type":
        _check_type(value, fail)
    elif key == "required":
        if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
            draft3 = (
                " (draft 3's `required: true` is not supported: list the name in the "
                "parent object's `required`)"
                if isinstance(value, bool)
                else ""
            )
            raise fail(f"`required` must be a list of property names{draft3}")
    elif key == "enum":
        if not isinstance(value, list):
            raise fail(f"`enum` must be a list of values, found {describe(value)}")
        if not value:
            raise fail("`enum` is empty, so no value is valid; list the values or remove it")
    elif key in _COUNTS:
        node[key] = _count(key, value, fail)
    elif key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        _check_number(key, value, fail)
    elif key == "pattern":
        if not isinstance(value, str):
            raise fail(f"`pattern` must be a string, found {describe(value)}")
        _check_pattern(value, fail)
    elif key in _STRINGS and not isinstance(value, str):
        raise fail(f"`{key}` must be a string, found {describe(value)}")
    elif key in _BOOLEANS and not isinstance(value, bool):
        raise fail(f"`{key}` must be true or false, found {describe(value)}")
    elif key == "discriminator":
        _check_discriminator(value, fail)


def _check_type(value: object, fail: Fail) -> None:
    names = value if isinstance(value, list) else [value]
    if not names or not all(isinstance(name, str) and name in _TYPES for name in names):
        raise fail(
            f"`type` must be one of {', '.join(_TYPES)} (or a list of them), found {value!r}"
        )
    if len(set(names)) != len(names):
        raise fail(f"`type` lists a type twice: {value!r}")


def _count(key: str, value: object, fail: Fail) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= _MAX_COUNT:
        raise fail(f"`{key}` must be an integer from 0 to {_MAX_COUNT}, found {value!r}")
    return value


def _check_number(key: str, value: object, fail: Fail) -> None:
    if isinstance(value, bool) and key.startswith("exclusive"):
        return  # draft 4 and OpenAPI 3.0 spell exclusive bounds as booleans
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise fail(f"`{key}` must be a number, found {describe(value)}")
    try:
        finite = math.isfinite(float(value))
    except OverflowError:
        finite = False
    if not finite:
        raise fail(f"`{key}` is too large: {str(value)[:20]}... does not fit a float")
    if key == "multipleOf" and value <= 0:
        raise fail(f"`multipleOf` must be greater than 0, found {value!r}")


def _check_pattern(pattern: str, fail: Fail) -> None:
    problem = _regex_problem(pattern)
    if problem is not None:
        raise fail(
            f"the regular expression {pattern!r} does not compile with the engine pydantic "
            f"uses (Rust's regex crate): {problem}; rewrite it without that construct"
        )


@cache
def _regex_problem(pattern: str) -> str | None:
    """Why pydantic's default regex engine rejects ``pattern``, or None when it compiles."""
    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        return lines[-1].removeprefix("error: ") if lines else "invalid"
    return None


def _check_discriminator(value: object, fail: Fail) -> None:
    if isinstance(value, str):
        return
    if not isinstance(value, dict) or not isinstance(value.get("propertyName"), str):
        raise fail("`discriminator` must be an object with a string `propertyName`")
    mapping = value.get("mapping", {})
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise fail("`discriminator.mapping` must map values to $ref strings")
