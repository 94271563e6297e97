"""Content work that needs more than the pure domain: the packaged sentence-embedding model.

The checks themselves live in learnloop.domain.content.checks and receive the model as an argument.
"""
