"""What Excel stores when a string reaches a cell through ``Range.Value`` (en-US locale).

Excel treats such a string as if it had been typed in (xlwings issues #1269: "001"
becomes 1; #2247/#2248: "1/2" becomes a date; #1635: "May 2020" becomes a date). This
model is deliberately independent of winloss_xl's own rules, so the double notices when
the writer hands Excel text that Excel would change:

* a leading apostrophe is Excel's text prefix: it is dropped and the rest stays text;
* in a cell formatted as text (``@``) a string stays as it is;
* numbers (leading zeros, thousands separators, signs, exponents, ``(5)``, ``$5``,
  fractions such as ``1 1/2``), percentages, ``TRUE``/``FALSE`` (any case), error
  literals, times and dates (``1/2``, ``5-10``, ``2020-05-01``, ``May 2020``,
  ``5-May``, ``Jan 5``...) are converted;
* other text starting with ``= + - @`` would run as a formula: refused, as the double
  refuses anything Excel would turn into a formula.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
MONTHS.update({name: i for i, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)})
MONTHS["sept"] = 9

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d*)?([eE][+-]?\d+)?$")
_PERCENT = re.compile(r"^([+-]?[\d,]*\.?\d+)\s*%$")
_PAREN = re.compile(r"^\(\$?([\d,]*\.?\d+)\)$")
_CURRENCY = re.compile(r"^([+-]?)\$\s*([\d,]*\.?\d+)$")
_FRACTION = re.compile(r"^(\d+ )?(\d+)/(\d+)$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(:(\d{2}))?\s*([AaPp][Mm])?$")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})([/-])(\d{1,2})(?:\2(\d{1,4}))?$")
_WORD_DATE = re.compile(r"^(\d{1,2})?[\s-]*([A-Za-z]{3,9})\.?[\s,-]*(\d{1,4})?$")
ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
FORMULA_STARTS = ("=", "+", "-", "@")  # after any tab / CR


@dataclass(frozen=True)
class ExcelError:
    """An error value such as #N/A, as a cell holds it."""

    text: str


class WouldRunAsFormula(AssertionError):
    """Text that Excel would run as a formula reached a cell."""


def typed_entry(text: str, number_format: str = "General") -> tuple[Any, bool]:
    """(stored value, has text prefix) for ``text`` written into a cell."""
    if text.startswith("'"):
        return text[1:], True
    if number_format == "@":
        return text, False
    value = _convert(text.strip())
    if value is not None:
        return value, False
    if text.lstrip("\t\r").startswith(FORMULA_STARTS):
        raise WouldRunAsFormula(f"Excel would run {text!r} as a formula")
    return text, False


def _convert(s: str) -> Any:
    if not s:
        return None
    if s.upper() in ("TRUE", "FALSE"):
        return s.upper() == "TRUE"
    if s.upper() in ERRORS:
        return ExcelError(s.upper())
    for parse in (_number, _percent, _paren, _currency, _fraction, _time, _numeric_date,
                  _word_date):
        value = parse(s)
        if value is not None:
            return value
    return None


def _number(s: str) -> float | None:
    if _NUMBER.match(s) and any(ch.isdigit() for ch in s):
        return float(s.replace(",", ""))
    return None


def _percent(s: str) -> float | None:
    m = _PERCENT.match(s)
    return float(m.group(1).replace(",", "")) / 100 if m else None


def _paren(s: str) -> float | None:
    m = _PAREN.match(s)
    return -float(m.group(1).replace(",", "")) if m else None


def _currency(s: str) -> float | None:
    m = _CURRENCY.match(s)
    if not m:
        return None
    value = float(m.group(2).replace(",", ""))
    return -value if m.group(1) == "-" else value


def _fraction(s: str) -> float | None:
    m = _FRACTION.match(s)
    if not m or not m.group(1):  # "1/2" alone is a date
        return None
    whole, num, den = int(m.group(1)), int(m.group(2)), int(m.group(3))
    return whole + num / den if den and num < den else None


def _time(s: str) -> float | None:
    m = _TIME.match(s)
    if not m:
        return None
    hours, minutes, seconds = int(m.group(1)), int(m.group(2)), int(m.group(4) or 0)
    if m.group(5):
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if m.group(5).lower() == "pm" else 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return (hours * 3600 + minutes * 60 + seconds) / 86400


def _year(text: str | None) -> int | None:
    if text is None:
        return dt.date.today().year
    y = int(text)
    if len(text) <= 2:
        return 2000 + y if y < 30 else 1900 + y
    return y if 1900 <= y <= 9999 else None


def _date(year: int | None, month: int, day: int) -> dt.datetime | None:
    if year is None:
        return None
    try:
        return dt.datetime(year, month, day)
    except ValueError:
        return None


def _numeric_date(s: str) -> dt.datetime | None:
    m = _NUMERIC_DATE.match(s)
    if not m:
        return None
    a, b, c = m.group(1), m.group(3), m.group(4)
    if len(a) == 4:  # 2020-05-01, 2020/5
        return _date(int(a), int(b), int(c or 1))
    if c is None and len(b) == 4:  # 5/2020 -> May 2020
        return _date(int(b), int(a), 1)
    month, day = int(a), int(b)  # 1/2, 5-10, 10-25, 1/2/2020 (month first)
    return _date(_year(c), month, day) if 1 <= month <= 12 else None


def _word_date(s: str) -> dt.datetime | None:
    m = _WORD_DATE.match(s)
    if not m or m.group(2).lower() not in MONTHS:
        return None
    day_before, month, after = m.group(1), MONTHS[m.group(2).lower()], m.group(3)
    if day_before:  # 5-May, 5 May 2020
        return _date(_year(after), month, int(day_before))
    if after is None:  # "May" alone stays text
        return None
    if len(after) == 4:  # May 2020
        return _date(int(after), month, 1)
    return _date(dt.date.today().year, month, int(after))  # Jan 5
