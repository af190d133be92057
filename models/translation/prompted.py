"""Translation by prompting the profile's instruct LLM (where no MT model covers a pair)."""

from __future__ import annotations

import prompts
from models.languages import language_name
from models.llm import LLM, GenerationRequest
from models.manifest import ModelSpec
from models.translation.glossary import Terms
from models.translation.markers import MARKER
from models.translation.types import Translation

NO_REPEAT_NGRAM = 4


class LLMTranslator:
    """Translation by prompting the profile's instruct LLM (used where no MT model exists)."""

    def __init__(self, spec: ModelSpec, llm: LLM) -> None:
        self.spec = spec
        self.llm = llm
        self.backend = llm.backend
        # Rows of any language pair share a batch (each carries its own system prompt).
        self.mixed_pairs = True
        # Glossary terms go into the prompt (seq2seq models get placeholders instead).
        self.takes_terms = True

    @property
    def dtype(self) -> str:
        """The LLM's weight dtype."""
        return self.llm.dtype

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes in the prompt."""
        return self.llm.count_tokens(text)

    def translate_batch(
        self, texts: list[str], *, source_lang: str, target_lang: str
    ) -> list[Translation]:
        """Translate one batch of segments of one language pair."""
        return self.translate_mixed([(t, source_lang, target_lang) for t in texts])

    def translate_mixed(
        self, items: list[tuple[str, str, str]], *, terms: list[Terms] | None = None
    ) -> list[Translation]:
        """Translate ``(text, source_lang, target_lang)`` segments of any pairs in one call.

        ``terms`` (aligned with ``items``) are glossary terms the prompt asks for; the caller
        checks the output for them. Each pair's system prompt is a cached prefix, so a row
        costs only its own user turn; a backend that batches across requests decodes every
        row in the same steps.
        """
        requests = []
        for n, (text, source_lang, target_lang) in enumerate(items):
            system = system_prompt(
                source_lang, target_lang, terms[n] if terms else (), markup=has_markers(text)
            )
            head = [{"role": "system", "content": system}]
            chat = self.llm.chat(
                [*head, {"role": "user", "content": prompts.render("translate_user", text=text)}]
            )
            # Kazakh and Chinese take more tokens than English for the same content; the
            # budget is the row's own, so a batch-mate's length changes nothing. Small
            # models fall into loops ("жана жана жана ...") in languages they know poorly;
            # forbidding repeated 4-grams stops the loop without touching normal text.
            budget = min(3 * self.count_tokens(text), 3 * self.spec.segment_tokens) + 16
            requests.append(
                GenerationRequest(chat, budget, None, self.llm.chat_prefix(head), NO_REPEAT_NGRAM)
            )
        outputs = self.llm.run(requests)
        return [
            Translation(first_block(out.text, text), complete=out.complete)
            for out, (text, _, _) in zip(outputs, items, strict=True)
        ]


def system_prompt(
    source_lang: str, target_lang: str, terms: Terms = (), *, markup: bool = False
) -> str:
    """The translation system prompt, with the glossary instruction when there are terms and
    the marker instruction when the text holds inline-tag markers (HTML blocks)."""
    parts = [
        prompts.render(
            "translate_system",
            source_language=language_name(source_lang),
            target_language=language_name(target_lang),
        )
    ]
    if markup:
        parts.append(prompts.render("translate_markup"))
    if terms:
        lines = "\n".join(f"- {src} => {tgt}" for src, tgt in terms)
        parts.append(prompts.render("translate_glossary", terms=lines))
    return "\n".join(parts)


def has_markers(text: str) -> bool:
    """Whether ``text`` holds the inline-tag markers of ``models.translation.html``."""
    return MARKER.search(text) is not None


def first_block(output: str, source: str) -> str:
    """The translation without what a chat model appends after it.

    Segments are single sentences or packed sentences of one paragraph (no line breaks), so a
    line break in the output starts a remark ("Note: ...", a second version) or a loop, not
    more translation; the paragraph structure is restored by the document renderer.
    """
    text = output.strip()
    if "\n" in source or "\n" not in text:
        return text
    return next(line.strip() for line in text.splitlines() if line.strip())
