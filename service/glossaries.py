"""Routes for stored glossaries (``/glossaries``), and the one function that turns a request's
glossary fields into the glossary the translator enforces."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Response
from fastapi.exceptions import RequestValidationError

from models.translation.glossary import Glossary
from service.deps import GlossariesDep
from service.glossary_schemas import GlossaryCreate, GlossaryInfo, GlossaryList, GlossaryOut
from service.schemas import ErrorResponse
from service.store.glossaries import GlossaryStore

router = APIRouter(tags=["glossaries"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (404, 413, 415, 422, 500)
}


async def resolve_glossary(
    store: GlossaryStore,
    *,
    glossary_id: str | None,
    target_lang: str,
    entries: Mapping[str, str] | None = None,
    preserve: Sequence[str] = (),
) -> Glossary | None:
    """The glossary a request asks for: a stored one (``glossary_id``) with the request's own
    ``entries`` and ``preserve`` terms on top; None when it asks for none.

    Raises ``GlossaryNotFound``, and ``RequestValidationError`` when the stored glossary's
    target language is not ``target_lang``.
    """
    request_terms = Glossary.build(entries, preserve) if entries or preserve else None
    if glossary_id is None:
        return request_terms
    stored = await asyncio.to_thread(store.get, glossary_id)
    if stored.target_lang != target_lang:
        message = f"glossary {glossary_id} translates into {stored.target_lang}, not {target_lang}"
        raise RequestValidationError(
            [{"type": "value_error", "loc": ("body", "glossary_id"), "msg": message}]
        )
    glossary = Glossary.build(stored.entries, source_lang=stored.source_lang)
    return glossary.merged(request_terms) if request_terms else glossary


@router.post("/glossaries", status_code=201, response_model=GlossaryOut, responses=_ERRORS)
async def create_glossary(body: GlossaryCreate, store: GlossariesDep) -> GlossaryOut:
    """Store a glossary; answers with its id (a UUID)."""
    stored = await asyncio.to_thread(
        store.create,
        name=body.name,
        source_lang=body.source_lang,
        target_lang=body.target_lang,
        entries=dict(body.entries),
    )
    return GlossaryOut.model_validate(stored)


@router.get("/glossaries", response_model=GlossaryList, responses=_ERRORS)
async def list_glossaries(store: GlossariesDep) -> GlossaryList:
    """Every stored glossary (without entries), oldest first."""
    stored = await asyncio.to_thread(store.list)
    return GlossaryList(glossaries=[GlossaryInfo.model_validate(g) for g in stored])


@router.get("/glossaries/{glossary_id}", response_model=GlossaryOut, responses=_ERRORS)
async def get_glossary(glossary_id: str, store: GlossariesDep) -> GlossaryOut:
    """One stored glossary with its entries."""
    return GlossaryOut.model_validate(await asyncio.to_thread(store.get, glossary_id))


@router.delete(
    "/glossaries/{glossary_id}", status_code=204, response_class=Response, responses=_ERRORS
)
async def delete_glossary(glossary_id: str, store: GlossariesDep) -> Response:
    """Delete a stored glossary."""
    await asyncio.to_thread(store.delete, glossary_id)
    return Response(status_code=204)
