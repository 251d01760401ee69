"""The ``schemastream`` command: exit codes, messages on stderr, ``--check``, pyproject targets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _generated import ROOT, golden_schema

from schemastream.cli import main

MEETING = ROOT / "examples" / "meeting" / "schema.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_generate_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "pkg"
    code, out, _ = run(capsys, "generate", str(MEETING), "--output", str(out_dir))
    assert code == 0
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "__init__.py",
        "models.py",
        "partial.py",
        "partial.pyi",
        "schemas.py",
        "stream.py",
    ]
    assert out.count("wrote ") == 6

    assert run(capsys, "generate", str(MEETING), "--output", str(out_dir), "--check")[0] == 0

    (out_dir / "partial.py").write_text("# edited\n")
    (out_dir / "partial.pyi").unlink()
    (out_dir / "stream.py").unlink()
    before = sorted(p.name for p in out_dir.iterdir())
    code, _, err = run(capsys, "generate", str(MEETING), "-o", str(out_dir), "--check")
    assert code == 1
    assert "partial.py" in err and "stream.py" in err and "models.py" not in err
    assert "partial.pyi" in err
    assert sorted(p.name for p in out_dir.iterdir()) == before  # --check writes nothing


def test_pyproject_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "meeting.json").write_text(MEETING.read_text())
    (tmp_path / "pyproject.toml").write_text(
        "[[tool.schemastream.targets]]\n"
        'input = "schemas/meeting.json"\n'
        'output = "gen/meeting_models"\n'
    )
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # the nearest pyproject.toml above is used
    assert run(capsys, "generate")[0] == 0
    assert (tmp_path / "gen" / "meeting_models" / "models.py").is_file()
    assert run(capsys, "generate", "--check")[0] == 0


def test_pyproject_without_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "generate")
    assert code == 2
    assert err.startswith("schemastream: error: ") and "tool.schemastream" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "schemastream: error: "),
        ('{"type": "object",\n  "properties": {,}}', "line 2, column"),
        ("[1, 2]", "not a schema"),
        (
            '{"type": "object", "properties": {"a": {"$ref": "https://example.com/a.json"}}}',
            "https://example.com/a.json",
        ),
    ],
    ids=["missing", "invalid-json", "not-a-schema", "remote-ref"],
)
def test_bad_input_is_one_message_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, expected: str
) -> None:
    source = tmp_path / "schema.json"
    if content is not None:
        source.write_text(content)
    code, _, err = run(capsys, "generate", str(source), "--output", str(tmp_path / "out"))
    assert code == 2
    assert err.startswith("schemastream: error: ")
    assert expected in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_unknown_stream_model_lists_close_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "generate", str(golden_schema("openapi30")), "-o", str(tmp_path / "o"),
        "--stream-model", "Pets",
    )  # fmt: skip
    assert code == 2
    assert "'Pets'" in err and "Pet" in err


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["generate", str(MEETING)])
    assert info.value.code == 2
    assert "--output" in capsys.readouterr().err


def test_warning_for_a_non_object_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "label.json"
    schema.write_text('{"title": "Label", "type": "string"}')
    code, out, err = run(capsys, "generate", str(schema), "-o", str(tmp_path / "out"))
    assert code == 0
    assert err.startswith("schemastream: warning: ")
    assert "only parse_label and aparse_label are generated" in err
    assert "parse_label" not in out  # stdout lists the files written, nothing else


def test_no_warning_for_a_root_array(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "generate", str(golden_schema("root_models")), "-o", str(tmp_path))
    assert (code, err) == (0, "")  # it streams in an envelope: nothing to warn about


def test_python_dash_m_and_serve_help() -> None:
    version = subprocess.run(
        [sys.executable, "-m", "schemastream", "--version"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert version.stdout.startswith("schemastream ")
    serve = subprocess.run(
        [sys.executable, "-m", "schemastream", "serve", "--help"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    for option in ("--replay", "--host", "--port", "--pace"):
        assert option in serve.stdout


def test_stream_model_is_openapi_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "generate", str(MEETING), "-o", str(tmp_path / "o"), "--stream-model", "MeetingInfo"
    )
    assert code == 2 and "OpenAPI" in err
    assert json.loads(MEETING.read_text())["title"] == "MeetingInfo"


def test_generate_without_the_codegen_extra_says_what_to_install(tmp_path: Path) -> None:
    script = tmp_path / "blocked.py"
    script.write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'datamodel_code_generator':\n"
        "            raise ImportError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from schemastream.cli import main\n"
        f"raise SystemExit(main(['generate', 'schema.json', '--output', {str(tmp_path)!r}]))\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "pip install 'schemastream[codegen]'" in done.stderr
    assert "Traceback" not in done.stderr


TINY = {"title": "Tiny", "type": "object", "properties": {"a": {"type": "string"}}}


def failure_case(case: str, tmp_path: Path) -> tuple[list[str], str]:
    """Arguments that must fail, and a fragment of the message."""
    schema = tmp_path / "tiny.json"
    schema.write_text(json.dumps(TINY))
    out = tmp_path / "out"
    if case == "huge-integer":
        schema.write_text(
            '{"type": "object", "properties": {"a": {"default": ' + "9" * 5000 + "}}}"
        )
        return [str(schema), "-o", str(out)], "line 1, column 52 has 5000 digits"
    if case == "output-is-a-file":
        out.write_text("")
        return [str(schema), "-o", str(out)], "not a directory"
    if case == "unwritable-output":
        return [str(schema), "-o", "/sys/schemastream-test"], "cannot create the output directory"
    if case == "generated-path-is-a-directory":
        (out / "models.py").mkdir(parents=True)
        return [str(schema), "-o", str(out)], "is a directory where schemastream writes"
    if case == "hand-written-file":
        out.mkdir()
        (out / "__init__.py").write_text('"""My package."""\n')
        return [str(schema), "-o", str(out)], "not generated by schemastream"
    if case == "special-file":
        return ["/dev/zero", "-o", str(out)], "character device"
    if case == "ref-outside":
        schema.write_text(json.dumps({"properties": {"a": {"$ref": "/etc/hostname"}}}))
        return [str(schema), "-o", str(out)], "outside"
    if case == "ref-root-missing":
        return [str(schema), "-o", str(out), "--ref-root", str(tmp_path / "nope")], "not a dir"
    raise AssertionError(case)


# --check writes nothing, so what stands in the way of writing is only stale there.
ONLY_STALE_UNDER_CHECK = {
    "output-is-a-file",
    "unwritable-output",
    "generated-path-is-a-directory",
    "hand-written-file",
}


@pytest.mark.parametrize(
    "case",
    [
        "huge-integer",
        "output-is-a-file",
        "unwritable-output",
        "generated-path-is-a-directory",
        "hand-written-file",
        "special-file",
        "ref-outside",
        "ref-root-missing",
    ],
)
@pytest.mark.parametrize("check", [False, True])
def test_every_failure_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, check: bool
) -> None:
    argv, fragment = failure_case(case, tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, out, err = run(capsys, "generate", *argv, *(["--check"] if check else []))
    if check and case in ONLY_STALE_UNDER_CHECK:
        assert code == 1  # --check writes nothing: what is in the way is only stale
    else:
        assert code == 2, err
        assert err.startswith("schemastream: error: ") and err.count("\n") == 1
        assert fragment in err
    assert "Traceback" not in err and out == ""
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing half-written


def test_an_unexpected_failure_is_still_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("schemastream.generator.pipeline.build", broken)
    code, _, err = run(capsys, "generate", str(MEETING), "-o", str(tmp_path / "o"))
    assert code == 2
    assert err == (
        "schemastream: error: internal error, please report it with the schema: "
        "RecursionError: maximum recursion depth exceeded\n"
    )


def test_ref_root_widens_the_reference_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "name.json").write_text('{"type": "string"}')
    (tmp_path / "app").mkdir()
    schema = tmp_path / "app" / "schema.json"
    schema.write_text(
        json.dumps({"title": "T", "properties": {"n": {"$ref": "../shared/name.json"}}})
    )
    assert run(capsys, "generate", str(schema), "-o", str(tmp_path / "a"))[0] == 2
    code, _, err = run(
        capsys, "generate", str(schema), "-o", str(tmp_path / "a"), "--ref-root", str(tmp_path)
    )
    assert code == 0, err
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.schemastream.targets]]\ninput = "app/schema.json"\noutput = "b"\nref-root = "."\n'
    )
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "generate")[0] == 0
    assert (tmp_path / "b" / "models.py").read_text() == (tmp_path / "a" / "models.py").read_text()


def test_check_names_a_file_that_is_no_longer_generated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pkg"
    assert run(capsys, "generate", str(MEETING), "-o", str(out))[0] == 0
    (out / "helpers.py").write_text((out / "stream.py").read_text())  # left by an old version
    code, _, err = run(capsys, "generate", str(MEETING), "-o", str(out), "--check")
    assert code == 1
    assert f"schemastream: stale: {out / 'helpers.py'}" in err
    code, out_text, _ = run(capsys, "generate", str(MEETING), "-o", str(out))
    assert code == 0 and f"removed {out / 'helpers.py'}" in out_text
    assert not (out / "helpers.py").exists()


def test_nothing_is_written_unless_every_target_succeeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bad.json").write_text("[]")
    (tmp_path / "pyproject.toml").write_text(
        f'[[tool.schemastream.targets]]\ninput = "{MEETING}"\noutput = "good"\n'
        '[[tool.schemastream.targets]]\ninput = "bad.json"\noutput = "bad"\n'
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "generate")
    assert code == 2 and "bad.json" in err and out == ""
    assert not (tmp_path / "good").exists()  # the first target was built, never written
