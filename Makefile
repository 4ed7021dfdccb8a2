# Amends: `make run` to try it, `make test` to check it. Both set up what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
TOOLS := .tools
UV_VERSION := 0.13.9
UV := $(or $(shell command -v uv 2>/dev/null),$(TOOLS)/bin/uv)
PY := $(VENV)/bin/python

# Tests talk to the real PostgreSQL and Redis; override these to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/amends
TEST_REDIS_URL ?= redis://127.0.0.1:6379
PYTEST_ARGS ?=

.PHONY: help install run seed test lint typecheck browser-deps messages bench clean

help:
	@echo "make run    install, migrate, load demo data and start web + worker + beat"
	@echo "make test   install and run ruff, mypy and the whole test suite"

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(VENV)/.synced

# Debian's Chromium for the browser tests (Playwright drives it; it downloads no browser).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

PORT ?= 8000

# The web server itself runs with DEBUG off (Procfile.dev), as in production: unknown
# addresses get the product's 404 page and a bug its 500 page, in the visitor's language,
# not Django's debug pages (which list every URL). Tracebacks still reach this terminal
# (the console log), and WhiteNoise serves static/ as it is, with no collectstatic.
# Settings refuse to start without DEBUG and without a key: `make run` makes one key per
# checkout (var/secret_key, never committed) for its web server, worker and beat.
SECRET_KEY_FILE = var/secret_key

$(SECRET_KEY_FILE):
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: install $(SECRET_KEY_FILE)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	@echo ""
	@echo "  Amends is starting at http://127.0.0.1:$(PORT)/  (agents: http://127.0.0.1:$(PORT)/agent/)"
	@echo "  Web server, Celery worker and beat run below; Ctrl-C stops them all."
	@echo ""
	SECRET_KEY="$$(cat $(SECRET_KEY_FILE))" DEBUG=1 PORT=$(PORT) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" \
	  $(VENV)/bin/honcho -f Procfile.dev start

seed: install
	DEBUG=1 $(PY) manage.py seed_demo

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# What the tests run against; exported so `make pytest ARGS=...` style reruns see the same.
TEST_ENV = DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL)/15 \
  CACHE_URL=$(TEST_REDIS_URL)/14 AMENDS_VAR_DIR=$(CURDIR)/var/test STATIC_MANIFEST=0 \
  SECRET_KEY=tests-only-not-a-secret

# mypy with the Django and DRF plugins: services and selectors must carry hints (pyproject.toml).
# It reads config.settings as the app does, so it needs no database or broker.
typecheck: install
	SECRET_KEY=typecheck-only $(VENV)/bin/mypy

test: install browser-deps
	$(VENV)/bin/ruff check .
	SECRET_KEY=typecheck-only $(VENV)/bin/mypy
	$(TEST_ENV) $(VENV)/bin/pytest -p no:cacheprovider --create-db $(PYTEST_ARGS)

# Rebuild the French catalogue after changing UI text (needs GNU gettext).
messages: install
	DEBUG=1 $(PY) manage.py makemessages -l fr --ignore=.venv --ignore=.tools --ignore=var --ignore=tests --ignore=bench
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=.tools

clean:
	rm -rf var .pytest_cache .mypy_cache
