# The README's commands. `make demo` and `make test` do all the set-up on a fresh machine.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint clean prod-run prod-stop production bench dkfds

$(STAMP): pyproject.toml docs/examples/kommissorium-ishoj/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet -e docs/examples/kommissorium-ishoj
	$(BIN)/pybabel -q compile -d core/translations -D messages
	@touch $(STAMP)

install: $(STAMP)

## Run the platform on SQLite with the four demo tenants, on http://127.0.0.1:5000
demo: $(STAMP)
	MAIL_BACKEND=$${MAIL_BACKEND:-console} $(BIN)/kommissorium demo

## Install what the tests need and run them (PostgreSQL/Redis when TEST_DATABASE_URL/TEST_REDIS_URL are set),
## in parallel: one pytest-xdist worker per core, each on a database of its own
## (PYTEST_WORKERS=0 runs them in this process; PYTEST_ARGS adds pytest options or paths)
PYTEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## Production on this machine, no containers: gunicorn + rq worker + tick on PostgreSQL and Redis
PROD_PORT ?= 8000
PROD_WORKERS ?= 2
PROD_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/kommissorium
PROD_REDIS_URL ?= redis://127.0.0.1:6379/0
RUN_DIR ?= run

prod-run: $(STAMP)
	@mkdir -p $(RUN_DIR)
	@test -f $(RUN_DIR)/secret_key || $(BIN)/python -c 'import secrets; print(secrets.token_hex(32))' > $(RUN_DIR)/secret_key
	DATABASE_URL=$${DATABASE_URL:-$(PROD_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(PROD_REDIS_URL)} \
	SECRET_KEY=$${SECRET_KEY:-$$(cat $(RUN_DIR)/secret_key)} \
	$(BIN)/python deploy/prod-run.py start --port $(PROD_PORT) --workers $(PROD_WORKERS) \
		--run-dir $(RUN_DIR) --create-database --sync-tenants

production: prod-run

## Stop what prod-run started (SIGTERM; waits; reports each process's exit code)
prod-stop:
	$(BIN)/python deploy/prod-run.py stop --run-dir $(RUN_DIR)

## Benchmarks (not part of `make test`): bench/results/*.json and the README's table
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || apt-get install -y -q wrk >/dev/null 2>&1 \
		|| (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk >/dev/null 2>&1) \
		|| echo "bench: could not install wrk (apt-get install wrk); the load figures are skipped"
	@$(BIN)/python -c 'import psutil' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py $(BENCH)

## Vendor Det Fælles Designsystem's built CSS, fonts and icons into core/web/static/dkfds/
## (needs npm; only to change its version, see docs/decisions/0027-det-faelles-designsystem-vendored.md)
dkfds:
	$(PYTHON) scripts/vendor_dkfds.py

clean:
	rm -rf $(VENV) instance .pytest_cache
