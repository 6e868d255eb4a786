# Porch — `make demo` and `make test` on a fresh Debian or Ubuntu machine.
# Everything the project needs is installed from here: Python packages into
# .venv from hash-pinned lock files, Debian packages with apt-get.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432/porch
PYTEST := PORCH_ENV=test DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest
# Debian packages: WeasyPrint's pango, fonts for Latin, Ethiopic and Myanmar
# scripts, poppler for PDF checks, gettext for catalogues, Chromium for the
# browser journeys, e2fsprogs for the disk-image forensics tests.
RUNTIME_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
	fonts-sil-abyssinica fonts-sil-padauk gettext
TEST_DEBS := $(RUNTIME_DEBS) chromium poppler-utils e2fsprogs postgresql-client

# The first Python >= 3.12 found: on PATH, then pyenv's and /usr/local's builds.
PYTHON := $(shell for c in python3.13 python3.12 python3.14 python3 \
	$$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do \
	  if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo "$$c"; break; fi; \
	done)

.PHONY: help demo test ci lint migrations-check test-sqlite test-postgres test-browser \
	debs-runtime debs-test install install-dev messages soak clean python

help:
	@echo "make demo   install, migrate, seed the fictional city, serve http://127.0.0.1:8000"
	@echo "make test   install what the tests need and run the whole suite"
	@echo "make ci     lint, migration check, suite on SQLite and PostgreSQL, browser journeys"
	@echo "make soak   the crash harnesses at full count (slow)"

python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Porch needs Python 3.12 or newer and none was found (tried python3.13, python3.12, python3)." >&2; \
	  echo "On Debian or Ubuntu: sudo apt-get install python3.12 python3.12-venv" >&2; exit 1; fi

define apt_install
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; else \
	    echo "Missing Debian packages:$$missing — install them as root." >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

debs-runtime:
	$(call apt_install,$(RUNTIME_DEBS))

debs-test:
	$(call apt_install,$(TEST_DEBS))

$(VENV)/.runtime: requirements.lock pyproject.toml | python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e . || $(BIN)/python -m pip install -q --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.runtime
	$(BIN)/python -m pip install -q --require-hashes -r requirements-dev.lock
	touch $@

install: debs-runtime $(VENV)/.runtime messages
install-dev: debs-test $(VENV)/.dev messages

messages: $(VENV)/.runtime
	PORCH_ENV=test $(BIN)/porch manage compilemessages -v0 --ignore=.venv --ignore=var --ignore=node_modules

# Re-extract Porch's own strings into locale/ (never locale_django/, never tests);
# then translate the new entries and run `make messages` (docs/translations.md).
.PHONY: messages-update
messages-update: $(VENV)/.runtime
	PORCH_ENV=test $(BIN)/porch manage makemessages -l es -l so -l hmn --no-obsolete \
	  --ignore=.venv --ignore=var --ignore=node_modules --ignore=locale_django \
	  --ignore=tests --ignore=bench --ignore=test-results

demo: install
	$(BIN)/porch demo

test: install-dev
	$(PYTEST) -q --durations=15 -m "not slow"
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL:porch=postgres)', connect_timeout=3).close()" 2>/dev/null; then \
	  $(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL at 127.0.0.1:5432 is not reachable: skipping the PostgreSQL run (make ci requires it)."; fi

lint: $(VENV)/.dev
	$(BIN)/ruff check porch bench tests conftest.py
	$(BIN)/ruff format --check porch bench tests conftest.py

migrations-check: $(VENV)/.dev
	PORCH_ENV=test $(BIN)/porch manage makemigrations --check --dry-run

test-sqlite: install-dev
	$(PYTEST) -q --durations=15 -m "not slow"

# HTTP-level tests on PostgreSQL plus a short smoke of two browser journeys.
test-postgres: install-dev
	@$(BIN)/python -c "import psycopg; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=5).close()" \
	  || { echo "PostgreSQL at 127.0.0.1:5432 is unreachable: make ci needs it." >&2; exit 1; }
	PORCH_DATABASE_URL=$(PG_URL) $(PYTEST) -q --durations=10 -m "(not browser and not slow) or pg_smoke"

ci: lint migrations-check test-sqlite test-postgres

soak: install-dev
	PORCH_SOAK=1 $(PYTEST) -q -m slow --durations=10

# Load test (R50): 200 volunteers + 20 dispatchers on loopback, SQLite then
# PostgreSQL (the bench database is created and dropped; never `porch`).
BENCH_LOAD_DURATION ?= 60
BENCH_LOAD_PG ?= postgresql://postgres@127.0.0.1:5432/porch_bench_load
.PHONY: bench-load
bench-load: install-dev
	$(BIN)/python -m bench.load.run --duration $(BENCH_LOAD_DURATION)
	$(BIN)/python -m bench.load.run --duration $(BENCH_LOAD_DURATION) --database $(BENCH_LOAD_PG)

clean:
	rm -rf $(VENV) var/test-*.sqlite3*
