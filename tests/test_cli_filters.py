"""analyze --where / --split-by / --period on the Maven CRM export, against counts made with pandas.

The CLI is a thin adapter over WinLoss: the same column lookup as the formulas (the user's
own headers, report labels, synonyms), the same win rate as WINRATE, and periods of close
dates counted here by hand from the raw CSV.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from winloss_xl.cli import main

sys.path.insert(0, str(Path(__file__).parent / "udf"))
from excel_shaped import maven_joined


@pytest.fixture(scope="module")
def raw(maven_dir) -> pd.DataFrame:
    """The raw Maven deals joined to their accounts' sector, with parsed close dates."""
    deals = pd.read_csv(maven_dir / "sales_pipeline.csv")
    accounts = pd.read_csv(maven_dir / "accounts.csv")
    out = deals.merge(accounts[["account", "sector"]], on="account", how="left")
    out["closed"] = out["deal_stage"].isin(["Won", "Lost"])
    out["close"] = pd.to_datetime(out["close_date"], format="%m/%d/%Y")
    return out


def _analyze(maven_dir: Path, tmp_path: Path, capsys, *extra: str, name: str = "r.xlsx"):
    """Run analyze in-process with --json; (exit code, JSON or None, stderr, output path)."""
    out = tmp_path / name
    rc = main(["-q", "analyze", str(maven_dir / "sales_pipeline.csv"), "--accounts",
               str(maven_dir / "accounts.csv"), "-o", str(out), "--json", *extra])
    captured = capsys.readouterr()
    return rc, (json.loads(captured.out) if rc == 0 else None), captured.err, out


def _table(path: Path, name: str) -> list[dict]:
    wb = load_workbook(path, read_only=False)
    for ws in wb.worksheets:
        if name in ws.tables:
            rows = [[c.value for c in r] for r in ws[ws.tables[name].ref]]
            return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    raise AssertionError(f"no {name}")


def _title(path: Path) -> str:
    return str(load_workbook(path)["Summary"]["B2"].value)


def test_where_sector_equals_the_formula(maven_dir, raw, tmp_path, capsys):
    """Maven's accounts spell the sector "retail" (and "technolgy"); the user's header 'Sector'."""
    from winloss_xl.excel import udfs

    udfs.clear_caches()
    rc, data, err, _ = _analyze(maven_dir, tmp_path, capsys, "--where", "Sector=Retail")
    assert rc == 0, err
    formula = udfs.WINRATE(maven_joined(maven_dir), "Sector", "Retail")
    hand = raw[raw["closed"] & (raw["sector"] == "retail")]
    assert data["closed_deals"] == len(hand)
    assert data["win_rate"] == pytest.approx((hand["deal_stage"] == "Won").mean(), rel=1e-12)
    assert data["win_rate"] == pytest.approx(formula, rel=1e-12)
    # the same filter by the report label and by the export's own header, any case
    rc, again, err, _ = _analyze(maven_dir, tmp_path, capsys, "--where", "industry=RETAIL",
                                 name="r2.xlsx")
    assert rc == 0 and again["win_rate"] == data["win_rate"], err


def test_where_miss_lists_the_values_there_are(maven_dir, raw, tmp_path, capsys):
    rc, _, err, out = _analyze(maven_dir, tmp_path, capsys, "--where", "sector=Technology")
    assert rc == 3 and not out.exists()
    assert "Technology" in err
    for sector in raw["sector"].dropna().unique():
        assert sector in err, (sector, err)   # "technolgy" among them: the export's spelling
    rc, _, err, _ = _analyze(maven_dir, tmp_path, capsys, "--where", "Planet=Mars")
    assert rc == 3 and "no such column" in err and "sales_agent" in err


def test_where_and_split_by_take_the_users_headers(maven_dir, raw, tmp_path, capsys):
    agent = raw.loc[raw["closed"], "sales_agent"].value_counts().index[0]
    rc, data, err, out = _analyze(maven_dir, tmp_path, capsys, "--where", f"sales_agent={agent}")
    assert rc == 0, err
    assert data["closed_deals"] == int((raw["closed"] & (raw["sales_agent"] == agent)).sum())
    assert "Owner = " in _title(out)  # the column under its report label

    rc, data, err, _ = _analyze(maven_dir, tmp_path, capsys, "--split-by", "sector",
                                name="by.xlsx")
    assert rc == 0, err
    per_sector = raw[raw["closed"]].groupby("sector").size()
    got = {r["segment"]: r["closed_deals"] for r in data["reports"]}
    assert got == per_sector.to_dict()
    assert sorted(Path(p).name for p in data["outputs"]) == sorted(
        f"by-{s}.xlsx" for s in per_sector.index)

    rc, _, err, _ = _analyze(maven_dir, tmp_path, capsys, "--split-by", "opportunity_id",
                             name="ids.xlsx")
    assert rc == 3 and "identifies deals" in err and "sector" in err


@pytest.mark.parametrize("period, first, last, fiscal_start", [
    ("2017Q2", "2017-04-01", "2017-06-30", 1),
    ("2017-q4", "2017-10-01", "2017-12-31", 1),
    ("2017-07", "2017-07-01", "2017-07-31", 1),
    ("2017", "2017-01-01", "2017-12-31", 1),
    ("2017-05-15..2017-08-14", "2017-05-15", "2017-08-14", 1),
    ("FY2018Q1", "2017-10-01", "2017-12-31", 10),   # fiscal year from October
    ("FY2017Q4", "2017-04-01", "2017-06-30", 7),    # fiscal year from July
    ("FY2018Q1", "2017-02-01", "2017-04-30", 2),
])
def test_period_against_hand_counts(maven_dir, raw, tmp_path, capsys, period, first, last,
                                    fiscal_start):
    extra = ["--period", period]
    if fiscal_start != 1:
        cfg = tmp_path / "fiscal.toml"
        cfg.write_text(f"fiscal_year_start_month = {fiscal_start}\n")
        extra += ["--config", str(cfg)]
    rc, data, err, out = _analyze(maven_dir, tmp_path, capsys, *extra)
    assert rc == 0, err
    inside = raw["closed"] & (raw["close"] >= first) & (raw["close"] <= last)
    assert data["closed_deals"] == int(inside.sum())
    assert data["won"] == int((inside & (raw["deal_stage"] == "Won")).sum())
    assert (data["period"]["start"], data["period"]["end"]) == (first, last)
    quality = {r["Check"]: r for r in _table(out, "tblDataQuality")}
    assert quality["Period"]["Count"] == int(inside.sum())
    assert f"{first} to {last}" in quality["Period"]["Detail"]
    outside = int(raw["closed"].sum() - inside.sum())
    assert quality.get("Closed deals outside the period", {"Count": 0})["Count"] == outside
    assert f"{first} to {last}" in _title(out)


def test_period_with_where(maven_dir, raw, tmp_path, capsys):
    rc, data, err, _ = _analyze(maven_dir, tmp_path, capsys, "--period", "2017Q3",
                                "--where", "Sector=retail")
    assert rc == 0, err
    hand = raw["closed"] & (raw["sector"] == "retail") & (raw["close"].dt.quarter == 3)
    assert data["closed_deals"] == int(hand.sum())


@pytest.mark.parametrize("period, says", [
    ("2017Q5", "Q5 is not a quarter"), ("2017-13", "not a month"), ("last quarter", "not a period"),
    ("2017-12-31..2017-01-01", "ends before it starts"),
])
def test_malformed_period_exits_3_before_reading(maven_dir, tmp_path, capsys, period, says):
    rc, _, err, out = _analyze(maven_dir, tmp_path, capsys, "--period", period)
    assert rc == 3 and not out.exists()
    assert says in err and "--period" in err and "2025Q4" in err
    assert "Traceback" not in err


def test_period_without_deals_names_the_dates_there_are(maven_dir, tmp_path, capsys):
    rc, _, err, out = _analyze(maven_dir, tmp_path, capsys, "--period", "2016Q1")
    assert rc == 3 and not out.exists()
    assert "2017-03-01" in err and "2017-12-31" in err


@pytest.mark.parametrize("where", ["Close date>=2017-10-01", "close_date<2017-10-01",
                                   "Amount>5000", "Region!=EMEA", "Stage<>Won", "close_value=>10"])
def test_where_refuses_comparisons(maven_dir, tmp_path, capsys, where):
    rc, _, err, out = _analyze(maven_dir, tmp_path, capsys, "--where", where)
    assert rc == 3 and not out.exists()
    assert "--period" in err and "compares" in err


def test_where_on_a_date_column_points_to_period(maven_dir, tmp_path, capsys):
    rc, _, err, _ = _analyze(maven_dir, tmp_path, capsys, "--where", "close_date=2017-10-01")
    assert rc == 3 and "--period" in err
