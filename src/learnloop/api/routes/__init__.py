"""The API's routers, one module per area; `ROUTERS` is what `create_app` includes."""

from learnloop.api.routes import (
    catalogue,
    content,
    content_checks,
    deliveries,
    detections,
    events,
    impact,
    imports,
    jobs,
    needs,
    people,
    privacy,
    reviews,
    status,
    tokens,
)

ROUTERS = [status.router, people.router, catalogue.router, imports.router, events.router,
           jobs.router, tokens.router, privacy.router, detections.router,
           content.router, content_checks.router, needs.router, reviews.router,
           impact.router, deliveries.router]

__all__ = ["ROUTERS"]
