"""WINRATE_CHANGE equals the report's tblChanges rows for one dimension, same settings."""

from __future__ import annotations

import pytest
from test_udfs import assert_plain_cells, assert_same_table

from winloss_xl import WinLoss
from winloss_xl.excel import udfs


@pytest.fixture(scope="module")
def maven_report(maven_dir):
    def make(config=None):
        return WinLoss(maven_dir / "sales_pipeline.csv", accounts=maven_dir / "accounts.csv",
                       config=config)
    return make


def _rows(session, label: str):
    t = session.table("tblChanges")
    return t[t["Dimension"] == label].drop(columns=["Dimension"])


def test_equals_the_report_rows_2017_q4_against_q3(maven_values, maven_report) -> None:
    got = udfs.WINRATE_CHANGE(maven_values, "Company revenue", "2017Q3", "2017Q4")
    assert_plain_cells(got)
    report = maven_report()
    assert report.comparison.changes.current == "2017 Q4"  # the report's default periods
    want = _rows(report, "Company revenue")
    assert len(want) >= 4
    assert_same_table(got, want)
    # the defaults are the report's: blank periods give the same rows
    assert udfs.WINRATE_CHANGE(maven_values, "Company revenue") == got


def test_equals_the_report_rows_with_a_config_range(maven_values, maven_report) -> None:
    got = udfs.WINRATE_CHANGE(maven_values, "Sector", None, None, [["min_deals", 150]])
    want = _rows(maven_report({"min_deals": 150}), "Industry")
    assert_same_table(got, want)
    assert "Too few deals" in {r[got[0].index("Verdict")] for r in got[1:]}


def test_a_bad_period_is_one_message(maven_values) -> None:
    got = udfs.WINRATE_CHANGE(maven_values, "Industry", "last year", "2017Q4")
    assert len(got) == 1 and got[0][0].startswith("#WINLOSS! ")
    overlap = udfs.WINRATE_CHANGE(maven_values, "Industry", "2017", "2017Q4")
    assert overlap[0][0].startswith("#WINLOSS! ") and "overlaps" in overlap[0][0]
