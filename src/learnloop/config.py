"""Effective configuration, read from LEARNLOOP_* environment variables.

Every setting is documented in docs/configuration.md; a test keeps the two in step.
"""

from __future__ import annotations

import json
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
    import_set_check_min_rows: int = Field(
        5000, ge=1,
        description="Rows a people import writes from which PostgreSQL checks its foreign keys "
                    "as a set (the constraints dropped and added back in the import's "
                    "transaction), not row by row; and rows of a signals file from which "
                    "PostgreSQL builds the signals' secondary indexes after the write, when "
                    "the file holds at least as many rows as the table.",
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
        description="The sensing agent's false-alarm budget per monitored series (a team's KPI, "
                    "a team's pulse question, a person's own KPI) per year of weekly data.",
    )
    sensing_person_series_limit: int = Field(
        20_000, ge=0, le=10_000_000,
        description="The most people whose own KPI series the sensing agent watches; above it "
                    "only team and pulse series are sensed (0: never people's own).",
    )
    sensing_on_import_max_series: int = Field(
        200, ge=0, le=1_000_000,
        description="A signals file import senses the team series its new rows count in at "
                    "once when they are at most this many; more are left to the next loop run "
                    "(0: never on import).",
    )
    content_link_domains: str = Field(
        "", description="Comma-separated domains a pack may link to besides the source's own."
    )
    content_embedding: Literal["wordllama", "minilm"] = Field(
        "wordllama", description="Sentence-embedding model of the claim checker (minilm: extra)."
    )
    review_policy: Path | None = Field(
        None, description="YAML review policy (tiers, approvals, auto-publish); unset: the "
                          "default shipped with learnloop.",
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

    llm_engine: Literal["offline", "openai", "anthropic"] = Field(
        "offline",
        description="Engine that writes content: `offline` (no model server), `openai` (any "
                    "OpenAI-compatible server) or `anthropic`.",
    )
    llm_base_url: str | None = Field(
        None,
        description="Base URL of the model server; default https://api.openai.com/v1 or "
                    "https://api.anthropic.com for the engine.",
    )
    llm_api_key: SecretStr | None = Field(
        None, description="API key sent to the model server; local servers may need none."
    )
    llm_model: str | None = Field(
        None, description="Model (or Azure deployment) name; required for the LLM engines."
    )
    llm_azure_api_version: str | None = Field(
        None,
        description="Set for Azure OpenAI: the `api-version` query parameter; the key then goes "
                    "in an `api-key` header.",
    )
    llm_timeout_seconds: float = Field(
        120.0, gt=0, le=3600, description="Longest one model call may take before it is retried."
    )
    llm_retries: int = Field(
        3, ge=0, le=10,
        description="Retries after an invalid answer, a timeout, a 429 or a 5xx, with backoff.",
    )
    llm_redaction: bool = Field(
        True,
        description="Replace personal data with placeholders before any model call, and restore "
                    "it in the answer.",
    )
    llm_prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="JSON: model name to [input, output] price in USD per million tokens.",
    )
    llm_max_output_tokens: int = Field(
        4096, ge=64, le=200_000, description="Most tokens one model answer may use."
    )
    llm_max_source_chars: int = Field(
        200_000, ge=1000,
        description="Most source characters one model request carries; a longer source sends "
                    "the chunks nearest the need.",
    )
    llm_cache_days: int = Field(
        30, ge=0,
        description="Days an answer to an identical request is reused from the workspace cache; "
                    "0 turns the cache off.",
    )

    analytics_manual_baseline_hours: float = Field(
        40.0, ge=0, le=10_000,
        description="Hours one intervention takes to analyse, design and evaluate by hand: the "
                    "baseline the analytics agent counts hours saved against.",
    )
    analytics_reaction_metric: str = Field(
        "learning_rating", min_length=1, max_length=128,
        description="The person-level signal holding learners' ratings of what they received "
                    "(Kirkpatrick level 1), when no xAPI ratings are recorded.",
    )
    analytics_knowledge_metric: str = Field(
        "knowledge_check", min_length=1, max_length=128,
        description="The person-level signal holding knowledge-check scores (Kirkpatrick level "
                    "2); without it, assessments of the intervention's skill are used.",
    )
    analytics_minimum_group_size: int = Field(
        10, ge=2, le=1000,
        description="Smallest demographic group the fairness audit reports; smaller groups are "
                    "suppressed.",
    )

    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="Address people reach the console at; links in messages start with it.",
    )
    delivery_channels: str = Field(
        "email,inbox",
        description="Channels a person is reached through when they set none, in order "
                    "(inbox, email, slack, teams, webhook); the inbox always keeps a copy.",
    )
    delivery_weekly_cap: int = Field(
        3, ge=0, description="Most nudges one person gets in a week unless they set their own."
    )
    delivery_quiet_hours: str = Field(
        "20-08",
        description="Hours (HH-HH, the person's own time zone) in which nothing is sent.",
    )
    delivery_holdout_fraction: float = Field(
        0.2, gt=0, lt=1, description="Share of a plan's audience held out to measure impact."
    )
    delivery_max_attempts: int = Field(
        5, ge=1, le=20,
        description="Tries per delivery before a transient failure lands in the dead-letter list.",
    )
    delivery_backoff_seconds: float = Field(
        2.0, gt=0, le=3600,
        description="Wait before the first retry; doubled for each further one (with jitter).",
    )
    smtp_host: str | None = Field(None, description="SMTP server for the email channel.")
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_username: str | None = Field(None, description="SMTP login, when the server needs one.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_sender: str = Field(
        "learnloop@localhost", description="The From address of learnloop's email."
    )
    slack_token: SecretStr | None = Field(
        None, description="Slack bot token (xoxb-…) for chat.postMessage."
    )
    slack_base_url: str = Field(
        "https://slack.com/api/", description="Slack Web API base URL (a proxy or a test peer)."
    )
    teams_webhook_url: SecretStr | None = Field(
        None, description="Microsoft Teams incoming webhook or Workflows URL for Adaptive Cards."
    )
    webhook_url: str | None = Field(
        None, description="Generic webhook channel: deliveries are POSTed here as JSON."
    )
    webhook_secret: SecretStr | None = Field(
        None, description="Key of the HMAC-SHA256 signature in the X-Learnloop-Signature header."
    )

    @field_validator("database_url", "redis_url", "llm_base_url", "llm_model",
                     "llm_azure_api_version", "smtp_host", "webhook_url")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value or None

    @property
    def link_domains(self) -> tuple[str, ...]:
        """The organisation's allow-list of link domains, lower-cased, without blanks."""
        return tuple(domain.strip().lower() for domain in self.content_link_domains.split(",")
                     if domain.strip())

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
            "LEARNLOOP_IMPORT_SET_CHECK_MIN_ROWS": str(self.import_set_check_min_rows),
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
            "LEARNLOOP_SENSING_PERSON_SERIES_LIMIT": str(self.sensing_person_series_limit),
            "LEARNLOOP_SENSING_ON_IMPORT_MAX_SERIES": str(self.sensing_on_import_max_series),
            "LEARNLOOP_LLM_ENGINE": self.llm_engine,
            "LEARNLOOP_LLM_BASE_URL": mask_url(self.llm_base_url) if self.llm_base_url
            else "(unset: the engine's public API)",
            "LEARNLOOP_LLM_API_KEY": "********" if self.llm_api_key else "(unset)",
            "LEARNLOOP_LLM_MODEL": self.llm_model or "(unset)",
            "LEARNLOOP_LLM_AZURE_API_VERSION": self.llm_azure_api_version or "(unset)",
            "LEARNLOOP_LLM_TIMEOUT_SECONDS": f"{self.llm_timeout_seconds:g}",
            "LEARNLOOP_LLM_RETRIES": str(self.llm_retries),
            "LEARNLOOP_LLM_REDACTION": str(self.llm_redaction).lower(),
            "LEARNLOOP_LLM_PRICES": json.dumps(
                {model: list(price) for model, price in self.llm_prices.items()}),
            "LEARNLOOP_LLM_MAX_OUTPUT_TOKENS": str(self.llm_max_output_tokens),
            "LEARNLOOP_LLM_MAX_SOURCE_CHARS": str(self.llm_max_source_chars),
            "LEARNLOOP_LLM_CACHE_DAYS": str(self.llm_cache_days),
            "LEARNLOOP_CONTENT_LINK_DOMAINS": ", ".join(self.link_domains)
            or "(unset: only the source's own domain)",
            "LEARNLOOP_CONTENT_EMBEDDING": self.content_embedding,
            "LEARNLOOP_REVIEW_POLICY": str(self.review_policy) if self.review_policy
            else "(unset: the default policy)",
            "LEARNLOOP_ANALYTICS_MANUAL_BASELINE_HOURS":
                f"{self.analytics_manual_baseline_hours:g}",
            "LEARNLOOP_ANALYTICS_REACTION_METRIC": self.analytics_reaction_metric,
            "LEARNLOOP_ANALYTICS_KNOWLEDGE_METRIC": self.analytics_knowledge_metric,
            "LEARNLOOP_ANALYTICS_MINIMUM_GROUP_SIZE": str(self.analytics_minimum_group_size),
            "LEARNLOOP_PUBLIC_URL": self.public_url,
            "LEARNLOOP_DELIVERY_CHANNELS": self.delivery_channels,
            "LEARNLOOP_DELIVERY_WEEKLY_CAP": str(self.delivery_weekly_cap),
            "LEARNLOOP_DELIVERY_QUIET_HOURS": self.delivery_quiet_hours,
            "LEARNLOOP_DELIVERY_HOLDOUT_FRACTION": f"{self.delivery_holdout_fraction:g}",
            "LEARNLOOP_DELIVERY_MAX_ATTEMPTS": str(self.delivery_max_attempts),
            "LEARNLOOP_DELIVERY_BACKOFF_SECONDS": f"{self.delivery_backoff_seconds:g}",
            "LEARNLOOP_SMTP_HOST": self.smtp_host or "(unset: no email channel)",
            "LEARNLOOP_SMTP_PORT": str(self.smtp_port),
            "LEARNLOOP_SMTP_USERNAME": self.smtp_username or "(unset)",
            "LEARNLOOP_SMTP_PASSWORD": "********" if self.smtp_password else "(unset)",
            "LEARNLOOP_SMTP_STARTTLS": str(self.smtp_starttls).lower(),
            "LEARNLOOP_SMTP_SENDER": self.smtp_sender,
            "LEARNLOOP_SLACK_TOKEN": "********" if self.slack_token else "(unset: no Slack)",
            "LEARNLOOP_SLACK_BASE_URL": self.slack_base_url,
            "LEARNLOOP_TEAMS_WEBHOOK_URL": "********" if self.teams_webhook_url
            else "(unset: no Teams)",
            "LEARNLOOP_WEBHOOK_URL": self.webhook_url or "(unset: no webhook channel)",
            "LEARNLOOP_WEBHOOK_SECRET": "********" if self.webhook_secret else "(unset)",
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
