# The README's commands. Everything installs into .venv; system packages are installed when
# running as root, and named otherwise.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install install-test run test audit faults bench lint clean

install: $(VENV)/.runtime-installed

$(VENV)/.runtime-installed: requirements.txt scripts/system-packages.sh
	scripts/system-packages.sh runtime
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

install-test: $(VENV)/.test-installed

# npm ci: axe-core for the accessibility tests, at the version the lock file pins, into a git-ignored node_modules.
$(VENV)/.test-installed: $(VENV)/.runtime-installed requirements-dev.txt tests/integration/axe/package-lock.json
	scripts/system-packages.sh test
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	npm ci --prefix tests/integration/axe --no-audit --no-fund --silent
	touch $@

run: install
	scripts/dev-env.sh
	$(BIN)/python manage.py migrate --noinput
	@echo ""
	@echo "  Form:   http://127.0.0.1:$(PORT)/"
	@echo "  Outbox: http://127.0.0.1:$(PORT)/dev/outbox/   (captured emails and their PDFs)"
	@echo "  Admin:  http://127.0.0.1:$(PORT)/admin/        (create a login: $(BIN)/python manage.py createsuperuser)"
	@echo "  Ctrl-C stops everything."
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" WEB_PORT=$(PORT) $(BIN)/honcho -f Procfile.dev start

# Every test: unit, integration, faults, browser and bench quick. `pytest` alone leaves out the marked
# suites (pyproject's addopts); -m "" replaces that selection, since pytest keeps the last -m given.
# The audit fails the run only for a real advisory; an unreachable advisory database is reported, not fatal.
test: install-test
	$(BIN)/python -m pytest -m ""
	$(BIN)/python scripts/audit_dependencies.py

audit: install-test
	$(BIN)/python scripts/audit_dependencies.py

faults: install-test
	$(BIN)/python -m pytest -m faults -p no:randomly -s tests/faults

bench: install-test
	$(BIN)/python -m bench

lint: install-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
