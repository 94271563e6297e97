"""The key terms of a sentence (amounts, durations, shares, named things) and their look-alikes.

A question blanks one term; its distractors are terms of the same class from the same source
(another limit, another deadline, another named system) that the cited passage does not contain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from learnloop.llm.offline.passages import Passage
from learnloop.llm.offline.ranking import STOPWORDS

__all__ = ["Term", "distractors", "terms_of"]

_UNITS = (r"(?:%|percent|per cent|°C|degrees|minutes?|hours?|days?|working days|business days|"
          r"weeks?|months?|years?|euros?|dollars?|km|kilometres|miles|shipments?|tickets?|"
          r"customers?|people|times)")
_MONEY = re.compile(r"(?:EUR|USD|CAD|GBP|PLN|€|\$|£)\s?\d[\d,]*(?:\.\d+)?(?:\s?/\s?(?:EUR|USD|CAD"
                    r"|GBP)\s?\d[\d,]*(?:\.\d+)?)?")
_QUANTITY = re.compile(rf"[+−-]?\d[\d,]*(?:\.\d+)?\s?{_UNITS}\b|[+−-]?\d[\d,]*(?:\.\d+)?%")
_NAME = re.compile(r"\b(?:[A-Z][a-z]+|[A-Z]{2,})(?:[ -](?:[A-Z][a-z]+|[A-Z]{2,}|\d+))+\b")
_BOLD = re.compile(r"\*\*([^*]{3,40})\*\*")


@dataclass(frozen=True, slots=True)
class Term:
    text: str  # as the sentence writes it
    kind: str  # money | quantity:<unit> | name | bold


def terms_of(item: Passage) -> list[Term]:
    """The terms worth asking about, most telling first: amounts, then quantities, then names."""
    text = item.text
    found: list[Term] = [Term(match.group(0).strip(), "money") for match in _MONEY.finditer(text)]
    taken = " ".join(term.text for term in found)
    for match in _QUANTITY.finditer(text):
        value = match.group(0).strip()
        if value not in taken:
            found.append(Term(value, f"quantity:{_unit(value)}"))
    for match in _BOLD.finditer(item.quote):
        value = match.group(1).strip()
        # a bolded clause or date is no term: "If it becomes an excursion", "5 May 2025"
        if (len(value.split()) > 4 or any(char.isdigit() for char in value)
                or value.split()[0].lower() in STOPWORDS):
            continue
        if value in text and not any(value in term.text or term.text in value for term in found):
            found.append(Term(value, "bold"))
    for match in _NAME.finditer(text):
        value = match.group(0)
        first = value.split()[0].lower()
        if match.start() == 0 and first in STOPWORDS:
            continue
        if not any(value in term.text or term.text in value for term in found):
            found.append(Term(value, "name"))
    return found


def distractors(answer: Term, pool: list[Term], *, cited_text: str, count: int = 3) -> list[str]:
    """`count` plausible wrong answers of the answer's class that the cited passage never says."""
    chosen: list[str] = []
    lowered = cited_text.lower()

    def admit(value: str) -> None:
        if (len(chosen) < count and value.lower() != answer.text.lower()
                and value.lower() not in lowered and value not in chosen
                and not _same_number(value, answer.text)):
            chosen.append(value)

    for term in pool:
        if term.kind == answer.kind:
            admit(term.text)
    if answer.kind == "money" or answer.kind.startswith("quantity"):
        for value in _shifted(answer.text):
            admit(value)
    return chosen


def _unit(value: str) -> str:
    unit = re.sub(r"[\d,.\s+−-]", "", value).lower()
    return unit.rstrip("s") or "number"


def _same_number(left: str, right: str) -> bool:
    return _numbers(left) == _numbers(right)


def _numbers(value: str) -> list[str]:
    return re.findall(r"\d[\d,]*(?:\.\d+)?", value)


def _shifted(value: str) -> list[str]:
    """The same amount halved, doubled and scaled, written the way the source writes it."""
    numbers = _numbers(value)
    if not numbers:
        return []
    shifted: list[str] = []
    for factor in (2, 0.5, 1.5, 4, 0.25):
        replaced = value
        for number in numbers:
            replaced = replaced.replace(number, _format(number, factor), 1)
        shifted.append(replaced)
    return shifted


def _format(number: str, factor: float) -> str:
    plain = float(number.replace(",", ""))
    scaled = plain * factor
    decimals = len(number.split(".")[1]) if "." in number else 0
    if decimals == 0 and scaled != int(scaled):
        decimals = 1
    # "2,500" stays "5,000"; a year-like "1500" stays without a comma
    use_commas = "," in number or plain < 1000
    return f"{scaled:,.{decimals}f}" if use_commas else f"{scaled:.{decimals}f}"
