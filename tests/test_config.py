"""Configuration: documented settings match the code, secrets never print, production is strict."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnloop.cli import app
from learnloop.config import Settings, load_settings, mask_url
from learnloop.errors import ConfigError

DOCS = Path(__file__).parents[1] / "docs" / "configuration.md"


def test_every_setting_is_documented_and_every_documented_variable_exists() -> None:
    documented = set(re.findall(r"^\| `(LEARNLOOP_[A-Z_]+)` \|", DOCS.read_text(), re.MULTILINE))
    in_code = {f"LEARNLOOP_{name.upper()}" for name in Settings.model_fields}
    assert documented == in_code


def test_described_lists_every_setting(tmp_path: Path) -> None:
    described = Settings(home=tmp_path).described()
    assert set(described) == {f"LEARNLOOP_{name.upper()}" for name in Settings.model_fields}


def test_default_database_is_sqlite_in_the_workspace(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "ws")
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'ws' / 'learnloop.db'}"


def test_passwords_are_masked() -> None:
    assert (
        mask_url("postgresql+psycopg://app:s3cret@db:5432/ll")
        == "postgresql+psycopg://app:********@db:5432/ll"
    )
    assert mask_url("redis://:hunter2@cache:6379/0") == "redis://:********@cache:6379/0"
    assert mask_url("sqlite:///x.db") == "sqlite:///x.db"


def test_config_command_masks_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", "postgresql+psycopg://app:s3cret@db:5432/ll")
    monkeypatch.setenv("LEARNLOOP_SECRET_KEY", "do-not-print-me")
    result = CliRunner().invoke(app, ["config"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output and "do-not-print-me" not in result.output
    assert "LEARNLOOP_DATABASE_URL" in result.output


def test_production_refuses_to_run_without_a_secret(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, environment="production")
    with pytest.raises(ConfigError, match="LEARNLOOP_SECRET_KEY"):
        settings.session_secret()


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    first = settings.session_secret()
    assert len(first) > 40
    assert Settings(home=tmp_path).session_secret() == first
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0


def test_bad_value_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNLOOP_PORT", "not-a-port")
    with pytest.raises(ConfigError, match="port"):
        load_settings()
