"""The HTTP API: thin routers over the store, the token service, importers and jobs.

Built into the application by `learnloop.serving.app.create_app`; docs/api.md describes it.
"""
