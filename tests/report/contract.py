"""The report contract of ../shared/DESIGN.md, as data the tests check against."""

from __future__ import annotations

SHEETS = ("Summary", "Changes", "Patterns", "Drivers", "Loss Reasons", "Personas", "Recommendations",
          "Data Quality")

#: table -> first columns, in order (more may follow)
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "tblActions": ("Priority", "Action", "Evidence", "Area"),
    "tblSummary": ("Metric", "Value"),
    "tblPatterns": ("Dimension", "Segment", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high",
                    "Lift", "p-value", "q-value", "Verdict"),
    "tblOwners": ("Owner", "Deals", "Won", "Win rate", "Expected win rate", "Difference", "q-value"),
    "tblDrivers": ("Segment", "Deals", "Won", "Win rate", "CI low", "CI high", "Lift", "q-value"),
    "tblTrend": ("Period", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high"),
    "tblLossReasons": ("Loss reason", "Lost deals", "Share of losses", "Lost amount",
                       "Share of lost amount"),
    "tblCompetitors": ("Competitor", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high", "q-value"),
    "tblPersonas": ("Persona", "Seniority", "Function", "Deals with", "Won with", "Lost with",
                    "Share of wins", "Share of losses", "Win rate with", "Win rate without", "Lift",
                    "q-value", "Verdict", "Typical role"),
    "tblCommittee": ("Contacts on deal", "Deals", "Won", "Win rate", "CI low", "CI high", "q-value"),
    "tblQualification": ("Threshold", "Accuracy", "Precision", "Recall", "False positives",
                         "False negatives"),
    "tblRecommendations": ("Priority", "Area", "Recommendation", "Evidence", "Confidence"),
    "tblDataQuality": ("Check", "Count", "Detail"),
    "tblColumnMap": ("Source column", "Mapped to"),
    "tblChanges": ("Dimension", "Segment", "Baseline deals", "Baseline win rate", "Current deals",
                   "Current win rate", "Change (pts)", "CI low (pts)", "CI high (pts)", "q-value",
                   "Verdict"),
    "tblChangeDrivers": ("Dimension", "Rate effect (pts)", "Mix effect (pts)", "Total (pts)"),
    "tblChangeLossReasons": ("Loss reason", "Baseline share", "Current share", "Change (pts)",
                             "q-value"),
    "tblFollowUp": ("Recommendation", "Segment", "Baseline share of deals", "Current share of deals",
                    "Baseline win rate", "Current win rate", "Outcome"),
}

SUMMARY_METRICS = ("Closed deals", "Won", "Lost", "Open deals excluded", "Win rate", "Win rate CI low",
                   "Win rate CI high", "Win rate excl. no decision", "Value win rate",
                   "Avg won amount", "Avg lost amount", "Median cycle won (days)",
                   "Median cycle lost (days)")


def check_workbook(path) -> dict[str, str]:
    """Assert sheets, tables and headers of a report file; returns table -> sheet."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    names = [n for n in wb.sheetnames if n in SHEETS]
    assert names == list(SHEETS), wb.sheetnames
    where: dict[str, str] = {}
    for ws in wb.worksheets:
        for name, ref in ws.tables.items():
            assert name not in where, f"table {name} twice"
            where[name] = ws.title
            header = [c.value for c in ws[ref][0]]
            if name in TABLE_COLUMNS:
                first = TABLE_COLUMNS[name]
                assert tuple(header[:len(first)]) == first, (name, header)
    missing = set(TABLE_COLUMNS) - set(where)
    assert not missing, missing
    return where
