"""The Changes sheet: what changed between two periods, why, and whether last period's advice
worked (tblChangeDrivers with its chart, tblFollowUp, tblChangeLossReasons, tblChanges).

Pure layout, like :mod:`.layout`: the tables come from the analysis the session completed
with its comparison (:meth:`winloss_xl.WinLoss.compare`); when there is nothing to compare,
every table still exists and the note under the title says why.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ..engine.analysis import Analysis
from ..engine.changes import CHANGE_COLUMNS, DRIVER_COLUMNS, LOSS_CHANGE_COLUMNS
from ..engine.followup import FOLLOWUP_COLUMNS
from .layout import QVALUE_SENTENCE, _Sheet
from .model import SheetSpec, Table

SHEET = "Changes"
#: Table order on the sheet: the explanation first, the long segment list last.
ORDER = ("tblChangeDrivers", "tblFollowUp", "tblChangeLossReasons", "tblChanges")
READING = ("How to read this: a change is in points of win rate (current minus baseline). The rate "
           "effect is the part of the overall change that comes from segments converting better or "
           "worse; the mix effect is the part that comes from more or fewer deals in segments that "
           "convert well. The two add up to the total change for every dimension.")
COLUMNS = {"tblChanges": CHANGE_COLUMNS, "tblChangeDrivers": DRIVER_COLUMNS,
           "tblChangeLossReasons": LOSS_CHANGE_COLUMNS, "tblFollowUp": FOLLOWUP_COLUMNS}
#: Why the sheet is empty when the session did not run a comparison.
NOT_RUN = "No period comparison was run for this report."


def changes_sheet(a: Analysis) -> SheetSpec:
    """The Changes sheet of ``a`` (its tables and notes as the session attached them)."""
    missing = [n for n in ORDER if n not in a.tables]
    if missing:  # an analysis made without the session: every table still exists, with its note
        a = Analysis(tables={**a.tables, **{n: pd.DataFrame(columns=COLUMNS[n]) for n in missing}},
                     notes={**{n: NOT_RUN for n in missing}, **a.notes}, sentences=a.sentences)
    subtitle = a.sentences.get("change_periods", "")
    s = _Sheet(SHEET, "What changed, and did our actions work?", subtitle,
               f"{READING} {QVALUE_SENTENCE}")
    s.note(a.sentences.get("change") or a.notes.get("tblChanges") or NOT_RUN,
           style="finding", gap=1)
    for name in ORDER:
        t = s.table(a, name)
        styled = _points_as_numbers(t)
        if name == "tblFollowUp":  # outcomes are coloured like verdicts
            styled = replace(styled, verdict_column="Outcome")
        if styled is not t:
            s.restyle(styled)
        if name == "tblChangeDrivers":
            _effects_chart(s, styled)
    return s.finish()


def _points_as_numbers(t: Table) -> Table:
    """Points of win rate are numbers and segment names text, although their headers say
    "rate" (which the layout would format as a percentage)."""
    fixed = {c: ("points" if c.endswith("(pts)") else "text" if c.startswith("Largest") else f)
             for c, f in t.formats.items()}
    return t if fixed == t.formats else replace(t, formats=fixed)


def _effects_chart(s, t: Table) -> None:
    """Bars of the rate and mix effects by dimension, only when some effect is not zero."""
    frame = t.frame
    cols = ["Rate effect (pts)", "Mix effect (pts)"]
    if frame.empty or not set(cols) <= set(frame.columns):
        return
    values = pd.to_numeric(frame[cols].stack(), errors="coerce").abs()
    if not (values > 0.005).any():
        return
    s.chart_right_of(t, title="Rate and mix effects by dimension (points)", categories="Dimension",
                     values=tuple(cols), kind="barh", count=12, y_format="number",
                     y_title="Points of win rate", width_cm=_width_cm(t),
                     height_cm=max(9.0, 0.65 * min(len(frame), 12) + 3.0))  # a line per label


def _width_cm(t: Table) -> float:
    """The chart as wide as the table under it, so it prints on the table's pages."""
    from .placement import CM_PER_DEFAULT_COLUMN
    from .theme import DEFAULT_COLUMN_WIDTH

    widths = t.column_widths()
    columns = sum(w / DEFAULT_COLUMN_WIDTH for w in widths.values()) if widths else 8
    return max(10.0, min(16.0, 0.92 * columns * CM_PER_DEFAULT_COLUMN))  # inside the margin
