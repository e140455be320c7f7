# The project's front door: `make demo` and `make test` need only Python 3 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# -qq: errors only, not setuptools' notices about editable installs.
PIP_INSTALL = $(BIN)/pip install -qq

.PHONY: test suites

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip

$(VENV)/.test-installed: setup.py example_project/requirements.txt \
		example_project/requirements-test.txt | $(BIN)/python
	$(PIP_INSTALL) -e '.[test]' -r example_project/requirements-test.txt
	touch $@

test: $(VENV)/.test-installed
	@$(MAKE) --no-print-directory suites

# The one list of test suites, each run going on when another fails (its exit code kept
# beside its report); then one total and the coverage of the library's runs together.
# The CI matrix calls it with COVERAGE=no, E2E=no and its own PYTEST_ARGS, in
# virtualenvs it has installed itself.
REPORTS ?= .test-reports
COVERAGE ?= yes
E2E ?= yes
PYTEST = $(BIN)/pytest -p no:cacheprovider
# Each run adds to the data; the 99 % floor is the final report's, over all of them.
COV = $(if $(filter yes,$(COVERAGE)),--cov --cov-append --cov-report= --cov-fail-under=0,--no-cov)
RUN = $(PYTEST) --junit-xml=$(REPORTS)/$(1).xml $(2) $(PYTEST_ARGS); echo $$? > $(REPORTS)/$(1).exit
suites:
	@rm -rf $(REPORTS) .coverage && mkdir -p $(REPORTS)
	$(call RUN,auth-user,$(COV))
	$(call RUN,axes,$(COV) --ds=tests.settings_axes tests/test_contrib_axes.py)
	$(call RUN,custom-user,$(COV) --ds=tests.settings_custom_user)
	$(call RUN,sessions,$(COV) --ds=tests.settings_sessions)
	$(call RUN,sessions-custom-user,$(COV) --ds=tests.settings_sessions_custom_user)
	$(call RUN,example,--no-cov example_project/tests $(if $(filter no,$(E2E)),-m "not e2e"))
	@status=0; $(BIN)/python .ci/summary.py $(REPORTS) auth-user axes custom-user sessions sessions-custom-user example \
	|| status=1; $(if $(filter yes,$(COVERAGE)),$(BIN)/coverage report || status=1;) exit $$status

# ---- make docs: the manual (docs/) as HTML in docs/_build/html, any warning an error ----
SPHINX_OPTS ?= -W --keep-going -n -q

.PHONY: docs

$(VENV)/.docs-installed: docs/requirements.txt $(VENV)/.test-installed
	$(PIP_INSTALL) -r docs/requirements.txt
	touch $@

docs: $(VENV)/.docs-installed
	$(BIN)/sphinx-build -b html $(SPHINX_OPTS) docs docs/_build/html

# ---- make demo: the example project under gunicorn on http://127.0.0.1:8000 ----
# Serves with DEBUG on and development defaults; DATABASE_URL, SECRET_KEY and
# DEMO_PASSWORD from the environment are used when set.
DEMO_BIND ?= 127.0.0.1:8000

.PHONY: demo

$(VENV)/.demo-installed: setup.py example_project/requirements.txt | $(BIN)/python
	$(PIP_INSTALL) -e . -r example_project/requirements.txt
	touch $@

# demo_setup reports a busy address first, then migrates and prints the commands.
demo: $(VENV)/.demo-installed
	$(BIN)/python example_project/manage.py demo_setup --base-url http://$(DEMO_BIND)
	@echo "Serving the example project on http://$(DEMO_BIND)/ (Ctrl+C stops it)."
	exec $(BIN)/gunicorn -c example_project/gunicorn.conf.py --chdir example_project \
		--bind $(DEMO_BIND) example.wsgi

# --- Continuous integration: the nox matrix (Django x database), lint, types, packaging ---
CI_VENV ?= .venv-ci
NOX_ARGS ?=

.PHONY: ci-tools matrix

$(CI_VENV)/.installed: .ci/requirements-tools.txt
	$(PYTHON) -m venv $(CI_VENV)
	$(CI_VENV)/bin/pip install --quiet -r .ci/requirements-tools.txt
	touch $@

ci-tools: $(CI_VENV)/.installed

# Every cell and check; e.g. NOX_ARGS="-t postgres" or NOX_ARGS="-s lint".
matrix: ci-tools
	$(CI_VENV)/bin/nox $(NOX_ARGS)

# --- make bench: this app against django-tokenapi 2.1.1, DRF and simplejwt (not part of CI) ---
# A virtualenv per competitor under benchmarks/. bench (about half an hour) writes
# benchmarks/RESULTS.md and results.png; bench-quick (minutes) benchmarks/quick-results/.
# Instruction counts need valgrind (apt-get install valgrind); without it they are left out.
.PHONY: bench bench-quick

benchmarks/.venv-%/.installed: benchmarks/requirements-%.txt benchmarks/constraints.txt setup.py
	$(PYTHON) -m venv benchmarks/.venv-$*
	benchmarks/.venv-$*/bin/pip install --quiet -r $< $(if $(filter current,$*),-e .)
	touch $@

bench bench-quick: benchmarks/.venv-current/.installed benchmarks/.venv-legacy/.installed
	benchmarks/.venv-current/bin/python benchmarks/run.py $(if $(filter bench-quick,$@),--quick) $(BENCH_ARGS)

# ---- Robustness: make fuzz, make load, make mutation (none of them part of make test) ----
# Each prints its figures and exits non-zero when they are not clean; its docstring says
# how to tune it. Servers: tests/server.py's, on 127.0.0.1.
ROBUST_VENV ?= .venv-robustness
MUTATION_VENV ?= .venv-mutation

.PHONY: fuzz load mutation

$(ROBUST_VENV)/.installed $(MUTATION_VENV)/.installed: %/.installed: setup.py \
		example_project/requirements.txt robustness/requirements.txt robustness/requirements-mutation.txt
	$(PYTHON) -m venv $*
	$*/bin/pip install --quiet -e '.[test]' -r example_project/requirements.txt \
		-r robustness/$(if $(filter $(MUTATION_VENV),$*),requirements-mutation.txt,requirements.txt)
	touch $@

fuzz load: $(ROBUST_VENV)/.installed
	$(ROBUST_VENV)/bin/python robustness/$@.py

# MUTATION_ARGS="--only 'tokenapi.conf*'" tries a part of it in a minute.
mutation: $(MUTATION_VENV)/.installed
	$(MUTATION_VENV)/bin/python robustness/mutation.py $(MUTATION_ARGS)
