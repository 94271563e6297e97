"""`learnloop demo`: generate the demo company, import it as a user would, return a console token.

Every file goes through the same importers a user's files do, so the demo also proves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.progress import Progress, TaskID

from learnloop.demo.generator import generate_company
from learnloop.demo.writer import write_demo_files
from learnloop.domain.events import EventKind
from learnloop.importing import ImportLimits, import_file
from learnloop.store.event_log import EventLog
from learnloop.store.organisations import rename_organisation
from learnloop.store.overview import organisation_counts
from learnloop.tokens import issue_token
from learnloop.workspace import Workspace

__all__ = ["ACTOR", "DemoSummary", "build_demo"]

ACTOR = "demo"


@dataclass(frozen=True, slots=True)
class DemoSummary:
    organisation_name: str
    directory: Path
    admin_token: str
    counts: dict[str, int]


def _import_all(workspace: Workspace, paths: dict[str, Path], *, organisation_key: str | None,
                progress: Progress | None) -> None:
    """Import each file in order, one progress task per file."""
    for kind, path in paths.items():
        report = None
        if progress is not None:
            task = progress.add_task(f"importing {kind}", total=None)

            def report(done: int, total: int, task: TaskID = task) -> None:
                progress.update(task, completed=done, total=total)

        with workspace.session() as session:
            import_file(session, organisation_id=workspace.organisation(session,
                                                                        organisation_key).id,
                        kind=kind, path=path, actor=ACTOR, progress=report,
                        limits=ImportLimits.from_settings(workspace.settings))
        if progress is not None:  # importers that report nothing still end as done
            total = next(found.total for found in progress.tasks if found.id == task) or 1
            progress.update(task, total=total, completed=total)


def build_demo(
    workspace: Workspace,
    *,
    seed: int = 7,
    people: int = 400,
    organisation_key: str | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Write the demo files to <workspace>/demo, import them all and issue an admin token.

    Safe to run again: imports upsert by key, so a re-run changes nothing but adds a new token.
    """
    company = generate_company(seed, people=people)
    directory = workspace.settings.workspace / "demo"
    paths = write_demo_files(company, directory)
    with workspace.session() as session:
        rename_organisation(
            session, workspace.organisation(session, organisation_key), name=company.name
        )
    _import_all(workspace, paths, organisation_key=organisation_key, progress=progress)
    with workspace.session() as session:
        organisation = workspace.organisation(session, organisation_key)
        issued = issue_token(
            session,
            organisation_id=organisation.id,
            role="admin",
            name="demo console",
            person_key=None,
            actor=ACTOR,
        )
        EventLog(session, organisation.id).record(
            EventKind.DEMO_GENERATED,
            actor=ACTOR,
            subject_type="organisation",
            subject_id=organisation.key,
            payload={
                "seed": seed,
                "people": people,
                "files": [path.relative_to(directory).as_posix() for path in paths.values()],
            },
        )
        counts = organisation_counts(session, organisation.id)
    return DemoSummary(
        organisation_name=company.name,
        directory=directory,
        admin_token=issued.secret,
        counts=counts,
    )
