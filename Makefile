# The README's commands. `make demo` and `make test` do all the set-up on a fresh machine.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint clean

$(STAMP): pyproject.toml docs/examples/kommissorium-ishoj/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet -e docs/examples/kommissorium-ishoj
	@touch $(STAMP)

install: $(STAMP)

## Run the platform on SQLite with the four demo tenants, on http://127.0.0.1:5000
demo: $(STAMP)
	$(BIN)/kommissorium demo

## Install what the tests need and run them (PostgreSQL/Redis when TEST_DATABASE_URL/TEST_REDIS_URL are set)
test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache
