"""The Analyze button writes the Changes sheet through the live writer (xlwings double)."""

from __future__ import annotations

import sys
from pathlib import Path

from winloss_xl import WinLoss
from winloss_xl.excel import addin
from winloss_xl.report.model import GENERATED_SHEETS

from .double import FakeBook, Recorder
from .test_live import check_table_block, sheet_names

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from two_quarters import as_values, two_quarters


def test_button_writes_the_changes_sheet_after_summary() -> None:
    values = as_values(two_quarters())
    book = FakeBook(Recorder())
    book._add_input("Deals", values)
    report = addin.analyze_book(book)
    names = [n for n in sheet_names(book) if n in GENERATED_SHEETS]
    assert names[:2] == ["Summary", "Changes"]
    spec = next(s for s in report.sheets if s.name == "Changes")
    sheet = next(s for s in book.sheets._list if s._name == "Changes")
    for t in spec.tables():
        check_table_block(sheet, t)  # every cell as the layout has it
    assert len(sheet.charts._list) == 1  # rate and mix effects
    # the same rows the headless report holds for the same deals
    live = next(t.frame for t in spec.tables() if t.name == "tblChanges")
    headless = WinLoss(values, name="Deals sheet").table("tblChanges")
    assert live.equals(headless)
    assert (live["Verdict"] == "Declined").any()
