# The two commands a newcomer needs are `make demo` and `make test` (see README).
VENV := .venv/bin
PYTEST_ARGS ?=

.PHONY: setup demo test check lint types migrations openapi messages

setup:
	@scripts/setup

demo: setup
	$(VENV)/shouwang demo

test: setup check
	$(VENV)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

check: lint types migrations openapi

lint:
	$(VENV)/ruff check src bench tests conftest.py
	$(VENV)/ruff format --check src bench tests conftest.py

types:
	$(VENV)/mypy src

migrations:
	$(VENV)/shouwang makemigrations --check --dry-run

openapi:
	$(VENV)/shouwang openapi --check

messages:
	cd src/shouwang && ../../$(VENV)/shouwang makemessages -l zh_Hans -l en --no-obsolete && ../../$(VENV)/shouwang compilemessages
