"""The review states of one component version and the moves between them.

draft → in_review → (changes_requested → in_review …) → approved → published → retired; any
state but retired may be retired (withdrawn). Pure: the one service in governance/ applies it.
"""

from __future__ import annotations

from enum import StrEnum

from learnloop.errors import ConflictError

__all__ = ["OPEN_STATES", "ReviewAction", "ReviewState", "next_state"]


class ReviewState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    PUBLISHED = "published"
    RETIRED = "retired"


class ReviewAction(StrEnum):
    SUBMIT = "submit"
    REQUEST_CHANGES = "request_changes"
    APPROVE = "approve"
    PUBLISH = "publish"
    RETIRE = "retire"


S, A = ReviewState, ReviewAction

# states a reviewer still has to act on (the review queue)
OPEN_STATES = (S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED)

_MOVES: dict[tuple[ReviewState, ReviewAction], ReviewState] = {
    (S.DRAFT, A.SUBMIT): S.IN_REVIEW,
    (S.CHANGES_REQUESTED, A.SUBMIT): S.IN_REVIEW,
    (S.IN_REVIEW, A.REQUEST_CHANGES): S.CHANGES_REQUESTED,
    (S.IN_REVIEW, A.APPROVE): S.APPROVED,
    (S.APPROVED, A.PUBLISH): S.PUBLISHED,
    **{(state, A.RETIRE): S.RETIRED for state in S if state is not S.RETIRED},
}

_HINTS = {
    A.SUBMIT: "only a draft or a component with changes requested can be submitted",
    A.REQUEST_CHANGES: "changes can be requested only while it is in review",
    A.APPROVE: "only a component in review can be approved (submit it first)",
    A.PUBLISH: "only an approved component can be published",
    A.RETIRE: "it is already retired",
}


def next_state(state: ReviewState | str, action: ReviewAction | str) -> ReviewState:
    """The state `action` leads to from `state`; ConflictError saying why when it cannot."""
    state, action = ReviewState(state), ReviewAction(action)
    moved = _MOVES.get((state, action))
    if moved is None:
        raise ConflictError(f"cannot {action.value.replace('_', ' ')} a component that is "
                            f"{state.value.replace('_', ' ')}: {_HINTS[action]}")
    return moved
