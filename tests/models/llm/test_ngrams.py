"""The n-gram ban bans what transformers' NoRepeatNGramLogitsProcessor bans."""

from __future__ import annotations

import random

import pytest
import torch
from transformers import NoRepeatNGramLogitsProcessor

from models.llm.ngrams import NgramBan


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_same_bans_as_transformers(n: int) -> None:
    rng = random.Random(n)
    vocab = 6  # a small vocabulary, so n-grams repeat often
    processor = NoRepeatNGramLogitsProcessor(n)
    for _ in range(50):
        tokens = [rng.randrange(vocab) for _ in range(rng.randrange(0, 20))]
        scores = processor(torch.tensor([tokens], dtype=torch.long), torch.zeros(1, vocab))
        expected = {i for i in range(vocab) if scores[0, i] == float("-inf")}
        assert NgramBan(n, tokens).banned() == expected, tokens


def test_pushing_tokens_updates_the_ban() -> None:
    ban = NgramBan(3, [1, 2, 3])
    assert ban.banned() == set()
    ban.push(1)
    ban.push(2)
    assert ban.banned() == {3}  # "1 2 3" may not come again
    with pytest.raises(ValueError):
        NgramBan(0, [])
