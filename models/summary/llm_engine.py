"""The LLM engine: what a small model does reliably, every output grounded.

1. Select key points with bonuses for requests, agreements and amounts (the best of each
   is required); the speech-act model decides requests and agreements.
2. Type the selected sentences it left open (``PointTyper.probabilities``: statement, event
   or figure, label probabilities from one forward pass each, so concurrent requests share
   the scoring batches). Without a speech-act model every sentence is typed first, because
   the LLM's request scores then drive the selection.
3. For the selected sentences only, schema-constrained ``{actor, target, point}`` JSON; the
   point must ground (``Grounder``) and the parties must be named in the article
   (``check_party``), else the source sentence is used and a warning says why. On an
   English request or agreement the speech-act cue's parties from the dependency parse
   replace the LLM's: its actor where it found one, and its target always. On the dev
   set's tune half (71 requests, 0.5B, 2026-12-04) the LLM's parties matched the labels
   for 32 actors and 30 targets, the cue's for 45 and 53, and this mix for 48 and 54.
4. A headline as constrained JSON, whose numbers must occur in the article (else the
   extractive headline); the summary is the extractive one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

import prompts
from models.config import SummarizerOptions
from models.languages import language_name
from models.llm import LLM, GenerationRequest, Message
from models.llm.base import parse_json
from models.summary.analysis import extractive_lead, has_amount, select
from models.summary.extractive import ms_since, required_picks
from models.summary.grounding import Grounder, Rejected
from models.summary.labels import PointTyper, sentence_type
from models.summary.parties import Party, check_party
from models.summary.types import POINT_TYPES, Article, Draft, KeyPoint, PointType
from models.text.fidelity import negated, rewrite_changes

# The least a key point answer gets; ``_point_budget`` gives a sentence the tokens the
# schema's longest answer in its own script needs (Kazakh takes about twice the tokens of
# English per character in Qwen's vocabulary).
KEYPOINT_NEW_TOKENS = 120
# Tokens of the JSON around the three strings ({"actor":"","target":"","point":""}).
_JSON_TOKENS = 16
# A headline of at most 140 characters, in JSON.
HEADLINE_NEW_TOKENS = 60
# The headline prompt reads this many top sentences (at least summary_sentences + 2).
HEADLINE_CANDIDATES = 5
# Why a rewrite was dropped, in the warning a user reads.
_REJECTED = {
    "unaligned": "it does not restate its source sentence",
    "truncated": "it stops in the middle of its source sentence",
    "script": "letters of a script its source sentence does not use",
    "numbers": "a number its source sentence does not have",
    "names": "a name its source sentence does not have",
    "negation": "it negates what its source sentence does not, or the reverse",
    "agent": "it names an agent its source sentence does not",
    "limit": "it reached the answer's length limit, so it is cut off",
}
# The longest point the schema lets the model write; one that long was cut by the grammar.
POINT_MAX_CHARS = 240
# The longest actor or target name the schema allows.
PARTY_MAX_CHARS = 60
# Enough for the grammar to be compiled and exercised at start-up.
WARM_UP_TOKENS = 4


@dataclass(frozen=True)
class _Lead:
    """The extractive headline and summary, used where the LLM's fail."""

    headline: str
    summary: str
    # The sentences the LLM was shown for its headline.
    shown: str


@dataclass(frozen=True)
class Restated:
    """One key point as the engine wrote it, and what became of the LLM's wording."""

    point: KeyPoint
    warnings: list[str]
    # Whether the LLM's answer completed (else the source sentence is the point).
    completed: bool
    # Why the wording was dropped for the source sentence: the check's reason (a key of
    # ``_REJECTED``: "names", "limit", ...); ``None`` where it was kept or did not complete.
    dropped: str | None = None


@dataclass(frozen=True)
class _Headline:
    headline: str
    summary: str
    warnings: tuple[str, ...]


class LLMEngine:
    """Types, selects and words key points with the LLM; grounds everything it writes."""

    def __init__(
        self,
        llm: LLM,
        typer: PointTyper,
        grounder: Grounder,
        options: SummarizerOptions,
        *,
        model_ids: tuple[str, ...],
    ) -> None:
        self.llm = llm
        self.typer = typer
        self.grounder = grounder
        self.options = options
        self.model_ids = model_ids

    def draft(self, article: Article, max_key_points: int) -> Draft:
        """The LLM's draft. Raises ``GenerationFailed``, ``RuntimeError`` or ``ValueError``
        when the model fails; the caller falls back to the extractive engine."""
        timings: dict[str, float] = {}
        clock = time.perf_counter()
        chunks = self._chunks(article)
        if article.acts:
            # The speech-act model decides requests and agreements, and they and the amounts
            # are all the selection reads, so the sentences are picked first and the LLM
            # types only the picked ones it has to (statement, event or figure).
            _, picked = self._pick(article, self._decided(article), max_key_points)
            probs = self._type(article, rows=[i for i in picked if _undecided(article, i)])
            types = self._types(article, probs)
        else:
            probs = self._type(article)
            types, picked = self._pick(article, probs, max_key_points)
        timings["llm_types"] = ms_since(clock)

        # The key points and the headline go to the LLM in one call: a backend that batches
        # across requests decodes them in the same steps.
        clock = time.perf_counter()
        head_request, lead = self._headline_request(article)
        outputs = self.llm.run([*self._keypoint_requests(article, picked), head_request])
        answers = [parse_json(out) for out in outputs]
        points, warnings = self._key_points(article, picked, types, probs, answers[:-1])
        head = self._headline(article, answers[-1], lead)
        timings["llm_points_headline"] = ms_since(clock)
        return Draft(
            headline=head.headline,
            summary=head.summary,
            key_points=points,
            engine="llm",
            chunks=chunks,
            models=self.model_ids,
            warnings=(*warnings, *head.warnings),
            timings_ms=timings,
        )

    def warm_up(self, article: Article) -> None:
        """The hot path once, with the real prompts and schemas and a short budget."""
        self._type(article)
        head_request, _ = self._headline_request(article)
        requests = [*self._keypoint_requests(article, list(article.eligible)), head_request]
        self.llm.run([replace(r, max_new_tokens=WARM_UP_TOKENS) for r in requests])

    def _type(self, article: Article, rows: list[int] | None = None) -> np.ndarray:
        """Type probabilities of every sentence; only those that can be key points (or the
        ``rows`` given) are scored, the others keep the speech-act model's decision (see
        ``_decided``).

        Each sentence is scored on its own, so one call covers every chunk: one round trip
        keeps concurrent requests in step (they share each batch). A sentence too short to be
        a key point is never picked, so it gets a plain statement row without an LLM pass.
        """
        scored = list(article.eligible) if rows is None else rows
        probs = self._decided(article)
        if not scored:
            return probs
        decided = [article.acts[i] for i in scored] if article.acts else None
        probs[scored] = self.typer.probabilities(
            [article.sentences[i].span.text for i in scored],
            vectors=article.vectors[scored],
            acts=[a for a in decided if a is not None] if decided else None,
        )
        return probs

    def _decided(self, article: Article) -> np.ndarray:
        """Type rows without the LLM: the speech-act model's request or agreement (its
        probability alone, as ``PointTyper`` writes it), else a plain statement."""
        probs = np.zeros((len(article.sentences), len(POINT_TYPES)))
        probs[:, POINT_TYPES.index("statement")] = 1.0
        for i, act in enumerate(article.acts or ()):
            if act is not None and act.request:
                probs[i] = 0.0
                probs[i, 0] = act.p_request
            elif act is not None and act.agreement:
                probs[i] = 0.0
                probs[i, POINT_TYPES.index("agreement")] = act.p_agreement
        return probs

    def _chunks(self, article: Article) -> int:
        """How many consecutive groups of at most ``chunk_tokens`` LLM tokens the article has."""
        chunks, used = 1, 0
        for s in article.sentences:
            cost = self.llm.count_tokens(s.span.text)
            if used and used + cost > self.options.chunk_tokens:
                chunks += 1
                used = 0
            used += cost
        return chunks

    def _pick(
        self, article: Article, probs: np.ndarray, max_key_points: int
    ) -> tuple[list[PointType], list[int]]:
        """Each sentence's type, and the key point sentences (article order)."""
        types = self._types(article, probs)
        priority = article.point_scores.copy()
        for s in article.sentences:
            label = types[s.index]
            p = float(probs[s.index].max())
            if label == "request":
                priority[s.index] += self.options.request_bonus * p
            elif label == "agreement":
                priority[s.index] += self.options.agreement_bonus * p
            if has_amount(s.span, article.figures):
                priority[s.index] += self.options.figure_bonus
        candidates = [
            (kind, [i for i in article.eligible if types[i] == kind], probs[:, column])
            for kind, column in (("request", 0), ("agreement", POINT_TYPES.index("agreement")))
        ]
        required = required_picks(article, candidates, priority)
        picked = select(
            priority,
            article.vectors,
            max_key_points,
            article.eligible,
            self.options,
            required=required,
        )
        return types, picked

    @staticmethod
    def _types(article: Article, probs: np.ndarray) -> list[PointType]:
        """Each sentence's type from its probability row (a figure needs one stated)."""
        return [sentence_type(probs[s.index], s.span, article.figures) for s in article.sentences]

    def _keypoint_requests(self, article: Article, picked: list[int]) -> list[GenerationRequest]:
        """One constrained ``{actor, target, point}`` request per picked sentence."""
        # English gets the prompt whose examples restate the sentence shorter: on 60 English
        # tune-half sentences it doubled the kept rewrites that are not copies (12 -> 25) and
        # dropped no more. Russian, Kazakh and Chinese get examples in their own language
        # (with English ones the model often answered in English): points kept of 60, ru
        # 37 -> 44, kk 30 -> 45, zh 47 -> 60 (README).
        english = article.lang == "en"
        kind = "keypoint_brief" if english else "keypoint"
        shots = "keypoint_brief_examples" if english else f"keypoint_examples_{article.lang}"
        prefix_messages: list[Message] = [
            {"role": "system", "content": prompts.render(f"{kind}_system")}
        ]
        for sample, reply in prompts.examples(shots):
            prefix_messages += [
                {"role": "user", "content": prompts.render("keypoint_user", sentence=sample)},
                {"role": "assistant", "content": reply},
            ]
        prefix = self.llm.chat_prefix(prefix_messages)
        schema = json.dumps(keypoint_schema())
        return [
            GenerationRequest(
                self.llm.chat(
                    [
                        *prefix_messages,
                        {
                            "role": "user",
                            "content": prompts.render(
                                "keypoint_user", sentence=article.sentences[i].span.text
                            ),
                        },
                    ]
                ),
                self._point_budget(article.sentences[i].span.text),
                schema,
                prefix,
            )
            for i in picked
        ]

    def _point_budget(self, sentence: str) -> int:
        """New tokens for the key point answer of ``sentence``: its longest point (the
        sentence, up to the schema's limit) and two names of the schema's longest, counted
        in the sentence's own tokens, plus the JSON; at least ``KEYPOINT_NEW_TOKENS``."""
        point = self.llm.count_tokens(sentence[:POINT_MAX_CHARS])
        names = 2 * self.llm.count_tokens(sentence[:PARTY_MAX_CHARS])
        return max(KEYPOINT_NEW_TOKENS, point + names + _JSON_TOKENS)

    def _key_points(
        self,
        article: Article,
        picked: list[int],
        types: list[PointType],
        probs: np.ndarray,
        answers: list[dict[str, Any] | None],
    ) -> tuple[tuple[KeyPoint, ...], list[str]]:
        points: list[KeyPoint] = []
        warnings: list[str] = []
        for n, (i, answer) in enumerate(zip(picked, answers, strict=True), start=1):
            confidence = round(float(probs[i].max()), 3)
            restated = self._key_point(article, i, n, (types[i], confidence), answer)
            points.append(restated.point)
            warnings += restated.warnings
        return tuple(points), warnings

    def restate(self, items: Sequence[tuple[Article, int, PointType]]) -> list[Restated]:
        """Each ``(article, sentence index, type)``'s key point as ``summarize`` writes it,
        in one batch. For the evaluation of the wording (``evaluation/stages/points.py``)."""
        requests = [self._keypoint_requests(article, [i])[0] for article, i, _ in items]
        answers = [parse_json(out) for out in self.llm.run(requests)]
        return [
            self._key_point(article, i, 1, (kind, 1.0), answer)
            for (article, i, kind), answer in zip(items, answers, strict=True)
        ]

    def _key_point(
        self,
        article: Article,
        i: int,
        n: int,
        typed: tuple[PointType, float],
        answer: dict[str, Any] | None,
    ) -> Restated:
        """Key point ``n`` (sentence ``i``, its type and confidence) from the LLM's answer,
        which is ``None`` when it did not complete."""
        sentence = article.sentences[i]
        kind, confidence = typed
        cue = _cue_parties(article, i, kind)
        fallback = KeyPoint(
            sentence.span.text,
            kind,
            cue[0] if cue else None,
            cue[1] if cue else None,
            (sentence.span,),
            confidence,
        )
        if answer is None:
            return Restated(
                fallback,
                [f"key point {n}: the LLM answer did not complete; source sentence used"],
                completed=False,
            )
        warnings: list[str] = []
        # The parse's parties beat the LLM's on English requests (module docstring): its
        # actor where it found one, and its target, or none, always. A figure states an
        # amount; it is not directed at anyone.
        actor = (
            Party(cue[0])
            if cue and cue[0]
            else self._party(
                answer.get("actor"),
                article,
                i,
                f"key point {n} actor",
                needs_party=kind in ("request", "agreement"),
            )
        )
        target: Party | None = None
        if cue is not None:
            target = Party(cue[1])
        elif kind != "figure":
            # "Towards whom": a target is a party on every type, not a topic ("bilateral
            # relations", "the report"): on 80 tune-half statements it dropped 25 things and 4
            # people (words its closed list lacks) of 70 LLM targets (2026-12-04, README).
            target = self._party(
                answer.get("target"), article, i, f"key point {n} target", needs_party=True
            )
        warnings += [p.warning for p in (actor, target) if p is not None and p.warning]
        point = str(answer.get("point", ""))
        grounded = (
            Rejected("limit")
            if len(point) >= POINT_MAX_CHARS
            else self.grounder.ground(point, article, anchor=i)
        )
        text, evidence = sentence.span.text, fallback.evidence
        dropped = None
        if isinstance(grounded, Rejected):
            dropped = grounded.reason
            why = _REJECTED.get(dropped, dropped)
            warnings.append(
                f"key point {n}: the LLM's wording was dropped ({why}); source sentence used"
            )
        else:
            text, evidence = grounded.text, grounded.evidence
        target_name = target.name if target else None
        key_point = KeyPoint(text, kind, actor.name, target_name, evidence, confidence)
        return Restated(key_point, warnings, completed=True, dropped=dropped)

    def _party(
        self, value: object, article: Article, i: int, label: str, *, needs_party: bool
    ) -> Party:
        """A party the article names, and where sentence ``i`` has it, a noun phrase there.
        With ``needs_party`` (a request's or agreement's parties, any target) a phrase there
        that names a topic ("the protection of the rights of ...") is dropped."""
        party = check_party(value, article.text, label)
        roles = self.grounder.roles
        sentence = article.sentences[i].span.text
        if not (party.name and roles):
            return party
        if not roles.party_phrase(party.name, sentence, article.lang):
            return Party(None, f"{label}: {party.name!r} is not a noun phrase of its sentence")
        if needs_party and not roles.names_party(party.name, sentence, article.lang):
            return Party(None, f"{label}: {party.name!r} names no party; dropped")
        return party

    def _headline_request(self, article: Article) -> tuple[GenerationRequest, _Lead]:
        """The constrained headline request, and the extractive headline and summary.

        The summary is the extractive one: on CNN/DM and the writer summaries it scores
        higher ROUGE than the small model's rewrites, which mostly failed grounding or were
        ungrammatical (evaluation/README.md), and it costs no decoding.
        """
        top, _, fallback_headline = extractive_lead(
            article,
            self.options,
            candidates=max(self.options.summary_sentences + 2, HEADLINE_CANDIDATES),
        )
        _, summary, _ = extractive_lead(article, self.options)
        system = [
            {
                "role": "system",
                "content": prompts.render("headline_system", language=language_name(article.lang)),
            }
        ]
        chat = self.llm.chat(
            [
                *system,
                {
                    "role": "user",
                    "content": prompts.render(
                        "headline_user",
                        title=article.title or "(none)",
                        sentences="\n".join(f"- {article.sentences[i].span.text}" for i in top),
                    ),
                },
            ]
        )
        request = GenerationRequest(
            chat, HEADLINE_NEW_TOKENS, json.dumps(headline_schema()), self.llm.chat_prefix(system)
        )
        shown = " ".join(article.sentences[i].span.text for i in top)
        return request, _Lead(fallback_headline, summary, shown)

    def _headline(self, article: Article, answer: dict[str, Any] | None, lead: _Lead) -> _Headline:
        """The LLM's headline where the article supports it (else the extractive one), and
        the extractive summary."""
        title = (article.title or "").strip()
        if title:
            return _Headline(title, lead.summary, ())
        if answer is None:
            return _Headline(
                lead.headline,
                lead.summary,
                ("headline: the LLM answer did not complete; extractive headline used",),
            )
        headline = str(answer.get("headline", "")).strip()
        # A headline may leave out a negated clause, but not add a negation, a number or a
        # name that the sentences it was written from do not have.
        changed = rewrite_changes(headline, lead.shown, article.lang) if headline else "empty"
        if changed is not None and not (
            changed == "negation" and negated(lead.shown, article.lang)
        ):
            return _Headline(
                lead.headline,
                lead.summary,
                (
                    f"headline: the LLM headline was not supported by the source ({changed}); "
                    "extractive used",
                ),
            )
        return _Headline(headline, lead.summary, ())


def _cue_parties(
    article: Article, index: int, kind: PointType
) -> tuple[str | None, str | None] | None:
    """The speech-act cue's actor and target for an English request or agreement the
    speech-act model typed, else ``None`` (the LLM's parties are used)."""
    act = article.acts[index] if article.acts else None
    if article.lang != "en" or act is None or kind not in ("request", "agreement"):
        return None
    if not (act.request or act.agreement):
        return None
    return act.actor, act.target


def _undecided(article: Article, index: int) -> bool:
    """Whether the speech-act model left sentence ``index`` to the LLM (neither a request nor
    an agreement)."""
    act = article.acts[index] if article.acts else None
    return act is None or not (act.request or act.agreement)


def keypoint_schema() -> dict[str, Any]:
    """The JSON schema of one key point answer (property order is part of the prompt)."""
    return {
        "type": "object",
        "properties": {
            "actor": {"type": "string", "maxLength": PARTY_MAX_CHARS},
            "target": {"type": "string", "maxLength": PARTY_MAX_CHARS},
            "point": {"type": "string", "minLength": 10, "maxLength": POINT_MAX_CHARS},
        },
        "required": ["actor", "target", "point"],
        "additionalProperties": False,
    }


def headline_schema() -> dict[str, Any]:
    """The JSON schema of the headline answer."""
    return {
        "type": "object",
        "properties": {"headline": {"type": "string", "minLength": 10, "maxLength": 140}},
        "required": ["headline"],
        "additionalProperties": False,
    }
