"""The English cue parser's word lists (``cues/english.py``): request and agreement verbs and
nouns by FrameNet frame (Request, Attempt_suasion, Hope, Expectation, agreement), and the words
that name a party."""

from __future__ import annotations

STRONG = frozenset(
    [
        "ask",
        "request",
        "urge",
        "appeal",
        "demand",
        "implore",
        "beg",
        "plead",
        "petition",
        "exhort",
        "instruct",
        "order",
        "press",
        "insist",
        "invite",
        "call",
        "summon",
        "entreat",
        "beseech",
        "pressure",
        "require",
        "tell",
        "command",
        "direct",
    ]
)
SOFT = frozenset(
    [
        "propose",
        "suggest",
        "recommend",
        "encourage",
        "hope",
        "expect",
        "want",
        "wish",
        "seek",
        "lobby",
        "push",
        "advise",
    ]
)
# Soft verbs of desire: a request only with a clause saying what the other party should do.
DESIRE = frozenset(["hope", "expect", "want", "wish"])
# Nouns that carry a request when voiced ("expressed hope", "issued a call", "made a plea").
REQUEST_NOUNS = frozenset(
    [
        "hope",
        "call",
        "appeal",
        "request",
        "demand",
        "plea",
        "wish",
        "expectation",
        "proposal",
        "invitation",
        "urging",
        "push",
        "task",
        "instruction",
        "order",
    ]
)
# Request nouns that are a direct request on their own; the rest need a named addressee.
STRONG_NOUNS = frozenset(
    "call appeal request demand plea urging push task instruction order".split()
)
# Directive nouns voiced only by these verbs ("gave an order", not "made an order for jets").
DIRECTIVE_VOICES = {
    "task": frozenset(["give", "set", "assign"]),
    "instruction": frozenset(["give", "issue", "send"]),
    "order": frozenset(["give", "issue"]),
}
VOICING = frozenset(
    [
        "express",
        "voice",
        "make",
        "issue",
        "send",
        "submit",
        "renew",
        "reiterate",
        "repeat",
        "lodge",
        "file",
        "extend",
        "convey",
    ]
)
AGREEMENT_NOUNS = frozenset(
    [
        "agreement",
        "deal",
        "memorandum",
        "treaty",
        "accord",
        "contract",
        "pact",
        "declaration",
        "protocol",
        "consensus",
        "understanding",
        "roadmap",
        "truce",
        "ceasefire",
        "settlement",
        "arrangement",
        "communique",
    ]
)
AGREEMENT_VERBS = frozenset("sign conclude reach strike seal clinch ink finalise finalize".split())
# Addressee-taking prepositions: "call on X", "appeal to X", "plead with X".
ADDRESSEE_PREPS = {"call": ("on", "upon"), "appeal": ("to",), "plead": ("with",)}
# Request verbs with other senses ("asked a question", "pleaded guilty", "press charges",
# "appealed to fans", "the job requires skill"): a request only with a to-clause, a
# mandative that-clause, or one of these prepositions ("ask for", "plead with").
MESSAGE_REQUIRED = {
    "ask": ("for",),
    "tell": (),
    "appeal": ("for",),
    "plead": ("with", "for"),
    "press": ("for",),
    "pressure": ("into",),
    "push": ("for",),
    "require": (),
    "command": (),  # "commanded the troops to withdraw", not "commands respect"
    "direct": (),  # "directed the ministry to draft", not "directed the film"
}
# What one telephones to do ("called to say", "called to congratulate him"): "call" with
# one of these is a telephone call, not a call on someone.
SPEAKING = frozenset(
    "say tell ask inform report check complain thank congratulate apologise apologize "
    "wish offer explain confirm".split()
)
# Verbs that also report a claim ("insisted he was innocent", "suggests it may rain"): their
# that-clause counts only in the mandative mood.
ASSERTING = frozenset(["insist", "suggest", "propose", "recommend", "demand", "urge", "request"])
# Texts that voice their authors' demands ("the statement demanded the release of ...").
DOCUMENTS = frozenset(
    "statement letter resolution petition note report declaration communique message "
    "decree bill motion ultimatum appeal manifesto".split()
)
QUESTION_WORDS = frozenset("how what whether if why when where who whom which".split())
# Heads that name a party even when the tagger sees no entity.
PARTY_WORDS = frozenset(
    [
        "government",
        "ministry",
        "minister",
        "side",
        "party",
        "police",
        "court",
        "council",
        "company",
        "union",
        "authorities",
        "authority",
        "officials",
        "official",
        "president",
        "leader",
        "leaders",
        "state",
        "states",
        "country",
        "countries",
        "nation",
        "nations",
        "people",
        "public",
        "residents",
        "citizens",
        "witnesses",
        "parliament",
        "congress",
        "senate",
        "commission",
        "committee",
        "agency",
        "bank",
        "board",
        "administration",
        "embassy",
        "ambassador",
        "delegation",
        "team",
        "club",
        "school",
        "university",
        "family",
        "families",
        "mother",
        "father",
        "judge",
        "prosecutor",
        "prosecutors",
        "lawyer",
        "lawyers",
        "group",
        "organisation",
        "organization",
        "member",
        "members",
        "campaigners",
        "activists",
        "protesters",
        "workers",
        "staff",
        "employees",
        "investor",
        "partner",
        "colleague",
        "neighbour",
        "neighbor",
        "ally",
        "opposition",
        "campaigner",
        "activist",
        "protester",
        "worker",
        "employee",
        "investors",
        "partners",
        "colleagues",
        "neighbours",
        "neighbors",
        "allies",
        "regime",
        "city",
        "region",
        "republic",
        "federation",
        "kingdom",
        "ministers",
        "governments",
        # people by role: a request's asker is a person or a body, never a thing
        "researchers",
        "scientists",
        "experts",
        "analysts",
        "doctors",
        "doctor",
        "users",
        "user",
        "fans",
        "voters",
        "students",
        "teachers",
        "parents",
        "lawmakers",
        "legislators",
        "senator",
        "senators",
        "officer",
        "officers",
        "investigators",
        "investigator",
        "inspector",
        "inspectors",
        "regulator",
        "regulators",
        "auditor",
        "auditors",
        "critics",
        "supporters",
        "leadership",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "chairman",
        "head",
        "chief",
        "director",
        "secretary",
        "mayor",
        "governor",
        "department",
        "office",
        "service",
        "firm",
        "organizers",
        "organisers",
        "farmers",
        "villagers",
        "deputies",
        "deputy",
        "man",
        "woman",
        "men",
        "women",
        "victim",
        "victims",
        "owner",
        "owners",
        "manager",
        "coach",
        "player",
        "players",
    ]
)
NOMINAL = frozenset({"NOUN", "PROPN", "PRON"})
"""Parts of speech that head a noun phrase."""

PARTY_ENTITIES = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
