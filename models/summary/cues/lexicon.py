"""Kazakh and Chinese request and agreement cues from trigger lexicons (no parser for them
runs offline here), with the negations that cancel a trigger.

The triggers are the Request, Attempt_suasion, Hope and agreement frames' usual words, by
stem for Kazakh (agglutinative: "шақырды", "шақырып") and by word for Chinese. Actor and
target are left to the LLM for these languages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from models.summary.cues import NO_CUE, Cue
from models.text.lexicon import KK_VERB_NEGATION

# Kazakh stems; a strong trigger names the act of asking.
_KK_STRONG = (
    "өтін", "шақыр", "талап ет", "талап қой", "тапсыр", "үндеу", "үндеді", "сұрады",
    "сұрау салды", "жалбарын", "нұсқау бер", "міндеттеді", "қолқа сал",
)  # fmt: skip
_KK_SOFT = ("ұсын", "үміт", "күтеді", "күтетін", "сенім білдір", "тілек білдір", "кеңес бер")
_KK_AGREE = (
    "келісті", "келіскен", "келісілді", "келісімге қол", "келісім жасас",
    "меморандумға қол", "шартқа қол", "уағдалас", "келісімге кел", "келісім бер",
)  # fmt: skip
# "-ма/-ме/-ба/-бе/-па/-пе" before a tense ending, right after a trigger stem: a negated verb.
_KK_NEGATED = re.compile(KK_VERB_NEGATION + r"\b")
_KK_QUESTION = re.compile(r"\?|\b(?:қалай|неге|неліктен|қашан|қайда|кім|кімдер|не)\b")
# "бұйыр-" is left out: besides "ordered" it means "fell to" ("Үшінші орын ... бұйырды", third
# place went to ...), which a stem cannot tell apart.
# Words that begin with a trigger stem and are something else: "шақырым" is a kilometre,
# "тапсырыс" an order for goods ("мемлекеттік тапсырыс", state procurement), "үміткер" a
# candidate; and hope given, not voiced ("басқаларға үміт беру/сыйлау", to give others hope).
_KK_FALSE_FRIENDS = re.compile(r"шақырым|тапсырыс|үміткер|үміт\w*\s+(?:бер|сыйла)")

_ZH_STRONG = (
    "要求", "呼吁", "敦促", "促请", "吁请", "请求", "恳请", "邀请", "责成", "敦请",
    "责令", "勒令", "命令", "恳求", "催促", "督促", "力促",
)  # fmt: skip
_ZH_SOFT = ("希望", "期待", "期望", "盼望", "期盼", "提议", "倡议", "建议", "主张", "寄望", "游说")
_ZH_AGREE = ("同意", "商定", "缔结", "议定", "约定")
_ZH_NEGATION = ("不", "没", "未", "拒绝", "无法")
# Hope given, not voiced: "为其他人带来希望" (to bring others hope).
_ZH_FALSE_FRIENDS = re.compile(r"(?:带来|带给|给予|给)[“\"「]?希望")
# "达成广泛共识": "reach" and its object a few characters apart, within one clause.
_ZH_REACHED = re.compile(r"达成[^，。；,;]{0,6}?(?:协议|共识|一致|协定)")
# An agreement sought, hoped for or supposed, not made: "致力于达成协议", "为达成协议而努力",
# "确保达成一份协议", "如果达成协议".
_ZH_INTENT = (
    "致力", "努力", "争取", "寻求", "试图", "希望", "力求", "将", "为", "确保", "旨在", "以期",
    "能否", "如果", "若", "甚至",
)  # fmt: skip
# What is signed must be an accord ("签署了一封信" signs a letter; "签署国" are signatories).
_ZH_SIGNED = re.compile(
    r"(?:签署|签订)(?!国|方)[^，。；,;]{0,16}?(?:协议|协定|条约|备忘录|合同|公报|宣言|声明|议定书)"
)


def kazakh_cue(sentence: str) -> Cue:
    """The strongest Kazakh trigger of the sentence (Cyrillic script)."""
    text = _KK_FALSE_FRIENDS.sub(" ", sentence.lower())
    agreement = any(stem in text for stem in _KK_AGREE) and not _kk_negated(text, _KK_AGREE)
    for strength, stems in ((1.0, _KK_STRONG), (0.5, _KK_SOFT)):
        hit = next((s for s in stems if s in text), None)
        if hit is None or _kk_negated(text, (hit,)):
            continue
        if hit == "сұрады" and _KK_QUESTION.search(text):
            continue  # asked a question
        return Cue(strength, agreement, trigger=hit)
    return Cue(0.0, agreement)


def _kk_negated(text: str, stems: Sequence[str]) -> bool:
    for stem in stems:
        at = text.find(stem)
        if at >= 0 and _KK_NEGATED.match(text, at + len(stem)):
            return True
    return False


def chinese_cue(sentence: str) -> Cue:
    """The strongest Chinese trigger of the sentence."""
    agreement = any(_zh_affirmed(sentence, w) for w in _ZH_AGREE) or any(
        _zh_made(sentence, found.start())
        for pattern in (_ZH_REACHED, _ZH_SIGNED)
        for found in pattern.finditer(sentence)
    )
    text = _ZH_FALSE_FRIENDS.sub(lambda hit: "＿" * len(hit.group()), sentence)
    for strength, words in ((1.0, _ZH_STRONG), (0.5, _ZH_SOFT)):
        hit = next((w for w in words if _zh_affirmed(text, w)), None)
        if hit is not None:
            return Cue(strength, agreement, trigger=hit)
    return Cue(0.0, agreement) if agreement else NO_CUE


def _zh_made(sentence: str, at: int) -> bool:
    """Whether the agreement found at ``at`` is made: neither negated nor only sought."""
    before = sentence[max(0, at - 4) : at]
    return not _zh_negated_at(sentence, at) and not any(w in before for w in _ZH_INTENT)


def _zh_negated_at(sentence: str, at: int) -> bool:
    """A negation in the two characters before ``at`` ("没有要求", "未能达成")."""
    before = sentence[max(0, at - 2) : at]
    return any(n in before for n in _ZH_NEGATION)


def _zh_affirmed(sentence: str, word: str) -> bool:
    at = sentence.find(word)
    while at >= 0:
        if not _zh_negated_at(sentence, at):
            return True
        at = sentence.find(word, at + len(word))
    return False
