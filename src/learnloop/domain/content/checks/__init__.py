"""Quality checks on learning content: claims against their source, and the rest a reviewer sees.

Pure: the sentence-embedding model is passed in (learnloop.content.embedding loads one).
"""

from learnloop.domain.content.checks.claims import (
    ClaimVerdict,
    Embedder,
    PassageIndex,
    Verdict,
    check_claims,
)
from learnloop.domain.content.checks.component import (
    AnswerKeyCheck,
    ComponentChecks,
    check_component,
)
from learnloop.domain.content.checks.hostile import (
    AddressedToAi,
    addressed_to_ai,
    foreign_links,
    generation_input,
)

__all__ = [
    "AddressedToAi",
    "AnswerKeyCheck",
    "ClaimVerdict",
    "ComponentChecks",
    "Embedder",
    "PassageIndex",
    "Verdict",
    "addressed_to_ai",
    "check_claims",
    "check_component",
    "foreign_links",
    "generation_input",
]
