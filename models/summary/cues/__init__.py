"""Speech-act cues: does a sentence report a request or an agreement, and between whom?

A request: one party asks, urges, calls on, appeals to, demands, proposes, or hopes or
expects that another party act (FrameNet's Request frame and its neighbours:
Attempt_suasion, Hope, Expectation). An agreement: parties agree, or sign, conclude or reach
an accord. The cue detectors read what classical NLP does reliably: English through a
dependency parse (spaCy), Russian through natasha's parse, Kazakh and Chinese through their
trigger lexicons. The cue is one vote; the embedding classifier and the LLM vote too
(``models/summary/labels.py``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    """What a sentence's wording says.

    ``request`` is 1.0 for a direct request verb (ask, urge, call on, demand), 0.5 for a
    softer one (propose, hope, expect that another party act), 0.0 for none. ``actor`` and
    ``target`` are exact substrings of the sentence, or ``None`` where the parse does not
    name them.
    """

    request: float = 0.0
    agreement: bool = False
    actor: str | None = None
    target: str | None = None
    trigger: str | None = None


NO_CUE = Cue()
