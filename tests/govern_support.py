"""What govern tests share: the demo's three sources imported with their manifest (policy,
product sheet, transcript) and one offline pack from each, written at a named person's request."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from content_support import TEXTS
from import_support import import_into
from learnloop.demo.writer import SOURCE_DOCUMENTS
from learnloop.generation import generate_pack
from learnloop.llm.offline import OfflineEngine
from learnloop.workspace import Workspace

AUTHOR = "token:lena-designer"


def demo_sources(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for file_name in SOURCE_DOCUMENTS:
        shutil.copy(TEXTS / file_name, folder / file_name)
    (folder / "sources.yaml").write_text(yaml.safe_dump({"sources": [
        {**entry, "file": file_name} for file_name, entry in SOURCE_DOCUMENTS.items()]}),
        encoding="utf-8")
    return folder


def packs_for_demo_sources(workspace: Workspace, folder: Path) -> dict[str, list[int]]:
    """Source key → the ids of its pack's components (imported and generated as AUTHOR)."""
    import_into(workspace, kind="sources", path=demo_sources(folder))
    made = {}
    with workspace.session() as session:
        org = workspace.organisation(session, None).id
        for entry in SOURCE_DOCUMENTS.values():
            pack = generate_pack(session, organisation_id=org, source=entry["id"],
                                 engine=OfflineEngine(), actor=AUTHOR,
                                 settings=workspace.settings).pack
            made[entry["id"]] = [component.id for component in pack.components]
    return made
