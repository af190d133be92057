"""Public language codes and their mapping to each model family's codes.

This is the one place where ``en``/``ru``/``kk``/``zh`` become model codes
(NLLB ``kaz_Cyrl``, M2M100 ``kk``, English names for LLM prompts).
"""

from __future__ import annotations

from typing import Literal, get_args

LangCode = Literal["en", "ru", "kk", "zh"]
SUPPORTED: tuple[LangCode, ...] = get_args(LangCode)

NAMES: dict[str, str] = {"en": "English", "ru": "Russian", "kk": "Kazakh", "zh": "Chinese"}

_FAMILY_CODES: dict[str, dict[str, str]] = {
    "nllb": {"en": "eng_Latn", "ru": "rus_Cyrl", "kk": "kaz_Cyrl", "zh": "zho_Hans"},
    "m2m100": {"en": "en", "ru": "ru", "kk": "kk", "zh": "zh"},
    # Marian models are one pair each; the code is only used for logging and routing.
    "marian": {"en": "en", "ru": "ru", "kk": "kk", "zh": "zh"},
}


def parse_lang(value: str) -> LangCode | None:
    """``value`` as a public language code, or ``None`` when it is not one."""
    return next((code for code in SUPPORTED if code == value), None)


def model_code(family: str, lang: str) -> str:
    """Return the model-family code for a public language code.

    Raises ``KeyError`` for an unknown family or language.
    """
    return _FAMILY_CODES[family][lang]


def language_name(lang: str) -> str:
    """English name used in LLM prompts."""
    return NAMES[lang]
