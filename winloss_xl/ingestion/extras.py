"""Columns that are no known field: which become extra dimensions, and of what kind.

An unmapped column becomes a dimension when its values make segments a sales
leader can read: text with few distinct values, integer codes (IBM's
``Deal Size Category`` 1-7: one level per code, in numeric order), or
continuous numbers (readable quantile bands). Left out, with the reason in the
column map: empty or one-value columns, identifiers (nearly every value
distinct), free text, personal data (emails, phone numbers), dates and
date-like columns (fiscal period, year), and columns with too many values.
A column whose header names a process measure keeps that role: it is shown as a
descriptive pattern only. Columns restating the outcome are left out by their
header in :mod:`.mapping` and by their values in the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ..config import Config
from ..dealset import CODE, NUMBER, TEXT, ExtraDimension
from ..fields import ATTRIBUTE, IDENTIFIER, PERSONAL, is_competitor_header, is_date_like_header
from ..privacy import PERSONAL_COLUMN_SHARE, personal_share
from ..words import NO_COMPETITOR_WORDS
from .values import distinct_texts, is_blank_value, parse_numbers, spread_texts

#: More extra dimensions than this are listed in the column map but not analysed.
MAX_EXTRA_DIMENSIONS = 100
#: Integer columns with at most this many distinct values are codes (one level each).
MAX_CODE_LEVELS = 12


@dataclass
class Extras:
    """The extra dimensions' values, kinds and roles, and every unmapped column's fate."""

    values: dict[str, pd.Series] = field(default_factory=dict)
    info: dict[str, ExtraDimension] = field(default_factory=dict)
    #: column -> (fate, role)
    fates: dict[str, tuple[str, str]] = field(default_factory=dict)


def extra_dimensions(frame: pd.DataFrame, columns: list[tuple[str, str]], config: Config,
                     taken: set[str]) -> Extras:
    """Decide every unmapped ``(column, role)``; ``taken`` are canonical column names."""
    out = Extras()
    for col, role in columns:
        fate, kind, values = column_fate(frame[col], col, config)
        if kind is not None and len(out.values) >= MAX_EXTRA_DIMENSIONS:
            fate, kind = f"left out: more than {MAX_EXTRA_DIMENSIONS} extra dimensions", None
        if kind is None:
            out.fates[col] = (fate, _role_of_fate(fate, role))
            continue
        name = col if col not in taken else f"{col} (source)"
        out.values[name] = values
        out.info[name] = ExtraDimension(kind, role)
        out.fates[col] = ("process measure (descriptive)" if role != ATTRIBUTE
                          else f"extra dimension ({_KIND_WORDS[kind]})", role)
    return out


_KIND_WORDS = {TEXT: "categories", CODE: "codes", NUMBER: "bands"}


def _role_of_fate(fate: str, role: str) -> str:
    """The role the values give a left-out column; a role its header gave is kept."""
    if role != ATTRIBUTE:
        return role
    if "identifier" in fate:
        return IDENTIFIER
    if "personal" in fate or "free text" in fate:
        return PERSONAL
    return role


def column_fate(raw: pd.Series, header: str, config: Config
                ) -> tuple[str, str | None, pd.Series | None]:
    """(fate, kind or None when left out, the values to keep) of one unmapped column."""
    if ptypes.is_bool_dtype(raw) or (raw.dtype == object
                                     and ptypes.infer_dtype(raw.to_numpy(), skipna=True) == "boolean"):
        # TRUE/FALSE cells are a yes/no attribute: read as the words, never as 1 / 0
        return "", TEXT, raw.map({True: "True", False: "False"}).astype(object)
    if ptypes.is_datetime64_any_dtype(raw):
        return "left out: dates", None, None
    numbers = _as_numbers(raw)
    if numbers is not None:
        return _number_fate(numbers, header)
    keep = NO_COMPETITOR_WORDS if is_competitor_header(header) else frozenset()
    codes, uniques, texts = distinct_texts(raw, keep)
    filled = [(u, t) for u, t in zip(uniques, texts) if t is not None]
    if not filled:
        return "left out: empty", None, None
    if all(type(u).__name__ in ("Timestamp", "datetime", "date") for u, _ in filled[:500]):
        return "left out: dates", None, None
    blank = np.array([t is None for t in texts] + [True], dtype=bool)
    nonblank = int((~blank[codes]).sum())
    seen = {t for _, t in filled}
    sample = list(seen)[:500]
    if personal_share(sample) >= PERSONAL_COLUMN_SHARE:
        return "left out: personal (emails, phone numbers or names)", None, None
    if len(seen) == 1:
        return "left out: one value only", None, None
    if len(seen) <= config.max_levels and len(seen) <= max(2, nonblank // 2):
        if is_date_like_header(header):
            return "left out: a date or period", None, None
        return "", TEXT, spread_texts(codes, texts, raw.index)
    if sum(map(len, sample)) / len(sample) > 30 or sum(" " in t for t in sample) > len(sample) / 2:
        return "left out: free text (personal data possible)", None, None
    if len(seen) >= 0.9 * nonblank:
        return "left out: identifier (nearly every value distinct)", None, None
    return f"left out: too many values ({len(seen):,}; max_levels is {config.max_levels})", None, None


#: A text cell that could be a number: digits with separators, signs, a currency or a unit.
_NUMBER_TEXT = re.compile(r"^[\s$€£¥(+-]*\d[\d\s.,'’]*(?:[%)]|\s*[kKmMbB][a-zA-Z]{0,2}\.?)?\s*$")
_NUMBER_KINDS = frozenset({"floating", "integer", "mixed-integer-float", "decimal", "empty"})


def _as_numbers(raw: pd.Series) -> pd.Series | None:
    """The column as floats when every filled cell is a number (text numbers included).

    One C-level type pass decides most columns; a column of text is only parsed when a
    sample of its distinct values all read like numbers, so text columns cost no parse.
    """
    if ptypes.is_numeric_dtype(raw):
        return raw.astype("float64")
    if raw.dtype != object and not ptypes.is_string_dtype(raw.dtype):
        return None
    kind = ptypes.infer_dtype(raw.to_numpy(), skipna=True)
    if kind not in _NUMBER_KINDS:
        texts = [v for v in pd.unique(raw.dropna())[:200] if isinstance(v, str) and v.strip()
                 and not is_blank_value(v)]
        if not texts or not all(_NUMBER_TEXT.match(t) for t in texts[:50]):
            return None
    parsed = parse_numbers(raw)
    if parsed.bad or parsed.values.isna().all():
        return None
    return parsed.values


def _number_fate(values: pd.Series, header: str) -> tuple[str, str | None, pd.Series | None]:
    known = values.dropna()
    if known.empty:
        return "left out: empty", None, None
    if is_date_like_header(header):
        return "left out: a date or period", None, None
    distinct = known.nunique()
    if distinct == 1:
        return "left out: one value only", None, None
    whole = bool((known == np.round(known)).all())
    if whole and distinct >= 0.9 * len(known) and len(known) >= 20:
        return "left out: identifier (nearly every value distinct)", None, None
    if whole and distinct <= MAX_CODE_LEVELS:
        return "", CODE, values
    return "", NUMBER, values
