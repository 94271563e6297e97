"""check_component on hand-made components: answer keys, translations, length budgets,
readability, inclusive language and personal data, as a reviewer sees them."""

from __future__ import annotations

import pytest

from learnloop.content.embedding import default_embedder
from learnloop.domain.content.checks import check_component
from learnloop.domain.content.checks.readability import readability
from learnloop.domain.content.chunks import chunk_source
from learnloop.domain.content.components import (
    Citation,
    KnowledgeCheckBody,
    Question,
    Statement,
    SummaryBody,
    TranslatedItem,
    TranslationBody,
)

SOURCE = """# Refunds

## Timelines

The customer must notify us of an excursion within 14 calendar days of delivery.
We send the Excursion Report within 4 business hours of a request.
"""
CHUNKS = chunk_source(SOURCE, source_key="refunds", version=1)
CITED = Citation(chunk_id=CHUNKS[0].id, quote=CHUNKS[0].text)


@pytest.fixture(scope="module")
def embedder():  # noqa: ANN201 - the packaged embedding model
    return default_embedder()


def _question(options: list[str], answer: int) -> Question:
    return Question(stem="The customer must notify us of an excursion within",
                    options=options, answer=answer, rationale="Section 7.4.", citation=CITED)


def test_a_good_question_passes_its_answer_key_check(embedder) -> None:  # noqa: ANN001
    body = KnowledgeCheckBody(title="Timelines", questions=[_question(
        ["14 calendar days of delivery.", "30 calendar days of delivery.",
         "7 calendar days of delivery."], 0)])
    checks = check_component("knowledge_check", body, CHUNKS, embedder=embedder)
    assert [key.ok for key in checks.answer_keys] == [True] and checks.passed


def test_a_wrong_key_and_a_true_distractor_are_problems(embedder) -> None:  # noqa: ANN001
    wrong = _question(["30 calendar days of delivery.", "14 calendar days of delivery."], 0)
    checks = check_component("knowledge_check", KnowledgeCheckBody(title="T", questions=[wrong]),
                             CHUNKS, embedder=embedder)
    key, = checks.answer_keys
    assert not key.answer_supported and key.supported_distractors == (
        "14 calendar days of delivery.",)
    assert not checks.passed and any("question 1" in problem for problem in checks.problems)


def test_a_translation_is_grounded_through_the_sentence_it_renders(embedder) -> None:  # noqa: ANN001
    body = TranslationBody(title="Fristen", language="de", base_kind="summary", items=[
        TranslatedItem(original="We send the Excursion Report within 4 business hours of a "
                                "request.",
                       text="Wir senden den Bericht innerhalb von 4 Geschäftsstunden.",
                       citations=[CITED])])
    checks = check_component("translation", body, CHUNKS, embedder=embedder)
    assert checks.grounded_share == 1.0 and checks.passed


def test_length_inclusive_language_and_personal_data_are_reported(embedder) -> None:  # noqa: ANN001
    sentence = "The customer must notify us of an excursion within 14 calendar days of delivery."
    body = SummaryBody(title="Guys, a chairman's sanity check", sentences=[
        Statement(text=" ".join([sentence] * 5), citations=[CITED]) for _ in range(4)] + [
        Statement(text="Ask Ruud Visser on +31 10 123 4567.", citations=[CITED])])
    checks = check_component("summary", body, CHUNKS, embedder=embedder,
                             people_names=["Ruud Visser"])
    stored = checks.to_dict()
    assert stored["length"]["within"] is False and stored["length"]["budget"] == 250
    assert {found["term"].lower() for found in stored["inclusive_language"]} == {
        "guys", "chairman", "sanity check"}
    assert {(found["kind"], found["text"]) for found in stored["personal_data"]} == {
        ("name", "Ruud Visser"), ("phone", "+31 10 123 4567")}
    assert any("words; a summary has at most 250" in problem for problem in checks.problems)


def test_readability_is_computed_without_a_download() -> None:
    easy = readability("The cat sat on the mat. It was warm.")
    hard = readability("Temperature-controlled pharmaceutical logistics necessitates "
                       "comprehensive documentation of environmental excursions.")
    assert easy.reading_ease > 80 > 20 > hard.reading_ease and easy.grade < hard.grade
    assert (easy.words, easy.sentences) == (9, 2)


def test_personal_data_patterns_each_find_their_kind_once() -> None:
    from learnloop.domain.content.checks.personal_data import personal_data

    text = ("Card 4111 1111 1111 1111, phone +31 10 123 4567. IBAN NL91 ABNA 0417 1643 00, SSN "
            "123-45-6789, employee id: TW1002, mail a.b@x.example, on Sundays 02:00–04:00 for "
            "EUR 2,140 in 2025. Leo wrote it; Marsh read it.")
    found = {(item.kind, item.text) for item in personal_data(text, people_names=["Leo Marsh"])}
    assert found == {("card_number", "4111 1111 1111 1111"), ("phone", "+31 10 123 4567"),
                     ("iban", "NL91 ABNA 0417 1643 00"), ("national_id", "123-45-6789"),
                     ("employee_id", "employee id: TW1002"), ("email", "a.b@x.example"),
                     ("name", "Leo Marsh")}
