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


def test_stray_cell_on_the_deals_sheet_falls_back_to_a_bounded_read(tmp_path):
    """calamine would allocate A1:XFD1048576 (550 GB); the sheet's real cells are read instead."""
    path = _workbook(tmp_path / "far.xlsx", "Deals")
    ds = load_deals(path)
    assert (ds.deals["outcome"] == "won").sum() == 8
    assert (ds.deals["outcome"] == "lost").sum() == 4
    stray = [e for e in ds.quality.entries if e.check.startswith("Stray cells")]
    assert stray and stray[0].count == 1 and "XFD1048576" in stray[0].detail


def test_too_many_real_cells_on_a_far_reaching_sheet_is_a_clear_input_error(tmp_path):
    from winloss_xl.config import Config

    path = _workbook(tmp_path / "far.xlsx", "Deals")
    with pytest.raises(InputError) as err:
        load_deals(path, config=Config(max_cells=20))
    text = err.value.message
    assert "far.xlsx" in text and "max_cells" in text


def test_stray_cell_on_another_sheet_does_not_block_the_deals(tmp_path):
    path = _workbook(tmp_path / "far.xlsx", "Notes")
    deals = load_deals(path).deals
    assert (deals["outcome"] == "won").sum() == 8
    assert (deals["outcome"] == "lost").sum() == 4


@pytest.mark.parametrize(("index", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (16384, "XFD")])
def test_column_letters(index, letters):
    assert column_letters(index) == letters


def _regex_reference(data: bytes) -> tuple[int, int]:
    """Independent reference: a plain regular expression over the cell references."""
    import re

    refs = re.findall(rb' r="([A-Z]{1,3})([0-9]{1,7})"', data)

    def col(letters: bytes) -> int:
        n = 0
        for ch in letters:
            n = n * 26 + ch - 64
        return n

    return (max((int(r) for _, r in refs), default=0), max((col(c) for c, _ in refs), default=0))


def test_vectorised_scan_matches_a_regex_reference():
    import random

    from winloss_xl.ingestion.xlsx_extent import _furthest_cell

    rng = random.Random(3)
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(0, 30)):
            letters = "".join(rng.choice("ABMXYZ") for _ in range(rng.randint(1, 3)))
            row = rng.randint(1, 1_048_576)
            parts.append(f'<row r="{row}"><c r="{letters}{row}" t="s"><v>{row % 97}</v></c></row>')
        data = "".join(parts).encode()
        assert _furthest_cell(data) == _regex_reference(data)


def test_references_cut_between_reads_are_measured_whole(tmp_path, monkeypatch):
    import winloss_xl.ingestion.xlsx_extent as extent

    path = _workbook(tmp_path / "far.xlsx", "Deals")
    with zipfile.ZipFile(path) as zf:
        whole = sheet_extents(zf)
        monkeypatch.setattr(extent, "_CHUNK", 7)  # every reference straddles a read
        pieces = sheet_extents(zf)
    assert pieces == whole
    assert {e.name: e.corner for e in pieces}["Deals"] == "XFD1048576"
