# ciatstudy — the two commands a new contributor needs are `make report` and `make test`.
# Everything runs inside .venv, created from the pinned requirements.lock when missing or stale.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WAVE   ?= 2014
# rfc3987-syntax (and its lark grammar) is an optional format checker of jsonschema, pulled in by
# jupyter-events; nothing here validates IRIs, and importing it costs 1-3 s in every Jupyter process
# (papermill, nbconvert, JupyterLab). Measured in benchmarks/: see README "Performance".
LOCK_EXCLUDE := --no-emit-package rfc3987-syntax --no-emit-package lark

.DEFAULT_GOAL := help
.PHONY: help report test test-fast bench lock lab clean venv

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

test: $(STAMP) ## Run the whole test suite (unit, notebook and browser tiers)
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## Run the fast unit tests only (no notebook, no browser)
	$(BIN)/python -m pytest -m "not notebook and not browser"

bench: $(STAMP) ## Run the benchmarks and print the figures (not part of make test)
	$(BIN)/python benchmarks/run.py

lab: $(STAMP) ## Open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/

lock: ## Re-compile requirements.lock from requirements.in (needs network)
	@test -x $(BIN)/uv || (test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)) && $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile requirements.in --python-version 3.11 --generate-hashes $(LOCK_EXCLUDE) -o requirements.lock
	$(BIN)/python tools/sync_environment.py

clean: ## Remove generated outputs (data/processed, figures, reports)
	rm -rf data/processed figures reports .build
