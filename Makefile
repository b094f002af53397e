# Two commands on a fresh machine:  make demo  and  make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
LINTSTAMP := $(VENV)/.installed-lint
DOCSSTAMP := $(VENV)/.installed-docs
# What `make lint` checks with ruff. mypy checks the files listed in pyproject.toml
# ([tool.mypy] files: src/qbank and docs; tests and bench are not clean under mypy yet).
LINT_PATHS ?= src tests bench docs
MYPY_FLAGS ?=

.PHONY: demo test bench install clean lint docs docs-images

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TESTSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

$(DOCSSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[docs]'
	touch $@ $(STAMP)

$(LINTSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $@ $(TESTSTAMP) $(STAMP)

install: $(STAMP)

## make demo: every format from the built-in bank into out/ (5 versions, seed 2026)
demo: $(STAMP)
	$(BIN)/qbank generate -n 5 --seed 2026 -o out
	@echo "Done: see the files in out/"

## make test: install the test extras and run the whole test suite
test: $(TESTSTAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

## make lint: ruff (rules and formatting) and mypy, configured in pyproject.toml
lint: $(LINTSTAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy $(MYPY_FLAGS)

## make docs: the documentation site into site/ (MkDocs, Material theme; warnings are errors)
docs: $(DOCSSTAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site
	@echo "Done: open site/index.html"

## make docs-images: the tutorial's and the gallery's pictures, from real outputs (needs LibreOffice, Chromium)
docs-images: $(TESTSTAMP)
	$(BIN)/python docs/images/render.py
	$(BIN)/python docs/images/render_examples.py

## make bench: speed and memory figures (see docs/benchmarks.md)
bench: $(TESTSTAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py
	$(BIN)/python bench/workbench_speed.py

clean:
	rm -rf out build dist site .pytest_cache .hypothesis src/*.egg-info
