"""What every console page shares: the templates, the page frame, and the console's error page.

Pages get the caller through the shared dependencies (`learnloop.serving.deps`) and render here.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from learnloop import __version__
from learnloop.domain.access import Principal
from learnloop.serving.csrf import CSRF_FIELD, csrf_token
from learnloop.serving.errors import ErrorAnswer
from learnloop.store.tables import Organisation
from learnloop.web.navigation import visible_navigation

__all__ = ["STATIC", "error_page", "page", "safe_next", "templates"]

STATIC = Path(__file__).parent / "static"
_STATUS_PHRASES = frozenset(status.phrase for status in HTTPStatus)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
# every form carries the browser's CSRF token: {{ csrf_field(request) }}
templates.env.globals["csrf_token"] = csrf_token
templates.env.globals["csrf_field"] = lambda request: Markup(
    f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token(request))}">')


def page(
    request: Request,
    template: str,
    principal: Principal | None,
    organisation: Organisation | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        template,
        {
            "principal": principal,
            "organisation": organisation,
            "version": __version__,
            "navigation": visible_navigation(principal) if principal is not None else [],
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
    )


def error_page(request: Request, answer: ErrorAnswer) -> HTMLResponse:
    """An error on a console page, as a page with a way back; a 500 says nothing of its cause."""
    # set by the shared principal dependency when the caller was known before the error
    principal = getattr(request.state, "principal", None)
    # the framework's own phrase ("Not Found") says nothing the page's title does not
    detail = None if answer.message in _STATUS_PHRASES else answer.message
    response = page(request, "error.html", principal, None, status_code=answer.status_code,
                    answer=answer, detail=detail)
    response.headers.update(answer.headers or {})  # e.g. a 405's Allow
    return response


def safe_next(target: str) -> str:
    """Only same-site paths: a crafted link must not bounce a signed-in user elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"
