"""One export format by name, as the bytes of one file: what the API answers for a download.

"zip" is the HTML folder zipped; "scorm" and "cmi5" are the LMS packages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from learnloop.content.exports.cmi5 import cmi5_package
from learnloop.content.exports.files import zip_bytes
from learnloop.content.exports.html import html_files
from learnloop.content.exports.scorm import scorm_package

__all__ = ["PACKAGE_FORMATS", "PackageFormat", "package_bytes", "package_name"]

PackageFormat = Literal["zip", "scorm", "cmi5"]
PACKAGE_FORMATS: tuple[PackageFormat, ...] = ("zip", "scorm", "cmi5")


def package_bytes(document: dict[str, Any], *, format: PackageFormat) -> bytes:
    if format == "scorm":
        return scorm_package(document)
    if format == "cmi5":
        return cmi5_package(document)
    return zip_bytes(html_files(document), at=datetime.fromisoformat(document["created_at"]))


def package_name(document: dict[str, Any], *, format: PackageFormat) -> str:
    """A download name that says what it is: pack-3-refunds-policy-scorm2004.zip."""
    suffix = {"zip": "html", "scorm": "scorm2004", "cmi5": "cmi5"}[format]
    source = "".join(c if c.isalnum() or c in "-_" else "-" for c in document["source"]["key"])
    return f"pack-{document['id']}-{source[:60]}-{suffix}.zip"
