"""Charts for the PDF report, drawn as SVG by hand: no browser, no plotting library at render.

Each function takes the report's numbers and returns a complete <svg> element as text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

__all__ = ["effect_chart", "weekly_chart"]

WIDTH, HEIGHT = 640, 260
EFFECT_HEIGHT = 130
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 28, 40
TREATED, HOLDOUT, AXIS = "#1f6fb2", "#e07b39", "#888888"


def _finite(values: Sequence[float | None]) -> list[float]:
    return [value for value in values if value is not None and math.isfinite(value)]


def _scale(low: float, high: float, start: float, end: float):
    span = (high - low) or 1.0
    return lambda value: start + (value - low) / span * (end - start)


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 11,
          colour: str = "#333333") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-family="DejaVu Sans, sans-serif" '
            f'font-size="{size}" fill="{colour}" text-anchor="{anchor}">{escape(text)}</text>')


def _frame(title: str, body: list[str], *, height: int = HEIGHT) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}">'
            f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>'
            + _text(LEFT, 18, title, size=13) + "".join(body) + "</svg>")


def weekly_chart(weekly: dict[str, list], *, kpi: str) -> str:
    """The KPI's weekly mean for the treated and the hold-out, the start marked at week 0."""
    weeks = list(weekly.get("weeks", []))
    values = _finite(weekly.get("treated", []) + weekly.get("holdout", []))
    if not weeks or not values:
        return _frame(f"{kpi}: no person-level values yet", [])
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or 1.0
    x = _scale(min(weeks), max(weeks) or 1, LEFT, WIDTH - RIGHT)
    y = _scale(low - pad, high + pad, HEIGHT - BOTTOM, TOP)
    body = [f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
            f'y2="{HEIGHT - BOTTOM}" stroke="{AXIS}"/>',
            f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="{AXIS}"/>']
    for tick in (low, (low + high) / 2, high):
        body.append(_text(LEFT - 6, y(tick) + 4, f"{tick:.1f}", anchor="end", size=10))
    for week in weeks:
        if week % 4 == 0:
            body.append(_text(x(week), HEIGHT - BOTTOM + 16, str(week), anchor="middle",
                              size=10))
    body.append(_text((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 6, "weeks from the start",
                      anchor="middle", size=10))
    if min(weeks) <= 0 <= max(weeks):
        body.append(f'<line x1="{x(0):.1f}" y1="{TOP}" x2="{x(0):.1f}" y2="{HEIGHT - BOTTOM}" '
                    f'stroke="{AXIS}" stroke-dasharray="4 3"/>')
    for name, colour, offset in (("treated", TREATED, 0), ("holdout", HOLDOUT, 1)):
        points = [f"{x(week):.1f},{y(value):.1f}" for week, value in
                  zip(weeks, weekly.get(name, []), strict=False) if value is not None]
        if points:
            body.append(f'<polyline points="{" ".join(points)}" fill="none" '
                        f'stroke="{colour}" stroke-width="2"/>')
        legend_x = WIDTH - RIGHT - 150 + offset * 75
        body.append(f'<rect x="{legend_x}" y="10" width="12" height="4" fill="{colour}"/>')
        body.append(_text(legend_x + 16, 16, name.replace("holdout", "hold-out"), size=10))
    return _frame(f"{kpi}: weekly mean, treated and hold-out", body)


def effect_chart(*, label: str, estimate: float | None, lower: float | None,
                 upper: float | None) -> str:
    """The effect and its interval on a line through zero."""
    values = _finite([estimate, lower, upper, 0.0])
    if estimate is None or lower is None or upper is None:
        return _frame(f"{label}: not enough data yet", [], height=EFFECT_HEIGHT)
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or 1.0
    x = _scale(low - pad, high + pad, LEFT, WIDTH - RIGHT)
    middle = EFFECT_HEIGHT / 2 + 6
    body = [f'<line x1="{x(0):.1f}" y1="{TOP}" x2="{x(0):.1f}" y2="{EFFECT_HEIGHT - 24}" '
            f'stroke="{AXIS}" stroke-dasharray="4 3"/>',
            _text(x(0), EFFECT_HEIGHT - 24 + 16, "0 (no effect)", anchor="middle", size=10),
            f'<line x1="{x(lower):.1f}" y1="{middle}" x2="{x(upper):.1f}" y2="{middle}" '
            f'stroke="{TREATED}" stroke-width="6" stroke-linecap="round"/>',
            f'<circle cx="{x(estimate):.1f}" cy="{middle}" r="8" fill="#0b3d66"/>',
            _text(x(lower), middle - 14, f"{lower:.2f}", anchor="middle", size=10),
            _text(x(upper), middle - 14, f"{upper:.2f}", anchor="middle", size=10),
            _text(x(estimate), middle + 26, f"{estimate:.2f}", anchor="middle", size=12)]
    return _frame(f"{label}: effect against the hold-out with its interval", body,
                  height=EFFECT_HEIGHT)
