"""Non-inclusive language in learning text, with the plainer word to use instead.

A short, reviewable list: gendered job titles, ableist idioms and tech terms with better
replacements; each finding names the term and a suggestion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LanguageFinding", "non_inclusive_language"]

_TERMS = {
    "chairman": "chair", "chairmen": "chairs", "salesman": "salesperson",
    "salesmen": "salespeople", "manpower": "staff or workforce", "man-hours": "person-hours",
    "manhours": "person-hours", "mankind": "humankind", "manned": "staffed",
    "unmanned": "unstaffed", "workmanlike": "skilful", "middleman": "intermediary",
    "foreman": "supervisor", "policeman": "police officer", "fireman": "firefighter",
    "spokesman": "spokesperson", "businessman": "businessperson", "cameraman": "camera operator",
    "guys": "everyone or folks", "housewife": "homemaker", "whitelist": "allow list",
    "blacklist": "deny list", "whitelisted": "allowed", "blacklisted": "denied",
    "master/slave": "primary/replica", "slave": "replica", "grandfathered": "legacy",
    "sanity check": "quick check", "crazy": "surprising", "insane": "extreme",
    "lame": "weak", "dumb": "silly", "crippled": "impaired", "cripple": "impair",
    "handicapped": "disabled", "retarded": "slow", "tone-deaf": "insensitive",
    "blind spot": "gap", "he or she": "they", "his or her": "their", "manmade": "artificial",
    "man-made": "artificial", "ladies and gentlemen": "everyone",
    "native speaker": "fluent speaker",
}
_PATTERN = re.compile(r"\b(" + "|".join(re.escape(term) for term in
                                        sorted(_TERMS, key=len, reverse=True)) + r")\b", re.I)


@dataclass(frozen=True, slots=True)
class LanguageFinding:
    term: str
    suggestion: str

    def to_dict(self) -> dict:
        return {"term": self.term, "suggestion": self.suggestion}


def non_inclusive_language(text: str) -> list[LanguageFinding]:
    found: dict[str, LanguageFinding] = {}
    for match in _PATTERN.finditer(text):
        term = match.group(1).lower()
        found.setdefault(term, LanguageFinding(match.group(1), _TERMS[term]))
    return list(found.values())
