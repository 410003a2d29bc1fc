# admon: `make demo` runs a whole monitoring night on bundled data; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint bench clean

# Installs the project, then builds the default classifier if it is missing or its corpus changed.
setup: $(STAMP)
	$(BIN)/admon train --default > /dev/null

$(STAMP): pyproject.toml scripts/system-packages.sh
	scripts/system-packages.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: setup
	$(BIN)/admon demo

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data/crawl data/prefect .pytest_cache
