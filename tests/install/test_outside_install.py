"""Installed as users install it, the package type-checks in a project outside the checkout.

For an editable install and for the wheel, a fresh venv gets schemastream alone; its
dependencies come from this venv through a plain path entry, so nothing is downloaded. In a
temporary project the installed ``schemastream`` generates a package, and a user script
(``project/app.py``) runs and passes ``mypy --strict`` and pyright strict; in the editable
install, a package generated from the user's own pydantic classes and its script
(``project/classes_app.py``) too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = Path(__file__).resolve().parent / "project"
SCHEMA = ROOT / "examples" / "meeting" / "schema.json"
# The user's own classes, and their script: checked in one install (the generator and the
# runtime are the same files in both; the wheel's packaging is what the other one checks).
CLASSES = ROOT / "examples" / "from_pydantic" / "meeting.py"
CLASSES_APP = "classes_app.py"
CLASSES_INSTALL = "editable"
INSTALLS = ("editable", "wheel")
CHECKERS = ("mypy", "pyright")
# mypy starts from the checkout's cache when `make typecheck` left one (it has, under `make
# test`): pydantic and openai are then read from cache, not checked again.
MYPY_SEED = ROOT / ".mypy_cache"
MYPY_PYTHON = "3.10"  # [tool.mypy] python_version: the seed's cache is kept per version
# Nothing downloaded: the dev venv has hatchling (the dev extra), the fresh venvs its packages.
PIP = (sys.executable, "-m", "pip")
OFFLINE = ("--quiet", "--no-deps", "--no-index", "--no-build-isolation")


def run(command: list[str | Path], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(map(str, command))}\n{done.stdout}{done.stderr}"
    return done.stdout


def fresh_venv(where: Path) -> Path:
    """A venv without pip whose dependencies are this venv's, found through a path entry.

    A path entry in a ``.pth`` file does not run the ``.pth`` files it names, so this
    venv's own (editable) schemastream stays out of sight.
    """
    run([sys.executable, "-m", "venv", "--without-pip", where], where.parent)
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(where)}))
    dependencies = Path(sysconfig.get_path("purelib"))
    assert not (dependencies / "schemastream").exists(), "the dev venv must not hold a copy"
    (purelib / "_dev_dependencies.pth").write_text(f"{dependencies}\n")
    return where / "bin" / "python"


def pip_install(python: Path, *what: str | Path) -> None:
    # --ignore-installed: the dev venv's schemastream metadata is in sight through the path
    # entry; this venv gets its own install all the same.
    run([*PIP, "--python", python, "install", *OFFLINE, "--ignore-installed", *what], ROOT)


def user_project(where: Path, python: Path, *, classes: bool) -> tuple[str, str]:
    """Copy the user's project out, generate its package, run the script; return its output.

    With ``classes``, the package of the user's own classes too (its script's output second).
    """
    shutil.copytree(PROJECT, where, ignore=None if classes else shutil.ignore_patterns(CLASSES_APP))
    shutil.copy(SCHEMA, where / "schema.json")
    generate = python.parent / "schemastream"
    run([generate, "generate", "schema.json", "--output", "meetapp"], where)
    if not classes:
        return run([python, "app.py"], where), ""
    shutil.copy(CLASSES, where / "mymodels.py")
    run([generate, "generate", "mymodels:MeetingInfo", "--output", "mystream"], where)
    return run([python, "app.py"], where), run([python, CLASSES_APP], where)


def start_checker(checker: str, project: Path, python: Path) -> subprocess.Popen[str]:
    if checker == "mypy":
        cache = project.parent / f"{project.name}-mypy-cache"
        if MYPY_SEED.is_dir():
            shutil.copytree(MYPY_SEED, cache)
        command: list[str | Path] = [
            sys.executable, "-m", "mypy", "--strict", "--python-version", MYPY_PYTHON,
            "--python-executable", python, "--cache-dir", cache, "app.py", "meetapp",
            *(("classes_app.py", "mystream") if (project / CLASSES_APP).exists() else ()),
        ]  # fmt: skip
    else:
        command = [sys.executable, "-m", "pyright", "--pythonpath", python]
    return subprocess.Popen(
        command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


@dataclass
class Installed:
    python: Path
    project: Path
    output: str  # what the user script printed
    classes_output: str  # what the script over the user's own classes printed
    checks: dict[str, tuple[int, str]] = field(default_factory=dict)  # checker -> (status, output)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Installed]:
    base = tmp_path_factory.mktemp("outside")
    wheels = base / "wheels"
    run([*PIP, "wheel", *OFFLINE, "--wheel-dir", wheels, ROOT], ROOT)
    (wheel,) = wheels.glob("schemastream-*.whl")
    sources: dict[str, tuple[str | Path, ...]] = {"editable": ("-e", ROOT), "wheel": (wheel,)}
    result: dict[str, Installed] = {}
    for install in INSTALLS:
        python = fresh_venv(base / f"{install}-venv")
        pip_install(python, *sources[install])
        project = base / f"{install}-project"
        outputs = user_project(project, python, classes=install == CLASSES_INSTALL)
        result[install] = Installed(python, project, *outputs)
    # Four checker runs side by side: on two cores, the wall time of about two.
    running = {
        (install, checker): start_checker(checker, done.project, done.python)
        for install, done in result.items()
        for checker in CHECKERS
    }
    for (install, checker), process in running.items():
        output, _ = process.communicate()
        result[install].checks[checker] = (process.returncode, output)
    return result


@pytest.mark.parametrize("install", INSTALLS)
def test_user_script_runs_on_the_installed_package(
    installed: dict[str, Installed], install: str
) -> None:
    done = installed[install]
    final, errors, runtime = done.output.splitlines()
    assert final.startswith('{"users":[{"name":"Ada"')
    assert errors == "IncompleteJSONError FinalValidationError"
    where = ROOT if install == "editable" else done.python.parents[1]
    assert Path(runtime).is_relative_to(where), f"{install}: schemastream came from {runtime}"


def test_user_classes_script_runs_on_their_generated_package(
    installed: dict[str, Installed],
) -> None:
    final, validator = installed[CLASSES_INSTALL].classes_output.splitlines()
    assert final.startswith('{"users":[{"name":"Ada"') and final.endswith('"2025-03-20"}')
    assert "Value error, the deadline 2025-03-01 is before the meeting" in validator


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("install", INSTALLS)
def test_user_project_type_checks_strictly(
    installed: dict[str, Installed], install: str, checker: str
) -> None:
    returncode, output = installed[install].checks[checker]
    assert returncode == 0, f"{checker} on the {install} install:\n{output}"
