"""The API's routers, one module per area; `ROUTERS` is what `create_app` includes."""

from learnloop.api.routes import (
    catalogue,
    deliveries,
    detections,
    events,
    imports,
    jobs,
    needs,
    people,
    privacy,
    status,
    tokens,
)

ROUTERS = [status.router, people.router, catalogue.router, imports.router, events.router,
           jobs.router, tokens.router, privacy.router, detections.router,
           deliveries.router, needs.router]

__all__ = ["ROUTERS"]
