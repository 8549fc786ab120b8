"""One declaration per report table: its name, sheet, caption and DESIGN.md first columns.

The layout reads these to place a table, title it and keep its contract columns first (in
this order; the other columns follow by the one column-order convention of
``layout.column_rank``). Formats come from the column names (``layout.column_format``), one
rule for every table. A new table (a new sheet's, say) needs one entry here; every table the
engine makes has one (tests/report/test_tables.py checks it), and a table without one would be
listed on Data Quality rather than lost.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableDecl:
    """How one table is shown: where, under which caption, which columns lead."""

    name: str
    sheet: str
    caption: str
    #: DESIGN.md's first columns, in order (a contract: never renamed or reordered)
    first_columns: tuple[str, ...] = ()


def _d(name: str, sheet: str, caption: str, *first: str) -> TableDecl:
    return TableDecl(name, sheet, caption, tuple(first))


DECLARATIONS: tuple[TableDecl, ...] = (
    _d("tblActions", "Summary", "What to do next", "Priority", "Action", "Evidence", "Area"),
    _d("tblTrend", "Summary", "Quarter by quarter",
       "Period", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high"),
    _d("tblTrendCohort", "Summary", "By the quarter the deals were created (cohorts)",
       "Period", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high"),
    _d("tblSummary", "Summary", "Headline figures", "Metric", "Value"),
    _d("tblChangeDrivers", "Changes", "Why the win rate moved: rate and mix effects by dimension "
       "(points)", "Dimension", "Rate effect (pts)", "Mix effect (pts)", "Total (pts)"),
    _d("tblFollowUp", "Changes", "Last period's recommendations: were they acted on, and did "
       "they work?", "Recommendation", "Segment", "Baseline share of deals",
       "Current share of deals", "Baseline win rate", "Current win rate", "Outcome"),
    _d("tblChangeLossReasons", "Changes", "Loss reasons: share of lost deals in each period",
       "Loss reason", "Baseline share", "Current share", "Change (pts)", "q-value"),
    _d("tblChanges", "Changes", "Every segment: win rate in each period and the change",
       "Dimension", "Segment", "Baseline deals", "Baseline win rate", "Current deals",
       "Current win rate", "Change (pts)", "CI low (pts)", "CI high (pts)", "q-value", "Verdict"),
    _d("tblPatterns", "Patterns", "Win rate by segment, every dimension",
       "Dimension", "Segment", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high", "Lift",
       "p-value", "q-value", "Verdict"),
    _d("tblOwners", "Patterns", "Owners: actual win rate against the rate their deal mix predicts",
       "Owner", "Deals", "Won", "Win rate", "Expected win rate", "Difference", "q-value"),
    _d("tblDrivers", "Drivers", "Key drivers: the segments that move the win rate most",
       "Segment", "Deals", "Won", "Win rate", "CI low", "CI high", "Lift", "q-value"),
    _d("tblLossReasons", "Loss Reasons", "Loss reasons (a deal may give several)",
       "Loss reason", "Lost deals", "Share of losses", "Lost amount", "Share of lost amount"),
    _d("tblCompetitors", "Loss Reasons", "Competitors: our win rate when they are in the deal",
       "Competitor", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high", "q-value"),
    _d("tblLossReasonsRaw", "Loss Reasons", "Loss reasons as exported"),
    _d("tblLossStages", "Loss Reasons", "Stage at which lost deals died"),
    _d("tblPersonas", "Personas", "Buyer personas: win rate with and without them "
       "(lift = with / without)",
       "Persona", "Seniority", "Function", "Deals with", "Won with", "Lost with", "Share of wins",
       "Share of losses", "Win rate with", "Win rate without", "Lift", "q-value", "Verdict",
       "Typical role"),
    _d("tblBuyingGroups", "Personas", "Buying groups: anyone of a function on the deal "
       "(lift = with / without)",
       "Function", "Deals with", "Won with", "Win rate with", "Win rate without", "Lift",
       "q-value", "Verdict"),
    _d("tblCommittee", "Personas", "Buying committee size",
       "Contacts on deal", "Deals", "Won", "Win rate", "CI low", "CI high", "q-value"),
    _d("tblCommitteeSeniority", "Personas", "Seniority mix of the buying committee"),
    _d("tblDecisionMakers", "Personas", "Decision makers: who signs the deals we win"),
    _d("tblRecommendations", "Recommendations", "Recommendations, each with its evidence",
       "Priority", "Area", "Recommendation", "Evidence", "Confidence"),
    _d("tblQualification", "Recommendations", "Qualification score thresholds",
       "Threshold", "Accuracy", "Precision", "Recall", "False positives", "False negatives"),
    _d("tblDataQuality", "Data Quality", "What ingestion checked, fixed and left out",
       "Check", "Count", "Detail"),
    _d("tblColumnMap", "Data Quality", "How each source column was used",
       "Source column", "Mapped to", "Role", "How matched"),
    _d("tblGlossary", "Data Quality", "Glossary: the terms the report uses", "Term", "Meaning"),
)

TABLES: dict[str, TableDecl] = {d.name: d for d in DECLARATIONS}


def declaration(name: str) -> TableDecl | None:
    """The declaration of table ``name``, None for a table without one."""
    return TABLES.get(name)
