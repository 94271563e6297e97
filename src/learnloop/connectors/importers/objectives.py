"""Imports business objectives with KPIs, skills and teams, and what L&D decided is not a priority.

Not-priorities are kept (priority false, weight 0) so the loop can say why it stays quiet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from learnloop.connectors.importers.cells import Cells, did_you_mean
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.reading import read_yaml, yaml_cells
from learnloop.domain.imports import Counts
from learnloop.domain.objectives import Direction
from learnloop.store import tables
from learnloop.store.imports.objectives import write_objectives
from learnloop.store.keys import key_ids

__all__ = ["ObjectivesImporter"]

_OBJECTIVE_KEYS = ("id", "title", "description", "owner", "weight", "reason", "kpis", "skills",
                   "teams")
_TOP_KEYS = ("objectives", "not_priorities")
_NOT_PRIORITY_KEYS = ("id", "title", "description", "owner", "reason", "skills")


class ObjectivesImporter(Importer):
    kind = "objectives"
    description = "Business objectives, their KPIs and skills, and what is not a priority (YAML)."
    formats = ("yaml", "yml")

    def run(self, path: Path) -> Counts:
        session, org = self.context.session, self.context.organisation_id
        self._skills = key_ids(session, tables.Skill, organisation_id=org)
        self._teams = set(key_ids(session, tables.Team, organisation_id=org))
        self._objectives: dict[str, dict[str, Any]] = {}
        self._kpis: dict[str, set[tuple[Any, ...]]] = {}
        self._skill_ids: dict[str, set[int]] = {}
        self._seen: dict[str, str] = {}
        document = read_yaml(self.context.open_text(path), self.problems)
        if document is not None and not isinstance(document, dict):
            self.problems.add("expected a mapping with 'objectives' and 'not_priorities' lists")
            document = None
        for key in (document or {}):
            if key not in _TOP_KEYS:
                self.problems.add(f"unknown key; {did_you_mean(str(key), _TOP_KEYS)}"
                                  f"expected {', '.join(_TOP_KEYS)}", field=str(key))
        for priority, list_key in ((True, "objectives"), (False, "not_priorities")):
            for cells in yaml_cells(document, list_key, self.problems, required=priority):
                self._read(cells, priority=priority)
        if self.problems:
            return Counts(rows=len(self._objectives))
        return self._write()

    def _read(self, cells: Cells, *, priority: bool) -> None:
        cells.only(_OBJECTIVE_KEYS if priority else _NOT_PRIORITY_KEYS)
        key = cells.key("id")
        title = cells.text("title", required=True)
        weight = cells.number("weight", low=0, high=1) if priority else 0.0
        reason = cells.text("reason", required=not priority, max_length=10_000)
        kpis: set[tuple[Any, ...]] = set()
        metrics: set[str] = set()
        for kpi in cells.nested("kpis") if priority else []:
            kpi.only(("metric", "direction", "unit", "target"))
            metric = kpi.key("metric")
            direction = kpi.choice("direction", [d.value for d in Direction])
            unit = kpi.text("unit", max_length=32) or ""
            target = kpi.number("target", required=False)
            if metric in metrics:
                kpi.problem("metric", f"metric {metric!r} appears twice in this objective")
            elif metric is not None and direction is not None:
                metrics.add(metric)
                kpis.add((metric, direction, unit, target))
        skill_ids: set[int] = set()
        for where, skill in cells.key_list("skills"):
            if skill not in self._skills:
                cells.problem(where, f"no skill {skill!r} in the taxonomy (import skills first)")
            else:
                skill_ids.add(self._skills[skill])
        teams = []
        for where, team in cells.key_list("teams") if priority else []:
            if team not in self._teams:
                cells.problem(where, f"no team {team!r} (teams come from the people import)")
            teams.append(team)
        if key is not None and key in self._seen:
            cells.problem("id", f"objective {key!r} appears more than once "
                                f"(also {self._seen[key]})")
            return
        if key is not None:
            self._seen[key] = cells.prefix
        if not cells.ok or key is None:
            return
        self._objectives[key] = {
            "title": title, "description": cells.text("description", max_length=10_000) or "",
            "owner": cells.text("owner", max_length=200), "priority": priority, "weight": weight,
            "reason": reason, "team_keys": sorted(set(teams))}
        self._kpis[key] = kpis
        self._skill_ids[key] = skill_ids

    def _write(self) -> Counts:
        return write_objectives(self.context.session,
                                organisation_id=self.context.organisation_id,
                                objectives=self._objectives, kpis=self._kpis,
                                skill_ids=self._skill_ids, batch_size=self.context.batch_size)
