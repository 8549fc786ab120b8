"""The template workbook: shipped copy equals a fresh build; input sheets and Config pairs."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from winloss_xl.config import Config
from winloss_xl.report.model import GENERATED_MARK
from winloss_xl.report.template import TEMPLATE_NAME, fresh_template_bytes, template_bytes

REPO = Path(__file__).resolve().parents[2]


def test_shipped_copies_equal_a_fresh_build():
    fresh = fresh_template_bytes()
    assert fresh == fresh_template_bytes()  # deterministic
    assert (REPO / "winloss_xl" / "templates" / TEMPLATE_NAME).read_bytes() == fresh, \
        "run: python -m winloss_xl.report.template"
    assert (REPO / "templates" / TEMPLATE_NAME).read_bytes() == fresh
    assert template_bytes() == fresh


def test_template_sheets_tables_and_config():
    wb = load_workbook(io.BytesIO(fresh_template_bytes()))
    assert wb.sheetnames == ["How to use", "Deals", "Contacts", "Accounts", "Config", "Summary"]
    deals = wb["Deals"]
    assert "tblDeals" in deals.tables
    headers = [c.value for c in deals[1] if c.value]
    assert {"Stage", "Amount", "Close Date", "Industry", "Loss Reason"} <= set(headers)
    assert GENERATED_MARK in wb["Summary"].defined_names
    for name in ("Deals", "Contacts", "Accounts", "Config"):
        assert GENERATED_MARK not in wb[name].defined_names
    config = Config.from_pairs(list(wb["Config"].iter_rows(values_only=True)))
    assert config == Config()
    styles = set(wb.named_styles)
    assert {"WinLoss Title", "WinLoss KPI value", "WinLoss Header"} <= styles
