# The two commands a newcomer needs are `make demo` and `make test` (see README).
VENV := .venv/bin
PYTEST_ARGS ?=

.PHONY: setup demo test check lint types migrations openapi translations messages

setup:
	@scripts/setup

demo: setup
	$(VENV)/shouwang demo

test: setup check
	$(VENV)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

check: lint types migrations openapi translations

lint:
	$(VENV)/ruff check src bench tests conftest.py
	$(VENV)/ruff format --check src bench tests conftest.py

types:
	$(VENV)/mypy src

migrations:
	$(VENV)/shouwang makemigrations --check --dry-run

openapi:
	$(VENV)/shouwang openapi --check

translations:
	$(VENV)/shouwang check_translations

# zh-Hans is the source language (msgids are the Chinese text): only English has a catalogue.
messages:
	cd src/shouwang && ../../$(VENV)/shouwang makemessages -l en --no-obsolete \
		--ignore "*/tests/*" --ignore "*/migrations/*" && ../../$(VENV)/shouwang compilemessages
