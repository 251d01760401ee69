"""Read a JSON Schema or OpenAPI file into one self-contained document.

``load_document`` parses JSON or YAML (:mod:`.source`), decides what kind of document
it is, and bundles every ``$ref`` to a sibling file into it (:mod:`.bundle`), so that
everything after it only ever sees local ``#...`` refs.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bundle import bundle_refs
from .errors import GeneratorError
from .jsonschema import INPUT_TYPES, DocumentKind, InputType, join_pointer
from .keywords import KeywordCheck
from .source import MAX_BYTES, describe, parse_bytes, read_bytes

__all__ = ["SchemaDocument", "load_document"]

_SCHEMA_KEYWORDS = frozenset(
    {
        "$schema", "$id", "$ref", "$defs", "definitions", "type", "properties",
        "patternProperties", "additionalProperties", "items", "prefixItems", "required",
        "enum", "const", "allOf", "anyOf", "oneOf", "not", "if", "format",
    }
)  # fmt: skip
_UNSUPPORTED_DRAFTS = re.compile(r"json-schema\.org/draft-0[0-3]/")


@dataclass(frozen=True)
class SchemaDocument:
    """A parsed, self-contained input document and where it came from."""

    path: Path
    file_name: str
    sha256: str
    """Hex SHA-256 of the raw input bytes, for the generated header."""
    kind: DocumentKind
    data: dict[str, Any] = field(repr=False)
    text: str = field(repr=False)
    """``data`` as JSON text; identical input gives identical text."""
    warnings: tuple[str, ...] = ()
    """Valid constructs the models cannot express, each with its file and JSON pointer."""


def load_document(
    path: Path, input_type: InputType = "auto", *, ref_root: Path | None = None
) -> SchemaDocument:
    """Read, detect, check and bundle the schema document at ``path``.

    File refs may reach files under ``ref_root`` only (default: the directory of
    ``path``, symlinks resolved). Raises :class:`GeneratorError` for a missing or
    unreadable file, invalid JSON or YAML, a document that is not a schema, Swagger 2.0,
    an invalid keyword value, remote refs, refs outside ``ref_root``, and refs to a
    missing sibling file or pointer.
    """
    path = Path(path)
    if input_type not in INPUT_TYPES:
        choices = ", ".join(INPUT_TYPES)
        raise GeneratorError(
            f"unknown input type {input_type!r}; use one of {choices}", path=str(path)
        )
    raw = read_bytes(path)
    data = parse_bytes(raw, path)
    if not isinstance(data, dict):
        raise GeneratorError(
            f"not a schema: the top level is {describe(data)}, expected an object "
            "(a JSON Schema or an OpenAPI document)",
            path=str(path),
        )
    kind = _detect_kind(data, input_type, path)
    keywords = KeywordCheck()
    if kind == "openapi":
        for name, schema in data["components"]["schemas"].items():
            pointer = join_pointer("#/components/schemas", name)
            keywords.check(schema, path=str(path), pointer=pointer)
    else:
        keywords.check(data, path=str(path), pointer="#")
    root = _ref_root(path, ref_root)
    bundle_refs(path, data, kind, ref_root=root, keywords=keywords, budget=MAX_BYTES - len(raw))
    warnings = keywords.finish()
    return SchemaDocument(
        path=path,
        file_name=path.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        kind=kind,
        data=data,
        text=json.dumps(data, sort_keys=False, ensure_ascii=False),
        warnings=tuple(warnings),
    )


def _ref_root(path: Path, ref_root: Path | None) -> Path:
    """The directory file refs must stay under: ``ref_root``, else the input's own."""
    if ref_root is None:
        return path.resolve().parent
    if not ref_root.is_dir():
        raise GeneratorError(
            "the reference root (--ref-root, ref-root in [tool.schemastream]) is not a "
            "directory; give the directory that holds the files the $refs may reach",
            path=str(ref_root),
        )
    return ref_root.resolve()


def _detect_kind(data: dict[str, Any], input_type: InputType, path: Path) -> DocumentKind:
    where = str(path)
    if "swagger" in data:
        raise GeneratorError(
            f"Swagger {data['swagger']} (OpenAPI 2) is not supported; convert it to OpenAPI 3 "
            "first (for example with swagger2openapi or https://converter.swagger.io)",
            path=where,
        )
    looks_openapi = "openapi" in data or (
        isinstance(data.get("components"), dict) and not _SCHEMA_KEYWORDS & data.keys()
    )
    if input_type == "jsonschema" and "openapi" in data:
        raise GeneratorError(
            "this is an OpenAPI document (it has an 'openapi' key), not a JSON Schema; "
            "use --input-type openapi or auto",
            path=where,
        )
    if input_type == "openapi" or (input_type == "auto" and looks_openapi):
        _check_openapi(data, where)
        return "openapi"
    schema_uri = data.get("$schema")
    if isinstance(schema_uri, str) and _UNSUPPORTED_DRAFTS.search(schema_uri):
        raise GeneratorError(
            f"JSON Schema {schema_uri} is not supported; drafts 4 to 2020-12 are",
            path=where,
            pointer="#/$schema",
        )
    if not _SCHEMA_KEYWORDS & data.keys():
        raise GeneratorError(
            "not a schema: the top-level object has no JSON Schema keywords (such as "
            "'type', 'properties', '$ref' or '$defs') and no 'openapi' key",
            path=where,
        )
    return "jsonschema"


def _check_openapi(data: dict[str, Any], where: str) -> None:
    version = data.get("openapi")
    if version is not None and not (isinstance(version, str) and version.startswith("3.")):
        raise GeneratorError(
            f"OpenAPI version {version!r} is not supported; OpenAPI 3.0 and 3.1 are "
            "(the version must be a string such as '3.1.0')",
            path=where,
            pointer="#/openapi",
        )
    components = data.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict) or not schemas:
        raise GeneratorError(
            "the OpenAPI document has no schemas under components/schemas, so there is "
            "nothing to generate; define the models there",
            path=where,
            pointer="#/components/schemas",
        )
