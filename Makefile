# ciatstudy — the two commands a new contributor needs are `make report` and `make test`.
# Everything runs inside .venv, created from the pinned requirements.lock when missing or stale.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WAVE   ?= 2014
# `make lab`: where JupyterLab listens and which browser it opens (LAB_BROWSER=none: open none).
LAB_PORT    ?= 8888
LAB_IP      ?= 127.0.0.1
LAB_BROWSER ?=
# Jupyter refuses to start as root unless told to (containers often run as root).
ALLOW_ROOT  := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)
# rfc3987-syntax (and its lark grammar) is an optional format checker of jsonschema, pulled in by
# jupyter-events; nothing here validates IRIs, and importing it costs 1-3 s in every Jupyter process
# (papermill, nbconvert, JupyterLab). Measured in benchmarks/: see README "Performance".
LOCK_EXCLUDE := --no-emit-package rfc3987-syntax --no-emit-package lark

.DEFAULT_GOAL := help
.PHONY: help report test test-fast lint docs bench lock lab clean venv

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	@echo "==> Creating $(VENV) from requirements.lock"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	@# --no-deps: the lock is complete by construction (it deliberately leaves out LOCK_EXCLUDE).
	@# --compile-bytecode: uv writes no .pyc by default, and where PYTHONDONTWRITEBYTECODE is set (as on
	@# our machines) every process would recompile pandas & co. from source: 2.2 s instead of 0.8 s.
	@$(BIN)/uv pip install --quiet --no-deps --compile-bytecode --python $(BIN)/python -r requirements.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@$(BIN)/python -m compileall -q ciatstudy
	@touch $(STAMP)

venv: $(STAMP) ## Create or update the virtual environment only

report: $(STAMP) ## Build the full committee report of wave $(WAVE) (reports/$(WAVE)/report.html)
	$(BIN)/ciatstudy build --wave $(WAVE)

test: $(STAMP) ## Run the whole test suite (unit, notebook and browser tiers; browser skipped without Chromium)
	@# Installs Debian's chromium when root with apt-get; otherwise skips the browser tier, saying so in one line.
	$(BIN)/python tools/run_tests.py

test-fast: $(STAMP) ## Run the fast unit tests only (no notebook, no browser)
	$(BIN)/python -m pytest -n auto --dist worksteal -m "not notebook and not browser"

lint: $(STAMP) ## Check the code with ruff (lint rules and formatting, settings in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

docs: $(STAMP) ## Build the API reference from the docstrings into docs/api/ (pdoc)
	@rm -rf docs/api
	$(BIN)/python tools/build_docs.py docs/api

bench: $(STAMP) ## Run the benchmarks and print the figures (not part of make test)
	$(BIN)/python benchmarks/run.py

lab: $(STAMP) ## Open JupyterLab at the project root (LAB_PORT, LAB_IP, LAB_BROWSER; .py notebooks open as notebooks)
	@# .jupyter/ (on JUPYTER_CONFIG_PATH, beside the user's own config) makes Jupytext Notebook the default viewer.
	JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks \
	  --ServerApp.port=$(LAB_PORT) --ServerApp.ip=$(LAB_IP) \
	  $(if $(filter none,$(LAB_BROWSER)),--no-browser,$(if $(LAB_BROWSER),--ServerApp.browser="$(LAB_BROWSER)")) \
	  $(ALLOW_ROOT)

lock: ## Re-compile requirements.lock from requirements.in (needs network)
	@test -x $(BIN)/uv || (test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)) && $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile requirements.in --python-version 3.11 --generate-hashes $(LOCK_EXCLUDE) -o requirements.lock
	$(BIN)/python tools/sync_environment.py

clean: ## Remove generated outputs (data/processed, figures, reports, docs/api)
	rm -rf data/processed figures reports .build docs/api
