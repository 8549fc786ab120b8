"""Periods of close dates: parse ``2025Q4``, ``2025-10``, ``2025``, ``FY2026Q1``, ranges.

A :class:`Period` is a first and a last day (both inclusive) and a label. It is
what ``--period``, the Changes sheet and ``WINRATE_CHANGE`` select deals by.

Forms :func:`parse_period` reads (case and inner spaces do not matter):

==========================  ==========================================================
``2025Q4`` ``2025-Q4``      calendar quarter (October to December 2025)
``2025-10``                 calendar month
``2025``                    calendar year
``FY2026Q1`` ``FY2026``     fiscal quarter or year, from ``fiscal_year_start_month``
``2025-10-01``              one day
``A..B``                    from the first day of period A to the last day of period B,
                            e.g. ``2025-10-01..2025-12-31`` or ``2025-10..2025-12``
==========================  ==========================================================

Fiscal years follow the trend table's rule (engine/trend.py): a fiscal year is
named after the calendar year in which it *ends*, so with a fiscal year starting
in October, ``FY2026Q1`` is October to December 2025. With a January start a
fiscal quarter is the calendar quarter.

>>> parse_period("2025Q4")
Period(start=datetime.date(2025, 10, 1), end=datetime.date(2025, 12, 31), label='2025 Q4')
>>> parse_period("FY2026Q1", fiscal_year_start_month=10).start
datetime.date(2025, 10, 1)
>>> last_complete_quarter(dt.date(2026, 1, 2)).label
'2025 Q4'
>>> quarter_before(parse_period("2025Q1")).label
'2024 Q4'

Pure: no I/O; a malformed period is an :class:`~winloss_xl.errors.InputError`
that shows the forms above.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError

#: The forms a period may take, as messages show them.
PERIOD_FORMS = ("2025Q4, 2025-10, 2025, FY2026Q1 (fiscal quarter), FY2026 (fiscal year), "
                "2025-10-01 or a range 2025-10-01..2025-12-31")
#: Years a period may name (the dates pandas holds, with room to spare).
FIRST_YEAR, LAST_YEAR = 1900, 2200

_QUARTER = re.compile(r"(?P<fy>FY)?(?P<year>\d{4})-?Q(?P<q>\d)")
_FISCAL_YEAR = re.compile(r"FY(?P<year>\d{4})")
_YEAR = re.compile(r"\d{4}")
_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})")
_DAY = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")


@dataclass(frozen=True)
class Period:
    """Close dates from ``start`` to ``end`` (both inclusive), shown as ``label``."""

    start: dt.date
    end: dt.date
    label: str

    @property
    def days(self) -> int:
        """Number of days in the period (a quarter has 90 to 92)."""
        return (self.end - self.start).days + 1

    def contains(self, dates: pd.Series) -> np.ndarray:
        """True for each date within the period (any time of its last day too); False for
        blanks and for values that are not dates."""
        d = pd.to_datetime(dates, errors="coerce")
        if getattr(d.dt, "tz", None) is not None:
            d = d.dt.tz_localize(None)
        after = pd.Timestamp(self.end) + pd.Timedelta(days=1)
        return ((d >= pd.Timestamp(self.start)) & (d < after)).fillna(False).to_numpy(dtype=bool)

    def describe(self) -> str:
        """The label with its days, for titles and Data Quality: "2025 Q4 (2025-10-01 to 2025-12-31)"."""
        span = f"{self.start.isoformat()} to {self.end.isoformat()}"
        return self.label if self.label == span else f"{self.label} ({span})"


def parse_period(text: str, fiscal_year_start_month: int = 1) -> Period:
    """The period ``text`` names (forms in the module docstring); InputError when malformed."""
    raw = str(text if text is not None else "")
    compact = re.sub(r"\s+", "", raw).upper()
    if ".." in compact:
        left, _, right = compact.partition("..")
        if not left or not right or ".." in right:
            raise _malformed(raw, "a range needs a first and a last period: A..B")
        first = _single(left, raw, fiscal_year_start_month)
        last = _single(right, raw, fiscal_year_start_month)
        if last.end < first.start:
            raise _malformed(raw, "the range ends before it starts")
        return Period(first.start, last.end, f"{first.start.isoformat()} to {last.end.isoformat()}")
    return _single(compact, raw, fiscal_year_start_month)


def quarter_of(day: dt.date, fiscal_year_start_month: int = 1) -> Period:
    """The quarter holding ``day``: a calendar quarter with a January start, else fiscal."""
    month_index = day.year * 12 + day.month - 1
    first = month_index - (day.month - fiscal_year_start_month) % 3
    return _quarter_from_month(first, fiscal_year_start_month)


def last_complete_quarter(as_of: dt.date, fiscal_year_start_month: int = 1) -> Period:
    """The latest quarter that ends on or before ``as_of``.

    Pass the latest close date to get the data's last complete quarter (the trend
    table's rule), or yesterday to get the last quarter that is over by today.
    """
    current = quarter_of(as_of, fiscal_year_start_month)
    if current.end <= as_of:
        return current
    return quarter_of(current.start - dt.timedelta(days=1), fiscal_year_start_month)


def quarter_before(period: Period, fiscal_year_start_month: int = 1) -> Period:
    """The latest quarter that ends before ``period`` starts (for a quarter: the previous one)."""
    return last_complete_quarter(period.start - dt.timedelta(days=1), fiscal_year_start_month)


def period_before(period: Period, fiscal_year_start_month: int = 1) -> Period:
    """The period of the same kind and length that ends the day before ``period`` starts.

    The Changes sheet's default baseline: a quarter -> the quarter before, a month -> the
    month before, a (fiscal) year -> the year before, N whole months -> the N months
    before, any other range -> as many days before it.

    >>> period_before(parse_period("2025")).label, period_before(parse_period("2025-10")).label
    ('2024', '2025-09')
    """
    fy = fiscal_year_start_month
    months = _whole_months(period)
    if months is None:
        end = period.start - dt.timedelta(days=1)
        start = end - dt.timedelta(days=period.days - 1)
        return Period(start, end, f"{start.isoformat()} to {end.isoformat()}")
    first = period.start.year * 12 + period.start.month - 1 - months
    start = dt.date(first // 12, first % 12 + 1, 1)
    end = period.start - dt.timedelta(days=1)
    text = {1: f"{start.year}-{start.month:02d}", 3: quarter_of(start, fy).label}.get(months)
    if months == 3 and quarter_of(start, fy).start != start:
        text = None  # three months that are not one quarter
    if months == 12 and start.month == 1:
        text = str(start.year)
    elif months == 12 and start.month == fy:
        text = f"FY{end.year}"
    return Period(start, end, text or f"{start.isoformat()} to {end.isoformat()}")


def _whole_months(period: Period) -> int | None:
    """How many calendar months ``period`` spans when it starts on a 1st and ends on a month's
    last day, else None."""
    if period.start.day != 1 or _month_end(dt.date(period.end.year, period.end.month, 1)) != period.end:
        return None
    return (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1


# --------------------------------------------------------------------------- parsing

def _single(text: str, raw: str, start_month: int) -> Period:
    """One period without "..": a quarter, fiscal year, year, month or day."""
    if m := _QUARTER.fullmatch(text):
        year, q = _year(m["year"], raw), int(m["q"])
        if not 1 <= q <= 4:
            raise _malformed(raw, f"Q{q} is not a quarter (Q1 to Q4)")
        if m["fy"]:
            return _fiscal_quarter(year, q, start_month)
        return _quarter_from_month(year * 12 + 3 * (q - 1), 1)
    if m := _FISCAL_YEAR.fullmatch(text):
        year = _year(m["year"], raw)
        first, last = (_fiscal_quarter(year, q, start_month) for q in (1, 4))
        return Period(first.start, last.end, f"FY{year}")
    if _YEAR.fullmatch(text):
        year = _year(text, raw)
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))
    if m := _MONTH.fullmatch(text):
        year, month = _year(m["year"], raw), int(m["month"])
        if not 1 <= month <= 12:
            raise _malformed(raw, f"{month} is not a month (01 to 12)")
        start = dt.date(year, month, 1)
        return Period(start, _month_end(start), f"{year}-{month:02d}")
    if m := _DAY.fullmatch(text):
        try:
            day = dt.date(_year(m["year"], raw), int(m["month"]), int(m["day"]))
        except ValueError:
            raise _malformed(raw, f"{text} is not a date of the calendar") from None
        return Period(day, day, day.isoformat())
    raise _malformed(raw)


def fiscal_quarter(fiscal_year: int, q: int, start_month: int = 1) -> Period:
    """Quarter ``q`` (1-4) of a fiscal year named after the calendar year it ends in, labelled
    as the trend table labels it ("2025 Q4" with a January start, else "FY2026 Q1").

    >>> fiscal_quarter(2026, 1, 10).start.isoformat(), fiscal_quarter(2025, 4).label
    ('2025-10-01', '2025 Q4')
    """
    base_year = fiscal_year - (1 if start_month != 1 else 0)
    return _quarter_from_month(base_year * 12 + (start_month - 1) + 3 * (q - 1), start_month)


def _fiscal_quarter(fiscal_year: int, q: int, start_month: int) -> Period:
    """Quarter ``q`` of fiscal year ``fiscal_year``, labelled "FY2026 Q1" as the user wrote it."""
    period = fiscal_quarter(fiscal_year, q, start_month)
    return Period(period.start, period.end, f"FY{fiscal_year} Q{q}")


def _quarter_from_month(first_month: int, start_month: int) -> Period:
    """The quarter whose first month is ``first_month`` (year * 12 + month - 1), labelled as
    the trend table labels it: "2025 Q4" with a January start, else "FY2026 Q1"."""
    start = dt.date(first_month // 12, first_month % 12 + 1, 1)
    last = first_month + 2
    end = _month_end(dt.date(last // 12, last % 12 + 1, 1))
    q = (start.month - start_month) % 12 // 3 + 1
    if start_month == 1:
        return Period(start, end, f"{start.year} Q{q}")
    fiscal_year = start.year + (1 if start.month >= start_month else 0)
    return Period(start, end, f"FY{fiscal_year} Q{q}")


def _month_end(first: dt.date) -> dt.date:
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _year(text: str, raw: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _malformed(raw, f"the year {year} is outside {FIRST_YEAR} to {LAST_YEAR}")
    return year


def _malformed(raw: str, reason: str = "") -> InputError:
    shown = raw if len(raw) <= 40 else raw[:37] + "..."
    return InputError(f"'{shown}' is not a period" + (f": {reason}" if reason else ""),
                      expected=PERIOD_FORMS)
