"""The English cue's senses and parties, on sentences written for these tests.

A request verb counts only with a message (what the other party should do): a question,
an assertion, a plea in court or a summons is not a request. The parties are the noun
phrases a reader would name.
"""

from __future__ import annotations

import pytest

from models.summary.cues.detector import CueDetector

# (sentence, request strength)
SENSES = [
    ("'Where is the money?' the auditor asked.", 0.0),
    ("The survey asked 2,000 voters about the election.", 0.0),
    ("The minister asked the embassy to extend the visas.", 1.0),
    ("The delegation asked for a second round of talks.", 1.0),
    ("The former mayor pleaded not guilty to the charges.", 0.0),
    ("The families pleaded with the court to reopen the case.", 1.0),
    ("The company decided to press charges against the driver.", 0.0),
    ("Farmers pressed the ministry to lower the tariff.", 1.0),
    ("The envoy insisted that the talks had been a success.", 0.0),
    ("The envoy insisted that the talks continue next week.", 1.0),
    ("Police were called to the market on Friday night.", 0.0),
    ("The union called for an independent inquiry.", 1.0),
    ("The report suggests that prices may rise next year.", 0.0),
    ("He made a phone call to his lawyer.", 0.0),
    ("The inspector required the firm to hand over its records.", 1.0),
    ("The new law requires a licence for every boat.", 0.0),
    ("The band's music appealed to young listeners.", 0.0),
    ("The mayor appealed for calm after the protests.", 1.0),
    ("The officers told the crowd to go home.", 1.0),
    ("The officers told the crowd that you must stay calm.", 1.0),
    ("The officers told reporters that the road was closed.", 0.0),
    ("The president gave the cabinet a task to cut spending.", 1.0),
    ("The airline made an order for ten jets.", 0.0),
    ("The senator's push for an inquiry failed.", 1.0),
    ("The officers told reporters you have no idea why he would seek to travel.", 0.0),
    ("The officers told the crowd that you have to stay calm.", 1.0),
    ("She asked the manager if she could leave early.", 1.0),
    ("He asked if the report was true.", 0.0),
    ("The family sought to travel abroad.", 0.0),
    ("The delegation expressed hope for an early reply by the ministry.", 1.0),
    ("The delegation expressed hope for good weather at the games.", 0.0),
    ("The losses suggest that taxpayers will wait for years.", 0.0),
    ("The council proposed that the market open on Sundays.", 0.5),
    ("The striker wants to play in the final.", 0.0),
    ("The minister wants the embassy to extend the visas.", 0.5),
    ("Obesity was the main factor pushing the country down the rankings.", 0.0),
    ("Activists are pushing the government to ban the pesticide.", 0.5),
    ("The role demanded famous voices.", 0.0),
    ("The statement demanded the release of the prisoners.", 1.0),
    # a market's demand, a negated order, an order for goods, a telephone call, one's own need,
    # a pursuit: none asks a party to act
    ("Bigger batteries are a feature increasingly demanded by drivers.", 0.0),
    ("The raid was neither ordered nor approved by the minister.", 0.0),
    ("The four ships the navy ordered in 2015 will replace the old frigates.", 0.0),
    ("The airline ordered 40 jets from the manufacturer.", 0.0),
    ("The court ordered the release of the two journalists.", 1.0),
    ("His brother was calling every day to say the roads were closed.", 0.0),
    ("The coach called on the players to stay calm.", 1.0),
    ("The result was a wake-up call for the league leaders.", 0.0),
    ("The team scored the three goals they required to win the cup.", 0.0),
    ("The parties were seeking votes in the rural districts.", 0.0),
    ("The mayor sought their support for the new bridge.", 0.5),
    # FrameNet Request verbs with other senses: a request only with what to do
    ("The president directed the ministry to draft a new law.", 1.0),
    ("She directed the film in 2010.", 0.0),
    ("The general commanded the troops to withdraw.", 1.0),
    ("The captain commands respect across the league.", 0.0),
    # a party named in the plural only in the word list ("fans", not "fan")
    ("The club wants fans to arrive early.", 0.5),
]

# (sentence, actor, target)
PARTIES = [
    ("Finance minister Anna Berg urged the banks to cut fees.", "Anna Berg", "banks"),
    ("The inspector came in and ordered the workers to leave.", "inspector", "workers"),
    ("The committee's members called on the mayor to resign.", "The committee's members", "mayor"),
    ("One of the striking teachers asked the board to meet.", "One of the striking teachers",
     "board"),
    ("The envoy used his speech to appeal for both sides to stop.", "envoy", None),
    ("The committee concluded the law is weak and called on the government to act.",
     "committee", "government"),
    ("Ms Edwards is calling on all vets to check the pads.", "Ms Edwards", "all vets"),
    ("The thug posted a video and asked for apologies from the Kazakh people.", "thug",
     "Kazakh people"),
    ("The union demanded compensation from the ministry.", "union", "ministry"),
    ("The manager reminded Sterling and Ibe of their duties and urged them to learn.",
     "manager", "Sterling and Ibe"),
    # a pronoun in reported speech is its reporter; in direct speech "I" is, "she" is not
    ("Lindqvist said she requested an urgent meeting with the board.", "Lindqvist", None),
    ("The governor said: 'I ask the legislature to pass the budget.'", "governor",
     "legislature"),
    ("'We got what she was asking for,' said Mr Reyes.", "she", None),
    # no report, no antecedent: the subject of the clause modified is someone else
    ("Martin left the bank after she asked for a refund.", "she", None),
    ("Anyone with knowledge of the theft is asked to contact the museum.", None,
     "Anyone with knowledge of the theft"),
    # a no-break space (scraped pages have them) makes the parser join the time to the name
    ("Later that evening\u00a0Mensah invited her to his brother's flat for a party.",
     "Mensah", "her"),
]  # fmt: skip


@pytest.fixture(scope="module")
def cues() -> CueDetector:
    return CueDetector()


@pytest.mark.parametrize(("sentence", "strength"), SENSES)
def test_a_request_verb_needs_a_message(cues: CueDetector, sentence: str, strength: float) -> None:
    (cue,) = cues.detect([sentence], "en")
    assert cue.request == strength, cue


@pytest.mark.parametrize(("sentence", "actor", "target"), PARTIES)
def test_parties_are_the_phrases_a_reader_names(
    cues: CueDetector, sentence: str, actor: str, target: str | None
) -> None:
    (cue,) = cues.detect([sentence], "en")
    assert cue.request == 1.0, cue
    assert cue.actor == actor, cue
    if target is not None:
        assert cue.target == target, cue
