# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Development runs with DEBUG on; production reads its settings from the environment (README).
DEV_ENV := DEBUG=1

.PHONY: run test install messages migrate lint format build serve clean bench bench-report

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Compile the translations (.po → .mo) with Babel: no system gettext needed.
COMPILE_MESSAGES := $(VENV)/bin/pybabel compile --domain django --directory locale --use-fuzzy --statistics 2>&1 | grep -v "^$$" || true
messages: $(STAMP)
	$(COMPILE_MESSAGES)

migrate: install messages
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py createcachetable
	$(DEV_ENV) $(PY) manage.py load_toolkit

run: migrate
	@$(DEV_ENV) $(PY) manage.py create_demo_facilitator
	@$(DEV_ENV) $(PY) manage.py demo_session --if-missing
	@echo ""
	@echo "  Facilitator:  http://$(HOST):$(PORT)/f/   (log in as shown above)"
	@echo "  Participants: http://$(HOST):$(PORT)/     (enter the session's code)"
	@echo ""
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# The suite runs with production settings, except for a throw-away key and plain static files.
TEST_ENV := SECRET_KEY=test-only-not-secret ALLOWED_HOSTS=localhost,127.0.0.1 SECURE_COOKIES=0 STATIC_MANIFEST=0

test: install messages
	$(TEST_ENV) $(PY) -m pytest

# Production (docs/deploy.md): `make build` once per release (translations compiled, static files
# hashed and compressed for WhiteNoise), `make serve` migrates and runs gunicorn. Both read
# SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, ... from the environment; DEBUG stays off.
APP_STAMP := $(VENV)/.installed-app
$(APP_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet .
	touch $(APP_STAMP)

build: $(APP_STAMP)
	$(COMPILE_MESSAGES)
	$(PY) manage.py collectstatic --noinput

# `make serve` runs what `make build` made and writes nothing into the app's folder, so the code
# can belong to root while the server runs as its own user (docs/deploy.md). What it writes
# (the SQLite database) is not readable by other users of the server: umask 027.
serve:
	@test -x $(PY) -a -f "$${STATIC_ROOT:-staticfiles}/staticfiles.json" || \
		{ echo "Not built yet: run 'make build' first (as the owner of this folder)."; exit 1; }
	umask 027 && $(PY) manage.py migrate --noinput && $(PY) manage.py createcachetable && \
		$(PY) manage.py load_toolkit && exec $(VENV)/bin/gunicorn -c gunicorn.conf.py workshop.wsgi

# Benchmarks: figures for docs/benchmarks.md, never assertions in the tests.
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet ".[test,bench]"
	touch $(BENCH_STAMP)

# The live session under load (locust against gunicorn); DATABASE_URL=postgres://… for PostgreSQL.
bench: $(BENCH_STAMP) messages
	$(PY) bench/live_bench.py $(BENCH_ARGS)

bench-report: install messages
	$(PY) bench/report_bench.py 20 60 200

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
