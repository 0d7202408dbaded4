# Backend (FastAPI service in backend/): install, migrate, lint, tests on SQLite and PostgreSQL.
UV := $(ROOT)/scripts/uv
# The embedded default: SQLite under var/ (git-ignored). Override with TASKAPP_DATABASE_URL.
TASKAPP_DATABASE_URL ?= sqlite+aiosqlite:///$(VAR)/taskapp.db
export TASKAPP_DATABASE_URL
# With no TASKAPP_SMTP_HOST, mail (verification, password reset) is written here as .eml files.
TASKAPP_MAIL_DIR ?= $(VAR)/mail
export TASKAPP_MAIL_DIR
PG_PORT := $(or $(TASKAPP_PG_PORT),55432)
REDIS_PORT := $(or $(TASKAPP_REDIS_PORT),56379)
PYTEST := cd backend && $(UV) run --frozen pytest
COV_DIR := $(ROOT)/artifacts/coverage

CHECKS += backend-lint backend-test-sqlite backend-test-postgres backend-coverage
LINTS += backend-lint
FMTS += backend-fmt

.PHONY: backend-sync backend-migrate backend-lint backend-fmt backend-test-sqlite backend-test-postgres backend-coverage backend-seed
backend-sync: ## install the backend's locked dependencies into backend/.venv
	@mkdir -p $(VAR)
	cd backend && $(UV) sync --frozen --quiet

backend-migrate: backend-sync ## apply migrations to TASKAPP_DATABASE_URL (default: var/taskapp.db)
	cd backend && $(UV) run --frozen taskapp migrate

backend-seed: backend-migrate ## create the demo account with sample tasks
	cd backend && $(UV) run --frozen taskapp seed-demo

backend-lint: backend-sync ## ruff, ruff format --check, mypy --strict, import contracts (lint-imports)
	cd backend && $(UV) run --frozen ruff check src tests
	cd backend && $(UV) run --frozen ruff format --check src tests
	cd backend && $(UV) run --frozen mypy
	# The layer contracts in backend/pyproject.toml ([tool.importlinter]); cache kept under var/.
	cd backend && $(UV) run --frozen lint-imports --no-logo --cache-dir $(VAR)/import-linter-cache

backend-fmt: backend-sync
	cd backend && $(UV) run --frozen ruff format src tests && $(UV) run --frozen ruff check --fix src tests

# Coverage is measured on the PostgreSQL run (the production database: 95% there, 96% with the
# SQLite run added). Tracing made the SQLite run 75% slower (208 s against 363 s on a quiet
# machine), and `make test` has 30 minutes; this run still checks every behaviour on SQLite.
backend-test-sqlite: backend-sync ## API suite on the embedded SQLite + in-process cache
	scripts/services.sh install  # Redis-outage tests start their own redis-server
	$(PYTEST) -p no:cacheprovider --expect-dialect=sqlite \
	  --junitxml=$(ROOT)/artifacts/junit-backend-sqlite.xml

backend-test-postgres: backend-sync ## API suite on real PostgreSQL + Redis (started by scripts/services.sh)
	@mkdir -p $(COV_DIR)
	scripts/services.sh start
	# The variables go after `cd`: as a prefix of `cd ... && pytest` they reached only `cd`, and
	# this suite quietly ran on SQLite. --expect-dialect makes that mistake fail loudly.
	cd backend && TASKAPP_TEST_DATABASE_URL=postgresql+asyncpg://taskapp@127.0.0.1:$(PG_PORT)/taskapp_test \
	  TASKAPP_TEST_REDIS_URL=redis://127.0.0.1:$(REDIS_PORT)/15 \
	  $(UV) run --frozen pytest -p no:cacheprovider --expect-dialect=postgresql --cov --cov-report= \
	  --junitxml=$(ROOT)/artifacts/junit-backend-postgres.xml
	mv backend/.coverage $(COV_DIR)/.coverage.postgres

backend-coverage: backend-sync ## branch coverage of backend/src on the PostgreSQL run, >= 90%
	cd backend && COVERAGE_FILE=$(COV_DIR)/.coverage.postgres $(UV) run --frozen coverage report --fail-under=90 --skip-covered
	cd backend && COVERAGE_FILE=$(COV_DIR)/.coverage.postgres $(UV) run --frozen coverage xml -o $(COV_DIR)/coverage.xml

.PHONY: bench
BENCH_ARGS ?=
bench: backend-sync ## benchmark (not a test): taskapp vs a fair raw asyncpg yardstick, then list/search/stats/Today/Upcoming at 10k/100k/1M tasks (BENCH_ARGS="--sizes" skips those)
	. scripts/lib.sh && apt_install wrk
	scripts/services.sh start
	cd backend && $(UV) run --frozen python ../bench/run.py $(BENCH_ARGS)
