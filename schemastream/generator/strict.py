"""OpenAI strict-mode variants of model schemas, computed at build time.

``strict_schema`` rewrites a plain schema from :func:`.plain.model_schema` (re-exported
here) into the subset OpenAI's Structured Outputs accept with ``strict: true``, or says,
with a JSON pointer, why it cannot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .jsonschema import DATA_KEYWORDS, Schema, copy_json, join_pointer, unescape_token
from .plain import accepts_null, model_schema

__all__ = ["StrictResult", "model_schema", "strict_schema"]

_ANNOTATIONS = ("title", "description")

# What OpenAI strict mode accepts, per kind of schema (Structured Outputs, "Supported schemas").
_STRICT_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
)
_KEEP_BY_TYPE: dict[str, tuple[str, ...]] = {
    "string": ("enum", "const", "pattern", "format"),
    "number": ("enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
               "multipleOf"),
    "integer": ("enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                "multipleOf"),
    "boolean": ("enum", "const"),
    "array": ("minItems", "maxItems"),
    "object": (),
    "null": (),
}  # fmt: skip
# OpenAI's documented limits for a strict schema.
MAX_NESTING = 10
MAX_PROPERTIES = 5_000
MAX_STRING_LENGTH = 120_000
MAX_ENUM_VALUES = 1_000
LARGE_ENUM = 250
MAX_LARGE_ENUM_LENGTH = 15_000

_STRUCTURAL = frozenset(
    {"type", "properties", "items", "prefixItems", "enum", "const", "$ref", "anyOf", "oneOf",
     "allOf", "additionalProperties", "patternProperties"}
)  # fmt: skip


@dataclass(frozen=True)
class StrictResult:
    """The strict variant of a schema, or ``None`` with ``note`` saying where and why not."""

    schema: Schema | None
    note: str


class _NotStrict(Exception):
    def __init__(self, pointer: str, reason: str) -> None:
        super().__init__(f"{pointer}: {reason}")
        self.pointer = pointer
        self.reason = reason


def strict_schema(schema: Schema) -> StrictResult:
    """The OpenAI strict-mode variant of a plain schema from :func:`model_schema`.

    Every object gets ``additionalProperties: false`` and all its properties in
    ``required``; optional properties become nullable; ``oneOf`` becomes ``anyOf``;
    ``allOf`` is merged; keywords strict mode rejects (and defaults) are dropped. When
    strict mode cannot express the schema, ``schema`` is None and ``note`` names the
    JSON pointer and the reason.
    """
    try:
        converted = _StrictConverter(schema).run()
    except _NotStrict as exc:
        note = (
            f"strict mode is not possible: {exc.pointer} {exc.reason}; "
            "the plain schema is sent without strict"
        )
        return StrictResult(schema=None, note=note)
    return StrictResult(schema=converted, note="")


class _StrictConverter:
    def __init__(self, schema: Schema) -> None:
        source = copy_json(schema)
        if not isinstance(source, dict):
            raise _NotStrict("#", "is not an object schema")
        raw_defs = source.pop("$defs", {})
        self.root = source
        self.defs: dict[str, Any] = raw_defs if isinstance(raw_defs, dict) else {}

    def run(self) -> Schema:
        out = self._convert(self._root_object(), "#", 0)
        if out.get("type") != "object":
            raise _NotStrict("#", "is not an object; strict mode needs an object at the top")
        defs: dict[str, Schema] = {}
        pending = _def_refs(out)
        while pending:
            name = pending.pop(0)
            if name not in defs:
                defs[name] = self._convert(self.defs[name], join_pointer("#/$defs", name), 1)
                pending.extend(_def_refs(defs[name]))
        _check_alias_cycles(defs)
        if defs:
            out["$defs"] = {name: defs[name] for name in sorted(defs)}
        _check_limits(out)
        return out

    def _root_object(self) -> Schema:
        root = self.root
        seen: set[str] = set()
        while isinstance(root.get("$ref"), str) and set(root) <= {"$ref", *_ANNOTATIONS}:
            ref = root["$ref"]
            if ref in seen or ref == "#":
                raise _NotStrict("#", "is a $ref cycle with no schema in it")
            seen.add(ref)
            target = self._target(ref, "#/$ref")
            root = {**target, **{k: v for k, v in root.items() if k != "$ref"}}
        if "anyOf" in root or "oneOf" in root:
            raise _NotStrict(
                "#", "is a union (anyOf/oneOf); strict mode needs an object at the top"
            )
        return root

    def _target(self, ref: str, pointer: str) -> Schema:
        if ref == "#":
            return self.root
        name = _def_name(ref)
        if name is None or name not in self.defs:
            raise _NotStrict(pointer, f"refers to {ref!r}, which is not in $defs")
        target = self.defs[name]
        if not isinstance(target, dict):
            raise _NotStrict(join_pointer("#/$defs", name), "accepts any value (a boolean schema)")
        return target

    # One schema object. Depth counts nesting the way OpenAI does: properties, items and
    # anyOf branches each add a level; refs are not followed.
    def _convert(self, node: Any, pointer: str, depth: int) -> Schema:
        if depth > MAX_NESTING:
            raise _NotStrict(pointer, f"nests deeper than OpenAI's limit of {MAX_NESTING} levels")
        if node is True or node == {}:
            raise _NotStrict(pointer, "accepts any JSON value (no type)")
        if not isinstance(node, dict):
            raise _NotStrict(pointer, "is not a schema object")
        node = dict(node)
        if "oneOf" in node:
            if "anyOf" in node:
                raise _NotStrict(pointer, "has both anyOf and oneOf")
            node["anyOf"] = node.pop("oneOf")
        if "allOf" in node or ("$ref" in node and _STRUCTURAL & (node.keys() - {"$ref"})):
            node = self._merge_all_of(node, pointer, frozenset())
        annotations = {k: node[k] for k in _ANNOTATIONS if isinstance(node.get(k), str)}
        if isinstance(node.get("$ref"), str):
            self._target(node["$ref"], pointer)
            return {"$ref": node["$ref"], **annotations}
        if "anyOf" in node:
            return self._convert_union(node, pointer, depth, annotations)
        return self._convert_typed(node, pointer, depth, annotations)

    def _convert_union(
        self, node: Schema, pointer: str, depth: int, annotations: dict[str, str]
    ) -> Schema:
        branches = node["anyOf"]
        if not isinstance(branches, list) or not branches:
            raise _NotStrict(pointer, "has an empty anyOf")
        if all(isinstance(b, dict) and not _STRUCTURAL & b.keys() for b in branches):
            # anyOf of bare constraints (e.g. alternative `required` lists): not expressible;
            # the full model still validates it once the value is complete.
            rest = {k: v for k, v in node.items() if k != "anyOf"}
            return self._convert(rest, pointer, depth)
        siblings = _STRUCTURAL & (node.keys() - {"anyOf"})
        if siblings == {"type"}:
            # e.g. `type: object` beside a oneOf of object refs: each branch says it already
            if "null" in _type_set(node["type"]):
                branches = [*branches, {"type": "null"}]
        elif siblings:
            raise _NotStrict(pointer, "combines anyOf with sibling type keywords")
        out: list[Schema] = []
        for index, branch in enumerate(branches):
            converted = self._convert(branch, f"{pointer}/anyOf/{index}", depth + 1)
            nested = converted.get("anyOf") if set(converted) <= {"anyOf", *_ANNOTATIONS} else None
            for item in nested or [converted]:
                if item not in out:
                    out.append(item)
        if len(out) == 1:
            return {**out[0], **annotations}
        return {"anyOf": out, **annotations}

    def _convert_typed(
        self, node: Schema, pointer: str, depth: int, annotations: dict[str, str]
    ) -> Schema:
        types = _types(node, pointer)
        nullable = "null" in types or (isinstance(node.get("enum"), list) and None in node["enum"])
        concrete = [t for t in types if t != "null"]
        if not concrete:
            return {"type": "null", **annotations}
        if len(concrete) > 1:
            branches = [{**node, "type": t} for t in concrete]
            for branch in branches:
                for key in _ANNOTATIONS:
                    branch.pop(key, None)
            union = self._convert_union({"anyOf": branches}, pointer, depth, annotations)
            return _nullable(union) if nullable else union
        kind = concrete[0]
        if kind not in _KEEP_BY_TYPE:
            raise _NotStrict(pointer, f"has type {kind!r}, which strict mode does not support")
        out: Schema = {"type": kind, **annotations}
        for key in _KEEP_BY_TYPE[kind]:
            if key in node:
                out[key] = node[key]
        if isinstance(out.get("enum"), list):
            out["enum"] = [value for value in out["enum"] if value is not None]
            if not out["enum"]:
                raise _NotStrict(pointer, "has an enum with no value but null")
        if "format" in out and out["format"] not in _STRICT_FORMATS:
            del out["format"]
        if kind == "object":
            self._convert_object(node, out, pointer, depth)
        elif kind == "array":
            self._convert_array(node, out, pointer, depth)
        return _nullable(out) if nullable else out

    def _convert_object(self, node: Schema, out: Schema, pointer: str, depth: int) -> None:
        extra = node.get("additionalProperties")
        if node.get("patternProperties") or (extra is not None and extra is not False):
            raise _NotStrict(
                pointer, "is a free-form map (additionalProperties or patternProperties)"
            )
        properties = node.get("properties")
        if not isinstance(properties, dict) or not properties:
            if extra is False:
                raise _NotStrict(pointer, "is an object with no properties")
            raise _NotStrict(pointer, "is a free-form object (no properties)")
        required: list[Any] = node["required"] if isinstance(node.get("required"), list) else []
        converted: dict[str, Any] = {}
        for name, prop in properties.items():
            child = self._convert(prop, join_pointer(pointer, "properties", name), depth + 1)
            if name not in required and not self._nullable(child):
                child = _nullable(child)
            converted[name] = child
        out["properties"] = converted
        out["required"] = list(converted)
        out["additionalProperties"] = False

    def _convert_array(self, node: Schema, out: Schema, pointer: str, depth: int) -> None:
        items = node.get("items")
        if "prefixItems" in node or isinstance(items, list):
            raise _NotStrict(pointer, "is a tuple (prefixItems), which strict mode cannot express")
        if items is None:
            raise _NotStrict(pointer, "is an array without items (any JSON values)")
        out["items"] = self._convert(items, f"{pointer}/items", depth + 1)

    def _nullable(self, converted: Schema) -> bool:
        ref = converted.get("$ref")
        if isinstance(ref, str):
            return accepts_null(self._target(ref, "#"))
        return accepts_null(converted)

    # allOf: fold every member (refs inlined) and the node's own keywords into one schema.
    def _merge_all_of(self, node: Schema, pointer: str, resolving: frozenset[str]) -> Schema:
        members = node.get("allOf", [])
        if not isinstance(members, list):
            raise _NotStrict(pointer, "has an allOf that is not a list")
        own = {k: v for k, v in node.items() if k not in ("allOf", "$ref")}
        parts = [
            self._inline(member, f"{pointer}/allOf/{i}", resolving)
            for i, member in enumerate(members)
        ]
        if isinstance(node.get("$ref"), str):
            parts.insert(0, self._inline({"$ref": node["$ref"]}, pointer, resolving))
        merged: Schema = {}
        for part in [*parts, own]:
            merged = self._merge(merged, part, pointer, resolving)
        return merged

    def _inline(self, member: Any, pointer: str, resolving: frozenset[str]) -> Schema:
        if not isinstance(member, dict):
            raise _NotStrict(pointer, "has an allOf member that is not a schema object")
        ref = member.get("$ref")
        if isinstance(ref, str):
            if ref in resolving or ref == "#":
                raise _NotStrict(pointer, f"inherits from itself through allOf ({ref})")
            target = self._target(ref, pointer)
            if "allOf" in target or "$ref" in target:
                target = self._merge_all_of(target, ref, resolving | {ref})
            rest = {k: v for k, v in member.items() if k != "$ref"}
            return self._merge(target, rest, pointer, resolving) if rest else target
        if "allOf" in member:
            return self._merge_all_of(member, pointer, resolving)
        return member

    def _merge(self, a: Schema, b: Schema, pointer: str, resolving: frozenset[str]) -> Schema:
        out = dict(a)
        for key, value in b.items():
            if key not in out or out[key] == value or key in ("description", "title"):
                out[key] = value
            elif key == "properties":
                props = dict(out[key])
                for name, schema in value.items():
                    if name in props and props[name] != schema:
                        left = self._inline(props[name], pointer, resolving)
                        right = self._inline(schema, pointer, resolving)
                        props[name] = self._merge(left, right, pointer, resolving)
                    else:
                        props[name] = schema
                out[key] = props
            elif key == "required":
                out[key] = [*out[key], *(n for n in value if n not in out[key])]
            elif key == "enum":
                out[key] = [v for v in out[key] if v in value]
                if not out[key]:
                    raise _NotStrict(pointer, "has allOf members whose enums have no common value")
            elif key == "type":
                mine, theirs = _type_set(out[key]), _type_set(value)
                common = sorted(mine & theirs)
                if not common and {"integer", "number"} <= mine | theirs:
                    common = ["integer"]
                if not common:
                    raise _NotStrict(pointer, "has allOf members with incompatible types")
                out[key] = common[0] if len(common) == 1 else common
            elif key in ("minimum", "exclusiveMinimum", "minItems", "minLength"):
                out[key] = max(out[key], value)
            elif key in ("maximum", "exclusiveMaximum", "maxItems", "maxLength"):
                out[key] = min(out[key], value)
            elif key == "additionalProperties" and False in (out[key], value):
                out[key] = False
            elif key in ("default", "examples", "example", "readOnly", "writeOnly", "deprecated"):
                continue
            else:
                raise _NotStrict(pointer, f"has allOf members that disagree on {key!r}")
        return out


def _check_alias_cycles(defs: dict[str, Schema]) -> None:
    """Refuse definitions that are only refs leading back to themselves: no schema at all."""
    for start in defs:
        seen: set[str] = set()
        name = start
        while name in defs and set(defs[name]) <= {"$ref", *_ANNOTATIONS}:
            if name in seen:
                raise _NotStrict(
                    join_pointer("#/$defs", start), "is a $ref cycle with no schema in it"
                )
            seen.add(name)
            ref = defs[name].get("$ref", "")
            name = _def_name(ref) or ""


def _def_refs(schema: Schema) -> list[str]:
    """Names of the ``$defs`` a converted schema refers to, in document order."""
    found: list[str] = []
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            ref = node.get("$ref")
            name = _def_name(ref) if isinstance(ref, str) else None
            if name is not None:
                found.append(name)
            stack.extend(reversed([v for k, v in node.items() if k not in DATA_KEYWORDS]))
    return found


def _def_name(ref: str) -> str | None:
    """The name a ``#/$defs/<name>`` ref points to (percent- and pointer-decoded), else None."""
    prefix = "#/$defs/"
    return unescape_token(unquote(ref[len(prefix) :])) if ref.startswith(prefix) else None


def _types(node: Schema, pointer: str) -> list[str]:
    kind = node.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list) and kind and all(isinstance(t, str) for t in kind):
        return list(dict.fromkeys(kind))
    if kind is not None:
        raise _NotStrict(pointer, "has a malformed type")
    if {"properties", "additionalProperties", "required", "patternProperties"} & node.keys():
        return ["object"]
    if "items" in node or "prefixItems" in node:
        return ["array"]
    values = node["enum"] if isinstance(node.get("enum"), list) else None
    if values is None and "const" in node:
        values = [node["const"]]
    if values:
        inferred = list(dict.fromkeys(_json_type(v) for v in values))
        if "number" in inferred and "integer" in inferred:
            inferred.remove("integer")
        if any(t in ("object", "array") for t in inferred):
            raise _NotStrict(pointer, "has an enum of objects or arrays")
        return inferred
    if {"pattern", "format", "minLength", "maxLength"} & node.keys():
        return ["string"]
    if {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"} & node.keys():
        return ["number"]
    raise _NotStrict(pointer, "has no type (accepts any JSON value)")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _type_set(kind: Any) -> set[str]:
    return {kind} if isinstance(kind, str) else set(kind)


def _nullable(schema: Schema) -> Schema:
    """``schema`` or null: a type list for plain scalars, else ``anyOf`` with null."""
    kind = schema.get("type")
    if kind in ("string", "number", "integer", "boolean") and not {"enum", "const"} & schema.keys():
        return {**schema, "type": [kind, "null"]}
    annotations = {k: schema[k] for k in _ANNOTATIONS if k in schema}
    inner = {k: v for k, v in schema.items() if k not in annotations}
    if set(inner) == {"anyOf"}:
        return {"anyOf": [*inner["anyOf"], {"type": "null"}], **annotations}
    return {"anyOf": [inner, {"type": "null"}], **annotations}


def _check_limits(schema: Schema) -> None:
    properties = strings = enum_values = 0
    stack: list[tuple[Any, str]] = [(schema, "#")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, list):
            stack.extend((item, f"{pointer}/{i}") for i, item in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        props = node.get("properties")
        if isinstance(props, dict):
            properties += len(props)
            strings += sum(len(name) for name in props)
            stack.extend((v, join_pointer(pointer, "properties", k)) for k, v in props.items())
        defs = node.get("$defs")
        if isinstance(defs, dict):
            strings += sum(len(name) for name in defs)
            stack.extend((v, join_pointer(pointer, "$defs", k)) for k, v in defs.items())
        enum = node.get("enum")
        if isinstance(enum, list):
            enum_values += len(enum)
            length = sum(len(str(v)) for v in enum)
            strings += length
            if len(enum) > LARGE_ENUM and length > MAX_LARGE_ENUM_LENGTH:
                raise _NotStrict(
                    pointer,
                    f"has an enum of {len(enum)} values totalling {length} characters "
                    f"(OpenAI allows {MAX_LARGE_ENUM_LENGTH} above {LARGE_ENUM} values)",
                )
        if "const" in node:
            strings += len(str(node["const"]))
        for key in ("items", "anyOf"):
            if key in node:
                stack.append((node[key], f"{pointer}/{key}"))
    for count, limit, what in (
        (properties, MAX_PROPERTIES, "object properties"),
        (strings, MAX_STRING_LENGTH, "characters of names, enum and const values"),
        (enum_values, MAX_ENUM_VALUES, "enum values"),
    ):
        if count > limit:
            raise _NotStrict("#", f"has {count} {what}; OpenAI allows at most {limit}")
