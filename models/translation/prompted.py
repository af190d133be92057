"""Translation by prompting the profile's instruct LLM (where no MT model covers a pair)."""

from __future__ import annotations

import prompts
from models.languages import language_name
from models.llm import CausalLM
from models.manifest import ModelSpec
from models.translation.types import Translation


class LLMTranslator:
    """Translation by prompting the profile's instruct LLM (used where no MT model exists)."""

    def __init__(self, spec: ModelSpec, llm: CausalLM) -> None:
        self.spec = spec
        self.llm = llm

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
        """Translate one batch through the ``translate_*`` prompt templates."""
        system = prompts.render(
            "translate_system",
            source_language=language_name(source_lang),
            target_language=language_name(target_lang),
        )
        head = [{"role": "system", "content": system}]
        chats = [
            self.llm.chat(
                [*head, {"role": "user", "content": prompts.render("translate_user", text=text)}]
            )
            for text in texts
        ]
        longest = max(self.count_tokens(t) for t in texts)
        # Kazakh and Chinese take more tokens than English for the same content.
        # Small models fall into loops ("жана жана жана ...") in languages they know poorly;
        # forbidding repeated 4-grams stops the loop without touching normal text.
        outputs = self.llm.generate(
            chats,
            max_new_tokens=3 * longest + 16,
            no_repeat_ngram_size=4,
            prefix=self.llm.chat_prefix(head),
        )
        return [
            Translation(first_block(out.text, text), complete=out.complete)
            for out, text in zip(outputs, texts, strict=True)
        ]


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
