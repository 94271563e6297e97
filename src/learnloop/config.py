"""Effective configuration, read from LEARNLOOP_* environment variables.

Every setting is documented in docs/configuration.md; a test keeps the two in step.
"""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from learnloop.errors import ConfigError

__all__ = ["Settings", "mask_url", "load_settings"]


class Settings(BaseSettings):
    """What a deployment can set; defaults give a working single-machine workspace."""

    model_config = SettingsConfigDict(env_prefix="LEARNLOOP_", extra="ignore")

    home: Path = Field(
        Path(".learnloop"), description="Workspace folder: database, job queue, demo files, secret."
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default is an SQLite file in the workspace (WAL mode)."
    )
    redis_url: str | None = Field(
        None,
        description="When set, background jobs go through Redis, not the workspace SQLite queue.",
    )
    environment: Literal["development", "production"] = Field(
        "development", description="`production` refuses to start without an explicit secret key."
    )
    secret_key: SecretStr | None = Field(
        None, description="Signs console sessions; generated into the workspace in development."
    )
    organisation: str = Field(
        "default", description="Key of the organisation the CLI works on when none is given."
    )
    host: str = Field("127.0.0.1", description="Address `learnloop serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `learnloop serve` binds to.")
    import_batch_size: int = Field(
        5000, ge=1, description="Rows written per database round trip by importers."
    )
    max_reported_problems: int = Field(
        1000, ge=1, description="Problems listed in full per rejected import; the rest are counted."
    )
    max_upload_bytes: int = Field(
        200_000_000, ge=1,
        description="Largest import upload the API accepts (bytes); a larger one answers 413.",
    )
    max_body_bytes: int = Field(
        20_000_000, ge=1,
        description="Largest other request body (the signals webhook's JSON); larger answers 413.",
    )
    max_source_bytes: int = Field(
        50_000_000, ge=1, description="Largest source document file (bytes) a sources import reads."
    )
    max_source_text_chars: int = Field(
        5_000_000, ge=1, description="Most characters of text one source document may yield."
    )
    jobs_in_process: bool = Field(
        True,
        description="`learnloop serve` also consumes jobs unless false or --no-worker is given.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Log level of the server and worker."
    )
    concurrent_writes: int = Field(
        8, ge=1, le=64,
        description="Write requests (POST, PUT, PATCH, DELETE) one server process lets work with "
                    "the database at the same time; the others wait their turn.",
    )
    concurrent_reads: int = Field(
        8, ge=1, le=64,
        description="Read requests (GET, HEAD) one server process lets work with the database at "
                    "the same time; the others wait their turn.",
    )
    waiting_requests: int = Field(
        500, ge=0,
        description="Requests of each kind (reads, writes) that may wait for a turn; beyond that "
                    "the server answers 503 with `Retry-After` at once.",
    )
    wait_seconds: float = Field(
        20.0, gt=0, le=300,
        description="Longest a request waits for its turn, a database connection or the write "
                    "lock before the server answers 503 with `Retry-After`.",
    )
    sensing_false_alarms_per_year: float = Field(
        0.05, gt=0, le=1,
        description="The sensing agent's false-alarm budget per team KPI per year of weekly data.",
    )
    lrs_forward_batch: int = Field(
        100, ge=1, le=10_000,
        description="Statements per POST when forwarding to an external LRS.",
    )
    lrs_forward_attempts: int = Field(
        5, ge=1, le=100,
        description="Tries per batch (with a growing pause) before a forwarding job gives up; "
                    "the next `learnloop lrs forward` continues where it stopped.",
    )

    @field_validator("database_url", "redis_url")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value or None

    @cached_property
    def workspace(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.workspace / 'learnloop.db'}"

    @property
    def jobs_database_path(self) -> Path:
        return self.workspace / "jobs.db"

    def ensure_workspace(self) -> Path:
        self.workspace.mkdir(parents=True, exist_ok=True)
        return self.workspace

    def session_secret(self) -> str:
        """The key that signs console sessions; production must set one explicitly."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        if self.environment == "production":
            raise ConfigError(
                "LEARNLOOP_SECRET_KEY must be set when LEARNLOOP_ENVIRONMENT=production"
            )
        key_file = self.ensure_workspace() / "secret.key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()

    def described(self) -> dict[str, str]:
        """Every setting with its effective value, secrets masked, for `learnloop config`."""
        return {
            "LEARNLOOP_HOME": str(self.workspace),
            "LEARNLOOP_DATABASE_URL": mask_url(self.effective_database_url),
            "LEARNLOOP_REDIS_URL": mask_url(self.redis_url)
            if self.redis_url
            else "(unset: jobs use the workspace SQLite queue)",
            "LEARNLOOP_ENVIRONMENT": self.environment,
            "LEARNLOOP_SECRET_KEY": "********"
            if self.secret_key
            else "(unset: generated in the workspace)",
            "LEARNLOOP_ORGANISATION": self.organisation,
            "LEARNLOOP_HOST": self.host,
            "LEARNLOOP_PORT": str(self.port),
            "LEARNLOOP_IMPORT_BATCH_SIZE": str(self.import_batch_size),
            "LEARNLOOP_MAX_REPORTED_PROBLEMS": str(self.max_reported_problems),
            "LEARNLOOP_MAX_UPLOAD_BYTES": str(self.max_upload_bytes),
            "LEARNLOOP_MAX_BODY_BYTES": str(self.max_body_bytes),
            "LEARNLOOP_MAX_SOURCE_BYTES": str(self.max_source_bytes),
            "LEARNLOOP_MAX_SOURCE_TEXT_CHARS": str(self.max_source_text_chars),
            "LEARNLOOP_JOBS_IN_PROCESS": str(self.jobs_in_process).lower(),
            "LEARNLOOP_LOG_LEVEL": self.log_level,
            "LEARNLOOP_CONCURRENT_WRITES": str(self.concurrent_writes),
            "LEARNLOOP_CONCURRENT_READS": str(self.concurrent_reads),
            "LEARNLOOP_WAITING_REQUESTS": str(self.waiting_requests),
            "LEARNLOOP_WAIT_SECONDS": f"{self.wait_seconds:g}",
            "LEARNLOOP_SENSING_FALSE_ALARMS_PER_YEAR": f"{self.sensing_false_alarms_per_year:g}",
            "LEARNLOOP_LRS_FORWARD_BATCH": str(self.lrs_forward_batch),
            "LEARNLOOP_LRS_FORWARD_ATTEMPTS": str(self.lrs_forward_attempts),
        }


def mask_url(url: str) -> str:
    """Hide the password of a URL so it can be printed or logged."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:********@{host}" if parts.username else f":********@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; keyword overrides win (used by the CLI and tests)."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as error:
        raise ConfigError(f"invalid configuration: {error}") from error
