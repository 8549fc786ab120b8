"""--baseline and --baseline-report: the Changes sheet's baseline and the advice it follows up."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from winloss_xl.cli import main

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from two_quarters import Q4, two_quarters


def table(path: Path, name: str) -> list[dict]:
    """A table of a report file as records (header row as keys)."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        if name in ws.tables:
            rows = [[c.value for c in r] for r in ws[ws.tables[name].ref]]
            return [dict(zip(rows[0], r)) for r in rows[1:]]
    raise AssertionError(f"no {name}")


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("changes")
    deals = two_quarters()
    both = folder / "deals.csv"
    deals.to_csv(both, index=False)
    return {"both": both, "folder": folder}


def test_baseline_and_period_set_the_two_quarters(exports):
    out = exports["folder"] / "q4.xlsx"
    assert main(["analyze", str(exports["both"]), "--period", "2025Q4", "--baseline", "2025Q3",
                 "-o", str(out), "-q"]) == 0
    deals = two_quarters()
    q3 = deals[deals["Close Date"] < Q4]
    rows = [r for r in table(out, "tblChanges") if r["Dimension"] == "Industry"]
    for r in rows:  # baseline counts against an independent count of the baseline quarter
        assert r["Baseline deals"] == int((q3["Industry"] == r["Segment"]).sum())
    wb = load_workbook(out)
    assert wb.sheetnames.index("Changes") == wb.sheetnames.index("Summary") + 1


def test_baseline_report_follows_what_the_earlier_report_said(exports):
    folder = exports["folder"]
    old = folder / "q3.xlsx"
    assert main(["analyze", str(exports["both"]), "--period", "2025Q3", "-o", str(old), "-q"]) == 0
    said = [r["Recommendation"] for r in table(old, "tblRecommendations")]
    assert any("Industry = Healthcare" in s for s in said)
    new = folder / "q4-followup.xlsx"
    assert main(["analyze", str(exports["both"]), "--baseline-report", str(old), "-o", str(new),
                 "-q"]) == 0
    followed = table(new, "tblFollowUp")
    assert followed and {r["Recommendation"] for r in followed} <= set(said)
    hc = next(r for r in followed if r["Segment"] == "Industry = Healthcare")
    assert hc["Outcome"] in ("acted on, and it held", "acted on, but the win rate fell",
                             "not acted on")
    # the sheet says where the followed recommendations came from (under tblFollowUp)
    sheet = load_workbook(new)["Changes"]
    texts = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("Recommendations followed up" in t and "q3.xlsx" in t for t in texts)


def test_a_workbook_without_tbl_recommendations_is_refused_with_exit_3(exports, capsys):
    folder = exports["folder"]
    plain = folder / "plain.xlsx"
    wb = Workbook()
    wb.active.append(["Recommendation"])
    wb.active.append(["Prioritise Industry = Retail deals"])
    wb.save(plain)
    out = folder / "never.xlsx"
    assert main(["analyze", str(exports["both"]), "--baseline-report", str(plain),
                 "-o", str(out)]) == 3
    err = capsys.readouterr().err
    assert "tblRecommendations" in err and "plain.xlsx" in err and "Traceback" not in err
    assert not out.exists()


def test_a_users_own_tbl_recommendations_is_not_a_report_of_this_tool(exports, capsys):
    from openpyxl.worksheet.table import Table

    folder = exports["folder"]
    own = folder / "own.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["Priority", "Recommendation"])
    ws.append([1, "Prioritise Industry = Retail deals"])
    ws.add_table(Table(displayName="tblRecommendations", ref="A1:B2"))
    wb.save(own)
    assert main(["analyze", str(exports["both"]), "--baseline-report", str(own),
                 "-o", str(folder / "never2.xlsx")]) == 3
    assert "made by winloss-xl" in capsys.readouterr().err


def test_baseline_and_baseline_report_are_one_or_the_other(exports):
    assert main(["analyze", str(exports["both"]), "--baseline", "2025Q3",
                 "--baseline-report", "x.xlsx"]) == 2


def test_where_narrows_the_baseline_too_and_period_defaults_it(exports):
    out = exports["folder"] / "emea.xlsx"
    assert main(["analyze", str(exports["both"]), "--period", "2025Q4", "--where", "Region=EMEA",
                 "-o", str(out), "-q"]) == 0
    deals = two_quarters()
    q3 = deals[(deals["Close Date"] < Q4) & (deals["Region"] == "EMEA")]
    q4 = deals[(deals["Close Date"] >= Q4) & (deals["Region"] == "EMEA")]
    rows = [r for r in table(out, "tblChanges") if r["Dimension"] == "Industry"]
    assert rows
    for r in rows:
        assert r["Baseline deals"] == int((q3["Industry"] == r["Segment"]).sum())
        assert r["Current deals"] == int((q4["Industry"] == r["Segment"]).sum())
