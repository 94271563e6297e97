"""The one exception tree of learnloop, so every layer can tell user mistakes from failures.

LearnloopError
 ├── InputError        bad input from a user: carries every Problem (file, row, field, message)
 ├── NotFoundError     a thing asked for by id does not exist
 ├── ForbiddenError    the caller's role or scope does not admit the action
 ├── UnauthorizedError no valid credentials were given
 ├── ConflictError     the action clashes with current state (duplicate, stale version)
 ├── TooLargeError     an upload or body past the configured maximum size
 ├── ConfigError       the configuration cannot work (bad URL, default secret in production)
 ├── ProviderError     an external provider (LLM, channel, connector peer) failed at run time
 └── ServiceUnavailableError  the server is too busy right now: retry after `retry_after` seconds
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ConfigError",
    "ConflictError",
    "ForbiddenError",
    "InputError",
    "LearnloopError",
    "NotFoundError",
    "Problem",
    "ProviderError",
    "ServiceUnavailableError",
    "TooLargeError",
    "UnauthorizedError",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one place in the input, as the user will read it."""

    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = ":".join(
            str(part) for part in (self.file, self.row, self.field) if part is not None
        )
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "field": self.field, "message": self.message}


class LearnloopError(Exception):
    """Base of every error learnloop raises on purpose."""

    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(LearnloopError):
    """Input that cannot be accepted; `problems` lists every place that is wrong."""

    status_code = 422

    def __init__(
        self, message: str, problems: list[Problem] | None = None, *, total: int | None = None,
        covered: int | None = None,
    ) -> None:
        super().__init__(message)
        self.problems = list(problems or [])
        # total counts problems beyond those kept in `problems` when a report was capped
        self.total = total if total is not None else len(self.problems)
        # how many of `total` the listed problems stand for (one line may stand for many rows)
        self.covered = covered if covered is not None else len(self.problems)


class NotFoundError(LearnloopError):
    status_code = 404


class UnauthorizedError(LearnloopError):
    status_code = 401


class ForbiddenError(LearnloopError):
    status_code = 403


class ConflictError(LearnloopError):
    status_code = 409


class ConfigError(LearnloopError):
    status_code = 500


class ProviderError(LearnloopError):
    status_code = 502


class TooLargeError(LearnloopError):
    """An upload or request body larger than the configured maximum (answered with 413)."""

    status_code = 413


class ServiceUnavailableError(LearnloopError):
    """Too busy to take this request now (every turn, connection or write lock taken for too
    long); nothing was written, and the client may send it again after `retry_after` seconds."""

    status_code = 503

    def __init__(self, message: str, *, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after
