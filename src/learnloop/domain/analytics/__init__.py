"""The analytics core: KPI effects against a randomised hold-out, Kirkpatrick levels, fairness.

Pure NumPy, no I/O: the analytics agent reads the records and calls these; reports render them.
"""

from learnloop.domain.analytics.fairness import FairnessAudit, GroupRate, StageAudit, audit_fairness
from learnloop.domain.analytics.impact import ImpactEstimate, ImpactPanel, estimate_impact
from learnloop.domain.analytics.levels import (
    BeforeAfter,
    LearningChange,
    Proportion,
    Reaction,
    before_after,
    behaviour_change,
    learning_change,
    proportion,
    reaction,
)
from learnloop.domain.analytics.pipeline import (
    PIPELINE_STAGES,
    CycleTime,
    HoursSaved,
    TimeToCompetency,
    cycle_times,
    hours_saved,
    time_to_competency,
)

__all__ = [
    "PIPELINE_STAGES", "BeforeAfter", "CycleTime", "FairnessAudit", "GroupRate", "HoursSaved",
    "ImpactEstimate", "ImpactPanel", "LearningChange", "Proportion", "Reaction", "StageAudit",
    "TimeToCompetency", "audit_fairness", "before_after", "behaviour_change", "cycle_times",
    "estimate_impact", "hours_saved", "learning_change", "proportion", "reaction",
    "time_to_competency",
]
