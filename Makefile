# The two commands a new user needs: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_PASSWORD ?= clinic-demo
export DEMO_PASSWORD

.PHONY: run test lint format check-migrations deps deps-dev loadtest e2e bench

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

# pytest exits 5 when it collected no tests; say so, so a vanished suite never looks green.
# The browser tests follow in a run of their own (they skip, saying why, without Chromium).
test: deps-dev
	@$(PY) -m pytest $(PYTEST_ARGS); code=$$?; \
	if [ $$code -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
	[ $$code -eq 0 ] || exit $$code; \
	$(PY) -m pytest e2e $(PYTEST_ARGS); code=$$?; \
	if [ $$code -eq 5 ]; then echo "make test: no browser tests were collected" >&2; fi; \
	exit $$code

lint: deps-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: deps-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: deps
	$(PY) manage.py makemigrations --check --dry-run

# Not part of `make test`: many therapists at once against gunicorn on PostgreSQL.
loadtest: deps
	./loadtest/run.sh

# Browser tests in Debian's Chromium (apt-get install -y chromium), on a file-backed database;
# screenshots of each main page go to e2e-screenshots/.
e2e: deps-dev
	@test -x /usr/bin/chromium || { echo "make e2e needs Debian's Chromium: apt-get install -y chromium" >&2; exit 1; }
	rm -rf e2e-screenshots .e2e-test.sqlite3*
	CLINIC_TEST_DATABASE_FILE=$(CURDIR)/.e2e-test.sqlite3 E2E_SCREENSHOTS=e2e-screenshots \
		$(PY) -m pytest e2e $(PYTEST_ARGS)

# The main pages at scale next to the Django admin (BENCH_ARGS="--clients 1000 --sessions 10000"
# for a quick run); with DATABASE_URL set to PostgreSQL, on a database clinic_bench there.
bench: deps-dev
	$(PY) bench/run.py $(BENCH_ARGS)
