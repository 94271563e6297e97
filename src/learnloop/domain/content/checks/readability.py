"""Readability and length of learning text, computed here (no textstat, no NLTK download).

Flesch reading ease and Flesch-Kincaid grade from a vowel-group syllable count; length budgets
per component kind, in words, so micro content stays micro.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from learnloop.domain.content.sentences import split_sentences

__all__ = ["LENGTH_BUDGETS", "Readability", "readability", "word_count"]

# most words a component of each kind may have in all (its learner-facing text)
LENGTH_BUDGETS = {
    "summary": 250, "key_points": 200, "job_aid": 350, "knowledge_check": 900,
    "flashcards": 700, "role_play": 700, "manager_brief": 450, "translation": 1200,
}
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,]\d+)*")
_VOWELS = re.compile(r"[aeiouy]+")


@dataclass(frozen=True, slots=True)
class Readability:
    words: int
    sentences: int
    reading_ease: float  # Flesch: 60-70 is plain English, below 30 is hard
    grade: float  # Flesch-Kincaid school grade

    def to_dict(self) -> dict:
        return {"words": self.words, "sentences": self.sentences,
                "reading_ease": round(self.reading_ease, 1), "grade": round(self.grade, 1)}


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def readability(text: str) -> Readability:
    words = _WORD.findall(text)
    sentences = max(len(split_sentences(text)), 1)
    if not words:
        return Readability(0, 0, 100.0, 0.0)
    syllables = sum(_syllables(word) for word in words)
    per_sentence = len(words) / sentences
    per_word = syllables / len(words)
    return Readability(
        words=len(words), sentences=sentences,
        reading_ease=206.835 - 1.015 * per_sentence - 84.6 * per_word,
        grade=0.39 * per_sentence + 11.8 * per_word - 15.59)


def _syllables(word: str) -> int:
    if word[0].isdigit():
        return 1
    word = word.lower()
    count = len(_VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1  # a silent final e
    return max(count, 1)
