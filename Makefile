# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: demo web-demo test lint typecheck mypy pyright docs pytest pytest-parallel models check-models bench golden clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(MAKE) -C examples/meeting models PYTHON=$(abspath $(BIN)/python)
	$(BIN)/python -m examples.meeting.demo

# The browser demo: the meeting streamed into a page, at http://127.0.0.1:8000.
web-demo: $(STAMP)
	$(BIN)/uvicorn examples.web.app:app --host 127.0.0.1 --port 8000

# On 2 cores: pytest (two workers) beside the static checks, each step's output kept whole.
test: $(STAMP) $(CHROMIUM)
	$(MAKE) --no-print-directory -j2 --output-sync=target pytest-parallel pyright lint docs

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: mypy pyright

mypy: $(STAMP)
	$(BIN)/mypy schemastream examples/meeting/meeting_models examples/from_pydantic examples/web tests/golden tests/typing

pyright: $(STAMP)
	$(BIN)/pyright --pythonpath $(BIN)/python -p tests/golden/pyrightconfig.json
	$(BIN)/pyright --pythonpath $(BIN)/python schemastream examples/web tests/typing

# The API reference is rendered from the docstrings; --strict fails on any warning.
docs: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet

pytest: $(STAMP) $(CHROMIUM)
	$(BIN)/pytest -q

# Tests of one file share a worker: a module fixture (the OpenAI corpus, the install, the
# browser) runs once. After mypy: the install test's mypy runs start from its finished cache.
pytest-parallel: $(STAMP) $(CHROMIUM) mypy
	$(BIN)/pytest -q -n 2 --dist loadfile

# The browser tests drive Debian's chromium (Playwright, no browser download): installed
# with apt-get when missing, as root or through sudo; without either, make test stops here.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
$(CHROMIUM):
	@if [ -n "$(SUDO)" ] && ! command -v sudo >/dev/null; then \
		echo "The browser tests need Debian's chromium at $(CHROMIUM), and installing it" \
			"needs root or sudo: run 'apt-get install chromium' as root, then make test." >&2; \
		exit 1; \
	fi
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
	@test -x $(CHROMIUM) || { echo "apt-get installed no $(CHROMIUM)" >&2; exit 1; }

# Regenerate every checked-in generated package from [tool.schemastream] in pyproject.toml.
models: $(STAMP)
	$(BIN)/schemastream generate

check-models: $(STAMP)
	$(BIN)/schemastream generate --check

golden: models

# The peers pin their own versions (instructor 1.17 wants jiter < 0.15): a venv of their own.
BENCH := .venv-bench/bin
$(BENCH)/python: pyproject.toml
	$(PYTHON) -m venv .venv-bench
	$(BENCH)/python -m pip install --quiet -e '.[dev,bench]'

bench: $(BENCH)/python
	$(BENCH)/python benchmarks/parser_bench.py
	$(BENCH)/python benchmarks/client_bench.py
	$(BENCH)/python benchmarks/generator_bench.py
	$(BENCH)/python benchmarks/web_bench.py

clean:
	rm -rf $(VENV) .venv-bench build dist *.egg-info
