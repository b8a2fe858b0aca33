# Sanxiang: `make run` serves a demo installation; `make test` runs every check and test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SANXIANG := $(BIN)/sanxiang
HOST ?= 127.0.0.1
PORT ?= 8000
# Cases per demo agency for `make run`'s year of activity (sanxiang demo --cases; 0: none).
DEMO_CASES ?= 100

.PHONY: install install-test system-deps run cluster cluster-down lint test test-sqlite test-postgres test-year-end \
	suite-sqlite suite-postgres suite-year-end clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-cluster: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[cluster]'
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## install: create or update .venv and the `sanxiang` command (idempotent)
install: $(VENV)/.installed

## system-deps: Debian packages the tests need (chromium, fonts-noto-cjk, postgresql, pgbouncer, …)
system-deps:
	bash scripts/install-system-deps

# Test-only JavaScript (axe-core for tests/e2e/test_accessibility.py), pinned by package-lock.json
# and installed into the git-ignored node_modules/; never committed, never served.
node_modules/.package-lock.json: package.json package-lock.json | system-deps
	npm ci --no-audit --no-fund --loglevel=error

install-test: $(VENV)/.installed-test system-deps node_modules/.package-lock.json

## run: migrate, load demo data (a year of cases: DEMO_CASES per agency) and serve on http://$(HOST):$(PORT)/ with gunicorn
run: install
	$(SANXIANG) migrate --noinput
	$(SANXIANG) collectstatic --noinput -v0
	$(SANXIANG) demo --cases $(DEMO_CASES)
	$(SANXIANG) serve --host $(HOST) --port $(PORT)

## cluster: the whole cluster on loopback (PostgreSQL primary, replica and PgBouncer, SeaweedFS
## with the evidence bucket, two app nodes, a queue worker, HAProxy) in $(CLUSTER_DIR), with
## CLUSTER_CASES demo cases per agency; prints the address and the log-ins (docs/operations/cluster.md). `make cluster-down` stops it.
CLUSTER_DIR ?= $(or $(SANXIANG_VAR),var)/cluster
CLUSTER_CASES ?= 5
cluster: $(VENV)/.installed-cluster
	$(SANXIANG) cluster up $(CLUSTER_DIR) --cases $(CLUSTER_CASES)

cluster-down: install
	$(SANXIANG) cluster down $(CLUSTER_DIR)

## lint: ruff, mypy, the import layering contract, missing migrations
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	SANXIANG_VAR=$$(mktemp -d) $(SANXIANG) makemigrations --check --dry-run

## test: lint, then the whole suite on SQLite and on a throwaway PostgreSQL server, and the
## date-sensitive tests again with the clock at 29 December of this year (next year's holiday
## schedule not yet known). Two at a time, one per core; each run's output is printed whole
## when it ends.
test: install-test lint
	$(MAKE) --no-print-directory -j2 --output-sync=target suite-sqlite suite-postgres suite-year-end

test-sqlite: install-test
	$(MAKE) --no-print-directory suite-sqlite

test-postgres: install-test
	$(MAKE) --no-print-directory suite-postgres

test-year-end: install-test
	$(MAKE) --no-print-directory suite-year-end

# The runs themselves, without the install step (run once, before them, by the targets above).
suite-sqlite:
	SANXIANG_VAR=$$(mktemp -d) $(BIN)/pytest

suite-postgres:
	SANXIANG_VAR=$$(mktemp -d) $(BIN)/python scripts/with-postgres.py -- $(BIN)/pytest

suite-year-end:
	SANXIANG_VAR=$$(mktemp -d) SANXIANG_TEST_NOW=$$(date +%Y)-12-29T10:00:00+08:00 $(BIN)/pytest -m dates

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
