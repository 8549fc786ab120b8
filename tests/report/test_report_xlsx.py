"""report.xlsx: tables, formats, safety rules (atomic, no formulas, same bytes, marks)."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from contract import check_workbook
from openpyxl import Workbook, load_workbook

from winloss_xl.errors import InputError
from winloss_xl.report import output, xlsx
from winloss_xl.report.build import build_report
from winloss_xl.report.model import EXCEL_FORMATS, GENERATED_MARK
from winloss_xl.report.xlsx import write_report

HOSTILE = '=HYPERLINK("http://x","y")'


def _sheet_xml(path: Path, title: str) -> str:
    wb = load_workbook(path)
    index = wb.sheetnames.index(title) + 1
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{index}.xml").decode()


def test_contract_tables_and_headers(tmp_path, analysis):
    out = write_report(build_report(analysis), tmp_path / "r.xlsx")
    where = check_workbook(out)
    assert where["tblSummary"] == "Summary"


def test_formats_freeze_and_marks(tmp_path, analysis):
    out = write_report(build_report(analysis), tmp_path / "r.xlsx")
    wb = load_workbook(out)
    ws = wb["Patterns"]
    ref = ws.tables["tblPatterns"].ref
    header = [c.value for c in ws[ref][0]]
    first = ws[ref][1]
    assert first[header.index("Win rate")].number_format == EXCEL_FORMATS["percent"]
    assert first[header.index("Deals")].number_format == EXCEL_FORMATS["integer"]
    assert first[header.index("Lift")].number_format == EXCEL_FORMATS["lift"]
    # freeze panes only where every table's header is on one row and no chart sits above
    drivers = wb["Drivers"]
    dref = drivers.tables["tblDrivers"].ref
    assert drivers.freeze_panes == f"A{drivers[dref][0][0].row + 1}"
    assert ws.freeze_panes in (None, f"A{ws[ref][0][0].row + 1}")
    assert ws.conditional_formatting  # data bars / colour scales
    verdict = first[header.index("Verdict")]
    assert verdict.value == "Strong fit" and verdict.fill.fgColor.rgb.endswith("C6EFCE")
    for name in wb.sheetnames:
        assert GENERATED_MARK in wb[name].defined_names
    assert wb.active.title == "Summary"
    summary = wb["Summary"]
    sref = summary.tables["tblSummary"].ref
    rows = {r[0].value: r[1] for r in summary[sref][1:]}
    assert rows["Win rate"].number_format == EXCEL_FORMATS["percent"]
    assert rows["Avg won amount"].number_format == EXCEL_FORMATS["currency"]
    assert len(summary._charts) == 1 and len(ws._charts) == 1


def test_empty_table_keeps_its_note(tmp_path, empty_persona_analysis):
    out = write_report(build_report(empty_persona_analysis), tmp_path / "r.xlsx")
    ws = load_workbook(out)["Personas"]
    ref = ws.tables["tblPersonas"].ref
    rows = ws[ref]
    assert len(rows) == 2 and "No contacts" in rows[1][0].value


def test_two_runs_byte_identical(tmp_path, analysis):
    a = write_report(build_report(analysis), tmp_path / "a.xlsx").read_bytes()
    b = write_report(build_report(analysis), tmp_path / "b.xlsx").read_bytes()
    assert a == b
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {xlsx.ZIP_TIME}
        core = z.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core


def test_formula_text_is_stored_as_text(tmp_path, analysis):
    out = write_report(build_report(analysis), tmp_path / "r.xlsx")
    xml = _sheet_xml(out, "Patterns")
    assert "<f>" not in xml and "<f " not in xml
    assert f"<t>{HOSTILE}</t>" in xml  # an inline/shared string, not <f>
    ws = load_workbook(out)["Patterns"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert HOSTILE in values
    loss = _sheet_xml(out, "Loss Reasons")
    assert "+cmd" in loss and "<f>" not in loss


def test_refuses_to_overwrite_an_input(tmp_path, analysis):
    src = tmp_path / "deals.xlsx"
    Workbook().save(src)
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    with pytest.raises(InputError, match="overwrite an input"):
        write_report(build_report(analysis), src, inputs=[src])
    with pytest.raises(InputError, match="overwrite an input"):
        write_report(build_report(analysis), tmp_path / "." / "deals.xlsx", inputs=[str(src)])
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before


def test_foreign_summary_sheet_stops_the_run(tmp_path, analysis):
    out = tmp_path / "r.xlsx"
    wb = Workbook()
    wb.active.title = "Summary"
    wb.active["A1"] = "my own notes"
    wb.save(out)
    before = out.read_bytes()
    with pytest.raises(InputError) as err:
        write_report(build_report(analysis), out)
    assert "sheet 'Summary' exists and was not created by winloss-xl; rename or delete it" in str(err.value)
    assert out.read_bytes() == before


def test_rerun_replaces_only_generated_sheets(tmp_path, analysis):
    out = tmp_path / "r.xlsx"
    wb = Workbook()
    wb.active.title = "Deals"
    wb.active.append(["Deal ID", "Stage", "Amount"])
    wb.active.append(["D1", "Closed Won", 100])
    wb.create_sheet("My notes")["A1"] = "keep me"
    wb.save(out)
    write_report(build_report(analysis), out)
    first = load_workbook(out)
    assert first.sheetnames[:2] == ["Deals", "My notes"]
    analysis.tables["tblSummary"].loc[4, "Value"] = 0.5
    write_report(build_report(analysis), out)
    wb2 = load_workbook(out)
    assert wb2.sheetnames == first.sheetnames
    assert [list(r) for r in wb2["Deals"].iter_rows(values_only=True)] == [
        ["Deal ID", "Stage", "Amount"], ["D1", "Closed Won", 100]]
    assert wb2["My notes"]["A1"].value == "keep me"
    ws = wb2["Summary"]
    rows = {r[0].value: r[1].value for r in ws[ws.tables["tblSummary"].ref][1:]}
    assert rows["Win rate"] == 0.5
    check_workbook(out)


def test_crash_mid_write_keeps_earlier_report(tmp_path, analysis, monkeypatch):
    out = write_report(build_report(analysis), tmp_path / "r.xlsx")
    before = out.read_bytes()

    def die(fh, data):
        fh.write(data[: len(data) // 2])
        fh.flush()
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(output, "_emit", die)
    analysis.tables["tblSummary"].loc[4, "Value"] = 0.9
    with pytest.raises(KeyboardInterrupt):
        write_report(build_report(analysis), out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]  # temp file removed


KILL_SCRIPT = r"""
import sys, time
sys.path.insert(0, sys.argv[3])
from fake_analysis import fake_analysis
from winloss_xl.report import output, xlsx
from winloss_xl.report.build import build_report

def slow(fh, data):
    fh.write(data[: len(data) // 2]); fh.flush()
    print("HALF", flush=True)
    time.sleep(60)
    fh.write(data[len(data) // 2:])

output._emit = slow
a = fake_analysis()
a.tables["tblSummary"].loc[4, "Value"] = float(sys.argv[2])
xlsx.write_report(build_report(a), sys.argv[1])
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_real_kill_mid_write_keeps_earlier_report(tmp_path, analysis):
    out = write_report(build_report(analysis), tmp_path / "r.xlsx")
    before = out.read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(out), "0.9",
                             str(Path(__file__).parent)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "HALF"
        temps = [p for p in tmp_path.iterdir() if p.name != "r.xlsx"]
        assert temps and temps[0].stat().st_size > 0  # the half-written temp file
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert out.read_bytes() == before
    load_workbook(out)  # still a valid workbook


def test_template_keeps_restyled_look(tmp_path, analysis):
    from openpyxl.styles import Font

    from winloss_xl.report.template import build_template

    wb = build_template()
    style = next(s for s in wb._named_styles if s.name == "WinLoss Title")
    style.font = Font(name="Georgia", size=26, color="FF0000")
    tpl = tmp_path / "restyled.xlsx"
    wb.save(tpl)
    out = write_report(build_report(analysis), tmp_path / "r.xlsx", template=tpl)
    got = load_workbook(out)
    title = got["Summary"]["B2"]
    assert title.style == "WinLoss Title" and title.font.name == "Georgia"
    assert got.sheetnames[:5] == ["How to use", "Deals", "Contacts", "Accounts", "Config"]
    assert "tblDeals" in got["Deals"].tables
    check_workbook(out)
    with pytest.raises(InputError, match="overwrite an input"):
        write_report(build_report(analysis), tpl, template=tpl)


def test_not_a_workbook_output_is_an_input_error(tmp_path, analysis):
    out = tmp_path / "r.xlsx"
    out.write_text("not a zip")
    with pytest.raises(InputError, match=r"not a readable \.xlsx"):
        write_report(build_report(analysis), out)


def test_sheet_xml_has_no_formula_for_any_dangerous_start(tmp_path, analysis):
    frame = analysis.tables["tblDataQuality"]
    for i, text in enumerate(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]):
        frame.loc[len(frame)] = [text, i, text]
    out = write_report(build_report(analysis), tmp_path / "r.xlsx")
    xml = _sheet_xml(out, "Data Quality")
    assert not re.search(r"<f[ >]", xml)
    ws = load_workbook(out)["Data Quality"]
    values = {c.value for row in ws.iter_rows() for c in row}
    assert {"=1+1", "+1", "-1", "@SUM(A1)"} <= values


def test_charts_reference_table_cells(tmp_path, analysis):
    out = write_report(build_report(analysis), tmp_path / "r.xlsx")
    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
        drawings = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/drawings/drawing")]
    assert len(charts) >= 4
    for xml in charts:
        refs = re.findall(r"<(?:c:)?f>([^<]+)</(?:c:)?f>", xml)
        assert refs and all(re.match(r"'[^']+'!\$[A-Z]+\$\d+(:\$[A-Z]+\$\d+)?$", r) for r in refs), refs
        assert "numLit" not in xml
    assert all("twoCellAnchor" in d for d in drawings)
    summary = [x for x in charts if "Summary" in x]
    assert summary and "'Summary'!$" in summary[0]


def test_user_table_with_a_report_table_name_stops_the_run(tmp_path, analysis):
    from openpyxl.worksheet.table import Table as XlTable

    out = tmp_path / "r.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Mine"
    ws.append(["Metric", "Value"])
    ws.append(["x", 1])
    ws.add_table(XlTable(displayName="tblSummary", ref="A1:B2"))
    wb.save(out)
    with pytest.raises(InputError, match="already has an Excel table named 'tblSummary'"):
        write_report(build_report(analysis), out)
