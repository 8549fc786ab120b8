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


def demo_export(n: int = 2500, seed: int = 11) -> tuple[list[list[Any]], list[list[Any]]]:
    """A CRM export of the synthetic demo deals, twice: as a formula receives it, and clean.

    The formula's copy mixes the cell types Excel hands over (Decimal amounts, serial-float
    dates, bools, ``#N/A`` error text in open deals' lookup column, None blanks); the clean
    copy holds the same values as an .xlsx file stores them.
    """
    from winloss_xl.engine.synthetic import make_deals

    frame, _extra = make_deals(n, seed=seed)
    header = ["Opportunity ID", "Stage", "Amount", "Close Date", "Created Date", "Industry",
              "Region", "Lead Source", "Type", "Product", "Opportunity Owner", "Competitor",
              "Annual Revenue", "Employees", "Loss Reason", "Qualification Score", "Strategic",
              "Partner Region"]
    excel: list[list[Any]] = [header]
    clean: list[list[Any]] = [list(header)]
    for i, r in enumerate(frame.itertuples(index=False)):
        stage = {"won": "Closed Won", "lost": "Closed Lost"}.get(r.outcome, "Negotiation")
        is_open = r.outcome not in ("won", "lost")

        def val(x: Any) -> Any:
            try:
                import pandas as pd

                return None if pd.isna(x) else x
            except (TypeError, ValueError):
                return x

        close = None if is_open or val(r.close_date) is None else r.close_date.to_pydatetime()
        created = val(r.created_date)
        created = created.to_pydatetime() if created is not None else None
        amount = val(r.amount)
        row = [r.deal_id, stage, float(amount) if amount is not None else None, close, created,
               r.industry, r.region, r.lead_source, r.deal_type, r.product, r.owner,
               val(r.competitor), float(r.company_revenue), float(r.employees),
               None if r.outcome != "lost" else val(r.loss_reason),
               val(r.qualification_score), i % 3 == 0, None if is_open else r.region]
        clean.append(list(row))
        if amount is not None and i % 4 == 0:
            row[2] = Decimal(str(amount))
        if i % 6 == 1:
            row[3] = serial(close) if close else None
            row[4] = serial(created) if created else None
        if is_open:
            row[17] = "#N/A"
        excel.append(row)
    return excel, clean


def _iso(text: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def bundled_demo() -> tuple[list[list[Any]], list[list[Any]]]:
    """The bundled demo export (winloss_xl/data/demo_*.csv) as a formula receives it.

    Deals: dates as datetimes (every 5th as a serial float), Amount as float (every 3rd a
    Decimal), revenue / employees / score as floats, blanks None, open deals' competitor
    lookups as ``#N/A``. Contacts: ``Is Primary`` as bools.
    """
    from winloss_xl.demo_data import CONTACTS_FILE, DEALS_FILE, data_dir

    with open(data_dir() / DEALS_FILE, newline="", encoding="utf-8") as fh:
        deals = list(csv.reader(fh))
    with open(data_dir() / CONTACTS_FILE, newline="", encoding="utf-8") as fh:
        contacts = list(csv.reader(fh))
    header = deals[0]
    col = {h: i for i, h in enumerate(header)}
    out: list[list[Any]] = [list(header)]
    for n, raw in enumerate(deals[1:]):
        row: list[Any] = [v if v != "" else None for v in raw]
        for name in ("Created Date", "Close Date"):
            day = _iso(raw[col[name]])
            row[col[name]] = serial(day) if (day and n % 5 == 2) else day
        for name in ("Annual Revenue", "Employees", "Qualification Score"):
            row[col[name]] = float(raw[col[name]]) if raw[col[name]] else None
        amount = raw[col["Amount"]]
        row[col["Amount"]] = (Decimal(amount) if n % 3 == 0 else float(amount)) if amount else None
        if raw[col["Stage"]] not in ("Closed Won", "Closed Lost") and not raw[col["Primary Competitor"]]:
            row[col["Primary Competitor"]] = "#N/A"
        out.append(row)
    cont: list[list[Any]] = [list(contacts[0])]
    primary = contacts[0].index("Is Primary")
    for raw in contacts[1:]:
        row = [v if v != "" else None for v in raw]
        row[primary] = raw[primary] == "1"
        cont.append(row)
    return out, cont
