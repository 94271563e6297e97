"""A small organisation whose people report their own KPI and whose teams answer a weekly pulse,
for the tests of the sensing agent's pulse and person series.

Two teams of 20 account executives report `win_rate` weekly for 40 weeks (about 50 %, SD 3):
all of `north` falls by 6 from week 28 (a team change), `south`'s S05 alone falls by 12 from
week 26 (a person's own dip); `south`'s pulse score on one question falls by 0.4 from week 30,
when a process change is logged for it. Nothing else moves.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from import_support import import_into
from learnloop.workspace import Workspace

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
FIRST = date(2025, 1, 6)
WEEKS = 40
TEAM_DIP_WEEK, PERSON_DIP_WEEK, PULSE_DIP_WEEK = 28, 26, 30
QUESTION = "I know what is expected of me"
OBJECTIVES = """objectives:
  - id: win-rate
    title: Raise the win rate
    weight: 0.5
    kpis:
      - metric: win_rate
        direction: up
    skills: [negotiation]
    teams: [north, south]
"""


def monday(week: int) -> date:
    return FIRST + timedelta(weeks=week)


def build_scenario(workspace: Workspace, tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    people = ["id,name,email,team,department,role,manager_id"]
    signals = ["id,metric,subject_type,subject,observed_at,value,source,volume"]
    for team, letter in (("north", "N"), ("south", "S")):
        for number in range(20):
            key = f"{letter}{number:02d}"
            people.append(f"{key},Person {key},{key.lower()}@example.com,{team},Sales,"
                          "account-executive,")
            for week in range(WEEKS):
                value = 50 + rng.normal(0, 3)
                if team == "north" and week >= TEAM_DIP_WEEK:
                    value -= 6
                if key == "S05" and week >= PERSON_DIP_WEEK:
                    value -= 12
                signals.append(f"{key}-{week},win_rate,person,{key},{monday(week)}T09:00:00Z,"
                               f"{value:.2f},crm,20")
    pulse = ["survey,team,question,period,score,responses"]
    for team in ("north", "south"):
        for week in range(WEEKS):
            score = 4.0 + rng.normal(0, 0.06) - (0.4 if team == "south"
                                                 and week >= PULSE_DIP_WEEK else 0)
            pulse.append(f"weekly-pulse,{team},{QUESTION},{monday(week)},{score:.2f},12")
    changes = ["id,kind,start,end,team,description",
               f"CHG-1,process_change,{monday(PULSE_DIP_WEEK)},,south,New territory split"]
    files = {"people": people, "signals": signals, "pulse": pulse, "changes": changes}
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml")):
        import_into(workspace, kind=kind, path=EXAMPLES / name)
    for kind in ("people",):
        path = tmp_path / f"{kind}.csv"
        path.write_text("\n".join(files[kind]) + "\n", encoding="utf-8")
        import_into(workspace, kind=kind, path=path)
    (tmp_path / "objectives.yaml").write_text(OBJECTIVES, encoding="utf-8")
    import_into(workspace, kind="objectives", path=tmp_path / "objectives.yaml")
    for kind in ("changes", "signals", "pulse"):
        path = tmp_path / f"{kind}.csv"
        path.write_text("\n".join(files[kind]) + "\n", encoding="utf-8")
        import_into(workspace, kind=kind, path=path)
