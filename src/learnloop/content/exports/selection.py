"""Which of a pack's components may leave for learners: only those the review gates published.

The seam to the review gates (store.reviews.published_ids): exports pass the published ids here
before building, so a draft or a component in review never reaches an LMS.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from learnloop.errors import ConflictError

__all__ = ["published_only"]


def published_only(document: dict[str, Any], *,
                   published: Collection[int]) -> tuple[dict[str, Any], list[str]]:
    """The pack document with only its published components, and the keys of those withheld.

    Raises ConflictError, naming what is missing, when nothing in the pack is published."""
    kept = [component for component in document["components"] if component["id"] in published]
    withheld = [component["key"] for component in document["components"]
                if component["id"] not in published]
    if not kept:
        raise ConflictError(
            f"pack {document['id']}: none of its components is published, so nothing may go to "
            f"learners yet (in review or draft: {', '.join(withheld) or 'none'})")
    return {**document, "components": kept}, withheld
