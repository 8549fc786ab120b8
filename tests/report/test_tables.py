"""Every table the engine makes has one declaration (report/tables.py), and lands on its sheet."""

from __future__ import annotations

from winloss_xl.config import Config
from winloss_xl.demo_data import demo_dealset
from winloss_xl.report.tables import TABLES
from winloss_xl.session import WinLoss


def _placed(report) -> dict[str, str]:
    return {block.name: sheet.name for sheet in report.sheets for block in sheet.blocks
            if hasattr(block, "frame")}


def test_every_engine_table_is_declared_and_placed_on_its_sheet():
    session = WinLoss.of(demo_dealset(), Config(trend_by="created"))
    report = session.report()
    made = set(session.report_analysis.tables) if hasattr(session, "report_analysis") else set()
    made |= set(session.analysis.tables) | set(session.comparison.tables())
    assert "tblTrendCohort" in made
    undeclared = sorted(made - set(TABLES))
    assert undeclared == []
    placed = _placed(report)
    for name in made:
        assert placed.get(name) == TABLES[name].sheet, (name, placed.get(name))


def test_the_cohort_view_sits_on_summary_not_on_data_quality():
    report = WinLoss.of(demo_dealset(), Config(trend_by="created")).report()
    assert _placed(report)["tblTrendCohort"] == "Summary"
