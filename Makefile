# The few entry points a newcomer needs. Everything runs from a project-local .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test check lint bench clean snapshots browser serve test-postgres load \
	load-postgres soak

# durable-rules 2.0.28 (sources only) calls PyEval_CallObject, which CPython 3.13 removed:
# this define maps it to the call that replaced it. Before 3.13 Python's own header defines
# it again, which costs a compiler warning and nothing else.
DURABLE_CPPFLAGS := -DPyEval_CallObject(c,a)=PyObject_CallObject(c,a)
PIP := CPPFLAGS='$(DURABLE_CPPFLAGS) $(CPPFLAGS)' $(BIN)/python -m pip

# A .venv belongs to the Python that made it: the stamp names that Python's version, so
# `make PYTHON=...` with another one makes the .venv afresh.
PYTHON_VERSION := $(shell $(PYTHON) -c 'import platform; print(platform.python_version())' 2>/dev/null)
MADE := $(VENV)/.python-$(PYTHON_VERSION)

$(MADE):
	@test -n "$(PYTHON_VERSION)" || { echo "'$(PYTHON)' does not run: give make PYTHON=python3.11 (or later)" >&2; exit 1; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

# Byte-compiled as pip would install it (an editable install otherwise recompiles every
# module on every run where PYTHONDONTWRITEBYTECODE is set).
$(VENV)/.installed: pyproject.toml $(MADE)
	$(PIP) install --quiet -e .
	$(BIN)/python -m compileall -q advisor
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(MADE)
	$(PIP) install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q advisor
	touch $@ $(VENV)/.installed

## demo: install, then assess the bundled High Down example
demo: $(VENV)/.installed
	$(BIN)/advisor assess profiles/hmp-high-down-clu.yaml
	@echo "To use the advisor in a browser: make serve, then open http://127.0.0.1:8000"

## serve: the advisor in your browser at http://127.0.0.1:8000 (its database made or
## upgraded first; SERVE_ARGS="--data DIR" or "--database URL" to keep it elsewhere)
SERVE_ARGS ?=
serve: $(VENV)/.installed
	$(BIN)/advisor db upgrade $(SERVE_ARGS)
	$(BIN)/advisor serve $(SERVE_ARGS)

## test-postgres: the web service's storage tests on a throwaway PostgreSQL server
test-postgres: $(VENV)/.installed-dev
	tests/web/with-postgres $(BIN)/python -m pytest -q tests/web/test_store.py

## test: install with dev tools and a browser, then lint, type-check and run every test
test: $(VENV)/.installed-dev lint browser
	$(BIN)/python -m pytest

# The HTML report is tested in headless Chromium, from Debian's packages (never a test
# tool's own browser download). As root it is installed when missing; otherwise say how.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "Chromium is missing: 'sudo apt-get install chromium' (browser tests skip without it)"; \
	  fi; }

## check: the quick loop while working: lint, then the tests but the browser and soak ones
check: lint
	$(BIN)/python -m pytest -q -n auto -m "not browser and not slow"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check advisor tests benchmarks
	$(BIN)/mypy
	$(BIN)/advisor rules lint
	$(BIN)/python -m pytest -q tests/test_layers.py  # imports run one way, no cycles

## bench: speed and memory figures, printed (about four minutes)
bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench.py

## load: the web service under 50 people for a minute on SQLite: p95 per page, printed
## (LOAD_ARGS="--users 20 --seconds 30" for other sizes; fails only on errors)
LOAD_ARGS ?=
load: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/service.py load $(LOAD_ARGS)

## load-postgres: the same on a throwaway PostgreSQL server
load-postgres: $(VENV)/.installed-dev
	tests/web/with-postgres sh -c '$(BIN)/python benchmarks/service.py load \
	  --database "$$ADVISOR_TEST_DATABASE_URL" $(LOAD_ARGS)'

## soak: the web service under steady load for 10 minutes: memory, open files, p95 a minute
soak: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/service.py soak $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .venv .venv-* build .pytest_cache .mypy_cache .ruff_cache .hypothesis
snapshots: $(VENV)/.installed-dev
	$(BIN)/python -m tests.snapshots
