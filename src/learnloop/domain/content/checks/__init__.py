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

__all__ = ["ClaimVerdict", "Embedder", "PassageIndex", "Verdict", "check_claims"]
