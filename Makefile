# The two commands a new user needs (see README):
#   make map    set up, then build output/ (map.html, events.*) from articles/
#   make test   set up (incl. Debian's chromium for the browser tests), then run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: map test setup setup-test chromium lint bench clean

map: setup
	$(BIN)/conflictmap build articles --out output

test: setup-test chromium
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/python -m pytest

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml setup.py src/conflictmap/_speedups.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py src/conflictmap/_speedups.c $(VENV)/.installed
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

chromium:
	@bash scripts/install-chromium.sh

lint: setup-test
	$(BIN)/ruff check src tests benchmarks scripts

bench: setup-test
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) output .pytest_cache build src/conflictmap/_speedups.*.so
