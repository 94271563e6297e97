"""The skills agent's pure core: proficiency beliefs from biased evidence, their calibration,
skill health against role requirements, and whether linked skills move an objective's KPI."""

from learnloop.domain.proficiencies.arrays import EvidenceArrays, day_number, evidence_arrays
from learnloop.domain.proficiencies.calibration import (
    Calibration,
    SourceCalibration,
    calibrate_sources,
)
from learnloop.domain.proficiencies.estimation import (
    ProficiencyEstimates,
    estimate_proficiencies,
    estimate_proficiencies_on,
)
from learnloop.domain.proficiencies.health import (
    HealthTrend,
    RequirementArrays,
    SkillHealthColumns,
    health_trend,
    skill_health,
)
from learnloop.domain.proficiencies.kpi_links import (
    LinkVerdict,
    SkillKpiLink,
    person_means,
    skill_kpi_links,
)
from learnloop.domain.proficiencies.records import Proficiency, SkillHealth
from learnloop.domain.proficiencies.sources import (
    DOCUMENTED_SOURCES,
    KINDS,
    EstimationSettings,
    SourceModel,
)

__all__ = [
    "DOCUMENTED_SOURCES", "KINDS", "Calibration", "EstimationSettings", "EvidenceArrays",
    "HealthTrend", "LinkVerdict", "Proficiency", "ProficiencyEstimates", "RequirementArrays",
    "SkillHealth", "SkillHealthColumns", "SkillKpiLink", "SourceCalibration", "SourceModel",
    "calibrate_sources", "day_number", "estimate_proficiencies",
    "estimate_proficiencies_on", "evidence_arrays",
    "health_trend", "person_means", "skill_health", "skill_kpi_links",
]
