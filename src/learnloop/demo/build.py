"""`learnloop demo`: generate the demo company, import it as a user would, return a console token.

Every file goes through the same importers a user's files do, so the demo also proves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.progress import Progress, TaskID

from learnloop.config import Settings
from learnloop.demo.generator import DemoCompany, generate_company
from learnloop.demo.writer import write_demo_files
from learnloop.domain.events import EventKind
from learnloop.importing import ImportLimits, import_file
from learnloop.store import Session
from learnloop.store.event_log import EventLog
from learnloop.store.organisations import rename_organisation
from learnloop.store.overview import organisation_counts
from learnloop.store.tables import Organisation
from learnloop.tokens import issue_token

__all__ = ["ACTOR", "DemoSummary", "build_demo", "import_company"]

ACTOR = "demo"


@dataclass(frozen=True, slots=True)
class DemoSummary:
    organisation_name: str
    directory: Path
    admin_token: str
    counts: dict[str, int]


def _import_all(session: Session, paths: dict[str, Path], *, organisation_id: int,
                limits: ImportLimits, progress: Progress | None) -> None:
    """Import each file in order, one progress task per file."""
    for kind, path in paths.items():
        report = None
        if progress is not None:
            task = progress.add_task(f"importing {kind}", total=None)

            def report(done: int, total: int, task: TaskID = task) -> None:
                progress.update(task, completed=done, total=total)

        import_file(session, organisation_id=organisation_id, kind=kind, path=path, actor=ACTOR,
                    progress=report, limits=limits)
        if progress is not None:  # importers that report nothing still end as done
            total = next(found.total for found in progress.tasks if found.id == task) or 1
            progress.update(task, total=total, completed=total)


def import_company(session: Session, company: DemoCompany, *, organisation: Organisation,
                   directory: Path, settings: Settings,
                   progress: Progress | None = None) -> dict[str, Path]:
    """Write `company` as import files into `directory` and import them all, in order, into
    `organisation` (the demo's company, or a simulated one); returns kind → file."""
    paths = write_demo_files(company, directory)
    rename_organisation(session, organisation, name=company.name)
    _import_all(session, paths, organisation_id=organisation.id,
                limits=ImportLimits.from_settings(settings), progress=progress)
    return paths


def build_demo(
    session: Session,
    *,
    organisation: Organisation,
    settings: Settings,
    seed: int = 7,
    people: int = 400,
    progress: Progress | None = None,
) -> DemoSummary:
    """Write the demo files to <workspace>/demo, import them all into `organisation` and issue an
    admin token, inside the caller's transaction (the command commits it: all or nothing).

    Safe to run again: imports upsert by key, so a re-run changes nothing but adds a new token.
    """
    company = generate_company(seed, people=people)
    directory = settings.workspace / "demo"
    paths = import_company(session, company, organisation=organisation, directory=directory,
                           settings=settings, progress=progress)
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
    return DemoSummary(
        organisation_name=company.name,
        directory=directory,
        admin_token=issued.secret,
        counts=organisation_counts(session, organisation.id),
    )
