"""The report's look, defined once for both writers: colours, cell looks, verdict looks,
named number formats, conditional formats and row heights.

``report/xlsx.py`` turns the looks into named cell styles ("WinLoss Title", ...) that a
restyled template may override; ``report/live.py`` applies the same fonts and fills
directly through xlwings. Colours are hex RGB strings (``rgb`` gives the tuple xlwings
takes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FONT = "Calibri"
NAVY = "1F3864"
ACCENT = "2E75B6"
GREY = "595959"
LIGHT = "EEF3F9"
INK = "262626"
WHITE = "FFFFFF"
SECOND_SERIES = "A5A5A5"
GRIDLINE = "E0E0E0"
INTERVAL_LINE = "9DC3E6"
INTERVAL_MARK = "404040"
TABLE_STYLE = "TableStyleMedium2"

#: Room kept right of every number (the width of ")"), so a right-aligned number never runs
#: into the text of the column beside it.
PAD = "_)"
#: Excel number-format codes of the named formats (``model.Fmt``); shared by both writers.
EXCEL_FORMATS: dict[str, str] = {
    "text": "@",
    "integer": "#,##0" + PAD,
    "number": "#,##0.00" + PAD,
    "percent": "0.0%" + PAD,
    "currency": "#,##0" + PAD,
    "days": '#,##0" d"' + PAD,
    # cells.P_FLOOR: never "0", never an exponent
    "pvalue": f'[<0.0001]"< 0.0001"{PAD};0.0000{PAD}',
    "lift": '0.00"x"' + PAD,
    "date": "yyyy-mm-dd" + PAD,
    "points": f'+0.0" pts"{PAD};-0.0" pts"{PAD};0.0" pts"{PAD}',  # a difference of rates in points
    "score": "General",  # a threshold on the score's own scale: 0.75, 7.5 or 75 as recorded
}
#: Chart value-axis formats of the named formats (shorter than the cells').
AXIS_FORMATS: dict[str, str] = {"percent": "0%", "lift": '0.0"x"', "currency": "#,##0",
                                "integer": "#,##0"}


#: Symbols of common currency codes; any other known code is written before the amount.
CURRENCY_SYMBOLS: dict[str, str] = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹",
                                    "CNY": "¥", "KRW": "₩", "CHF": "CHF ", "CAD": "CA$",
                                    "AUD": "A$"}


def currency_format(code: str | None) -> str:
    """The named format of amounts in ``code`` ("currency" when the currency is not known)."""
    code = (code or "").strip().upper()
    return f"currency:{code}" if code.isalpha() and len(code) == 3 else "currency"


def number_format(fmt: str | None) -> str:
    """The Excel code of a named format ("General" for none or an unknown name); "currency:USD"
    is an amount in a known currency ("$"#,##0), plain "currency" carries no symbol."""
    if fmt and fmt.startswith("currency:"):
        code = fmt.split(":", 1)[1]
        symbol = CURRENCY_SYMBOLS.get(code, f"{code} ")
        return f'"{symbol}"#,##0{PAD}'
    return EXCEL_FORMATS.get(fmt or "", "General")


def axis_format(fmt: str | None) -> str:
    """The Excel code of a chart axis with values of the named format."""
    if fmt and fmt.startswith("currency:"):
        return number_format(fmt)
    return AXIS_FORMATS.get(fmt or "", "General")


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """``"1F3864"`` -> ``(31, 56, 100)`` (the form xlwings takes on both engines)."""
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


@dataclass(frozen=True)
class Look:
    """Font and fill of one kind of cell; ``style`` is its named style in a workbook file."""

    style: str
    size: float
    color: str = INK
    bold: bool = False
    italic: bool = False
    fill: str | None = None
    wrap: bool = False


LOOKS: dict[str, Look] = {
    "title": Look("WinLoss Title", 20, NAVY, bold=True),
    "subtitle": Look("WinLoss Subtitle", 11, GREY),
    "heading": Look("WinLoss Heading", 13, NAVY, bold=True),
    "caption": Look("WinLoss Caption", 12, NAVY, bold=True),
    "finding": Look("WinLoss Finding", 11, INK, wrap=True),
    "note": Look("WinLoss Note", 10, GREY, italic=True, wrap=True),
    "warning": Look("WinLoss Warning", 10, "9C5700", bold=True, fill="FFEB9C", wrap=True),
    "kpi_label": Look("WinLoss KPI label", 10, GREY, bold=True, fill=LIGHT),
    "kpi_value": Look("WinLoss KPI value", 24, NAVY, bold=True, fill=LIGHT),
    "kpi_caption": Look("WinLoss KPI caption", 9, GREY, fill=LIGHT),
    "cell": Look("WinLoss Cell", 10, INK),
    "header": Look("WinLoss Header", 10, WHITE, bold=True, fill=NAVY, wrap=True),
}


@dataclass(frozen=True)
class VerdictLook:
    fill: str
    color: str


#: Every verdict of the report's tables (patterns, personas, changes) and its colours.
VERDICT_LOOKS: dict[str, VerdictLook] = {
    "Strong fit": VerdictLook("C6EFCE", "006100"),
    "Leaning strong": VerdictLook("E2F0D9", "375623"),
    "Poor fit": VerdictLook("FFC7CE", "9C0006"),
    "Leaning poor": VerdictLook("FCE4D6", "843C0C"),
    "Too few deals": VerdictLook("EDEDED", "7F7F7F"),
    "Too few accounts": VerdictLook("EDEDED", "7F7F7F"),
    "Catch-all (not a persona)": VerdictLook("EDEDED", "7F7F7F"),
    "In line": VerdictLook("FFFFFF", "404040"),
    "Improved": VerdictLook("C6EFCE", "006100"),
    "Declined": VerdictLook("FFC7CE", "9C0006"),
    "No clear change": VerdictLook("FFFFFF", "404040"),
    # tblChangeLossReasons: a loss reason cited more is bad news
    "Cited more": VerdictLook("FFC7CE", "9C0006"),
    "Cited less": VerdictLook("C6EFCE", "006100"),
    # tblFollowUp outcomes
    "acted on, and it held": VerdictLook("C6EFCE", "006100"),
    "acted on, but the win rate fell": VerdictLook("FFC7CE", "9C0006"),
    "not acted on": VerdictLook("FFFFFF", "404040"),
    "too few deals to tell": VerdictLook("EDEDED", "7F7F7F"),
}


def verdict_look(verdict: object) -> VerdictLook | None:
    """The colours of a verdict cell, None for text that is not a verdict."""
    return VERDICT_LOOKS.get(str(verdict))


# ------------------------------------------------------------------ conditional formats

#: Data bars run from 0 to 1 (rates and shares are fractions).
DATA_BAR_COLOUR = "9DC3E6"
DATA_BAR_RANGE = (0, 1)
#: Colour scales: red below, white at, green above the neutral value.
SCALE_COLOURS = ("F8A5A5", "FFFFFF", "8FD19E")


def scale_thresholds(column: str, fmt: str | None = None) -> tuple[float, float, float]:
    """Low, neutral and high value of a colour scale: lift is neutral at 1, differences at 0
    (fractions, or points when the column is shown in points)."""
    if column.lower().startswith("lift"):
        return (0.5, 1, 1.5)
    return (-20.0, 0.0, 20.0) if fmt == "points" else (-0.2, 0, 0.2)


# ------------------------------------------------------------------------ row heights

#: Excel's largest row height (points); a larger one is refused.
MAX_ROW_HEIGHT = 409.0
DEFAULT_ROW_HEIGHT = 15.0
DEFAULT_COLUMN_WIDTH = 8.43
TITLE_ROW_HEIGHT = 30.0
HEADER_ROW_HEIGHT = 30.0
CAPTION_ROW_HEIGHT = 20.0
KPI_ROW_HEIGHTS = (22.0, 36.0, 20.0)  # label, value, caption
#: Height of one line of a note, by note style.
NOTE_LINE_HEIGHT = {"note": 12.5, "finding": 16.5, "warning": 15.0, "heading": 22.0}


def note_height(text: str, style: str, span_chars: float) -> float:
    """Row height (points) of a wrapped note across columns ``span_chars`` characters wide,
    at most Excel's limit."""
    per_line = max(span_chars * (1.25 if style == "note" else 1.05), 20)
    lines = max(1, math.ceil(len(text) / per_line))
    base = NOTE_LINE_HEIGHT.get(style, 15.0)
    return min(base * lines + (3 if style != "heading" else 0), MAX_ROW_HEIGHT)
