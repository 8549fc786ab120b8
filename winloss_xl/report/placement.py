"""Where a sheet's tables, notes and charts go, and how the sheet prints (pure data).

A sheet's tables are placed in *lanes*: columns of blocks side by side, every lane's first
table header on the same sheet row. Tables stack in one lane while their columns agree on
widths and the lane fits on one printed page; a table whose columns would fight with the
lane's (a narrow number column under a long text column), or that is longer than a page,
starts a new lane to the right. So each table gets widths from its own columns, and the one
row of print titles a sheet can have is the header row of every long table.

Printing: landscape; fit to the page width when that keeps 10 pt table text at
:data:`MIN_SCALE` or more (7.5 pt printed), else that fixed scale with a page break between
lanes; a page break before a stacked table that would straddle a page; print titles when a
table runs over a page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from . import theme
from .model import Chart, Note, PrintSetup, SheetSpec, Table, Title, text_lines

#: Smallest print scale (percent): 10 pt table text prints at 6 pt type, whose words measure
#: about 7.8 pt high in the PDF (a word's box holds ascenders and descenders: 1.3 x the size).
MIN_SCALE = 60
#: Printable area of a landscape Letter page with the report's margins, in points.
PAGE_WIDTH_PT = (11 * 72 - 2 * 0.4 * 72) * 0.95  # 5% spare: applications round widths up
PAGE_HEIGHT_PT = 8.5 * 72 - 2 * 0.5 * 72 - 2 * 0.3 * 72
#: Two tables fight over a column when one needs this many more characters than the other...
FIGHT_CHARS = 14.0
#: ... and more than this many times as many.
FIGHT_RATIO = 2.0
GAP_COLUMN_WIDTH = 3.0
CM_PER_DEFAULT_COLUMN = 64 * 2.54 / 96  # 8.43 characters = 64 pixels
#: Height of a default sheet row (15 pt) in cm: how many rows a chart covers.
ROW_HEIGHT_CM = 0.53


def chart_rows(height_cm: float) -> int:
    """Default-height rows a chart of ``height_cm`` takes, with one row to spare below it."""
    return math.ceil(height_cm / ROW_HEIGHT_CM) + 1


#: Printed points per character of column width, as LibreOffice prints the report (measured
#: from its PDF; Excel prints narrower, so a page that fits here fits there).
POINTS_PER_CHAR = 7.0


def column_points(width_chars: float) -> float:
    """Printed width (points, 100%) of a column ``width_chars`` wide."""
    return width_chars * POINTS_PER_CHAR


def page_chars(scale: int = MIN_SCALE) -> float:
    """Characters of column width one printed page holds at ``scale`` percent (with column A)."""
    return PAGE_WIDTH_PT * 100 / scale / POINTS_PER_CHAR - 2


def collapse_to_page(t: Table, keep: frozenset[str] | set[str]) -> Table:
    """``t`` with trailing detail columns (not in ``keep``) collapsed until the visible ones
    print on one page width at MIN_SCALE; unchanged when it already fits."""
    widths = list(t.column_widths().values())
    names = t.column_names()
    room, total = page_chars(), sum(widths)
    hidden: list[str] = []
    for name, width in reversed(list(zip(names, widths))):
        if total <= room:
            break
        if name in keep:
            continue
        hidden.insert(0, name)
        total -= width
    return replace(t, collapsed=tuple(hidden)) if hidden else t


def fights(a: list[float], b: list[float]) -> bool:
    """True when two tables stacked in the same columns would force a column far wider than
    one of them needs (column by column, from the left)."""
    for wa, wb in zip(a, b):
        lo, hi = min(wa, wb), max(wa, wb)
        if hi - lo > FIGHT_CHARS and hi > FIGHT_RATIO * lo:
            return True
    return False


@dataclass
class _Item:
    table: Table
    lead: list[tuple[str, str]] = field(default_factory=list)  # notes above the table
    trail: list[str] = field(default_factory=list)  # notes under the table, one a row
    chart: dict | None = None  # Chart keywords, placed right of or above the table
    gap: int = 2


@dataclass
class _Lane:
    col: int
    items: list[_Item] = field(default_factory=list)

    def widths(self) -> list[float]:
        out: list[float] = []
        for it in self.items:
            w = list(it.table.column_widths().values())
            out = [max(x, y) for x, y in zip(out, w)] + (w[len(out):] if len(w) > len(out) else
                                                          out[len(w):])
        return out

    def rows(self) -> int:
        return sum(_item_rows(it) for it in self.items)


def _item_rows(it: _Item) -> int:
    return 2 + len(it.lead) + max(len(it.table.frame), 1) + len(it.trail) + it.gap


def page_rows(scale: int = MIN_SCALE) -> int:
    """Default-height rows on one printed page at ``scale`` percent."""
    return int(PAGE_HEIGHT_PT / (theme.DEFAULT_ROW_HEIGHT * scale / 100))


class SheetBuilder:
    """Collects a sheet's tables, notes and charts, then places them (see module doc)."""

    def __init__(self, spec: SheetSpec, top_row: int, left: int, note_width: int) -> None:
        self.spec, self.top, self.left, self.note_width = spec, top_row, left, note_width
        self.items: list[_Item] = []
        self._lead: list[tuple[str, str]] = []

    def note(self, text: str, style: str = "note") -> None:
        """A note placed above the next table (in its lane)."""
        if text:
            self._lead.append((text, style))

    def table(self, t: Table, trail: list[str] | None = None, gap: int = 2) -> _Item:
        item = _Item(t, self._lead, [x for x in trail or [] if x], None, gap)
        self._lead = []
        self.items.append(item)
        return item

    # ----------------------------------------------------------------- placing

    def _lanes(self) -> list[_Lane]:
        lanes: list[_Lane] = []
        # a lane's tables must fit the page they start on: what sits above them (title, notes,
        # charts) and taller wrapped rows take room, so a tenth of the page is kept spare
        charts = [chart_rows(it.chart.get("height_cm", 7.5)) for it in self.items if it.chart]
        limit = int(page_rows() * 0.9) - self.top - max(charts, default=0)
        # A table longer than a page needs print titles, and a sheet has one title row: the
        # lanes' header row. A table stacked under another has its header elsewhere, so its
        # rows on a later page would print under the wrong header: then every table gets a lane.
        may_stack = not any(_item_rows(it) > limit for it in self.items)
        for it in self.items:
            lane = lanes[-1] if lanes else None
            widths = list(it.table.column_widths().values())
            stack = (may_stack and lane is not None and not fights(lane.widths(), widths)
                     and lane.rows() + _item_rows(it) <= limit)
            if lane is None or not stack:
                lanes.append(_Lane(col=self.left))
            lanes[-1].items.append(it)
        return lanes

    def place(self) -> SheetSpec:
        """Positions for every block, column widths, freeze panes and the print setup."""
        spec, lanes = self.spec, self._lanes()
        charts = [it for it in self.items if it.chart]
        beside = len(lanes) == 1 and len(charts) == 1 and charts[0] is lanes[0].items[0]
        header_row = self.top + 1 + max((len(lane.items[0].lead) for lane in lanes), default=0)
        if charts and not beside:  # charts above the lanes, side by side
            col, height = self.left, 0.0
            for it in charts:
                kw = dict(it.chart)
                spec.blocks.append(Chart(row=self.top, col=col, **kw))
                col += math.ceil(kw.get("width_cm", 16.0) / CM_PER_DEFAULT_COLUMN) + 1
                height = max(height, kw.get("height_cm", 7.5))
            header_row += chart_rows(height)
        segments: list[tuple[int, int]] = []
        col = self.left
        for lane in lanes:
            lane.col = col
            last = self._place_lane(lane, header_row, beside)
            segments.append((col, last))
            if beside:
                chart = next(b for b in spec.blocks if isinstance(b, Chart))
                spec.column_widths.setdefault(last + 1, GAP_COLUMN_WIDTH)
                last = chart.col + math.ceil(chart.width_cm / CM_PER_DEFAULT_COLUMN) - 1
                segments.append((chart.col, last))
            col = last + 2
            spec.column_widths.setdefault(last + 1, GAP_COLUMN_WIDTH)
        every_header_on_one_row = all(len(lane.items) == 1 for lane in lanes) and bool(lanes)
        spec.freeze_row = header_row + 1 if every_header_on_one_row and not (
            charts and not beside) else None
        spec.printing = print_setup(spec, segments, header_row)
        return spec

    def _place_lane(self, lane: _Lane, header_row: int, beside: bool) -> int:
        spec = self.spec
        row = header_row - 1 - len(lane.items[0].lead)  # the first table's header on header_row
        last_col = lane.col
        for it in lane.items:
            ncols = len(it.table.column_names()) - len(it.table.collapsed)
            width = max(ncols, 1)  # notes span the visible columns (folded ones print as nothing)
            for text, style in it.lead:
                spec.blocks.append(Note(row=row, col=lane.col, text=text, width=width,
                                        style=style))  # type: ignore[arg-type]
                row += 1
            t = replace(it.table, row=row + 1, col=lane.col)
            spec.blocks.append(t)
            row = t.last_row + 1
            for text in it.trail:
                spec.blocks.append(Note(row=row, col=lane.col, text=text, width=width,
                                        style="note"))
                row += 1
            if it.chart and beside:
                kw = dict(it.chart)
                spec.blocks.append(Chart(row=t.row, col=t.last_col + 2, **kw))
                row = max(row, t.row + chart_rows(kw.get("height_cm", 7.5)))
            row += it.gap
            last_col = max(last_col, t.last_col)
        return last_col


# --------------------------------------------------------------------------- printing

def _widths(spec: SheetSpec) -> dict[int, float]:
    return spec.effective_column_widths()


def row_heights(spec: SheetSpec) -> dict[int, float]:
    """Estimated printed height (points) of the sheet's rows that are not default height."""
    widths = _widths(spec)
    out: dict[int, float] = {}

    def put(r: int, h: float) -> None:
        out[r] = max(out.get(r, 0.0), h)

    for b in spec.blocks:
        if isinstance(b, Table):
            put(b.row, b.header_height(widths))
            if b.caption:
                put(b.row - 1, theme.CAPTION_ROW_HEIGHT)
            for r, h in b.row_heights(widths).items():
                put(r, h)
        elif isinstance(b, Note):
            span = sum(widths.get(c, theme.DEFAULT_COLUMN_WIDTH) for c in range(b.col, b.col + b.width))
            put(b.row, theme.note_height(b.text, b.style, span))
        elif isinstance(b, Title):
            put(b.row, theme.TITLE_ROW_HEIGHT)
    return out


def _last_row(spec: SheetSpec) -> int:
    last = 1
    for b in spec.blocks:
        if isinstance(b, Table):
            last = max(last, b.last_row + 1)
        elif isinstance(b, Chart):
            last = max(last, b.row + math.ceil(b.height_cm / ROW_HEIGHT_CM))
        else:
            last = max(last, getattr(b, "row", 1) + 3)
    return last


def print_setup(spec: SheetSpec, segments: list[tuple[int, int]], header_row: int) -> PrintSetup:
    """Fit to width when the whole sheet prints at MIN_SCALE or more, else a fixed scale with
    column breaks between segments; row breaks before tables that would straddle a page;
    print titles (the lanes' header row) when a table still runs over a page."""
    widths = _widths(spec)

    hidden = {c for t in spec.tables() for c in t.collapsed_columns()}

    def points(first: int, last: int) -> float:
        return sum(column_points(widths.get(c, theme.DEFAULT_COLUMN_WIDTH))
                   for c in range(first, last + 1) if c not in hidden)

    total = points(1, max((s[1] for s in segments), default=1))
    fit = total * MIN_SCALE / 100 <= PAGE_WIDTH_PT
    col_breaks: list[int] = []
    if fit:
        scale = max(MIN_SCALE, min(100, int(PAGE_WIDTH_PT / total * 100)))
    else:
        widest = max(points(1 if i == 0 else a, b) for i, (a, b) in enumerate(segments))
        scale = max(MIN_SCALE, min(100, int(PAGE_WIDTH_PT / widest * 100)))
        col_breaks = _col_breaks(segments, points, PAGE_WIDTH_PT * 100 / scale)
    heights = row_heights(spec)
    page = PAGE_HEIGHT_PT * 100 / scale
    row_breaks, page_of = _row_breaks(spec, heights, page)
    # print titles when a table's rows run onto a second page (its header is not on it)
    crosses = any(page_of.get(t.last_row, 1) != page_of.get(t.row, 1) for t in spec.tables())
    titles = (header_row, header_row) if crosses else None
    return PrintSetup(fit_width=fit, scale=scale, col_breaks=tuple(col_breaks),
                      row_breaks=tuple(row_breaks), title_rows=titles)


def _col_breaks(segments: list[tuple[int, int]], points, room: float) -> list[int]:
    """Columns after which a page ends: between segments, packed left to right, and inside
    a segment wider than a page (at a column boundary)."""
    out: list[int] = []
    used = points(1, segments[0][0] - 1)
    for k, (a, b) in enumerate(segments):
        start = a if k == 0 else segments[k - 1][1] + 1  # the gap column rides with the segment
        if used + points(start, b) > room and used > 0 and k > 0:
            out.append(start - 1)
            used = -points(start, a - 1)  # a page's first segment does not pay for its gap
        for c in range(start, b + 1):
            w = points(c, c)
            if used + w > room and used > 0:
                out.append(c - 1)
                used = 0.0
            used += w
    return out


def _row_breaks(spec: SheetSpec, heights: dict[int, float],
                page: float) -> tuple[list[int], dict[int, int]]:
    """Rows after which a page ends, and the printed page of each row: a page ends before a
    table (its caption) or a chart that would otherwise straddle a page boundary and fits on
    one page, unless that row lies inside another lane's table."""
    tables = spec.tables()
    ends: dict[int, int] = {}
    for t in tables:
        ends[t.row - 1] = max(ends.get(t.row - 1, 0), t.last_row + 1)
    for c in spec.blocks:  # a chart is a block too: it moves to the next page whole
        if isinstance(c, Chart):
            last = c.row + math.ceil(c.height_cm / ROW_HEIGHT_CM)
            ends[c.row] = max(ends.get(c.row, 0), last)
    inside = {x for t in tables for x in range(t.row, t.last_row + 1)}  # a break there cuts a table
    out: list[int] = []
    page_of: dict[int, int] = {}
    used, number = 0.0, 1
    for r in range(1, _last_row(spec) + 1):
        if r in ends and r > 2 and used > 0 and r not in inside:
            block = sum(heights.get(x, theme.DEFAULT_ROW_HEIGHT) for x in range(r, ends[r] + 1))
            if used + block > page and block <= page:
                out.append(r - 1)
                used, number = 0.0, number + 1
        h = heights.get(r, theme.DEFAULT_ROW_HEIGHT)
        if used + h > page:
            used, number = 0.0, number + 1
        used += h
        page_of[r] = number
    return out, page_of


__all__ = ["MIN_SCALE", "SheetBuilder", "collapse_to_page", "column_points", "fights",
           "page_chars", "page_rows", "print_setup", "row_heights", "text_lines"]
