# The few entry points a newcomer needs. Everything runs from a project-local .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-compiled lint bench clean snapshots browser

# The compiled build (setup.py): the wheel a plain `pip install .` makes, unpacked. The
# tree itself stays interpreted (an editable install), so edits take effect at once.
COMPILED := build/compiled
SOURCES := $(wildcard pyproject.toml setup.py advisor/*.py advisor/*/*.py advisor/templates/* \
                      rules/*.yaml rules/*.md rules/*/*.yaml profiles/*.yaml schema/*.json)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Byte-compiled as pip would install it (an editable install otherwise recompiles every
# module on every run where PYTHONDONTWRITEBYTECODE is set).
$(VENV)/.installed: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q advisor
	touch $@

$(VENV)/.installed-dev: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q advisor
	touch $@ $(VENV)/.installed

## demo: install, then assess the bundled High Down example
demo: $(VENV)/.installed
	$(BIN)/advisor assess profiles/hmp-high-down-clu.yaml

$(COMPILED)/.built: $(SOURCES) | $(VENV)/.installed-dev
	rm -rf build  # setuptools leaves earlier builds' files there, removed modules too
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir build/wheel .
	$(BIN)/python -m zipfile -e build/wheel/advisor-*.whl $(COMPILED)
	$(BIN)/python -m compileall -q $(COMPILED)
	touch $@

## test: install with dev tools and a browser, then lint, type-check and run every test,
## on the interpreted tree and again on the compiled build that `pip install .` makes
test: $(VENV)/.installed-dev lint browser
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-compiled

# The compiled build first on the path, the tree after it (for the tests' own modules).
# PYTHONSAFEPATH (for this run and the advisor processes tests start) and pytest's
# append mode keep the tree's interpreted advisor from coming first (tests/conftest.py
# refuses to run if it did).
test-compiled: $(COMPILED)/.built
	ADVISOR_EXPECT_COMPILED=1 ADVISOR_WHEEL="$$(ls build/wheel/advisor-*.whl)" \
	  PYTHONSAFEPATH=1 PYTHONPATH=$(COMPILED):$(CURDIR) \
	  $(BIN)/python -m pytest -q --import-mode=append

# The HTML report is tested in headless Chromium, from Debian's packages (never a test
# tool's own browser download). As root it is installed when missing; otherwise say how.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "Chromium is missing: 'sudo apt-get install chromium' (browser tests skip without it)"; \
	  fi; }

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check advisor tests benchmarks setup.py
	$(BIN)/mypy
	$(BIN)/advisor rules lint

## bench: speed and memory figures, printed, for the compiled build
bench: $(COMPILED)/.built
	PYTHONSAFEPATH=1 PYTHONPATH=$(COMPILED) $(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .hypothesis
snapshots: $(VENV)/.installed-dev
	$(BIN)/python -m tests.snapshots
