# Two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# every package development and CI install, pinned with hashes (`make lock` writes it)
LOCK := requirements/dev.lock
# where `make dist` writes the sdist and the wheel
DIST ?= dist
# the other supported Pythons `make test-pythons` runs the unit and CLI tests on
OTHER_PYTHONS ?= 3.12 3.13
PYENV_ROOT ?= $(HOME)/.pyenv
PYTEST := -m pytest -q -W error::ResourceWarning

.PHONY: demo test gettext test-pythons test-ruamel lock check lint typecheck browser messages bench bench-check bench-diff bench-build bench-lsp bench-i18n bench-startup clean golden vscode

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

# the locked versions first; then guidekit itself (and anything pyproject.toml gained since
# the last `make lock`, which tests/unit/test_dependencies.py reports)
$(VENV)/.test-installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r $(LOCK)
	$(BIN)/pip install -q -e '.[test]'
	touch $@

## lock: re-pin requirements/dev.lock (every extra, every supported Python, with hashes) after
## changing dependencies in pyproject.toml; commit the result
lock: | $(BIN)/python
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 \
		--generate-hashes --quiet --output-file $(LOCK)

## demo: create .venv, install guidekit, check the sample guidance, build its handbooks
demo: $(VENV)/.installed
	$(BIN)/guidekit check guidance/
	$(BIN)/guidekit build guidance/ --out build/handbooks
	@for d in build/handbooks/*/; do echo "open file://$$(cd $$d && pwd)/index.html"; done

## dist: build the sdist and the wheel into dist/ (what a release publishes; see
## .github/workflows/release.yml)
.PHONY: dist
dist: $(VENV)/.test-installed
	rm -rf $(DIST)
	$(BIN)/python -m hatchling build -d $(DIST)

## browser: Debian's chromium for the handbook's browser tests
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get -o DPkg::Lock::Timeout=300 update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium >/dev/null; }

## gettext: GNU gettext (msgfmt, msgmerge), the translators' tools the catalog tests run
gettext:
	@command -v msgfmt >/dev/null 2>&1 || { $(SUDO) apt-get -o DPkg::Lock::Timeout=300 update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -o DPkg::Lock::Timeout=300 install -y -qq gettext >/dev/null; }

## test: install what tests need and run every test
test: $(VENV)/.test-installed browser gettext
	$(BIN)/python $(PYTEST)

## test-ruamel: the YAML tests against ruamel.yaml's newest release, above the pin in
## pyproject.toml (guidekit.loading.yamlcompat must notice what a release removed)
test-ruamel:
	@$(MAKE) --no-print-directory VENV=.venv-ruamel .venv-ruamel/.test-installed
	.venv-ruamel/bin/pip install -q --upgrade ruamel.yaml ruamel.yaml.clib 2>&1 | grep -v "incompatible\|dependency conflicts\|requires ruamel" || true
	@.venv-ruamel/bin/python -c "import importlib.metadata as m; print('== ruamel.yaml', m.version('ruamel.yaml'))"
	.venv-ruamel/bin/python $(PYTEST) -p no:cacheprovider tests/cli/test_yaml_compat.py tests/cli/test_fmt_cli.py \
		tests/unit/test_fmt.py tests/unit/test_loader_properties.py tests/unit/test_diff_reference.py

## test-pythons: the unit and CLI tests on Python 3.12 and 3.13 too (from PATH or pyenv),
## each in its own .venv-3.x installed from the lock
test-pythons:
	@set -e; for v in $(OTHER_PYTHONS); do \
		py=$$(ls -d $(PYENV_ROOT)/versions/$$v.*/bin/python$$v 2>/dev/null | tail -n 1); py=$${py:-$$(command -v python$$v || true)}; \
		if [ -z "$$py" ]; then echo "Python $$v is not installed (PATH or $(PYENV_ROOT)/versions)" >&2; exit 1; fi; \
		$(MAKE) --no-print-directory VENV=.venv-$$v PYTHON=$$py .venv-$$v/.test-installed; \
		echo "== Python $$v: unit and CLI tests"; \
		.venv-$$v/bin/python $(PYTEST) -p no:cacheprovider tests/unit tests/cli; \
	done

## check: lint and type-check the code
check: lint typecheck
lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests bench
typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

## messages: extract the handbook's interface strings into handbook.pot and merge them into every catalog
LOCALES_DIR := src/guidekit/handbook/locales
messages: $(VENV)/.test-installed
	$(BIN)/pybabel extract -F $(LOCALES_DIR)/babel.cfg -k _ -k gettext -k ngettext:1,2 --no-location \
		--sort-output --omit-header -o $(LOCALES_DIR)/handbook.pot src/guidekit/handbook
	$(BIN)/pybabel update -D handbook -i $(LOCALES_DIR)/handbook.pot -d $(LOCALES_DIR) \
		--no-fuzzy-matching --ignore-obsolete

## golden: refresh golden files after a deliberate change, then review the diff
golden: $(VENV)/.test-installed
	GUIDEKIT_UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/cli/test_export_golden.py tests/e2e/test_diff_golden.py

clean:
	rm -rf $(VENV) $(foreach v,$(OTHER_PYTHONS),.venv-$(v)) .venv-ruamel build dist .pytest_cache .mypy_cache .ruff_cache

## bench: every benchmark; each times guidekit and its peer tool in the same run and prints the ratios
bench: bench-startup bench-check bench-diff bench-build bench-lsp bench-i18n

## bench-startup: `--help`, `check` of 3 files and `diff` of 50 documents against check-jsonschema and git
bench-startup: $(VENV)/.installed
	$(BIN)/python bench/bench_startup.py

## bench-check: `check` against check-jsonschema (pure and C YAML, one and two processes) and the floor, 10,000 policies, 3 interleaved rounds
bench-check: $(VENV)/.installed
	$(BIN)/python bench/bench_check.py --n 10000

## bench-diff: `diff` against `git diff --stat` on a 10,000-policy repository (50 and 500 changed)
bench-diff: $(VENV)/.installed
	$(BIN)/python bench/bench_diff.py

## bench-build: `build` against Zensical on 2,000 generated policies (Zensical takes long here)
bench-build: $(VENV)/.installed
	$(BIN)/python bench/bench_build.py --n 2000

## bench-lsp: the language server's latency and memory against a fresh-process check (2,000 policies)
bench-lsp: $(VENV)/.test-installed
	$(BIN)/python bench/bench_lsp.py --n 2000

## bench-i18n: `i18n update` against msgmerge and `check` with 10 locales against without (500 policies)
bench-i18n: $(VENV)/.installed gettext
	$(BIN)/python bench/bench_i18n.py --n 500 --locales 10

## vscode: package the VS Code extension in editors/vscode (needs npm)
vscode:
	cd editors/vscode && npm install --no-audit --no-fund && npx --yes @vscode/vsce package --allow-missing-repository
