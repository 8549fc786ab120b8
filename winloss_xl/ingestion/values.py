"""Cell values -> typed columns: numbers, dates, scores, booleans and category text.

Every parser works on a whole column at once and decides its conventions per
column (decimal comma or point, day-month order, score scale) from the values
it sees, because a real export is consistent within a column but not across
files. To stay fast on a million rows each parser factorises the column and
works on the distinct values only, then spreads the result back with ``take``.

Parsers return a :class:`Parsed` with the typed values, how many non-blank
cells could not be parsed, and a note describing a decision worth recording
in the data-quality log (never a cell value).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ..fields import normalize_header
from ..words import BLANK_SPELLINGS, BLANKS_UPPER, FALSE_WORDS, TRUE_WORDS

_BLANKS_UPPER = BLANKS_UPPER


@dataclass
class Parsed:
    """A parsed column: values aligned with the input, unparseable count, decision note."""

    values: pd.Series
    bad: int = 0
    note: str = ""


def is_blank_value(value: object) -> bool:
    """True for None, NaN, empty text and Excel error cells such as ``#N/A``."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, str):
        return value.strip().upper() in _BLANKS_UPPER
    return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict)) else False


def blank_cells(raw: pd.Series) -> pd.Series:
    """True for cells with no value: None, NaN, NaT and empty text.

    Empty text is how calamine and xlwings hand over an empty cell (or a formula that
    returns ""); grids keep it as read, so row-level checks use this rather than isna().
    Error texts such as ``#N/A`` are values here (the parsers treat them as blank).
    """
    if raw.dtype != object:
        missing = raw.isna()
        if isinstance(raw.dtype, pd.StringDtype):
            missing |= raw.eq("").to_numpy(dtype=bool, na_value=False)
        return missing
    cells = raw.to_numpy()
    return pd.Series(pd.isna(cells) | (cells == ""), index=raw.index)


def _factorize(raw: pd.Series) -> tuple[np.ndarray, list]:
    try:
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists, dicts): compare them as text
        raw = raw.map(lambda v: str(v) if isinstance(v, (list, dict, set)) else v)
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    return codes, list(uniques)


def _spread(codes: np.ndarray, parsed_uniques: np.ndarray, fill: object, dtype: str | None,
            index: pd.Index) -> pd.Series:
    """Values of the distinct entries spread back to the rows (code -1 -> fill)."""
    if len(parsed_uniques) == 0:
        arr = np.full(len(codes), fill, dtype=dtype or object)
    else:
        ext = np.concatenate([parsed_uniques, np.array([fill], dtype=parsed_uniques.dtype)])
        arr = ext[codes]  # code -1 picks the fill appended last
    return pd.Series(arr, index=index, dtype=dtype)


def _bad_rows(codes: np.ndarray, bad_unique: np.ndarray) -> int:
    if not bad_unique.any():
        return 0
    idx = np.flatnonzero(bad_unique)
    return int(np.isin(codes, idx).sum())


# ------------------------------------------------------------------- numbers

_CURRENCY = re.compile(
    r"[$€£¥₹₩₽¢]|\b(?:USD|EUR|GBP|CHF|JPY|CAD|AUD|INR|SEK|NOK|DKK|NZD|BRL|MXN|ZAR|CNY|US\$)\b",
    re.IGNORECASE,
)
_SHORTHAND = re.compile(r"^(-?[\d.,' ]*\d[\d.,' ]*)\s*(k|m|mm|mn|mio|b|bn|bln)\.?$", re.IGNORECASE)
_MULT = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mio": 1e6, "b": 1e9, "bn": 1e9, "bln": 1e9}


def _decide_decimal(texts: list[str], hint: str | None) -> str:
    """',' or '.' as the decimal mark of a column, from the digit groups its values show."""
    eu = us = 0
    for t in texts:
        if "," in t and "." in t:
            if t.rfind(",") > t.rfind("."):
                eu += 1
            else:
                us += 1
        elif "," in t:
            parts = t.split(",")
            if len(parts) == 2 and len(parts[1].rstrip("%kKmMbB ")) != 3:
                eu += 1
            elif len(parts) > 2 and all(len(p) == 3 for p in parts[1:]):
                us += 1
        elif t.count(".") > 1:
            eu += 1
    if eu > us:
        return ","
    if us > eu:
        return "."
    return hint or "."


def _clean_number_texts(texts: pd.Series, decimal_mark: str) -> tuple[pd.Series, pd.Series]:
    """Strip currency, signs and separators; returns (numeric text, multiplier)."""
    s = texts.str.replace("\u00a0", " ", regex=False).str.replace("\u202f", " ", regex=False)
    s = s.str.replace(_CURRENCY, "", regex=True).str.strip()
    neg = s.str.match(r"^\(.*\)$") | s.str.endswith("-")
    s = s.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.rstrip("-").str.strip()
    s = s.str.replace("%", "", regex=False).str.replace("+", "", regex=False).str.strip()
    mult = pd.Series(1.0, index=s.index)
    m = s.str.extract(_SHORTHAND)
    has = m[0].notna()
    if has.any():
        mult[has] = m.loc[has, 1].str.lower().map(_MULT).astype(float)
        s = s.where(~has, m[0])
    thousands = "." if decimal_mark == "," else ","
    s = s.str.replace(thousands, "", regex=False).str.replace("'", "", regex=False)
    s = s.str.replace(" ", "", regex=False)
    if decimal_mark == ",":
        s = s.str.replace(",", ".", regex=False)
    s = s.where(~neg, "-" + s)
    return s, mult


#: Cell types that become a float directly (None -> NaN); bool is read as 1/0 as elsewhere.
_PLAIN_NUMBER_TYPES = frozenset({float, int, bool, decimal.Decimal, type(None)})
#: ``infer_dtype`` kinds (blanks skipped) of object columns holding no text: numbers only.
_NUMBER_KINDS = frozenset({"floating", "integer", "mixed-integer-float", "decimal", "boolean",
                           "empty"})


def _holds_numbers_only(cells: np.ndarray) -> bool:
    """True when every cell of an object array is a number, a bool or blank (no text)."""
    kind = ptypes.infer_dtype(cells, skipna=True)  # one C pass; float + Decimal is "mixed"
    return kind in _NUMBER_KINDS or (kind == "mixed" and set(map(type, cells)) <= _PLAIN_NUMBER_TYPES)


def parse_numbers(raw: pd.Series, *, decimal_hint: str | None = None) -> Parsed:
    """Numbers from numbers or text (see :func:`_parse_numbers`); infinities are not values."""
    parsed = _parse_numbers(raw, decimal_hint=decimal_hint)
    vals = parsed.values
    inf = np.isinf(vals.to_numpy(dtype=float, na_value=np.nan))
    if inf.any():
        parsed = Parsed(vals.mask(inf), parsed.bad + int(inf.sum()), parsed.note)
    return parsed


def _parse_numbers(raw: pd.Series, *, decimal_hint: str | None = None) -> Parsed:
    """Numbers from numbers or text: ``$1,234.50``, ``(1,200)``, ``25M``, ``1.234,5``.

    The decimal mark is decided once per column (``decimal_hint`` breaks ties,
    e.g. ``,`` for a ``;``-separated file). Blank and error cells become NaN
    and are not counted as unparseable.
    """
    if ptypes.is_bool_dtype(raw):
        return Parsed(raw.astype("float64"))
    if ptypes.is_numeric_dtype(raw):
        return Parsed(raw.astype("float64"))
    if ptypes.is_datetime64_any_dtype(raw):
        return Parsed(pd.Series(np.nan, index=raw.index), int(raw.notna().sum()))
    if raw.dtype == object:
        # Cells that are numbers already (xlsx, xlwings) need no text rules.
        cells = raw.to_numpy()
        if _holds_numbers_only(cells):
            try:
                return Parsed(pd.Series(cells.astype("float64"), index=raw.index))
            except (OverflowError, TypeError, ValueError):  # a huge int, NaT: the careful path
                pass
        direct = pd.to_numeric(raw, errors="coerce")
        if not (direct.isna() & raw.notna()).any():
            return Parsed(direct.astype("float64"))
    codes, uniques = _factorize(raw)
    out = np.full(len(uniques), np.nan)
    bad = np.zeros(len(uniques), dtype=bool)
    text_pos: list[int] = []
    texts: list[str] = []
    for i, v in enumerate(uniques):
        if isinstance(v, (bool, int, float, np.integer, np.floating, decimal.Decimal)):
            out[i] = float(v)
        elif isinstance(v, str):
            t = v.strip()
            if t.upper() in _BLANKS_UPPER:
                continue
            text_pos.append(i)
            texts.append(t)
        elif not is_blank_value(v):
            bad[i] = True
    note = ""
    if texts:
        ts = pd.Series(texts, dtype=object)
        direct = pd.to_numeric(ts, errors="coerce")
        todo = direct.isna()
        if todo.any():
            odd = ts[todo]
            mark = _decide_decimal(odd.tolist(), decimal_hint)
            if mark == ",":
                note = "decimal comma"
                # plain "1.5" would be misread only when the column really uses commas
                grouped = ~todo & ts.str.match(r"^-?\d{1,3}(\.\d{3})+$")
                direct[grouped] = pd.to_numeric(
                    ts[grouped].str.replace(".", "", regex=False), errors="coerce")
            cleaned, mult = _clean_number_texts(odd, mark)
            direct[todo] = pd.to_numeric(cleaned, errors="coerce") * mult
        pos = np.asarray(text_pos)
        vals = direct.to_numpy(dtype=float)
        out[pos] = vals
        bad[pos[np.isnan(vals)]] = True
    return Parsed(_spread(codes, out, np.nan, "float64", raw.index), _bad_rows(codes, bad), note)


def parse_scores(raw: pd.Series) -> Parsed:
    """Qualification scores on 0-1, 0-100 (or ``85%``) or 1-10 scales, normalised to 0..1.

    The scale is decided per column from its largest value; values outside the
    chosen scale count as unparseable.
    """
    has_percent = False
    if not ptypes.is_numeric_dtype(raw):
        sample = raw.dropna().head(2000)
        has_percent = any("%" in v for v in sample if isinstance(v, str))
    parsed = parse_numbers(raw)
    v = parsed.values
    valid = v.dropna()
    if has_percent:
        scale, note = 100.0, "scale 0-100 (percent)"
    elif valid.empty or valid.max() <= 1:
        scale, note = 1.0, "scale 0-1"
    elif valid.max() <= 10:
        scale, note = 10.0, "scale 0-10"
    else:
        scale, note = 100.0, "scale 0-100"
    out = v / scale
    outside = (out < 0) | (out > 1)
    bad = parsed.bad + int(outside.sum())
    return Parsed(out.where(~outside), bad, note)


# --------------------------------------------------------------------- dates

_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}.*)?$")
_MDY = ("%m/%d/%Y", "%m/%d/%y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %I:%M:%S %p", "%m/%d/%y %H:%M", "%m/%d/%y %I:%M %p", "%m-%d-%Y", "%m.%d.%Y")
_DMY = ("%d/%m/%Y", "%d/%m/%y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%y %H:%M",
        "%d.%m.%Y", "%d.%m.%y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d-%m-%Y", "%d-%m-%y")
_NEUTRAL = ("%Y/%m/%d", "%Y.%m.%d", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%d-%b-%Y", "%d %b %Y",
            "%d %B %Y", "%d-%b-%y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%d-%B-%Y", "%Y%m%d",
            "%a, %d %b %Y", "%A, %B %d, %Y", "%b-%y", "%B %Y")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _serials_to_dates(values: np.ndarray) -> np.ndarray:
    """Excel serial day numbers (or Unix seconds / milliseconds) to datetime64[ns]."""
    out = np.full(len(values), np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    v = np.asarray(values, dtype=float)
    serial = (v > 0) & (v < 2_958_466) & ~np.isnan(v)
    if serial.any():
        out[serial] = (_EXCEL_EPOCH + pd.to_timedelta(np.round(v[serial] * 86400), unit="s")).to_numpy()
    secs = (v >= 1e8) & (v < 1e11)
    if secs.any():
        out[secs] = pd.to_datetime(v[secs], unit="s").to_numpy()
    ms = (v >= 1e11) & (v < 1e14)
    if ms.any():
        out[ms] = pd.to_datetime(v[ms], unit="ms").to_numpy()
    return out


def _numbers_to_dates(vals: np.ndarray) -> tuple[np.ndarray, str]:
    """Numbers as dates: 20240115-style whole numbers, else Excel serials / Unix times."""
    valid = vals[~np.isnan(vals)]
    if len(valid) and ((valid >= 19000101) & (valid <= 21001231)).all():
        text = pd.Series(vals).map(lambda v: "" if v != v else f"{v:.0f}")
        out = pd.to_datetime(text, format="%Y%m%d", errors="coerce").to_numpy("datetime64[ns]")
        return out, "dates written as YYYYMMDD numbers"
    note = "Excel serial numbers" if len(valid) and valid.max() < 2_958_466 else ""
    return _serials_to_dates(vals), note


_NS_LOW = pd.Timestamp.min.ceil("D")
_NS_HIGH = pd.Timestamp.max.floor("D")


def _in_ns_range(series: pd.Series) -> pd.Series:
    """Dates outside what datetime64[ns] holds (1677-2262) become NaT (counted as unparseable)."""
    ok = (series >= _NS_LOW) & (series <= _NS_HIGH)
    return series.where(ok)


def _try_format(texts: pd.Series, fmt: str) -> pd.Series:
    if fmt == "ISO8601":
        res = pd.to_datetime(texts, format="ISO8601", errors="coerce", utc=True)
        return _in_ns_range(res.dt.tz_localize(None))
    return _in_ns_range(pd.to_datetime(texts, format=fmt, errors="coerce"))


def _shape(text: str) -> str:
    """The separators of a date text in order: "3/11/2017 10:15" -> "// :"."""
    return "".join(ch for ch in text if ch in "/.-:, ")


def _choose_formats(sample: pd.Series, order: str) -> tuple[list[str], str]:
    """Formats to try, best first, and a note when the day-month order was a guess."""
    iso_share = sample.str.match(_ISO).mean() if len(sample) else 0
    if iso_share >= 0.5:
        return ["ISO8601", *_NEUTRAL], ""
    cands = list(_NEUTRAL)
    if order != "dmy":
        cands += list(_MDY)
    if order != "mdy":
        cands += list(_DMY)
    # Only formats whose separators match some sample value's separators are worth trying.
    shapes = {_shape(v) for v in sample}
    cands = [f for f in cands if _shape(re.sub(r"%[a-zA-Z]", "0", f)) in shapes] or cands
    scores = {f: int(_try_format(sample, f).notna().sum()) for f in cands}
    best = max(scores.values()) if scores else 0
    if best == 0:
        return ["ISO8601"], ""
    mdy_best = max((scores.get(f, 0) for f in _MDY), default=0)
    dmy_best = max((scores.get(f, 0) for f in _DMY), default=0)
    note = ""
    if order == "auto" and mdy_best == dmy_best == best:
        note = "day and month order ambiguous; read month first (set date_order = \"dmy\" to change)"
        prefer = _MDY + _DMY
    elif order == "dmy" or dmy_best > mdy_best:
        prefer = _DMY + _MDY
        if order == "auto":
            note = "read day first"
    else:
        prefer = _MDY + _DMY
        if order == "auto" and any(f in _MDY for f in scores if scores[f] == best):
            note = "read month first"
    ranked = sorted(
        (f for f in cands if scores[f] > 0),
        key=lambda f: (-scores[f], prefer.index(f) if f in prefer else -1),
    )
    if order != "auto":
        note = f"read {'day' if order == 'dmy' else 'month'} first (date_order setting)"
    return [*ranked, "ISO8601"], note


def parse_dates(raw: pd.Series, *, order: str = "auto") -> Parsed:
    """Dates from datetimes, Excel serials, Unix times, ISO text or text dates.

    One text format (and one day-month order) is chosen per column from a
    sample, so ``3/11/2017`` is read the same way in every row; ``order``
    ("auto", "mdy", "dmy") can force the order. Timezones are converted to UTC
    and dropped. Returns datetime64[ns].
    """
    if ptypes.is_datetime64_any_dtype(raw):
        s = raw
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_convert("UTC").dt.tz_localize(None)
        inside = _in_ns_range(s)
        return Parsed(inside.astype("datetime64[ns]"), int((inside.isna() & s.notna()).sum()))
    if ptypes.is_bool_dtype(raw):
        return Parsed(pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]"),
                      int(raw.notna().sum()))
    if ptypes.is_numeric_dtype(raw):
        vals = raw.to_numpy(dtype=float, na_value=np.nan)
        out, note = _numbers_to_dates(vals)
        bad = int((~np.isnan(vals) & np.isnat(out)).sum())
        return Parsed(pd.Series(out, index=raw.index, dtype="datetime64[ns]"), bad, note)
    codes, uniques = _factorize(raw)
    out = np.full(len(uniques), np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    bad = np.zeros(len(uniques), dtype=bool)
    text_pos: list[int] = []
    texts: list[str] = []
    num_pos: list[int] = []
    nums: list[float] = []
    plain_pos: list[int] = []  # naive datetime / date cells (xlwings, calamine): one conversion
    plain: list[dt.date] = []
    for i, v in enumerate(uniques):
        if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
            if not 1678 <= v.year <= 2261:
                bad[i] = True
                continue
            if type(v) is dt.date or (type(v) is dt.datetime and v.tzinfo is None):
                plain_pos.append(i)
                plain.append(v)
                continue
            ts = pd.Timestamp(v)
            out[i] = (ts.tz_convert("UTC").tz_localize(None) if ts.tzinfo else ts).to_datetime64()
        elif isinstance(v, bool):
            bad[i] = True
        elif isinstance(v, (int, float, np.integer, np.floating, decimal.Decimal)):
            num_pos.append(i)
            nums.append(float(v))
        elif isinstance(v, str):
            t = " ".join(v.split())
            if t.upper() in _BLANKS_UPPER:
                continue
            if re.fullmatch(r"\d{5}(\.\d+)?", t):
                num_pos.append(i)
                nums.append(float(t))
                continue
            text_pos.append(i)
            texts.append(t)
        elif not is_blank_value(v):
            bad[i] = True
    if plain_pos:
        out[plain_pos] = np.array(plain, dtype="datetime64[us]")
    note = ""
    if num_pos:
        conv, num_note = _numbers_to_dates(np.asarray(nums))
        out[num_pos] = conv
        bad[np.asarray(num_pos)[np.isnat(conv)]] = True
        if not texts:
            note = num_note
    if texts:
        ts = pd.Series(texts, dtype=object)
        sample = ts.sample(n=min(len(ts), 400), random_state=0) if len(ts) > 400 else ts
        formats, note2 = _choose_formats(sample, order)
        note = note2 or note
        result = pd.Series(pd.NaT, index=ts.index, dtype="datetime64[ns]")
        todo = pd.Series(True, index=ts.index)
        for fmt in formats:
            if not todo.any():
                break
            got = _try_format(ts[todo], fmt)
            ok = got.notna()
            if ok.any():
                result[ok[ok].index] = got[ok].astype("datetime64[ns]")
                todo[ok[ok].index] = False
        pos = np.asarray(text_pos)
        vals = result.to_numpy(dtype="datetime64[ns]")
        out[pos] = vals
        bad[pos[np.isnat(vals)]] = True
    series = _spread(codes, out, np.datetime64("NaT", "ns"), "datetime64[ns]", raw.index)
    return Parsed(series, _bad_rows(codes, bad), note)


# ------------------------------------------------------------------ booleans

def parse_bools(raw: pd.Series) -> Parsed:
    """TRUE/FALSE, yes/no, 1/0, x/blank -> a nullable boolean column (object of True/False/None)."""
    codes, uniques = _factorize(raw)
    out = np.empty(len(uniques), dtype=object)
    bad = np.zeros(len(uniques), dtype=bool)
    for i, v in enumerate(uniques):
        if isinstance(v, (bool, np.bool_)):
            out[i] = bool(v)
            continue
        if isinstance(v, (int, float, np.integer, np.floating, decimal.Decimal)):
            f = float(v)
            out[i] = None if f != f else (f != 0)
            continue
        word = normalize_header(v)
        if word in TRUE_WORDS:
            out[i] = True
        elif word in FALSE_WORDS or is_blank_value(v):
            out[i] = None if is_blank_value(v) else False
        else:
            out[i] = None
            bad[i] = True
    return Parsed(_spread(codes, out, None, None, raw.index).astype(object), _bad_rows(codes, bad))


# ----------------------------------------------------------------------- text

def _text_of(v: object, keep: frozenset[str] = frozenset()) -> str | None:
    if is_blank_value(v):
        if keep and isinstance(v, str) and normalize_header(v) in keep:
            return " ".join(v.split())
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    t = " ".join(str(v).split())
    return t or None


#: Whitespace that :func:`_text_of` would change inside a stripped text: a run of spaces, or any
#: other whitespace character (tab, no-break space, U+0085, U+2028, ideographic space, ...).
_ODD_SPACE = re.compile(r"[^\S ]| {2}")


def _clean_strings(values: list, keep: frozenset[str] = frozenset()) -> np.ndarray:
    """Fast :func:`_text_of` for many values that are mostly clean strings already.

    Strips with ``map`` and checks for inner runs of whitespace once over the
    joined text, so a million unique IDs cost a fraction of a second. Blank texts are
    found by one set intersection with every case spelling of them, so the rule is the
    same as :func:`is_blank_value`'s.
    """
    try:
        stripped = list(map(str.strip, values))
    except TypeError:  # not all text
        return np.array([_text_of(v, keep) for v in values], dtype=object)
    if _ODD_SPACE.search("\x00".join(stripped)):  # collapsed as str.split() would: cell by cell
        return np.array([_text_of(v, keep) for v in values], dtype=object)
    arr = np.fromiter(stripped, dtype=object, count=len(stripped))
    found = [b for b in BLANK_SPELLINGS.intersection(stripped) if normalize_header(b) not in keep]
    if found:
        arr[pd.Series(arr).isin(found).to_numpy()] = None
    return arr


def _mostly_unique(raw: pd.Series) -> bool:
    if len(raw) <= 20_000:
        return False
    head = raw.iloc[:2000]
    return head.nunique() > 0.5 * len(head)


def clean_text(raw: pd.Series, keep: frozenset[str] = frozenset()) -> pd.Series:
    """Category text: trimmed, inner spaces collapsed, blanks and error cells -> None (object dtype).

    ``keep`` holds normalised blank-like words that are real values in this column (in a
    competitor column "None" means no competitor).
    """
    if ptypes.is_integer_dtype(raw.dtype) and not ptypes.is_bool_dtype(raw.dtype) \
            and not raw.hasnans:
        return pd.Series(raw.astype(str).to_numpy(dtype=object), index=raw.index, dtype=object)
    if ptypes.is_string_dtype(raw.dtype) and _mostly_unique(raw):
        # IDs and names: nearly every value distinct, so factorising first only costs time
        texts = raw.fillna("") if raw.dtype != object and raw.hasnans else raw
        out = _clean_strings(texts.tolist(), keep)
        return pd.Series(out, index=raw.index, dtype=object)
    codes, _uniques, texts = distinct_texts(raw, keep)
    return spread_texts(codes, texts, raw.index)


def distinct_texts(raw: pd.Series, keep: frozenset[str] = frozenset()
                   ) -> tuple[np.ndarray, list, np.ndarray]:
    """(codes, distinct raw values, their category text): :func:`clean_text` before spreading.

    For callers that look at a column's distinct values first and may then keep its text
    (extra dimensions), so the column is factorised once.
    """
    codes, uniques = _factorize(raw)
    if len(uniques) > 2000:
        texts = _clean_strings(uniques, keep)
    else:
        texts = np.array([_text_of(v, keep) for v in uniques], dtype=object)
    return codes, uniques, texts


def spread_texts(codes: np.ndarray, texts: np.ndarray, index: pd.Index) -> pd.Series:
    """The text column of :func:`distinct_texts`' codes (code -1 -> None)."""
    return _spread(codes, texts, None, object, index)


def distinct_count(raw: pd.Series) -> int:
    """Number of distinct non-blank values (after trimming)."""
    return int(clean_text(raw).nunique(dropna=True))
