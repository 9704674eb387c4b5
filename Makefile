# Every target bootstraps .venv from nothing on first use (Python 3.11+).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ADDR   ?= 127.0.0.1:8000

.PHONY: setup serve build lint test check bench browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[site,dev]'
	touch $(STAMP)

setup: $(STAMP)

## serve: build the site from skills/ and serve it with live reload on http://$(ADDR)/skillshelf/
serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr $(ADDR)

## build: build the site into site/, failing on any error-level lint finding
build: $(STAMP)
	$(BIN)/mkdocs build --strict

## lint: lint the skills tree
lint: $(STAMP)
	$(BIN)/skillshelf lint

## test: the whole test suite (installs Debian's chromium for the browser tests when run as root)
test: $(STAMP) browser
	$(BIN)/python -m pytest

## check: static checks on the code
check: $(STAMP)
	$(BIN)/ruff check plugins tests benchmarks
	$(BIN)/ruff format --check plugins tests benchmarks
	$(BIN)/mypy

## bench: benchmarks; figures are printed and written to benchmarks/RESULTS.md
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "note: chromium is not installed; browser tests will be skipped (apt-get install chromium)"; \
	  fi; }

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
