"""Visible text addressed to an AI, and links that leave the source's own domains.

Such sentences are flagged to the reviewer and kept out of generation input: `generation_input`
gives the engines the chunks without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

from learnloop.domain.content.sentences import split_sentences

__all__ = ["AddressedToAi", "addressed_to_ai", "foreign_links", "generation_input", "links"]

_AI = r"(?:ai|a\.i\.|assistant|chatbot|chat\s?gpt|gpt|llm|language model|model|bot|claude|copilot)"
_PATTERNS = tuple(re.compile(pattern, re.I) for pattern in (
    r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:previous|prior|above|earlier|"
    r"all|any|your|the)\b.{0,20}\b(?:instructions?|prompts?|rules?|directions?|guidelines?)",
    r"\b(?:new|updated|real|hidden|secret)\s+instructions?\s*(?::|for\b)",
    rf"\b(?:instructions?|note|message)\s+(?:to|for)\s+(?:the\s+|any\s+)?{_AI}s?\b",
    rf"^\s*(?:dear\s+)?{_AI}s?\s*[:,]",
    rf"\b(?:if|when)\s+you\s+are\s+(?:an?\s+)?{_AI}",
    rf"\byou\s+are\s+(?:now\s+)?(?:an?\s+)?{_AI}\b",
    rf"\bas\s+an?\s+{_AI}\b",
    r"\b(?:the\s+)?(?:correct\s+|right\s+)?answer\s+is\s+always\b",
    r"\balways\s+(?:answer|choose|pick|select|mark)\b",
    r"\b(?:system|developer)\s+prompt\b",
    r"\b(?:send|post|upload|forward|submit|leak|exfiltrate|email|e-mail)\b.{0,40}\b(?:this|the)"
    r"\s+(?:page|document|conversation|chat|data|content|text|prompt|file)\b.{0,30}"
    r"\b(?:to|at)\b.{0,10}(?:https?://|www\.|\blink\b|\burl\b|\S+@\S+)",
    r"\b(?:visit|open|click|follow|go to)\s+(?:this|the following)\s+(?:link|url)\b",
    r"\bdo\s+not\s+(?:tell|inform|mention\s+(?:this\s+)?to)\s+the\s+(?:user|reader|learner|"
    r"reviewer|human)\b",
    r"\b(?:reveal|print|repeat)\s+(?:your|the)\s+(?:system\s+)?(?:prompt|instructions)\b",
    r"\[/?inst\]|<\|im_(?:start|end)\|>|<\|system\|>|###\s*(?:system|instruction)",
    r"\bprompt\s+injection\b",
))
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]\"'`]+", re.I)

Item = TypeVar("Item")


@dataclass(frozen=True, slots=True)
class AddressedToAi:
    """A visible sentence that speaks to an AI rather than to a reader."""

    sentence: str
    pattern: str

    def to_dict(self) -> dict:
        return {"sentence": self.sentence, "pattern": self.pattern}


def addressed_to_ai(text: str) -> list[AddressedToAi]:
    """The sentences of `text` that address an AI ("ignore previous instructions", "the answer
    is always A", "send this page to this link")."""
    found: list[AddressedToAi] = []
    for sentence in split_sentences(text):
        for pattern in _PATTERNS:
            if pattern.search(sentence):
                found.append(AddressedToAi(sentence=sentence, pattern=pattern.pattern[:60]))
                break
    return found


def generation_input(chunks: Iterable[Item], *,
                     allowed_domains: Iterable[str] | None = None) -> tuple[Item, ...]:
    """What an engine may read: the chunks without their sentences addressed to an AI (a chunk
    left empty is dropped) and, when `allowed_domains` is given, without links to other domains.
    Chunks are dataclasses with a `text` (Chunk fits)."""
    allowed = None if allowed_domains is None else list(allowed_domains)
    kept: list[Item] = []
    for chunk in chunks:
        original: str = chunk.text  # type: ignore[attr-defined]
        text = original
        for finding in addressed_to_ai(text):
            text = text.replace(finding.sentence, "")
        if allowed is not None:
            for link in foreign_links(text, allowed_domains=allowed):
                text = text.replace(link, "")
        if text == original:
            kept.append(chunk)
            continue
        text = "\n".join(line for line in text.splitlines() if line.strip(" -*|>#"))
        if text.strip():
            kept.append(replace(chunk, text=text.strip()))  # type: ignore[type-var]
    return tuple(kept)


def links(text: str) -> list[str]:
    """Every web address in `text`, as written (Markdown link targets included)."""
    return [match.group(0).rstrip(".,;:!?") for match in _URL.finditer(text)]


def foreign_links(text: str, *, allowed_domains: Iterable[str]) -> list[str]:
    """The links in `text` whose host is neither an allowed domain nor one of its subdomains."""
    allowed = {domain.lower().lstrip(".").removeprefix("www.") for domain in allowed_domains
               if domain}
    return [link for link in links(text) if not _within(_host(link), allowed)]


def _host(link: str) -> str:
    rest = re.sub(r"^(?:https?://)", "", link, flags=re.I)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    return host.lower().removeprefix("www.")


def _within(host: str, allowed: set[str]) -> bool:
    return any(host == domain or host.endswith(f".{domain}") for domain in allowed)
