# Two commands matter for a newcomer: `make run` and `make test` (see README).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-postgres lint format schema check-deploy migrations-check ci clean

# The virtual environment is rebuilt only when the dependencies change.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_scenario
	@DJANGO_SUPERUSER_PASSWORD=admin $(PY) manage.py createsuperuser --noinput \
		--username admin --email admin@example.com >/dev/null 2>&1 \
		&& echo "Created the local admin user: admin / admin" \
		|| echo "The local admin user already exists (admin / admin unless you changed it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: install
	$(PY) manage.py spectacular --validate --fail-on-warn --file openapi.yaml

check-deploy: install
	DEBUG=false SECRET_KEY=ci-only-$$(date +%s)-a-long-random-enough-secret-key-value-0123456789 \
		ALLOWED_HOSTS=tracker.example.org $(PY) manage.py check --deploy --fail-level WARNING

# Migrations match the models, and every one of them can be unapplied.
migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run
	scratch=$$(mktemp -d) && export DATABASE_URL=sqlite:///$$scratch/migrations.sqlite3 \
		&& $(PY) manage.py migrate --noinput -v0 \
		&& $(PY) manage.py migrate responses zero --noinput -v0 \
		&& $(PY) manage.py migrate actors zero --noinput -v0 \
		&& $(PY) manage.py migrate --noinput -v0 \
		&& rm -rf $$scratch && echo "Migrations apply, unapply and reapply cleanly."

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) *.egg-info build db.sqlite3 staticfiles

# The load rate of import_records on PostgreSQL (README, "Bulk load"). Each run
# loads a fresh set of made-up records into BENCH_DATABASE_URL, a scratch
# database: recreate it between runs for comparable figures.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bulkload
BENCH_POSITIONS ?= 100000

.PHONY: bench-import
bench-import: install
	scratch=$$(mktemp -d) && prefix=bench$$(date +%s) \
		&& $(PY) scripts/bulk_sample.py --positions $(BENCH_POSITIONS) --prefix $$prefix \
			> $$scratch/sample.jsonl \
		&& export DATABASE_URL=$(BENCH_DATABASE_URL) \
		&& $(PY) manage.py migrate --noinput -v0 \
		&& echo "First load:" \
		&& $(PY) manage.py import_records --no-progress $$scratch/sample.jsonl \
		&& echo "The same file again (changes nothing):" \
		&& $(PY) manage.py import_records --no-progress $$scratch/sample.jsonl; \
		status=$$?; rm -rf $$scratch; exit $$status
