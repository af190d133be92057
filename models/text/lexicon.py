"""Word lists and character classes behind the figure, number and dateline rules (en/ru/kk/zh).

Only generic vocabulary lives here: multiplier words, currencies, percent words, units, month
names, qualifiers and stop words. No rule names a word of any particular article. ``re`` has no
``\\p{..}`` classes, so the letters of the space-separated scripts we serve (Latin, Greek,
Cyrillic including Kazakh) are listed as ranges: ``L`` letters, ``UP`` upper case, ``LO`` lower
case, ``HAN`` Han characters and ``S`` horizontal space.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------------------
# Character classes.  ``re`` has no \p{..}; the explicit ranges cover the
# space-separated scripts we support (Latin, Greek, Cyrillic incl. Kazakh).
# Han characters are deliberately *not* letters here: Chinese has no spaces,
# so a number glued to Han characters is still a standalone number.
# ---------------------------------------------------------------------------
L = "A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f"
UP = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0391-\u03a9\u0400-\u042f\u0492\u049a\u04a2\u04ae\u04b0\u04ba\u04d8\u04e8"  # noqa: E501
LO = "a-z\u00df-\u00f6\u00f8-\u00ff\u03b1-\u03c9\u0430-\u045f\u0493\u049b\u04a3\u04af\u04b1\u04bb\u04d9\u04e9"  # noqa: E501
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
S = "[ \t\u00a0\u2009\u202f]"  # horizontal space only: figures do not cross lines

# Kazakh verbal negation: the suffix -ма/-ме/-ба/-бе/-па/-пе before a tense, person or mood
# ending (бармады "did not go", сұрамаймыз "we do not ask", жасамаңыз "do not do"). Shared by
# the request cue (models/summary/cues/lexicon.py) and the rewrite check (models/text/fidelity.py).
KK_VERB_NEGATION = r"(?:ма|ме|ба|бе|па|пе)(?:йды|йді|ды|ді|ған|ген|йтын|йтін|ймыз|йміз|ңыз|сын|сін)"

CYR_RE = re.compile("[\u0400-\u052f]")
LAT_RE = re.compile("[A-Za-z]")

# Full-width digits and signs occur in Chinese text.  The mapping is one
# character to one character, so offsets found in the translated copy are
# valid in the original text.
FULLWIDTH = str.maketrans("０１２３４５６７８９％＄", "0123456789%$")


# An abbreviation's full stop belongs to it only when the sentence goes on.
DOT = rf"(?:\.(?={S}*[{LO}]))?"
MULT_EN = rf"(?i:thousand|million|billion|trillion)(?![{L}])"
MULT_ABBR = rf"(?:bn|bln|mln|mn|trn)(?![{L}])"
MULT_LETTER = rf"(?:BN|MN|tn|[mMkKbB])(?![{L}])"  # only next to a currency
MULT_CYR = (
    rf"(?i:тыс(?:яч[аи]?)?{DOT}|млн{DOT}|млрд{DOT}|трлн{DOT}"
    rf"|миллион(?!ер)[{LO}]{{0,4}}|миллиард(?!ер)[{LO}]{{0,4}}"
    rf"|триллион[{LO}]{{0,4}}|мың[{LO}]{{0,4}})(?![{L}])"
)
# A lone 千 is left out: 千米/千瓦 are kilometre/kilowatt, not thousands.
MULT_ZH = "(?:万亿|千亿|百亿|十亿|亿|千万|百万|十万|万)"
MULT_WORDS = f"(?:{MULT_EN}|{MULT_ABBR}|{MULT_CYR})"
MULT_ANY = f"(?:{MULT_EN}|{MULT_ABBR}|{MULT_LETTER}|{MULT_CYR}|{MULT_ZH})"

CODES = "(?:USD|EUR|GBP|JPY|CNY|RMB|KZT|RUB|CHF|INR|HKD|AUD|CAD|KRW|UAH|UZS|KGS)(?![A-Za-z])"
CUR_SYMBOL = "(?:[A-Z]{1,2}\\$|[$€£¥₸₽₹₩₺₴])"
CUR_ZH = "(?:美元|欧元|英镑|日元|港元|韩元|澳元|加元|卢布|坚戈|元(?:人民币)?)"
CUR_WORD = (
    "(?:"
    rf"(?i:(?:U\.?S\.?{S})?dollars?|euros?|pounds?(?:{S}sterling)?|yuan|renminbi|yen|tenge"
    rf"|roubles?|rubles?|(?:swiss{S})?francs?|rupees?|lira|hryvnias?)(?![{L}])"
    rf"|(?i:долл(?:ар[{LO}]*|\.)(?:{S}США)?|евро|еуро|рубл[{LO}]*|руб\.|тенге|теңге[{LO}]*"
    rf"|юан[{LO}]*|фунт[{LO}]*(?:{S}стерлинг[{LO}]*)?|[ий]ен[{LO}]*)(?![{L}])"
    f"|{CODES}|{CUR_ZH}"
    ")"
)

PERCENT_WORD = (
    "(?:[%‰]|个百分点"
    rf"|(?i:percentage{S}points?|per{S}?cent|pct)(?![{L}])"
    rf"|(?i:процент[{LO}]*(?:{S}пункт[{LO}]*)?|пайыз[{LO}]*|п\.{S}?п\.)(?![{L}])"
    ")"
)
ZH_NUMERAL = "[零〇一二两三四五六七八九十百千万]+(?:点[零〇一二三四五六七八九]+)?"

UNIT = (
    "(?:"
    rf"(?:km|kilomet(?:re|er)s?|met(?:re|er)s|miles?|kg|kilo(?:gram)?s?|tonnes?|tons?"
    rf"|litres?|liters?|barrels?|hectares?|ha|sq{S}?km|km2|km²|square{S}kilomet(?:re|er)s?"
    rf"|cubic{S}met(?:re|er)s?|mm|cm|[kMGT]Wh?|degrees(?:{S}(?:Celsius|Fahrenheit))?)(?![{L}0-9])"
    rf"|°{S}?[CF](?![{L}])"
    rf"|(?:км|кг|тонн[{LO}]*|тонна[{LO}]*|гектар[{LO}]*|га|литр[{LO}]*|баррел[{LO}]*"
    rf"|кубометр[{LO}]*|куб\.{S}?м|кв\.{S}?км|километр[{LO}]*|метр[{LO}]*|МВт|ГВт|кВт(?:[·\-]?ч)?"
    rf"|мегаватт[{LO}]*|градус[{LO}]*|шақырым[{LO}]*)(?![{L}])"
    "|平方公里|平方米|立方米|公里|千米|千瓦时|千瓦|兆瓦|公顷|公斤|千克|吨|米|桶"
    ")"
)

NUMBER_WORDS: dict[str, int] = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20,
}  # fmt: skip
# "one" is left out on purpose: it is mostly a pronoun or determiner
# ("one of the", "no one"), and numbers_in must stay precise.
NUMBER_WORD = (
    rf"(?<![{L}\-])(?i:{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))})(?![{L}\-])"
)

QUAL_BEFORE = (
    "(?:"
    rf"(?i:more{S}than|fewer{S}than|less{S}than|at{S}least|up{S}to|as{S}many{S}as|close{S}to"
    rf"|upwards{S}of|in{S}excess{S}of|over|about|around|nearly|almost|approximately|roughly|some"
    rf"|более{S}чем|не{S}менее|не{S}более|более|свыше|около|почти|порядка|примерно"
    rf"|приблизительно|менее|больше|меньше|шамамен|астам)"
    ")"
)
# Kazakh puts the qualifier after the number: "130-дан астам өкіл".
QUAL_AFTER_KK = rf"(?:-?(?:дан|ден|тан|тен|нан|нен))?{S}+(?:астам|аса|артық|жуық)(?![{L}])"
WORD = rf"[{LO}][{LO}\-'’]+(?![{L}0-9])"

ZH_QUAL = "(?:将近|大约|超过|多达|至少|逾|约|(?<![最附接靠])近|超)"
ZH_MEASURE = "(?:[个名家位项座辆架所条只件次份批种套台艘篇部支场户株栋间处起]|人(?!民))"
ZH_NOUN_CHAR = f"(?:(?![的了在和与及是将已并为对从到由等中于个])[{HAN}])"

MONTH_EN = (
    "(?:January|February|March|April|May|June|July|August|September|October|November|December"
    rf"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![{L}])\.?"
)
MONTH_CYR = (
    rf"(?i:(?:январ|феврал|март|апрел|июн|июл|август|сентябр|октябр|ноябр|декабр)[{LO}]*|ма[йяе]"
    rf"|(?:қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан)[{LO}]*)"
    rf"(?![{L}])"
)
MONTH = f"(?:{MONTH_EN}|{MONTH_CYR})"

# Dates and clock times: their digits must never become counts or quantities.
DATE_TIME_RE = re.compile(
    "(?:"
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"|[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{2,4}"
    rf"|[0-9]{{1,2}}(?:st|nd|rd|th)?{S}*(?:-{S}*[0-9]{{1,2}}{S}*)?(?:of{S})?{MONTH}(?:{S}[0-9]{{4}})?"
    rf"|{MONTH}{S}[0-9]{{1,2}}(?:st|nd|rd|th)?(?:,?{S}[0-9]{{4}})?"
    rf"|{MONTH}{S}[0-9]{{4}}"
    rf"|[0-9]{{1,2}}[:.][0-9]{{2}}(?:{S}?(?i:a\.m\.|p\.m\.|am|pm))?"
    rf"|[0-9]{{1,2}}{S}?(?i:a\.m\.|p\.m\.|am|pm)(?![{L}])"
    r"|(?:[0-9]{2,4}年)?[0-9]{1,2}月[0-9]{1,2}[日号]"
    ")"
)
YEAR_RE = re.compile("(?:19|20)[0-9]{2}")
YEAR_WORDS = frozenset(
    {"year", "years", "год", "года", "году", "г", "жыл", "жылы", "жылғы", "жылдың"}
)


def _words(spaced: str) -> frozenset[str]:
    """Return the whitespace-separated words of ``spaced`` as a set (keeps long lists readable)."""
    return frozenset(spaced.split())


STOPWORDS = _words(
    """
    a an the of and or but nor to in on at for by with from as into onto than per via
    is are was were be been being has have had will would shall should can could may might must
    do does did that which who whom whose this these those it its their his her our your my
    we they he she you i me him them us not no also so if when while after before since until
    till during against about over under between among through out up down off then there here
    where each other another such only just all both more less most least said says according
    am pm o'clock percent pct per-cent times
    и в во на с со по из о об от до за к ко у для что как а но не ни это он она они мы вы
    его ее её их был была были будет есть также или же ли бы чем при под над без между
    және мен пен бен да де та те бойынша үшін туралы деп қана ғана
    """
)
# English plural nouns that do not end in -s: "two men said" stops after "men".
IRREGULAR_PLURALS = _words(
    "men women children people police staff personnel cattle sheep fish deer persons"
)
# Russian adjective/participle endings and Kazakh adjectival suffixes: such a
# first word is followed by the counted noun ("51 совместный проект").
ADJ_CYR_RE = re.compile(
    "(?:ый|ий|ой|ая|яя|ое|ее|ые|ие|ых|их|ого|его|ому|ему|ым|им|ыми|ими|ую|юю"
    "|ған|ген|қан|кен|атын|етін|йтын|йтін|лы|лі|ды|ді|ты|ті|сыз|сіз|ғы|гі|қы|кі)$"
)


MONTH_NUMBERS: tuple[tuple[str, int], ...] = (
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("may", 5), ("jun", 6), ("jul", 7),
    ("aug", 8), ("sep", 9), ("oct", 10), ("nov", 11), ("dec", 12),
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("ма", 5), ("июн", 6),
    ("июл", 7), ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
    ("қаңтар", 1), ("ақпан", 2), ("наурыз", 3), ("сәуір", 4), ("мамыр", 5), ("маусым", 6),
    ("шілде", 7), ("тамыз", 8), ("қыркүйек", 9), ("қазан", 10), ("қараша", 11), ("желтоқсан", 12),
)  # fmt: skip


ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}


MULT_EXACT: dict[str, int] = {
    "k": 10**3, "m": 10**6, "mn": 10**6, "mln": 10**6, "b": 10**9, "bn": 10**9,
    "bln": 10**9, "tn": 10**12, "trn": 10**12,
}  # fmt: skip
MULT_PREFIX: tuple[tuple[str, int], ...] = (
    ("thousand", 10**3), ("million", 10**6), ("billion", 10**9), ("trillion", 10**12),
    ("тыс", 10**3), ("мың", 10**3), ("млн", 10**6), ("млрд", 10**9), ("трлн", 10**12),
    ("миллион", 10**6), ("миллиард", 10**9), ("триллион", 10**12),
)  # fmt: skip
