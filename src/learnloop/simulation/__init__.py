"""Simulated organisations and people with known truth, and the scoring of the cores against them.

Pure and seeded: the tests and benchmarks measure detection quality on the same data.
"""

from learnloop.simulation.organisation import (
    SimulatedOrganisation,
    SimulationSettings,
    TeamTruth,
    simulate_organisation,
)
from learnloop.simulation.proficiency import (
    SimulatedSkills,
    SkillScore,
    SkillSimulationSettings,
    estimate_grid,
    latest_manager_rating,
    mean_of_all_evidence,
    score_estimates,
    simulate_skills,
)
from learnloop.simulation.reference import plain_cusum
from learnloop.simulation.scoring import Alarm, Score, score, sense_simulation

__all__ = [
    "Alarm", "Score", "SimulatedOrganisation", "SimulatedSkills", "SimulationSettings",
    "SkillScore", "SkillSimulationSettings", "TeamTruth", "estimate_grid",
    "latest_manager_rating", "mean_of_all_evidence", "plain_cusum", "score", "score_estimates",
    "sense_simulation", "simulate_organisation", "simulate_skills",
]
