"""What generation reads: file refs stay under the reference root, reads stay bounded.

A bundled schema ends up in ``stream.py`` and is sent to the model provider, so a
``$ref`` must not pull in a file from elsewhere on the disk.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from schemastream.generator import GenerateOptions, GeneratorError, build
from schemastream.generator import source as source_module
from schemastream.generator.loader import load_document

SECRET = {"type": "object", "properties": {"secret_key": {"type": "string", "default": "s3cr3t"}}}


def write(path: Path, content: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def referring(ref: str) -> dict[str, Any]:
    return {"title": "T", "type": "object", "properties": {"leak": {"$ref": ref}}}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``tmp_path/outside/secret.json`` and an empty ``tmp_path/project/schemas``."""
    write(tmp_path / "outside" / "secret.json", SECRET)
    (tmp_path / "project" / "schemas").mkdir(parents=True)
    return tmp_path


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink", "symlinked-dir", "encoded"])
def test_a_file_ref_outside_the_input_directory_is_refused(tree: Path, how: str) -> None:
    schemas = tree / "project" / "schemas"
    secret = tree / "outside" / "secret.json"
    ref = {
        "dotdot": "../../outside/secret.json",
        "absolute": str(secret),
        "symlink": "inside.json",
        "symlinked-dir": "linked/secret.json",
        "encoded": "..%2F..%2Foutside%2Fsecret.json",
    }[how]
    (schemas / "inside.json").symlink_to(secret)
    (schemas / "linked").symlink_to(tree / "outside", target_is_directory=True)
    source = write(schemas / "schema.json", referring(f"{ref}#/properties/secret_key"))
    with pytest.raises(GeneratorError) as info:
        load_document(source)
    err = info.value
    assert err.path == str(source)
    assert err.pointer == "#/properties/leak/$ref"
    assert repr(f"{ref}#/properties/secret_key") in err.message
    assert "outside" in err.message and "--ref-root" in err.message


def test_refs_inside_the_tree_and_symlinks_within_it_are_fine(tree: Path) -> None:
    schemas = tree / "project" / "schemas"
    write(schemas / "common" / "name.json", {"type": "string"})
    (schemas / "alias.json").symlink_to(schemas / "common" / "name.json")
    source = write(schemas / "schema.json", referring("alias.json"))
    document = load_document(source)
    assert list(document.data["$defs"].values()) == [{"type": "string"}]


def test_a_ref_inside_a_bundled_file_is_confined_too(tree: Path) -> None:
    schemas = tree / "project" / "schemas"
    middle = write(schemas / "middle.json", referring("../../outside/secret.json"))
    source = write(schemas / "schema.json", referring("middle.json"))
    with pytest.raises(GeneratorError) as info:
        load_document(source)
    assert info.value.path == str(middle.resolve())


def test_the_root_can_be_widened_explicitly(tree: Path) -> None:
    schemas = tree / "project" / "schemas"
    source = write(schemas / "schema.json", referring("../../outside/secret.json"))
    result = build(source, GenerateOptions(ref_root=tree))
    assert "secret_key" in result.files["schemas.py"]
    with pytest.raises(GeneratorError, match="not a directory"):
        build(source, GenerateOptions(ref_root=tree / "missing"))


def test_a_special_file_is_refused_before_it_is_read() -> None:
    with pytest.raises(GeneratorError) as info:
        load_document(Path("/dev/zero"))
    assert "character device" in str(info.value)


def test_an_endless_pipe_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "endless.json"
    os.mkfifo(fifo)
    written = [0]

    def endless_writer() -> None:
        with fifo.open("wb") as pipe:
            try:
                while written[0] < 64 * 1024 * 1024:
                    pipe.write(b" " * 65536)
                    written[0] += 65536
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=endless_writer)
    writer.start()
    try:
        with pytest.raises(GeneratorError, match="too large"):
            source_module.read_bytes(fifo, limit=4 * 1024 * 1024)
    finally:
        writer.join(timeout=10)
    assert written[0] < 8 * 1024 * 1024  # it stopped reading: the writer got a broken pipe


def test_the_size_limit_counts_every_file_the_refs_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("one", "two"):
        write(tmp_path / f"{name}.json", {"type": "string", "description": "x" * 1200})
    schema = referring("one.json")
    schema["properties"]["other"] = {"$ref": "two.json"}
    source = write(tmp_path / "schema.json", schema)
    monkeypatch.setattr("schemastream.generator.loader.MAX_BYTES", 3000)
    assert sorted(load_document(source).data["$defs"]) == ["one", "two"]
    monkeypatch.setattr("schemastream.generator.loader.MAX_BYTES", 2000)  # each fits, not both
    with pytest.raises(GeneratorError) as info:
        load_document(source)
    assert info.value.path == str((tmp_path / "two.json").resolve())
    assert "too large" in info.value.message
