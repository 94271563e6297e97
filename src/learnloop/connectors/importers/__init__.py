"""Importers: one module per kind of file (people, roles, skills, ...), all on one base class.

`registry.importers()` finds them through the `learnloop.importers` entry-point group.
"""
