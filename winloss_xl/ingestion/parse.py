"""Parse the known fields of the kept deal rows into typed columns (the registry says each kind).

Money and counts become floats, dates datetime64 (later columns fill an earlier
one's gaps), the sales cycle is taken as given or derived from the dates,
scores are normalised to 0..1, text fields are cleaned, competitors are read
with their own value semantics ("None" is a real segment: no competitor) and
aliases, and loss reasons are split into their parts. Every decision is
written to the quality record; no cell value is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import Config
from ..fields import FIELD_BY_NAME, header_words, normalize_header
from ..quality import QualityLog
from ..words import NO_COMPETITOR_WORDS, NO_DECISION_WORDS
from .mapping import ColumnPlan
from .values import clean_text, parse_dates, parse_numbers, parse_scores

#: Earliest date taken as real; earlier ones are placeholders (1900-01-00, serial 0).
EARLIEST_DATE = pd.Timestamp("1990-01-01")
_SPLIT_REASONS = r"\s*(?:;|\||/|\n|\r)\s*"
#: Currency codes recognised in a currency column or an amount header ("Amount USD").
CURRENCY_CODES = frozenset({"usd", "eur", "gbp", "chf", "jpy", "cad", "aud", "inr", "sek", "nok",
                            "dkk", "nzd", "brl", "mxn", "zar", "cny", "pln", "czk", "huf", "sgd"})


@dataclass
class Parsed:
    """The typed columns of the known fields and what parsing learnt about the export."""

    columns: dict[str, pd.Series] = field(default_factory=dict)
    score_scale: float = 1.0
    currency: str | None = None


def parse_fields(frame: pd.DataFrame, plan: ColumnPlan, config: Config, quality: QualityLog,
                 decimal_hint: str | None) -> Parsed:
    """Every known field the plan maps, parsed per its kind."""
    out = Parsed()
    for fld in ("amount", "company_revenue", "employees"):
        col = plan.column(fld)
        if col is not None:
            out.columns[fld] = _numbers(frame[col], col, quality, decimal_hint, "a number")
    for fld in ("close_date", "created_date"):
        if plan.fields.get(fld):
            out.columns[fld] = _dates(frame, plan.fields[fld], fld, config, quality)
    _sales_cycle(frame, plan, out.columns, quality, decimal_hint)
    _score(frame, plan, out, quality)
    for fld in ("industry", "region", "lead_source", "deal_type", "product", "owner", "lost_stage",
                "account_key"):
        col = plan.column(fld)
        if col is not None:
            out.columns[fld] = clean_text(frame[col])
    if plan.column("competitor") is not None:
        out.columns["competitor"] = competitor_text(frame[plan.column("competitor")], config)
    out.currency = _currency(frame, plan, quality)
    return out


def _numbers(raw: pd.Series, col: str, quality: QualityLog, hint: str | None, what: str) -> pd.Series:
    res = parse_numbers(raw, decimal_hint=hint)
    record_unparsed(quality, col, res.bad, what)
    if res.note:
        quality.add("Number format", 0, f"'{col}': {res.note}")
    return res.values


def _dates(frame: pd.DataFrame, cols: list[str], fld: str, config: Config,
           quality: QualityLog) -> pd.Series:
    series: pd.Series | None = None
    for col in cols:
        res = parse_dates(frame[col], order=config.date_order)
        record_unparsed(quality, col, res.bad, "a date")
        if res.note:
            quality.add("Date format", 0, f"'{col}': {res.note}")
        series = res.values if series is None else series.fillna(res.values)
    assert series is not None
    early = series < EARLIEST_DATE
    if early.any():
        quality.add("Close before 1990" if fld == "close_date" else "Created before 1990",
                    int(early.sum()), f"'{cols[0]}' earlier than 1990 treated as unknown")
        series = series.mask(early)
    return series.astype("datetime64[ns]")


def _sales_cycle(frame: pd.DataFrame, plan: ColumnPlan, out: dict[str, pd.Series],
                 quality: QualityLog, hint: str | None) -> None:
    close, created = out.get("close_date"), out.get("created_date")
    derived = None
    if close is not None and created is not None:
        derived = (close - created).dt.total_seconds() / 86400.0
        after = derived < 0
        if after.any():
            quality.add("Created after close", int(after.sum()),
                        "created date later than close date; sales cycle left empty, outcome kept")
            derived = derived.mask(after)
    col = plan.column("sales_cycle_days")
    if col is not None:
        given = _numbers(frame[col], col, quality, hint, "a number of days")
        given = given.mask(given < 0)
        out["sales_cycle_days"] = given if derived is None else given.fillna(derived)
    elif derived is not None:
        out["sales_cycle_days"] = derived
        quality.add("Sales cycle derived", 0, "close date minus created date, in days")


def _score(frame: pd.DataFrame, plan: ColumnPlan, out: Parsed, quality: QualityLog) -> None:
    col = plan.column("qualification_score")
    if col is None:
        return
    res = parse_scores(frame[col])
    record_unparsed(quality, col, res.bad, "a score (0-1, 0-10 or 0-100)")
    quality.add("Score scale", 0, f"'{col}': {res.note}")
    out.columns["qualification_score"] = res.values
    out.score_scale = 100.0 if "100" in res.note else 10.0 if "0-10" in res.note else 1.0


def competitor_text(raw: pd.Series, config: Config) -> pd.Series:
    """Competitor names: "None" / "No competitor" / "N/A" are the real segment "No competitor";
    aliases (defaults and the Config's) merge spellings ("MSFT" -> "Microsoft")."""
    values = clean_text(raw, keep=NO_COMPETITOR_WORDS)
    table = config.competitor_alias_table()
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = []
    for u in uniques:
        alias = table.get(normalize_header(u))
        mapped.append(u if alias is None else (alias or None))
    arr = np.array([*mapped, None], dtype=object)
    return pd.Series(arr[codes], index=values.index, dtype=object)


def _currency(frame: pd.DataFrame, plan: ColumnPlan, quality: QualityLog) -> str | None:
    """The one currency of the amounts, when the export says it (a currency column or header)."""
    amount = plan.column("amount")
    if amount is not None:
        code = next((w for w in header_words(amount) if w in CURRENCY_CODES), None)
        if code:
            return code.upper()
    col = plan.column("currency")
    if col is None:
        return None
    seen = [c for c in clean_text(frame[col]).dropna().unique() if str(c).lower() in CURRENCY_CODES]
    if len(seen) == 1:
        return str(seen[0]).upper()
    if len(seen) > 1:
        quality.add("Several currencies", len(seen),
                    f"'{col}' holds {len(seen)} currencies; amounts are compared as exported")
    return None


def loss_reason_columns(reason: pd.Series, lost: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(reason text, reasons split into parts, no-decision flag) of the lost deals' reasons."""
    codes, uniques = pd.factorize(reason, use_na_sentinel=True)
    parts = np.empty(len(uniques) + 1, dtype=object)
    nd = np.zeros(len(uniques) + 1, dtype=bool)
    for i, u in enumerate(uniques):
        items = pd.Series([u]).str.split(_SPLIT_REASONS, regex=True)[0]
        parts[i] = tuple(p.strip() for p in items if p.strip())
        word = normalize_header(u)
        nd[i] = word in NO_DECISION_WORDS or "nodecision" in word
    parts[-1] = ()
    split = pd.Series(parts[codes], index=reason.index, dtype=object)
    return reason, split, pd.Series(nd[codes], index=reason.index, dtype=bool) & lost


def record_unparsed(quality: QualityLog, col: str, bad: int, expected: str) -> None:
    """Count cells that could not be read as ``expected`` (they are left empty)."""
    if bad:
        quality.add("Unparseable values", bad, f"'{col}': not {expected}; left empty")


def field_kind(name: str) -> str:
    """The registry kind of a field (text for unknown names)."""
    f = FIELD_BY_NAME.get(name)
    return f.kind if f is not None else "text"
