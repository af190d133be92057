"""DeepL's glossary routes under ``/v2/glossaries``, on the same store as ``/glossaries``, so
the ``deepl`` client's ``create_glossary``, ``list_glossaries``, ``get_glossary``,
``get_glossary_entries`` and ``delete_glossary`` work; entries come as TSV or CSV text.
"""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from service.compat.common import (
    DEFAULT_STATUSES,
    CompatError,
    Params,
    body_doc,
    compat_route,
    read_params,
)
from service.compat.deepl import AuthKeyDep, DeepLError, render_error
from service.deps import GlossariesDep
from service.store.glossaries import GlossaryNotFound, GlossaryStore, StoredGlossary

router = APIRouter(
    prefix="/v2/glossaries",
    tags=["DeepL-compatible"],
    # DeepL answers a missing or wrong key with 403, which its clients name.
    route_class=compat_route(render_error, DEFAULT_STATUSES, access={401: 403}),
)
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": DeepLError} for code in (400, 404, 413, 415, 500)
}
_LANGS = {"EN": "en", "RU": "ru", "KK": "kk", "ZH": "zh"}
MAX_ENTRIES = 5000  # as POST /glossaries allows


class DeepLGlossaryCreate(BaseModel):
    """POST /v2/glossaries parameters (JSON or form)."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=200)
    source_lang: str
    target_lang: str
    entries: str = Field(min_length=1, description="One 'source<TAB>target' pair a line.")
    entries_format: Literal["tsv", "csv"] = "tsv"


class DeepLGlossary(BaseModel):
    """A glossary as DeepL describes it."""

    glossary_id: str
    name: str
    ready: bool
    source_lang: str
    target_lang: str
    creation_time: str
    entry_count: int

    @classmethod
    def of(cls, g: StoredGlossary) -> DeepLGlossary:
        """DeepL's description of a stored glossary."""
        return cls(
            glossary_id=g.glossary_id,
            name=g.name,
            ready=True,
            source_lang=g.source_lang,
            target_lang=g.target_lang,
            creation_time=g.creation_time,
            entry_count=g.entry_count,
        )


class DeepLGlossaries(BaseModel):
    """GET /v2/glossaries."""

    glossaries: list[DeepLGlossary]


def parse_entries(text: str, entries_format: str) -> dict[str, str]:
    """TSV or CSV glossary entries as a dict. Raises ``CompatError`` (400) on a bad line."""
    rows = (
        csv.reader(io.StringIO(text))
        if entries_format == "csv"
        else (line.split("\t") for line in text.splitlines())
    )
    entries: dict[str, str] = {}
    for n, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise CompatError(400, f"Invalid glossary entries: line {n} has no source and target.")
        entries[row[0].strip()] = row[1].strip()
    if not entries:
        raise CompatError(400, "Invalid glossary entries: none given.")
    if len(entries) > MAX_ENTRIES:
        raise CompatError(400, f"Invalid glossary entries: more than {MAX_ENTRIES}.")
    return entries


async def _get(store: GlossaryStore, glossary_id: str) -> StoredGlossary:
    try:
        return await asyncio.to_thread(store.get, glossary_id)
    except GlossaryNotFound as exc:
        raise CompatError(404, "Glossary not found.") from exc


@router.post(
    "",
    status_code=201,
    response_model=DeepLGlossary,
    responses=_ERRORS,
    openapi_extra=body_doc(DeepLGlossaryCreate),
)
async def deepl_create_glossary(
    params: Annotated[Params, Depends(read_params)], key: AuthKeyDep, store: GlossariesDep
) -> DeepLGlossary:
    """Create a glossary (DeepL's POST /v2/glossaries)."""
    del key  # authenticated and rate-counted; glossaries are not charged
    body = DeepLGlossaryCreate.model_validate(params)
    source = _LANGS.get(body.source_lang.upper())
    target = _LANGS.get(body.target_lang.upper())
    if source is None or target is None or source == target:
        raise CompatError(400, "Unsupported glossary language pair.")
    stored = await asyncio.to_thread(
        store.create,
        name=body.name,
        source_lang=source,  # type: ignore[arg-type]
        target_lang=target,  # type: ignore[arg-type]
        entries=parse_entries(body.entries, body.entries_format),
    )
    return DeepLGlossary.of(stored)


@router.get("", response_model=DeepLGlossaries, responses=_ERRORS)
async def deepl_list_glossaries(key: AuthKeyDep, store: GlossariesDep) -> DeepLGlossaries:
    """Every glossary (DeepL's GET /v2/glossaries)."""
    del key  # authenticated and rate-counted; glossaries are not charged
    return DeepLGlossaries(
        glossaries=[DeepLGlossary.of(g) for g in await asyncio.to_thread(store.list)]
    )


@router.get("/{glossary_id}", response_model=DeepLGlossary, responses=_ERRORS)
async def deepl_get_glossary(
    glossary_id: str, key: AuthKeyDep, store: GlossariesDep
) -> DeepLGlossary:
    """One glossary's description (DeepL's GET /v2/glossaries/{id})."""
    del key  # authenticated and rate-counted; glossaries are not charged
    return DeepLGlossary.of(await _get(store, glossary_id))


@router.get(
    "/{glossary_id}/entries",
    response_class=Response,
    responses={200: {"content": {"text/tab-separated-values": {}}}, **_ERRORS},
)
async def deepl_glossary_entries(
    glossary_id: str, key: AuthKeyDep, store: GlossariesDep
) -> Response:
    """A glossary's entries as TSV (DeepL's GET /v2/glossaries/{id}/entries)."""
    del key  # authenticated and rate-counted; glossaries are not charged
    stored = await _get(store, glossary_id)
    tsv = "\n".join(f"{src}\t{tgt}" for src, tgt in stored.entries.items())
    return Response(tsv, media_type="text/tab-separated-values")


@router.delete("/{glossary_id}", status_code=204, response_class=Response, responses=_ERRORS)
async def deepl_delete_glossary(
    glossary_id: str, key: AuthKeyDep, store: GlossariesDep
) -> Response:
    """Delete a glossary (DeepL's DELETE /v2/glossaries/{id})."""
    del key  # authenticated and rate-counted; glossaries are not charged
    try:
        await asyncio.to_thread(store.delete, glossary_id)
    except GlossaryNotFound as exc:
        raise CompatError(404, "Glossary not found.") from exc
    return Response(status_code=204)
