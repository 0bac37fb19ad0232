# Two commands on a fresh machine: `make demo` and `make test`.
# Both create (and then reuse) the virtual environment in .venv, installing exactly what
# requirements/lock.txt pins (with hashes), so a fresh machine gets what CI got.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LOCK := requirements/lock.txt
STAMP := $(VENV)/.installed-stamp
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: demo test check lint lock lock-check typecheck unit docs bench clean

$(STAMP): $(LOCK) pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes --no-deps -r $(LOCK)
	$(PIP) install --no-deps --no-build-isolation -e .
	$(PIP) check
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/familycard demo

test: lock-check lint typecheck unit docs

# The edit loop: rules, SDK and stub tests only.
check: $(STAMP)
	$(BIN)/pytest -n 2 tests/rules tests/sdk tests/stub

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Resolve the lock anew from pyproject.toml and requirements/build.in (uv, pinned in [dev]).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra stub --extra dev \
		--universal --python-version 3.11 --generate-hashes --quiet -o $(LOCK)

lock-check: $(STAMP)
	$(BIN)/python scripts/check_lock.py

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir $(VENV)/site

bench: $(STAMP)
	$(BIN)/python bench/cli_startup.py

clean:
	rm -rf $(VENV) site
