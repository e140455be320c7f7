# The project's front door: `make demo` and `make test` need only Python 3 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.test-installed: setup.py | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The whole suite with auth.User, then again with a UUID-keyed, email-login user model.
test: $(VENV)/.test-installed
	$(BIN)/pytest --cov --cov-report= $(PYTEST_ARGS)
	$(BIN)/pytest --cov --cov-append --cov-report=term --ds=tests.settings_custom_user -m "not e2e" $(PYTEST_ARGS)

# --- Continuous integration: the nox matrix (Django x database), lint, types, packaging ---
CI_VENV ?= .venv-ci
NOX_ARGS ?=

.PHONY: ci-tools matrix

$(CI_VENV)/.installed: ci/requirements-tools.txt
	$(PYTHON) -m venv $(CI_VENV)
	$(CI_VENV)/bin/pip install --quiet -r ci/requirements-tools.txt
	touch $@

ci-tools: $(CI_VENV)/.installed

# Every cell and check; e.g. NOX_ARGS="-t postgres" or NOX_ARGS="-s lint".
matrix: ci-tools
	$(CI_VENV)/bin/nox $(NOX_ARGS)
