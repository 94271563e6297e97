"""The answers the xAPI resources give that learnloop's error tree has no class for: 400 with
the reason, 412 for a stale ETag, 401 asking for HTTP Basic credentials."""

from __future__ import annotations

from learnloop.errors import LearnloopError, UnauthorizedError

__all__ = ["BadXapiRequest", "BasicCredentialsNeeded", "PreconditionFailed"]


class BadXapiRequest(LearnloopError):
    """The request breaks a rule of the xAPI specification (xAPI answers 400, not 422)."""

    status_code = 400


class PreconditionFailed(LearnloopError):
    """If-Match / If-None-Match did not hold: the document changed (or exists) meanwhile."""

    status_code = 412


class BasicCredentialsNeeded(UnauthorizedError):
    """No valid LRS client credentials; the answer asks for HTTP Basic."""

    headers = {"WWW-Authenticate": 'Basic realm="learnloop xAPI"'}
