"""Prometheus metrics (prometheus-client): HTTP counts and latencies, queue and model load.

One ``CollectorRegistry`` per app rather than the process-global one, so that tests (and
tools) that build several apps in one process do not register the same names twice. The
queue, in-flight and model figures are not pushed from the hot path: a custom collector
reads, at scrape time, the counters ``models/`` keeps anyway (``InferenceRunner``,
``MicroBatcher.stats``, ``LLM.stats``), so ``models/`` stays free of service code.

No label carries a key, a client address or a raw path: routes are templates, models ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from models.engines import Engines
from models.runtime import InferenceRunner
from service.state import EngineSlot

_LATENCY_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
# Statuses counted on their own as well: the autoscaler and the on-call read them directly.
REJECTED_STATUSES = (413, 429)


class Metrics:
    """The app's registry and the HTTP-side metrics ``RequestContext`` updates."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "news_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "news_http_request_duration_seconds",
            "Time from the request's arrival to the end of its response.",
            ["method", "route", "status"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "news_http_requests_in_flight",
            "HTTP requests being handled now (all routes).",
            registry=self.registry,
        )
        self.rejected = Counter(
            "news_http_rejected",
            "Requests refused for load or size: 429 (queue full, rate limit) and 413 (body "
            "or text too large).",
            ["status"],
            registry=self.registry,
        )
        for status in REJECTED_STATUSES:
            self.rejected.labels(status=str(status))  # exported as 0 before the first one
        self.engines = EngineCollector()
        self.registry.register(self.engines)

    def watch(self, runner: InferenceRunner, slot: EngineSlot) -> None:
        """Read the queue and model figures of ``runner`` and ``slot`` at each scrape."""
        self.engines.runner = runner
        self.engines.slot = slot

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        labels = {"method": method, "route": route, "status": str(status)}
        self.requests.labels(**labels).inc()
        self.latency.labels(**labels).observe(seconds)
        if status in REJECTED_STATUSES:
            self.rejected.labels(status=str(status)).inc()

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)


class EngineCollector(Collector):
    """Queue depth, in-flight work, batch sizes, tokens and load times, read at scrape time."""

    def __init__(self) -> None:
        self.runner: InferenceRunner | None = None
        self.slot: EngineSlot | None = None

    def describe(self) -> list[Metric]:
        # Empty: the registry then does not call collect() at registration time.
        return []

    def collect(self) -> Iterator[Metric]:
        if self.runner is not None:
            queued = GaugeMetricFamily(
                "news_queue_depth",
                "Requests accepted and waiting for an inference worker (MAX_QUEUE bounds it).",
            )
            queued.add_metric([], self.runner.queued)
            running = GaugeMetricFamily(
                "news_inference_running",
                "Requests an inference worker is running now (INFERENCE_WORKERS bounds it).",
            )
            running.add_metric([], self.runner.running)
            yield queued
            yield running
        engines = self.slot.engines if self.slot is not None else None
        if engines is not None:
            yield from _model_metrics(engines)


def _model_metrics(engines: Engines) -> Iterator[Metric]:
    labels = ["model"]
    queued = GaugeMetricFamily(
        "news_model_queued_items",
        "Segments or prompts waiting for a batch of this model.",
        labels=labels,
    )
    in_flight = GaugeMetricFamily(
        "news_model_in_flight_items",
        "Segments or prompts in the batch this model is running now.",
        labels=labels,
    )
    batches = HistogramMetricFamily(
        "news_model_batch_size",
        "Rows per model call (a generate() batch, or a llama.cpp decoding step).",
        labels=labels,
    )
    tokens = CounterMetricFamily(
        "news_model_generated_tokens",
        "Tokens generated since start (translation models: their output re-tokenized).",
        labels=labels,
    )
    load = GaugeMetricFamily(
        "news_model_load_seconds", "Seconds the model took to load.", labels=labels
    )
    for card in engines.cards:
        load.add_metric([card.id], card.load_s)
    for model_id, batcher in engines.translation.batchers.items():
        queued.add_metric([model_id], batcher.pending)
        in_flight.add_metric([model_id], batcher.stats.running)
        batches.add_metric([model_id], *_buckets(dict(batcher.stats.sizes)))
        tokens.add_metric([model_id], engines.translation.generated_tokens[model_id])
    llm = engines.llm
    llm_id = next((card.id for card in engines.cards if card.task == "llm"), None)
    if llm is not None and llm_id is not None:
        queued.add_metric([llm_id], llm.queued)
        in_flight.add_metric([llm_id], llm.running)
        batches.add_metric([llm_id], *_buckets(dict(llm.stats.batch_sizes)))
        tokens.add_metric([llm_id], llm.stats.generated_tokens)
    yield from (queued, in_flight, batches, tokens, load)


def _buckets(sizes: Mapping[int, int]) -> tuple[list[tuple[str, float]], float]:
    """Cumulative Prometheus buckets and the sum, from batch counts by size."""
    out: list[tuple[str, float]] = []
    for bound in (*_BATCH_BUCKETS, float("inf")):
        count = sum(n for size, n in sizes.items() if size <= bound)
        out.append(("+Inf" if bound == float("inf") else str(bound), float(count)))
    return out, float(sum(size * n for size, n in sizes.items()))


def metrics_router(metrics: Metrics) -> APIRouter:
    """``GET /metrics`` for ``metrics`` (a router per app: no global registry)."""
    router = APIRouter()

    @router.get(
        "/metrics",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {}}}},
    )
    async def prometheus_metrics() -> Response:
        """Prometheus metrics in the text exposition format."""
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return router
