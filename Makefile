# Two commands matter for a newcomer: `make run` and `make test` (see README).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-postgres lint format schema check-deploy migrations-check ci clean bench

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

# The benchmark (README, "Benchmark"): PostgreSQL on 127.0.0.1:5432, about 15
# minutes the first time (it generates the large data set), ports 8301-8303.
# A quick look: make bench BENCH_ARGS="--scales small --duration 3"
bench: install
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info build db.sqlite3 staticfiles
