"""Checks shared by the parser tests: the snapshot rules of DESIGN.md, on plain JSON values."""

from __future__ import annotations

from typing import Any

import jsonpatch


def is_prefix(partial: Any, final: Any) -> bool:
    """Whether ``partial`` is a consistent early view of ``final`` (DESIGN snapshot rule 2).

    Complete atomic values equal their final values; a string is a prefix of its final
    string; in a list every item but the last equals the final one and the last is a
    prefix; in an object every key but the last one received holds its final value.
    """
    if isinstance(final, dict):
        if not isinstance(partial, dict):
            return False
        keys = list(partial)
        if any(k not in final for k in keys):
            return False
        if any(partial[k] != final[k] for k in keys[:-1]):
            return False
        return not keys or is_prefix(partial[keys[-1]], final[keys[-1]])
    if isinstance(final, list):
        if not isinstance(partial, list) or len(partial) > len(final):
            return False
        if any(a != b for a, b in zip(partial[:-1], final, strict=False)):
            return False
        return not partial or is_prefix(partial[-1], final[len(partial) - 1])
    if isinstance(final, str):
        return isinstance(partial, str) and final.startswith(partial)
    return type(partial) is type(final) and partial == final


def only_completion_repeats(values: list[Any], complete: list[bool]) -> bool:
    """Rule 1: consecutive snapshots differ, but for one last one that only says "complete".

    ``complete[i]`` says whether snapshot ``i`` is the whole, finished value.
    """
    for index in range(1, len(values)):
        if values[index] == values[index - 1]:
            last = index == len(values) - 1
            if not (last and complete[index] and not complete[index - 1]):
                return False
    return True


def shares_finished(previous: Any, current: Any) -> bool:
    """Finished containers of ``previous`` are the same objects (``is``) in ``current``."""
    if isinstance(previous, list) and isinstance(current, list):
        for a, b in zip(previous[:-1], current, strict=False):
            if isinstance(a, (dict, list)) and a is not b:
                return False
        if previous and len(current) >= len(previous):
            return shares_finished(previous[-1], current[len(previous) - 1])
        return True
    if isinstance(previous, dict) and isinstance(current, dict):
        keys = list(previous)
        for k in keys[:-1]:
            if isinstance(previous[k], (dict, list)) and previous[k] is not current.get(k):
                return False
        return not keys or shares_finished(previous[keys[-1]], current.get(keys[-1]))
    return True


def has_lone_surrogate(value: Any) -> bool:
    """Whether a string anywhere in ``value`` holds half of a surrogate pair."""
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_lone_surrogate(v) for v in value)
    return False


def chunked(text: str, sizes: list[int]) -> list[str]:
    """Split ``text`` into chunks of the given sizes (cycled)."""
    chunks: list[str] = []
    i = 0
    k = 0
    while i < len(text):
        size = sizes[k % len(sizes)]
        chunks.append(text[i : i + size])
        i += size
        k += 1
    return chunks


def apply_patch(document: Any, operations: list[Any], *, standard: bool = False) -> Any:
    """Apply with jsonpatch; ``append`` (not RFC 6902) becomes the ``replace`` it stands for."""
    if standard:
        assert {op["op"] for op in operations} <= {"add", "replace"}
        return jsonpatch.apply_patch(document, operations, in_place=True)
    for op in operations:
        if op["op"] == "append":
            text = jsonpatch.JsonPointer(op["path"]).resolve(document) + op["value"]
            op = {"op": "replace", "path": op["path"], "value": text}
        document = jsonpatch.apply_patch(document, [op], in_place=True)
    return document
