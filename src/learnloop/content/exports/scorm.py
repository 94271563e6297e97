"""A pack as a SCORM 2004 (4th edition) package: imsmanifest.xml (one organization, one item,
one SCO resource, minimal sequencing) beside the pack's page and its reporter script.

No maintained PyPI library writes SCORM 2004 manifests, so lxml writes it in the schemas'
namespaces.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lxml import etree

from learnloop.content.exports.files import zip_bytes
from learnloop.content.exports.html import DEFAULT_MASTERY, PAGE, html_files, questions_of

__all__ = ["MANIFEST", "NAMESPACES", "scorm_files", "scorm_manifest", "scorm_package"]

MANIFEST = "imsmanifest.xml"
IMSCP = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NAMESPACES = {None: IMSCP, "adlcp": ADLCP, "adlseq": ADLSEQ, "adlnav": ADLNAV, "imsss": IMSSS,
              "xsi": XSI}
SCHEMA_LOCATIONS = " ".join((
    f"{IMSCP} imscp_v1p1.xsd", f"{ADLCP} adlcp_v1p3.xsd", f"{ADLSEQ} adlseq_v1p3.xsd",
    f"{ADLNAV} adlnav_v1p3.xsd", f"{IMSSS} imsss_v1p0.xsd"))


def _tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _sub(parent: etree._Element, namespace: str, name: str, text: str | None = None,
         **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, _tag(namespace, name), attrib=attributes)
    if text is not None:
        element.text = text
    return element


def scorm_manifest(document: dict[str, Any], *, files: list[str],
                   mastery: float = DEFAULT_MASTERY) -> bytes:
    """imsmanifest.xml for one SCO that launches the pack's page and lists every file."""
    pack_id = document["id"]
    root = etree.Element(_tag(IMSCP, "manifest"), nsmap=NAMESPACES,
                         identifier=f"learnloop-pack-{pack_id}", version="1")
    root.set(_tag(XSI, "schemaLocation"), SCHEMA_LOCATIONS)
    metadata = _sub(root, IMSCP, "metadata")
    _sub(metadata, IMSCP, "schema", "ADL SCORM")
    _sub(metadata, IMSCP, "schemaversion", "2004 4th Edition")
    organizations = _sub(root, IMSCP, "organizations", default="learnloop-org")
    organization = _sub(organizations, IMSCP, "organization", identifier="learnloop-org")
    _sub(organization, IMSCP, "title", document["title"])
    item = _sub(organization, IMSCP, "item", identifier="learnloop-item",
                identifierref="learnloop-sco", isvisible="true")
    _sub(item, IMSCP, "title", document["title"])
    sequencing = _sub(item, IMSSS, "sequencing")
    if questions_of(document):
        # the LMS judges success from the score too: cmi.scaled_passing_score comes from here
        objectives = _sub(sequencing, IMSSS, "objectives")
        primary = _sub(objectives, IMSSS, "primaryObjective", objectiveID="learnloop-mastery",
                       satisfiedByMeasure="true")
        _sub(primary, IMSSS, "minNormalizedMeasure", f"{mastery:g}")
    _sub(sequencing, IMSSS, "deliveryControls", tracked="true",
         completionSetByContent="true", objectiveSetByContent="true")
    organization_sequencing = _sub(organization, IMSSS, "sequencing")
    _sub(organization_sequencing, IMSSS, "controlMode", choice="true", flow="true")
    resources = _sub(root, IMSCP, "resources")
    resource = _sub(resources, IMSCP, "resource", identifier="learnloop-sco", type="webcontent",
                    href=PAGE)
    resource.set(_tag(ADLCP, "scormType"), "sco")
    for name in files:
        _sub(resource, IMSCP, "file", href=name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def scorm_files(document: dict[str, Any], *, mastery: float = DEFAULT_MASTERY) -> dict[str, bytes]:
    files = html_files(document, reporter="scorm.js", mastery=mastery)
    files[MANIFEST] = scorm_manifest(document, files=sorted(files), mastery=mastery)
    return files


def scorm_package(document: dict[str, Any], *, mastery: float = DEFAULT_MASTERY) -> bytes:
    """The zip an LMS imports: imsmanifest.xml at its root."""
    return zip_bytes(scorm_files(document, mastery=mastery), at=_created(document))


def _created(document: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(document["created_at"])
