"""A template or earlier report is user XML: openpyxl must parse it through defusedxml."""

from __future__ import annotations

import time
import zipfile

import openpyxl
import pytest

from winloss_xl.cli import main
from winloss_xl.demo_data import DEALS_FILE, data_dir

DEMO_DEALS_CSV = data_dir() / DEALS_FILE

LAUGHS = "".join(
    ['<?xml version="1.0"?>\n<!DOCTYPE workbook [\n<!ENTITY lol0 "lol">\n']
    + [f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">\n' for i in range(1, 10)]
    + ["]>\n"]
)


def _laughing_template(tmp_path):
    """A real template whose workbook.xml declares nested entities (billion laughs)."""
    good = tmp_path / "good.xlsx"
    assert main(["template", "-o", str(good), "-q"]) == 0
    bad = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                body = data.decode("utf-8").split("?>", 1)[-1]
                data = (LAUGHS + body.replace("<workbook ", "<workbook x='&lol9;' ", 1)).encode()
            dst.writestr(info, data)
    return bad


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_entity_expansion_in_a_template_is_refused_quickly(tmp_path, capsys):
    template = _laughing_template(tmp_path)
    out = tmp_path / "report.xlsx"
    start = time.monotonic()
    code = main(["analyze", str(DEMO_DEALS_CSV), "--template", str(template), "-o", str(out), "-q"])
    assert time.monotonic() - start < 60
    assert code == 3
    err = capsys.readouterr().err
    assert "laughs.xlsx" in err and "winloss-xl template" in err
    assert not out.exists()


def test_unhardened_openpyxl_is_refused(tmp_path, monkeypatch, capsys):
    good = tmp_path / "good.xlsx"
    assert main(["template", "-o", str(good), "-q"]) == 0
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    out = tmp_path / "report.xlsx"
    code = main(["analyze", str(DEMO_DEALS_CSV), "--template", str(good), "-o", str(out), "-q"])
    assert code == 3
    assert "OPENPYXL_DEFUSEDXML" in capsys.readouterr().err
    assert not out.exists()


@pytest.fixture(autouse=True)
def _demo_csv_exists():
    assert DEMO_DEALS_CSV.exists()
