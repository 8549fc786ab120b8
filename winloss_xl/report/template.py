"""The report template workbook: input sheets to paste deals into, plus the report's styles.

``build_template()`` makes it with code, deterministically; the package ships a
generated copy (``winloss_xl/templates/WinLoss.xlsx``, also ``templates/WinLoss.xlsx``
at the repository root) and a test checks the copy equals a fresh build.
Regenerate both with::

    python -m winloss_xl.report.template

Sheets: ``How to use`` (instructions), ``Deals`` (Excel Table ``tblDeals`` with
example headers), ``Contacts``, ``Accounts``, ``Config`` (key/value settings
read by ``Config.from_pairs``) and a ``Summary`` placeholder marked as
generated, which shows every named style of the report. Restyle those named
styles (Home > Cell Styles > "WinLoss ...", right-click > Modify) and
``winloss-xl analyze --template`` keeps the look.
"""

from __future__ import annotations

import zipfile
from importlib import resources
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from .base import check_sheet_names, is_dde_formula, sanitize_base  # noqa: F401 - re-exported
from .output import atomic_write_bytes
from .xlsx import (
    EXCEL_FORMATS,
    FIXED_TIME,
    NAVY,
    ensure_styles,
    mark_generated,
    put,
    workbook_bytes,
)

TEMPLATE_NAME = "WinLoss.xlsx"

DEALS_HEADERS: tuple[tuple[str, str, float], ...] = (  # header, named format, width
    ("Deal ID", "text", 12), ("Stage", "text", 14), ("Amount", "currency", 12),
    ("Close Date", "date", 12), ("Created Date", "date", 12), ("Industry", "text", 16),
    ("Annual Revenue", "currency", 15), ("Employees", "integer", 11), ("Region", "text", 14),
    ("Lead Source", "text", 14), ("Type", "text", 14), ("Product", "text", 14),
    ("Owner", "text", 16), ("Competitor", "text", 14), ("Loss Reason", "text", 22),
    ("Qualification Score", "number", 13), ("Account Name", "text", 20),
)
CONTACTS_HEADERS = (("Deal ID", 12), ("Title", 28), ("Role", 18), ("Department", 16), ("Seniority", 14))
ACCOUNTS_HEADERS = (("Account Name", 22), ("Industry", 16), ("Annual Revenue", 15), ("Employees", 11),
                    ("Region", 14))
#: (setting, value, meaning). Keys starting with "#" are skipped by Config.from_pairs.
CONFIG_ROWS: tuple[tuple[str, object, str], ...] = (
    ("min_deals", 5, "Smallest segment that is tested (at least 3)."),
    ("fdr", 0.10, "q-value at or below which a finding counts as significant."),
    ("confidence", 0.95, "Confidence level of the intervals."),
    ("lead_rate", "all", "'all' counts no-decision closes as losses; 'excl_no_decision' leaves them out."),
    ("fiscal_year_start_month", 1, "First month of the fiscal year (quarters in the trend)."),
    ("trend_by", "close", "'close' (quarter of close date) or 'created' (cohorts)."),
    ("column:outcome", None, "Header of the outcome column when it is not recognised, e.g. Deal Phase."),
    ("column:amount", None, "Header of the deal value column when it is not recognised."),
    ("competitor:MSFT", None, "Competitor alias: the value on the right replaces MSFT."),
)

INSTRUCTIONS = (
    ("How to use this workbook", "WinLoss Title"),
    ("1.  Paste your CRM export into the Deals sheet (keep or replace the header row; "
     "common Salesforce, HubSpot, Pipedrive and Dynamics headers are recognised).", "WinLoss Finding"),
    ("2.  Optional: contact roles into Contacts, firmographics into Accounts, settings into Config.",
     "WinLoss Finding"),
    ("3.  Click Win/Loss > Analyze in Excel, or run:  winloss-xl analyze WinLoss.xlsx -o report.xlsx",
     "WinLoss Finding"),
    ("The report sheets (Summary, Patterns, Drivers, Loss Reasons, Personas, Recommendations, "
     "Data Quality) are replaced on every run; Deals, Contacts, Accounts and Config are never changed.",
     "WinLoss Note"),
    ("To restyle the report: Home > Cell Styles, right-click a \"WinLoss ...\" style > Modify "
     "(the Summary sheet shows each one). Then run with --template this file.", "WinLoss Note"),
    ("Names, emails and free-text columns are never analysed or printed in the report.", "WinLoss Note"),
)


def _header_row(ws: Worksheet, headers: list[tuple[str, float]]) -> None:
    for j, (h, width) in enumerate(headers, 1):
        cell = ws.cell(1, j)
        put(cell, h)
        cell.style = "WinLoss Header"
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"


def _table(ws: Worksheet, name: str, ncols: int, nrows: int = 1) -> None:
    ref = f"A1:{ws.cell(1 + nrows, ncols).coordinate}"
    t = Table(displayName=name, ref=ref)
    t.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(t)


def build_template() -> Workbook:
    """The template workbook, built from scratch (same code, same bytes)."""
    wb = Workbook()
    ensure_styles(wb)
    how = wb.active
    how.title = "How to use"
    how.sheet_view.showGridLines = False
    how.column_dimensions["A"].width = 2
    how.column_dimensions["B"].width = 120
    for i, (text, style) in enumerate(INSTRUCTIONS, 2):
        cell = how.cell(i, 2)
        put(cell, text)
        cell.style = style
        how.row_dimensions[i].height = 30 if i == 2 else 20

    deals = wb.create_sheet("Deals")
    _header_row(deals, [(h, w) for h, _, w in DEALS_HEADERS])
    for j, (_, fmt, _) in enumerate(DEALS_HEADERS, 1):
        deals.cell(2, j).number_format = EXCEL_FORMATS[fmt]
    _table(deals, "tblDeals", len(DEALS_HEADERS))

    contacts = wb.create_sheet("Contacts")
    _header_row(contacts, list(CONTACTS_HEADERS))
    _table(contacts, "tblContacts", len(CONTACTS_HEADERS))

    accounts = wb.create_sheet("Accounts")
    _header_row(accounts, list(ACCOUNTS_HEADERS))
    _table(accounts, "tblAccounts", len(ACCOUNTS_HEADERS))

    config = wb.create_sheet("Config")
    _header_row(config, [("# Setting", 26), ("Value", 16), ("# Meaning", 90)])
    for i, (key, value, meaning) in enumerate(CONFIG_ROWS, 2):
        put(config.cell(i, 1), key)
        put(config.cell(i, 2), value)
        put(config.cell(i, 3), meaning)
        config.cell(i, 3).font = Font(italic=True, color="595959")
    _table(config, "tblConfig", 3, len(CONFIG_ROWS))

    summary = wb.create_sheet("Summary")
    _style_preview(summary)
    mark_generated(summary)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == "How to use"
    wb.active = 0
    props = wb.properties
    props.creator = props.lastModifiedBy = "winloss-xl"
    props.title = "Win/Loss workbook"
    props.created = props.modified = FIXED_TIME
    return wb


def _style_preview(ws: Worksheet) -> None:
    """The Summary placeholder: one sample cell per named style, replaced by the first run."""
    ws.sheet_view.showGridLines = False
    ws.column_dimensions["A"].width = 2
    for col in "BCDEFGHIJK":
        ws.column_dimensions[col].width = 17
    samples = [
        (2, "WinLoss Title", "Win/Loss report"),
        (3, "WinLoss Subtitle", "This sheet is replaced by the report. Restyle the \"WinLoss\" cell "
            "styles to change how every report looks."),
        (5, "WinLoss KPI label", "WIN RATE"),
        (6, "WinLoss KPI value", 0.313),
        (7, "WinLoss KPI caption", "95% interval 26% to 37%"),
        (9, "WinLoss Heading", "Key findings"),
        (10, "WinLoss Finding", "1.  A finding in a plain sentence."),
        (11, "WinLoss Note", "How to read this: a short note in small italics."),
        (12, "WinLoss Warning", "A warning."),
        (14, "WinLoss Caption", "Table caption"),
        (15, "WinLoss Header", "Table header"),
        (16, "WinLoss Cell", "Table cell"),
    ]
    for row, style, value in samples:
        cell = ws.cell(row, 2)
        put(cell, value)
        cell.style = style
        if style == "WinLoss KPI value":
            cell.number_format = EXCEL_FORMATS["percent"]
    ws.row_dimensions[2].height = 30
    ws.row_dimensions[6].height = 36
    note = ws.cell(18, 2)
    put(note, "Run Win/Loss > Analyze (or winloss-xl analyze) to fill the report.")
    note.font = Font(italic=True, color=NAVY)
    note.fill = PatternFill(fill_type=None)
    note.alignment = Alignment(wrap_text=False)


# ------------------------------------------------------- a user's template, read back

#: Package parts that reach outside the workbook; openpyxl does not write them back.
_OUTSIDE_PARTS = (("xl/externalLinks/", "External links"), ("xl/connections.xml", "Data connections"),
                  ("xl/queryTables/", "Data connections"), ("customXml/", "Custom XML data"))


def template_quality(path: Path) -> list[tuple[str, int, str]]:
    """Data Quality rows for what a template carried that the report leaves out.

    Reads the template through the same guarded path as the writer (so a bad
    template stops here, before the analysis) and says what was dropped.
    """
    from .output import open_base

    wb = open_base(Path(path), "template")
    dropped = sanitize_base(wb)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    for prefix, kind in _OUTSIDE_PARTS:
        dropped[kind] = dropped.get(kind, 0) + sum(1 for n in names if n.startswith(prefix))
    return [(f"Template: {kind} dropped", n, "left out of the report: they reach outside the "
             "workbook (another program, another file or a data source)")
            for kind, n in dropped.items() if n]


def template_bytes() -> bytes:
    """The shipped template's bytes (falls back to a fresh build when not installed)."""
    try:
        return resources.files("winloss_xl").joinpath("templates", TEMPLATE_NAME).read_bytes()
    except (FileNotFoundError, OSError, ModuleNotFoundError):
        return workbook_bytes(build_template())


def fresh_template_bytes() -> bytes:
    """A fresh build's bytes (what the shipped copy must equal)."""
    return workbook_bytes(build_template())


def regenerate(repo_root: Path | None = None) -> list[Path]:
    """Rewrite the package copy and the repository's templates/ copy from a fresh build."""
    root = repo_root or Path(__file__).resolve().parents[2]
    data = fresh_template_bytes()
    targets = [root / "winloss_xl" / "templates" / TEMPLATE_NAME, root / "templates" / TEMPLATE_NAME]
    for t in targets:
        t.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(t, data)
    return targets


if __name__ == "__main__":  # pragma: no cover
    for p in regenerate():
        print(p)
