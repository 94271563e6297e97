"""Reads the imported standard taxonomy (skills, their broader groups) and links organisation
skills to taxonomy skills; callers own the transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.errors import NotFoundError
from learnloop.store import tables

__all__ = ["LinkedSkill", "TaxonomyEntry", "broader_labels", "link_skill", "organisation_skills",
           "skill_links", "taxonomy_skills"]


@dataclass(frozen=True)
class TaxonomyEntry:
    uri: str
    label: str
    alt_labels: str


@dataclass(frozen=True)
class LinkedSkill:
    skill_key: str
    uri: str
    label: str


def taxonomy_skills(session: Session, *, organisation_id: int) -> list[TaxonomyEntry]:
    """Every taxonomy skill (not group) of the organisation, by URI."""
    table = tables.TaxonomySkill
    rows = session.execute(select(table.key, table.label, table.alt_labels).where(
        table.organisation_id == organisation_id, table.kind == "skill").order_by(table.key))
    return [TaxonomyEntry(uri=key, label=label, alt_labels=alt) for key, label, alt in rows]


def broader_labels(session: Session, *, organisation_id: int, uri: str) -> list[str]:
    """The labels of a concept's broader concepts, nearest first, up to the top of the tree."""
    table, edge = tables.TaxonomySkill, tables.TaxonomyBroader
    current = session.scalar(select(table.id).where(
        table.organisation_id == organisation_id, table.key == uri))
    if current is None:
        raise NotFoundError(f"no taxonomy skill {uri!r} (run `learnloop import esco` first)")
    labels: list[str] = []
    seen = {current}
    frontier = [current]
    while frontier:  # breadth first: the nearest groups come first; `seen` stops a cycle
        rows = session.execute(select(table.id, table.label).join(
            edge, edge.broader_id == table.id).where(edge.narrower_id.in_(frontier))
            .order_by(table.key)).all()
        frontier = [found for found, _ in rows if found not in seen]
        seen.update(frontier)
        labels += [label for found, label in rows if found in frontier]
    return labels


def link_skill(session: Session, *, organisation_id: int, skill_key: str, uri: str) -> bool:
    """Link the organisation's skill to the taxonomy skill; False if it was linked already."""
    skill_id = session.scalar(select(tables.Skill.id).where(
        tables.Skill.organisation_id == organisation_id, tables.Skill.key == skill_key))
    if skill_id is None:
        raise NotFoundError(f"no skill {skill_key!r} (import skills first)")
    concept_id = session.scalar(select(tables.TaxonomySkill.id).where(
        tables.TaxonomySkill.organisation_id == organisation_id,
        tables.TaxonomySkill.key == uri))
    if concept_id is None:
        raise NotFoundError(f"no taxonomy skill {uri!r} (run `learnloop import esco` first)")
    link = tables.SkillTaxonomyLink
    if session.scalar(select(link.id).where(link.skill_id == skill_id,
                                            link.taxonomy_skill_id == concept_id)) is not None:
        return False
    session.add(link(skill_id=skill_id, taxonomy_skill_id=concept_id))
    session.flush()
    return True


def skill_links(session: Session, *, organisation_id: int) -> list[LinkedSkill]:
    """Every organisation skill's taxonomy links, by skill key then URI."""
    link, skill, concept = tables.SkillTaxonomyLink, tables.Skill, tables.TaxonomySkill
    rows = session.execute(
        select(skill.key, concept.key, concept.label)
        .join(link, link.skill_id == skill.id).join(concept, concept.id == link.taxonomy_skill_id)
        .where(skill.organisation_id == organisation_id).order_by(skill.key, concept.key))
    return [LinkedSkill(skill_key=a, uri=b, label=c) for a, b, c in rows]


def organisation_skills(session: Session, *, organisation_id: int) -> list[tuple[str, str]]:
    """(key, name and description) of every organisation skill, by key: what is matched to ESCO."""
    skill = tables.Skill
    rows = session.execute(select(skill.key, skill.name, skill.description).where(
        skill.organisation_id == organisation_id).order_by(skill.key))
    return [(key, f"{name}. {description}".strip(" .")) for key, name, description in rows]
