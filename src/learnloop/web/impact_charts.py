"""Plotly figures for the impact pages: the KPI's weekly means, treated against the hold-out,
and each effect with its interval; built server-side, drawn by static/charts.js.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

__all__ = ["effects_figure", "weekly_figure"]

_LAYOUT = {"margin": {"l": 48, "r": 12, "t": 40, "b": 36}, "template": "plotly_white",
           "legend": {"orientation": "h", "y": -0.2}}


def weekly_figure(report: dict[str, Any]) -> dict[str, Any]:
    weekly = report.get("weekly") or {}
    figure = go.Figure()
    for name, colour in (("treated", "#1f6fb2"), ("holdout", "#e07b39")):
        figure.add_trace(go.Scatter(x=weekly.get("weeks", []), y=weekly.get(name, []),
                                    mode="lines+markers", name=name.replace("holdout",
                                                                            "hold-out"),
                                    line={"color": colour}, connectgaps=False))
    figure.add_vline(x=0, line={"color": "#888888", "dash": "dot"})
    figure.update_layout(title={"text": f"{report.get('kpi')}: weekly mean", "x": 0.01},
                         xaxis_title="weeks from the start", height=340, **_LAYOUT)
    return {"id": "impact-weekly", "json": figure.to_json()}


def effects_figure(report: dict[str, Any]) -> dict[str, Any]:
    """The KPI effect and each behaviour effect (levels 4 and 3) with their intervals."""
    rows = [(f"L4 {report.get('kpi')}", report.get("estimate"), report.get("lower"),
             report.get("upper"))]
    rows += [(f"L3 {item.get('metric')}", item.get("estimate"), item.get("lower"),
              item.get("upper")) for item in report.get("levels", {}).get("3", [])]
    rows = [row for row in rows if row[1] is not None and row[2] is not None]
    figure = go.Figure(go.Scatter(
        x=[row[1] for row in rows], y=[row[0] for row in rows], mode="markers",
        marker={"size": 12, "color": "#0b3d66"},
        error_x={"type": "data", "symmetric": False,
                 "array": [row[3] - row[1] for row in rows],
                 "arrayminus": [row[1] - row[2] for row in rows]}))
    figure.add_vline(x=0, line={"color": "#888888", "dash": "dot"})
    figure.update_layout(title={"text": "effect against the hold-out (interval)", "x": 0.01},
                         height=120 + 50 * max(len(rows), 1), showlegend=False, **_LAYOUT)
    return {"id": "impact-effects", "json": figure.to_json()}
