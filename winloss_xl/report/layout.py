"""Analysis -> Report: the neutral description both writers (openpyxl and xlwings) draw.

Pure data: no openpyxl, no xlwings. Every position is decided here, so the
headless file and the workbook the button fills look the same and hold the
same numbers.

Grid: column A is a narrow margin; content starts at column B. Each sheet
opens with a title (row 2), a subtitle (row 3) and a one-paragraph "how to read
this" note, then its tables stacked top to bottom with a caption above each.
Charts sit to the right of the sheet's first table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import replace

import pandas as pd

from ..engine.analysis import CONTRACT_TABLES, Analysis
from . import theme
from .model import Chart, Fmt, Kpi, Kpis, Note, SheetSpec, Table, Title
from .placement import SheetBuilder, collapse_to_page, print_setup
from .tables import DECLARATIONS

LEFT = 2  #: first content column (B)
NOTE_WIDTH = 10  #: columns a paragraph spans

#: One sentence each, the same on every sheet (and, for the q-value, in docs/report.md).
INTERVAL_SENTENCE = ("An interval (CI low to CI high) is the range the true win rate lies in with "
                     "95% confidence; the fewer the deals, the wider it is.")
QVALUE_SENTENCE = ("A q-value is the expected share of false discoveries among the findings at "
                   "least this strong in its family (the tests of one table, corrected together "
                   "by Benjamini-Hochberg): among findings with q of 0.10 or less, about one in "
                   "ten or fewer is expected to be a fluke. 0.10 or less counts as significant; "
                   "values below 0.0001 show as \"< 0.0001\".")
LIFT_SENTENCE = "Lift is the segment's win rate divided by the overall win rate (1.00x = average)."
#: How the sentences say the strength of the evidence (engine/findings.EVIDENCE_WORDS).
EVIDENCE_SENTENCE = ("Evidence is called very strong at q <= 0.001, strong at q <= 0.01 and "
                     "suggestive up to 0.10, one step weaker when the difference is too small to "
                     "act on (under 3 points of win rate or 10% of lift).")
GLOSSARY_POINTER = "Terms are explained in the glossary on the Data Quality sheet."

#: Every technical term the report uses, explained once (tblGlossary on Data Quality).
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Win rate", "Won deals divided by closed (won + lost) deals; open deals are left out."),
    ("Interval (CI low, CI high)", INTERVAL_SENTENCE + " It is a Wilson score interval."),
    ("Lift", LIFT_SENTENCE + " On the Personas sheet: win rate with the persona divided by the "
             "win rate without it."),
    ("p-value", "How surprising a difference this large would be if the segment won at the "
                "same rate as the rest (a Fisher exact test); small means surprising."),
    ("q-value", QVALUE_SENTENCE),
    ("Strength of evidence", EVIDENCE_SENTENCE),
    ("Verdict", "Strong fit / Poor fit: significant (q <= 0.10). Leaning strong / Leaning poor: "
                "lift at least 20% from 1.00x but not significant. In line: neither. Too few "
                "deals / Too few accounts: not tested."),
    ("pts", "Percentage points: the difference between two rates (45% against 40% is 5 pts)."),
    ("Separation of the qualification score (AUC)", "How well the score separates won from lost "
     "deals: 0.5 is chance, 1.0 is perfect; the share of won-lost pairs where the won deal has "
     "the higher score."),
    ("Paired test (McNemar)", "Compares two thresholds on the same deals: counts the deals only "
                              "one of them classifies right."),
    ("Lift within committee size", "A persona's lift compared with deals of the same number of "
                                   "contacts: near 1.00x means the committee size explains it."),
    ("Process measure", "A value that grows until the deal closes (sales cycle, activities): it "
                        "partly follows from the outcome, so it is described, never recommended."),
)


def glossary_table() -> pd.DataFrame:
    """tblGlossary: Term, Meaning."""
    return pd.DataFrame(list(GLOSSARY), columns=["Term", "Meaning"])


#: Which sheet an extra (non-contract) table goes to, and the caption above each table
#: (from the one declaration per table, report/tables.py).
EXTRA_TABLE_SHEETS: dict[str, str] = {d.name: d.sheet for d in DECLARATIONS
                                      if d.name not in CONTRACT_TABLES}
CAPTIONS: dict[str, str] = {d.name: d.caption for d in DECLARATIONS}

#: Columns formatted as percentages (rates are fractions in the tables).
PERCENT_COLUMNS = frozenset({
    "Win rate", "CI low", "CI high", "Share of losses", "Share of lost amount", "Share of wins",
    "Win rate with", "Win rate without", "Expected win rate", "Accuracy", "Precision",
    "Recall", "Value win rate", "Win rate excl. no decision",
    "Baseline share", "Current share", "Baseline share of deals", "Current share of deals",
})
INTEGER_COLUMNS = frozenset({
    "Deals", "Won", "Lost", "Lost deals", "Deals with", "Won with", "Lost with", "False positives",
    "False negatives", "Count", "Priority", "Open deals", "Contacts", "True positives",
    "True negatives", "Deals passing", "Accounts",
})
#: Fixed widths (characters) of long-text columns; the writer sizes the others from content.
TEXT_WIDTHS: dict[str, float] = {
    "Recommendation": 40, "Evidence": 40, "Detail": 50, "Loss reason": 24, "Segment": 22,
    "Typical role": 16, "Mapped to": 30, "Source column": 24, "Check": 30, "Area": 18,
    "Seniority": 13, "Function": 14, "Role": 12, "Dimension": 15, "Persona": 18,
    "Meaning": 80, "Term": 26, "Action": 40,
}
WRAP_COLUMNS = ("Recommendation", "Evidence", "Detail", "Meaning", "Action", "Term")


#: Columns holding a difference of two rates as a fraction: shown in points ("+4.0 pts").
POINT_FRACTION_COLUMNS = frozenset({"Difference"})
#: Display names of tblSummary metrics whose engine label is a technical term.
METRIC_LABELS = {"Qualification AUC": "How well the score separates won from lost (0.5 = chance)"}


def column_rank(name: str, fmt: Fmt) -> int:
    """Where a column goes by the one convention: counts, amounts and days, rates, interval,
    lift, p, q, verdict, then other text."""
    low = name.lower()
    if low == "role":
        return 0  # says how to read the row (a process measure is labelled so)
    if low in ("verdict", "assessment"):
        return 7
    if fmt == "pvalue":
        return 6 if low.startswith("q") else 5
    if fmt == "lift":
        return 4
    if low.startswith("ci "):
        return 3
    if fmt in ("percent", "points"):
        return 2
    if fmt in ("integer", "number", "days") or fmt.startswith("currency"):
        return 1
    return 8


def key_columns(name: str, frame: pd.DataFrame) -> set[str]:
    """Columns that never fold away: the contract's first columns, else the leading labels,
    and a column's role (a process measure is labelled so, DESIGN.md)."""
    fixed = set(CONTRACT_FIRST_COLUMNS.get(name, ()))
    if not fixed:
        for c in frame.columns:
            if column_format(str(c), frame[c]) != "text":
                break
            fixed.add(str(c))
    return fixed | {"Role"}


def display_frame(name: str, frame: pd.DataFrame | None) -> pd.DataFrame:
    """The engine table as the report shows it: contract columns first as DESIGN.md orders
    them, the other columns after them by :func:`column_rank`; rate differences in points;
    technical metric names in words."""
    if frame is None:
        return pd.DataFrame()
    frame = frame.reset_index(drop=True)
    fixed = CONTRACT_FIRST_COLUMNS.get(name, ())
    if not fixed:  # an extra table keeps its leading label columns first
        leading = []
        for c in frame.columns:
            if column_format(str(c), frame[c]) != "text":
                break
            leading.append(c)
        fixed = tuple(leading)
    head = [c for c in frame.columns if c in fixed]
    rest = [c for c in frame.columns if c not in fixed]
    rest = sorted(rest, key=lambda c: (column_rank(str(c), column_format(str(c), frame[c])),
                                       rest.index(c)))
    frame = frame[head + rest]
    for c in POINT_FRACTION_COLUMNS & set(frame.columns):
        frame = frame.assign(**{c: pd.to_numeric(frame[c], errors="coerce") * 100})
    if name == "tblSummary" and "Metric" in frame.columns:
        frame = frame.assign(Metric=frame["Metric"].map(lambda m: METRIC_LABELS.get(m, m)))
    return frame


#: DESIGN.md's first columns of each contract table (they stay first, in this order).
CONTRACT_FIRST_COLUMNS: dict[str, tuple[str, ...]] = {d.name: d.first_columns for d in DECLARATIONS
                                                      if d.first_columns}


def column_format(name: str, series: pd.Series | None = None) -> Fmt:
    """The named format of a report column, from its (contract) name, else its dtype."""
    low = name.lower()
    if name in POINT_FRACTION_COLUMNS or low.endswith("(pts)"):
        return "points"
    if name == "Threshold":
        return "score"
    if name in PERCENT_COLUMNS or "rate" in low or low.startswith("share"):
        return "percent"
    if name in ("p-value", "q-value") or low.endswith("p-value") or low.endswith("q-value"):
        return "pvalue"
    if low == "lift" or low.startswith("lift"):
        return "lift"
    if "amount" in low or low == "value":
        return "currency"
    if "(days)" in low or low.endswith(" days") or "cycle" in low:
        return "days"
    if name in INTEGER_COLUMNS:
        return "integer"
    if series is not None:
        if pd.api.types.is_bool_dtype(series):
            return "text"
        if pd.api.types.is_integer_dtype(series):
            return "integer"
        if pd.api.types.is_float_dtype(series):
            return "number"
        if pd.api.types.is_datetime64_any_dtype(series):
            return "date"
    return "text"


def metric_format(metric: str) -> Fmt:
    """Format of one tblSummary metric (its Value column mixes kinds)."""
    if metric in METRIC_LABELS.values() or metric in METRIC_LABELS:
        return "number"  # the score's separation (AUC): 0.5 to 1.0
    low = metric.lower()
    if "date" in low:
        return "date"
    if low.startswith("leading"):
        return "text"
    if "rate" in low or low.startswith("share"):
        return "percent"
    if "amount" in low or "value" in low.split():
        return "currency"
    if "days" in low or "cycle" in low:
        return "days"
    if low in ("closed deals", "won", "lost", "open deals excluded", "deals") or low.endswith(
            ("deals", "losses", "wins", "contacts")):
        return "integer"
    return "number"


# --------------------------------------------------------------------------- helpers

def _table(analysis: Analysis, name: str, row: int, col: int = LEFT,
           currency: str | None = None, **kw) -> Table:
    frame = display_frame(name, analysis.tables.get(name))
    formats = {str(c): column_format(str(c), frame[c]) for c in frame.columns}
    money = theme.currency_format(currency)
    formats = {c: (money if f == "currency" else f) for c, f in formats.items()}  # type: ignore[misc]
    widths = {c: w for c, w in TEXT_WIDTHS.items() if c in formats}
    note = analysis.notes.get(name, "")
    empty_note = note or "Nothing to show for this data."
    return Table(
        row=row, col=col, name=name, frame=frame, formats=formats,
        caption=CAPTIONS.get(name, name.removeprefix("tbl")),
        empty_note=empty_note if frame.empty else "",
        widths=widths, wrap=tuple(c for c in WRAP_COLUMNS if c in formats), **kw,
    )


def _scales(frame: pd.DataFrame) -> dict:
    cols = [str(c) for c in frame.columns]
    bars = tuple(c for c in ("Win rate", "Win rate with", "Share of lost amount", "Share of losses")
                 if c in cols)
    scales = tuple(c for c in ("Lift", "Difference") if c in cols)
    verdict = "Verdict" if "Verdict" in cols else None
    return {"data_bars": bars, "color_scales": scales, "verdict_column": verdict}


def _note_rows(text: str, width_chars: float = 150.0) -> int:
    """Rows a wrapped note needs (the writer sets the row height; layout leaves room)."""
    return 1 if len(text) <= width_chars else 2


class _Sheet:
    """A generated sheet: title, subtitle and reading note, then tables, notes and charts
    collected in order and placed by :class:`placement.SheetBuilder` (lanes, print setup)."""

    def __init__(self, name: str, title: str, subtitle: str, reading: str,
                 currency: str | None = None) -> None:
        self.spec = SheetSpec(name=name, column_widths={1: 2.0})
        self.spec.blocks.append(Title(row=2, col=LEFT, text=title, subtitle=subtitle))
        self.currency = currency
        row = 5
        if reading:
            self.spec.blocks.append(Note(row=row, col=LEFT, text=reading, width=NOTE_WIDTH,
                                         style="note"))
            row += 1
        self.builder = SheetBuilder(self.spec, top_row=row + 1, left=LEFT, note_width=NOTE_WIDTH)
        self._items: dict[str, object] = {}

    def note(self, text: str, style: str = "note", gap: int = 0) -> None:
        """A note above the next table."""
        self.builder.note(text, style)

    def table(self, analysis: Analysis, name: str, gap: int = 2) -> Table:
        t = _table(analysis, name, 0, currency=self.currency,
                   **_scales(analysis.tables.get(name, pd.DataFrame())))
        t = collapse_to_page(t, key_columns(name, t.frame))
        notes = [analysis.notes.get(name, "")] if not t.frame.empty else []
        if t.collapsed and not t.frame.empty:
            notes.append(f"Detail columns ({', '.join(t.collapsed)}) are grouped and folded so "
                         "the table prints on one page width: click + above the header to show "
                         "them.")
        self._items[name] = self.builder.table(t, trail=notes, gap=gap)
        return t

    def restyle(self, t: Table) -> None:
        """Put ``t`` (the table :meth:`table` returned, with other formats or colours) in its
        place, before the sheet is placed."""
        self._items[t.name].table = t  # type: ignore[attr-defined]

    def chart_right_of(self, t: Table, **kw) -> bool:
        """A chart of ``t``'s rows (beside the table when it is the sheet's only lane, else above
        the tables); a one-line note instead when the plotted values are all zero or missing."""
        frame = t.frame
        if frame.empty or kw["categories"] not in frame.columns:
            return False
        if any(v not in frame.columns for v in kw["values"]):
            return False
        count = kw.pop("count", None)
        first = kw.pop("first", 0)
        n = len(frame) - first if count is None else min(count, len(frame) - first)
        if n <= 0:
            return False
        rows = frame[list(kw["values"])].iloc[first:first + n]
        values = pd.to_numeric(rows.stack(), errors="coerce")
        if not (values.fillna(0) != 0).any():
            item = self._items[t.name]
            extra = f"No chart: every {kw['values'][0].lower()} shown is zero or not recorded."
            item.trail.append(extra)  # type: ignore[attr-defined]
            return False
        if kw.get("kind") == "barh" and "height_cm" not in kw:
            # room for every category label: long labels wrap onto a second line
            labels = frame[kw["categories"]].iloc[first:first + n].astype(str)
            lines = sum(2 if len(x) > 40 else 1 for x in labels)
            kw["height_cm"] = max(7.5, 0.6 * lines + 2.5)
            if labels.str.len().max() > 40:
                kw.setdefault("width_cm", 22.0)
        self._items[t.name].chart = dict(source=t.name, first=first, count=n, **kw)  # type: ignore[attr-defined]
        return True

    def finish(self) -> SheetSpec:
        """Place everything; the reading note spans the first table's columns (one page)."""
        spec = self.builder.place()
        tables = spec.tables()
        if tables:
            first = tables[0]
            span = max(len(first.column_names()) - len(first.collapsed), 6)
            breaks = [b for b in spec.printing.col_breaks if b >= LEFT]
            if breaks:  # never across a printed page's edge
                span = min(span, breaks[0] - LEFT + 1)
            spec.blocks = [replace(b, width=span) if isinstance(b, Note) and b.row == 5 else b
                           for b in spec.blocks]
        return spec


def _fmt_pct(x: object) -> str:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "n/a"
    return "n/a" if math.isnan(v) else f"{v:.0%}"


def _fmt_num(x: object, suffix: str = "") -> str:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "n/a"
    return "n/a" if math.isnan(v) else f"{v:,.0f}{suffix}"


def _summary(analysis: Analysis, metric: str) -> object:
    try:
        return analysis.summary_value(metric)
    except KeyError:
        return None


def _number(x: object) -> float | int | None:
    if x is None:
        return None
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if math.isnan(v):
        return None
    return int(v) if v.is_integer() and abs(v) < 1e15 else v


def headline_sentences(analysis: Analysis, n: int = 3) -> list[str]:
    """The ``n`` strongest findings in plain sentences (headline_1..n, else findings)."""
    out = [analysis.sentences[k] for k in (f"headline_{i}" for i in range(1, n + 1))
           if analysis.sentences.get(k)]
    if len(out) < n:
        ordered = sorted(analysis.findings, key=lambda f: -f.strength)
        for f in ordered:
            if len(out) >= n:
                break
            if f.process:  # a process measure partly follows from the outcome: no headline
                continue
            if f.sentence and f.sentence not in out:
                out.append(f.sentence)
    return out[:n]


def strongest_dimension(patterns: pd.DataFrame) -> str | None:
    """The dimension holding the most significant segment (lowest q), else the first one.

    Only attributes of the customer or deal qualify when there are any: a process measure
    (sales cycle, activities) partly follows from the outcome, so it never heads the sheet.
    """
    if patterns.empty or "Dimension" not in patterns.columns:
        return None
    tested = patterns
    if "Role" in patterns.columns:
        attributes = patterns[patterns["Role"].astype(str) == "attribute"]
        tested = attributes if not attributes.empty else patterns
    if "q-value" in tested.columns:
        q = pd.to_numeric(tested["q-value"], errors="coerce")
        if q.notna().any():
            return str(tested.loc[q.idxmin(), "Dimension"])
    return str(tested["Dimension"].iloc[0])


def group_by_dimension(patterns: pd.DataFrame) -> pd.DataFrame:
    """Rows of one dimension made contiguous, dimensions in first-appearance order (stable)."""
    if patterns.empty or "Dimension" not in patterns.columns:
        return patterns
    order = {d: i for i, d in enumerate(pd.unique(patterns["Dimension"]))}
    key = patterns["Dimension"].map(order)
    return patterns.assign(_k=key.to_numpy()).sort_values("_k", kind="stable").drop(
        columns="_k").reset_index(drop=True)


# --------------------------------------------------------------------------- sheets

def _kpi_tiles(a: Analysis, currency: str | None) -> tuple[Kpi, ...]:
    """Three tiles: win rate and closed deals, then the first other metric that has a value."""
    closed, won, lost = _summary(a, "Closed deals"), _summary(a, "Won"), _summary(a, "Lost")
    lo, hi = _summary(a, "Win rate CI low"), _summary(a, "Win rate CI high")
    avg_lost = _summary(a, "Avg lost amount")
    cyc_lost = _summary(a, "Median cycle lost (days)")
    money = theme.currency_format(currency)
    tiles = [
        Kpi("Win rate", _number(_summary(a, "Win rate")), "percent",
            f"95% interval {_fmt_pct(lo)} to {_fmt_pct(hi)}"),
        Kpi("Closed deals", _number(closed), "integer", f"{_fmt_num(won)} won, {_fmt_num(lost)} lost"),
    ]
    candidates = [
        Kpi("Value win rate", _number(_summary(a, "Value win rate")), "percent",
            "share of closed value won"),
        Kpi("Avg won amount", _number(_summary(a, "Avg won amount")), money,  # type: ignore[arg-type]
            f"lost deals avg {_fmt_num(avg_lost)}" if _number(avg_lost) is not None else "per won deal"),
        Kpi("Median cycle, won", _number(_summary(a, "Median cycle won (days)")), "days",
            f"lost deals {_fmt_num(cyc_lost, ' d')}" if _number(cyc_lost) is not None else "won deals"),
        Kpi("Won amount", _number(_summary(a, "Won amount")), money,  # type: ignore[arg-type]
            "total value won"),
        Kpi("Open deals excluded", _number(_summary(a, "Open deals excluded")), "integer",
            "not yet won or lost"),
    ]
    tiles += [k for k in candidates if k.value is not None][:1]
    return tuple(tiles)


#: Summary grid: B..F hold tblActions (Priority, Action, Evidence, Area, Confidence), the KPI
#: tiles (B+C, D, E+F), the findings, the trend chart and tblSummary (Metric, Value, Note in
#: C, D, E); G is a gap; tblTrend starts at H with widths of its own.
SUMMARY_WIDTHS: dict[int, float] = {1: 2.0, 2: 9.0, 3: 38.0, 4: 36.0, 5: 26.0, 6: 13.0, 7: 3.0}
SUMMARY_SPAN = 5  #: columns B..F
TREND_COL = 8


def summary_sheet(a: Analysis, title: str) -> SheetSpec:
    closed = _summary(a, "Closed deals")
    won, lost = _summary(a, "Won"), _summary(a, "Lost")
    open_ = _summary(a, "Open deals excluded")
    sub = (f"{_fmt_num(closed)} closed deals ({_fmt_num(won)} won, {_fmt_num(lost)} lost); "
           f"{_fmt_num(open_)} open deals excluded.")
    spec = SheetSpec(name="Summary", column_widths=dict(SUMMARY_WIDTHS))
    spec.blocks.append(Title(row=2, col=LEFT, text=title, subtitle=sub))
    spec.blocks.append(Kpis(row=5, col=LEFT, tiles=_kpi_tiles(a, a.currency), spans=(2, 1, 2)))
    actions = _table(a, "tblActions", 10)
    actions = replace(actions, caption="What to do next", wrap=("Action", "Evidence"),
                      widths={"Priority": 9, "Action": 38, "Evidence": 36, "Area": 26,
                              "Confidence": 13})
    spec.blocks.append(actions)
    row = actions.last_row + 2
    spec.blocks.append(Note(row=row, col=LEFT, text="Key findings", width=SUMMARY_SPAN,
                            style="heading"))
    row += 1
    heads = headline_sentences(a) or ["No segment differs from the average by more than chance "
                                      "would explain; see Patterns for every segment."]
    for i, s in enumerate(heads, 1):
        spec.blocks.append(Note(row=row, col=LEFT, text=f"{i}.  {s}", width=SUMMARY_SPAN,
                                style="finding"))
        row += 1
    if a.sentences.get("trend") and a.sentences["trend"] not in heads:
        spec.blocks.append(Note(row=row, col=LEFT, text=f"Trend: {a.sentences['trend']}",
                                width=SUMMARY_SPAN, style="finding"))
        row += 1
    if a.sentences.get("change"):
        spec.blocks.append(Note(row=row, col=LEFT, text=f"Change: {a.sentences['change']}",
                                width=NOTE_WIDTH, style="finding"))
        row += 1
    row += 1
    spec.blocks.append(Note(row=row, col=LEFT, text=f"How to read this: {EVIDENCE_SENTENCE} "
                            f"{INTERVAL_SENTENCE} {QVALUE_SENTENCE} {GLOSSARY_POINTER}",
                            width=SUMMARY_SPAN, style="note"))
    row += 2
    chart_row = row
    trend = _table(a, "tblTrend", chart_row + 1, col=TREND_COL,
                   **_scales(a.tables.get("tblTrend", pd.DataFrame())))
    spec.blocks.append(trend)
    if "tblTrendCohort" in a.tables:  # trend_by = "created": the cohort view under the trend
        cohort_row = trend.row + max(len(trend.frame), 1) + 4
        spec.blocks.append(Note(row=cohort_row - 1, col=TREND_COL, width=NOTE_WIDTH, style="note",
                                text=a.notes.get("tblTrendCohort", "")))
        spec.blocks.append(_table(a, "tblTrendCohort", cohort_row + 1, col=TREND_COL,
                                  **_scales(a.tables["tblTrendCohort"])))
    chart_note = _trend_chart(spec, trend, chart_row)
    below = chart_row + 19 if chart_note is None or chart_note.startswith("Open") else chart_row + 2
    if chart_note:
        spec.blocks.append(Note(row=below - 1, col=LEFT, text=chart_note, width=SUMMARY_SPAN - 2,
                                style="note"))
        below += 1
    summary_row = below + 1
    summary = _table(a, "tblSummary", summary_row, col=LEFT + 1, currency=a.currency)
    money = theme.currency_format(a.currency)
    cell_formats = {(i, "Value"): (money if metric_format(str(m)) == "currency" else metric_format(str(m)))
                    for i, m in enumerate(summary.frame.get("Metric", pd.Series(dtype=object)))}
    summary = replace(summary, cell_formats=cell_formats, wrap=("Metric", "Value", "Note"),
                      widths={**summary.widths, "Metric": SUMMARY_WIDTHS[LEFT + 1],
                              "Value": SUMMARY_WIDTHS[LEFT + 2], "Note": SUMMARY_WIDTHS[LEFT + 3]},
                      formats={**summary.formats, "Value": "number", "Note": "text"})
    spec.blocks.append(summary)
    printing = print_setup(spec, [(1, LEFT + SUMMARY_SPAN - 1),
                                  (TREND_COL, max(trend.last_col, TREND_COL))], actions.row)
    # Summary's tables share no header row, and none runs over a page: no print titles. The
    # left column and the trend table print as two areas: no blank page beside the actions.
    right = [b for b in spec.blocks if isinstance(b, Table) and b.col >= TREND_COL]
    left_end = max(b.last_row for b in spec.blocks if isinstance(b, Table) and b.col < TREND_COL)
    areas = ((1, 1, left_end + 2, LEFT + SUMMARY_SPAN - 1),
             (min(b.row for b in right) - 2, TREND_COL, max(b.last_row for b in right) + 1,
              max(b.last_col for b in right)))
    spec.printing = replace(printing, title_rows=None, areas=areas)
    return spec


def _trend_chart(spec: SheetSpec, trend: Table, row: int) -> str | None:
    """The win-rate line of the complete quarters (at most the last 12); the open quarter is
    left out of the line and the returned note says so. None: a chart and nothing to say;
    a note without "Open": no chart."""
    frame = trend.frame
    if frame.empty or "Win rate" not in frame.columns:
        return "No chart: no close dates were recorded."
    complete = frame["Complete"].astype(str).eq("Yes") if "Complete" in frame.columns else \
        pd.Series(True, index=frame.index)
    last = int(complete[complete].index.max()) if complete.any() else -1
    if last < 1:
        return "No chart: fewer than two complete quarters to draw a line through."
    first = max(0, last + 1 - 12)
    rates = pd.to_numeric(frame["Win rate"].iloc[first:last + 1], errors="coerce").fillna(0)
    if not (rates != 0).any():
        return "No chart: every complete quarter's win rate is zero."
    spec.blocks.append(Chart(
        row=row, col=LEFT, title="Win rate by quarter (complete quarters)",
        source="tblTrend", categories="Period", values=("Win rate",), kind="line",
        first=first, count=last + 1 - first, y_format="percent", y_title="Win rate",
        width_cm=17.5, height_cm=9.0,
        error_low="CI low" if "CI low" in frame.columns else None,
        error_high="CI high" if "CI high" in frame.columns else None))
    open_rows = frame.loc[last + 1:]
    if open_rows.empty:
        return None
    parts = [f"{r['Period']} ({int(r['Deals']):,} deals so far)" for r in open_rows.to_dict("records")]
    return (f"Open quarter left out of the line: {', '.join(parts)}; its figures are in the "
            "table, marked Complete = No.")


def patterns_sheet(a: Analysis) -> SheetSpec:
    s = _Sheet("Patterns", "Patterns: where we win and where we lose",
               "Every segment of every dimension against the rest of the closed deals.",
               f"How to read this: {INTERVAL_SENTENCE} {LIFT_SENTENCE} {QVALUE_SENTENCE} "
               f"{GLOSSARY_POINTER}", a.currency)
    patterns = group_by_dimension(a.tables.get("tblPatterns", pd.DataFrame()))
    view = Analysis(tables={**a.tables, "tblPatterns": patterns}, notes=a.notes)
    t = s.table(view, "tblPatterns")
    dim = strongest_dimension(patterns)
    if dim is not None:
        rows = patterns.index[patterns["Dimension"].astype(str) == dim]
        s.chart_right_of(
            t, title=f"Win rate by {dim.lower() if dim[:1].isupper() and dim[1:].islower() else dim}"
            " (with 95% interval)", categories="Segment", values=("Win rate",), kind="bar",
            first=int(rows.min()), count=min(len(rows), 12), y_title="Win rate", height_cm=9.0,
            error_low="CI low", error_high="CI high")
    s.table(a, "tblOwners")
    return s.finish()


def drivers_sheet(a: Analysis) -> SheetSpec:
    s = _Sheet("Drivers", "Key drivers",
               "The segments whose win rate differs most from the average, strongest first.",
               f"How to read this: {LIFT_SENTENCE} {INTERVAL_SENTENCE} {QVALUE_SENTENCE} "
               f"{GLOSSARY_POINTER}", a.currency)
    t = s.table(a, "tblDrivers")
    s.chart_right_of(t, title="Lift of the key drivers", categories="Segment", values=("Lift",),
                     kind="barh", count=10, y_format="lift", y_title="Lift")
    return s.finish()


def loss_sheet(a: Analysis) -> SheetSpec:
    s = _Sheet("Loss Reasons", "Why we lose",
               "Loss reasons by number of lost deals and by lost amount; competitors met in the deals.",
               "How to read this: share of lost amount weighs each reason by the value of the deals "
               f"lost to it. {INTERVAL_SENTENCE} {QVALUE_SENTENCE} {GLOSSARY_POINTER}", a.currency)
    t = s.table(a, "tblLossReasons")
    recorded = t.frame
    if not recorded.empty and "Loss reason" in recorded.columns:
        named = ~recorded["Loss reason"].astype(str).isin(["Unspecified", "Not recorded"])
        if named.sum() >= 2:
            s.chart_right_of(t, title="Loss reasons by share of lost amount", categories="Loss reason",
                             values=("Share of lost amount",), kind="barh", count=10,
                             y_title="Share of lost amount")
        else:
            item = s._items[t.name]
            item.trail.append("No chart: fewer than two recorded loss reasons.")  # type: ignore[attr-defined]
    s.table(a, "tblCompetitors")
    for name in _extras(a, "Loss Reasons"):
        s.table(a, name)
    return s.finish()


#: How lift reads on the Personas sheet (DESIGN.md: with / without, not against the overall rate).
PERSONA_LIFT_SENTENCE = ("Lift on this sheet is the win rate of the deals with a persona (or "
                         "buying group) divided by the win rate of the deals without it (1.00x = "
                         "no difference). A deal counts in every row that applies, so shares add "
                         "up to more than 100%. Catch-all rows (Other, \"(other function)\", "
                         "\"(other level)\") hold titles that could not be read fully: they come "
                         "last and are never recommended.")


def personas_sheet(a: Analysis) -> SheetSpec:
    s = _Sheet("Personas", "Buyer personas",
               "Who is on the deals we win, compared with the deals we lose.",
               f"How to read this: {PERSONA_LIFT_SENTENCE} {QVALUE_SENTENCE} {GLOSSARY_POINTER}",
               a.currency)
    t = s.table(a, "tblPersonas")
    frame = t.frame
    readable = 0
    if not frame.empty and "Persona" in frame.columns:
        # catch-all rows come last in the table: chart the readable personas only
        readable = int((~frame["Persona"].astype(str).map(_is_catch_all)).sum())
    if readable:
        s.chart_right_of(t, title="Top personas by lift (with / without)", categories="Persona",
                         values=("Lift",), kind="barh", count=min(10, readable),
                         y_format="lift", y_title="Lift")
    if "tblBuyingGroups" in a.tables:
        s.table(a, "tblBuyingGroups")
    s.table(a, "tblCommittee")
    for name in _extras(a, "Personas"):
        if name != "tblBuyingGroups":
            s.table(a, name)
    return s.finish()


def _is_catch_all(persona: str) -> bool:
    from ..titles import is_catch_all

    return is_catch_all(persona)


def recommendations_sheet(a: Analysis) -> SheetSpec:
    s = _Sheet("Recommendations", "Recommendations",
               "Only significant findings become recommendations; leaning ones say \"Test further\".",
               f"How to read this: every recommendation carries its evidence. {EVIDENCE_SENTENCE} "
               f"{INTERVAL_SENTENCE} {QVALUE_SENTENCE} {GLOSSARY_POINTER}", a.currency)
    s.table(a, "tblRecommendations")
    if a.sentences.get("qualification"):
        s.note(a.sentences["qualification"], style="finding")
    s.table(a, "tblQualification")
    return s.finish()


def quality_sheet(a: Analysis) -> SheetSpec:
    s = _Sheet("Data Quality", "Data quality",
               "Everything ingestion mapped, parsed, fixed and left out, so nobody has to trust "
               "the numbers blindly.",
               "How to read this: Count is the number of rows a check touched; columns mapped to "
               "nothing were ignored (names, emails and free text are never analysed or printed). "
               "The glossary explains the terms every sheet uses.", a.currency)
    s.table(a, "tblDataQuality")
    s.table(a, "tblColumnMap")
    for name in _extras(a, "Data Quality"):
        s.table(a, name)
    glossary = Analysis(tables={"tblGlossary": glossary_table()}, notes={})
    s.table(glossary, "tblGlossary")
    return s.finish()


def _extras(a: Analysis, sheet: str) -> Iterable[str]:
    for name in a.tables:
        if name in CONTRACT_TABLES:
            continue
        if extra_sheet(name) == sheet and _valid_table_name(name):
            yield name


def extra_sheet(name: str) -> str:
    """The sheet an extra (non-contract) table goes to: its declaration's (report/tables.py);
    Data Quality for a table without one."""
    return EXTRA_TABLE_SHEETS.get(name, "Data Quality")


def _valid_table_name(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]{0,254}", name)) and not re.fullmatch(
        r"[A-Za-z]{1,3}\d+", name)
