"""A pack as a cmi5 package: cmi5.xml (a course with one AU that launches the pack's page,
moveOn and masteryScore) beside the page and its xAPI reporter script.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from lxml import etree

from learnloop.content.exports.files import zip_bytes
from learnloop.content.exports.html import DEFAULT_MASTERY, PAGE, html_files, questions_of

__all__ = ["COURSE_STRUCTURE", "NAMESPACE", "cmi5_files", "cmi5_package", "cmi5_structure",
           "course_iri"]

COURSE_STRUCTURE = "cmi5.xml"
NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
LANGUAGE = "en-US"


def course_iri(document: dict[str, Any]) -> str:
    """A globally unique IRI for the pack: ids repeat across installations, so the source,
    version and creation time are folded in."""
    seed = f"{document['source']['key']}|{document['source']['version']}|{document['created_at']}"
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16]
    return f"urn:learnloop:pack:{document['id']}:{digest}"


def _text(parent: etree._Element, name: str, value: str) -> None:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
    langstring = etree.SubElement(element, f"{{{NAMESPACE}}}langstring", lang=LANGUAGE)
    langstring.text = value


def _description(document: dict[str, Any]) -> str:
    kinds = ", ".join(component["kind"].replace("_", " ") for component in document["components"])
    source = document["source"]
    return f"{kinds} from {source['title'] or source['key']} (version {source['version']})"


def cmi5_structure(document: dict[str, Any], *, mastery: float = DEFAULT_MASTERY) -> bytes:
    course_id = course_iri(document)
    root = etree.Element(f"{{{NAMESPACE}}}courseStructure", nsmap={None: NAMESPACE})
    course = etree.SubElement(root, f"{{{NAMESPACE}}}course", id=course_id)
    _text(course, "title", document["title"])
    _text(course, "description", _description(document))
    judged = questions_of(document) > 0
    attributes = {"id": f"{course_id}:au", "launchMethod": "AnyWindow",
                  "moveOn": "CompletedAndPassed" if judged else "Completed"}
    if judged:
        attributes["masteryScore"] = f"{mastery:g}"
    au = etree.SubElement(root, f"{{{NAMESPACE}}}au", attrib=attributes)
    _text(au, "title", document["title"])
    _text(au, "description", _description(document))
    url = etree.SubElement(au, f"{{{NAMESPACE}}}url")
    url.text = PAGE
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def cmi5_files(document: dict[str, Any], *, mastery: float = DEFAULT_MASTERY) -> dict[str, bytes]:
    files = html_files(document, reporter="cmi5.js", mastery=mastery)
    files[COURSE_STRUCTURE] = cmi5_structure(document, mastery=mastery)
    return files


def cmi5_package(document: dict[str, Any], *, mastery: float = DEFAULT_MASTERY) -> bytes:
    """The zip an LMS imports: cmi5.xml at its root."""
    return zip_bytes(cmi5_files(document, mastery=mastery),
                     at=datetime.fromisoformat(document["created_at"]))
