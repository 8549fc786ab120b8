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
from .model import Chart, Fmt, Kpi, Kpis, Note, Report, SheetSpec, Table, Title

LEFT = 2  #: first content column (B)
NOTE_WIDTH = 10  #: columns a paragraph spans
#: height of a default sheet row (15 pt) in cm, to keep charts clear of the blocks below
ROW_HEIGHT_CM = 0.53

#: One sentence each: what an interval and a q-value mean. Shown on every sheet.
INTERVAL_SENTENCE = ("An interval (CI low to CI high) is the range the true win rate lies in with "
                     "95% confidence; the fewer the deals, the wider it is.")
QVALUE_SENTENCE = ("A q-value is the chance that a difference this large is a fluke, corrected "
                   "for the many comparisons in this report; 0.10 or less counts as significant.")
LIFT_SENTENCE = "Lift is the segment's win rate divided by the overall win rate (1.00x = average)."

#: Which sheet an extra (non-contract) table goes to.
EXTRA_TABLE_SHEETS: dict[str, str] = {
    "tblLossReasonsRaw": "Loss Reasons",
    "tblLossStages": "Loss Reasons",
    "tblDecisionMakers": "Personas",
    "tblBuyingGroups": "Personas",
    # the Changes sheet (report/changes_sheet.py)
    "tblChanges": "Changes",
    "tblChangeDrivers": "Changes",
    "tblChangeLossReasons": "Changes",
    "tblFollowUp": "Changes",
}

#: Captions shown above each table.
CAPTIONS: dict[str, str] = {
    "tblSummary": "Headline figures",
    "tblTrend": "Quarter by quarter",
    "tblPatterns": "Win rate by segment, every dimension",
    "tblOwners": "Owners: actual win rate against the rate their deal mix predicts",
    "tblDrivers": "Key drivers: the segments that move the win rate most",
    "tblLossReasons": "Loss reasons (a deal may give several)",
    "tblCompetitors": "Competitors: our win rate when they are in the deal",
    "tblLossReasonsRaw": "Loss reasons as exported",
    "tblLossStages": "Stage at which lost deals died",
    "tblPersonas": "Buyer personas: win rate with and without them on the deal (lift = with / "
                   "without; a deal counts in every persona on it, so shares add up to more "
                   "than 100%)",
    "tblBuyingGroups": "Buying groups: deals where anyone of a function is involved, against "
                       "deals without (lift = with / without)",
    "tblCommittee": "Buying committee size",
    "tblDecisionMakers": "Decision makers: who signs the deals we win",
    "tblCommitteeSeniority": "Seniority mix of the buying committee",
    "tblRecommendations": "Recommendations, each with its evidence",
    "tblQualification": "Qualification score thresholds",
    "tblDataQuality": "What ingestion checked, fixed and left out",
    "tblColumnMap": "How each source column was used",
    "tblChangeDrivers": "Why the win rate moved: rate and mix effects by dimension (points)",
    "tblFollowUp": "Last period's recommendations: were they acted on, and did they work?",
    "tblChangeLossReasons": "Loss reasons: share of lost deals in each period",
    "tblChanges": "Every segment: win rate in each period and the change",
}

#: Columns formatted as percentages (rates are fractions in the tables).
PERCENT_COLUMNS = frozenset({
    "Win rate", "CI low", "CI high", "Share of losses", "Share of lost amount", "Share of wins",
    "Win rate with", "Win rate without", "Expected win rate", "Difference", "Accuracy", "Precision",
    "Recall", "Value win rate", "Win rate excl. no decision",
    "Baseline share", "Current share", "Baseline share of deals", "Current share of deals",
})
INTEGER_COLUMNS = frozenset({
    "Deals", "Won", "Lost", "Lost deals", "Deals with", "Won with", "Lost with", "False positives",
    "False negatives", "Count", "Priority", "Open deals", "Contacts",
})
#: Fixed widths (characters) of long-text columns; the writer sizes the others from content.
TEXT_WIDTHS: dict[str, float] = {
    "Recommendation": 60, "Evidence": 52, "Detail": 60, "Loss reason": 28, "Segment": 26,
    "Typical role": 20, "Mapped to": 36, "Source column": 28, "Check": 34, "Area": 18,
}
WRAP_COLUMNS = ("Recommendation", "Evidence", "Detail")


def column_format(name: str, series: pd.Series | None = None) -> Fmt:
    """The named format of a report column, from its (contract) name, else its dtype."""
    low = name.lower()
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

def _table(analysis: Analysis, name: str, row: int, col: int = LEFT, **kw) -> Table:
    frame = analysis.tables.get(name)
    if frame is None:
        frame = pd.DataFrame()
    frame = frame.reset_index(drop=True)
    formats = {str(c): column_format(str(c), frame[c]) for c in frame.columns}
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
    """Stacks blocks top to bottom and remembers the next free row."""

    def __init__(self, name: str, title: str, subtitle: str, reading: str) -> None:
        self.spec = SheetSpec(name=name, column_widths={1: 2.0})
        self.spec.blocks.append(Title(row=2, col=LEFT, text=title, subtitle=subtitle))
        self.next_row = 5
        if reading:
            self.note(reading, style="note")
        self.next_row += 1

    def note(self, text: str, style: str = "note", gap: int = 0) -> None:
        if not text:
            return
        self.spec.blocks.append(Note(row=self.next_row, col=LEFT, text=text, width=NOTE_WIDTH,
                                     style=style))  # type: ignore[arg-type]
        self.next_row += 1 + gap

    def table(self, analysis: Analysis, name: str, gap: int = 2) -> Table:
        header = self.next_row + 1  # caption row above the header
        t = _table(analysis, name, header, **_scales(analysis.tables.get(name, pd.DataFrame())))
        self.spec.blocks.append(t)
        self.next_row = t.last_row + 1
        note = analysis.notes.get(name, "")
        if note and not t.frame.empty:
            self.spec.blocks.append(Note(row=self.next_row, col=LEFT, text=note, width=NOTE_WIDTH,
                                         style="note"))
            self.next_row += 1
        self.next_row += gap
        return t

    def freeze_at(self, t: Table) -> None:
        self.spec.freeze_row = t.row + 1

    def chart_right_of(self, t: Table, **kw) -> Chart | None:
        frame = t.frame
        if frame.empty or kw["categories"] not in frame.columns:
            return None
        if any(v not in frame.columns for v in kw["values"]):
            return None
        count = kw.pop("count", None)
        first = kw.pop("first", 0)
        n = len(frame) - first if count is None else min(count, len(frame) - first)
        if n <= 0:
            return None
        if kw.get("kind") == "barh" and "height_cm" not in kw:
            kw["height_cm"] = max(7.5, 0.65 * n + 2.5)  # room for every category label
        chart = Chart(row=t.row, col=t.last_col + 2, source=t.name, first=first, count=n, **kw)
        self.spec.blocks.append(chart)
        # what follows starts below the chart, however short the table beside it is
        self.next_row = max(self.next_row, t.row + math.ceil(chart.height_cm / ROW_HEIGHT_CM) + 1)
        return chart


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
            if f.sentence and f.sentence not in out:
                out.append(f.sentence)
    return out[:n]


def strongest_dimension(patterns: pd.DataFrame) -> str | None:
    """The dimension holding the most significant segment (lowest q), else the first one."""
    if patterns.empty or "Dimension" not in patterns.columns:
        return None
    tested = patterns
    if "q-value" in patterns.columns:
        q = pd.to_numeric(patterns["q-value"], errors="coerce")
        if q.notna().any():
            return str(patterns.loc[q.idxmin(), "Dimension"])
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

def _kpi_tiles(a: Analysis) -> tuple[Kpi, ...]:
    """Five tiles: win rate and closed deals, then the first three other metrics that have a value."""
    closed, won, lost = _summary(a, "Closed deals"), _summary(a, "Won"), _summary(a, "Lost")
    lo, hi = _summary(a, "Win rate CI low"), _summary(a, "Win rate CI high")
    avg_lost = _summary(a, "Avg lost amount")
    cyc_lost = _summary(a, "Median cycle lost (days)")
    tiles = [
        Kpi("Win rate", _number(_summary(a, "Win rate")), "percent",
            f"95% interval {_fmt_pct(lo)} to {_fmt_pct(hi)}"),
        Kpi("Closed deals", _number(closed), "integer", f"{_fmt_num(won)} won, {_fmt_num(lost)} lost"),
    ]
    candidates = [
        Kpi("Value win rate", _number(_summary(a, "Value win rate")), "percent",
            "share of closed value won"),
        Kpi("Avg won amount", _number(_summary(a, "Avg won amount")), "currency",
            f"lost deals avg {_fmt_num(avg_lost)}" if _number(avg_lost) is not None else "per won deal"),
        Kpi("Median cycle, won", _number(_summary(a, "Median cycle won (days)")), "days",
            f"lost deals {_fmt_num(cyc_lost, ' d')}" if _number(cyc_lost) is not None else "won deals"),
        Kpi("Won amount", _number(_summary(a, "Won amount")), "currency", "total value won"),
        Kpi("Open deals excluded", _number(_summary(a, "Open deals excluded")), "integer",
            "not yet won or lost"),
        Kpi("Excl. no decision", _number(_summary(a, "Win rate excl. no decision")), "percent",
            "win rate without no-decision closes"),
    ]
    tiles += [k for k in candidates if k.value is not None][:3]
    return tuple(tiles)


#: Summary grid: B metric, C value, D note, E spacer, F..K chart and trend; tiles are 2 columns wide.
SUMMARY_WIDTHS: dict[int, float] = {1: 2.0, 2: 23.0, 3: 13.0, 4: 31.0, 5: 4.0,
                                    **{c: 17.5 for c in range(6, 12)}}


def _summary_sheet(a: Analysis, title: str) -> SheetSpec:
    closed = _summary(a, "Closed deals")
    won, lost = _summary(a, "Won"), _summary(a, "Lost")
    open_ = _summary(a, "Open deals excluded")
    sub = (f"{_fmt_num(closed)} closed deals ({_fmt_num(won)} won, {_fmt_num(lost)} lost); "
           f"{_fmt_num(open_)} open deals excluded.")
    if a.sentences.get("lead_rate"):
        sub += " " + a.sentences["lead_rate"]
    spec = SheetSpec(name="Summary", column_widths=dict(SUMMARY_WIDTHS))
    spec.blocks.append(Title(row=2, col=LEFT, text=title, subtitle=sub))
    spec.blocks.append(Kpis(row=5, col=LEFT, tiles=_kpi_tiles(a), tile_width=2))
    row = 9
    spec.blocks.append(Note(row=row, col=LEFT, text="Key findings", width=NOTE_WIDTH, style="heading"))
    row += 1
    heads = headline_sentences(a) or ["No segment differs from the average by more than chance "
                                      "would explain; see Patterns for every segment."]
    for i, s in enumerate(heads, 1):
        spec.blocks.append(Note(row=row, col=LEFT, text=f"{i}.  {s}", width=NOTE_WIDTH, style="finding"))
        row += 1
    if a.sentences.get("trend"):
        spec.blocks.append(Note(row=row, col=LEFT, text=f"Trend: {a.sentences['trend']}",
                                width=NOTE_WIDTH, style="finding"))
        row += 1
    if a.sentences.get("change"):
        spec.blocks.append(Note(row=row, col=LEFT, text=f"Change: {a.sentences['change']}",
                                width=NOTE_WIDTH, style="finding"))
        row += 1
    row += 1
    spec.blocks.append(Note(row=row, col=LEFT, text=f"How to read this: {INTERVAL_SENTENCE} "
                            f"{QVALUE_SENTENCE}", width=NOTE_WIDTH, style="note"))
    row += 2
    # trend chart (left) beside the quarterly table (right); the detailed metrics below
    chart_row = row
    trend = _table(a, "tblTrend", chart_row + 1, col=LEFT + 4,
                   **_scales(a.tables.get("tblTrend", pd.DataFrame())))
    spec.blocks.append(trend)
    if not trend.frame.empty and "Win rate" in trend.frame.columns:
        n = len(trend.frame)
        first = max(0, n - 12)
        spec.blocks.append(Chart(
            row=chart_row, col=LEFT, title="Win rate by quarter",
            source="tblTrend", categories="Period", values=("Win rate",), kind="line",
            first=first, count=n - first, y_format="percent", y_title="Win rate",
            width_cm=13.5, height_cm=7.6,
            error_low="CI low" if "CI low" in trend.frame.columns else None,
            error_high="CI high" if "CI high" in trend.frame.columns else None))
    summary_row = max(chart_row + 18, trend.last_row + 3)
    summary = _table(a, "tblSummary", summary_row)
    cell_formats = {(i, "Value"): metric_format(str(m))
                    for i, m in enumerate(summary.frame.get("Metric", pd.Series(dtype=object)))}
    summary = replace(summary, cell_formats=cell_formats, wrap=("Value", "Note"),
                      widths={**summary.widths, "Metric": SUMMARY_WIDTHS[LEFT],
                              "Value": SUMMARY_WIDTHS[LEFT + 1], "Note": SUMMARY_WIDTHS[LEFT + 2]},
                      formats={**summary.formats, "Value": "number", "Note": "text"})
    spec.blocks.append(summary)
    return spec


def _patterns_sheet(a: Analysis) -> SheetSpec:
    s = _Sheet("Patterns", "Patterns: where we win and where we lose",
               "Every segment of every dimension against the rest of the closed deals.",
               f"How to read this: {INTERVAL_SENTENCE} {QVALUE_SENTENCE} {LIFT_SENTENCE}")
    patterns = group_by_dimension(a.tables.get("tblPatterns", pd.DataFrame()))
    view = Analysis(tables={**a.tables, "tblPatterns": patterns}, notes=a.notes)
    t = s.table(view, "tblPatterns")
    s.freeze_at(t)
    dim = strongest_dimension(patterns)
    if dim is not None:
        rows = patterns.index[patterns["Dimension"].astype(str) == dim]
        s.chart_right_of(
            t, title=f"Win rate by {dim.lower() if dim[:1].isupper() and dim[1:].islower() else dim}"
            " (with 95% interval)", categories="Segment", values=("Win rate",), kind="bar",
            first=int(rows.min()), count=min(len(rows), 12), y_title="Win rate", height_cm=9.0,
            error_low="CI low", error_high="CI high")
    s.table(a, "tblOwners")
    return s.spec


def _drivers_sheet(a: Analysis) -> SheetSpec:
    s = _Sheet("Drivers", "Key drivers",
               "The segments whose win rate differs most from the average, strongest first.",
               f"How to read this: {LIFT_SENTENCE} {INTERVAL_SENTENCE} {QVALUE_SENTENCE}")
    t = s.table(a, "tblDrivers")
    s.freeze_at(t)
    s.chart_right_of(t, title="Lift of the key drivers", categories="Segment", values=("Lift",),
                     kind="barh", count=10, y_format="lift", y_title="Lift")
    return s.spec


def _loss_sheet(a: Analysis) -> SheetSpec:
    s = _Sheet("Loss Reasons", "Why we lose",
               "Loss reasons by number of lost deals and by lost amount; competitors met in the deals.",
               "How to read this: share of lost amount weighs each reason by the value of the deals "
               f"lost to it. {INTERVAL_SENTENCE} {QVALUE_SENTENCE}")
    t = s.table(a, "tblLossReasons")
    s.freeze_at(t)
    s.chart_right_of(t, title="Loss reasons by share of lost amount", categories="Loss reason",
                     values=("Share of lost amount",), kind="barh", count=10,
                     y_title="Share of lost amount")
    s.table(a, "tblCompetitors")
    for name in _extras(a, "Loss Reasons"):
        s.table(a, name)
    return s.spec


#: How lift reads on the Personas sheet (DESIGN.md: with / without, not against the overall rate).
PERSONA_LIFT_SENTENCE = ("Lift on this sheet is the win rate of the deals with a persona (or "
                         "buying group) divided by the win rate of the deals without it (1.00x = "
                         "no difference). A deal counts in every row that applies, so shares add "
                         "up to more than 100%. Catch-all rows (Other, \"(other function)\", "
                         "\"(other level)\") hold titles that could not be read fully: they come "
                         "last and are never recommended.")


def _personas_sheet(a: Analysis) -> SheetSpec:
    s = _Sheet("Personas", "Buyer personas",
               "Who is on the deals we win, compared with the deals we lose.",
               f"How to read this: {PERSONA_LIFT_SENTENCE} {QVALUE_SENTENCE}")
    t = s.table(a, "tblPersonas")
    s.freeze_at(t)
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
    return s.spec


def _is_catch_all(persona: str) -> bool:
    from ..titles import is_catch_all

    return is_catch_all(persona)


def _recommendations_sheet(a: Analysis) -> SheetSpec:
    s = _Sheet("Recommendations", "Recommendations",
               "Only significant findings become recommendations; leaning ones say \"Test further\".",
               f"How to read this: every recommendation carries its evidence. {INTERVAL_SENTENCE} "
               f"{QVALUE_SENTENCE}")
    t = s.table(a, "tblRecommendations")
    s.freeze_at(t)
    if a.sentences.get("qualification"):
        s.note(a.sentences["qualification"], style="finding")
    s.table(a, "tblQualification")
    return s.spec


def _quality_sheet(a: Analysis) -> SheetSpec:
    s = _Sheet("Data Quality", "Data quality",
               "Everything ingestion mapped, parsed, fixed and left out, so nobody has to trust "
               "the numbers blindly.",
               "How to read this: Count is the number of rows a check touched; columns mapped to "
               "nothing were ignored (names, emails and free text are never analysed or printed).")
    t = s.table(a, "tblDataQuality")
    s.freeze_at(t)
    s.table(a, "tblColumnMap")
    for name in _extras(a, "Data Quality"):
        s.table(a, name)
    return s.spec


def _extras(a: Analysis, sheet: str) -> Iterable[str]:
    for name in a.tables:
        if name in CONTRACT_TABLES:
            continue
        if extra_sheet(name) == sheet and _valid_table_name(name):
            yield name


def extra_sheet(name: str) -> str:
    """The sheet an extra (non-contract) table goes to, by its name."""
    if name in EXTRA_TABLE_SHEETS:
        return EXTRA_TABLE_SHEETS[name]
    low = name.lower()
    for prefix, sheet in (("tblloss", "Loss Reasons"), ("tblcompetitor", "Loss Reasons"),
                          ("tblpersona", "Personas"), ("tblcommittee", "Personas"),
                          ("tbldecision", "Personas"), ("tblrecommend", "Recommendations"),
                          ("tblqualification", "Recommendations")):
        if low.startswith(prefix):
            return sheet
    return "Data Quality"


def _valid_table_name(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]{0,254}", name)) and not re.fullmatch(
        r"[A-Za-z]{1,3}\d+", name)


def build_report(analysis: Analysis, title: str = "Win/Loss report") -> Report:
    """The whole report for ``analysis``: the eight generated sheets in contract order."""
    from .changes_sheet import changes_sheet

    sheets = [
        _summary_sheet(analysis, title),
        changes_sheet(analysis),
        _patterns_sheet(analysis),
        _drivers_sheet(analysis),
        _loss_sheet(analysis),
        _personas_sheet(analysis),
        _recommendations_sheet(analysis),
        _quality_sheet(analysis),
    ]
    return Report(sheets=sheets, title=title)
