# Two commands matter for a newcomer: `make run` and `make test` (see README.md);
# docs/development.md describes the other targets.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# These targets are development commands: DEBUG is on unless set. The settings'
# own default is off, as in production; `make serve` and `make check-deploy`
# run with it off.
export DEBUG ?= true

.PHONY: install run test test-postgres lint format schema check-deploy migrations-check migrations-roundtrip ci clean bench

# The virtual environment is rebuilt only when the dependencies change. Every
# package is pinned by constraints.txt, so two installs get the same versions.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Pins the newest versions pyproject.toml admits, resolved in a scratch environment.
.PHONY: constraints
constraints:
	scratch=$$(mktemp -d) && $(PYTHON) -m venv $$scratch \
		&& $$scratch/bin/pip install --quiet --upgrade pip \
		&& $$scratch/bin/pip install --quiet -e '.[dev]' \
		&& { sed -n '1,2p' constraints.txt; $$scratch/bin/pip freeze --exclude-editable; } > constraints.new \
		&& mv constraints.new constraints.txt; rm -rf $$scratch

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_scenario
	@DJANGO_SUPERUSER_PASSWORD=admin $(PY) manage.py createsuperuser --noinput \
		--username admin --email admin@example.com >/dev/null 2>&1 \
		&& echo "Created the local admin user: admin / admin" \
		|| echo "The local admin user already exists (admin / admin unless you changed it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The worker that sends webhook deliveries (docs/operators.md, "Webhook worker"),
# beside `make run` in another terminal.
.PHONY: worker
worker: install
	$(PY) manage.py webhooks_worker --interval 0.5

# As deployed (gunicorn, DEBUG off, static files from WhiteNoise) on plain http: see bin/serve.
.PHONY: serve
serve: install
	PY=$(PY) HOST=$(HOST) PORT=$(PORT) bin/serve

test: install
	$(BIN)/pytest -n auto

# The browser suite (tests/e2e) against the production server, in Debian's Chromium,
# installed here when missing (never a browser download). E2E_ARGS passes options:
# --screenshots=all, --readme-screenshots (see tests/e2e/conftest.py).
.PHONY: e2e
e2e: install
	@test -x /usr/bin/chromium || { apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium fonts-liberation fonts-dejavu-core; }
	$(BIN)/pytest tests/e2e $(E2E_ARGS)

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest -n auto

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
	scratch=$$(mktemp -d) && DATABASE_URL=sqlite:///$$scratch/migrations.sqlite3 \
		$(MAKE) --no-print-directory migrations-roundtrip && rm -rf $$scratch

# Apply, unapply and reapply every migration on the database DATABASE_URL names.
migrations-roundtrip: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py migrate savedfilters zero --noinput -v0
	$(PY) manage.py migrate accounts zero --noinput -v0
	$(PY) manage.py migrate idempotency zero --noinput -v0
	$(PY) manage.py migrate responses zero --noinput -v0
	$(PY) manage.py migrate actors zero --noinput -v0
	$(PY) manage.py migrate --noinput -v0
	@echo "Migrations apply, unapply and reapply cleanly."

ci:
	bash .ci/run

# The benchmark (docs/operators.md, "Benchmark"): PostgreSQL on 127.0.0.1:5432, about 15
# minutes the first time (it generates the large data set); ports 8303, 8311 and 8321 up.
# A quick look: make bench BENCH_ARGS="--scales small --duration 3"
bench: install
	$(PY) -m bench.run $(BENCH_ARGS)

# The read path in-process (bench/read_path.py): median ms per request of the hot
# reads, on DATABASE_URL (a SQLite file when unset) holding generate_data --scale small.
# Cached figures need Redis on 127.0.0.1:6379. READ_ARGS="--runs 50 --json after.json".
# The full export of every position at large, CSV and JSON Lines, on PostgreSQL and
# SQLite (bench/export.py): rows/s and the server's peak memory. It builds the
# data sets the first time (PostgreSQL as for `make bench`, SQLite in .bench-data/).
.PHONY: bench-export
bench-export: install
	$(PY) -m bench.export $(EXPORT_ARGS)

# Webhooks: 10,000 changes delivered to one receiver on loopback (bench/webhooks.py):
# deliveries/s and the delay from commit to arrival. WEBHOOK_ARGS="--database sqlite".
.PHONY: bench-webhooks
bench-webhooks: install
	$(PY) -m bench.webhooks $(WEBHOOK_ARGS)

.PHONY: bench-read
bench-read: install
	$(PY) -m bench.read_path --cached $(READ_ARGS)

# Every admin and browsable-API page at small and large, on SQLite and PostgreSQL
# (bench/pages.py): bytes and server time in-process, flagged over 500 KB or 500 ms.
# Reads the data sets of `make bench` and `make bench-export`; PAGES_ARGS="--only admin".
.PHONY: bench-pages
bench-pages: install
	$(PY) -m bench.pages $(PAGES_ARGS)

clean:
	rm -rf $(VENV) *.egg-info build db.sqlite3 staticfiles

# --- Robustness: schema fuzzing, load and fault tests (docs/operators.md, "Robustness") ---
.PHONY: fuzz fuzz-postgres loadtest loadtest-fault loadtest-ci

FUZZ_EXAMPLES ?= 10
FUZZ = FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -m fuzz -n 2 -q -p no:logging

# schemathesis against openapi.yaml, every operation (SQLite, then PostgreSQL).
fuzz: install
	$(FUZZ)

fuzz-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(FUZZ)

# gunicorn on a throwaway PostgreSQL cluster of its own (first free port from
# 5440; gunicorn from 8200), loopback only, then
# every acknowledged write checked in the database. Needs root and Debian's
# postgresql-common (pg_createcluster); the main cluster is never touched.
loadtest: install
	$(PY) -m loadtest --duration 60 --clients 24

# The same with PostgreSQL stopped for 10 s in the middle.
loadtest-fault: install
	$(PY) -m loadtest --duration 60 --clients 24 --outage-at 20 --outage 10

# Short, with the outage: what CI runs.
loadtest-ci: install
	$(PY) -m loadtest --duration 30 --clients 20 --outage-at 8 --outage 10

# A PostgreSQL primary and a streaming hot standby (throwaway clusters from port
# 5440), two app servers sharing Redis (its database 12, emptied), mixed load:
# where reads land, reading one's own writes, lag, the standby stopped, and
# throughput with one and two app servers (docs/operators.md, "Running at scale").
.PHONY: loadtest-replicas
loadtest-replicas: install
	$(PY) -m loadtest.replicas $(ARGS)

# The load rate of import_records on PostgreSQL (docs/curators.md, "Bulk load"). Each run
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

# Sixteen clients read the CSV export at 4 KB/s each for 60 s while /healthz and
# a list are probed every half second; fails if /healthz fails or takes over 1 s.
# Same cluster and ports as loadtest.
.PHONY: loadtest-slow-readers
loadtest-slow-readers: install
	$(PY) -m loadtest.slow_readers --duration 60 --readers 16 --rate 4096
