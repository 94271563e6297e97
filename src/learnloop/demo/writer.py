"""Writes a generated company as the documented import files (docs/data-formats.md) plus truth.json.

Byte-for-byte stable for a given company, so the same seed always gives identical files.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from learnloop.connectors.importers.registry import ORDER
from learnloop.demo.generator import DemoCompany
from learnloop.demo.interventions import HEADER as INTERVENTION_HEADER
from learnloop.domain.objectives import Objective

__all__ = ["IMPORT_ORDER", "SOURCE_DOCUMENTS", "TRUTH_FILE", "write_demo_files"]

_FILE_NAMES = {
    "skills": "skills.yaml", "roles": "roles.yaml", "people": "people.csv",
    "objectives": "objectives.yaml", "changes": "changes.csv", "signals": "signals.csv",
    "evidence": "evidence.csv", "pulse": "pulse.csv", "sources": "sources",
}
# kind → file or folder, in the order the importers need them (references must already exist)
IMPORT_ORDER: dict[str, str] = {kind: _FILE_NAMES[kind] for kind in ORDER}
# the past intervention and its assignment: after people and the signals around it
IMPORT_ORDER["interventions"] = "interventions.csv"
TRUTH_FILE = "truth.json"

# file in demo/texts → manifest entry
SOURCE_DOCUMENTS: dict[str, dict[str, str]] = {
    "refunds-and-credits-policy.md": {
        "id": "refunds-and-credits-policy",
        "title": "Refunds and Service Credits Policy",
        "kind": "policy",
        "owner": "Finance and Customer Support",
    },
    "coldchain-product-sheet.md": {
        "id": "coldchain-product-sheet",
        "title": "Tidewell ColdChain: product sheet for customer-facing teams",
        "kind": "product",
        "owner": "ColdChain Product Management",
    },
    "sme-interview-excursion-cases.md": {
        "id": "sme-interview-excursion-cases",
        "title": "SME interview: resolving ColdChain excursion cases at first contact",
        "kind": "transcript",
        "owner": "People & Learning",
    },
}


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    # import files, not exports: learnloop reads them back, so cells stay exactly as generated
    # (learnloop.csv_export's formula guard would turn a negative KPI into text)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _write_yaml(path: Path, document: dict[str, Any]) -> None:
    path.write_text(
        yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )


def _number(value: float) -> str:
    return f"{value:g}"


def _skills(company: DemoCompany) -> dict[str, Any]:
    categories: dict[str, list[dict[str, str]]] = {}
    for skill in company.skills:
        categories.setdefault(skill.category, []).append(
            {"id": skill.key, "name": skill.name, "description": skill.description}
        )
    return {"categories": [{"name": name, "skills": skills} for name, skills in categories.items()]}


def _roles(company: DemoCompany) -> dict[str, Any]:
    return {
        "roles": [
            {
                "id": role.key,
                "name": role.name,
                "description": role.description,
                "requirements": [
                    {
                        "skill": need.skill_key,
                        "level": need.level,
                        "criticality": need.criticality.value,
                    }
                    for need in role.requirements
                ],
            }
            for role in company.roles
        ]
    }


def _objective(objective: Objective) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": objective.key,
        "title": objective.title,
        "description": objective.description,
        "owner": objective.owner,
        "weight": objective.weight,
        "reason": objective.reason,
    }
    entry["kpis"] = [
        {
            "metric": kpi.metric,
            "direction": kpi.direction.value,
            "unit": kpi.unit,
            "target": kpi.target,
        }
        for kpi in objective.kpis
    ]
    entry["skills"] = list(objective.skill_keys)
    entry["teams"] = list(objective.team_keys)
    return entry


def _objectives(company: DemoCompany) -> dict[str, Any]:
    return {
        "objectives": [_objective(objective) for objective in company.objectives],
        "not_priorities": [
            {
                "id": item.key,
                "title": item.title,
                "description": item.description,
                "owner": item.owner,
                "reason": item.reason,
                "skills": list(item.skill_keys),
            }
            for item in company.not_priorities
        ],
    }


def _write_sources(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    texts = resources.files("learnloop.demo").joinpath("texts")
    for file_name in SOURCE_DOCUMENTS:
        (folder / file_name).write_text(
            texts.joinpath(file_name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    _write_yaml(
        folder / "sources.yaml",
        {
            "sources": [
                {
                    "id": entry["id"],
                    "file": file_name,
                    "title": entry["title"],
                    "kind": entry["kind"],
                    "owner": entry["owner"],
                }
                for file_name, entry in SOURCE_DOCUMENTS.items()
            ]
        },
    )


def write_demo_files(company: DemoCompany, directory: Path) -> dict[str, Path]:
    """Write every import file and truth.json into `directory`; kind → path, in import order."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {kind: directory / name for kind, name in IMPORT_ORDER.items()}
    teams = {team.key: team for team in company.teams}
    _write_yaml(paths["skills"], _skills(company))
    _write_yaml(paths["roles"], _roles(company))
    _write_csv(
        paths["people"],
        (
            "id",
            "name",
            "email",
            "team",
            "team_name",
            "department",
            "role",
            "manager_id",
            "location",
            "time_zone",
            "hire_date",
            "status",
        ),
        (
            (
                p.key,
                p.name,
                p.email or "",
                p.team_key,
                teams[p.team_key].name,
                teams[p.team_key].department,
                p.role_key or "",
                p.manager_key or "",
                p.location or "",
                p.time_zone,
                p.hire_date.isoformat() if p.hire_date else "",
                p.status,
            )
            for p in company.people
        ),
    )
    _write_yaml(paths["objectives"], _objectives(company))
    _write_csv(
        paths["changes"], ("id", "kind", "start", "end", "team", "description"),
        ((key, c.kind.value, c.starts.isoformat(), c.ends.isoformat(), c.team or "",
          c.description) for key, c in company.changes),
    )
    _write_csv(
        paths["signals"],
        ("id", "metric", "subject_type", "subject", "observed_at", "value", "source", "volume"),
        (
            (
                s.key,
                s.metric,
                s.subject_type.value,
                s.subject_key or "",
                s.observed_at.isoformat().replace("+00:00", "Z"),
                _number(s.value),
                s.source,
                "" if s.volume is None else _number(s.volume),
            )
            for s in company.signals
        ),
    )
    _write_csv(
        paths["evidence"],
        ("id", "person", "skill", "kind", "level", "date", "source"),
        (
            (
                e.key,
                e.person_key,
                e.skill_key,
                e.kind.value,
                _number(e.level),
                e.observed_on.isoformat(),
                e.source,
            )
            for e in company.evidence
        ),
    )
    _write_csv(
        paths["pulse"],
        ("survey", "team", "question", "period", "score", "responses"),
        (
            (r.survey, r.team_key, r.question, r.period.isoformat(), _number(r.score), r.responses)
            for r in company.pulse
        ),
    )
    _write_sources(paths["sources"])
    _write_csv(paths["interventions"], INTERVENTION_HEADER, company.interventions)
    (directory / TRUTH_FILE).write_text(
        json.dumps({"company": company.name, "seed": company.seed, **company.truth}, indent=2)
        + "\n",
        encoding="utf-8",
    )
    return paths
