"""Connectors: the edges where an organisation's systems meet learnloop (importers, later channels).

Each kind of connector has one small base class and one module per source, found by entry points.
"""
