# ciatstudy — the two commands a new contributor needs are `make report` and `make test`.
# Everything runs inside .venv, created from the pinned requirements.lock when missing or stale.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WAVE   ?= 2014

.DEFAULT_GOAL := help
.PHONY: help report test test-fast bench lock lab clean venv

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	@echo "==> Creating $(VENV) from requirements.lock"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	@$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
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
	$(BIN)/uv pip compile requirements.in --python-version 3.11 --generate-hashes -o requirements.lock
	$(BIN)/python tools/sync_environment.py

clean: ## Remove generated outputs (data/processed, figures, reports)
	rm -rf data/processed figures reports .build
