"""A pack as one JSON document: every component with its items, citations and checks.

`learnloop pack export` writes it and `GET /api/content/packs/{id}` answers it, so the two agree.
"""

from __future__ import annotations

from typing import Any

from learnloop.domain.content.components import body_model, claims
from learnloop.domain.content.packs import Component, Pack

__all__ = ["component_document", "pack_document", "pack_summary"]


def pack_summary(pack: Pack) -> dict[str, Any]:
    """What `learnloop generate --json` prints about a new pack."""
    return {
        "title": pack.title, "source": pack.source_key, "source_version": pack.source_version,
        "need_id": pack.need_id, "engine": pack.engine, "model": pack.model,
        "offline": pack.engine == "offline",
        "components": {component.kind: _items(component) for component in pack.components},
        "modality": pack.modality, "input_tokens": pack.input_tokens,
        "output_tokens": pack.output_tokens, "cost_usd": round(pack.cost_usd, 6)}


def pack_document(pack: Pack) -> dict[str, Any]:
    return {
        "id": pack.id, "title": pack.title,
        "source": {"key": pack.source_key, "title": pack.source_title,
                   "version": pack.source_version},
        "need": {"id": pack.need_id, "key": pack.need_key} if pack.need_id is not None else None,
        "engine": pack.engine, "model": pack.model, "offline": pack.engine == "offline",
        "modality": pack.modality,
        "usage": {"input_tokens": pack.input_tokens, "output_tokens": pack.output_tokens,
                  "cost_usd": round(pack.cost_usd, 6)},
        "created_by": pack.created_by, "created_at": pack.created_at.isoformat(),
        "components": [component_document(component) for component in pack.components],
    }


def component_document(component: Component) -> dict[str, Any]:
    body = body_model(component.kind).model_validate(component.body)
    return {
        "id": component.id, "key": component.key, "version": component.version,
        "kind": component.kind, "title": component.title,
        "provenance": {"engine": component.engine, "model": component.model,
                       "prompt_version": component.prompt_version,
                       "chunk_ids": list(component.chunk_ids),
                       "source": component.source_key,
                       "source_version": component.source_version},
        "usage": {"input_tokens": component.input_tokens,
                  "output_tokens": component.output_tokens,
                  "cost_usd": round(component.cost_usd, 6), "cached": component.cached},
        "body": component.body,
        "items": [{"text": text, "citations": [citation.model_dump() for citation in cited]}
                  for text, cited in claims(body)],
        "checks": component.checks,
    }


def _items(component: Component) -> int:
    body = body_model(component.kind).model_validate(component.body)
    return len(claims(body))
