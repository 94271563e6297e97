"""The impact report as a PDF, laid out by WeasyPrint (Debian's Pango) from HTML with SVG
charts drawn by reports/svg.py: no browser, no network (external URLs are refused).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from learnloop.errors import ProviderError
from learnloop.reports.impact import impact_rows
from learnloop.reports.svg import effect_chart, weekly_chart

__all__ = ["impact_pdf"]

_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=select_autoescape(["html"]))


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # the report embeds everything it shows; nothing in it may reach the network or the disk
    raise ValueError(f"the report fetches nothing ({url[:60]})")


def impact_html(report: dict[str, Any], *, organisation: str) -> str:
    level4 = report.get("levels", {}).get("4", {})
    return _TEMPLATES.get_template("impact.html").render(
        report=report, organisation=organisation, rows=list(impact_rows(report)),
        weekly_svg=weekly_chart(report.get("weekly", {}), kpi=str(report.get("kpi"))),
        effect_svg=effect_chart(label=str(report.get("kpi")), estimate=level4.get("estimate"),
                                lower=level4.get("lower"), upper=level4.get("upper")))


def impact_pdf(report: dict[str, Any], *, organisation: str) -> bytes:
    """The report as PDF bytes."""
    try:
        from weasyprint import HTML
    except OSError as error:  # Pango missing: say what to install
        raise ProviderError(f"PDF needs Pango (Debian: apt-get install libpango-1.0-0 "
                            f"libpangoft2-1.0-0): {error}") from error
    return HTML(string=impact_html(report, organisation=organisation),
                url_fetcher=_no_fetching).write_pdf()
