"""Python / pandas values <-> Excel cell values, shared by the formulas and the live writer.

Excel (through xlwings/COM) accepts None, bool, int, float, str and datetime. pandas
hands out NaN, NaT, ``pd.NA``, numpy scalars and Timestamps: :func:`to_cell` turns each
into one of the former. Text that Excel would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or CR) gets an apostrophe prefix, which Excel stores as a text
prefix and does not show.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """``text`` as Excel must receive it so that it stays text (never a formula)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_cell(value: Any, blank: Any = None, guard: bool = True) -> Any:
    """One Excel-ready value; ``blank`` stands for missing values (None, NaN, NaT, NA).

    ``guard`` prefixes formula-like text with an apostrophe (for values written into
    cells); a formula's returned array is never evaluated, so the formulas pass False.
    """
    text = safe_text if guard else str
    if value is None or value is pd.NaT:
        return blank
    if isinstance(value, str):
        return text(value)
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
        if np.isnat(value):
            return blank
        return pd.Timestamp(value).to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, pd.Timedelta):
        return None if pd.isna(value) else value.total_seconds() / 86400
    if isinstance(value, (list, tuple, set, frozenset)):
        return text("; ".join(str(v) for v in value))
    try:
        if pd.isna(value):
            return blank
    except (TypeError, ValueError):
        pass
    return text(str(value))


def frame_rows(frame: pd.DataFrame, blank: Any = None, header: bool = True,
               guard: bool = True) -> list[list[Any]]:
    """A DataFrame as a 2-D list of Excel values, header row first."""
    rows: list[list[Any]] = []
    if header:
        rows.append([to_cell(str(c), blank, guard) for c in frame.columns])
    for record in frame.itertuples(index=False, name=None):
        rows.append([to_cell(v, blank, guard) for v in record])
    return rows
