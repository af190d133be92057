"""The naive baseline: what a first FastAPI wrapper around a transformers MT model looks like.

A plain ``def`` route (Starlette runs it in its thread pool, so concurrent requests run
``generate()`` at the same time on the same cores), one ``model.generate()`` per sentence of
each request, no batching, no queue limit. Same request and response shape as the service's
``POST /translate`` for the fields the benchmark uses, and the same decoding settings
(greedy, target language forced, exactly ``fixed_new_tokens`` new tokens when set).
"""

from __future__ import annotations

from typing import Any

import torch
from fastapi import FastAPI
from pydantic import BaseModel
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

from models.languages import model_code


class TranslateIn(BaseModel):
    """``{"text": str | [str], "target_lang": ..., "source_lang": ...}``."""

    text: str | list[str]
    target_lang: str
    source_lang: str = "en"


def create_naive_app(
    model_dir: str, *, family: str, fixed_new_tokens: int | None = None
) -> FastAPI:
    """The baseline app for the model in ``model_dir`` (loaded at import, like most peers)."""
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir)
    model.eval()
    app = FastAPI(title="naive MT baseline")

    @app.get("/ready")
    def ready() -> dict[str, bool]:
        return {"ready": True}

    @app.post("/translate")
    def translate(body: TranslateIn) -> dict[str, Any]:
        texts = [body.text] if isinstance(body.text, str) else body.text
        out = []
        for text in texts:
            kwargs: dict[str, Any] = {"num_beams": 1}
            if family != "marian":
                tokenizer.src_lang = model_code(family, body.source_lang)
                code = model_code(family, body.target_lang)
                kwargs["forced_bos_token_id"] = (
                    tokenizer.get_lang_id(code)
                    if family == "m2m100"
                    else tokenizer.convert_tokens_to_ids(code)
                )
            enc = tokenizer(text, return_tensors="pt")
            if fixed_new_tokens is not None:
                kwargs["max_new_tokens"] = kwargs["min_new_tokens"] = fixed_new_tokens
            else:
                kwargs["max_new_tokens"] = max(16, 2 * int(enc["input_ids"].shape[1]))
            with torch.no_grad():
                ids = model.generate(**enc, **kwargs)
            out.append(tokenizer.decode(ids[0], skip_special_tokens=True))
        return {"translations": out, "segments": len(texts)}

    return app
