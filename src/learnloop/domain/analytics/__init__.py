"""The analytics core: KPI effects against a randomised hold-out, Kirkpatrick levels, fairness.

Pure NumPy, no I/O: the analytics agent reads the records and calls these; reports render them.
"""

from learnloop.domain.analytics.fairness import FairnessAudit, GroupRate, StageAudit, audit_fairness
from learnloop.domain.analytics.impact import ImpactEstimate, ImpactPanel, estimate_impact

__all__ = [
    "FairnessAudit", "GroupRate", "ImpactEstimate", "ImpactPanel", "StageAudit",
    "audit_fairness", "estimate_impact",
]
