"""OpenAI's own OpenAPI document (1,422 schemas) generates, imports and streams.

The package is generated once per session (it takes tens of seconds), imported in this
process with warnings as errors, and a generated ``parse_*`` helper streams a real chat
completion response through to its full model.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import BaseModel, RootModel
from test_shared_schemas import assert_as_per_model

from schemastream.generator import generate
from schemastream.runtime import PartialModel, PartialStream, StreamSpec

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "openai-openapi.json"
PACKAGE = "openai_corpus_models"

CONTENT = 'The meeting is on Tuesday at 10:00 in room "Ada", \\ bring a laptop. \u00e9\u2028'
RESPONSE = {
    "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
    "object": "chat.completion",
    "created": 1741570283,
    "model": "gpt-4o-2024-08-06",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": CONTENT,
                "refusal": None,
                "annotations": [],
            },
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
    "usage": {
        "prompt_tokens": 1117,
        "completion_tokens": 46,
        "total_tokens": 1163,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    },
    "service_tier": "default",
    "system_fingerprint": "fp_fc9f1d7035",
}


@pytest.fixture(scope="module")
def corpus_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ModuleType]]:
    root = tmp_path_factory.mktemp("corpus")
    start = time.perf_counter()
    generate(CORPUS, root / PACKAGE)
    seconds = time.perf_counter() - start
    sys.stderr.write(f"\ngenerated the OpenAI corpus in {seconds:.1f} s\n")
    sys.path.insert(0, str(root))
    try:
        yield {
            name: importlib.import_module(f"{PACKAGE}{name}")
            for name in ("", ".models", ".partial", ".stream")
        }
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def model_classes(module: ModuleType) -> dict[str, type[BaseModel]]:
    # pydantic also registers parametrized generics (``RootModel[str]``) in the namespace
    return {
        name: value
        for name, value in vars(module).items()
        if name.isidentifier()
        and not name.startswith("_")
        and isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == module.__name__
    }


def test_every_model_has_a_partial_twin(corpus_package: dict[str, ModuleType]) -> None:
    full = model_classes(corpus_package[".models"])
    module = corpus_package[".partial"]
    partial = {name: getattr(module, name) for name in module.__all__}  # created on first use
    assert len(full) > 1422
    missing = sorted(name for name in full if f"Partial{name}" not in partial)
    assert missing == []
    for name, model in full.items():
        twin = partial[f"Partial{name}"]
        if issubclass(model, RootModel):
            assert issubclass(twin, RootModel), name
        else:
            assert issubclass(twin, PartialModel), name


def test_package_reexports_and_specs(corpus_package: dict[str, ModuleType]) -> None:
    package, stream = corpus_package[""], corpus_package[".stream"]
    specs = [v for v in vars(stream).values() if isinstance(v, StreamSpec)]
    assert len(specs) > 1000
    for spec in specs:
        json.loads(spec.schema_json)
        assert (spec.strict_schema_json is None) == bool(spec.strict_note)
    assert (
        package.CreateChatCompletionResponse
        is corpus_package[".models"].CreateChatCompletionResponse
    )
    assert (
        package.parse_create_chat_completion_response
        is stream.parse_create_chat_completion_response
    )


def test_request_schemas_are_byte_for_byte_the_per_model_ones(
    corpus_package: dict[str, ModuleType],
) -> None:
    assert assert_as_per_model(corpus_package[".stream"], CORPUS) > 1000


def test_parse_helper_streams_a_chat_completion(corpus_package: dict[str, ModuleType]) -> None:
    models, partial, stream = (corpus_package[n] for n in (".models", ".partial", ".stream"))
    text = json.dumps(RESPONSE, ensure_ascii=False)
    chunks = [text[i : i + 5] for i in range(0, len(text), 5)]

    snapshots = []
    with stream.parse_create_chat_completion_response(iter(chunks)) as result:
        assert isinstance(result, PartialStream)
        for snapshot in result:
            assert isinstance(snapshot, partial.PartialCreateChatCompletionResponse)
            snapshots.append(snapshot)
            choices = snapshot.choices or []
            content = choices[0].message.content if choices and choices[0].message else None
            if isinstance(content, str):
                assert CONTENT.startswith(content)

    assert len(snapshots) > 20
    assert result.text == text
    final = result.final
    assert isinstance(final, models.CreateChatCompletionResponse)
    assert final == models.CreateChatCompletionResponse.model_validate_json(text)
    assert final.choices[0].message.content == CONTENT
    assert final.usage is not None
    assert final.usage.total_tokens == 1163
    dumped = snapshots[-1].model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert dumped == RESPONSE
