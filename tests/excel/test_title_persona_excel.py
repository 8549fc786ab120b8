"""=TITLE_PERSONA in a real Excel (Windows): one title, and a column that spills.

Marked ``excel``; skipped when Excel is absent (see conftest.py).
"""

from __future__ import annotations

import sys

import pytest

pytestmark = pytest.mark.excel

TITLES = ["Geschäftsführer (CFO)", None, "Directrice des achats", "Assistentin der Geschäftsführung",
          "Директор по продажам", "VP Sales & Marketing"]


@pytest.mark.skipif(sys.platform != "win32", reason="classic xlwings formulas are Windows-only")
def test_title_persona_spills_in_excel(excel_app, tmp_path) -> None:
    import xlwings as xw

    from winloss_xl import read_title

    book = excel_app.books.add()
    try:
        book.save(str(tmp_path / "Titles.xlsm"))
        try:
            xw.import_udfs("winloss_xl.excel.udfs", book.api)
        except Exception as exc:
            pytest.skip(f"VBA project access is not trusted here: {exc}")
        sheet = book.sheets[0]
        sheet["A1"].options(transpose=True).value = TITLES
        sheet["C1"].formula2 = f"=TITLE_PERSONA(A1:A{len(TITLES)})"
        sheet["G1"].formula2 = '=TITLE_PERSONA("Kfm. Leiterin")'
        book.app.calculate()
        got = sheet["C1"].resize(len(TITLES), 3).value
        for title, row in zip(TITLES, got):
            want = ["", "", ""] if title is None else list(read_title(title))
            assert [v or "" for v in row] == want, title
        assert sheet["G1"].resize(1, 3).value == list(read_title("Kfm. Leiterin"))
    finally:
        book.close()
