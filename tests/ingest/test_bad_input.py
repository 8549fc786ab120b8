"""Input that cannot be analysed raises InputError naming the file, the column and the expectation."""

from __future__ import annotations

from pathlib import Path

import pytest
from crm_exports import true_deals, write_salesforce_report_xlsx

from winloss_xl import Config, InputError, load_deals
from winloss_xl.cli import main

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _ole_file(path: Path) -> Path:
    """The first bytes of an OLE compound file: what an encrypted .xlsx or an .xls really is."""
    path.write_bytes(OLE + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\x00" * 4064)
    return path


def bad_files(tmp: Path) -> dict[str, tuple[Path, list[str]]]:
    """name -> (file, words the message must contain)."""
    out: dict[str, tuple[Path, list[str]]] = {}
    p = tmp / "empty.csv"
    p.write_bytes(b"")
    out["empty"] = (p, ["empty.csv", "empty", "header row"])
    p = tmp / "blank_lines.csv"
    p.write_text("\n\n  \n", encoding="utf-8")
    out["blank lines only"] = (p, ["blank_lines.csv", "empty"])
    p = tmp / "noheader.csv"
    p.write_text("1,2024-01-05,100\n2,2024-02-05,200\n", encoding="utf-8")
    out["no header"] = (p, ["noheader.csv", "no header row", "Stage"])
    p = tmp / "nooutcome.csv"
    p.write_text("Deal ID,Amount,Close Date\n1,100,2024-01-01\n2,200,2024-02-01\n", encoding="utf-8")
    out["no outcome"] = (p, ["nooutcome.csv", "'Deal ID', 'Amount', 'Close Date'", "Stage",
                             "IsWon", "outcome"])
    p = tmp / "open.csv"
    p.write_text("Stage,Amount\nProspecting,100\nNegotiation,200\n", encoding="utf-8")
    out["only open"] = (p, ["open.csv", "column 'Stage'", "won or lost"])
    p = tmp / "deals.pdf"
    p.write_bytes(b"%PDF-1.4")
    out["unknown extension"] = (p, ["deals.pdf", ".pdf", ".csv", ".xlsx", ".json"])
    p = tmp / "corrupt.xlsx"
    p.write_bytes(b"PK\x03\x04" + b"garbage" * 50)
    out["corrupt zip"] = (p, ["corrupt.xlsx", "damaged"])
    good = write_salesforce_report_xlsx(tmp / "good.xlsx", true_deals(10))
    p = tmp / "truncated.xlsx"
    p.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    out["truncated zip"] = (p, ["truncated.xlsx", ".xlsx"])
    out["password"] = (_ole_file(tmp / "protected.xlsx"), ["protected.xlsx", "password"])
    out["legacy xls"] = (_ole_file(tmp / "old.xls"), ["old.xls", "Save As", ".xlsx"])
    p = tmp / "headeronly.csv"
    p.write_text("Stage,Amount\n", encoding="utf-8")
    out["header only"] = (p, ["headeronly.csv", "no deals"])
    p = tmp / "bad.json"
    p.write_text('{"deals": 5}', encoding="utf-8")
    out["json without list"] = (p, ["bad.json", "list of deals"])
    return out


CASES = ["empty", "blank lines only", "no header", "no outcome", "only open", "unknown extension",
         "corrupt zip", "truncated zip", "password", "legacy xls", "header only",
         "json without list"]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_message(tmp_path: Path, case: str) -> None:
    path, words = bad_files(tmp_path)[case]
    with pytest.raises(InputError) as info:
        load_deals(path)
    msg = info.value.message
    for w in words:
        assert w in msg, (w, msg)


@pytest.mark.parametrize("case", CASES)
def test_cli_inspect_exits_3_and_writes_nothing(tmp_path: Path, case: str, capsys,
                                                 monkeypatch) -> None:
    path, _ = bad_files(tmp_path)[case]
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["inspect", str(path)]) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    captured = capsys.readouterr()
    assert captured.out == ""
    assert path.name in captured.err


def test_row_and_cell_limits(tmp_path: Path) -> None:
    p = tmp_path / "many.csv"
    p.write_text("Stage,Amount\n" + "Won,1\nLost,2\n" * 50, encoding="utf-8")
    with pytest.raises(InputError, match="max_rows"):
        load_deals(p, config=Config(max_rows=20))
    with pytest.raises(InputError, match="max_cells"):
        load_deals([["Stage", "Amount"]] + [["Won", 1.0]] * 50, config=Config(max_cells=30))
    assert len(load_deals(p, config=Config(max_rows=200)).deals) == 100


def test_column_override_must_exist(tmp_path: Path) -> None:
    p = tmp_path / "d.csv"
    p.write_text("Phase,Amount\nWon,1\nLost,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="Deal Phase"):
        load_deals(p, config=Config(columns={"outcome": "Deal Phase"}))
    ds = load_deals(p, config=Config(columns={"outcome": "Phase"}))
    assert list(ds.deals["outcome"]) == ["won", "lost"]


def test_text_file_that_is_a_workbook(tmp_path: Path) -> None:
    good = write_salesforce_report_xlsx(tmp_path / "good.xlsx", true_deals(10))
    p = tmp_path / "renamed.csv"
    p.write_bytes(good.read_bytes())
    with pytest.raises(InputError, match=r"renamed\.csv"):
        load_deals(p)
