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
        "stream.py",
    ]
    assert out.count("wrote ") == 5

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
    code, out, err = run(capsys, "generate", str(golden_schema("root_models")), "-o", str(tmp_path))
    assert code == 0
    assert err.startswith("schemastream: warning: ")
    assert "only parse_events and aparse_events are generated" in err
    assert "parse_events" not in out  # stdout lists the files written, nothing else


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
