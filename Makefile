# The README's commands. Everything installs into .venv; system packages are installed when
# running as root, and named otherwise.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install install-test run test audit faults bench lint lock clean messages

install: $(VENV)/.runtime-installed messages

# The translations: each locale/<language>/LC_MESSAGES/django.po compiled to the .mo Django reads,
# with gettext's msgfmt (installed by scripts/system-packages.sh), which also checks every
# placeholder against the English. The .mo files are build output, not kept in git.
CATALOGS := $(wildcard locale/*/LC_MESSAGES/django.po)
messages: $(CATALOGS:.po=.mo)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(VENV)/.runtime-installed
	msgfmt --check -o $@ $<

$(VENV)/.runtime-installed: requirements.txt scripts/system-packages.sh
	scripts/system-packages.sh runtime
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r requirements.txt
	touch $@

install-test: $(VENV)/.test-installed

# npm ci: axe-core for the accessibility tests, at the version the lock file pins, into a git-ignored node_modules.
$(VENV)/.test-installed: $(VENV)/.runtime-installed requirements-dev.txt tests/integration/axe/package-lock.json | messages
	scripts/system-packages.sh test
	$(BIN)/python -m pip install -q --require-hashes -r requirements-dev.txt
	npm ci --prefix tests/integration/axe --no-audit --no-fund --silent
	touch $@

# Pin the whole tree of requirements.in and requirements-dev.in, with every file's hash, into the
# .txt files that installs verify (--require-hashes). Existing pins are kept; to move one,
# pip-compile --upgrade-package NAME. After adding a package to an .in file, this is all it takes.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock:
	test -x $(BIN)/pip-compile || $(MAKE) install-test
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

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
	rm -rf $(VENV) var staticfiles .pytest_cache locale/*/LC_MESSAGES/django.mo
