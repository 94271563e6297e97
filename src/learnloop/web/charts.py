"""Plotly figures for the console, built server-side and shipped as JSON (the JS is served locally).

One function per chart; each takes plain read-model rows and returns a figure dict.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import plotly.graph_objects as go

from learnloop.domain.proficiencies import SkillHealth
from learnloop.domain.sensing.records import DetectionRecord
from learnloop.domain.sensing.series import ChangeEntry
from learnloop.domain.sensing.weeks import week_start
from learnloop.store.dashboards import KpiPoint
from learnloop.store.sensing import TeamWeeks

__all__ = ["detection_figure", "kpi_figures", "skill_heatmap"]


def kpi_figures(points: list[KpiPoint]) -> list[dict[str, Any]]:
    """One line chart per KPI metric, a line per team."""
    by_metric: dict[str, dict[str, list[KpiPoint]]] = defaultdict(lambda: defaultdict(list))
    for point in points:
        by_metric[point.metric][point.team].append(point)
    figures = []
    for metric, teams in sorted(by_metric.items()):
        figure = go.Figure()
        for team, series in sorted(teams.items()):
            figure.add_trace(
                go.Scatter(
                    x=[p.observed_at.date().isoformat() for p in series],
                    y=[p.value for p in series],
                    mode="lines",
                    name=team,
                )
            )
        figure.update_layout(
            title={"text": metric.replace("_", " "), "x": 0.01},
            height=320,
            margin={"l": 48, "r": 12, "t": 40, "b": 36},
            showlegend=True,
            legend={"orientation": "h", "y": -0.2},
            template="plotly_white",
        )
        figures.append({"id": f"kpi-{metric}", "json": figure.to_json()})
    return figures


def detection_figure(record: DetectionRecord, *, series: TeamWeeks,
                     changes: list[ChangeEntry]) -> dict[str, Any]:
    """A team's weekly series with the baseline window and level, the detected change from its
    start (at the observed level), and the logged changes as marked lines."""
    found = record.detection
    row = series.values[0] if len(series.teams) else np.empty(0)
    shown = int(np.flatnonzero(~np.isnan(row))[-1]) + 1 if (~np.isnan(row)).any() else 0
    weeks = [week_start(series.first_week + i).isoformat() for i in range(shown)]
    values = [None if np.isnan(value) else float(value)  # a week with no data: a gap
              for value in row[:shown]]
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=weeks, y=values, mode="lines+markers", name=found.metric,
                                connectgaps=False))
    figure.add_trace(go.Scatter(
        x=[found.baseline_from.isoformat(), found.baseline_to.isoformat()],
        y=[found.baseline_level] * 2, mode="lines", name="baseline",
        line={"dash": "dash", "color": "#4c78a8"}))
    figure.add_trace(go.Scatter(
        x=[found.change_start.isoformat(), found.detected_at.isoformat()],
        y=[found.observed_level] * 2, mode="lines", name=f"detected {found.direction}",
        line={"color": "#e45756", "width": 3}))
    figure.add_vrect(x0=found.baseline_from.isoformat(), x1=found.baseline_to.isoformat(),
                     fillcolor="#4c78a8", opacity=0.08, line_width=0)
    figure.add_vline(x=found.detected_at.isoformat(), line={"color": "#e45756", "dash": "dot"})
    for change in changes:
        figure.add_vline(x=change.starts.isoformat(), line={"color": "#72b7b2"})
        figure.add_annotation(x=change.starts.isoformat(), y=1, yref="paper", showarrow=False,
                              text=change.kind.value.replace("_", " "),
                              hovertext=change.description, textangle=-90, xanchor="left",
                              yanchor="top", font={"size": 10})
    figure.update_layout(
        title={"text": f"{found.subject_key}: {found.metric.replace('_', ' ')}", "x": 0.01},
        height=380, margin={"l": 48, "r": 12, "t": 40, "b": 36},
        legend={"orientation": "h", "y": -0.2}, template="plotly_white")
    return {"id": f"detection-{record.id}", "json": figure.to_json()}


def skill_heatmap(rows: list[SkillHealth]) -> dict[str, Any] | None:
    """Teams × skills, each cell the share of the people asked who meet the required level
    (roles in a team pooled), with the counts and interval on hover; None when there is nothing."""
    if not rows:
        return None
    cells: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for row in rows:
        cell = cells[(row.team_key, row.skill_key)]
        cell[0] += row.meeting
        cell[1] += row.people
        cell[2] += row.lower
        cell[3] += row.upper
    teams = sorted({team for team, _ in cells})
    skills = sorted({skill for _, skill in cells})
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    for team in teams:
        z.append([])
        text.append([])
        for skill in skills:
            cell = cells.get((team, skill))
            if cell is None or not cell[1]:
                z[-1].append(None)
                text[-1].append("")
                continue
            z[-1].append(cell[0] / cell[1])
            text[-1].append(f"{team} · {skill}<br>{cell[0]:.1f} of {cell[1]:.0f} meet the level "
                            f"({cell[2]:.1f}-{cell[3]:.1f})")
    figure = go.Figure(go.Heatmap(
        z=z, x=skills, y=teams, text=text, hoverinfo="text", zmin=0, zmax=1,
        colorscale="RdYlGn", colorbar={"title": "meeting", "tickformat": ".0%"}))
    figure.update_layout(
        title={"text": "Skill health: share of people at the required level", "x": 0.01},
        height=max(360, 28 * len(teams) + 160), margin={"l": 140, "r": 12, "t": 40, "b": 140},
        xaxis={"tickangle": -45}, template="plotly_white")
    return {"id": "skill-heatmap", "json": figure.to_json()}
