# make run   serve the portal with demo data on http://127.0.0.1:8000 (SQLite unless DATABASE_URL)
# make test  the whole suite, browser tests included, on a throwaway PostgreSQL
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON := $(shell scripts/find-python.sh)
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
export UV_PYTHON := $(PYTHON)
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help install run serve test faults messages bench clean

help:
	@echo "make run    serve the portal with demo data on http://$(HOST):$(PORT)"
	@echo "make test   run the whole suite (PostgreSQL, Chromium) and stop"
	@echo "make faults stop and restart PostgreSQL under gunicorn: 503s, no 500, no lost report"
	@echo "make messages  extract and compile translations"
	@echo "make bench  measure at a scale (BENCH_SCALE=provincial|national): pages, digests,"
	@echo "            the PAR index, the public page, surveys (BENCH_ONLY= to pick parts)"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

install: $(VENV)/.synced $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	@if command -v msgfmt >/dev/null; then msgfmt --check -o $@ $<; else touch $@; fi

# Served as in production (DEBUG off: a newcomer sees the portal's own error pages), with a
# random secret key made once in var/secret_key (ignored by git) unless SECRET_KEY is set.
run: export DEBUG ?= false
run: export SECRET_KEY_FILE ?= $(CURDIR)/var/secret_key
run: install
	@mkdir -p var
	@test -s var/secret_key || (umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@# Beside gunicorn: the tasks worker (mail) and the schedule every minute (digests,
	@# reminders, escalations, retries, survey addresses of ended campaigns purged); each in
	@# its own process group, stopped with gunicorn.
	@set -m; \
	$(PY) manage.py db_worker --interval 2 & worker=$$!; \
	( while true; do $(PY) manage.py run_schedule; $(PY) manage.py purge_survey_addresses --verbosity 0; \
	  sleep 60; done ) & schedule=$$!; \
	trap 'kill -- -$$worker -$$schedule 2>/dev/null; wait 2>/dev/null' EXIT INT TERM; \
	echo "Worker (pid $$worker) and schedule (pid $$schedule) started; mail goes to var/mail/"; \
	$(VENV)/bin/gunicorn reform_portal.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --forwarded-allow-ips 127.0.0.1 --no-control-socket

# Tests run with production-like settings (DEBUG off) on a throwaway PostgreSQL.
test: export SECRET_KEY ?= test-only-secret-key-not-for-production-0123456789abcdef
test: export DEBUG := false
test: export STATICFILES_BACKEND := django.contrib.staticfiles.storage.StaticFilesStorage
test: export DJANGO_ALLOW_ASYNC_UNSAFE := true
test: PYTEST_ARGS ?= -n 2
test: install
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py collectstatic --no-input --verbosity 0
	scripts/with-postgres.sh $(VENV)/bin/pytest $(PYTEST_ARGS)

# A real outage: gunicorn on a throwaway PostgreSQL that is stopped and started mid-run
# (scripts/faults.py); fails on any 500 or any acknowledged report missing.
faults: install
	scripts/with-postgres.sh $(PY) scripts/faults.py

# Synthetic data at a scale (manage.py generate_scale_data), gunicorn with production-like
# settings on a throwaway PostgreSQL, p50/p95/rps and query counts per page (scripts/bench.py).
# The table is printed and written to var/bench/latest.json.
bench: export SECRET_KEY ?= bench-only-secret-key-not-for-production-0123456789abcdef
bench: export DEBUG := false
bench: export STATICFILES_BACKEND := django.contrib.staticfiles.storage.StaticFilesStorage
bench: export STATIC_ROOT := $(CURDIR)/var/bench/static
bench: export CONN_MAX_AGE := 60
bench: BENCH_SCALE ?= provincial
bench: BENCH_ARGS ?=
bench: BENCH_ONLY ?= pages digests index public surveys
bench: install
	@mkdir -p var/bench
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@# Each part on a throwaway PostgreSQL of its own; BENCH_ONLY="pages" runs one part.
	@for part in $(BENCH_ONLY); do case $$part in \
	  pages)   scripts/with-postgres.sh $(PY) scripts/bench.py --scale $(BENCH_SCALE) $(BENCH_ARGS) ;; \
	  digests) scripts/with-postgres.sh $(PY) scripts/bench_notifications.py --scale both ;; \
	  index)   scripts/with-postgres.sh $(PY) scripts/bench_index.py ;; \
	  public)  scripts/with-postgres.sh $(PY) scripts/bench_public.py --scale $(BENCH_SCALE) ;; \
	  surveys) scripts/with-postgres.sh $(PY) scripts/bench_surveys.py ;; \
	  *) echo "unknown bench part $$part" >&2; exit 2 ;; \
	esac || exit $$?; done

messages: export DEBUG ?= true
messages: install
	$(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=.tools --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.tools

clean:
	rm -rf $(VENV) .tools staticfiles var/portal.sqlite3
