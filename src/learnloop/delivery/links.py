"""Signed links in messages: each names one delivery and one action (open, complete, rate,
not relevant), so a learner can act from an email or a chat without signing in; nothing else."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from learnloop.domain.delivery.messages import Interaction
from learnloop.errors import ForbiddenError

__all__ = ["LINK_ACTIONS", "link_token", "message_links", "read_link_token"]

_SALT = "learnloop.delivery-link"
# what a link in a message may do; answers and comments need the inbox itself
LINK_ACTIONS = (Interaction.OPEN, Interaction.COMPLETE, Interaction.RATE,
                Interaction.NOT_RELEVANT)


def link_token(secret: str, *, organisation_id: int, key: str, action: str) -> str:
    return URLSafeSerializer(secret, salt=_SALT).dumps([organisation_id, key, str(action)])


def read_link_token(secret: str, token: str) -> tuple[int, str, Interaction]:
    """(organisation id, delivery key, action); ForbiddenError for anything not signed here."""
    try:
        organisation_id, key, action = URLSafeSerializer(secret, salt=_SALT).loads(token)
        return int(organisation_id), str(key), Interaction(action)
    except (BadSignature, ValueError, TypeError):
        raise ForbiddenError("this link is not valid (it may have been altered)") from None


def message_links(*, public_url: str, secret: str, organisation_id: int,
                  key: str) -> dict[str, str]:
    base = public_url.rstrip("/")
    return {str(action): f"{base}/inbox/links/"
            + link_token(secret, organisation_id=organisation_id, key=key, action=action)
            for action in LINK_ACTIONS}
