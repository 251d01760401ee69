"""``schemastream generate module:Name``: projects of user classes, ``--check``, clear errors.

Each test writes a small project (a pyproject.toml and the user's modules) under a
temporary directory and runs the command in-process from there.
"""

from __future__ import annotations

import importlib
import json
import sys
import textwrap
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import JsonValue

from schemastream.cli import main
from schemastream.generator import GeneratorError, build, generate
from schemastream.generator.classes_import import ClassesInput

SHOP = '''
from __future__ import annotations

import enum
from pydantic import BaseModel, Field


class Status(str, enum.Enum):
    OPEN = "open"
    PAID = "paid"


class Line(BaseModel):
    sku: str
    qty: int = 1


class Order(BaseModel):
    """An order."""

    lines: list[Line] = []
    status: Status = Status.OPEN
    note: str | None = None
'''


def project(root: Path, modules: dict[str, str], targets: dict[str, str] | None = None) -> Path:
    """Write ``modules`` (dotted name -> source) and a pyproject.toml with ``targets``."""
    for name, source in modules.items():
        path = root.joinpath(*name.split(".")).with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root).parents:
            if parent != Path("."):
                (root / parent / "__init__.py").touch()
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    lines = [
        f'[[tool.schemastream.targets]]\ninput = "{source}"\noutput = "{output}"\n'
        for source, output in (targets or {}).items()
    ]
    (root / "pyproject.toml").write_text("\n".join(lines) or "[project]\nname = 'x'\n")
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_pyproject_target_generates_checks_and_goes_stale_when_a_class_changes(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project(in_tmp, {"shop_a.models": SHOP}, {"shop_a.models:Order": "shop_a/llm"})
    path = list(sys.path)
    code, _, err = run(capsys, "generate")
    assert code == 0, err
    assert sorted(p.name for p in (in_tmp / "shop_a" / "llm").iterdir()) == [
        "__init__.py", "partial.py", "partial.pyi", "schemas.py", "stream.py",
    ]  # fmt: skip
    # The user's module was imported for the build only: nothing of it is left behind.
    assert sys.path == path and not [name for name in sys.modules if name.startswith("shop_a")]
    assert run(capsys, "generate", "--check")[0] == 0

    models = in_tmp / "shop_a" / "models.py"
    models.write_text(models.read_text().replace("    note:", "    total: float = 0\n    note:"))
    code, _, err = run(capsys, "generate", "--check")
    assert code == 1
    assert "stale" in err and "partial.py" in err and "stream.py" in err

    assert run(capsys, "generate")[0] == 0
    assert "total: float | None = None" in (in_tmp / "shop_a" / "llm" / "partial.pyi").read_text()
    assert run(capsys, "generate", "--check")[0] == 0


def test_a_change_to_a_class_body_alone_goes_stale_too(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A validator changes no schema: the header's digest covers the module's source.
    project(in_tmp, {"shop_b.models": SHOP})
    assert run(capsys, "generate", "shop_b.models:Order", "-o", "out")[0] == 0
    models = in_tmp / "shop_b" / "models.py"
    models.write_text(models.read_text() + "\n\ndef helper() -> int:\n    return 1\n")
    assert run(capsys, "generate", "shop_b.models:Order", "-o", "out", "--check")[0] == 1


@contextmanager
def generated(root: Path, module: str, names: str) -> Iterator[ModuleType]:
    """Generate ``module:names`` into ``<module>_llm`` under ``root`` and import it."""
    package = f"{module.split('.')[0]}_llm"
    generate(ClassesInput(module, tuple(names.split(",")), root), root / package)
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(root))
        top = {package, module.split(".")[0]}
        for name in [m for m in sys.modules if m.split(".")[0] in top]:
            del sys.modules[name]


def test_the_generated_package_streams_the_users_class(tmp_path: Path) -> None:
    project(tmp_path, {"shop_c.models": SHOP})
    with generated(tmp_path, "shop_c.models", "Order") as llm:
        models = importlib.import_module("shop_c.models")
        text = '{"lines": [{"sku": "A-1", "qty": 2}], "status": "paid"}'
        with llm.parse_order([text[:20], text[20:]]) as stream:
            snapshots = list(stream)
        assert type(stream.final) is models.Order and stream.final.status is models.Status.PAID
        assert all(isinstance(snap, llm.PartialOrder) for snap in snapshots)
        assert stream.final.note is None  # the class's default, applied at the end
        assert llm.Order is models.Order and llm.Status is models.Status


ALIASES = """
    from typing import Annotated
    from pydantic import AliasChoices, BaseModel, BeforeValidator, Field, PlainValidator

    class Person(BaseModel):
        name: str = Field(
            validation_alias=AliasChoices("fullName", "name"),
            json_schema_extra={"x-stream": "not-null"},
        )
        age: Annotated[int, PlainValidator(int)] = 0
        tags: Annotated[list[str], BeforeValidator(str.split, json_schema_input_type=str)] = []
        bio: str = Field("", json_schema_extra={"x-stream": "done"})

    class Team(BaseModel):
        people: list[Person]
"""


def test_aliases_validator_inputs_and_x_stream_follow_what_the_llm_is_told(
    tmp_path: Path,
) -> None:
    project(tmp_path, {"aliases": ALIASES})
    with generated(tmp_path, "aliases", "Team") as llm:
        person = llm.PartialPerson
        hints = typing.get_type_hints(person)
        assert person.model_fields["name"].alias == "fullName"  # AliasChoices: the first key
        assert hints["age"] == JsonValue | None  # PlainValidator: the schema says any JSON
        assert hints["tags"] == str | None  # the BeforeValidator's declared input
        assert person.__stream_not_null__ == frozenset({"name"})
        assert person.__stream_done__ == frozenset({"bio"})
        schema = llm.TEAM_SPEC.schema["$defs"]["Person"]["properties"]
        assert schema["age"].get("type") is None and schema["tags"]["type"] == "string"
        text = '{"people": [{"fullName": "Ada L", "age": "36", "tags": "a b", "bio": "hi"}]}'
        with llm.parse_team([text[:30], text[30:]]) as stream:
            snapshots = list(stream)
        last = snapshots[-1].people[0]
        assert last.name == "Ada L" and last.age == "36" and last.tags == "a b"
        assert stream.final.people[0].age == 36 and stream.final.people[0].tags == ["a", "b"]


def embedded_schemas(files: dict[str, str], root: str) -> dict[str, Any]:
    """The plain and strict definitions of ``root`` in a generated package's schemas.py."""
    namespace: dict[str, Any] = {}
    exec(files["schemas.py"], namespace)
    return {
        "schema_json": json.loads(namespace["PLAIN"][root]),
        "strict_schema_json": json.loads(namespace["STRICT"][root]),
    }


def test_strict_mode_requires_fields_with_defaults_instead_of_making_them_null(
    tmp_path: Path,
) -> None:
    project(tmp_path, {"shop_d.models": SHOP})
    schemas = embedded_schemas(
        build(ClassesInput("shop_d.models", ("Order",), tmp_path)).files, "Order"
    )
    assert "required" not in schemas["schema_json"]  # pydantic's: every field has a default
    strict = schemas["strict_schema_json"]
    assert strict["required"] == ["lines", "status", "note"]
    assert strict["properties"]["lines"]["type"] == "array"  # a null would fail Order
    assert {"type": "null"} in strict["properties"]["note"]["anyOf"]


def test_classes_with_the_same_name_in_two_modules_get_distinct_twins(tmp_path: Path) -> None:
    project(
        tmp_path,
        {
            "two.a": "from pydantic import BaseModel\nclass User(BaseModel):\n    name: str\n",
            "two.b": "from pydantic import BaseModel\nclass User(BaseModel):\n    id: int\n",
            "two.top": (
                "from pydantic import BaseModel\nfrom two import a, b\n"
                "class Model(BaseModel):\n    flag: bool\n"
                "class Pair(BaseModel):\n    left: a.User\n    right: b.User\n    m: Model\n"
            ),
        },
    )
    stub = build(ClassesInput("two.top", ("Pair",), tmp_path)).files["partial.pyi"]
    assert "class PartialUser(PartialModel):\n    name: str" in stub
    assert "class PartialUser_2(PartialModel):\n    id: int" in stub
    assert "right: PartialUser_2 | None = None" in stub
    # A class named Model would have the twin PartialModel, the runtime's base class.
    assert "class PartialModel_2(PartialModel):\n    flag: bool" in stub


NOT_READ = [
    ("nowhere.models:Order", "cannot import module 'nowhere.models': no module named 'nowhere'"),
    ("shop_e.models:Missing", "module 'shop_e.models' has no name 'Missing'; "
     "its BaseModel classes: Line, Order"),
    ("shop_e.models:Status", "shop_e.models:Status is not a pydantic BaseModel class "
     "(it is the class shop_e.models.Status)"),
    ("shop_e.broken:Order", "importing 'shop_e.broken' raised RuntimeError: no database"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "message"), NOT_READ)
def test_an_input_that_cannot_be_read_is_one_clear_message_and_exit_2(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], source: str, message: str
) -> None:
    broken = "import os\nraise RuntimeError('no database')\n"
    project(in_tmp, {"shop_e.models": SHOP, "shop_e.broken": broken})
    code, out, err = run(capsys, "generate", source, "-o", "out")
    assert code == 2 and out == ""
    assert err.startswith("schemastream: error: ") and err.count("\n") == 1, err
    assert message in err
    assert not (in_tmp / "out").exists()


UNSUPPORTED = {
    "callable discriminator": (
        """
        from typing import Annotated, Literal, Union
        from pydantic import BaseModel, Discriminator, Tag
        class A(BaseModel):
            kind: Literal["a"]
        class B(BaseModel):
            kind: Literal["b"]
        class Doc(BaseModel):
            item: Annotated[Union[Annotated[A, Tag("a")], Annotated[B, Tag("b")]],
                            Discriminator(lambda v: "a")]
        """,
        "Doc.item: its union has a callable Discriminator",
    ),
    "unparametrized generic": (
        """
        from typing import Generic, TypeVar
        from pydantic import BaseModel
        T = TypeVar("T")
        class Page(BaseModel, Generic[T]):
            items: list[T]
        class Doc(BaseModel):
            page: Page  # type: ignore[type-arg]
        """,
        "Doc.page: its type Page is a generic model left unparametrized (~T)",
    ),
    "type without a JSON Schema": (
        """
        from pydantic import BaseModel, ConfigDict
        class Engine:
            pass
        class Doc(BaseModel):
            model_config = ConfigDict(arbitrary_types_allowed=True)
            engine: Engine
        """,
        "Doc.engine: its type Engine has no JSON Schema",
    ),
    "a dataclass": (
        """
        from dataclasses import dataclass
        from pydantic import BaseModel
        @dataclass
        class Point:
            x: int
        class Doc(BaseModel):
            at: Point
        """,
        "Doc.at: its type Point is written in JSON as an object or array",
    ),
    "an enum defined in a function": (
        """
        import enum
        from pydantic import BaseModel
        def make():
            class Mood(enum.Enum):
                HAPPY = "happy"
            return Mood
        Mood = make()
        class Doc(BaseModel):
            mood: Mood  # type: ignore[valid-type]
        """,
        "Doc.mood: the enum",
    ),
    "a multi-step AliasPath": (
        """
        from pydantic import AliasPath, BaseModel, Field
        class Doc(BaseModel):
            city: str = Field(validation_alias=AliasPath("address", "city"))
        """,
        "Doc.city: its validation_alias AliasPath(path=['address', 'city']) has no single key",
    ),
    "a Literal of enum members": (
        """
        import enum
        from typing import Literal
        from pydantic import BaseModel
        class Mood(enum.Enum):
            HAPPY = "happy"
        class Doc(BaseModel):
            mood: Literal[Mood.HAPPY]
        """,
        "Doc.mood: its Literal holds the enum member",
    ),
    "an unknown x-stream value": (
        """
        from pydantic import BaseModel, Field
        class Doc(BaseModel):
            title: str = Field(json_schema_extra={"x-stream": "later"})
        """,
        'Doc.title: unknown "x-stream" value \'later\'; use "done" or "not-null"',
    ),
    "an unresolved forward reference": (
        """
        from pydantic import BaseModel
        class Doc(BaseModel):
            child: "Missing"  # type: ignore[name-defined]  # noqa: F821
        """,
        "Doc is not fully defined: name 'Missing' is not defined",
    ),
    "a callable": (
        """
        from collections.abc import Callable
        from pydantic import BaseModel
        class Doc(BaseModel):
            hook: Callable[[], None]
        """,
        "Doc.hook: its type Callable[[], None] has no JSON form the generator knows",
    ),
}


@pytest.mark.parametrize("case", sorted(UNSUPPORTED))
def test_a_field_that_cannot_be_mirrored_is_named_with_the_reason(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    source, message = UNSUPPORTED[case]
    module = f"bad_{case.replace(' ', '_').replace('-', '_')}"
    project(in_tmp, {module: source})
    code, _, err = run(capsys, "generate", f"{module}:Doc", "-o", "out")
    assert code == 2, err
    assert err.count("\n") == 1 and message in err, err


def test_stream_models_do_not_apply_to_classes(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project(in_tmp, {"shop_f.models": SHOP})
    code, _, err = run(capsys, "generate", "shop_f.models:Order", "--stream-model", "X", "-o", "o")
    assert code == 2 and "--stream-model (stream-models) names OpenAPI schemas" in err


def test_errors_name_the_field_through_nested_classes(tmp_path: Path) -> None:
    source = """
        from collections.abc import Callable
        from pydantic import BaseModel
        class Inner(BaseModel):
            hook: Callable[[], None]
        class Doc(BaseModel):
            inner: list[Inner]
        """
    project(tmp_path, {"nested_bad": source})
    with pytest.raises(GeneratorError, match=r"^Inner\.hook: "):
        build(ClassesInput("nested_bad", ("Doc",), tmp_path))
