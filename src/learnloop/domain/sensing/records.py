"""A stored detection as the surfaces read it: the core's Detection, its diagnosis and evidence.

The evidence is the JSON the `sensing.detected` event carries, so both tell the same story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from learnloop.domain.sensing.diagnosis import Cause
from learnloop.domain.sensing.kinds import SeriesKind
from learnloop.domain.sensing.teams import Detection
from learnloop.domain.signals import SubjectType

__all__ = ["EXPORT_COLUMNS", "DetectionRecord", "detection_evidence", "detection_from_evidence",
           "export_row"]

# the columns of `learnloop detections export` and of a backtest's listing; `series_kind` says
# which series it was found in (`team_metric`, `pulse_question`, `person`), `person` and
# `question` name the person or the pulse question (blank otherwise)
EXPORT_COLUMNS = ("team", "metric", "change_start", "detected_at", "direction", "effect",
                  "effect_sd", "confidence", "cause", "skill", "reason", "series_kind", "person",
                  "question")


@dataclass(frozen=True, slots=True)
class DetectionRecord:
    id: int
    detection: Detection
    cause: Cause
    reason: str
    skill: str | None
    evidence: dict[str, Any]
    created_at: datetime

    @property
    def _series(self) -> dict[str, Any]:
        series = self.evidence.get("series")
        return series if isinstance(series, dict) else {}

    @property
    def series_kind(self) -> SeriesKind:
        """Which series the detection was found in (a team's KPI unless the evidence says)."""
        return SeriesKind(self._series.get("kind", SeriesKind.TEAM_METRIC.value))

    @property
    def team(self) -> str | None:
        """The team: the subject of a team's KPI or pulse detection, a person's own team."""
        return self._series.get("team", self.detection.subject_key)

    @property
    def person(self) -> str | None:
        return self.detection.subject_key if self.series_kind is SeriesKind.PERSON else None

    @property
    def question(self) -> str | None:
        return self._series.get("question")

    @property
    def metric(self) -> str:
        return self.detection.metric


_DATES = ("baseline_from", "baseline_to", "change_start", "detected_at")


def detection_evidence(detection: Detection) -> dict[str, Any]:
    """The detection's own fields as JSON-ready values."""
    out: dict[str, Any] = {}
    for name in Detection.__slots__:
        value = getattr(detection, name)
        out[name] = value.isoformat() if isinstance(value, date) else (
            value.value if hasattr(value, "value") else value)
    return out


def detection_from_evidence(evidence: dict[str, Any]) -> Detection:
    fields = {name: evidence[name] for name in Detection.__slots__ if name in evidence}
    for name in _DATES:
        fields[name] = date.fromisoformat(fields[name])
    fields["subject_type"] = SubjectType(fields["subject_type"])
    return Detection(**fields)


def export_row(record: DetectionRecord) -> dict[str, Any]:
    """One detection as the flat row of an export (EXPORT_COLUMNS), dates as ISO text."""
    d = record.detection
    return {"team": record.team or "", "metric": d.metric,
            "change_start": d.change_start.isoformat(), "detected_at": d.detected_at.isoformat(),
            "direction": d.direction, "effect": round(d.effect, 6),
            "effect_sd": round(d.effect_sd, 3), "confidence": round(d.confidence, 4),
            "cause": record.cause.value, "skill": record.skill or "", "reason": record.reason,
            "series_kind": record.series_kind.value, "person": record.person or "",
            "question": record.question or ""}
