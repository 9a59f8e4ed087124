# The portal's two commands: `make run` and `make test` (see README.md).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run setup test venv migrate seed lint collectstatic clean worker

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	DEBUG=True $(PYTHON) manage.py migrate --noinput

seed: migrate
	DEBUG=True $(PYTHON) manage.py muat_wilayah_jiwan
	DEBUG=True $(PYTHON) manage.py muat_pemangku_jiwan
	DEBUG=True $(PYTHON) manage.py seed_demo

## everything `make run` does except serving
setup: seed

## set up and serve http://127.0.0.1:8000 on the SQLite default, with the background worker
## (PDF reports) beside runserver; Ctrl-C stops both
run: setup
	DEBUG=True $(PYTHON) manage.py db_worker --interval 1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=True $(PYTHON) manage.py runserver 127.0.0.1:8000

## the whole test suite (SQLite unless DATABASE_URL is set)
test: venv
	$(BIN)/lint-imports
	$(PYTHON) manage.py check --settings=kotaku.settings_test
	$(PYTHON) manage.py makemigrations --check --dry-run --settings=kotaku.settings_test
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest: no tests collected"; exit 1; fi; exit $$rc

## the background worker alone (PDF reports), e.g. beside `gunicorn`
worker: venv
	$(PYTHON) manage.py db_worker

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

collectstatic: venv
	$(PYTHON) manage.py collectstatic --noinput

clean:
	rm -rf $(VENV) staticfiles .pytest-media
