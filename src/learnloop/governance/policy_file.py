"""Reading the review policy: LEARNLOOP_REVIEW_POLICY's YAML file, else the default shipped
with learnloop; parsed and checked by domain.govern.policy."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from learnloop.config import Settings
from learnloop.domain.govern.policy import ReviewPolicy, parse_policy
from learnloop.errors import InputError

__all__ = ["DEFAULT_POLICY", "load_policy", "policy_from_text"]

DEFAULT_POLICY = "default-policy.yaml"


def load_policy(settings: Settings | None = None) -> ReviewPolicy:
    path = settings.review_policy if settings is not None else None
    if path is None:
        return _default()
    path = Path(path)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as error:
        raise InputError(f"review policy {path}: cannot read: {error.strerror}") from None
    return _from_file(str(path), stamp)


def policy_from_text(text: str, *, file: str) -> ReviewPolicy:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InputError(f"{file}: not YAML: {error}") from None
    return parse_policy(data, file=file)


@lru_cache(maxsize=1)
def _default() -> ReviewPolicy:
    text = resources.files("learnloop.governance").joinpath(DEFAULT_POLICY).read_text("utf-8")
    return policy_from_text(text, file=DEFAULT_POLICY)


@lru_cache(maxsize=8)
def _from_file(path: str, stamp: int) -> ReviewPolicy:  # stamp: a changed file is read again
    return policy_from_text(Path(path).read_text(encoding="utf-8"), file=Path(path).name)
