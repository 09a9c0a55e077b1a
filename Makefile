# The single entry point. `make run` installs and serves Carta with demo data;
# `make test` installs and runs the whole test suite (lint included).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails follow the address served (`make run PORT=8080`), unless set.
CARTA_SITE_URL ?= http://$(HOST):$(PORT)
export CARTA_SITE_URL

.PHONY: run install install-test test lint pytest messages compilemessages clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/carta migrate --noinput
	$(BIN)/carta demo
	$(BIN)/carta serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/carta makemigrations --check --dry-run

# Browser tests run in a pytest process of their own: Playwright's sync API keeps an event
# loop on the main thread, which the Channels tests' async_to_sync must not share.
pytest: install-test
	$(BIN)/pytest -m "not browser" --ignore=tests/browser $(PYTEST_ARGS)
	$(BIN)/pytest -m browser tests/browser $(PYTEST_ARGS)

test: lint pytest

# Translation catalogues: the source strings are Italian; locale/en holds the English.
# Needs gettext (xgettext, msgfmt) on the developer's machine; the compiled .mo files are
# committed so that an install needs neither.
LOCALE_DIRS := platform/carta stakeholders proposals consultations/charter consultations/voting \
	feedback templates
messages: install-test
	for dir in $(LOCALE_DIRS); do mkdir -p $$dir/locale; \
	  (cd $$dir && $(CURDIR)/$(BIN)/carta makemessages -l en --no-obsolete --no-location \
	    --ignore='tests/*' --ignore='static/*') || exit 1; done

compilemessages: install-test
	for dir in $(LOCALE_DIRS); do (cd $$dir && $(CURDIR)/$(BIN)/carta compilemessages) || exit 1; done

clean:
	rm -rf $(VENV) var
