"""The analytics agent on the demo company: levels 1-4 for its past intervention, the KPI effect
against the randomised hold-out with an interval that holds the simulated effect, the report as
JSON, CSV and a PDF whose first page is not blank; and honest answers when data are missing."""

from __future__ import annotations

import csv
import html
import json
from datetime import date

import numpy as np
import pypdfium2
import pytest
from fastapi.testclient import TestClient

from analytics_support import measured_demo
from api_support import bearer, secret_for, sign_in
from cli_support import succeeded
from learnloop.agents import agent_options, registered_agents, run_loop
from learnloop.agents.analytics import ANALYTICS_MEASURED
from learnloop.serving.app import create_app
from learnloop.store.event_log import EventLog
from learnloop.store.impact import impact_report
from learnloop.store.interventions import create_intervention, intervention
from learnloop.store.needs import needs
from learnloop.workspace import Workspace


def test_the_demos_report_shows_levels_1_to_4_and_holds_the_simulated_effect(
        workspace: Workspace) -> None:
    demo = measured_demo(workspace)
    truth = demo["truth"]["intervention"]
    with workspace.session() as session:
        report = impact_report(session, organisation_id=demo["organisation_id"],
                               intervention_id=demo["intervention_id"])
        item = intervention(session, organisation_id=demo["organisation_id"],
                            intervention_id=demo["intervention_id"])
        raised = [need for need in needs(session, organisation_id=demo["organisation_id"])
                  if need.kpi_metric == truth["kpi"]]
        [event] = EventLog(session, demo["organisation_id"]).recent(kinds=[ANALYTICS_MEASURED])
    assert report["kpi"] == truth["kpi"]
    assert (report["n_treated"], report["n_holdout"]) == (truth["treated"], truth["held_out"])
    assert report["lower"] < truth["effect"] < report["upper"]
    assert report["upper"] - report["lower"] < 2 * truth["effect"]  # the recorded draw's width
    assert report["verdict"].startswith(f"{truth['kpi']} rose")
    levels = report["levels"]
    assert levels["1"]["responses"] > 0 and 3.5 < levels["1"]["mean_rating"] <= 5
    assert levels["2"]["skill"] == truth["skill"]
    assert levels["2"]["knowledge_checks"]["difference"] > 0
    assert [behaviour["metric"] for behaviour in levels["3"]] == [truth["behaviour"]]
    assert levels["3"][0]["difference"] < 0  # fewer transfers for the trained
    assert levels["4"]["estimate"] == report["estimate"]
    assert {team["team"] for team in report["teams"]} == set(truth["teams"])
    assert event.payload["count"] == 1
    if raised:  # once a needs agent raises the dip's need, the import is linked to the top one
        assert item.need_id == raised[0].id


def test_report_impact_json_csv_and_a_pdf_that_is_not_blank(sqlite_workspace, tmp_path) -> None:
    demo = measured_demo(sqlite_workspace, people=200)
    pdf, numbers = tmp_path / "impact.pdf", tmp_path / "impact.csv"
    result = succeeded("report", "impact", str(demo["intervention_id"]), "--json", "--pdf",
                       str(pdf), "--csv", str(numbers))
    report = json.loads(result.stdout)
    assert {"estimate", "lower", "upper", "kpi", "n_treated", "n_holdout"} <= set(report)
    rows = list(csv.DictReader(numbers.open(encoding="utf-8")))
    assert list(rows[0]) == ["level", "measure", "group", "value", "lower", "upper", "n"]
    assert float(rows[0]["value"]) == pytest.approx(report["estimate"])
    page = pypdfium2.PdfDocument(str(pdf))[0].render(scale=1).to_numpy()
    ink = (page < 200).any(axis=2).mean()
    blue = ((page[:, :, 2] > 150) & (page[:, :, 0] < 80)).mean()  # the treated line and interval
    assert ink > 0.01, "the first page is blank"
    assert blue > 0.0005, "the charts are missing"
    summary = json.loads(succeeded("report", "summary", "--json").stdout)
    assert summary["measured"] == 1 and summary["interventions"][0]["estimate"] is not None


def test_without_person_level_kpi_data_the_report_says_not_enough_data(sqlite_workspace) -> None:
    demo = measured_demo(sqlite_workspace, people=120)
    with sqlite_workspace.session() as session:
        made = create_intervention(
            session, organisation_id=demo["organisation_id"], need_id=None,
            person_keys=["TW1010", "TW1011", "TW1012", "TW1013", "TW1014"], holdout=0.4,
            start=date(2025, 6, 2), source="external", seed=3, kpi_metric="win_rate")
        no_kpi = create_intervention(
            session, organisation_id=demo["organisation_id"], need_id=None,
            person_keys=["TW1010", "TW1011"], holdout=0.5, start=date(2025, 6, 2),
            source="external", seed=3)
        run_loop(session, organisation_id=demo["organisation_id"], agents=registered_agents(),
                 options=agent_options(sqlite_workspace.settings))
        report = impact_report(session, organisation_id=demo["organisation_id"],
                               intervention_id=made.id)
        nothing = impact_report(session, organisation_id=demo["organisation_id"],
                                intervention_id=no_kpi.id)
    assert report["estimate"] is None and report["enough_data"] is False
    assert report["verdict"].startswith("Not enough data yet")
    assert nothing["kpi"] is None and "No KPI" in nothing["verdict"]
    assert nothing["levels"]["1"]["responses"] == 0


def test_weekly_means_cover_both_groups_around_the_start(sqlite_workspace) -> None:
    demo = measured_demo(sqlite_workspace, people=200)
    with sqlite_workspace.session() as session:
        weekly = impact_report(session, organisation_id=demo["organisation_id"],
                               intervention_id=demo["intervention_id"])["weekly"]
    assert min(weekly["weeks"]) < 0 <= max(weekly["weeks"])
    after = [i for i, week in enumerate(weekly["weeks"]) if week >= 0]
    gap = np.mean([weekly["treated"][i] - weekly["holdout"][i] for i in after])
    assert gap > 0


def test_the_console_and_api_show_the_report_to_ld(sqlite_workspace) -> None:
    demo = measured_demo(sqlite_workspace, people=200)
    secret = secret_for(sqlite_workspace, "ld")
    number = demo["intervention_id"]
    with TestClient(create_app(sqlite_workspace)) as client:
        report = client.get(f"/api/interventions/{number}/impact", headers=bearer(secret)).json()
        assert report["kpi"] == demo["truth"]["intervention"]["kpi"]
        assert client.get("/api/interventions/999999/impact",
                          headers=bearer(secret)).status_code == 404
        sign_in(client, secret, "/impact")
        listing = client.get("/impact").text
        page = client.get(f"/impact/{number}").text
        numbers = client.get(f"/impact/{number}/numbers.csv")
        pdf = client.get(f"/impact/{number}/report.pdf")
    assert f'href="/impact/{number}"' in listing and 'href="/impact"' in listing
    figures = [json.loads(html.unescape(part.split('"')[0]))
               for part in page.split('data-figure="')[1:]]
    assert len(figures) == 2 and "<script>" not in page  # charts drawn by static/charts.js
    assert [trace["name"] for trace in figures[1]["data"]] == ["treated", "hold-out"]
    assert numbers.text.startswith("level,measure,group,value,lower,upper,n")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"


def test_the_top_need_about_the_kpi_gets_the_imported_intervention(sqlite_workspace) -> None:
    demo = measured_demo(sqlite_workspace)
    truth = demo["truth"]["intervention"]
    with sqlite_workspace.session() as session:
        raised = needs(session, organisation_id=demo["organisation_id"])
        report = impact_report(session, organisation_id=demo["organisation_id"],
                               intervention_id=demo["intervention_id"])
    about = [need for need in raised if need.kpi_metric == truth["kpi"]]
    assert about, "the needs agent raises the dip's need"
    top = about[0]
    assert report["intervention"]["need_id"] == top.id
    assert report["intervention"]["need"] == top.title
    if raised[0].kpi_metric == truth["kpi"]:  # the demo's top need: its report, levels 1-4
        assert top.rank == 1
    assert set(report["levels"]) == {"1", "2", "3", "4"}
    assert report["lower"] < truth["effect"] < report["upper"]
    assert report["time_to_competency"]["detected"] == top.detected_at.isoformat()
    assert report["time_to_competency"]["reached"] > 0
    assert report["cycle_times"]["delivered"] == truth["start"]
