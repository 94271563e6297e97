"""Delivery plans: for a need (and the pack that answers it), the audience is the need's
population, split by a stratified randomised hold-out, and each treated person gets send times
within their weekly cap and outside their quiet hours, through their channel. L&D previews,
adjusts and approves; sending queues the deliveries. Every step is an event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from learnloop.config import Settings
from learnloop.delivery.outbox import Addressed, channel_for, queue_messages
from learnloop.delivery.reinforcement import add_reviews_from
from learnloop.domain.content.components import FlashcardsBody, KnowledgeCheckBody, RolePlayBody
from learnloop.domain.delivery.messages import Message
from learnloop.domain.delivery.plans import DeliveryPlan, Planned, PlanStatus
from learnloop.domain.delivery.scheduling import QuietHours, schedule_person
from learnloop.domain.delivery.why import why_of_need
from learnloop.domain.events import utcnow
from learnloop.domain.interventions import InterventionSource, assign_holdout, check_holdout
from learnloop.errors import ConflictError, InputError, NotFoundError
from learnloop.store import Session
from learnloop.store.content import components_by_id
from learnloop.store.deliveries import deliveries, sent_times
from learnloop.store.delivery_plans import delivery_plan, save_plan
from learnloop.store.event_log import EventLog
from learnloop.store.interventions import create_intervention, people_teams
from learnloop.store.needs import need_by_key
from learnloop.store.preferences import reach_of
from learnloop.store.reviews import published_ids

__all__ = ["PLAN_EVENTS", "adjust_plan", "approve_plan", "make_plan", "plan_status", "send_plan"]

PLAN_EVENTS = ("delivery.plan_created", "delivery.plan_adjusted", "delivery.plan_approved",
               "delivery.plan_sent")
PLAN_SUBJECT = "delivery_plan"


def _message_for(need_title: str, pack_key: str | None, skill: str | None) -> Message:
    topic = skill or need_title
    paragraphs = [f"A short piece on {topic}, picked because of what your team is working on.",
                  "It takes a few minutes; open it when it suits you."]
    if pack_key:
        paragraphs.append(f"Learning pack: {pack_key}.")
    return Message(title=need_title, paragraphs=tuple(paragraphs))


def _review_body(body: dict[str, Any]) -> FlashcardsBody | KnowledgeCheckBody:
    kind = body.get("kind") if isinstance(body, dict) else None
    model = {"flashcards": FlashcardsBody, "knowledge_check": KnowledgeCheckBody}.get(str(kind))
    if model is None:
        raise InputError(f"reviews: a flashcards or knowledge_check body, not {kind!r}")
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise InputError(f"reviews: not a {kind} body: {error.errors()[0]['msg']}") from None


_PRACTICE_KINDS = ("role_play",)
_REVIEW_KINDS = ("flashcards", "knowledge_check")


def _published_parts(session: Session, *, organisation_id: int, component_ids: Sequence[int],
                     ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The practice body and the review bodies of the components a plan carries. Only a
    version the review gates published may reach learners: a draft, a version in review or a
    retired one is refused, naming it."""
    wanted = list(dict.fromkeys(component_ids))
    found = {item.id: item for item in components_by_id(
        session, organisation_id=organisation_id, component_ids=wanted)}
    missing = [str(number) for number in wanted if number not in found]
    if missing:
        raise NotFoundError(f"components: no component {', '.join(missing)}")
    published = set(published_ids(session, organisation_id=organisation_id).values())
    unpublished = [f"{found[number].key} v{found[number].version} (id {number})"
                   for number in wanted if number not in published]
    if unpublished:
        raise ConflictError(
            "components: only published components reach learners; not published: "
            + ", ".join(unpublished))
    practice: dict[str, Any] | None = None
    reviews: list[dict[str, Any]] = []
    for number in wanted:
        item = found[number]
        if item.kind in _PRACTICE_KINDS and practice is None:
            practice = {**item.body, "kind": item.kind}
        elif item.kind in _REVIEW_KINDS:
            reviews.append({**item.body, "kind": item.kind})
        else:
            carried = "one role_play" if item.kind in _PRACTICE_KINDS else \
                "a role_play, flashcards or knowledge_check"
            raise InputError(f"components: a plan carries {carried}; {item.key} is "
                             f"{item.kind}")
    return practice, reviews


def _population(session: Session, *, organisation_id: int, need: Any) -> dict[str, str]:
    """Person key → team key: the need's people, or everyone active in its teams."""
    if need.person_keys:
        return people_teams(session, organisation_id=organisation_id,
                            person_keys=need.person_keys)
    everyone = people_teams(session, organisation_id=organisation_id)
    return {key: team for key, team in everyone.items() if team in set(need.team_keys)}


def _schedule(session: Session, *, organisation_id: int, settings: Settings,
              groups: dict[str, str], teams: dict[str, str], start: datetime, steps: int,
              spacing_days: int) -> tuple[Planned, ...]:
    treated = sorted(key for key, group in groups.items() if group == "treated")
    if not treated:
        return ()
    reach = reach_of(session, organisation_id=organisation_id, person_keys=treated)
    already = sent_times(session, organisation_id=organisation_id,
                         person_ids=[reach[key].person_id for key in treated],
                         since=start - timedelta(days=7))
    planned = []
    for key in treated:
        person = reach[key]
        quiet = QuietHours.parse(person.quiet_hours or settings.delivery_quiet_hours)
        cap = person.weekly_cap if person.weekly_cap is not None \
            else settings.delivery_weekly_cap
        sends = schedule_person(steps, start=start, spacing=timedelta(days=spacing_days),
                                time_zone=person.time_zone, quiet=quiet, weekly_cap=cap,
                                already_sent=already.get(person.person_id, ()))
        planned.append(Planned(person_key=key, team_key=teams.get(key, ""),
                               channel=channel_for(person, settings=settings),
                               send_at=tuple(send.send_at for send in sends)))
    return tuple(planned)


def _summary(plan: DeliveryPlan) -> dict[str, Any]:
    return {"need": plan.need_key, "pack": plan.pack_key, "status": str(plan.status),
            "holdout_fraction": plan.holdout_fraction, "seed": plan.seed,
            "treated": plan.treated, "held_out": plan.held_out, "sends": plan.sends,
            "settings": plan.settings, "title": plan.message.title}


def make_plan(session: Session, *, organisation_id: int, settings: Settings, need_key: str,
              pack_key: str | None = None, key: str | None = None,
              holdout_fraction: float | None = None, seed: int = 0,
              start: datetime | None = None, steps: int = 1, spacing_days: int = 7,
              practice: dict[str, Any] | None = None,
              reviews: list[dict[str, Any]] | None = None, components: Sequence[int] = (),
              actor: str) -> DeliveryPlan:
    """A draft plan for the need, recorded as `delivery.plan_created`.

    `components` are ids of published components from the content library: a role-play the
    learners can play in their inbox, flashcards and knowledge checks that become each treated
    person's review items when the plan is sent. `practice` and `reviews` take such bodies
    written by the planner themselves (their own words, so no review gate applies); generated
    components always come by id, so a draft never reaches a learner."""
    need = need_by_key(session, organisation_id=organisation_id, key=need_key)
    if need is None:
        raise NotFoundError(f"no need with key {need_key!r}")
    fraction = settings.delivery_holdout_fraction if holdout_fraction is None \
        else holdout_fraction
    check_holdout(fraction)
    if steps < 1 or spacing_days < 1:
        raise InputError("a plan sends at least once, at least a day apart")
    teams = _population(session, organisation_id=organisation_id, need=need)
    if not teams:
        raise InputError(f"need {need_key!r} names nobody: no people and no team members")
    groups = assign_holdout(list(teams), strata=teams, fraction=fraction, seed=seed)
    start = start or utcnow()
    message = _message_for(need.title, pack_key, need.skill_key)
    if components:
        carried, carried_reviews = _published_parts(
            session, organisation_id=organisation_id, component_ids=components)
        if carried is not None and practice is not None:
            raise InputError("practice: give one role-play, as a component or as a body")
        practice = carried if carried is not None else practice
        reviews = [*carried_reviews, *(reviews or ())]
    if practice is not None:
        try:
            checked = RolePlayBody.model_validate(practice)
        except ValidationError as error:
            raise InputError(f"practice: not a role-play: {error.errors()[0]['msg']}") from None
        message = replace(message, practice=checked.model_dump(mode="json"))
    review_bodies = [_review_body(body).model_dump(mode="json") for body in reviews or ()]
    plan = DeliveryPlan(
        key=key or f"{need_key}-{start:%Y%m%d%H%M%S}", need_key=need_key, pack_key=pack_key,
        status=PlanStatus.DRAFT, holdout_fraction=fraction, seed=seed,
        message=message, why=why_of_need(need),
        groups=groups,
        planned=_schedule(session, organisation_id=organisation_id, settings=settings,
                          groups=groups, teams=teams, start=start, steps=steps,
                          spacing_days=spacing_days),
        settings={"start": start.isoformat(), "steps": steps, "spacing_days": spacing_days,
                  "reviews": review_bodies,
                  "components": list(dict.fromkeys(components))},
        created_at=utcnow(), approved_at=None, approved_by=None, intervention_id=None)
    saved = save_plan(session, organisation_id=organisation_id, plan=plan)
    EventLog(session, organisation_id).record(
        "delivery.plan_created", actor=actor, subject_type=PLAN_SUBJECT, subject_id=saved.key,
        payload={**_summary(saved), "groups": saved.groups})
    return saved


def adjust_plan(session: Session, *, organisation_id: int, settings: Settings, key: str,
                actor: str, holdout_fraction: float | None = None, seed: int | None = None,
                title: str | None = None, text: str | None = None,
                exclude: tuple[str, ...] = (), start: datetime | None = None,
                steps: int | None = None, spacing_days: int | None = None) -> DeliveryPlan:
    """Change a draft: hold-out, seed, message, people left out, timing; re-drawn and
    re-scheduled, recorded as `delivery.plan_adjusted` with what changed."""
    plan = delivery_plan(session, organisation_id=organisation_id, key=key)
    if plan.status is not PlanStatus.DRAFT:
        raise ConflictError(f"plan {key!r} is {plan.status}; only a draft can be adjusted")
    fraction = plan.holdout_fraction if holdout_fraction is None else holdout_fraction
    check_holdout(fraction)
    seed = plan.seed if seed is None else seed
    teams = {person: team for person, team in people_teams(
        session, organisation_id=organisation_id, person_keys=list(plan.groups)).items()
        if person not in set(exclude)}
    groups = assign_holdout(list(teams), strata=teams, fraction=fraction, seed=seed)
    settings_now = dict(plan.settings)
    if start is not None:
        settings_now["start"] = start.isoformat()
    if steps is not None:
        settings_now["steps"] = steps
    if spacing_days is not None:
        settings_now["spacing_days"] = spacing_days
    message = plan.message
    if title is not None:
        message = replace(message, title=title)
    if text is not None:
        message = replace(message, paragraphs=tuple(p for p in text.split("\n\n") if p.strip()))
    adjusted = replace(
        plan, holdout_fraction=fraction, seed=seed, groups=groups, message=message,
        settings=settings_now,
        planned=_schedule(session, organisation_id=organisation_id, settings=settings,
                          groups=groups, teams=teams,
                          start=datetime.fromisoformat(settings_now["start"]),
                          steps=int(settings_now["steps"]),
                          spacing_days=int(settings_now["spacing_days"])))
    saved = save_plan(session, organisation_id=organisation_id, plan=adjusted)
    EventLog(session, organisation_id).record(
        "delivery.plan_adjusted", actor=actor, subject_type=PLAN_SUBJECT, subject_id=key,
        payload={**_summary(saved), "groups": saved.groups, "excluded": list(exclude)})
    return saved


def approve_plan(session: Session, *, organisation_id: int, key: str,
                 actor: str) -> DeliveryPlan:
    """Approve a draft: the intervention (with this exact hold-out) is created for analytics."""
    plan = delivery_plan(session, organisation_id=organisation_id, key=key)
    if plan.status is not PlanStatus.DRAFT:
        raise ConflictError(f"plan {key!r} is {plan.status} already")
    need = need_by_key(session, organisation_id=organisation_id, key=plan.need_key or "")
    start = datetime.fromisoformat(plan.settings["start"]).date()
    made = create_intervention(
        session, organisation_id=organisation_id, need_id=need.id if need else None,
        person_keys=list(plan.groups), holdout=plan.holdout_fraction, start=start,
        source=InterventionSource.LEARNLOOP, title=plan.message.title,
        delivered=f"delivery plan {plan.key}", groups=plan.groups, created_by=actor)
    saved = save_plan(session, organisation_id=organisation_id, plan=replace(
        plan, status=PlanStatus.APPROVED, approved_at=utcnow(), approved_by=actor,
        intervention_id=made.id))
    EventLog(session, organisation_id).record(
        "delivery.plan_approved", actor=actor, subject_type=PLAN_SUBJECT, subject_id=key,
        payload={**_summary(saved), "intervention_id": made.id})
    return saved


def send_plan(session: Session, *, organisation_id: int, settings: Settings, key: str,
              actor: str) -> list[tuple[int, datetime]]:
    """Queue the approved plan's deliveries (hold-out people get none); returns (id, send time)
    for the job queue. Sending again adds nothing: each send has its own idempotency key."""
    plan = delivery_plan(session, organisation_id=organisation_id, key=key)
    if plan.status is PlanStatus.DRAFT:
        raise ConflictError(f"plan {key!r} is a draft: approve it first")
    messages = [Addressed(person_key=p.person_key, key=f"plan:{plan.key}:{p.person_key}:{step}",
                          message=plan.message, why=plan.why, send_after=at)
                for p in plan.planned if plan.groups.get(p.person_key) == "treated"
                for step, at in enumerate(p.send_at)]
    queued = queue_messages(session, organisation_id=organisation_id, settings=settings,
                            messages=messages, kind="nudge", plan_key=plan.key)
    treated = sorted(person for person, group in plan.groups.items() if group == "treated")
    reviews = sum(add_reviews_from(session, organisation_id=organisation_id, person_keys=treated,
                                   body=_review_body(body), source=f"plan:{plan.key}:{n}",
                                   why=plan.why)
                  for n, body in enumerate(plan.settings.get("reviews", ())))
    if plan.status is PlanStatus.APPROVED:
        save_plan(session, organisation_id=organisation_id,
                  plan=replace(plan, status=PlanStatus.SENT))
    EventLog(session, organisation_id).record(
        "delivery.plan_sent", actor=actor, subject_type=PLAN_SUBJECT, subject_id=key,
        payload={"queued": len(queued), "planned": len(messages), "review_items": reviews})
    return queued


def plan_status(session: Session, *, organisation_id: int, key: str) -> dict[str, Any]:
    """The plan with its deliveries counted by status."""
    plan = delivery_plan(session, organisation_id=organisation_id, key=key)
    counts: dict[str, int] = {}
    for found in deliveries(session, organisation_id=organisation_id, plan_key=key,
                            limit=1_000_000):
        counts[found.status] = counts.get(found.status, 0) + 1
    return {**_summary(plan), "key": plan.key, "deliveries": counts,
            "intervention_id": plan.intervention_id}
