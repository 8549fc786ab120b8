"""The Changes sheet: right after Summary, its four tables, the effects chart, the notes."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from contract import check_workbook
from openpyxl import load_workbook

from winloss_xl import WinLoss
from winloss_xl.report.model import Chart

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from two_quarters import Q4, two_quarters


@pytest.fixture(scope="module")
def session():
    return WinLoss(two_quarters())


def _sheet(report, name="Changes"):
    return next(s for s in report.sheets if s.name == name)


def test_changes_comes_right_after_summary_with_its_tables(session, tmp_path):
    report = session.report()
    assert [s.name for s in report.sheets][:2] == ["Summary", "Changes"]
    sheet = _sheet(report)
    assert [t.name for t in sheet.tables()] == ["tblChangeDrivers", "tblFollowUp",
                                                "tblChangeLossReasons", "tblChanges"]
    where = check_workbook(session.save(tmp_path / "r.xlsx"))
    assert {where[n] for n in ("tblChanges", "tblChangeDrivers", "tblChangeLossReasons",
                               "tblFollowUp")} == {"Changes"}


def test_default_comparison_is_the_latest_complete_quarter_and_the_one_before(session):
    ch = session.comparison.changes
    assert (ch.baseline, ch.current) == ("2025 Q3", "2025 Q4")
    deals = two_quarters()
    cur = deals[deals["Close Date"] >= Q4]
    assert ch.cur_n == len(cur)
    assert ch.cur_won == int((cur["Stage"] == "Closed Won").sum())


def test_effects_chart_and_points_formats(session, tmp_path):
    sheet = _sheet(session.report())
    charts = [b for b in sheet.blocks if isinstance(b, Chart)]
    assert len(charts) == 1 and charts[0].source == "tblChangeDrivers"
    assert charts[0].values == ("Rate effect (pts)", "Mix effect (pts)")
    drivers = next(t for t in sheet.tables() if t.name == "tblChangeDrivers")
    assert drivers.formats["Rate effect (pts)"] == "points"  # printed "+4.6 pts"
    ws = load_workbook(session.save(tmp_path / "r.xlsx"))["Changes"]
    assert len(ws._charts) == 1


def test_summary_says_the_change_when_significant(session):
    sentence = session.report_analysis.sentences["change"]
    assert sentence.startswith("The win rate fell")
    assert "Industry = Healthcare converting worse" in sentence
    assert "shift toward Region = APAC deals, which win less" in sentence
    summary = _sheet(session.report(), "Summary")
    assert any(getattr(b, "text", "") == f"Change: {sentence}" for b in summary.blocks)


def test_no_clear_change_says_so():
    deals = two_quarters()
    same = deals.copy()
    q3 = same["Close Date"] < Q4
    # the current quarter made a copy of the baseline: nothing changed
    same.loc[~q3, ["Stage", "Industry", "Region", "Lead Source", "Loss Reason"]] = (
        same.loc[q3, ["Stage", "Industry", "Region", "Lead Source", "Loss Reason"]].to_numpy())
    sentence = WinLoss(same).report_analysis.sentences["change"]
    assert sentence.startswith("No clear change since 2025 Q3")


def test_one_period_keeps_the_sheet_with_a_note_and_no_chart():
    deals = two_quarters()
    only = deals[deals["Close Date"] >= Q4]
    session = WinLoss(only)
    sheet = _sheet(session.report())
    assert not [b for b in sheet.blocks if isinstance(b, Chart)]
    tables = {t.name: t for t in sheet.tables()}
    assert all(t.frame.empty and t.empty_note for t in tables.values())
    assert "one period only" in tables["tblChanges"].empty_note
    assert "2025 Q3 holds no closed deals" in session.report_analysis.sentences["change"]


def test_too_few_deals_is_said():
    deals = two_quarters()
    few = pd.concat([deals[deals["Close Date"] < Q4].head(3), deals[deals["Close Date"] >= Q4]])
    note = WinLoss(few).comparison.changes.note
    assert "fewer than min_deals" in note and "too few deals" in note


def test_the_summary_sentence_never_names_an_owner():
    deals = two_quarters()
    cur = deals["Close Date"] >= Q4
    deals["Owner"] = "Rep Team"
    deals.loc[deals.index % 2 == 0, "Owner"] = "Dana Whitfield"
    # Dana's current deals are all lost: the largest single fall is an owner's
    deals.loc[cur & (deals["Owner"] == "Dana Whitfield"), "Stage"] = "Closed Lost"
    session = WinLoss(deals)
    rows = session.table("tblChanges")
    dana = rows[(rows["Dimension"] == "Owner") & (rows["Segment"] == "Dana Whitfield")]
    assert dana["Verdict"].iloc[0] == "Declined"
    sentence = session.report_analysis.sentences["change"]
    assert sentence.startswith("The win rate fell") and "Dana" not in sentence


def test_effect_bars_keep_their_labels_clear_of_negative_bars(session, tmp_path):
    # rate and mix effects run below zero: the dimension names sit at the axis' low end
    import zipfile

    path = session.save(tmp_path / "labels.xlsx")
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    bars = [x for x in charts if 'barDir val="bar"' in x]
    assert bars and all('tickLblPos val="low"' in x for x in bars)


def test_without_close_dates_the_subtitle_names_no_periods():
    from winloss_xl.session import WinLoss

    rows = [["Stage", "Industry"]] + [[s, i] for s in ("Closed Won", "Closed Lost")
                                      for i in ("Retail", "Health") for _ in range(20)]
    sheet = _sheet(WinLoss(rows).report())
    subtitle = next(b.subtitle for b in sheet.blocks if hasattr(b, "subtitle"))
    assert subtitle.startswith("No two periods to compare") and "(baseline)" not in subtitle


def test_actions_carry_the_segment_that_declined(session):
    # Healthcare falls from about 65% to 30%: tblActions says so, with its evidence in words
    actions = session.report_analysis.tables["tblActions"]
    assert 1 <= len(actions) <= 5 and list(actions["Priority"]) == list(range(1, len(actions) + 1))
    row = actions[actions["Area"] == "Changes"]
    assert len(row) == 1
    action, evidence = row["Action"].iloc[0], row["Evidence"].iloc[0]
    assert action.startswith("Industry = Healthcare fell from") and "since 2025 Q3" in action
    ch = session.comparison.changes.segments
    hc = ch[(ch["Dimension"] == "Industry") & (ch["Segment"] == "Healthcare")].iloc[0]
    assert f"{int(hc['Current deals']):,} deals in 2025 Q4" in evidence and "evidence" in evidence
    assert "e-" not in evidence
    summary = _sheet(session.report(), "Summary")
    shown = next(t for t in summary.tables() if t.name == "tblActions").frame
    assert (shown["Area"] == "Changes").any()


def test_no_decline_means_no_follow_up_action():
    from winloss_xl.demo_data import demo_dealset
    from winloss_xl.session import WinLoss

    session = WinLoss.of(demo_dealset())
    assert not (session.report_analysis.tables["tblActions"]["Area"] == "Changes").any()
    assert session.report_analysis.tables["tblActions"].equals(session.analysis.tables["tblActions"])
