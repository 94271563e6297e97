"""The facts a claim checker compares in a sentence: content words, numbers, negations, opposites.

Words are reduced to crude stems so "approve", "approval" and "approver" meet; numbers are read
with their thousands commas, signs and number words ("a thousand", "fifteen").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "BREAK",
    "LABEL",
    "NEGATIONS",
    "NOT",
    "OPPOSITES",
    "STOPWORDS",
    "SentenceFacts",
    "facts",
    "plain",
    "stem",
]

_TOKEN = re.compile(
    r"[−\-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|[−\-+]?\d+(?:\.\d+)?%?|[A-Za-z]+(?:'[A-Za-z]+)?"
    r"|[,;:.!?()/]")
_BREAKS = frozenset(",;:.!?()/")
_CLAUSE_WORDS = frozenset({"and", "but", "while", "whereas", "because", "so"})
BREAK = "|"
LABEL = "#"  # joins a name's word and number: "tier#2"
NOT = "not"
_TWO_WORD_NEGATIONS = frozenset({("rather", "than"), ("instead", "of")})
_MULTIPLIERS = frozenset({"hundred", "thousand"})
_NEGATION_REACH = 2  # content words
_MAY = "maymon"  # the month May, kept apart from the verb
_CALENDAR = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "mondays", "tuesdays", "wednesdays", "thursdays", "fridays",
    "saturdays", "sundays"})
_QUANTIFIERS = frozenset({"about", "around", "approximately", "nearly", "almost", "roughly",
                          "under", "below", "above", "exactly", "less", "fewer", "within",
                          "after", "before", "until", "since", "by", "in", "on", "at"})
_CURRENCIES = frozenset({"EUR", "USD", "CAD", "GBP", "PLN", "CHF", "SEK", "DKK", "NOK", "JPY"})
_MARKUP = re.compile(r"[*_`#>|]+")
NEGATIONS = frozenset({
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot", "without",
    "n't", "don't", "doesn't", "isn't", "aren't", "wasn't", "weren't", "won't", "can't",
    "shouldn't", "mustn't", "didn't", "hasn't", "haven't", "wouldn't", "couldn't",
})
STOPWORDS = frozenset("""
a an the and or but if then than that this these those there here of to in on at by for from
with as is are was were be been being it its it's they them their he she his her we our us you
your i me my which who whom whose what when where why how so such also too very just only any
each every all either per via into onto over about up down out off again further once
do does did done has have had having will would shall should can could may might must
same other another more most some own s t one get gets got use used using make makes made
""".split())  # noqa: SIM905 - a word list reads better as text
# pairs (and small sets) a rule turns on: a claim using one where the source says another has
# swapped a condition, however alike the two sentences look
_OPPOSITE_WORDS = (
    "minor major", "released rejected", "above below", "before after", "more less fewer",
    "higher lower", "maximum minimum", "inside outside", "included excluded", "always never",
    "automatically manually", "first last", "increase decrease", "accepted rejected",
    "open closed", "earliest latest", "longer shorter", "allowed forbidden prohibited",
    "may must", "required optional",
    "minutes hours days weeks months years", "business calendar", "refund credit",
    "agent lead", "warm cold", "early late", "same next", "full partial", "pickup delivery",
    "origin destination", "shipper consignee", "sender recipient", "buyer seller",
    "larger smaller", "bigger smaller", "largest smallest", "oldest newest",
    "january february march april maymon june july august september october november december",
)
_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "dozen": 12, "twice": 2, "double": 2,
}
# "one" is a number only next to a unit-like word; elsewhere it is a pronoun ("the same one")
_PRONOUN_NUMBERS = {"one"}
_STEM_LENGTH = 6


@dataclass(frozen=True, slots=True)
class SentenceFacts:
    """What the checker compares in one sentence or passage."""

    tokens: tuple[str, ...]  # stems, numbers, "not" for a negation and "|" for a clause break
    content: tuple[str, ...]  # content stems in order, without repeats
    sequence: tuple[str, ...]  # content stems and numbers in order, with repeats
    clauses: tuple[int, ...]  # the clause each item of `sequence` stands in
    numbers: frozenset[str]
    negated: frozenset[str]  # content stems a negation governs ("never *described* as *gift*")
    negated_first: frozenset[str]  # the first content stem after each negation
    affirmed: frozenset[str]  # content stems used at least once outside a negation
    negations: int
    bare_negations: int = 0  # negations with no content word after them in their clause


def plain(text: str) -> str:
    """The text without Markdown emphasis, table bars and heading marks."""
    return " ".join(_MARKUP.sub(" ", text).split())


def stem(word: str) -> str:
    """A crude stem: plural s and -ing/-ed/-ly dropped, then the first six letters."""
    word = word.lower().replace("’", "'").removesuffix("'s").rstrip("'")
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif (word.endswith("ed") and len(word) > 4) or (word.endswith("ly") and len(word) > 5):
        word = word[:-2]
    return word[:_STEM_LENGTH]


def facts(text: str) -> SentenceFacts:
    """The stems, numbers and negations of a sentence or passage."""
    raw = _TOKEN.findall(plain(text).replace("’", "'"))
    lower = [token.lower() for token in raw]
    tokens: list[str] = []
    numbers: set[str] = set()
    content: dict[str, None] = {}
    sequence: list[str] = []
    clauses: list[int] = []  # the clause of each item of `sequence`
    breaks = 0
    index = 0
    while index < len(raw):
        # what the previous token added to `sequence` stands in the current clause
        del clauses[len(sequence):]
        clauses.extend([breaks] * (len(sequence) - len(clauses)))
        token, word = raw[index], lower[index]
        index += 1
        if token in _BREAKS or word in _CLAUSE_WORDS:
            tokens.append(BREAK)
            breaks += 1
        elif token[0].isdigit() or token[0] in "−-+":
            if _is_label(raw, index - 1):
                # "Tier 2", "TW-Sense 2": a name, not a quantity, compared as one word
                label = f"{stem(lower[index - 2])}{LABEL}{_number(token)}"
                tokens.append(label)
                content.setdefault(label, None)
                sequence.append(label)
                continue
            _add_number(_number(token), tokens=tokens, numbers=numbers, sequence=sequence)
        elif word in _NUMBER_WORDS and (word not in _PRONOUN_NUMBERS
                                        or _before_unit(lower, index - 1)):
            value = _NUMBER_WORDS[word]
            if word in _MULTIPLIERS and sequence and sequence[-1] in numbers and \
                    index >= 2 and lower[index - 2] in _NUMBER_WORDS:
                previous = sequence.pop()
                numbers.discard(previous)
                tokens.pop()
                value = float(previous) * value
            _add_number(_number(str(value)), tokens=tokens, numbers=numbers, sequence=sequence)
        elif word in NEGATIONS or word.endswith("n't"):
            tokens.append(NOT)
        elif (word, lower[index] if index < len(lower) else "") in _TWO_WORD_NEGATIONS:
            tokens.append(NOT)
            index += 1
        elif word == "may" and token == "May" and _beside_number(raw, index - 1):
            tokens.append(_MAY)  # the month, not the modal verb
            content.setdefault(_MAY, None)
            sequence.append(_MAY)
        else:
            stemmed = stem(word)
            tokens.append(stemmed)
            if word not in STOPWORDS and len(word) > 1:
                content.setdefault(stemmed, None)
                sequence.append(stemmed)
    del clauses[len(sequence):]
    clauses.extend([breaks] * (len(sequence) - len(clauses)))
    negated, affirmed = _scopes(tokens, content=set(content), reach=_NEGATION_REACH)
    first, _ = _scopes(tokens, content=set(content), reach=1)
    return SentenceFacts(tokens=tuple(tokens), content=tuple(content), sequence=tuple(sequence),
                         clauses=tuple(clauses),
                         numbers=frozenset(numbers), negated=frozenset(negated),
                         negated_first=frozenset(first), affirmed=frozenset(affirmed),
                         negations=tokens.count(NOT),
                         bare_negations=_bare_negations(tokens, content=set(content)))


def _add_number(value: str, *, tokens: list[str], numbers: set[str], sequence: list[str]) -> None:
    tokens.append(value)
    numbers.add(value)
    sequence.append(value)


def _scopes(tokens: list[str], *, content: set[str], reach: int) -> tuple[set[str], set[str]]:
    """Content stems within a negation's reach (to the clause's end), and those used outside."""
    negated: set[str] = set()
    affirmed: set[str] = set()
    left = 0
    for token in tokens:
        if token == NOT:
            left = reach
        elif token == BREAK:
            left = 0
        elif left and token in content:
            left -= 1  # stopwords do not use up a negation's reach
            negated.add(token)
        elif token in content:
            affirmed.add(token)
    return negated, affirmed


def _bare_negations(tokens: list[str], *, content: set[str]) -> int:
    """Negations that govern no content word: "(it can not be used)" negates its clause's verb,
    which the stopwords hold."""
    bare, open_negation = 0, False
    for token in tokens:
        if token == NOT:
            bare += open_negation
            open_negation = True
        elif token == BREAK:
            bare += open_negation
            open_negation = False
        elif token in content:
            open_negation = False
    return bare + open_negation


def _beside_number(raw: list[str], index: int) -> bool:
    return any(0 <= position < len(raw) and raw[position][:1].isdigit()
               for position in (index - 1, index + 1))


def _is_label(raw: list[str], index: int) -> bool:
    """"Tier 2", "TW-Sense 2", "Part 211": a capitalised word and a number name a thing."""
    previous = raw[index - 1] if index else ""
    if not (previous[:1].isupper() and previous.isalpha()) or previous in _CURRENCIES \
            or previous.lower() in _CALENDAR:
        return False
    starts_sentence = index < 2 or raw[index - 2] in _BREAKS
    # a sentence's first word is capitalised anyway: "About 38%" is a quantity
    return not starts_sentence or previous.lower() not in STOPWORDS | _QUANTIFIERS


def _before_unit(raw: list[str], index: int) -> bool:
    following = raw[index + 1] if index + 1 < len(raw) else ""
    return stem(following) in {"minute", "hour", "day", "week", "month", "year", "time",
                               "percen", "euro", "dollar", "degree", "second"}


def _number(token: str) -> str:
    """"2,500" → "2500", "−25" → "-25", "367.50" → "367.5", "15%" → "15", "+8" → "8"."""
    token = token.replace("−", "-").rstrip("%").replace(",", "").lstrip("+")
    try:
        value = float(token)
    except ValueError:
        return token
    return f"{value:g}" if abs(value) < 1e15 else token


# pairs (and small sets) a rule turns on: a claim using one where the source says another has
# swapped a condition, however alike the two sentences look
OPPOSITES: tuple[frozenset[str], ...] = tuple(
    frozenset(stem(word) for word in group.split()) for group in _OPPOSITE_WORDS)
