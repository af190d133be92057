"""The speech-act trainer's threshold choice, on hand-made cross-validation curves."""

from __future__ import annotations

import pytest

pytest.importorskip("sklearn")

from evaluation.train_acts import choose_threshold


def test_ties_on_f1_go_to_the_more_precise_run() -> None:
    # Two runs of thresholds tie on F1 (within 0.005); the later one is more precise: the
    # choice is the middle of that run, not the middle of everything tied.
    f1s = [0.50, 0.758, 0.758, 0.758, 0.70, 0.762, 0.762, 0.762, 0.60]
    precisions = [0.40, 0.72, 0.72, 0.72, 0.74, 0.80, 0.80, 0.80, 0.84]
    assert choose_threshold(f1s, precisions) == 6


def test_a_single_best_threshold_is_taken() -> None:
    assert choose_threshold([0.3, 0.9, 0.4], [0.2, 0.5, 0.9]) == 1


def test_equal_precision_keeps_the_middle_of_the_plateau() -> None:
    assert choose_threshold([0.7, 0.7, 0.7, 0.7, 0.7], [0.6] * 5) == 2
