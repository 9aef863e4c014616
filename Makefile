# The one dev loop. `make demo` and `make test` are the README's Quick start; CI runs `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test lint typecheck unit bench clean system-deps docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	touch $@ $(VENV)/.installed

## make demo: set up, build the demo retailer into demo.db, serve the dashboard on 127.0.0.1
demo: $(VENV)/.installed
	$(BIN)/retailpulse demo --db sqlite:///demo.db

## make test: set up, lint, type-check and run the whole suite on SQLite and PostgreSQL
test: $(VENV)/.installed-dev system-deps lint typecheck unit

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

unit: $(VENV)/.installed-dev
	$(BIN)/pytest

## System packages the browser tests need (Debian's chromium); installed once, as root.
system-deps:
	@bash scripts/system-deps.sh

bench: $(VENV)/.installed-dev
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache quarantine demo.db*

## make docs: regenerate the reference pages (CLI, settings) from the code
docs: $(VENV)/.installed-dev
	$(BIN)/python -c "from retailpulse.cli import main; from retailpulse.cli.reference import cli_markdown; open('docs/cli.md','w').write(cli_markdown(main))"
	$(BIN)/retailpulse settings --markdown > docs/settings.md
