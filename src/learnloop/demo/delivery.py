"""The demo's delivery: the top need's intervention planned with a hold-out, approved and sent
in-app and by email — to the SMTP server configured (LEARNLOOP_SMTP_HOST) or, when none is, to a
local one the demo starts, which keeps each message as a .eml file in `<workspace>/demo/mailbox`.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from learnloop.config import Settings
from learnloop.delivery.plans import approve_plan, make_plan, send_plan
from learnloop.demo.reviews import publish_for_delivery
from learnloop.domain.needs import NeedKind
from learnloop.store import Session
from learnloop.store.content import pack, packs
from learnloop.store.needs import needs

__all__ = ["DEMO_PLAN", "DemoMailbox", "DemoPlan", "plan_top_need"]

DEMO_PLAN = "demo-top-need"
ACTOR = "demo"


@dataclass(frozen=True, slots=True)
class DemoPlan:
    need_key: str
    need_title: str
    treated: int
    held_out: int
    queued: list[tuple[int, Any]]


def plan_top_need(session: Session, *, organisation_id: int,
                  settings: Settings) -> DemoPlan | None:
    """Plan, approve and queue the top training need's delivery (20% held out, seed 7), due
    now: the demo is looked at when it runs, so it sets no quiet hours (real plans keep
    LEARNLOOP_DELIVERY_QUIET_HOURS). None when the loop found no need that training can answer."""
    ranked = [need for need in needs(session, organisation_id=organisation_id)
              if need.kind is NeedKind.TRAINING]
    if not ranked:
        return None
    top = ranked[0]
    settings = settings.model_copy(update={"delivery_quiet_hours": "0-0"})
    parts, pack_key = _pack_parts(session, organisation_id=organisation_id, need_key=top.key)
    components = publish_for_delivery(session, organisation_id=organisation_id,
                                      settings=settings, component_ids=parts)
    plan = make_plan(session, organisation_id=organisation_id, settings=settings,
                     need_key=top.key, key=DEMO_PLAN, seed=7, pack_key=pack_key,
                     components=components, actor=ACTOR)
    approve_plan(session, organisation_id=organisation_id, key=plan.key, actor=ACTOR)
    queued = send_plan(session, organisation_id=organisation_id, settings=settings,
                       key=plan.key, actor=ACTOR)
    return DemoPlan(top.key, top.title, plan.treated, plan.held_out, queued)


def _pack_parts(session: Session, *, organisation_id: int,
                need_key: str) -> tuple[list[int], str | None]:
    """The content agent's newest pack for the need: the ids of its role-play (played in the
    inbox) and its flashcards and knowledge check (scheduled for review), and its title."""
    found = next((item for item in packs(session, organisation_id=organisation_id)
                  if item.need_key == need_key), None)
    if found is None:
        return [], None
    whole = pack(session, organisation_id=organisation_id, pack_id=found.id)
    role_plays = [item.id for item in whole.components if item.kind == "role_play"][:1]
    reviews = [item.id for item in whole.components
               if item.kind in ("flashcards", "knowledge_check")]
    return [*role_plays, *reviews], whole.title


class _Keeper:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        count = len(list(self.folder.glob("*.eml")))
        (self.folder / f"{count + 1:05d}.eml").write_bytes(envelope.content)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DemoMailbox:
    """A local SMTP server on 127.0.0.1 keeping every message it is given as a file."""

    def __init__(self, folder: Path, *, port: int = 0) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.controller = Controller(_Keeper(folder), hostname="127.0.0.1",
                                     port=port or _free_port())

    def start(self) -> DemoMailbox:
        self.controller.start()
        return self

    @property
    def port(self) -> int:
        return self.controller.port

    def stop(self) -> None:
        self.controller.stop()

    def messages(self) -> list[Message]:
        parser = BytesParser(policy=default)
        return [parser.parsebytes(path.read_bytes()) for path in sorted(self.folder.glob("*.eml"))]
