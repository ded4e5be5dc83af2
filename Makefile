# The commands of the README: `make run`, `make test` and `make reset-demo`. They work on a fresh clone.
#
# make run    create .venv, install requirements.txt, migrate, load the 2023 campaign and the demo
#             data (idempotent), print the demo log-ins, serve on http://127.0.0.1:8000/
#             (make run HOST=0.0.0.0:8000 SITE_URL=http://myhost:8000 to serve others; e-mail links use SITE_URL)
# make reset-demo  start the demo over (asks first)
# make test   the whole suite (SQLite, eager Celery; PostgreSQL/Redis/browser tests skip with a reason
#             unless DATABASE_URL / REDIS_URL / Chromium are there; .ci/run provides all three)

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Re-install whenever requirements.txt changes.
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run reset-demo test install migrate demo lint format check messages clean-venv

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

# Links in e-mails point at HOST (SITE_URL=http://$(HOST)) unless SITE_URL is set (in the environment or
# on the command line), and Django accepts the host names of HOST and SITE_URL unless ALLOWED_HOSTS is set.
comma := ,
empty :=
space := $(empty) $(empty)
hostname = $(firstword $(subst :, ,$(subst /, ,$(patsubst https://%,%,$(patsubst http://%,%,$(1))))))
RUN_SITE_URL = $(or $(SITE_URL),http://$(HOST))
RUN_HOSTS = $(sort 127.0.0.1 localhost testserver $(call hostname,$(HOST)) $(call hostname,$(RUN_SITE_URL)))
RUN_ENV = SITE_URL=$(RUN_SITE_URL) $(if $(ALLOWED_HOSTS),,ALLOWED_HOSTS=$(subst $(space),$(comma),$(RUN_HOSTS)))

run: demo
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST)

# Start the demo over: delete every row (entries, reviews, mails, audit, exports, users), load the demo
# again and put the demo clock back at DEMO_CLOCK_START. Asks first; `manage.py reset_demo --yes` does not.
reset-demo: migrate
	$(BIN)/python manage.py reset_demo

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
