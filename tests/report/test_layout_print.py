"""Issue 14: widths of their own, wrapped headers, freeze and print setup, no empty or
misleading charts (layout level; the printed pages are measured in tests/e2e)."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from winloss_xl import analyze, load_deals
from winloss_xl.report.build import build_report
from winloss_xl.report.model import Chart, Note
from winloss_xl.report.placement import MIN_SCALE, PAGE_WIDTH_PT, column_points, fights
from winloss_xl.report.theme import EXCEL_FORMATS
from winloss_xl.report.xlsx import write_report


@pytest.fixture(scope="module")
def reports(maven_dir):
    from winloss_xl.report.run import _demo_dealset

    sets = {"demo": _demo_dealset(),
            "maven": load_deals(str(maven_dir / "sales_pipeline.csv"),
                                accounts=str(maven_dir / "accounts.csv"))}
    return {name: build_report(analyze(ds)) for name, ds in sets.items()}


def test_tables_sharing_columns_do_not_fight_over_widths(reports):
    for name, report in reports.items():
        for sheet in report.sheets:
            tables = sheet.tables()
            for i, a in enumerate(tables):
                for b in tables[i + 1:]:
                    shared = sorted(set(a.column_widths()) & set(b.column_widths()))
                    if not shared:
                        continue
                    wa = [a.column_widths()[c] for c in shared]
                    wb = [b.column_widths()[c] for c in shared]
                    assert not fights(wa, wb), (name, sheet.name, a.name, b.name)


def test_headers_wrap_instead_of_colliding(reports):
    for report in reports.values():
        for sheet in report.sheets:
            widths = sheet.effective_column_widths()
            for t in sheet.tables():
                for j, header in enumerate(t.column_names()):
                    longest_word = max(len(w) for w in header.split())
                    assert widths[t.col + j] >= longest_word + 1, (sheet.name, t.name, header)
                    if len(header) > widths[t.col + j]:
                        assert t.header_height(widths) > 15, (sheet.name, t.name, header)


def test_freeze_only_where_every_header_is_on_the_frozen_row(reports):
    for report in reports.values():
        for sheet in report.sheets:
            if sheet.freeze_row:
                assert all(t.row == sheet.freeze_row - 1 for t in sheet.tables()), sheet.name
                assert not any(isinstance(b, Chart) and b.row < sheet.freeze_row
                               for b in sheet.blocks), sheet.name
        assert report.sheet("Drivers").freeze_row  # one main table: frozen


def test_print_scale_keeps_text_legible(reports):
    for report in reports.values():
        for sheet in report.sheets:
            p = sheet.printing
            assert MIN_SCALE <= p.scale <= 100, sheet.name
            if p.fit_width:  # the whole visible width fits at that scale
                widths = sheet.effective_column_widths()
                hidden = {c for t in sheet.tables() for c in t.collapsed_columns()}
                last = max(widths)
                total = sum(column_points(widths.get(c, 8.43)) for c in range(1, last + 1)
                            if c not in hidden)
                assert total * MIN_SCALE / 100 <= PAGE_WIDTH_PT, sheet.name


def test_wide_tables_fold_detail_columns_never_contract_ones(reports):
    from winloss_xl.report.tables import TABLES

    for report in reports.values():
        for sheet in report.sheets:
            for t in sheet.tables():
                decl = TABLES.get(t.name)
                if decl is not None:
                    assert not set(t.collapsed) & set(decl.first_columns), t.name


def test_print_titles_written(tmp_path, reports):
    path = write_report(reports["demo"], tmp_path / "demo.xlsx")
    ws = load_workbook(path)["Patterns"]
    header = ws[ws.tables["tblPatterns"].ref][0][0].row
    assert ws.print_title_rows.replace("$", "") == f"{header}:{header}"
    assert ws.page_setup.orientation == "landscape"


def _with(analysis, **tables):
    analysis.tables.update(tables)
    return analysis


def test_no_chart_over_zero_values(analysis):
    losses = analysis.tables["tblLossReasons"].assign(**{"Share of lost amount": 0.0})
    report = build_report(_with(analysis, tblLossReasons=losses))
    sheet = report.sheet("Loss Reasons")
    assert not [b for b in sheet.blocks if isinstance(b, Chart) and b.source == "tblLossReasons"]
    assert any(isinstance(b, Note) and b.text.startswith("No chart") for b in sheet.blocks)


def test_open_quarter_left_out_of_the_trend_line(analysis):
    trend = analysis.tables["tblTrend"].assign(Complete=["Yes", "Yes", "Yes", "Yes", "No"])
    report = build_report(_with(analysis, tblTrend=trend))
    sheet = report.sheet("Summary")
    chart = next(b for b in sheet.blocks if isinstance(b, Chart) and b.source == "tblTrend")
    assert chart.first + chart.count == 4  # the open quarter is not on the line
    notes = [b.text for b in sheet.blocks if isinstance(b, Note)]
    assert any("left out of the line" in n and "2025-Q1" in n for n in notes)


def test_amounts_carry_the_exports_currency(tmp_path):
    df = pd.DataFrame({"Stage": ["Closed Won", "Closed Lost"] * 20, "Amount": [1000.0, 2000.0] * 20,
                       "Currency": ["EUR"] * 40, "Industry": ["A", "B"] * 20})
    src = tmp_path / "deals.csv"
    df.to_csv(src, index=False)
    ds = load_deals(str(src))
    assert ds.currency == "EUR"
    path = write_report(build_report(analyze(ds)), tmp_path / "r.xlsx")
    ws = load_workbook(path)["Summary"]
    rows = {r[0].value: r[1] for r in ws[ws.tables["tblSummary"].ref][1:]}
    assert "€" in rows["Avg won amount"].number_format
    df.drop(columns="Currency").to_csv(src, index=False)
    path = write_report(build_report(analyze(load_deals(str(src)))), tmp_path / "n.xlsx")
    ws = load_workbook(path)["Summary"]
    rows = {r[0].value: r[1] for r in ws[ws.tables["tblSummary"].ref][1:]}
    assert rows["Avg won amount"].number_format == EXCEL_FORMATS["currency"]  # no symbol
