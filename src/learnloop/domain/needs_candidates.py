"""Finds the candidate needs: skill gaps per team against role requirements, KPI dips the sensing
agent diagnosed, and the requests L&D recorded as not a priority; each with its plain-words finding.

Pure: the needs agent reads the inputs from the store, `needs_ranking` weighs and orders the output.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from learnloop.domain.needs import Need, NeedKind, NeedNature, draft_need
from learnloop.domain.objectives import Objective
from learnloop.domain.sensing.diagnosis import Cause
from learnloop.domain.sensing.records import DetectionRecord
from learnloop.domain.skills import Skill

__all__ = ["NeedSettings", "TeamSkillGap", "candidate_needs", "nature_of", "serving"]

_Z90 = 1.6449  # the 90% interval, as the skills agent's


@dataclass(frozen=True, slots=True)
class NeedSettings:
    """When a gap is worth a need: enough people, a large enough share of them, far enough below.

    `dip_per_level`: a KPI dip of this many baseline SDs weighs like a one-level skill gap, so an
    investigate need ranks on the same scale as a training need.
    """

    min_people: int = 2
    min_share: float = 0.2
    min_gap: float = 0.25
    dip_per_level: float = 4.0
    reopen_people: float = 1.5     # a dismissed need reopens when the people short grow this much
    reopen_gap: float = 0.5        # ... or its gap grows by this many levels, or a new dip comes


@dataclass(frozen=True, slots=True)
class TeamSkillGap:
    """A team's standing in one skill its roles require, from the skills agent's results.

    `shortfall`: the mean over the people asked of how far each estimate falls below the required
    level (0 for those at or above it), with `shortfall_sd` its SD. `below` (with its interval)
    is the expected number of people below the level, from skill health.
    """

    team_key: str
    skill_key: str
    role_keys: tuple[str, ...]
    required_level: float
    people: int
    estimated: int                 # people with an estimate from evidence
    shortfall: float
    shortfall_sd: float
    below: float
    below_lower: float
    below_upper: float
    critical: bool
    single_point: float | None
    change: float | None           # change in people meeting the level over the trend window
    person_keys: tuple[str, ...]   # whose estimate is below the required level

    @property
    def evidence_share(self) -> float:
        return self.estimated / self.people if self.people else 0.0

    @property
    def confidence(self) -> float:
        """How sure the gap is real: P(shortfall > 0) times the share of people with evidence."""
        if self.shortfall <= 0:
            return 0.0
        z = self.shortfall / self.shortfall_sd if self.shortfall_sd > 0 else math.inf
        return 0.5 * (1 + math.erf(z / math.sqrt(2))) * self.evidence_share

    def material(self, settings: NeedSettings) -> bool:
        return (self.below >= settings.min_people and self.people > 0
                and self.below / self.people >= settings.min_share
                and self.shortfall >= settings.min_gap)

    def interval(self) -> tuple[float, float]:
        return (max(0.0, self.shortfall - _Z90 * self.shortfall_sd),
                self.shortfall + _Z90 * self.shortfall_sd)


_KNOWLEDGE_WORDS = ("policy", "compliance", "law", "product", "regulation", "documentation",
                    "literacy", "knowledge")
_INTERPERSONAL_WORDS = ("communication", "escalation", "negotiation", "coaching", "conversation",
                        "selling", "stakeholder", "questioning", "management", "feedback")
_CATEGORY_NATURE = {"customer service": NeedNature.INTERPERSONAL, "sales": NeedNature.INTERPERSONAL,
                    "leadership": NeedNature.INTERPERSONAL,
                    "product knowledge": NeedNature.KNOWLEDGE, "business": NeedNature.KNOWLEDGE}


def nature_of(skill: Skill | None) -> NeedNature:
    """Knowing (policy, product), dealing with people, or doing a procedure: from the skill's
    words first, its category second; procedural when neither says."""
    if skill is None:
        return NeedNature.PROCEDURAL
    words = f"{skill.key} {skill.name}".lower().replace("_", " ")
    if any(word in words for word in _KNOWLEDGE_WORDS):
        return NeedNature.KNOWLEDGE
    if any(word in words for word in _INTERPERSONAL_WORDS):
        return NeedNature.INTERPERSONAL
    return _CATEGORY_NATURE.get(skill.category.lower(), NeedNature.PROCEDURAL)


def serving(objectives: Iterable[Objective], *, skill_key: str | None,
            team_key: str | None) -> list[Objective]:
    """The objectives that name the skill and cover the team (no teams listed: every team)."""
    return [objective for objective in objectives
            if (skill_key is None or skill_key in objective.skill_keys)
            and (team_key is None or not objective.team_keys or team_key in objective.team_keys)]


def _kpi_of(objectives: Sequence[Objective]) -> tuple[str | None, str | None, tuple[str, ...]]:
    """The KPI a need should move (the heaviest priority objective's first), and the others."""
    ordered = sorted(objectives, key=lambda o: (not o.priority, -o.weight, o.key))
    metrics = [(kpi.metric, kpi.direction.value) for o in ordered for kpi in o.kpis]
    if not metrics:
        return None, None, ()
    first = metrics[0]
    return first[0], first[1], tuple(dict.fromkeys(m for m, _ in metrics[1:] if m != first[0]))


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), digits)


def _gap_evidence(gap: TeamSkillGap) -> dict[str, Any]:
    low, high = gap.interval()
    return {"team": gap.team_key, "skill": gap.skill_key, "roles": list(gap.role_keys),
            "required_level": _r(gap.required_level), "people": gap.people,
            "estimated": gap.estimated, "shortfall": _r(gap.shortfall, 3),
            "shortfall_interval": [_r(low, 3), _r(high, 3)], "below": _r(gap.below, 1),
            "below_interval": [_r(gap.below_lower, 1), _r(gap.below_upper, 1)],
            "critical": gap.critical, "single_point": _r(gap.single_point),
            "change": _r(gap.change, 1), "people_below": list(gap.person_keys)}


def _detection_evidence(record: DetectionRecord) -> dict[str, Any]:
    found = record.detection
    return {"id": record.id, "team": found.subject_key, "metric": found.metric,
            "direction": found.direction, "change_start": found.change_start.isoformat(),
            "detected_at": found.detected_at.isoformat(),
            "baseline_level": _r(found.baseline_level, 3),
            "observed_level": _r(found.observed_level, 3), "effect": _r(found.effect, 3),
            "effect_sd": _r(found.effect_sd), "confidence": _r(found.confidence, 3),
            "cause": record.cause.value, "skill": record.skill, "reason": record.reason,
            "nearby_changes": record.evidence.get("nearby_changes", [])}


def _skill_name(skills: Mapping[str, Skill], key: str | None) -> str:
    skill = skills.get(key or "")
    return skill.name if skill else (key or "")


def _gap_finding(gap: TeamSkillGap, skill_name: str) -> str:
    low, high = gap.interval()
    return (f"In {gap.team_key}, about {gap.below:.0f} of {gap.people} people "
            f"({gap.below_lower:.0f}-{gap.below_upper:.0f}) are below the level "
            f"{gap.required_level:.0f} their role asks in {skill_name}, on average "
            f"{gap.shortfall:.1f} levels short ({low:.1f}-{high:.1f}).")


def _dip_words(record: DetectionRecord) -> str:
    found = record.detection
    return (f"{found.metric} in {found.subject_key} moved from {found.baseline_level:.4g} to "
            f"{found.observed_level:.4g} from the week of {found.change_start.isoformat()} "
            f"({found.effect_sd:.1f} baseline SDs, confidence {found.confidence:.0%})")


@dataclass
class _Builder:
    objectives: Sequence[Objective]
    skills: Mapping[str, Skill]
    settings: NeedSettings
    now: datetime

    def training(self, gap: TeamSkillGap, detection: DetectionRecord | None) -> Need:
        serves = serving(self.objectives, skill_key=gap.skill_key, team_key=gap.team_key)
        metric, direction, behaviour = _kpi_of(serves)
        if detection is not None:
            metric, direction = detection.metric, _direction(serves, detection.metric, direction)
        low, high = gap.interval()
        name = _skill_name(self.skills, gap.skill_key)
        finding = _gap_finding(gap, name)
        urgency = _gap_urgency(gap)
        evidence: dict[str, Any] = {"gap": _gap_evidence(gap)}
        if detection is not None:
            finding = (f"{_dip_words(detection)}; the sensing agent traced it to a skill gap. "
                       f"{finding}")
            evidence["detection"] = _detection_evidence(detection)
            urgency = max(urgency, detection.detection.confidence * min(
                1.0, detection.detection.effect_sd / self.settings.dip_per_level))
        people = gap.below
        confidence = gap.confidence
        return self._need(
            key=f"training:{gap.team_key}:{gap.skill_key}", kind=NeedKind.TRAINING,
            title=f"{name} for {gap.team_key}", skill_key=gap.skill_key, serves=serves,
            metric=metric, direction=direction, behaviour=behaviour, teams=(gap.team_key,),
            roles=gap.role_keys, person_keys=gap.person_keys, gap=(gap.shortfall, low, high),
            people=people, confidence=confidence, urgency=urgency,
            risk=_risk(gap, detection), finding=finding, evidence=evidence, detection=detection)

    def investigate(self, record: DetectionRecord, *, team_people: int,
                    gaps: Sequence[TeamSkillGap], why: str) -> Need:
        found = record.detection
        team = found.subject_key or ""
        serves = [o for o in self.objectives if any(k.metric == found.metric for k in o.kpis)
                  and (not o.team_keys or team in o.team_keys)]
        _, direction, behaviour = _kpi_of(serves)
        severity = min(4.0, found.effect_sd / self.settings.dip_per_level)
        finding = f"{_dip_words(record)}. {why}"
        urgency = found.confidence * min(1.0, severity)
        return self._need(
            key=f"investigate:{team}:{found.metric}:{found.change_start.isoformat()}",
            kind=NeedKind.INVESTIGATE, title=f"Investigate {found.metric} in {team}",
            skill_key=record.skill or None, serves=serves, metric=found.metric,
            direction=_direction(serves, found.metric, direction), behaviour=behaviour,
            teams=(team,), roles=(), person_keys=(), gap=(None, None, None),
            people=float(team_people), confidence=found.confidence, urgency=urgency,
            risk="high" if found.confidence >= 0.9 and severity >= 1 else "medium",
            finding=finding, severity=severity,
            evidence={"detection": _detection_evidence(record),
                      "team_standing": [_gap_evidence(g) for g in gaps]},
            detection=record)

    def request(self, objective: Objective, skill_key: str, *, people: int) -> Need:
        name = _skill_name(self.skills, skill_key)
        teams = objective.team_keys
        finding = (f"{objective.owner or 'Someone'} asked for {name} "
                   f"({objective.title}) for {', '.join(teams) if teams else 'everyone'}.")
        metric, direction, behaviour = _kpi_of([objective])
        return self._need(
            key=f"request:{objective.key}:{skill_key}", kind=NeedKind.TRAINING,
            title=f"{name} ({objective.title})", skill_key=skill_key, serves=[objective],
            metric=metric, direction=direction, behaviour=behaviour, teams=teams, roles=(),
            person_keys=(), gap=(None, None, None), people=float(people), confidence=0.0,
            urgency=0.0, risk="low", finding=finding,
            evidence={"request": {"objective": objective.key, "title": objective.title,
                                  "owner": objective.owner, "reason": objective.reason}},
            detection=None)

    def _need(self, *, key: str, kind: NeedKind, title: str, skill_key: str | None,
              serves: Sequence[Objective], metric: str | None, direction: str | None,
              behaviour: tuple[str, ...], teams: tuple[str, ...], roles: tuple[str, ...],
              person_keys: tuple[str, ...], gap: tuple[float | None, ...], people: float,
              confidence: float, urgency: float, risk: str, finding: str,
              evidence: dict[str, Any], detection: DetectionRecord | None,
              severity: float | None = None) -> Need:
        size = gap[0] if severity is None else severity
        base = (size or 0.0) * people * confidence * (1.0 + urgency)
        return draft_need(
            key, title[:300], kind=kind, nature=nature_of(self.skills.get(skill_key or "")),
            skill_key=skill_key, kpi_metric=metric, kpi_direction=direction,
            behaviour_metrics=behaviour, team_keys=tuple(teams), role_keys=tuple(roles),
            person_keys=tuple(person_keys), urgency=round(min(1.0, urgency), 4), risk=risk,
            gap=_r(gap[0], 4), gap_lower=_r(gap[1], 4), gap_upper=_r(gap[2], 4),
            confidence=round(confidence, 4),
            evidence={**evidence, "finding": finding, "serves": [o.key for o in serves],
                      "people_affected": round(people, 1), "base": round(base, 6)},
            detection_id=None if detection is None else detection.id,
            detected_at=None if detection is None else detection.detection.detected_at,
            created_at=self.now)


def _direction(serves: Sequence[Objective], metric: str, fallback: str | None) -> str | None:
    for objective in serves:
        for kpi in objective.kpis:
            if kpi.metric == metric:
                return kpi.direction.value
    return fallback


def _gap_urgency(gap: TeamSkillGap) -> float:
    """Sooner when one person holds a critical skill, or when the team is losing ground."""
    urgency = 0.2 if gap.critical else 0.0
    if gap.single_point is not None and gap.single_point >= 0.5:
        urgency += 0.4
    if gap.change is not None and gap.change < 0:
        urgency += min(0.4, -gap.change / max(gap.people, 1))
    return min(1.0, urgency)


def _risk(gap: TeamSkillGap, detection: DetectionRecord | None) -> str:
    if (detection is not None and detection.detection.confidence >= 0.9) or (
            gap.single_point is not None and gap.single_point >= 0.5):
        return "high"
    return "medium" if gap.critical or gap.shortfall >= 1.0 else "low"


def candidate_needs(*, objectives: Sequence[Objective], detections: Sequence[DetectionRecord],
                    gaps: Sequence[TeamSkillGap], skills: Mapping[str, Skill],
                    team_people: Mapping[str, int], now: datetime,
                    settings: NeedSettings | None = None) -> list[Need]:
    """Every need the evidence supports, unranked (weight, score, rank and reason come from
    `needs_ranking.rank_needs`); one per key."""
    settings = settings or NeedSettings()
    build = _Builder(objectives=objectives, skills=skills, settings=settings, now=now)
    by_team_skill = {(g.team_key, g.skill_key): g for g in gaps}
    named = {key for objective in objectives for key in objective.skill_keys}
    found: dict[str, Need] = {}
    # the newest dip of a team's KPI speaks for that team first
    for record in sorted(detections, key=lambda r: r.detection.detected_at):
        if record.detection.direction != "dip":
            continue
        team = record.detection.subject_key or ""
        linked = [str(s) for s in record.evidence.get("linked_skills", [])] or (
            [record.skill] if record.skill else [])
        team_gaps = [by_team_skill[(team, s)] for s in linked if (team, s) in by_team_skill]
        short = [g for g in team_gaps if g.material(settings)]
        if record.cause is Cause.SKILL and short:
            for gap in short:
                need = build.training(gap, record)
                found[need.key] = need
            continue
        if record.cause is Cause.SKILL:
            why = (f"The sensing agent pointed at {record.skill or 'a skill'}, but the team is at "
                   "the level its roles ask in the linked skills: training will not fix this. "
                   "Investigate before training.")
        elif record.cause is Cause.PROCESS:
            why = f"{record.reason} Investigate before training."
        else:
            why = (f"{record.reason} The cause is unknown, so training may not fix it: "
                   "investigate before training.")
        need = build.investigate(record, team_people=team_people.get(team, 0), gaps=team_gaps,
                                 why=why)
        found[need.key] = need
    for gap in gaps:
        key = f"training:{gap.team_key}:{gap.skill_key}"
        if key in found or not gap.material(settings):
            continue
        # a gap in a skill no objective names is listed only when the role calls it critical
        if gap.skill_key in named or gap.critical:
            found[key] = build.training(gap, None)
    covered = {(n.skill_key, t) for n in found.values() for t in n.team_keys}
    everyone = sum(team_people.values())
    for objective in objectives:
        if objective.priority:
            continue
        for skill_key in objective.skill_keys:
            teams = objective.team_keys or tuple(team_people)
            if all((skill_key, team) in covered for team in teams):
                continue
            people = sum(team_people.get(t, 0) for t in objective.team_keys) or everyone
            need = build.request(objective, skill_key, people=people)
            found[need.key] = need
    return list(found.values())
