"""Excel-shaped cell values, as xlwings hands a range to a formula (ndim=2, err_to_str=True).

Header row first; numbers as float, currency-formatted cells as ``Decimal``, dates as
``datetime`` (or Excel serial floats when the range is a computed array), blanks as None,
error cells as ``"#N/A"`` text.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def serial(day: dt.datetime) -> float:
    """Excel's serial date number (1900 system)."""
    return (day - EXCEL_EPOCH).days + (day - EXCEL_EPOCH).seconds / 86400


def _date(text: str) -> dt.datetime | None:
    if not text:
        return None
    m, d, y = (int(p) for p in text.split("/"))
    return dt.datetime(y, m, d)


def maven_joined(maven: Path) -> list[list[Any]]:
    """sales_pipeline.csv with the account's sector, revenue, size and office looked up.

    What an analyst pastes: the deals sheet plus VLOOKUP columns. A deal without an account
    (open, prospecting) gets ``#N/A`` from the lookup. Every 7th date is a serial float (a
    computed column), every 5th amount a Decimal (a currency-formatted cell).
    """
    with open(maven / "accounts.csv", newline="", encoding="utf-8") as fh:
        accounts = {r["account"]: r for r in csv.DictReader(fh)}
    with open(maven / "sales_pipeline.csv", newline="", encoding="utf-8") as fh:
        deals = list(csv.DictReader(fh))
    header = ["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date",
              "close_date", "close_value", "Sector", "Annual Revenue", "Employees",
              "Office Location"]
    rows: list[list[Any]] = [header]
    for i, d in enumerate(deals):
        acc = accounts.get(d["account"])
        engage, close = _date(d["engage_date"]), _date(d["close_date"])
        if i % 7 == 3:
            engage = serial(engage) if engage else None
            close = serial(close) if close else None
        value: Any = float(d["close_value"]) if d["close_value"] else None
        if value is not None and i % 5 == 0:
            value = Decimal(d["close_value"])
        if acc is None:
            firmo: list[Any] = ["#N/A"] * 4
        else:
            firmo = [acc["sector"], float(acc["revenue"]) * 1e6, float(acc["employees"]),
                     acc["office_location"]]
        rows.append([d["opportunity_id"], d["sales_agent"], d["product"], d["account"] or None,
                     d["deal_stage"], engage, close, value, *firmo])
    return rows
