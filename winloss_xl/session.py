"""WinLoss: one object from deals and settings to the analysis, the report and a live write.

The command line, the ribbon button and every cell formula are thin adapters over
this object, so a header, a filter or a setting means the same thing in every way in:

>>> from winloss_xl import WinLoss                                   # doctest: +SKIP
>>> q4 = WinLoss("q4.csv", accounts="accounts.csv", config="settings.toml")  # doctest: +SKIP
>>> q4.where({"Sector": "Retail"}).win_rate()                        # doctest: +SKIP
>>> q4.patterns("Industry")                                          # doctest: +SKIP
>>> q4.save("Q4-report.xlsx")                                        # doctest: +SKIP

Deals, contacts and accounts may be file paths, DataFrames or 2-D cell values as
xlwings hands them over; ``config`` a :class:`Config`, a mapping, a TOML path or the
two-column rows of a Config sheet. Everything is computed once, on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .config import Config
from .dealset import DealSet
from .errors import InputError
from .fields import (
    DEAL_COLUMNS,
    FIELD_BY_NAME,
    IDENTIFIER,
    OUTCOME,
    OUTCOME_OPEN,
    PERSONAL,
    field_label,
    normalize_header,
)
from .periods import Period, parse_period

#: Deals columns that are never a filter, a split or a dimension a user can name.
HIDDEN_COLUMNS = frozenset({"deal_id", "outcome", "no_decision", "loss_reasons", "account_key"})
#: At most this many values are listed when a value is not found.
LIST_VALUES = 30
#: Settings ingestion reads; a change of any other setting reuses the loaded deals.
INGESTION_SETTINGS = ("columns", "exclude", "join", "won_words", "lost_words", "no_decision_words",
                      "open_words", "competitor_aliases", "date_order", "max_rows", "max_cells",
                      "max_levels")


def to_config(config: Any) -> Config:
    """A Config from a Config, a mapping, a TOML path, Config-sheet rows or None (defaults)."""
    if config is None:
        return Config()
    if isinstance(config, Config):
        return config
    if isinstance(config, Mapping):
        return Config.from_mapping(config)
    if isinstance(config, (str, Path)):
        return Config.from_toml(config)
    if isinstance(config, (list, tuple)):
        return Config.from_pairs(config, source="config range")
    raise InputError(f"cannot read settings from a {type(config).__name__}",
                     expected="a Config, a mapping, a TOML file or key/value rows")


@dataclass(frozen=True)
class Column:
    """A deals column a user named: the column, its report label and its role."""

    name: str
    label: str
    role: str


class WinLoss:
    """Deals (plus optional contacts and accounts) and settings, and everything made from them."""

    def __init__(self, deals: Any, contacts: Any = None, accounts: Any = None, config: Any = None,
                 *, sheet: str | None = None, name: str | None = None) -> None:
        self.config = to_config(config)
        self._source = (deals, contacts, accounts, sheet, name)
        self._given: DealSet | None = None
        self.title_parts: tuple[str, ...] = ()
        #: the close-date period these deals were selected by (:meth:`in_period`), if any
        self.period: Period | None = None
        #: the deals before a period selection, which a comparison's baseline comes from
        self._whole: WinLoss | None = None

    @classmethod
    def of(cls, dealset: DealSet, config: Any = None, title_parts: tuple[str, ...] = (),
           period: Period | None = None) -> WinLoss:
        """Wrap deals that are loaded already (a filter's result, generated deals)."""
        out = cls.__new__(cls)
        out.config = to_config(config)
        out._source = None
        out._given = dealset
        out.title_parts = title_parts
        out.period = period
        out._whole = None
        return out

    # ------------------------------------------------------------------ the pipeline
    @cached_property
    def dealset(self) -> DealSet:
        """The canonical deals, contacts and quality record (ingestion runs once)."""
        if self._given is not None:
            return self._given
        from .ingest import load_deals

        deals, contacts, accounts, sheet, name = self._source
        return load_deals(deals, contacts=contacts, accounts=accounts, config=self.config,
                          sheet=sheet, name=name)

    @cached_property
    def prepared(self) -> Any:
        """The closed deals coded into dimensions (engine.prepare), shared by every table."""
        from .engine.prepare import prepare

        return prepare(self.dealset, self.config)

    @cached_property
    def analysis(self) -> Any:
        """The whole analysis (engine.analyze)."""
        from .engine import analyze

        return analyze(self.dealset, self.config, prepared=self.prepared)

    @cached_property
    def _patterns_table(self) -> pd.DataFrame:
        from .engine import patterns

        if "analysis" in self.__dict__:
            return self.analysis.tables["tblPatterns"]
        return patterns.patterns_table(self.prepared)

    def with_config(self, config: Any) -> WinLoss:
        """The same deals under other settings; ingestion is reused when its settings agree."""
        config = to_config(config)
        if self._given is None and any(getattr(config, k) != getattr(self.config, k)
                                       for k in INGESTION_SETTINGS):
            out = WinLoss(*self._source[:3], config=config, sheet=self._source[3], name=self._source[4])
            out.title_parts = self.title_parts
            return out
        out = WinLoss.of(self.dealset, config, self.title_parts, self.period)
        out._whole = None if self._whole is None else self._whole.with_config(config)
        return out

    def table(self, name: str) -> pd.DataFrame:
        """One table of the report (tblSummary, tblPatterns, ..., tblChanges) as the report
        shows it: its columns in the report's order, differences in points (layout.display_frame).
        The engine's own tables are ``analysis.tables``."""
        from .engine.changes import CHANGE_TABLES
        from .report.layout import display_frame

        # the Changes tables, and tblActions (which may carry the Changes sheet's action), come
        # with the comparison; the others without it, so a formula need not compare periods
        source = self.report_analysis if name in (*CHANGE_TABLES, "tblActions") else self.analysis
        return display_frame(name, source.table(name))

    @cached_property
    def report_analysis(self) -> Any:
        """The analysis with the Changes sheet's comparison attached (what the report shows)."""
        from .engine.analysis import with_comparison

        return with_comparison(self.analysis, self.comparison)

    def patterns(self, by: Any = None) -> pd.DataFrame:
        """tblPatterns as the report shows it, or its rows for one dimension (without the
        Dimension column)."""
        from .report.layout import display_frame

        table = display_frame("tblPatterns", self._patterns_table)
        if by is None:
            return table
        dim = self.dimension(by)
        return table[table["Dimension"] == dim.label].drop(columns=["Dimension"]).reset_index(drop=True)

    def win_rate(self, where: Mapping[str, Any] | None = None) -> float:
        """Won / (won + lost) of the closed deals that match ``where`` (a column and value each:
        a segment label such as "10K-25K" of a banded dimension, or a value of the column)."""
        prep = self.prepared
        mask = np.ones(prep.n, dtype=bool)
        for name, value in (where or {}).items():
            mask &= self._closed_mask(name, value)
        if not mask.any():
            raise InputError("no closed deal matches " + ", ".join(
                f"{k} = {v}" for k, v in (where or {}).items()) if where else
                "there are no closed (won or lost) deals")
        return float(prep.won[mask].mean())

    def _closed_mask(self, name: Any, value: Any) -> np.ndarray:
        """Closed deals whose dimension level, else column value, equals ``value``."""
        want = value_key(value)
        try:
            dim = self.dimension(name)
        except InputError:
            dim = None
        if dim is not None:
            levels = [value_key(level) for level in dim.levels]
            if want in levels:
                return dim.codes == levels.index(want)
        col = self.column(name)
        keys = value_keys(self.prepared.closed[col.name])
        hit = keys == want
        if not hit.any():
            raise InputError(f"no closed deal has {col.label} = '{self.safe_value(value, None)}'",
                             column=col.label,
                             expected="one of: " + self.value_list(self.prepared.closed[col.name]))
        return hit

    # ------------------------------------------------------------------ columns
    def dimension(self, name: Any) -> Any:
        """The engine dimension a user means: a report label, a field, a synonym or their header."""
        if name is None or str(name).strip() == "":
            raise InputError("no dimension given", expected='a name such as "Industry" or "Region"')
        dims = self.prepared.dims
        wanted = normalize_header(name)
        try:
            column = self.column(name).name
        except InputError:
            column = None
        for dim in dims:
            if dim.field == column or normalize_header(dim.label) == wanted:
                return dim
        labels = ", ".join(d.label for d in dims) or "none"
        raise InputError(f"no dimension '{name}' among these deals", expected=f"one of: {labels}")

    def column(self, name: Any) -> Column:
        """The deals column a user names: their own header, a report label, a field or synonym.

        Matching ignores case, spaces and punctuation. Identifier and personal columns and
        columns that restate the outcome are refused with the reason; a miss lists the
        columns that can be named.
        """
        wanted = normalize_header(name)
        for text, col in self._names():
            if normalize_header(text) == wanted:
                return self._usable(str(name), col)
        fate = self._fates().get(wanted)
        if fate is not None:
            raise InputError(f"the column '{name}' is not analysed ({fate[0]})", column=str(name),
                             expected="one of: " + ", ".join(self.column_names()))
        raise InputError("no such column to filter or split by", column=str(name),
                         expected="one of: " + ", ".join(self.column_names()))

    def column_names(self) -> list[str]:
        """Every column a user may name (report labels and the export's own headers)."""
        deals = self.dealset.deals
        usable = {col for _, col in self._names()
                  if col not in HIDDEN_COLUMNS and col in deals and deals[col].notna().any()}
        names = {field_label(c) for c in usable}
        names |= {h for h, c in self.dealset.headers.items() if c in usable}
        return sorted(names, key=str.casefold)

    def _names(self) -> Iterable[tuple[str, str]]:
        ds = self.dealset
        yield from ds.headers.items()
        for col in [*DEAL_COLUMNS, *ds.extra_dimensions]:
            if col not in ds.deals:
                continue
            yield col, col
            yield field_label(col), col
            known = FIELD_BY_NAME.get(col)
            for synonym in known.synonyms if known else ():
                yield synonym, col

    def _fates(self) -> dict[str, tuple[str, str]]:
        return {normalize_header(src.split(": ", 1)[-1]): (fate, role)
                for src, fate, role, _ in self.dealset.quality.column_map}

    def _usable(self, asked: str, col: str) -> Column:
        known = FIELD_BY_NAME.get(col)
        role = known.role if known else self.dealset.extra(col).role
        if col in HIDDEN_COLUMNS or role in (IDENTIFIER, PERSONAL, OUTCOME):
            why = {IDENTIFIER: "identifies deals or accounts", PERSONAL: "holds personal data",
                   OUTCOME: "says or restates the outcome"}.get(role, "is not a dimension")
            raise InputError(f"the column '{asked}' {why}, so it cannot be filtered or split on "
                             "(reports hold aggregates only)", column=asked,
                             expected="one of: " + ", ".join(self.column_names()))
        return Column(col, field_label(col), role)

    # ------------------------------------------------------------------ filters
    def where(self, filters: Mapping[str, Any] | None) -> WinLoss:
        """The deals whose columns equal the values (trimmed, case-insensitive text; numbers
        as numbers). A value that no deal has is an error listing the values there are."""
        if not filters:
            return self
        deals = self.dealset.deals
        keep = np.ones(len(deals), dtype=bool)
        parts = []
        for name, value in filters.items():
            col = self.column(name)
            hit = self._matches(col, value)
            keep &= hit
            parts.append(f"{col.label} = {self.safe_value(value, int(hit.sum()))}")
        out = WinLoss.of(self.dealset.with_deals(deals[keep]), self.config,
                         (*self.title_parts, *parts), self.period)
        out._whole = None if self._whole is None else self._whole.where(filters)
        return out

    def _matches(self, col: Column, value: Any) -> np.ndarray:
        series = self.dealset.deals[col.name]
        if pd.api.types.is_datetime64_any_dtype(series):
            raise InputError(f"'{col.label}' is a date: select dates with --period", column=col.label,
                             expected="a period such as 2025Q4, 2025-10 or 2025-10-01..2025-12-31")
        keys = value_keys(series)
        hit = keys == value_key(value)
        if not hit.any():
            raise InputError(f"no deal has {col.label} = '{self.safe_value(value, None)}'",
                             column=col.label, expected="one of: " + self.value_list(series))
        return hit

    def in_period(self, period: Period | str) -> WinLoss:
        """The deals that closed within ``period`` (a :class:`Period` or text such as "2025Q4",
        "FY2026Q1" read with ``fiscal_year_start_month``; see :mod:`winloss_xl.periods`).

        Data Quality says which period it was and counts the closed deals left out: those
        that closed outside it and those with no close date. No closed deal in the period is
        an InputError naming the close dates there are.
        """
        if not isinstance(period, Period):
            period = parse_period(period, self.config.fiscal_year_start_month)
        ds = self.dealset
        dates = ds.deals["close_date"]
        inside = period.contains(dates)
        closed = (ds.deals["outcome"] != OUTCOME_OPEN).to_numpy()
        undated = dates.isna().to_numpy()
        if not (inside & closed).any():
            known = dates[closed & ~undated]
            span = (f"the close dates run from {known.min():%Y-%m-%d} to {known.max():%Y-%m-%d}"
                    if len(known) else "no closed deal has a close date")
            raise InputError(f"no closed deal closed in {period.describe()}", column="Close date",
                             expected="a period within the data", advice=span[:1].upper() + span[1:])
        quality = ds.quality.copy()
        quality.add("Period", int((inside & closed).sum()),
                    f"closed deals in {period.describe()}; the report covers these only")
        quality.add("Closed deals outside the period", int((closed & ~inside & ~undated).sum()),
                    f"closed before or after {period.label}; left out")
        quality.add("Closed deals without a close date", int((closed & undated).sum()),
                    f"left out: no close date to place in {period.label}")
        quality.add("Open deals outside the period", int((~closed & ~inside).sum()),
                    f"open deals whose expected close date is missing or not in {period.label}")
        part = replace(ds.with_deals(ds.deals[inside]), quality=quality)
        out = WinLoss.of(part, self.config, (*self.title_parts, period.describe()), period)
        out._whole = self._whole or self  # the Changes sheet's baseline lies outside the period
        return out

    def split(self, by: Any) -> dict[str, WinLoss]:
        """One WinLoss per recorded value of a column, in sorted order (blanks left out).

        Keys are the values; each part's title shows its value only when the privacy rule
        allows it (:meth:`safe_value`), else ``part-NN`` in the same order."""
        col = self.column(by)
        deals = self.dealset.deals
        text = deals[col.name].map(_shown_value)
        out: dict[str, WinLoss] = {}
        values = sorted(text.dropna().unique(), key=lambda s: (s.casefold(), s))
        wholes = {} if self._whole is None else self._whole.split(by)
        for index, value in enumerate(values, start=1):
            part = self.dealset.with_deals(deals[(text == value).to_numpy()])
            label = self.safe_value(value, len(part.deals), index)
            out[value] = WinLoss.of(part, self.config, (*self.title_parts, f"{col.label}: {label}"),
                                    self.period)
            out[value]._whole = wholes.get(value)
        return out

    # ------------------------------------------------------------------ two periods
    @cached_property
    def comparison(self) -> Any:
        """The Changes sheet: the default periods (this selection's period, else the latest
        complete quarter, against the period of the same length before it)."""
        return self.compare()

    def compare(self, baseline: Any = None, current: Any = None, *,
                recommendations: Iterable[str] | None = None, source: str = "") -> Any:
        """Compare two close-date periods of these deals (engine.changes) and follow up the
        baseline's recommendations (engine.followup).

        ``current`` defaults to the period these deals were selected by (``in_period``), else
        the latest complete quarter of the close dates (fiscal-year aware); ``baseline`` to
        the period of the same kind and length before ``current`` (periods.period_before).
        Periods are :class:`~winloss_xl.periods.Period` or text
        (``2025Q4``, ``FY2026Q1``, ...). ``recommendations`` (texts, e.g. an earlier report's
        tblRecommendations) default to the ones this engine makes from the baseline's deals.
        """
        from .engine.changes import Changes, Comparison, compare_periods
        from .engine.followup import follow_up

        whole = self._whole or self
        prep = whole.prepared
        cur, base, why = whole._comparison_periods(baseline, current or self.period)
        if why:
            labels = (base.label if base else "the baseline", cur.label if cur else "the current period")
            ch = Changes(*labels, note=why, fdr=self.config.fdr)
            return Comparison(ch, _empty_follow_up(), why, source)
        assert cur is not None and base is not None
        dates = prep.closed["close_date"]
        in_base, in_cur = base.contains(dates), cur.contains(dates)
        ch = compare_periods(prep, in_base, in_cur, labels=(base.label, cur.label))
        if not ch.comparable:
            return Comparison(ch, _empty_follow_up(), ch.note, source)
        if recommendations is None:
            recommendations = whole._baseline_recommendations(in_base)
            source = source or f"computed from the {base.label} deals"
        table, note = follow_up(prep, in_base, in_cur, list(recommendations))
        return Comparison(ch, table, note, source)

    def _comparison_periods(self, baseline: Any, current: Any) -> tuple[Any, Any, str]:
        """(current, baseline, why not) for a comparison of these deals."""
        from .periods import Period, last_complete_quarter, parse_period, period_before

        fy = self.config.fiscal_year_start_month

        def period(p: Any) -> Any:
            return p if p is None or isinstance(p, Period) else parse_period(p, fy)

        cur, base = period(current), period(baseline)
        if cur is None:
            dates = pd.to_datetime(self.prepared.closed["close_date"], errors="coerce")
            if dates.isna().all():
                return None, base, ("No close dates were recorded, so there are no periods to "
                                    "compare.")
            cur = last_complete_quarter(dates.max().date(), fy)
        if base is None:
            base = period_before(cur, fy)  # a quarter -> the quarter before, a year -> the year
        if base.end >= cur.start and cur.end >= base.start:
            raise InputError(f"the baseline {base.describe()} overlaps the current period "
                             f"{cur.describe()}", expected="a baseline that ends before the current "
                             "period starts, e.g. --baseline 2025Q3 with --period 2025Q4")
        return cur, base, ""

    def _baseline_recommendations(self, in_base: np.ndarray) -> list[str]:
        """The recommendations the engine makes from the baseline's closed deals (``in_base``,
        a mask over the closed deals), on the segments and bands of the comparison."""
        from .engine import analyze
        from .engine.prepare import restrict

        prep = self.prepared
        part = self.dealset
        if part.contacts is not None and len(part.contacts):
            # personas join contacts to the deals: give them the baseline's deals only (without
            # contacts the deals frame is not read beyond the prepared deals, so no copy is made)
            part = part.with_deals(part.deals.iloc[prep.closed.rows[in_base]])
        analysis = analyze(part, self.config, prepared=restrict(prep, in_base))
        return analysis.tables["tblRecommendations"]["Recommendation"].tolist()

    # ------------------------------------------------------------------ privacy
    @cached_property
    def _known_names(self) -> frozenset[str]:
        """The deals' account keys, which no title, message, file name or log may carry."""
        from .privacy import normalize_known

        keys = self.dealset.deals.get("account_key")
        return frozenset() if keys is None else normalize_known(keys.dropna().unique())

    def safe_value(self, value: Any, deals: int | None, index: int | None = None) -> str:
        """``value`` as a title, message or file name may show it: itself when shared by
        ``deals`` deals (None: a value the user typed, not counted) and naming no one (the
        privacy rule), else ``part-NN`` (with ``index``) or "(value not shown)"."""
        from .privacy import MIN_SHARED_DEALS, may_show, safe_label

        shared = MIN_SHARED_DEALS if deals is None else deals
        if index is not None:
            return safe_label(value, shared, index, self._known_names)
        return str(value) if may_show(value, shared, self._known_names) else "(value not shown)"

    def value_list(self, series: pd.Series) -> str:
        """The values of a column a message may list: those the privacy rule lets through."""
        from .privacy import may_show

        counts = series.map(_shown_value).value_counts()
        shown = sorted((str(v) for v, n in counts.items() if may_show(v, int(n), self._known_names)),
                       key=lambda s: (s.casefold(), s))
        text = ", ".join(shown[:LIST_VALUES]) or "(no value that may be shown)"
        if len(shown) > LIST_VALUES:
            text += f" and {len(shown) - LIST_VALUES} more"
        if len(counts) > len(shown):
            text += f" ({len(counts) - len(shown)} not shown: rare or personal)"
        return text

    # ------------------------------------------------------------------ outputs
    def title(self, base: str = "Win/Loss report") -> str:
        """The report title, naming the filters that made these deals."""
        return base + (": " + ", ".join(self.title_parts) if self.title_parts else "")

    def report(self, title: str | None = None) -> Any:
        """The neutral description of the report sheets (report.layout)."""
        from .report.build import build_report

        return build_report(self.report_analysis, title=title or self.title())

    def save(self, path: str | Path, *, title: str | None = None, template: Any = None,
             inputs: Iterable[Any] = ()) -> Path:
        """Write the report workbook (headless, atomic); returns its path."""
        from .report.xlsx import write_report

        return write_report(self.report(title), path, template=template, inputs=list(inputs))

    def write_live(self, book: Any, title: str | None = None) -> Any:
        """Write the report sheets into an open workbook (the Analyze button); returns the report."""
        from .report.live import write_report_live

        report = self.report(title)
        write_report_live(report, book)
        return report


def value_key(value: Any) -> str | None:
    """The comparable form of a value: trimmed, case-folded text; 3.0, 3 and "3" alike.

    >>> value_key(" Retail "), value_key(3.0), value_key("3"), value_key(None)
    ('retail', '3', '3', None)
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).casefold()
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _number_key(float(value))
    text = str(value).strip()
    try:
        return _number_key(float(text))
    except ValueError:
        return text.casefold()


def _number_key(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


def value_keys(series: pd.Series) -> np.ndarray:
    """:func:`value_key` of every value, computed once per distinct value."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    keys = np.array([*(value_key(u) for u in uniques), None], dtype=object)
    return keys[codes]


def _shown_value(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _empty_follow_up() -> pd.DataFrame:
    from .engine.followup import FOLLOWUP_COLUMNS

    return pd.DataFrame({c: pd.Series(dtype="object") for c in FOLLOWUP_COLUMNS})
