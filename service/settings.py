"""Service settings, read from environment variables (pydantic-settings).

Importing this module is cheap: ``models.config`` holds plain dataclasses and imports no
torch, so tools can read the settings without loading the inference stack.
"""

from __future__ import annotations

import re
import socket
from dataclasses import fields
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.config import (
    BatchConfig,
    EngineConfig,
    GenerationOptions,
    LLMBackend,
    TranslationBackend,
    default_cache_dir,
)
from service.store import parse_store_url
from service.store.keys import check_limits_storage, parse_rate


class Settings(BaseSettings):
    """Every knob of the service; each field is the upper-cased environment variable."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", protected_namespaces=())

    host: str = Field("0.0.0.0", description="Interface to bind.")
    port: int = Field(8000, ge=1, le=65535, description="Port to bind.")
    model_profile: Literal["auto", "offline", "offline-1.5b", "standard", "permissive"] = Field(
        "auto",
        description="Model profile; auto = standard if its weights are at hand, else offline.",
    )
    model_manifest: Path | None = Field(
        None, description="Path to a custom manifest TOML; overrides MODEL_PROFILE."
    )
    model_loading: Literal["blocking", "background"] = Field(
        "blocking",
        description="blocking: load before serving, exit if a model fails. background: serve "
        "/health at once, /ready answers 503 until loaded (or with the failure).",
    )
    device: str = Field("auto", description="auto, cpu, cuda or cuda:N.")
    cache_dir: Path = Field(
        default_factory=default_cache_dir,
        description="Where assembled registry weights (GGUF) are kept.",
    )
    store_url: str = Field(
        "sqlite:///data/news-service.db",
        description="Where API keys, usage counters, glossaries and jobs are kept: "
        "sqlite:///PATH (embedded, one replica) or redis://HOST:PORT/DB (shared by replicas).",
    )
    api_keys_required: bool = Field(
        False,
        description="Require an API key (Authorization: Bearer, X-API-Key or DeepL-Auth-Key): "
        "401 without a known one, 403 for a revoked one. Off: any key or none is accepted.",
    )
    rate_limit_default: str | None = Field(
        None,
        description="Request rate for keys created without their own, e.g. 60/minute "
        "(limits notation); unset: no limit for those keys.",
    )
    rate_limit_per_ip: str | None = Field(
        None,
        description="Request rate per client IP for callers without a known key, e.g. "
        "30/minute; unset (the default): no limit.",
    )
    rate_limit_storage_url: str = Field(
        "memory://",
        description="Where rate-limit windows are counted (limits storage URI): memory:// "
        "(this process) or redis://HOST:PORT/DB (shared by replicas).",
    )
    hf_hub_offline: bool = Field(False, description="Never contact the Hugging Face hub.")
    jobs_store_text: bool = Field(
        False,
        description="Write job requests and results (article text) to the store, so that an "
        "unfinished job is run again after a restart and a result outlives it. Off: they stay "
        "in memory, and a job a restart interrupts is reported failed.",
    )
    jobs_max_stored: int = Field(
        1000, ge=1, description="Jobs kept (oldest finished ones are dropped to make room)."
    )
    jobs_max_pending: int = Field(
        64, ge=1, description="Queued and running jobs at once; more get 429."
    )
    jobs_max_running: int = Field(2, ge=1, description="Jobs running at once (others queue).")
    jobs_ttl_s: int = Field(
        86_400, ge=1, description="Seconds a finished job is kept before it is deleted."
    )
    jobs_replica_id: str = Field(
        default_factory=socket.gethostname,
        min_length=1,
        description="This replica's name in the job store (default: the host name). At start "
        "it takes up its own unfinished jobs; another replica's only once stale.",
    )
    jobs_stale_s: float = Field(
        60.0,
        ge=1,
        description="An unfinished job whose replica has not refreshed it for this long is "
        "taken up by another (each replica refreshes its jobs every JOBS_STALE_S / 4).",
    )
    job_callback_attempts: int = Field(
        5, ge=1, le=20, description="Tries to deliver a job's callback_url webhook."
    )
    job_callback_backoff_s: float = Field(
        1.0, gt=0, le=600, description="First retry delay of a webhook; doubled each try."
    )
    job_callback_timeout_s: float = Field(
        10.0, gt=0, le=300, description="Timeout of one webhook POST."
    )
    max_text_chars: int = Field(100_000, ge=1, description="Longest text accepted (413 above).")
    max_body_bytes: int = Field(2_000_000, ge=1, description="Largest request body (413 above).")
    inference_workers: int = Field(
        0,
        ge=0,
        description="Requests in flight at once; 0 (the default) means MAX_BATCH_SIZE with "
        "micro-batching, else 1.",
    )
    max_queue: int = Field(16, ge=0, description="Requests that may wait; more get 429.")
    result_cache_entries: int = Field(
        256,
        ge=0,
        description="Finished /summarize and /translate results kept in memory for identical "
        'requests (0: no cache). A request can bypass it with "cache": false.',
    )
    retry_after_s: int = Field(5, ge=1, description="Retry-After seconds sent with 429.")
    num_beams: int = Field(1, ge=1, le=8, description="Beam width for seq2seq translation.")
    torch_threads: int | None = Field(None, ge=1, description="torch intra-op threads.")
    micro_batching: bool = Field(
        True, description="Merge concurrent requests' segments into shared generate() batches."
    )
    batch_wait_ms: float = Field(
        5.0, ge=0, le=1000, description="Longest a segment waits for others to join its batch."
    )
    llm_batch_wait_ms: float = Field(
        200.0,
        ge=0,
        le=5000,
        description="Longest an LLM prompt waits for others to join its batch (LLM calls take "
        "seconds, so a longer window lets concurrent summaries share every batch).",
    )
    max_batch_size: int = Field(32, ge=1, le=1024, description="Segments per shared batch.")
    max_batch_tokens: int = Field(
        8192, ge=16, description="Input tokens per shared batch (padded width x rows)."
    )
    translation_backend: TranslationBackend = Field(
        "manifest", description="Seq2seq backend: as the manifest says, or forced for all."
    )
    llm_backend: LLMBackend = Field(
        "manifest",
        description="LLM backend: as the manifest says (llamacpp for the GGUF profiles), or "
        "forced for the LLM: torch or llamacpp (GGUF files only; CPU).",
    )
    llm_context_tokens: int = Field(
        8192,
        ge=1024,
        le=131072,
        description="llama.cpp KV cells shared by every running row and cached prompt prefix "
        "(the seed with three translations peaks at 5,933 with 32 rows; rows beyond wait).",
    )
    llm_max_sequences: int = Field(
        64, ge=2, le=256, description="llama.cpp rows (sequences) decoded at once."
    )
    llama_cpu_variant: str | None = Field(
        None,
        pattern=r"^[a-z0-9_]+$",
        description="llama.cpp CPU code to run (haswell: AVX2; skylakex: AVX-512; "
        "sapphirerapids: AVX-512 and AMX; ...); default: the best this CPU has.",
    )
    ct2_compute_type: str | None = Field(
        None, description="CTranslate2 compute type; default int8 on CPU, float16 on GPU."
    )
    fixed_new_tokens: int | None = Field(
        None, ge=1, description="Benchmarks only: generate exactly this many tokens."
    )
    log_level: str = Field("INFO", description="Python log level.")
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines as text, or one JSON object a line (python-json-logger)."
    )
    request_timeout_s: float = Field(
        600.0,
        gt=0,
        description="Longest a request may wait for inference (queue + run) before it gets 504 "
        "and its queued work is dropped. 600 s: the slowest legitimate request, the seed "
        "article summarised with three translations on 2 CPU cores, takes up to ~200 s, and "
        "a full queue ahead of it can add as much again.",
    )
    drain_timeout_s: int = Field(
        120,
        ge=1,
        description="On SIGTERM: how long requests in flight and in the queue may take to "
        "finish before the process exits (uvicorn's timeout_graceful_shutdown).",
    )
    cors_allow_origins: str = Field(
        "",
        description="Comma-separated origins allowed to call the API from a browser (CORS), "
        "e.g. https://desk.example.org; empty (the default): no CORS headers at all.",
    )

    @model_validator(mode="after")
    def _derived_defaults(self) -> Self:
        parse_store_url(self.store_url)  # a bad URL fails here, not at the first request
        for rate in (self.rate_limit_default, self.rate_limit_per_ip):
            if rate is not None:
                parse_rate(rate)
        check_limits_storage(self.rate_limit_storage_url)
        for origin in self.cors_origins():
            if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
                raise ValueError(
                    f"CORS_ALLOW_ORIGINS: {origin!r} is not an origin (scheme://host[:port])"
                )
        # With micro-batching, request threads mostly wait for their batches, so as many may
        # be in flight as fit in one batch; without it, one request at a time owns the model.
        if self.inference_workers == 0:
            self.inference_workers = self.max_batch_size if self.micro_batching else 1
        return self

    def cors_origins(self) -> list[str]:
        """CORS_ALLOW_ORIGINS as a list (empty: CORS off)."""
        return [o.strip() for o in self.cors_allow_origins.split(",") if o.strip()]

    def engine_config(self) -> EngineConfig:
        """The inference layer's configuration: the fields both share, by name, and the
        nested batch and generation options."""
        shared = {
            f.name: getattr(self, f.name)
            for f in fields(EngineConfig)
            if f.name in type(self).model_fields
        }
        return EngineConfig(
            **shared,
            batch=BatchConfig(
                self.micro_batching, self.batch_wait_ms, self.max_batch_size, self.max_batch_tokens
            ),
            generation=GenerationOptions(
                num_beams=self.num_beams, fixed_new_tokens=self.fixed_new_tokens
            ),
        )
