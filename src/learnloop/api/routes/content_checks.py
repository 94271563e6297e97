"""Checking a draft against a source over HTTP: `POST /api/content/check` answers, for each
sentence, supported, not supported or contradicted with the passage (as `learnloop check`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from learnloop.content.checking import MAX_DRAFT_CHARS, check_draft
from learnloop.domain.access import AccessRole, Principal
from learnloop.serving.deps import RoleDocumentedRoute, SessionDep, WorkspaceDep, require_roles
from learnloop.serving.errors import ErrorOut

router = APIRouter(prefix="/api/content", tags=["content"], route_class=RoleDocumentedRoute)

A = AccessRole


class DraftIn(BaseModel):
    source: str = Field(min_length=1, max_length=128, description="The source's key (or id)")
    text: str = Field(min_length=1, max_length=MAX_DRAFT_CHARS,
                      description="The draft: Markdown or plain text")


class SentenceVerdictOut(BaseModel):
    sentence: str
    verdict: Literal["supported", "not_supported", "contradicted"]
    score: float
    chunk_id: str | None
    passage: str | None
    reason: str


class DraftCheckOut(BaseModel):
    source: str
    version: int
    embedding_model: str
    counts: dict[str, int]
    sentences: list[SentenceVerdictOut]


@router.post("/check", response_model=DraftCheckOut, responses={
    404: {"model": ErrorOut, "description": "No such source"}})
def check_a_draft(
    draft: DraftIn, workspace: WorkspaceDep, session: SessionDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.REVIEWER)],
) -> DraftCheckOut:
    """Judge each sentence of a draft against the source's current version (changes nothing)."""
    result = check_draft(session, organisation_id=principal.organisation_id,
                         source=draft.source, text=draft.text, settings=workspace.settings)
    return DraftCheckOut.model_validate(result.to_dict())
