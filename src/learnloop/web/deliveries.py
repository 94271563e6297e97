"""Console pages of the delivery agent: the learner's inbox (act on items, answer review items,
play role-plays), signed links from messages, and for staff the delivery plans, channel health
and dead letters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from learnloop.delivery.interactions import Answer, interact
from learnloop.delivery.links import read_link_token
from learnloop.delivery.outbox import configured_channels
from learnloop.delivery.plans import adjust_plan, approve_plan
from learnloop.delivery.practice import finish_practice, say, scenario_of, start_practice
from learnloop.delivery.reinforcement import answer_review, due_for
from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.delivery.messages import Interaction
from learnloop.errors import ForbiddenError, NotFoundError
from learnloop.serving.csrf import CsrfFormDep
from learnloop.serving.deps import (
    LARGEST_NUMBER,
    JobsDep,
    OrganisationDep,
    RoleDocumentedRoute,
    SessionDep,
    StaffDep,
    WorkspaceDep,
    require_roles,
)
from learnloop.store.deliveries import channel_health, dead_letter, delivery_by_key, inbox, replay
from learnloop.store.delivery_plans import delivery_plan, delivery_plans
from learnloop.store.practice import attempt
from learnloop.web.rendering import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=RoleDocumentedRoute)

A = AccessRole
Person = Annotated[Principal, require_roles(A.LEARNER, A.MANAGER)]
Staff = StaffDep
Number = Annotated[int, Path(ge=1, le=LARGEST_NUMBER)]


def _own(principal: Principal) -> int:
    if principal.person_id is None:
        raise ForbiddenError("this token belongs to no person, so it has no inbox")
    return principal.person_id


@router.get("/inbox", response_class=HTMLResponse)
def my_inbox(request: Request, session: SessionDep, organisation: OrganisationDep,
             principal: Person) -> HTMLResponse:
    """My inbox: what I was sent, with why, and the review items due now."""
    person_id = _own(principal)
    return page(request, "inbox.html", principal, organisation,
                items=inbox(session, organisation_id=principal.organisation_id,
                            person_id=person_id),
                reviews=due_for(session, organisation_id=principal.organisation_id,
                                person_id=person_id))


# the fixed paths first: /inbox/{delivery_id}/{action} would also match them
@router.post("/inbox/reviews/{item_id}")
def answer_in_inbox(
    item_id: Number, session: SessionDep, principal: Person, _csrf: CsrfFormDep,
    answer: Annotated[str, Form(max_length=500)] = "",
    rating: Annotated[str | None, Form(max_length=8)] = None,
) -> RedirectResponse:
    answer_review(session, organisation_id=principal.organisation_id, person_id=_own(principal),
                  item_id=item_id, answer=answer, rating=rating, actor=principal.actor)
    return RedirectResponse("/inbox#reviews", status_code=303)


def _linked(session, workspace, token: str):  # noqa: ANN001, ANN202 - two route helpers
    organisation_id, key, action = read_link_token(workspace.settings.session_secret(), token)
    found = delivery_by_key(session, organisation_id=organisation_id, key=key)
    if found is None:
        raise NotFoundError("this link's message no longer exists")
    return organisation_id, found, action


@router.get("/inbox/links/{token}", response_class=HTMLResponse)
def open_link(request: Request, token: Annotated[str, Path(max_length=400)],
              session: SessionDep, workspace: WorkspaceDep) -> HTMLResponse:
    """A signed link from a message: opening it counts as opening the message; the other
    actions are confirmed with a button (mail scanners follow links, they do not press)."""
    organisation_id, found, action = _linked(session, workspace, token)
    if found.status == "sent" and found.opened_at is None:
        found = interact(session, organisation_id=organisation_id, delivery_id=found.id,
                         action=Interaction.OPEN, actor="link",
                         public_url=workspace.settings.public_url)
    return page(request, "inbox_link.html", None, None, item=found, action=str(action),
                token=token, done=False)


@router.post("/inbox/links/{token}", response_class=HTMLResponse)
def act_by_link(request: Request, token: Annotated[str, Path(max_length=400)],
                session: SessionDep, workspace: WorkspaceDep, _csrf: CsrfFormDep,
                rating: Annotated[int | None, Form(ge=1, le=5)] = None,
                comment: Annotated[str | None, Form(max_length=2000)] = None) -> HTMLResponse:
    organisation_id, found, action = _linked(session, workspace, token)
    found = interact(session, organisation_id=organisation_id, delivery_id=found.id,
                     action=action, actor="link", answer=Answer(rating=rating,
                                                                comment=comment or None),
                     public_url=workspace.settings.public_url)
    return page(request, "inbox_link.html", None, None, item=found, action=str(action),
                token=token, done=True)


@router.post("/inbox/{delivery_id}/{action}")
def act_in_inbox(
    delivery_id: Number, action: Interaction, session: SessionDep, workspace: WorkspaceDep,
    principal: Person, _csrf: CsrfFormDep,
    rating: Annotated[int | None, Form(ge=1, le=5)] = None,
    comment: Annotated[str | None, Form(max_length=2000)] = None,
    response: Annotated[str | None, Form(max_length=2000)] = None,
) -> RedirectResponse:
    interact(session, organisation_id=principal.organisation_id, delivery_id=delivery_id,
             person_id=_own(principal), action=action, actor=principal.actor,
             answer=Answer(rating=rating, comment=comment or None, response=response),
             public_url=workspace.settings.public_url)
    return RedirectResponse(f"/inbox#d{delivery_id}", status_code=303)


@router.post("/practice")
def start_practice_page(session: SessionDep, principal: Person, _csrf: CsrfFormDep,
                        delivery_id: Annotated[int, Form(ge=1, le=LARGEST_NUMBER)],
                        ) -> RedirectResponse:
    started = start_practice(session, organisation_id=principal.organisation_id,
                             person_id=_own(principal), delivery_id=delivery_id)
    return RedirectResponse(f"/practice/{started.id}", status_code=303)


@router.get("/practice/{attempt_id}", response_class=HTMLResponse)
def practice_page(request: Request, attempt_id: Number, session: SessionDep,
                  organisation: OrganisationDep, principal: Person) -> HTMLResponse:
    """A role-play: the conversation so far, your turn, and the rubric feedback at the end."""
    person_id = _own(principal)
    found = attempt(session, organisation_id=principal.organisation_id, person_id=person_id,
                    attempt_id=attempt_id)
    scenario = scenario_of(session, organisation_id=principal.organisation_id,
                           person_id=person_id, delivery_id=found.delivery_id)
    return page(request, "practice.html", principal, organisation, attempt=found,
                scenario=scenario)


@router.post("/practice/{attempt_id}/turns")
def say_page(attempt_id: Number, session: SessionDep, principal: Person, _csrf: CsrfFormDep,
             text: Annotated[str, Form(min_length=1, max_length=4000)]) -> RedirectResponse:
    say(session, organisation_id=principal.organisation_id, person_id=_own(principal),
        attempt_id=attempt_id, text=text)
    return RedirectResponse(f"/practice/{attempt_id}", status_code=303)


@router.post("/practice/{attempt_id}/finish")
def finish_page(attempt_id: Number, session: SessionDep, workspace: WorkspaceDep,
                principal: Person, _csrf: CsrfFormDep) -> RedirectResponse:
    finish_practice(session, organisation_id=principal.organisation_id,
                    person_id=_own(principal), attempt_id=attempt_id, actor=principal.actor,
                    public_url=workspace.settings.public_url)
    return RedirectResponse(f"/practice/{attempt_id}#feedback", status_code=303)


@router.get("/deliveries/plans", response_class=HTMLResponse)
def plans_page(request: Request, session: SessionDep, organisation: OrganisationDep,
               principal: Staff) -> HTMLResponse:
    """Delivery plans: drafts to preview and approve, and what was sent."""
    return page(request, "delivery_plans.html", principal, organisation,
                plans=delivery_plans(session, organisation_id=principal.organisation_id))


@router.get("/deliveries/plans/{key}", response_class=HTMLResponse)
def plan_page(request: Request, key: Annotated[str, Path(max_length=128)], session: SessionDep,
              organisation: OrganisationDep, principal: Staff) -> HTMLResponse:
    """One plan: message and why, the hold-out, each person's channel and send times."""
    return page(request, "delivery_plan.html", principal, organisation,
                plan=delivery_plan(session, organisation_id=principal.organisation_id, key=key))


@router.post("/deliveries/plans/{key}/approve")
def approve_from_console(key: Annotated[str, Path(max_length=128)], session: SessionDep,
                         principal: Staff, _csrf: CsrfFormDep) -> RedirectResponse:
    approve_plan(session, organisation_id=principal.organisation_id, key=key,
                 actor=principal.actor)
    return RedirectResponse(f"/deliveries/plans/{key}", status_code=303)


@router.post("/deliveries/plans/{key}/adjust")
def adjust_from_console(
    key: Annotated[str, Path(max_length=128)], session: SessionDep, workspace: WorkspaceDep,
    principal: Staff, _csrf: CsrfFormDep,
    holdout: Annotated[float | None, Form(gt=0, lt=1)] = None,
    seed: Annotated[int | None, Form(ge=0, le=2**31 - 1)] = None,
    title: Annotated[str | None, Form(max_length=300)] = None,
    exclude: Annotated[str, Form(max_length=20000)] = "",
) -> RedirectResponse:
    """Adjust a draft from its page: hold-out, seed, title, people left out (comma-separated)."""
    adjust_plan(session, organisation_id=principal.organisation_id, settings=workspace.settings,
                key=key, actor=principal.actor, holdout_fraction=holdout, seed=seed,
                title=title or None,
                exclude=tuple(part.strip() for part in exclude.split(",") if part.strip()))
    return RedirectResponse(f"/deliveries/plans/{key}", status_code=303)


@router.get("/deliveries/channels", response_class=HTMLResponse)
def channels_page(request: Request, session: SessionDep, workspace: WorkspaceDep,
                  organisation: OrganisationDep, principal: Staff) -> HTMLResponse:
    """Channel health: what each channel sent, is retrying or failed, and its last error."""
    return page(request, "delivery_channels.html", principal, organisation,
                channels=channel_health(session, organisation_id=principal.organisation_id,
                                        configured=configured_channels(workspace.settings)))


@router.get("/deliveries/dead-letter", response_class=HTMLResponse)
def dead_letter_page(request: Request, session: SessionDep, organisation: OrganisationDep,
                     principal: Staff) -> HTMLResponse:
    """The dead-letter list: deliveries that failed for good or are in doubt; admins replay."""
    return page(request, "dead_letter.html", principal, organisation,
                items=dead_letter(session, organisation_id=principal.organisation_id))


@router.post("/deliveries/dead-letter/{delivery_id}/replay")
def replay_from_console(delivery_id: Number, session: SessionDep, jobs: JobsDep,
                        principal: Annotated[Principal, require_roles(A.ADMIN)],
                        _csrf: CsrfFormDep) -> RedirectResponse:
    found = replay(session, organisation_id=principal.organisation_id, delivery_id=delivery_id)
    jobs.enqueue_deliveries(session, [(found.id, found.next_attempt_at)])
    return RedirectResponse("/deliveries/dead-letter", status_code=303)
