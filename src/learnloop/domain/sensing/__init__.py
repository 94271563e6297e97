"""The sensing core: weekly series, sequential detection of sustained changes, and diagnosis.

Pure NumPy and records, no I/O: the sensing agent feeds it from the store and saves its answers.
"""

from learnloop.domain.sensing.calibration import calibrated_detector
from learnloop.domain.sensing.detection import Detector, DetectorState, WeekResult
from learnloop.domain.sensing.settings import DetectorSettings

__all__ = ["Detector", "DetectorSettings", "DetectorState", "WeekResult", "calibrated_detector"]
