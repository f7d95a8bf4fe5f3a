# The two commands a new user needs: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_PASSWORD ?= clinic-demo
export DEMO_PASSWORD

.PHONY: run test test-unit test-browser lint format check-migrations deps deps-dev loadtest e2e \
	bench messages scaleout

# Stamp files make a second `make run` skip the installs unless the pins changed.
$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: $(VENV)/.runtime node_modules/.installed
deps-dev: $(VENV)/.dev node_modules/.installed

run: deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  Clinic records: http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins (password: $(DEMO_PASSWORD)): reception, therapist, admin"
	@echo "  Local demo: the back office takes the password only; with DJANGO_DEBUG=0 it"
	@echo "  also asks clinic admins for a two-factor code (CLINIC_ADMIN_2FA)."
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Unit tests first, then the browser tests in a run of their own (they skip, saying why, without
# Chromium). Called one after the other, not as prerequisites, which `make -j` would run at once.
# PYTEST_ARGS reach the unit run only, E2E_ARGS the browser run: a `-k` meant for one would
# filter the other down to nothing.
test:
	@$(MAKE) --no-print-directory test-unit
	@$(MAKE) --no-print-directory test-browser

# pytest exits 5 when it collected no tests; say so, so a vanished suite never looks green.
# The unit tests need the Python packages only (no Bootstrap, no npm).
test-unit: $(VENV)/.dev
	@$(PY) -m pytest $(PYTEST_ARGS); code=$$?; \
	if [ $$code -eq 5 ]; then echo "make $@: pytest collected no tests" >&2; fi; \
	exit $$code

# The browser tests serve Bootstrap and inject axe-core, both from node_modules.
test-browser: $(VENV)/.dev node_modules/.installed
	@$(PY) -m pytest e2e $(E2E_ARGS); code=$$?; \
	if [ $$code -eq 5 ]; then \
		echo "make $@: no browser tests were collected; does E2E_ARGS filter them all out?" >&2; \
	fi; \
	exit $$code

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# After changing a user-visible text: gather the texts into locale/ru/LC_MESSAGES/django.po,
# translate the new entries there, and compile. The compiled .mo is committed, so that running
# the app needs no gettext; clinic/tests/test_language.py fails while the two differ.
messages: $(VENV)/.runtime
	$(PY) manage.py makemessages -l ru --no-obsolete --add-location=file --ignore='.venv/*' \
		--ignore='node_modules/*' --ignore='*/tests/*' --ignore='e2e/*' --ignore='bench/*' \
		--ignore='loadtest/*' --ignore='staticfiles/*'
	$(PY) manage.py compilemessages -l ru --ignore='.venv/*' --ignore='node_modules/*'

check-migrations: $(VENV)/.runtime
	$(PY) manage.py makemigrations --check --dry-run

# Not part of `make test`: many therapists at once against gunicorn on PostgreSQL.
loadtest: deps
	./loadtest/run.sh

# Not part of `make test`: two gunicorn servers behind nginx over PostgreSQL, Redis and an
# S3-compatible store, under load, one killed halfway (apt-get install -y nginx redis-server).
scaleout: deps-dev
	./scaleout/run.sh

# Browser tests in Debian's Chromium (apt-get install -y chromium), on a file-backed database;
# screenshots of each main page go to e2e-screenshots/.
e2e: deps-dev
	@test -x /usr/bin/chromium || { echo "make e2e needs Debian's Chromium: apt-get install -y chromium" >&2; exit 1; }
	rm -rf e2e-screenshots .e2e-test.sqlite3*
	CLINIC_TEST_DATABASE_FILE=$(CURDIR)/.e2e-test.sqlite3 E2E_SCREENSHOTS=e2e-screenshots \
		$(PY) -m pytest e2e $(E2E_ARGS)

# The main pages at scale next to the Django admin, in process and then under gunicorn with wrk
# (apt-get install -y wrk); BENCH_ARGS="--clients 1000 --sessions 10000 --seconds 3" for a quick
# run, --no-throughput for the in-process timing only. With DATABASE_URL set to PostgreSQL, on a
# database clinic_bench there.
bench: deps-dev
	$(PY) bench/run.py $(BENCH_ARGS)
