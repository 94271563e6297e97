"""Simulated organisations with known truth, and the scoring of the sensing core against them.

Pure and seeded: the tests and benchmarks measure detection quality on the same data.
"""

from learnloop.simulation.organisation import (
    SimulatedOrganisation,
    SimulationSettings,
    TeamTruth,
    simulate_organisation,
)
from learnloop.simulation.reference import plain_cusum
from learnloop.simulation.scoring import Alarm, Score, score, sense_simulation

__all__ = [
    "Alarm", "Score", "SimulatedOrganisation", "SimulationSettings", "TeamTruth", "plain_cusum",
    "score", "sense_simulation", "simulate_organisation",
]
