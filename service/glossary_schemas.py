"""Request and response models of the stored-glossary routes (``service/glossaries.py``)."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from service.schemas import Lang, Out, Strict, Term


class GlossaryCreate(Strict):
    """POST /glossaries body."""

    name: str = Field(min_length=1, max_length=200, description="A name for people.")
    source_lang: Lang = Field(description="Language of the source terms.")
    target_lang: Lang = Field(description="Language of the target terms.")
    entries: dict[Term, Term] = Field(
        min_length=1,
        max_length=5000,
        description="Source term -> target term.",
        examples=[{"Kazinform": "Казинформ", "Astana": "Астана"}],
    )

    @model_validator(mode="after")
    def _pair(self) -> GlossaryCreate:
        if self.source_lang == self.target_lang:
            raise ValueError("source_lang and target_lang must differ")
        return self


class GlossaryInfo(Out):
    """A stored glossary (DeepL's fields), without its entries."""

    glossary_id: str = Field(description="A UUID, as DeepL's glossary ids are.")
    name: str
    ready: bool = Field(True, description="Always true: a glossary is usable once created.")
    source_lang: Lang
    target_lang: Lang
    creation_time: str = Field(description="ISO 8601, UTC.")
    entry_count: int


class GlossaryOut(GlossaryInfo):
    """A stored glossary with its entries."""

    entries: dict[str, str]


class GlossaryList(BaseModel):
    """GET /glossaries."""

    glossaries: list[GlossaryInfo]
