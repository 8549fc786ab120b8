"""Every generated workbook opens in real LibreOffice: loads, converts to PDF and CSV,
and the CSV of tblSummary shows the win rate the engine computed.

Workbooks: the bundled demo, the public Maven CRM sample (with accounts), and an
export with no contacts (empty persona tables). Real pipeline: load_deals -> analyze
-> build_report -> write_report.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from winloss_xl import analyze, load_deals
from winloss_xl.report.build import build_report
from winloss_xl.report.model import GENERATED_SHEETS
from winloss_xl.report.xlsx import write_report

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report"))
from contract import check_workbook
from exports import write_export

pytestmark = pytest.mark.libreoffice

IBM = (Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ibm-sales-win-loss"
       / "WA_Fn-UseC_-Sales-Win-Loss.csv")

CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}'


@pytest.fixture(scope="session")
def workbooks(tmp_path_factory, maven_dir) -> dict[str, tuple[Path, float]]:
    """name -> (report path, engine win rate)."""
    from winloss_xl.report.run import _demo_dealset

    d = tmp_path_factory.mktemp("e2e")
    export = write_export(d / "no-contacts.csv", n=500, seed=11)
    sets = {
        "demo": _demo_dealset(),
        "maven": load_deals(str(maven_dir / "sales_pipeline.csv"),
                            accounts=str(maven_dir / "accounts.csv")),
        "nopersonas": load_deals(str(export)),
    }
    if IBM.exists():
        sets["ibm"] = load_deals(str(IBM))
    out: dict[str, tuple[Path, float]] = {}
    for name, ds in sets.items():
        analysis = analyze(ds)
        if name == "nopersonas":
            assert analysis.tables["tblPersonas"].empty
        path = write_report(build_report(analysis), d / f"{name}.xlsx")
        out[name] = (path, float(analysis.summary_value("Win rate")))
    return out


@pytest.fixture(scope="session")
def converted(workbooks, libreoffice, tmp_path_factory) -> Path:
    outdir = tmp_path_factory.mktemp("converted")
    files = [p for p, _ in workbooks.values()]
    libreoffice.convert(files, "pdf", outdir)
    libreoffice.convert(files, CSV_FILTER.format(sheet=-1), outdir)
    return outdir


def test_workbooks_follow_the_contract(workbooks):
    for path, _ in workbooks.values():
        check_workbook(path)


def test_pdf_written_for_every_workbook(workbooks, converted):
    for name in workbooks:
        pdf = converted / f"{name}.pdf"
        assert pdf.exists() and pdf.stat().st_size > 10_000, name
        assert pdf.read_bytes().startswith(b"%PDF")


def test_csv_of_every_sheet(workbooks, converted):
    for name in workbooks:
        for sheet in GENERATED_SHEETS:
            assert (converted / f"{name}-{sheet}.csv").exists(), (name, sheet)


def _summary_win_rate(csv_path: Path) -> float:
    with csv_path.open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            cells = [c.strip() for c in row if c.strip()]
            if cells[:1] == ["Win rate"]:  # tblSummary's Metric column
                value = cells[1]
                assert value.endswith("%"), value  # formatted as a percentage
                return float(value.rstrip("%")) / 100
    raise AssertionError(f"no Win rate row in {csv_path}")


def test_summary_csv_shows_engine_win_rate(workbooks, converted):
    for name, (_, rate) in workbooks.items():
        shown = _summary_win_rate(converted / f"{name}-Summary.csv")
        assert shown == pytest.approx(rate, abs=1e-9), name


def test_single_sheet_csv_filter(workbooks, libreoffice, tmp_path):
    """The per-sheet form of the filter (sheet 1 = Summary) gives the same number."""
    path, rate = workbooks["demo"]
    libreoffice.convert([path], CSV_FILTER.format(sheet=1), tmp_path)
    csvs = list(tmp_path.glob("*.csv"))
    assert len(csvs) == 1
    assert _summary_win_rate(csvs[0]) == pytest.approx(rate, abs=1e-9)


def test_empty_persona_tables_show_their_note(converted):
    text = (converted / "nopersonas-Personas.csv").read_text(encoding="utf-8")
    assert "Persona" in text and "No contacts" in text


def test_template_opens(libreoffice, tmp_path):
    from winloss_xl.report.template import template_bytes

    tpl = tmp_path / "WinLoss.xlsx"
    tpl.write_bytes(template_bytes())
    libreoffice.convert([tpl], CSV_FILTER.format(sheet=2), tmp_path / "out")
    deals = next((tmp_path / "out").glob("*.csv")).read_text(encoding="utf-8")
    assert deals.startswith("Deal ID,Stage,Amount")


# ----------------------------------------------------------------- print and charts (#14)

def _median_word_heights(pdf: Path) -> list[float]:
    """Median height (points) of the words' boxes on each page, from ``pdftotext -bbox``."""
    import re
    import shutil
    import statistics
    import subprocess

    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    html = subprocess.run([exe, "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    out = []
    for page in html.split("<page ")[1:]:
        heights = [float(b) - float(a) for a, b in
                   re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)]
        out.append(statistics.median(heights) if heights else 0.0)  # 0: a blank page
    return out


def test_printed_text_at_least_7pt(workbooks, converted):
    for name in ("demo", "maven"):
        heights = _median_word_heights(converted / f"{name}.pdf")
        assert heights, name
        small = [(i + 1, round(h, 1)) for i, h in enumerate(heights) if 0 < h < 7.0]
        assert not small, (name, small)


def test_no_printed_page_is_blank(workbooks, converted):
    # side-by-side blocks of different heights once printed a blank page beside the actions
    for name in ("demo", "maven"):
        heights = _median_word_heights(converted / f"{name}.pdf")
        blank = [i + 1 for i, h in enumerate(heights) if h == 0.0]
        assert heights and not blank, (name, blank)


def test_long_tables_have_print_titles(workbooks):
    from openpyxl import load_workbook

    from winloss_xl.report.placement import page_rows

    for name, (path, _) in workbooks.items():
        wb = load_workbook(path)
        for ws in wb.worksheets:
            for table in ws.tables.values():
                first, last = ws[table.ref][0][0].row, ws[table.ref][-1][0].row
                if last - first > page_rows():
                    titles = ws.print_title_rows or ""
                    assert titles, (name, ws.title, table.name)
                    top, bottom = (int(x) for x in titles.replace("$", "").split(":"))
                    assert top <= first <= bottom, (name, ws.title, table.name, titles)


def _chart_value_refs(path: Path) -> list[str]:
    import re
    import zipfile

    refs = []
    with zipfile.ZipFile(path) as z:
        for part in z.namelist():
            if part.startswith("xl/charts/chart") and part.endswith(".xml"):
                xml = z.read(part).decode()
                for val in re.findall(r"<(?:c:)?val>(.*?)</(?:c:)?val>", xml, re.S):
                    refs += re.findall(r"<(?:c:)?f>([^<]+)</(?:c:)?f>", val)
    return refs


def test_every_chart_has_a_non_zero_value(workbooks):
    """Reads each chart's value references from the chart XML and the cells they point to."""
    from openpyxl import load_workbook

    for name, (path, _) in workbooks.items():
        wb = load_workbook(path)
        refs = _chart_value_refs(path)
        assert name == "ibm" or refs, name  # the demo, Maven and no-contacts reports have charts
        by_chart: list[list[float]] = []
        for ref in refs:
            sheet, cells = ref.rsplit("!", 1)
            ws = wb[sheet.strip("'")]
            values = [c.value for row in ws[cells.replace("$", "")] for c in row]
            by_chart.append([v for v in values if isinstance(v, (int, float))])
        assert all(any(v != 0 for v in vals) for vals in by_chart), (name, refs)


#: The CSV filter with "save cell contents as shown" on (the ninth token).
CSV_AS_SHOWN = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,{sheet}'


def test_tiny_q_values_print_as_below_the_floor(workbooks, libreoffice, tmp_path):
    """As LibreOffice shows them: "< 0.0001", never 0.0000 and never an exponent."""
    import re

    path, _ = workbooks["demo"]
    libreoffice.convert([path], CSV_AS_SHOWN.format(sheet=GENERATED_SHEETS.index("Patterns") + 1),
                        tmp_path)
    text = next(tmp_path.glob("*.csv")).read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    header = next(r for r in rows if "q-value" in r)
    q = header.index("q-value")
    shown = [r[q].strip() for r in rows[rows.index(header) + 1:] if len(r) > q and r[q].strip()]
    assert "< 0.0001" in shown
    assert not [v for v in shown if v.strip() in ("0", "0.0000") or re.search(r"\dE-?\d", v, re.I)]
