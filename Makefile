# The front door: `make run` starts everything, `make test` runs everything CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced
XDIST ?= auto

.PHONY: help setup run test lint fmt typecheck imports pytest schemas schemas-check bench clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(UV):
	@echo "bootstrapping uv into $(TOOLS)/"
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked
	@touch $(STAMP)

setup: $(STAMP) ## install uv (locally), the locked dependencies, and build the UI when there is one
	@if [ -f web/package.json ]; then cd web && npm ci && npm run build; fi

run: setup ## set up if needed, then start all eight services on http://127.0.0.1:8080 (embedded PostgreSQL)
	$(BIN)/mes up

test: setup lint typecheck imports schemas-check pytest ## everything CI runs

lint: setup ## ruff lint and format check
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

fmt: setup ## format and auto-fix
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

typecheck: setup ## mypy, strict on src/mes
	$(BIN)/mypy

imports: setup ## import-linter: services independent, layers inside a service
	$(BIN)/lint-imports

pytest: setup ## the Python suite on real PostgreSQL, NATS and friends
	$(BIN)/pytest -n $(XDIST) --dist loadfile

schemas: setup ## export each service's OpenAPI and the event contracts to docs/reference
	$(BIN)/python -m mes.platform.exports

schemas-check: setup ## fail when docs/reference is stale
	$(BIN)/python -m mes.platform.exports --check

bench: setup ## run the benchmarks in bench/ (prints ratios against a same-run ceiling)
	$(BIN)/python -m bench.http_overhead

clean: ## remove the virtualenvs and local data (keeps nothing under var/)
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .mypy_cache .ruff_cache
