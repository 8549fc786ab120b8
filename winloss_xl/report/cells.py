"""What goes into one cell: text safety, value conversion and the formula rule.

Shared by both report writers (``report/xlsx.py`` with openpyxl, ``report/live.py``
through xlwings) and by the formulas (``excel/udfs.py``), so a value looks the same
whichever way it reaches Excel.

* :func:`to_cell` turns pandas / numpy / Decimal values into the plain Python values a
  workbook holds: None, bool, int, float, str or datetime.
* :func:`clean_text` keeps text that a workbook can hold: no XML control characters,
  at most :data:`MAX_CELL_CHARS` characters (Excel's limit).
* :func:`runs_as_formula` is the one rule of which text Excel would run as a formula.
* :func:`typed_text` is text as it must be handed to Excel's ``Range.Value`` (COM on
  Windows, AppleScript on macOS). Excel parses such text as if it were typed in:
  ``001`` becomes 1, ``1/2`` and ``May 2020`` become dates, ``True`` a boolean,
  ``5%`` 0.05, ``=...`` a formula, and a leading apostrophe disappears. A leading
  apostrophe is Excel's own "this is text" prefix: it is not part of the value and
  is not shown, so ``'001`` stores exactly ``001``. The headless writer needs no
  prefix: a file stores a string cell as a string.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ..numbers_text import P_FLOOR, p_text, points_text  # noqa: F401 - shared with the engine

#: Characters that make Excel run typed text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Excel's limit of characters in one cell.
MAX_CELL_CHARS = 32767
#: What a KPI tile without a value shows (both writers).
KPI_MISSING = "n/a"
#: Excel's own "store as text" prefix for typed entries (never part of the value).
TEXT_PREFIX = "'"
#: Control characters an .xlsx (XML 1.0) cannot hold; the same set openpyxl refuses.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def runs_as_formula(text: str) -> bool:
    """True when Excel would run ``text``, typed into a cell, as a formula.

    >>> runs_as_formula("=HYPERLINK(\\"x\\")"), runs_as_formula("-5 pts"), runs_as_formula("5-10")
    (True, True, False)
    """
    return text.startswith(FORMULA_STARTS)


def clean_text(text: str) -> str:
    """``text`` as a cell can hold it: control characters removed, cut to Excel's limit.

    >>> clean_text("a\\x00b\\tc")
    'ab\\tc'
    """
    return _ILLEGAL.sub("", text)[:MAX_CELL_CHARS]


def typed_text(text: str) -> str:
    """``text`` prefixed so that Excel's typed-entry parsing stores exactly ``text``.

    Every text gets the prefix: which text Excel would convert depends on the user's
    locale (dates, decimal separators), so no rule short of "always" is safe.

    >>> typed_text("001"), typed_text("=1+1"), typed_text("'quoted")
    ("'001", "'=1+1", "''quoted")
    """
    return TEXT_PREFIX + clean_text(text)


def to_cell(value: Any, blank: Any = None, guard: bool = False) -> Any:
    """One workbook value for ``value``; ``blank`` stands for missing (None, NaN, NaT, NA).

    ``guard=True`` returns text through :func:`typed_text` (for values written through
    Excel's ``Range.Value``); a formula's returned array is never parsed by Excel, and
    a file stores text as text, so those pass ``guard=False``.

    >>> to_cell(np.int64(3)), to_cell(float("nan")), to_cell(Decimal("0.5")), to_cell("5-10", guard=True)
    (3, None, 0.5, "'5-10")
    """
    out = _plain(value, blank)
    if guard and isinstance(out, str):
        return typed_text(out)
    return out


def _plain(value: Any, blank: Any) -> Any:
    if value is None or value is pd.NaT or value is pd.NA:
        return blank
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating, Decimal)):
        number = float(value)
        return number if math.isfinite(number) else blank
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_localize(None)
        return value.to_pydatetime()
    if isinstance(value, np.datetime64):
        return blank if np.isnat(value) else pd.Timestamp(value).to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, pd.Timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in value)
    try:
        if pd.isna(value):
            return blank
    except (TypeError, ValueError):
        pass
    return str(value)


def frame_rows(frame: pd.DataFrame, blank: Any = None, header: bool = True,
               guard: bool = False) -> list[list[Any]]:
    """A DataFrame as a 2-D list of cell values, header row first."""
    rows: list[list[Any]] = []
    if header:
        rows.append([to_cell(str(c), blank, guard) for c in frame.columns])
    for record in frame.itertuples(index=False, name=None):
        rows.append([to_cell(v, blank, guard) for v in record])
    return rows


def table_headers(columns: Iterable[object]) -> list[str]:
    """Unique, non-empty text headers, as an Excel Table needs them (both writers).

    >>> table_headers(["Deals", "deals", " ", "Deals"])
    ['Deals', 'deals 2', 'Column', 'Deals 3']
    """
    seen: dict[str, int] = {}
    out = []
    for name in columns:
        header = clean_text(str(name)).strip() or "Column"
        key = header.lower()
        if key in seen:
            seen[key] += 1
            header = f"{header} {seen[key]}"
        seen.setdefault(header.lower(), 1)
        out.append(header)
    return out
