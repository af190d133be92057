"""Translation by prompting the profile's instruct LLM (where no MT model covers a pair)."""

from __future__ import annotations

import prompts
from models.languages import language_name, parse_lang
from models.llm import LLM, GenerationRequest
from models.llm.scripts import constraint_for
from models.llm.types import Message, ScriptConstraint
from models.manifest import ModelSpec
from models.text.fidelity import names_in
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
        # Batches may be handed over from several threads where the backend schedules the
        # rows of all of them in the same decode steps (models/batching.py).
        self.concurrent_batches = llm.schedules_rows
        # Glossary terms go into the prompt (seq2seq models get placeholders instead).
        self.takes_terms = True
        # Hand-written example pairs, read once when the manifest turns them on.
        self._pairs = prompts.parallel("translate_pairs") if spec.translate_fewshot else []

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
        outputs = self.llm.run(self.requests(items, terms=terms))
        return [
            Translation(first_block(out.text, text), complete=out.complete)
            for out, (text, _, _) in zip(outputs, items, strict=True)
        ]

    def requests(
        self, items: list[tuple[str, str, str]], *, terms: list[Terms] | None = None
    ) -> list[GenerationRequest]:
        """The generation requests of ``translate_mixed``: per row, the pair's system prompt
        and example turns (the cached prefix), then the row's own user turn."""
        requests = []
        for n, (text, source_lang, target_lang) in enumerate(items):
            system = system_prompt(
                source_lang, target_lang, terms[n] if terms else (), markup=has_markers(text)
            )
            head = [{"role": "system", "content": system}, *self.shots(source_lang, target_lang)]
            chat = self.llm.chat(
                [*head, {"role": "user", "content": prompts.render("translate_user", text=text)}]
            )
            # Kazakh and Chinese take more tokens than English for the same content; the
            # budget is the row's own, so a batch-mate's length changes nothing. Small
            # models fall into loops ("жана жана жана ...") in languages they know poorly;
            # forbidding repeated 4-grams stops the loop without touching normal text.
            budget = min(3 * self.count_tokens(text), 3 * self.spec.segment_tokens) + 16
            script = self.script(text, source_lang, target_lang, terms[n] if terms else ())
            requests.append(
                GenerationRequest(
                    chat, budget, None, self.llm.chat_prefix(head), NO_REPEAT_NGRAM, script
                )
            )
        return requests

    def script(
        self, text: str, source_lang: str, target_lang: str, terms: Terms = ()
    ) -> ScriptConstraint | None:
        """The script constraint of a row when the manifest turns it on for ``target_lang``:
        the target's letters only, but the source's names (``models/text/fidelity.py``), the
        glossary's target terms and the inline markers keep their tokens."""
        source = parse_lang(source_lang)
        if target_lang not in self.spec.translate_scripts or source is None:
            return None
        keep = [
            *names_in(text, source),
            *(target for _, target in terms),
            *(m.group() for m in MARKER.finditer(text)),
        ]
        return constraint_for(target_lang, keep)

    def shots(self, source_lang: str, target_lang: str) -> list[Message]:
        """The example turns for a pair: a user/assistant turn per hand-written sentence pair
        when the manifest turns few-shot on for ``target_lang`` and the pairs file has both
        languages; the same for every request of the pair, so they are part of the cached
        prefix."""
        if target_lang not in self.spec.translate_fewshot:
            return []
        return fewshot_turns(self._pairs, source_lang, target_lang)


def fewshot_turns(rows: list[dict[str, str]], source_lang: str, target_lang: str) -> list[Message]:
    """User/assistant turns translating each row's ``source_lang`` text to ``target_lang``."""
    turns: list[Message] = []
    for row in rows:
        if source_lang in row and target_lang in row:
            turns += [
                {
                    "role": "user",
                    "content": prompts.render("translate_user", text=row[source_lang]),
                },
                {"role": "assistant", "content": row[target_lang]},
            ]
    return turns


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
