"""Plotly figures for the console, built server-side and shipped as JSON (the JS is served locally).

One function per chart; each takes plain read-model rows and returns a figure dict.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import plotly.graph_objects as go

from learnloop.store.dashboards import KpiPoint

__all__ = ["kpi_figures"]


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
