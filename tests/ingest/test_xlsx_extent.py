"""A stray far-away cell must end in a clear message, not a 550 GB allocation."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from winloss_xl.errors import InputError
from winloss_xl.ingest import load_deals
from winloss_xl.ingestion.xlsx_extent import column_letters, sheet_extents


def _workbook(path, stray_sheet: str | None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deals"
    ws.append(["Deal ID", "Stage", "Amount"])
    for i in range(12):
        ws.append([f"D{i}", "Closed Won" if i % 3 else "Closed Lost", 1000 + i])
    notes = wb.create_sheet("Notes")
    notes["A1"] = "scratch"
    if stray_sheet:
        wb[stray_sheet]["XFD1048576"] = "x"
    wb.save(path)
    return path


def test_extent_is_measured_from_the_cells(tmp_path):
    path = _workbook(tmp_path / "far.xlsx", "Deals")
    with zipfile.ZipFile(path) as zf:
        extents = {e.name: e for e in sheet_extents(zf)}
    assert extents["Deals"].corner == "XFD1048576"
    assert extents["Notes"].corner == "A1"


def test_stray_cell_on_the_deals_sheet_is_a_clear_input_error(tmp_path):
    path = _workbook(tmp_path / "far.xlsx", "Deals")
    with pytest.raises(InputError) as err:
        load_deals(path)
    text = err.value.message
    assert "far.xlsx" in text and "'Deals'" in text and "XFD1048576" in text
    assert "Ctrl+End" in text


def test_stray_cell_on_another_sheet_does_not_block_the_deals(tmp_path):
    path = _workbook(tmp_path / "far.xlsx", "Notes")
    deals = load_deals(path).deals
    assert (deals["outcome"] == "won").sum() == 8
    assert (deals["outcome"] == "lost").sum() == 4


@pytest.mark.parametrize(("index", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (16384, "XFD")])
def test_column_letters(index, letters):
    assert column_letters(index) == letters
