"""Sentence embeddings through ``sentence-transformers`` (it reads the model's pooling config)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from sentence_transformers import SentenceTransformer


class Embedder:
    """Encodes sentences into L2-normalised vectors (cosine similarity = dot product)."""

    def __init__(self, path: str, *, device: str) -> None:
        self._model = SentenceTransformer(path, device=device, local_files_only=True)
        self.device = device

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Return an ``(n, dim)`` float32 array; an empty input gives a ``(0, dim)`` array."""
        dim = int(self._model.get_embedding_dimension() or 0)
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        with torch.inference_mode():
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)
