"""Imports business objectives with KPIs, skills and teams, and what L&D decided is not a priority.

Not-priorities are kept (priority false, weight 0) so the loop can say why it stays quiet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from learnloop.connectors.importers.base import Cells, Counts, Importer, read_yaml, yaml_cells
from learnloop.domain.objectives import Direction
from learnloop.store import tables
from learnloop.store.bulk import replace_children, sync_rows

__all__ = ["ObjectivesImporter"]

_OBJECTIVE_KEYS = ("id", "title", "description", "owner", "weight", "reason", "kpis", "skills",
                   "teams")
_NOT_PRIORITY_KEYS = ("id", "title", "description", "owner", "reason", "skills")


class ObjectivesImporter(Importer):
    kind = "objectives"
    description = "Business objectives, their KPIs and skills, and what is not a priority (YAML)."
    formats = ("yaml", "yml")

    def run(self, path: Path) -> Counts:
        session, org = self.context.session, self.context.organisation_id
        self._skills = self.context.key_ids(tables.Skill)
        self._teams = set(session.scalars(select(tables.Team.key).where(
            tables.Team.organisation_id == org)))
        self._objectives: dict[str, dict[str, Any]] = {}
        self._kpis: dict[str, set[tuple[Any, ...]]] = {}
        self._skill_ids: dict[str, set[tuple[int]]] = {}
        self._seen: dict[str, str] = {}
        document = read_yaml(path, self.problems)
        if document is not None and not isinstance(document, dict):
            self.problems.add("expected a mapping with 'objectives' and 'not_priorities' lists")
            document = None
        for key in (document or {}):
            if key not in ("objectives", "not_priorities"):
                self.problems.add("unknown key; expected objectives, not_priorities",
                                  field=str(key))
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
        skill_ids: set[tuple[int]] = set()
        for where, skill in cells.key_list("skills"):
            if skill not in self._skills:
                cells.problem(where, f"no skill {skill!r} in the taxonomy (import skills first)")
            else:
                skill_ids.add((self._skills[skill],))
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
        session, size = self.context.session, self.context.batch_size
        synced = sync_rows(session, tables.Objective, organisation_id=self.context.organisation_id,
                           rows=self._objectives, batch_size=size,
                           compared=("title", "description", "owner", "priority", "weight",
                                     "reason", "team_keys"))
        changed = replace_children(
            session, tables.Kpi, parent_column="objective_id", batch_size=size,
            wanted={synced.ids[key]: kpis for key, kpis in self._kpis.items()},
            columns=("metric", "direction", "unit", "target"))
        changed |= replace_children(
            session, tables.ObjectiveSkill, parent_column="objective_id", batch_size=size,
            wanted={synced.ids[key]: skills for key, skills in self._skill_ids.items()},
            columns=("skill_id",))
        synced.mark_updated(key for key in self._objectives if synced.ids[key] in changed)
        return synced.counts(len(self._objectives))
