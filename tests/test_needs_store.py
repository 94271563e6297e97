"""The needs store: saved by key, read in rank order, one organisation never sees another's."""

from __future__ import annotations

import pytest

from learnloop.domain.needs import NeedKind, NeedStatus, draft_need
from learnloop.errors import NotFoundError
from learnloop.store.needs import need, needs, save_needs
from learnloop.store.organisations import ensure_organisation
from learnloop.workspace import Workspace


def test_needs_are_saved_by_key_and_read_in_rank_order(workspace: Workspace) -> None:
    with workspace.session() as session:
        org = ensure_organisation(session, "acme").id
        other = ensure_organisation(session, "other").id
        first, second = save_needs(session, organisation_id=org, needs=[
            draft_need("b", "Second", rank=2, team_keys=("t1",), evidence={"gap": 1.0}),
            draft_need("a", "First", rank=1, kind=NeedKind.INVESTIGATE)])
        again, = save_needs(session, organisation_id=org, needs=[
            draft_need("b", "Second, refreshed", rank=2, person_keys=("p1", "p2"))])
        assert again.id == first.id and again.person_keys == ("p1", "p2")
        assert [n.key for n in needs(session, organisation_id=org)] == ["a", "b"]
        assert needs(session, organisation_id=org, status=NeedStatus.DISMISSED) == []
        assert need(session, organisation_id=org, need_id=second.id).kind is NeedKind.INVESTIGATE
        with pytest.raises(NotFoundError):
            need(session, organisation_id=other, need_id=second.id)
