"""How a sentence can disagree with the passage it is about: a changed number, a negation added
or dropped, an opposite word, another member of a contrast set, two swapped pairs, or a word put
where the passage says another. Each rule returns the reason, or None.
"""

from __future__ import annotations

from collections import Counter

from learnloop.domain.content.checks.passages import Passage
from learnloop.domain.content.checks.text import LABEL, OPPOSITES, SentenceFacts

__all__ = ["conflict", "gap"]

_GAP_WORDS = 3  # the most words a passage may say where the sentence says another


def conflict(claim: SentenceFacts, passage: Passage, *,
             contrasts: list[frozenset[tuple[str, ...]]]) -> str | None:
    """Why the sentence contradicts the passage, or None."""
    return (_number_conflict(claim, passage) or _label_conflict(claim, passage)
            or _negation_conflict(claim, passage)
            or _opposite_conflict(claim, passage)
            or _contrast_conflict(claim, passage, contrasts)
            or _crossed(claim, passage))


def _number_conflict(claim: SentenceFacts, passage: Passage) -> str | None:
    missing = sorted(claim.numbers - passage.facts.numbers - passage.context_facts.numbers)
    said = sorted(passage.facts.numbers)
    if not missing:
        return _repeated_number(claim, passage)
    if said:
        return f"the passage says {', '.join(said[:5])}, not {', '.join(missing)}"
    return f"the passage does not say {', '.join(missing)}"


def _repeated_number(claim: SentenceFacts, passage: Passage) -> str | None:
    """A number the sentence says more often than the passage: "below 2 °C" where the passage
    says "below 0 °C" beside two other 2s."""
    ours = Counter(item for item in claim.sequence if item in claim.numbers)
    theirs = Counter(item for item in passage.facts.sequence if item in passage.facts.numbers)
    theirs.update(item for item in passage.context_facts.sequence
                  if item in passage.context_facts.numbers)
    for number, count in ours.items():
        if count > theirs[number]:
            times = "once" if theirs[number] == 1 else f"{theirs[number]} times"
            return (f"the sentence says {number} {count} times; the passage {times} "
                    f"(its numbers: {', '.join(sorted(passage.facts.numbers)[:5])})")
    return None


def _label_conflict(claim: SentenceFacts, passage: Passage) -> str | None:
    """"Tier 3" where the passage says "Tier 2"."""
    said = {token for token in passage.facts.content if LABEL in token}
    for label in (token for token in claim.content if LABEL in token and token not in said):
        name = label.split(LABEL)[0]
        others = sorted(token for token in said if token.split(LABEL)[0] == name)
        if others:
            return (f"the passage says {others[0].replace(LABEL, ' ')}, not "
                    f"{label.replace(LABEL, ' ')}")
    return None


def _negation_conflict(claim: SentenceFacts, passage: Passage) -> str | None:
    """A word the sentence negates that the passage only affirms, or the other way round."""
    # negations reach to the end of their clause, so a joined passage is read as a whole: a
    # word counts as affirmed (or negated) if any of its sentences does so
    said = passage.facts
    for word in claim.content:
        if word in claim.negated_first and word in said.affirmed and word not in said.negated:
            return f"the sentence negates {word!r}; the passage affirms it"
        # a sentence with negations of its own is compared on what it negates, above
        if not claim.negations and word in said.negated and word not in said.affirmed:
            return f"the passage negates {word!r}; the sentence affirms it"
    # "(it can not be used)" against "(it can be used)": the negation governs the verb alone
    if claim.bare_negations > said.bare_negations and claim.negations > said.negations \
            and set(claim.content) <= set(said.content) | set(passage.context_facts.content):
        return "the sentence negates what the passage affirms"
    return None


def _opposite_conflict(claim: SentenceFacts, passage: Passage) -> str | None:
    claimed = set(claim.tokens)
    said = set(passage.facts.tokens)
    around = said | set(passage.context_facts.tokens)
    for group in OPPOSITES:
        claim_terms = (group & claimed) - around
        passage_terms = (group & said) - claimed
        if claim_terms and passage_terms:
            return (f"the sentence says {', '.join(sorted(claim_terms))} where the passage says "
                    f"{', '.join(sorted(passage_terms))}")
    return None


def _contrast_conflict(claim: SentenceFacts, passage: Passage,
                       contrasts: list[frozenset[tuple[str, ...]]]) -> str | None:
    claimed = set(claim.content)
    said = set(passage.facts.content) | set(passage.context_facts.content)
    for group in contrasts:
        claim_terms = {term for term in group if set(term) <= claimed and not set(term) <= said}
        passage_terms = {term for term in group if set(term) <= said and not set(term) <= claimed}
        if claim_terms and passage_terms:
            return (f"the sentence says {_phrase(claim_terms)} where the passage says "
                    f"{_phrase(passage_terms)}")
    return None


def _crossed(claim: SentenceFacts, passage: Passage) -> str | None:
    """Two pairs swapped: the passage says "a x, b y", the sentence "a y, b x"."""
    ours = set(zip(claim.sequence, claim.sequence[1:], strict=False))
    theirs = set(zip(passage.facts.sequence, passage.facts.sequence[1:], strict=False))
    for first, second in ours - theirs:
        for other_first, other_second in theirs:
            if other_first == first and other_second != second and \
                    (_swap_partner(theirs, ours, second=second, first=first,
                                   other_second=other_second)):
                return (f"the sentence pairs {first} with {second}; the passage pairs it "
                        f"with {other_second}")
    return None


def _swap_partner(theirs: set[tuple[str, str]], ours: set[tuple[str, str]], *, second: str,
                  first: str, other_second: str) -> bool:
    return any(partner_second == second and partner_first != first
               and (partner_first, other_second) in ours
               for partner_first, partner_second in theirs)


def gap(claim: SentenceFacts, passage: Passage, *, said: set[str]) -> str | None:
    """Words of the sentence missing where the passage, between the same neighbours, says other
    words ("calls the *customer*" against "calls the *driver*") or nothing at all."""
    ours = claim.sequence
    theirs = passage.facts.sequence
    clauses = passage.facts.clauses
    wanted = set(ours)
    places: dict[str, list[int]] = {}
    for position, word in enumerate(theirs):
        places.setdefault(word, []).append(position)
    index = 0
    while index < len(ours):
        if ours[index] in said:
            index += 1
            continue
        end = index
        while end < len(ours) and ours[end] not in said:
            end += 1
        run = " ".join(ours[index:end])
        left = places.get(ours[index - 1], []) if index else []
        right = places.get(ours[end], []) if end < len(ours) else []
        if left and right:
            # within one clause of the passage: "late, Tidewell-caused; 15%" is no slot
            spans = [theirs[start + 1:stop] for start in left for stop in right
                     if 0 <= stop - start - 1 <= _GAP_WORDS
                     and clauses[start] == clauses[stop]]
        elif left and end == len(ours):  # the sentence's last words
            spans = [theirs[start + 1:start + 2] for start in left if start + 1 < len(theirs)]
        else:
            spans = []
        for span in spans:
            if span and not set(span) & wanted:
                return f"the passage says {' '.join(span)!r} where the sentence says {run!r}"
            if not span and end - index > 1:
                return f"the passage does not say {run!r}"
        index = end
    return None


def _phrase(terms: set[tuple[str, ...]]) -> str:
    return ", ".join(sorted(" ".join(term) for term in terms))
