# Colloquy: `make run` serves the demo site, `make test` runs every check.
# Both create .venv and install on first use; without DATABASE_URL they start an
# embedded PostgreSQL (data in .pgdata/) for the duration of the command.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
WITH_DB := $(PY) -m config.devdb --

.PHONY: run test install lint format clean-db

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(WITH_DB) sh -c '\
	  $(PY) manage.py migrate --noinput && \
	  $(PY) manage.py seed_demo --if-empty && \
	  echo "Serving on http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/); Ctrl-C stops." && \
	  exec $(PY) manage.py runserver 127.0.0.1:$(PORT)'

test: install
	$(WITH_DB) sh -c '\
	  $(PY) manage.py check && \
	  $(PY) manage.py makemigrations --check --dry-run && \
	  $(PY) -m ruff check . && \
	  $(PY) -m ruff format --check . && \
	  $(PY) -m pytest $(PYTEST_ARGS)'

lint:
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean-db:
	rm -rf .pgdata
