"""The demo's past intervention: ColdChain excursion training for both support desks, with a
randomised hold-out, and what followed — a known lift in first-contact resolution for the
treated people only, their ratings, quiz scores and fewer ColdChain transfers.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from learnloop.demo.evidence import GAP_SKILLS
from learnloop.demo.signals import DIP_METRIC
from learnloop.demo.timeline import WEEKS, week_start, week_timestamp
from learnloop.domain.interventions import Group, assign_holdout
from learnloop.domain.org import Person
from learnloop.domain.signals import Signal, SubjectType

__all__ = ["INTERVENTION_KEY", "DemoIntervention", "generate_intervention"]

INTERVENTION_KEY = "coldchain-excursion-training"
TEAMS = ("support-emea", "support-na")
ROLE = "support_agent"
START_WEEK = 20
HOLDOUT = 0.2
# recorded like any hold-out learnloop draws, so the demo holds out the same people every time
HOLDOUT_SEED = 2026
EFFECT = 5.0  # first-contact resolution points gained by the treated from the start
SKILL = GAP_SKILLS[1]  # temperature_excursion_handling
BEHAVIOUR = "coldchain_transfers"  # ColdChain cases handed on per week (lower is better)
RATING = "learning_rating"
KNOWLEDGE = "knowledge_check"
SOURCE = "tidewell-desk"


@dataclass(frozen=True, slots=True)
class DemoIntervention:
    rows: tuple[tuple[str, ...], ...]  # interventions.csv without its header
    signals: tuple[Signal, ...]
    truth: dict[str, Any]


HEADER = ("intervention", "person", "group", "title", "start", "kpi", "direction", "behaviour",
          "skill", "delivered")


def _signal(metric: str, person: str, week: int, value: float, *, volume: float | None = None
            ) -> Signal:
    moment = week_timestamp(week)
    return Signal(key=f"{SOURCE}:{metric}:{person}:{moment.date().isoformat()}", metric=metric,
                  subject_type=SubjectType.PERSON, subject_key=person, observed_at=moment,
                  value=value, source=SOURCE, volume=volume)


def generate_intervention(rng: random.Random, *, people: Sequence[Person],
                          team_levels: dict[tuple[str, int], float]) -> DemoIntervention:
    """The intervention, its assignment (drawn as learnloop would, from a recorded seed) and the
    person-level data around it. `team_levels` is each team's first-contact resolution per
    week: a person's week is their team's, their own offset and noise, plus EFFECT when treated
    from the start week on."""
    agents = [person for person in people if person.team_key in TEAMS
              and person.role_key == ROLE and person.status == "active"]
    teams = {person.key: person.team_key for person in agents}
    groups = assign_holdout(teams, strata=teams, fraction=HOLDOUT, seed=HOLDOUT_SEED)
    start = week_start(START_WEEK)
    signals: list[Signal] = []
    for person in agents:
        treated = groups[person.key] == Group.TREATED
        offset = rng.gauss(0, 3.0)
        for week in range(WEEKS):
            lifted = EFFECT if treated and week >= START_WEEK else 0.0
            value = team_levels[person.team_key, week] + offset + rng.gauss(0, 4.0) + lifted
            signals.append(_signal(DIP_METRIC, person.key, week,
                                   round(min(max(value, 0.0), 100.0), 1), volume=42.0))
            transfers = 3.0 if person.team_key == TEAMS[0] and week >= 18 else 1.0
            if treated and week >= START_WEEK:
                transfers -= 1.5 if person.team_key == TEAMS[0] else 0.5
            signals.append(_signal(BEHAVIOUR, person.key, week,
                                   float(max(0, round(rng.gauss(transfers, 1.0))))))
        if treated and rng.random() < 0.75:  # three in four answered the post-session survey
            rating = min(5, max(1, round(rng.gauss(4.2, 0.7))))
            signals.append(_signal(RATING, person.key, START_WEEK + 1, float(rating)))
        # the LMS quiz on excursions: once before the session, once after (a score 0-100);
        # signals, not skill evidence, so the skills agent's calibration stays as it was
        before = rng.gauss(58, 10)
        after = before + rng.gauss(18 if treated else 2, 8)
        for week, score in ((START_WEEK - 3, before), (START_WEEK + 2, after)):
            signals.append(_signal(KNOWLEDGE, person.key, week,
                                   round(min(max(score, 0.0), 100.0), 1)))
    title = "ColdChain excursions: handling and credit rules"
    delivered = "90-minute workshop with excursion role-plays and a credit-rules job aid"
    rows: list[tuple[str, ...]] = []
    for index, key in enumerate(sorted(groups)):
        first = index == 0
        rows.append((INTERVENTION_KEY, key, groups[key],
                     title if first else "", start.isoformat() if first else "",
                     DIP_METRIC if first else "", "up" if first else "",
                     BEHAVIOUR if first else "", SKILL if first else "",
                     delivered if first else ""))
    truth = {"key": INTERVENTION_KEY, "kpi": DIP_METRIC, "effect": EFFECT,
             "start": start.isoformat(), "teams": list(TEAMS), "holdout": HOLDOUT,
             "holdout_seed": HOLDOUT_SEED, "behaviour": BEHAVIOUR, "skill": SKILL,
             "treated": sum(group == Group.TREATED for group in groups.values()),
             "held_out": sum(group == Group.HOLDOUT for group in groups.values()),
             "story": "Both support desks were offered ColdChain excursion training from "
                      f"{start.isoformat()}, a randomised fifth of each held back; first-contact "
                      f"resolution rose {EFFECT:g} points for the people trained."}
    return DemoIntervention(rows=tuple(rows), signals=tuple(signals), truth=truth)
