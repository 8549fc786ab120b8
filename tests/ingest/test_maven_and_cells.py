"""The public Maven sample, and xlwings-style 2-D cell values loading like the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
from pathlib import Path

import pandas as pd

from winloss_xl import load_deals
from winloss_xl.cli import main


def test_maven_sample(maven_dir: Path) -> None:
    ds = load_deals(maven_dir / "sales_pipeline.csv", accounts=maven_dir / "accounts.csv")
    deals = ds.deals
    closed = ds.closed
    assert len(closed) == 6711
    assert int((deals["outcome"] == "won").sum()) == 4238
    assert int((deals["outcome"] == "lost").sum()) == 2473
    assert ds.open_count == 2089
    fates = ds.quality.fates()
    for col, fld in [("deal_stage", "Outcome"), ("close_value", "Deal size"),
                     ("engage_date", "Created date"), ("close_date", "Close date"),
                     ("sales_agent", "Owner"), ("product", "Product"), ("account", "Account"),
                     ("Accounts: sector", "Industry"), ("Accounts: revenue", "Company revenue")]:
        assert fates[col] == fld
    assert ds.quality.count_of("Unparseable values") == 0
    assert closed["close_date"].notna().all() and closed["created_date"].notna().all()
    assert closed["industry"].notna().all()
    # the real-world typo stays as exported (the engine reports what the data says)
    assert "technolgy" in set(closed["industry"])
    # revenue in millions -> currency units
    acme = deals.loc[deals["account_key"] == "Acme Corporation", "company_revenue"].iloc[0]
    assert acme == 1100.04e6
    assert ds.quality.count_of("Accounts: Revenue read in millions") == 85
    assert (closed["sales_cycle_days"] >= 0).all()
    # lost deals carry close_value 0 in this sample
    assert closed.loc[closed["outcome"] == "lost", "amount"].eq(0).all()


def test_maven_inspect_cli(maven_dir: Path, capsys) -> None:
    rc = main(["inspect", str(maven_dir / "sales_pipeline.csv"),
               "--accounts", str(maven_dir / "accounts.csv")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "Closed deals: 6,711 (4,238 won, 2,473 lost)" in out
    assert "Open deals excluded: 2,089" in out
    assert "Acme" not in out and "Moses" not in out  # no account or owner names


def test_maven_inspect_json(maven_dir: Path, capsys) -> None:
    import json

    assert main(["inspect", str(maven_dir / "sales_pipeline.csv"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["won"] == 4238 and data["summary"]["open_excluded"] == 2089
    assert {"source_column": "deal_stage", "mapped_to": "Outcome", "role": "outcome",
            "how_matched": "exact name"} in data["column_map"]


HEADER = ["Opportunity ID", "Stage", "Amount", "Close Date", "Created Date", "Industry",
          "Won", "Qualification Score", "Region"]


def _rows() -> list[list[object]]:
    rows = []
    for i in range(1, 41):
        outcome = ("Closed Won", "Closed Lost", "Prospecting", "Closed Won")[i % 4]
        created = dt.datetime(2024, 1, 1) + dt.timedelta(days=3 * i)
        close = created + dt.timedelta(days=10 + i)
        rows.append([f"OPP-{i}", outcome, 1000.0 + 250.5 * i, close, created,
                     ("Retail", "Finance", None)[i % 3], outcome == "Closed Won",
                     float(i % 10 + 1) * 10, "EMEA" if i % 2 else "NA"])
    return rows


def test_cell_values_load_like_csv(tmp_path: Path) -> None:
    rows = _rows()
    path = tmp_path / "same.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for r in rows:
            w.writerow(["" if v is None else v.strftime("%Y-%m-%d") if isinstance(v, dt.datetime)
                        else ("TRUE" if v else "FALSE") if isinstance(v, bool) else v for v in r])
    # xlwings: floats, Decimals, datetimes, bools, None for blanks, error cells as text
    cells: list[list[object]] = [list(HEADER)]
    for n, r in enumerate(rows):
        r = list(r)
        if n % 5 == 0:
            r[2] = decimal.Decimal(str(r[2]))
        if r[5] is None:
            r[5] = "#N/A" if n % 2 else None
        cells.append(r)
    cells.append([None] * len(HEADER))  # a trailing blank row of the range
    from_csv = load_deals(path).deals
    from_cells = load_deals(cells, name="Deals!A1:I42").deals
    pd.testing.assert_frame_equal(from_csv.reset_index(drop=True),
                                  from_cells.reset_index(drop=True), check_dtype=False)
    assert from_cells["region"].tolist().count("NA") == 20  # North America is not a blank
    assert from_cells["qualification_score"].max() == 1.0


def test_empty_text_cells_load_like_none_cells() -> None:
    """calamine and xlwings give an empty cell as "": grids keep it, and every rule reads it
    as blank, exactly as None (blank rows, footers, unnamed empty columns, parsers)."""
    header = ["Opportunity ID", "Stage", "Amount", "Close Date", "Created Date", "Industry",
              "Lead Source", None, "Champion Title", "Partner"]
    body = []
    for i in range(60):
        body.append([f"OPP-{i}", "Closed Won" if i % 3 else "Closed Lost",
                     None if i % 7 == 0 else float(1000 + i),
                     None if i % 11 == 0 else dt.datetime(2024, 1 + i % 12, 1 + i % 27),
                     dt.datetime(2023, 6, 1), None if i % 5 == 0 else ["Retail", "Tech"][i % 2],
                     None if i % 4 == 0 else "Web", None,
                     None if i % 2 else "VP Sales", None if i % 6 else ["A", "B"][i % 2]])
    body.insert(10, [None] * len(header))  # a blank row inside the range
    body.append([None, None, None, None, None, None, None, None, None, None])
    body.append(["Total", None, 61000.0, None, None, None, None, None, None, None])  # a footer
    body.append([None, None, "Confidential", None, None, None, None, None, None, None])

    def grid(blank: object) -> list[list[object]]:
        return [[blank if v is None else v for v in row] for row in [header, *body]]

    with_none = load_deals(grid(None), name="Deals!A1:J65")
    with_text = load_deals(grid(""), name="Deals!A1:J65")
    pd.testing.assert_frame_equal(with_none.deals, with_text.deals)
    pd.testing.assert_frame_equal(with_none.contacts, with_text.contacts)
    assert with_none.quality.to_frame().equals(with_text.quality.to_frame())
    assert with_none.quality.column_map == with_text.quality.column_map
    checks = dict(zip(*[with_text.quality.to_frame()[c] for c in ("Check", "Count")]))
    assert checks["Blank rows dropped"] == 2
    assert checks["Footer rows dropped"] == 2
    assert "Column 8" not in with_text.quality.fates()  # unnamed, empty
    assert with_text.deals["amount"].isna().sum() == 9
    assert len(with_text.contacts) == 30
