"""Finds importers through the `learnloop.importers` entry-point group, as plugins add theirs.

A broken importer fails loudly: a missing `learnloop import` command would only puzzle the user.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

from learnloop.connectors.importers.importer import Importer
from learnloop.errors import ConfigError
from learnloop.plugins import load_entry_point

__all__ = ["IMPORTER_ENTRY_POINT_GROUP", "importers", "load_importers"]

IMPORTER_ENTRY_POINT_GROUP = "learnloop.importers"

# The order an organisation's files are imported in: each kind refers to the ones before it.
ORDER = ("skills", "roles", "people", "objectives", "changes", "signals", "evidence", "pulse",
         "sources")


def load_importers(points: list[EntryPoint]) -> dict[str, type[Importer]]:
    """Importer classes by kind, checked, in dependency order (unknown kinds last, by name)."""
    found: dict[str, type[Importer]] = {}
    for point in points:
        loaded = load_entry_point(point, what="importer")
        if not (isinstance(loaded, type) and issubclass(loaded, Importer)):
            raise ConfigError(f"importer {point.name!r} ({point.value}) is not an Importer class")
        if getattr(loaded, "kind", None) != point.name:
            raise ConfigError(f"importer {point.name!r} ({point.value}) declares kind "
                              f"{getattr(loaded, 'kind', None)!r}")
        if point.name in found:
            raise ConfigError(f"more than one importer is registered for {point.name!r}")
        found[point.name] = loaded
    rank = {kind: index for index, kind in enumerate(ORDER)}
    return dict(sorted(found.items(), key=lambda item: (rank.get(item[0], len(ORDER)), item[0])))


@cache
def importers() -> dict[str, type[Importer]]:
    return load_importers(list(entry_points(group=IMPORTER_ENTRY_POINT_GROUP)))
