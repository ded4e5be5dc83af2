PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install

$(BIN)/.installed: requirements.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_campaign fixtures/campaign_2023.json
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest
