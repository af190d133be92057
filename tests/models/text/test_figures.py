"""Rule-based figures, number tokens and datelines (models/text/)."""

from __future__ import annotations

import itertools

import pytest
from helpers import FIXTURES

from models.spans import Span
from models.text.datelines import Dateline, find_dateline
from models.text.facts import numbers_in, numbers_supported
from models.text.figures import Figure, find_figures

# Opening of the seed article, abridged with "..." exactly as in the brief.
SEED = (
    " date 2018-11-13 ASTANA. KAZINFORM Foreign Minister Kairat Abdrakhmanov held a "
    "meeting ... in June 2018. ... attended by more than 130 representatives of the "
    "Chinese business community ... Today, 51 joint projects cumulatively worth "
    "$27 billion are currently being implemented, nine of which have already been "
    "launched, worth $ 2.5 billion. ... declaring 2019 the Year of Youth"
)
SEED_FILE = FIXTURES / "seed_article.txt"


def assert_consistent(text: str, figures: list[Figure]) -> None:
    """Spans index ``text`` exactly, are sorted and never overlap."""
    for fig in figures:
        assert text[fig.span.start : fig.span.end] == fig.span.text
    for left, right in itertools.pairwise(figures):
        assert left.span.end <= right.span.start


def only(text: str) -> Figure:
    """The single figure of ``text``."""
    figures = find_figures(text)
    assert_consistent(text, figures)
    assert len(figures) == 1, figures
    return figures[0]


# --------------------------------------------------------------------------- seed
def test_seed_article_figures() -> None:
    figures = find_figures(SEED)
    assert_consistent(SEED, figures)
    got = [(f.kind, f.span.text, f.value) for f in figures]
    assert got == [
        ("count", "more than 130 representatives", 130.0),
        ("count", "51 joint projects", 51.0),
        ("money", "$27 billion", 27e9),
        ("money", "$ 2.5 billion", 2.5e9),
    ]
    money = figures[2]
    assert (money.span.start, money.span.end) == (
        SEED.index("$27 billion"),
        SEED.index("$27 billion") + len("$27 billion"),
    )


def test_seed_article_years_and_dates_are_not_figures() -> None:
    texts = {f.span.text for f in find_figures(SEED)}
    assert not any("2018" in t or "2019" in t or "June" in t for t in texts)
    assert not any("nine" in t for t in texts)  # "nine of which": no counted noun


def test_seed_article_dateline() -> None:
    dl = find_dateline(SEED)
    assert dl == Dateline(
        span=Span(1, 34, "date 2018-11-13 ASTANA. KAZINFORM"),
        date="2018-11-13",
        place="ASTANA",
        agency="KAZINFORM",
    )
    assert dl is not None
    assert SEED[dl.span.end :].startswith(" Foreign Minister")


@pytest.mark.skipif(not SEED_FILE.exists(), reason="seed fixture not present")
def test_full_seed_file() -> None:
    text = SEED_FILE.read_text(encoding="utf-8")
    figures = find_figures(text)
    assert_consistent(text, figures)
    spans = {f.span.text: f.value for f in figures}
    assert spans["$27 billion"] == 27e9
    assert spans["$ 2.5 billion"] == 2.5e9
    assert spans["51 joint projects"] == 51
    assert spans["more than 130 representatives"] == 130
    dl = find_dateline(text)
    assert dl is not None
    assert (dl.date, dl.place, dl.agency) == ("2018-11-13", "ASTANA", "KAZINFORM")


# --------------------------------------------------------------------------- money
@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("It cost $27 billion last year.", "$27 billion", 27e9),
        ("worth $ 2.5 billion.", "$ 2.5 billion", 2.5e9),
        ("a €5m grant", "€5m", 5e6),
        ("raised US$3.4bn in", "US$3.4bn", 3.4e9),
        ("sold for £200,000 to", "£200,000", 200_000),
        ("a loan of 5 million tenge", "5 million tenge", 5e6),
        ("about 100 million yuan of", "100 million yuan", 1e8),
        ("paid USD 40 million", "USD 40 million", 4e7),
        ("инвестиции 10 млрд долларов в", "10 млрд долларов", 1e10),
        ("выделено 2,5 млн тенге на", "2,5 млн тенге", 2.5e6),
        ("рынок $1 трлн к", "$1 трлн", 1e12),
        ("总额27亿美元。", "27亿美元", 2.7e9),
        ("投资5000万元建设", "5000万元", 5e7),
        ("жобаға 10 миллиард теңге бөлінді", "10 миллиард теңге", 1e10),
        ("бағасы 3 млн доллар", "3 млн доллар", 3e6),
    ],
)
def test_money(text: str, span: str, value: float) -> None:
    fig = only(text)
    assert fig.kind == "money"
    assert fig.span.text == span
    assert fig.span.start == text.index(span)
    assert fig.value == pytest.approx(value)


def test_money_letter_multiplier_needs_currency() -> None:
    # "m" is a multiplier next to a currency only; alone it may be metres.
    assert find_figures("a 100m sprint") == []


# --------------------------------------------------------------------------- percent
@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("grew 4.1 percent in", "4.1 percent", 4.1),
        ("up 12% on", "12%", 12),
        ("up 12 per cent on", "12 per cent", 12),
        ("fell 2 percentage points", "2 percentage points", 2),
        ("вырос на 5,3% за", "5,3%", 5.3),
        ("на 15 процентов больше", "15 процентов", 15),
        ("15 пайызға өсті", "15 пайызға", 15),
        ("增长百分之五。", "百分之五", 5),
        ("增长百分之三点五。", "百分之三点五", 3.5),
        ("增长5%。", "5%", 5),
        ("增长5％。", "5％", 5),
    ],
)
def test_percent(text: str, span: str, value: float) -> None:
    fig = only(text)
    assert fig.kind == "percent"
    assert fig.span.text == span
    assert fig.span.start == text.index(span)
    assert fig.value == pytest.approx(value)


# --------------------------------------------------------------------------- count
@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("Today, 51 joint projects are", "51 joint projects", 51),
        ("by more than 130 representatives of", "more than 130 representatives", 130),
        ("More than 130 representatives came", "More than 130 representatives", 130),
        ("over 300 journalists", "over 300 journalists", 300),
        ("nearly 5 million people were", "nearly 5 million people", 5e6),
        ("Police said two men were", "two men", 2),
        ("3 injured people", "3 injured people", 3),
        ("1,200 people attended", "1,200 people", 1200),
        ("over 2000 people", "over 2000 people", 2000),
        ("приняли участие более 130 представителей", "более 130 представителей", 130),
        ("реализуется 51 совместный проект", "51 совместный проект", 51),
        ("свыше 1 200 человек", "свыше 1 200 человек", 1200),
        ("около 40 компаний", "около 40 компаний", 40),
        ("130-дан астам өкіл қатысты", "130-дан астам өкіл", 130),
        ("51 бірлескен жоба", "51 бірлескен жоба", 51),
        ("目前51个项目正在实施", "51个项目", 51),
        ("130多名代表出席", "130多名代表", 130),
        ("超过300人参加", "超过300人", 300),
    ],
)
def test_count(text: str, span: str, value: float) -> None:
    fig = only(text)
    assert fig.kind == "count"
    assert fig.span.text == span
    assert fig.span.start == text.index(span)
    assert fig.value == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    [
        "The summit was held in June 2018 in Astana.",
        "declaring 2019 the Year of Youth",
        "in 2018 companies invested heavily",
        "since 2015 exports grew",
        "the 2018 elections were",
        "the meeting on 13 November was",
        "on November 13 delegates met",
        "dated 2018-11-13 officials said",
        "on 13.11.2018 officials said",
        "at 10:30 people gathered",
        "at 10 am people gathered",
        "в 2018 году компании",
        "13 ноября состоялась встреча",
        "2018 жылы өтті",
        "2018年11月13日举行",
        "COVID-19 cases rose",
        "the 1990s saw",
        "nine of which have been launched",
        "The minister said nothing of note.",
        "",
    ],
)
def test_no_figures(text: str) -> None:
    assert find_figures(text) == []


# --------------------------------------------------------------------------- quantity
@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("a 500 km road", "500 km", 500),
        ("shipped 3 tonnes of", "3 tonnes", 3),
        ("3 million tonnes of grain", "3 million tonnes", 3e6),
        ("поставлено 20 тонн зерна", "20 тонн", 20),
        ("20 тыс. тонн зерна", "20 тыс. тонн", 2e4),
        ("全长500公里", "500公里", 500),
        ("5000万吨粮食", "5000万吨", 5e7),
    ],
)
def test_quantity(text: str, span: str, value: float) -> None:
    fig = only(text)
    assert fig.kind == "quantity"
    assert fig.span.text == span
    assert fig.value == pytest.approx(value)


# --------------------------------------------------------------------------- mixed
def test_mixed_text_sorted_non_overlapping_with_offsets() -> None:
    text = (
        "Exports rose 4.1 percent to $3.4 billion as 12 new plants and a 500 km "
        "pipeline opened; 5 million tenge went to 20 schools."
    )
    figures = find_figures(text)
    assert_consistent(text, figures)
    assert [(f.kind, f.span.text) for f in figures] == [
        ("percent", "4.1 percent"),
        ("money", "$3.4 billion"),
        ("count", "12 new plants"),
        ("quantity", "500 km"),
        ("money", "5 million tenge"),
        ("count", "20 schools"),
    ]
    for fig in figures:
        assert (fig.span.start, fig.span.end) == (
            text.index(fig.span.text),
            text.index(fig.span.text) + len(fig.span.text),
        )


def test_money_wins_over_count_on_the_same_number() -> None:
    text = "a budget of 5 million tenge allocated"
    assert [(f.kind, f.span.text) for f in find_figures(text)] == [("money", "5 million tenge")]


def test_figures_are_frozen() -> None:
    fig = only("12%")
    with pytest.raises(AttributeError):
        fig.value = 13.0  # type: ignore[misc]


# --------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("$27 billion", ["27000000000"]),
        ("27bn dollars", ["27000000000"]),
        ("27 млрд долларов", ["27000000000"]),
        ("27亿美元", ["2700000000"]),
        ("1,200 people", ["1200"]),
        ("2,5 млн тенге", ["2500000"]),
        ("growth of 2.50 percent", ["2.5"]),
        ("51 joint projects and 27 billion", ["51", "27000000000"]),
        ("nine of which", ["9"]),
        ("on 13.11.2018", ["13", "11", "2018"]),
        ("no digits at all", []),
    ],
)
def test_numbers_in(text: str, tokens: list[str]) -> None:
    assert numbers_in(text) == tokens


def test_numbers_in_seed() -> None:
    assert numbers_in(SEED) == [
        "2018", "11", "13", "2018", "130", "51", "27000000000", "9", "2500000000", "2019",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("claim", "source", "expected"),
    [
        ("Projects are worth $28 billion.", SEED, False),
        ("Projects are worth 27 billion dollars.", SEED, True),
        ("Projects are worth $27bn.", SEED, True),
        ("Projects are worth US$27 billion.", SEED, True),
        ("51 projects worth $27 billion are under way.", SEED, True),
        ("52 projects are under way.", SEED, False),
        ("Over 130 business people attended.", SEED, True),
        ("Nine projects have been launched.", SEED, True),
        ("9 projects worth $2.5 billion have been launched.", SEED, True),
        ("9 projects worth $2.5 million have been launched.", SEED, False),
        ("27 projects are under way.", SEED, False),  # 27 alone is not $27 billion
        ("2019 was declared the Year of Youth.", SEED, True),
        ("The ministers met.", SEED, True),
        ("Реализуются 51 проект на 27 млрд долларов.", SEED, True),
        ("51个项目总额270亿美元", SEED, True),
        ("51个项目总额27亿美元", SEED, False),
        ("Inflation was 5.3%.", "Инфляция составила 5,3%.", True),
        ("2.5 million tenge", "выделено 2,5 млн тенге", True),
        ("1,200 people", "приняли участие 1 200 человек", True),
    ],
)
def test_numbers_supported(claim: str, source: str, expected: bool) -> None:
    assert numbers_supported(claim, source) is expected


# --------------------------------------------------------------------------- datelines
@pytest.mark.parametrize(
    ("text", "span", "date", "place", "agency"),
    [
        (
            "WASHINGTON (Reuters) - The U.S. Senate voted",
            "WASHINGTON (Reuters) -",
            None,
            "WASHINGTON",
            "Reuters",
        ),
        (
            "LONDON, England (CNN) -- A man was",
            "LONDON, England (CNN) --",
            None,
            "LONDON, England",
            "CNN",
        ),
        (
            "MOSCOW, Nov 13 (Reuters) - Russia said",
            "MOSCOW, Nov 13 (Reuters) -",
            "Nov 13",
            "MOSCOW",
            "Reuters",
        ),
        (
            "BEIJING, Nov. 13, 2018 (Xinhua) -- China",
            "BEIJING, Nov. 13, 2018 (Xinhua) --",
            "2018-11-13",
            "BEIJING",
            "Xinhua",
        ),
        (
            "ASTANA, 13 November. KAZINFORM - The President",
            "ASTANA, 13 November. KAZINFORM -",
            "13 November",
            "ASTANA",
            "KAZINFORM",
        ),
        (
            "  \nASTANA, 13 November 2018. KAZINFORM - The President",
            "ASTANA, 13 November 2018. KAZINFORM -",
            "2018-11-13",
            "ASTANA",
            "KAZINFORM",
        ),
        (
            "АСТАНА. КАЗИНФОРМ - Глава МИД",
            "АСТАНА. КАЗИНФОРМ -",
            None,
            "АСТАНА",
            "КАЗИНФОРМ",
        ),
        (
            "Астана, 13 ноября. ТАСС. Президент",
            "Астана, 13 ноября. ТАСС.",
            "13 ноября",
            "Астана",
            "ТАСС",
        ),
        (
            "Москва, 13 ноября 2018 года. /ТАСС/. Президент",
            "Москва, 13 ноября 2018 года. /ТАСС/.",
            "2018-11-13",
            "Москва",
            "ТАСС",
        ),
        (
            "АСТАНА. ҚазАқпарат - Елорда",
            "АСТАНА. ҚазАқпарат -",
            None,
            "АСТАНА",
            "ҚазАқпарат",
        ),
        (
            "新华社北京11月13日电 国家主席",
            "新华社北京11月13日电",
            "11月13日",
            "北京",
            "新华社",
        ),
        (
            "新华社北京2018年11月13日电（记者张三）国家主席",
            "新华社北京2018年11月13日电（记者张三）",
            "2018-11-13",
            "北京",
            "新华社",
        ),
        ("WASHINGTON — The Senate", "WASHINGTON —", None, "WASHINGTON", None),
    ],
)
def test_dateline(text: str, span: str, date: str | None, place: str, agency: str | None) -> None:
    dl = find_dateline(text)
    assert dl is not None
    assert dl.span.text == span
    assert text[dl.span.start : dl.span.end] == span
    assert dl.span.start == len(text) - len(text.lstrip())
    assert (dl.date, dl.place, dl.agency) == (date, place, agency)
    # The span stops before the body: no trailing whitespace.
    assert dl.span.text == dl.span.text.rstrip()


def test_dateline_agency_does_not_swallow_caps_body() -> None:
    dl = find_dateline("ASTANA. KAZINFORM UN Secretary-General said")
    assert dl is not None
    assert (dl.span.text, dl.agency) == ("ASTANA. KAZINFORM", "KAZINFORM")


@pytest.mark.parametrize(
    "text",
    [
        "The minister said the talks went well.",
        "By . Daily Mail Reporter . PUBLISHED: 12:00 GMT, 13 November 2018",
        "NATO leaders met in Brussels.",
        "US President Donald Trump said",
        "Yesterday (Monday) the talks resumed.",
        "Hello. World",
        "Министр заявил, что переговоры прошли успешно.",
        "国家主席今天会见了代表。",
        "",
        "   ",
    ],
)
def test_no_dateline(text: str) -> None:
    assert find_dateline(text) is None
