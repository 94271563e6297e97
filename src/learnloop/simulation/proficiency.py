"""Seeded simulated people with known true proficiency, and evidence biased the way people are.

Manager ratings lenient and compressed, self-assessments overconfident at low levels, assessments
unbiased but noisy; true levels drift; one person-level KPI driven by one skill and not another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.proficiencies import KINDS, EvidenceArrays, ProficiencyEstimates, day_number

__all__ = ["SimulatedSkills", "SkillScore", "SkillSimulationSettings", "estimate_grid",
           "latest_manager_rating", "mean_of_all_evidence", "score_estimates", "simulate_skills"]

FIRST_DAY = date(2025, 1, 6)


@dataclass(frozen=True, slots=True)
class SkillSimulationSettings:
    people: int = 3000
    skills: int = 6
    teams: int = 60
    days: int = 364
    general_sd: float = 0.6            # a person's general ability, shared by their skills
    specific_sd: float = 0.7           # skill by skill
    drift_sd_per_year: float = 0.3
    # the truth the estimator is not told (its documented defaults differ)
    manager: tuple[float, float, float] = (1.2, 0.55, 0.45)     # intercept, slope, noise SD
    self_assessment: tuple[float, float, float] = (1.1, 0.7, 0.55)
    assessment_sd: float = 0.45
    ratings_per_year: int = 2          # manager ratings and self-assessments, each
    assessments_per_year: float = 1.0  # Poisson mean
    kpi_effect: float = 0.5            # KPI units per level of the driving skill
    kpi_noise_sd: float = 1.0


@dataclass(frozen=True, slots=True, eq=False)
class SimulatedSkills:
    evidence: EvidenceArrays
    as_of: int
    truth: np.ndarray           # (people, skills) true level on `as_of`
    required: np.ndarray        # (people, skills) required level, 0 where not required
    person_team: np.ndarray     # (people,) team code
    teams: tuple[str, ...]
    kpi: np.ndarray             # (people,) a person-level KPI, higher is better
    driving_skill: int          # the skill that moves the KPI
    idle_skill: int             # a skill linked to the KPI that does not move it


def simulate_skills(seed: int, settings: SkillSimulationSettings | None = None
                    ) -> SimulatedSkills:
    """One organisation's evidence; the same seed and settings always give the same data."""
    cfg = settings or SkillSimulationSettings()
    rng = np.random.default_rng(seed)
    n_people, n_skills, n_days = cfg.people, cfg.skills, cfg.days
    start = np.clip(2.0 + rng.normal(0, cfg.general_sd, (n_people, 1))
                    + rng.normal(0, cfg.specific_sd, (n_people, n_skills)), 0.0, 4.0)
    # true level on day t: start + random walk (drift), sampled where evidence falls
    step_sd = cfg.drift_sd_per_year / np.sqrt(365.25)

    per_pair = [np.full(n_people * n_skills, cfg.ratings_per_year)] * 2 + [
        rng.poisson(cfg.assessments_per_year, n_people * n_skills)]
    kinds, pairs = [], []
    for code, counts in zip((KINDS.index(EvidenceKind.MANAGER_RATING),
                             KINDS.index(EvidenceKind.SELF_ASSESSMENT),
                             KINDS.index(EvidenceKind.ASSESSMENT)), per_pair, strict=True):
        pairs.append(np.repeat(np.arange(n_people * n_skills), counts))
        kinds.append(np.full(int(counts.sum()), code, dtype=np.int8))
    pair = np.concatenate(pairs)
    kind = np.concatenate(kinds)
    day = rng.integers(0, n_days, len(pair))
    order = np.lexsort((day, pair))
    pair, kind, day = pair[order], kind[order], day[order]
    # the random walk: each pair's level at its evidence days and at the end, by cumulative sums
    # of independent steps over the gaps
    first = np.r_[True, pair[1:] != pair[:-1]]
    gap = np.where(first, day, np.diff(np.r_[0, day]))
    steps = rng.normal(0, 1, len(pair)) * step_sd * np.sqrt(gap)
    walk = np.cumsum(steps)
    walk -= np.repeat(walk[first] - steps[first], np.diff(np.r_[np.flatnonzero(first),
                                                                len(pair)]))
    true_then = np.clip(start.ravel()[pair] + walk, 0.0, 4.0)
    last = np.r_[pair[1:] != pair[:-1], True]
    end_walk = np.zeros(n_people * n_skills)
    end_walk[pair[last]] = walk[last] + rng.normal(0, 1, last.sum()) * step_sd * np.sqrt(
        n_days - day[last])
    truth = np.clip(start.ravel() + end_walk, 0.0, 4.0).reshape(n_people, n_skills)

    level = np.empty(len(pair))
    for code, (a, b, sd), whole in (
            (KINDS.index(EvidenceKind.MANAGER_RATING), cfg.manager, True),
            (KINDS.index(EvidenceKind.SELF_ASSESSMENT), cfg.self_assessment, True),
            (KINDS.index(EvidenceKind.ASSESSMENT), (0.0, 1.0, cfg.assessment_sd), False)):
        mine = kind == code
        raw = a + b * true_then[mine] + rng.normal(0, sd, mine.sum())
        # ratings are whole levels; assessment scores come to one decimal
        level[mine] = np.clip(np.round(raw) if whole else np.round(raw, 1), 0.0, 4.0)

    person_team = rng.integers(0, cfg.teams, n_people)
    required = rng.choice([0, 2, 3], size=(n_people, n_skills), p=[0.3, 0.4, 0.3])
    team_effect = rng.normal(0, 1.0, cfg.teams)
    kpi = (team_effect[person_team] + cfg.kpi_effect * truth[:, 0]
           + rng.normal(0, cfg.kpi_noise_sd, n_people))
    first_day = day_number(FIRST_DAY)
    return SimulatedSkills(
        evidence=EvidenceArrays(
            people=tuple(f"p{i:06d}" for i in range(n_people)),
            skills=tuple(f"skill-{j}" for j in range(n_skills)),
            person=pair // n_skills, skill=pair % n_skills, kind=kind, level=level,
            day=first_day + day),
        as_of=first_day + n_days, truth=truth, required=required, person_team=person_team,
        teams=tuple(f"team-{j:03d}" for j in range(cfg.teams)), kpi=kpi, driving_skill=0,
        idle_skill=1)


def _grid(simulation: SimulatedSkills, values: np.ndarray, pair: np.ndarray,
          fill: float = np.nan) -> np.ndarray:
    grid = np.full(simulation.truth.size, fill)
    grid[pair] = values
    return grid.reshape(simulation.truth.shape)


def latest_manager_rating(simulation: SimulatedSkills) -> np.ndarray:
    """The baseline most HR systems show: the last manager rating, per person and skill."""
    evidence = simulation.evidence
    mine = np.flatnonzero(evidence.kind == KINDS.index(EvidenceKind.MANAGER_RATING))
    # entries are ordered by pair, then day, so the last write per pair wins
    return _grid(simulation, evidence.level[mine], evidence.pair()[mine])


def mean_of_all_evidence(simulation: SimulatedSkills) -> np.ndarray:
    """The naive combination: every piece of evidence weighed alike."""
    evidence = simulation.evidence
    size = simulation.truth.size
    total = np.bincount(evidence.pair(), weights=evidence.level, minlength=size)
    count = np.bincount(evidence.pair(), minlength=size)
    return (total / np.maximum(count, 1)).reshape(simulation.truth.shape)


@dataclass(frozen=True, slots=True)
class SkillScore:
    mean_absolute_error: float
    coverage: float             # share of true levels inside the interval
    precision: float            # of people flagged below the required level, share truly below
    recall: float               # of people truly below, share flagged


def score_estimates(simulation: SimulatedSkills, *, level: np.ndarray,
                    lower: np.ndarray | None = None,
                    upper: np.ndarray | None = None) -> SkillScore:
    """Scores a (people, skills) grid of levels (and intervals) against the truth; a pair is
    flagged below its requirement when its level is below the required level."""
    truth, required = simulation.truth, simulation.required
    coverage = float("nan") if lower is None or upper is None else float(
        np.mean((lower <= truth) & (truth <= upper)))
    asked = required > 0
    below = asked & (truth < required)
    flagged = asked & (level < required)
    return SkillScore(
        mean_absolute_error=float(np.mean(np.abs(level - truth))), coverage=coverage,
        precision=float((below & flagged).sum() / max(flagged.sum(), 1)),
        recall=float((below & flagged).sum() / max(below.sum(), 1)))


def estimate_grid(simulation: SimulatedSkills,
                  estimates: ProficiencyEstimates) -> tuple[np.ndarray, ...]:
    """(level, lower, upper) grids of an estimate, for `score_estimates`."""
    lower, upper = estimates.bounds()
    return tuple(_grid(simulation, values, estimates.pair)
                 for values in (estimates.level, lower, upper))
