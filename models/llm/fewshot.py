"""Calibrated few-shot label scoring on top of ``LLM.score_labels``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from models.llm.base import LLM
from models.llm.types import Message, ScoreJob


class FewShotLabels:
    """Calibrated probabilities of fixed answer labels after a few-shot chat prompt.

    The system text and example turns are rendered once into a prefix whose KV cache
    ``LLM.score_labels`` reuses; each text only costs its own user turn. Contextual
    calibration (Zhao et al., 2021): dividing by the probabilities the model gives a
    content-free input ("N/A") removes the label bias the examples introduce. Calibration
    alone over-corrects where the model was unsure (a flat row becomes a confident wrong
    one), so the mean of the raw and the calibrated distribution is returned.
    """

    def __init__(
        self,
        llm: LLM,
        system: str,
        shots: Sequence[tuple[str, str]],
        render_user: Callable[[str], str],
        labels: Sequence[str],
    ) -> None:
        self.llm = llm
        self.labels = tuple(labels)
        self._render_user = render_user
        messages: list[Message] = [{"role": "system", "content": system}]
        for text, answer in shots:
            messages += [
                {"role": "user", "content": render_user(text)},
                {"role": "assistant", "content": answer},
            ]
        self._messages = messages
        self.prefix = llm.chat_prefix(messages)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """An ``(len(texts), len(labels))`` array; rows sum to 1."""
        if not texts:
            return np.zeros((0, len(self.labels)))
        return self.calibrate(self.llm.score_many([self.job(texts)])[0])

    def job(self, texts: Sequence[str]) -> ScoreJob:
        """The scoring job for ``texts``: their user turns, then the content-free probe."""
        return ScoreJob(self.prefix, tuple(self._suffix(t) for t in [*texts, "N/A"]), self.labels)

    def calibrate(self, scores: Sequence[Sequence[float]]) -> np.ndarray:
        """Probabilities from a ``job``'s raw label scores (its last row is the probe)."""
        raw = np.array(scores, dtype=np.float64).reshape(-1, len(self.labels))
        calibrated = raw[:-1] / np.maximum(raw[-1], 1e-6)
        calibrated /= calibrated.sum(axis=1, keepdims=True)
        return np.asarray((raw[:-1] + calibrated) / 2, dtype=np.float64)

    def _suffix(self, text: str) -> str:
        chat = self.llm.chat(
            [*self._messages, {"role": "user", "content": self._render_user(text)}]
        )
        if not chat.startswith(self.prefix):
            raise ValueError("the chat template does not extend the few-shot prefix")
        return chat[len(self.prefix) :]
