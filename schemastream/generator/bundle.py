"""Bundle refs to sibling files into the document, so it only holds local ``#...`` refs.

A ref such as ``other.json#/$defs/X`` (resolved relative to the file it appears in) is
copied under a collision-free name into ``$defs`` (JSON Schema) or
``components/schemas`` (OpenAPI), recursively and cycle-safe. Remote refs, and refs to
files outside the reference root (the input's directory tree, symlinks resolved), are
refused: a bundled schema is sent to the model provider.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .errors import GeneratorError
from .jsonschema import (
    DATA_KEYWORDS,
    NAME_MAPS,
    DocumentKind,
    copy_json,
    definition_name,
    join_pointer,
    lookup,
    split_pointer,
)
from .keywords import KeywordCheck
from .naming import UniqueNames
from .source import MAX_BYTES, describe, parse_bytes, read_bytes

__all__ = ["bundle_refs"]

_REMOTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*:|//)")


def bundle_refs(
    path: Path,
    data: dict[str, Any],
    kind: DocumentKind,
    *,
    ref_root: Path,
    keywords: KeywordCheck,
    budget: int = MAX_BYTES,
) -> None:
    """Rewrite ``data`` (read from ``path``) in place so every ``$ref`` is local.

    File refs must resolve (symlinks followed) under ``ref_root``; the files read may
    hold ``budget`` bytes in all; ``keywords`` checks every schema bundled.
    """
    _Bundler(path, data, kind, ref_root=ref_root.resolve(), keywords=keywords, budget=budget).run()


def _split_pointer(fragment: str) -> list[str] | None:
    """Tokens of a ``#/a/b`` fragment (already without ``#``), or None for an anchor."""
    fragment = unquote(fragment)
    if fragment and not fragment.startswith("/"):
        return None
    return split_pointer(f"#{fragment}")


def _resolve(doc: object, tokens: list[str]) -> tuple[bool, object]:
    try:
        return True, lookup(doc, tokens)
    except LookupError:
        return False, None


def _pointer_text(tokens: list[str]) -> str:
    """A ``$ref`` for ``tokens``, not percent-encoded: datamodel-code-generator names
    classes from the raw ref text, so ``%20`` would give a second class for one schema."""
    return join_pointer("#", *tokens)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a name too long, say
        return False


class _Bundler:
    """Copies schemas that sibling files define into the root document, rewriting refs."""

    def __init__(
        self,
        path: Path,
        data: dict[str, Any],
        kind: DocumentKind,
        *,
        ref_root: Path,
        keywords: KeywordCheck,
        budget: int,
    ) -> None:
        self.root_path = path.resolve()
        self.ref_root = ref_root
        self.keywords = keywords
        self.budget = budget
        self.display = {self.root_path: str(path)}
        self.data = data
        self.kind = kind
        self.files: dict[Path, object] = {self.root_path: data}
        self.anchors: dict[Path, dict[str, list[str]]] = {}
        self.bundled: dict[tuple[Path, tuple[str, ...]], str] = {}
        self.target: dict[str, Any] | None = None
        self.names = UniqueNames()
        self.queue: list[tuple[object, Path, str]] = [(data, self.root_path, "#")]
        self.copies: set[int] = set()  # ids of bundled copies: walked in their own file's context

    def run(self) -> None:
        while self.queue:
            node, file, pointer = self.queue.pop(0)
            self._walk(node, file, pointer)

    def _defs(self) -> dict[str, Any]:
        if self.target is not None:
            return self.target
        target: dict[str, Any]
        if self.kind == "openapi":
            target = self.data.setdefault("components", {}).setdefault("schemas", {})
            self.names = UniqueNames(target)
        else:
            target = self.data.setdefault("$defs", {})
            other = self.data.get("definitions")
            self.names = UniqueNames([*target, *(other if isinstance(other, dict) else ())])
        self.target = target
        return target

    def _walk(self, root: object, file: Path, root_pointer: str) -> None:
        # (node, pointer, is the node a map of names rather than a schema)
        stack: list[tuple[object, str, bool]] = [(root, root_pointer, False)]
        while stack:
            node, pointer, names = stack.pop()
            if node is not root and id(node) in self.copies:
                continue
            if isinstance(node, list):
                for index in reversed(range(len(node))):
                    stack.append((node[index], join_pointer(pointer, str(index)), False))
                continue
            if not isinstance(node, dict):
                continue
            ref = node.get("$ref")
            if not names and isinstance(ref, str):
                node["$ref"] = self._rewrite(ref, file, join_pointer(pointer, "$ref"))
            for key in reversed(list(node)):
                child = node[key]
                if names:
                    stack.append((child, join_pointer(pointer, key), False))
                elif key == "mapping" and isinstance(child, dict):
                    self._rewrite_mapping(child, file, join_pointer(pointer, key))
                elif key.startswith("x-") or (
                    key in DATA_KEYWORDS and not (key == "examples" and isinstance(child, dict))
                ):
                    continue
                else:
                    stack.append((child, join_pointer(pointer, key), key in NAME_MAPS))

    def _rewrite_mapping(self, mapping: dict[str, Any], file: Path, pointer: str) -> None:
        # Discriminator mappings hold refs as plain strings; bare names stay names.
        for key, value in mapping.items():
            if isinstance(value, str) and ("#" in value or "/" in value or "." in value):
                mapping[key] = self._rewrite(value, file, join_pointer(pointer, key))

    def _rewrite(self, ref: str, file: Path, pointer: str) -> str:
        where = self.display.get(file, str(file))
        base = self.data.get("$id")
        if isinstance(base, str) and _REMOTE.match(base) and _REMOTE.match(ref):
            # An absolute ref under the root's own $id names a file next to the root.
            folder = base.partition("#")[0].rpartition("/")[0] + "/"
            if ref.startswith(folder) and file == self.root_path:
                ref = ref[len(folder) :]
                if ref.partition("#")[0] == Path(base.partition("#")[0]).name:
                    ref = f"{self.root_path.name}#{ref.partition('#')[2]}"
        if _REMOTE.match(ref):
            raise GeneratorError(
                f"remote $ref {ref!r} is not supported: schemastream works offline. Download "
                f"that schema into a file next to {Path(where).name} and change the $ref to a "
                "relative one, such as 'other.json' or 'other.json#/$defs/Name'",
                path=where,
                pointer=pointer,
            )
        location, _, fragment = ref.partition("#")
        target_file = self._file(file, location, ref, pointer) if location else file
        tokens = self._tokens(target_file, fragment, ref, where, pointer)
        if target_file == self.root_path:
            ok, _ = _resolve(self.data, tokens)
            if not ok:
                raise GeneratorError(
                    f"$ref {ref!r} points to {_pointer_text(tokens)}, which does not exist "
                    f"in {self.display[self.root_path]}",
                    path=where,
                    pointer=pointer,
                )
            return _pointer_text(tokens)
        return self._bundle(target_file, tokens, ref, where, pointer)

    def _file(self, file: Path, location: str, ref: str, pointer: str) -> Path:
        """The file a ref in ``file`` names, resolved; it must lie under the reference root."""
        where = self.display.get(file, str(file))
        try:
            target = (file.parent / unquote(location)).resolve()
        except (OSError, RuntimeError, ValueError) as exc:  # NUL bytes, symlink loops
            raise GeneratorError(
                f"$ref {ref!r} does not name a usable file path ({exc})",
                path=where,
                pointer=pointer,
            ) from None
        if not target.is_relative_to(self.ref_root):
            raise GeneratorError(
                f"$ref {ref!r} points to {target}, outside {self.ref_root}: file $refs may only "
                "reach files under the input's directory (symlinks resolved), because a "
                "bundled schema is sent to the model provider. Move the file there, or widen "
                "the root with --ref-root DIR (ref-root in [tool.schemastream])",
                path=where,
                pointer=pointer,
            )
        return target

    def _tokens(
        self, target_file: Path, fragment: str, ref: str, where: str, pointer: str
    ) -> list[str]:
        tokens = _split_pointer(fragment)
        if tokens is not None:
            return tokens
        anchors = self._anchors(target_file, ref, where, pointer)
        anchor = unquote(fragment)
        if anchor not in anchors:
            raise GeneratorError(
                f"$ref {ref!r} names the anchor {anchor!r}, but no schema declares "
                f'"$anchor": "{anchor}"',
                path=where,
                pointer=pointer,
            )
        return anchors[anchor]

    def _anchors(self, file: Path, ref: str, where: str, pointer: str) -> dict[str, list[str]]:
        if file not in self.anchors:
            found: dict[str, list[str]] = {}
            stack: list[tuple[object, list[str]]] = [(self._load(file, ref, where, pointer), [])]
            while stack:
                node, tokens = stack.pop()
                if isinstance(node, dict):
                    anchor = node.get("$anchor")
                    legacy = node.get("$id") or node.get("id")
                    if isinstance(anchor, str):
                        found.setdefault(anchor, tokens)
                    elif isinstance(legacy, str) and legacy.startswith("#"):
                        found.setdefault(legacy[1:], tokens)
                    stack.extend((v, [*tokens, k]) for k, v in node.items())
                elif isinstance(node, list):
                    stack.extend((v, [*tokens, str(i)]) for i, v in enumerate(node))
            self.anchors[file] = found
        return self.anchors[file]

    def _load(self, file: Path, ref: str, where: str, pointer: str) -> object:
        if file not in self.files:
            if not _exists(file):
                raise GeneratorError(
                    f"$ref {ref!r} points to the file {file}, which does not exist; "
                    f"refs to files are resolved relative to the directory of {where}",
                    path=where,
                    pointer=pointer,
                )
            if file.is_dir():
                raise GeneratorError(
                    f"$ref {ref!r} points to the directory {file}, not to a schema file",
                    path=where,
                    pointer=pointer,
                )
            raw = read_bytes(file, limit=self.budget)
            self.budget -= len(raw)
            self.files[file] = parse_bytes(raw, file)
            self.display[file] = str(file)
        return self.files[file]

    def _bundle(self, file: Path, tokens: list[str], ref: str, where: str, pointer: str) -> str:
        key = (file, tuple(tokens))
        if key in self.bundled:
            return self.bundled[key]
        ok, target = _resolve(self._load(file, ref, where, pointer), tokens)
        if not ok:
            raise GeneratorError(
                f"$ref {ref!r} points to {_pointer_text(tokens)}, which does not exist in "
                f"{file.name}",
                path=where,
                pointer=pointer,
            )
        if not isinstance(target, dict | bool):
            raise GeneratorError(
                f"$ref {ref!r} points to {describe(target)}, not a schema",
                path=where,
                pointer=pointer,
            )
        self.keywords.check(target, path=str(file), pointer=_pointer_text(tokens))
        name = self._name(tokens[-1] if tokens else file.stem)
        local = _pointer_text(
            ["components", "schemas", name] if self.kind == "openapi" else ["$defs", name]
        )
        self.bundled[key] = local
        copy = copy_json(target)
        if isinstance(copy, dict):
            for meta in ("$schema", "$id", "id") if not tokens else ("$schema", "$id"):
                if isinstance(copy.get(meta), str):
                    del copy[meta]
            if not tokens:  # a whole file: its definitions are bundled one by one on demand
                copy.pop("$defs", None)
                copy.pop("definitions", None)
        self._defs()[name] = copy
        self.copies.add(id(copy))
        self.queue.append((copy, file, _pointer_text(tokens)))
        return local

    def _name(self, raw: str) -> str:
        self._defs()
        base = definition_name(raw).strip("_") or "Schema"
        return self.names.claim(f"Schema_{base}" if base[0].isdigit() else base)
