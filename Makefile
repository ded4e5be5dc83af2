# The two commands of the README: `make run` and `make test`. Both work on a fresh clone.
#
# make run    create .venv, install requirements.txt, migrate, load the 2023 campaign and the demo
#             data (idempotent), print the demo log-ins, serve on http://127.0.0.1:8000/
# make test   the whole suite (SQLite, eager Celery; PostgreSQL/Redis/browser tests skip with a reason
#             unless DATABASE_URL / REDIS_URL / Chromium are there; .ci/run provides all three)

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Re-install whenever requirements.txt changes.
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run test install migrate demo lint format check messages clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

# load_demo loads the campaign (fixtures/campaign_2023.json) and the demo units and users; it prints
# the demo log-ins (username, role, password kczg-demo-2023).
demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	$(BIN)/python manage.py runserver $(HOST)

# -n auto: one xdist worker per core; tests marked redis share one worker (--dist loadgroup).
test: install
	$(BIN)/python -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

# locale/zh_Hans: the Chinese catalogue for libraries without one, and Django's and the libraries' own
# messages in full-width punctuation (scripts/full_width_catalogue.py); the compiled .mo is committed.
messages: install
	$(BIN)/python scripts/full_width_catalogue.py
	msgfmt --check -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po

clean-venv:
	rm -rf $(VENV)
