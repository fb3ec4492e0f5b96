# Two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test check lint typecheck browser bench bench-check bench-diff bench-build clean golden

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

## demo: create .venv, install guidekit, check the sample guidance, build its handbooks
demo: $(VENV)/.installed
	$(BIN)/guidekit check guidance/
	$(BIN)/guidekit build guidance/ --out build/handbooks
	@for d in build/handbooks/*/; do echo "open file://$$(cd $$d && pwd)/index.html"; done

## browser: Debian's chromium for the handbook's browser tests
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

## test: install what tests need and run every test
test: $(VENV)/.test-installed browser
	$(BIN)/python -m pytest -q

## check: lint and type-check the code
check: lint typecheck
lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests bench
typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

## golden: refresh golden files after a deliberate change, then review the diff
golden: $(VENV)/.test-installed
	GUIDEKIT_UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/cli/test_export_golden.py tests/e2e/test_diff_golden.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache

## bench: every benchmark; each times guidekit and its peer tool in the same run and prints the ratios
bench: bench-check bench-diff bench-build

## bench-check: `check` against check-jsonschema on 10,000 generated policies
bench-check: $(VENV)/.installed
	$(BIN)/python bench/bench_check.py --n 10000

## bench-diff: `diff` against `git diff --stat` on a 10,000-policy repository (50 and 500 changed)
bench-diff: $(VENV)/.installed
	$(BIN)/python bench/bench_diff.py

## bench-build: `build` against Zensical on 2,000 generated policies (Zensical takes long here)
bench-build: $(VENV)/.installed
	$(BIN)/python bench/bench_build.py --n 2000
