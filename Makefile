# Two commands for users: `make build` and `make test`. Everything runs in .venv.
# `make build` installs what building and reading the data needs (requirements.lock);
# `make test` adds the test, lint, figure and browser tooling (requirements-dev.lock).
# Both lock files pin exact versions with hashes, the same versions where they overlap.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: build test lint validate clean lock release site

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $(DEV_STAMP)

build: $(STAMP)
	$(BIN)/cpcd build

site: build
	$(BIN)/cpcd site

release: build
	$(BIN)/cpcd release

validate: $(STAMP)
	$(BIN)/cpcd validate

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

test: lint build
	$(BIN)/python -m pytest --numprocesses auto --dist loadscope

clean:
	rm -rf exports release site $(VENV) .lockenv .pytest_cache .ruff_cache .hypothesis build dist \
		*.egg-info src/*.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +

# Regenerate both lock files from pyproject.toml (needs network access to the package index).
# The runtime lock is resolved within the development one, so the two pin the same versions.
lock:
	$(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet uv
	echo setuptools | .lockenv/bin/uv pip compile pyproject.toml - --extra dev --extra figures --extra bench \
		--generate-hashes --universal --python-version 3.11 -o requirements-dev.lock
	echo setuptools | .lockenv/bin/uv pip compile pyproject.toml - -c requirements-dev.lock \
		--generate-hashes --universal --python-version 3.11 -o requirements.lock
	rm -rf .lockenv
