"""The sensing core: weekly series, sequential detection of sustained changes, and diagnosis.

Pure NumPy and records, no I/O: the sensing agent feeds it from the store and saves its answers.
"""

from learnloop.domain.sensing.calibration import calibrated_detector
from learnloop.domain.sensing.detection import Detector, DetectorState, WeekResult
from learnloop.domain.sensing.diagnosis import Cause, Diagnosis, diagnose
from learnloop.domain.sensing.series import (
    ChangeEntry,
    ChangeKind,
    WeeklySeries,
    changes_near,
    excluded_weeks,
    logged_starts,
    team_series,
)
from learnloop.domain.sensing.settings import DetectorSettings
from learnloop.domain.sensing.teams import (
    Detection,
    TeamFinding,
    detections_from,
    sense_series,
    sense_teams,
)

__all__ = [
    "Cause", "ChangeEntry", "ChangeKind", "Detection", "Detector", "DetectorSettings",
    "DetectorState", "Diagnosis", "TeamFinding", "WeekResult", "WeeklySeries",
    "calibrated_detector", "changes_near", "detections_from", "diagnose", "excluded_weeks",
    "logged_starts", "sense_series", "sense_teams", "team_series",
]
