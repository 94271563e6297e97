# learnloop: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)  ## Create the virtualenv and install learnloop with its test extras

demo: $(STAMP)  ## Demo company on embedded SQLite, full loop, console on http://127.0.0.1:8000
	$(BIN)/learnloop demo

test: $(STAMP)  ## Run the whole test suite (PostgreSQL and Redis tests run when they answer)
	$(BIN)/python -m pytest

bench: $(STAMP)  ## Print import throughput and peak memory figures
	$(BIN)/python benchmarks/run_all.py

lint: $(STAMP)  ## Ruff
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) .learnloop .pytest_cache .ruff_cache
