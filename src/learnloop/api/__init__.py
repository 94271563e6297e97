"""The HTTP API: thin routers over the store, the token service, importers and jobs.

`create_app(workspace)` in `learnloop.api.app` builds the application; docs/api.md describes it.
"""
