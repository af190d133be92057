"""Request detection: does a sentence report that a party asks another party to do something?

Requests (asks, urges, calls on, appeals, demands, proposes, hopes that another party will
act) are what newsroom users look for first, and a five-way type label from a small model
misses most of them. So each engine gets a dedicated yes/no detector, both learned from
``prompts/request_examples.tsv`` (hand-written, generic, hard negatives included; no test-set
or seed sentence):

* ``ExampleRequestClassifier`` (extractive engine, no LLM): logistic regression
  (scikit-learn) on the sentence embeddings of the examples.
* ``LLMRequestClassifier`` (LLM engine): the probability of "yes" after a few-shot prompt, read
  from one forward pass with the prompt's KV cache reused, calibrated against a content-free
  input (Zhao et al., 2021) like the type labels.

Both return a probability per sentence; the summarizer's ``request_threshold`` options turn it
into a decision (tuned on ``evaluation/request_devset.jsonl``, see evaluation/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

import prompts
from models.embeddings import Embedder
from models.llm import LLM, FewShotLabels

EXAMPLES = "request_examples"
LABELS = ("request", "other")
# Few-shot examples in the LLM prompt, per label (the file's first ones, alternating).
LLM_SHOTS_PER_LABEL = 8


def request_examples() -> list[tuple[bool, str]]:
    """``(is_request, sentence)`` rows of the example file; raises ``PromptError`` if malformed."""
    rows = prompts.examples(EXAMPLES)
    unknown = {label for label, _ in rows} - set(LABELS)
    if unknown:
        raise prompts.PromptError(f"prompts/{EXAMPLES}.tsv: unknown labels {sorted(unknown)}")
    return [(label == "request", text) for label, text in rows]


class ExampleRequestClassifier:
    """Logistic regression on sentence embeddings, trained on the example file at start-up."""

    def __init__(self, embedder: Embedder) -> None:
        rows = request_examples()
        vectors = embedder.encode([text for _, text in rows])
        labels = np.array([is_request for is_request, _ in rows], dtype=int)
        # Embeddings are unit-length; C=4 was best of 1, 4, 16 on the dev set (AUC 0.79).
        self.model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=1000)
        self.model.fit(vectors, labels)
        self._column = int(list(self.model.classes_).index(1))

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """P(request) for each row of ``vectors`` (embeddings from the same embedder)."""
        if len(vectors) == 0:
            return np.zeros(0)
        return np.asarray(self.model.predict_proba(vectors)[:, self._column], dtype=np.float64)


class LLMRequestClassifier:
    """P("yes") from the instruct LLM after a few-shot yes/no prompt."""

    def __init__(self, llm: LLM) -> None:
        rows = request_examples()
        yes = [t for r, t in rows if r][:LLM_SHOTS_PER_LABEL]
        no = [t for r, t in rows if not r][:LLM_SHOTS_PER_LABEL]
        shots = [
            (text, answer)
            for pair in zip(yes, no, strict=False)
            for text, answer in zip(pair, ("yes", "no"), strict=True)
        ]
        self.scorer = FewShotLabels(
            llm,
            prompts.render("request_system"),
            shots,
            lambda text: prompts.render("request_user", sentence=text),
            ("yes", "no"),
        )

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated P(request) per text."""
        return np.asarray(self.scorer.probabilities(texts)[:, 0], dtype=np.float64)
