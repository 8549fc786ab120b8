"""The Personas sheet: tblBuyingGroups beside tblPersonas, lift read as with / without,
catch-all rows greyed and left out of the chart (report.layout, pure data)."""

from __future__ import annotations

import pandas as pd
from test_planted_titles import planted

from winloss_xl.config import Config
from winloss_xl.dealset import DealSet
from winloss_xl.engine import analyze
from winloss_xl.report import theme
from winloss_xl.report.build import build_report
from winloss_xl.report.layout import CAPTIONS
from winloss_xl.report.model import Chart, Note, Table
from winloss_xl.titles import is_catch_all


def _analysis():
    deals, contacts = planted(5, n=600)
    deals = deals.assign(amount=1000.0, close_date=pd.Timestamp("2025-06-30"))
    return analyze(DealSet.from_frame(deals, contacts=contacts), Config())


def test_buying_groups_follow_the_personas_with_their_caption_and_note():
    a = _analysis()
    sheet = build_report(a).sheet("Personas")
    names = [t.name for t in sheet.tables()]
    assert names[:3] == ["tblPersonas", "tblBuyingGroups", "tblCommittee"]
    groups = next(t for t in sheet.tables() if t.name == "tblBuyingGroups")
    assert groups.caption == CAPTIONS["tblBuyingGroups"] and "with / without" in groups.caption
    assert groups.verdict_column == "Verdict" and groups.formats["Lift"] == "lift"
    assert groups.formats["Win rate with"] == groups.formats["Win rate without"] == "percent"
    notes = [b.text for b in sheet.blocks if isinstance(b, Note)]
    assert any("divided by the win rate of the deals without it" in n for n in notes)
    assert any(a.notes["tblBuyingGroups"] == n for n in notes)
    assert "lift = with / without" in CAPTIONS["tblPersonas"]


def test_the_chart_leaves_catch_all_rows_out_and_they_are_greyed():
    a = _analysis()
    sheet = build_report(a).sheet("Personas")
    personas = next(t for t in sheet.tables() if t.name == "tblPersonas")
    chart = next(b for b in sheet.blocks if isinstance(b, Chart) and b.source == "tblPersonas")
    charted = personas.frame["Persona"].iloc[chart.first:chart.first + chart.count]
    assert not charted.map(is_catch_all).any()
    assert personas.frame["Persona"].map(is_catch_all).any()  # they are in the table, last
    assert "Catch-all (not a persona)" in set(personas.frame["Verdict"])
    # greyed like Too few deals, in both writers (one theme)
    assert theme.verdict_look("Catch-all (not a persona)") == theme.verdict_look("Too few deals")
    assert isinstance(personas, Table)
