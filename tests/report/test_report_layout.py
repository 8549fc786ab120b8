"""report.layout: contract sheets and tables, formats, notes, charts; pure data."""

from __future__ import annotations

import ast
from pathlib import Path

from contract import SHEETS, TABLE_COLUMNS

from winloss_xl.engine.analysis import CONTRACT_TABLES
from winloss_xl.report import layout
from winloss_xl.report.build import build_report
from winloss_xl.report.layout import column_format, metric_format
from winloss_xl.report.model import Chart, Kpis, Note, Table, Title


def test_sheets_in_contract_order(analysis):
    report = build_report(analysis)
    assert tuple(s.name for s in report.sheets) == SHEETS


def test_every_contract_table_once(analysis):
    report = build_report(analysis)
    names = [t.name for s in report.sheets for t in s.tables()]
    assert sorted(names) == sorted(set(names))
    assert set(CONTRACT_TABLES) <= set(names)
    assert set(TABLE_COLUMNS) == set(CONTRACT_TABLES)
    placement = {t.name: s.name for s in report.sheets for t in s.tables()}
    assert placement["tblSummary"] == "Summary"
    assert placement["tblPatterns"] == placement["tblOwners"] == "Patterns"
    assert placement["tblDrivers"] == "Drivers"
    assert placement["tblLossReasons"] == placement["tblCompetitors"] == "Loss Reasons"
    assert placement["tblPersonas"] == placement["tblCommittee"] == "Personas"
    assert placement["tblQualification"] == placement["tblRecommendations"] == "Recommendations"
    assert placement["tblDataQuality"] == placement["tblColumnMap"] == "Data Quality"
    assert {placement[n] for n in ("tblChanges", "tblChangeDrivers", "tblChangeLossReasons",
                                   "tblFollowUp")} == {"Changes"}


def test_extra_tables_placed(analysis):
    analysis.tables["tblLossStages"] = analysis.tables["tblLossReasons"].head(2)
    analysis.tables["tblDecisionMakers"] = analysis.tables["tblCommittee"].head(1)
    report = build_report(analysis)
    assert report.table("tblLossStages") in report.sheet("Loss Reasons").tables()
    assert report.table("tblDecisionMakers") in report.sheet("Personas").tables()


def test_formats_by_column(analysis):
    report = build_report(analysis)
    p = report.table("tblPatterns")
    assert p.formats["Win rate"] == "percent" and p.formats["CI low"] == "percent"
    assert p.formats["Deals"] == "integer" and p.formats["Lift"] == "lift"
    assert p.formats["q-value"] == "pvalue" and p.formats["Segment"] == "text"
    assert report.table("tblLossReasons").formats["Lost amount"] == "currency"
    s = report.table("tblSummary")
    fmts = {s.frame["Metric"][i]: f for (i, _), f in s.cell_formats.items()}
    assert fmts["Win rate"] == "percent" and fmts["Closed deals"] == "integer"
    assert fmts["Avg won amount"] == "currency" and fmts["Median cycle won (days)"] == "days"
    assert column_format("Share of wins") == "percent"
    assert metric_format("Value win rate") == "percent"


def test_summary_has_kpis_findings_trend_and_reading_note(analysis):
    summary = build_report(analysis).sheet("Summary")
    kinds = [type(b) for b in summary.blocks]
    assert Title in kinds and Kpis in kinds
    kpis = next(b for b in summary.blocks if isinstance(b, Kpis))
    assert kpis.tiles[0].label == "Win rate" and kpis.tiles[0].value == analysis.summary_value("Win rate")
    texts = [b.text for b in summary.blocks if isinstance(b, Note)]
    for key in ("headline_1", "headline_2", "headline_3", "trend"):
        assert any(analysis.sentences[key] in t for t in texts)
    assert any("q-value" in t and "interval" in t.lower() for t in texts)


def test_every_sheet_explains_q_value_or_counts(analysis):
    for sheet in build_report(analysis).sheets:
        notes = [b.text for b in sheet.blocks if isinstance(b, Note) and b.style == "note"]
        assert notes, sheet.name
        assert notes[0].startswith("How to read this")


def test_charts_reference_tables_on_their_sheet(analysis):
    report = build_report(analysis)
    charts = {c.title: (s, c) for s in report.sheets for c in s.blocks if isinstance(c, Chart)}
    assert any("quarter" in t for t in charts)
    assert any("lost amount" in t for t in charts)
    assert any("personas" in t.lower() for t in charts)
    for sheet, chart in charts.values():
        table = next(t for t in sheet.tables() if t.name == chart.source)
        assert chart.categories in table.frame.columns
        assert chart.first + (chart.count or 0) <= len(table.frame)
    dim = next(c for s, c in charts.values() if c.source == "tblPatterns")
    assert dim.error_low == "CI low" and dim.error_high == "CI high"
    rows = report.table("tblPatterns").frame.iloc[dim.first:dim.first + dim.count]
    assert set(rows["Dimension"]) == {"Industry"}


def test_empty_tables_exist_with_note(empty_persona_analysis):
    report = build_report(empty_persona_analysis)
    t = report.table("tblPersonas")
    assert t.frame.empty and "No contacts" in t.empty_note
    assert not [c for c in report.sheet("Personas").blocks if isinstance(c, Chart)]


def test_blocks_do_not_overlap(analysis):
    """No two tables or notes share a cell (a table's rectangle includes its caption row)."""
    for sheet in build_report(analysis).sheets:
        cells: dict[tuple[int, int], str] = {}
        for b in sheet.blocks:
            if isinstance(b, Table):
                rows, cols = range(b.row - 1, b.last_row + 1), range(b.col, b.last_col + 1)
            elif isinstance(b, Note):
                rows, cols = range(b.row, b.row + 1), range(b.col, b.col + b.width)
            else:
                continue
            for r in rows:
                for c in cols:
                    assert (r, c) not in cells, (sheet.name, r, c, cells.get((r, c)), b)
                    cells[(r, c)] = getattr(b, "name", "note")


def test_layout_imports_no_writer():
    tree = ast.parse(Path(layout.__file__).read_text())
    mods = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    mods |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m.startswith(("openpyxl", "xlwings")) for m in mods)


def test_an_analysis_with_nothing_in_it_still_gives_every_table(tmp_path):
    import pandas as pd
    from contract import TABLE_COLUMNS, check_workbook

    from winloss_xl.engine.analysis import Analysis
    from winloss_xl.report.xlsx import write_report

    empty = Analysis(tables={n: pd.DataFrame(columns=list(c)) for n, c in TABLE_COLUMNS.items()})
    report = build_report(empty)
    assert all(t.frame.empty and t.empty_note for s in report.sheets for t in s.tables()
               if t.name != "tblGlossary")
    assert not [b for s in report.sheets for b in s.blocks if isinstance(b, Chart)]
    check_workbook(write_report(report, tmp_path / "empty.xlsx"))


def test_the_patterns_chart_is_never_of_a_process_measure():
    import pandas as pd

    from winloss_xl.report.layout import strongest_dimension

    patterns = pd.DataFrame({"Dimension": ["Sales cycle", "Industry", "Industry"],
                             "Segment": ["0-8 days", "Retail", "Health"],
                             "q-value": [1e-12, 0.04, 0.5],
                             "Role": ["process measure", "attribute", "attribute"]})
    assert strongest_dimension(patterns) == "Industry"
    assert strongest_dimension(patterns.assign(Role="process measure")) == "Sales cycle"
