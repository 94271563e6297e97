"""Personal data in learning text: the imported people's names, e-mail addresses, phone numbers
and identifiers (IBANs, card and national id numbers, employee ids)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["PersonalData", "personal_data"]

# the specific kinds first: a phone-like run of digits inside one of them is not a phone
_PATTERNS = (
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b")),
    ("card_number", re.compile(r"\b(?:\d{4}[\s-]){3}\d{4}\b")),
    ("national_id", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),  # a US social security number
    ("employee_id", re.compile(r"\b(?:employee|staff|personnel|badge)\s+(?:id|no\.?|number)"
                               r"\s*:?\s*[A-Z0-9-]{3,}\b", re.I)),
    ("phone", re.compile(r"(?<![\w.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?"
                         r"\d{2,4}(?:[\s.-]\d{2,4}){2,4}(?!\w|\.\d)")),
)


@dataclass(frozen=True, slots=True)
class PersonalData:
    kind: str  # name | email | phone | iban | card_number | national_id | employee_id
    text: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text}


def personal_data(text: str, *, people_names: Iterable[str] = ()) -> list[PersonalData]:
    """What in `text` identifies a person; `people_names` are the imported people's names (a
    full name, or a first and last name both present, counts)."""
    found: list[PersonalData] = []
    lowered = text.lower()
    for name in people_names:
        parts = name.split()
        if len(parts) < 2:
            continue
        if re.search(rf"\b{re.escape(name.lower())}\b", lowered) or all(
                re.search(rf"\b{re.escape(part.lower())}\b", lowered) for part in parts[-2:]):
            found.append(PersonalData("name", name))
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            value = match.group(0).strip()
            if kind == "phone" and sum(character.isdigit() for character in value) < 8:
                continue  # "2024 05 01", "10 000": too short for a phone number
            taken.append(match.span())
            found.append(PersonalData(kind, value))
    return found
