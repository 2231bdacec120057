# The front door: `make run` starts everything, `make test` runs everything CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced
WEB_STAMP := web/node_modules/.installed
XDIST ?= auto

.PHONY: help setup run test lint fmt typecheck imports pytest schemas schemas-check bench clean web web-test reliability

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
	@if [ -f web/package.json ]; then $(MAKE) --no-print-directory web; fi

run: setup ## set up if needed, then start all eight services on http://127.0.0.1:8080 (embedded PostgreSQL)
	$(BIN)/mes up

test: setup lint typecheck imports schemas-check pytest web-test ## everything CI runs

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

schemas: setup ## export each service's OpenAPI and the event contracts to docs/reference, regenerate the UI's API client
	$(BIN)/python -m mes.platform.exports
	cd web && npm run gen:api

schemas-check: setup ## fail when docs/reference is stale
	$(BIN)/python -m mes.platform.exports --check

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $(WEB_STAMP)

web: $(WEB_STAMP) ## install the UI's locked npm packages and build it into web/dist (served by mes up)
	cd web && npm run build

web-test: setup ## UI tests: vitest, the generated API client's staleness check, Playwright in Chromium against mes up
	cd web && npm run lint && npm test && npm run check:api
	web/scripts/ensure-chromium.sh
	cd web && npx playwright test

reliability: setup ## the fault suite's long runs: tests/reliability, tests/deploy and the bus outage with ten times the workload
	MES_RELIABILITY_SCALE=10 $(BIN)/pytest -n 1 tests/reliability tests/deploy \
		"tests/platform/test_bus.py::test_broker_down_for_30s_while_writes_go_on_loses_nothing"

bench: setup ## run the benchmarks in bench/ (prints ratios against a same-run ceiling): B1, B2, B4, B9
	$(BIN)/python -m bench.http_overhead
	$(BIN)/python -m bench.consumption
	$(BIN)/python -m bench.event_pipeline
	$(BIN)/python -m bench.startup
	$(BIN)/python -m bench.reporting
	$(BIN)/python -m bench.reporting_cache
	$(BIN)/python -m bench.traceability
	$(BIN)/python -m bench.flood
	$(BIN)/python -m bench.flood --gateway

clean: ## remove the virtualenvs and local data (keeps nothing under var/)
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .mypy_cache .ruff_cache
