# Two commands for users: `make build` and `make test`. Everything runs in .venv,
# installed from requirements.lock (exact pins with hashes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint validate clean lock release site

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/cpcd build

site: build
	$(BIN)/cpcd site

release: build
	$(BIN)/cpcd release

validate: $(STAMP)
	$(BIN)/cpcd validate

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

test: lint build
	$(BIN)/python -m pytest --numprocesses auto --dist loadscope

clean:
	rm -rf exports release site $(VENV) .pytest_cache .ruff_cache build src/*.egg-info

# Regenerate requirements.lock from pyproject.toml (needs network access to the package index).
lock:
	$(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet uv
	echo setuptools | .lockenv/bin/uv pip compile pyproject.toml - --extra dev --extra figures \
		--generate-hashes --universal --python-version 3.11 -o requirements.lock
	rm -rf .lockenv
