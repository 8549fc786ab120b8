"""Closed deals turned into integer-coded dimensions, once, for every engine module.

Every dimension (a text column, or a numeric column cut into readable bands)
becomes an ``int32`` code array over the closed deals, ``-1`` where the value
is not recorded, with level labels in display order. All later counting is
``numpy.bincount`` over these codes, which keeps a million deals fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import Config
from ..dealset import CODE, NUMBER, TEXT, DealSet
from ..fields import (
    ATTRIBUTE,
    DIMENSION_FIELDS,
    FIELD_BY_NAME,
    OUTCOME_OPEN,
    OUTCOME_WON,
    PROCESS,
    field_label,
    header_words,
    is_numeric_field,
    normalize_header,
)
from . import bands, leaks
from .clusters import Accounts

#: Segment label of deals whose value of a dimension is not recorded.
NOT_RECORDED = "Not recorded"
#: Why a dimension restating the outcome is left out.
RESTATES = "restates the outcome: its values separate won from lost almost perfectly"


@dataclass
class Dimension:
    """One dimension over the closed deals: codes (``-1`` = not recorded) and level labels."""

    field: str
    label: str
    codes: np.ndarray
    levels: list[str]
    method: str = "category"  # "category", "code", "configured" bands or "quantile" bands
    #: attribute, or process measure (descriptive only: never a driver or a recommendation)
    role: str = ATTRIBUTE
    _with_missing: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def size(self) -> int:
        """Number of recorded levels."""
        return len(self.levels)

    @property
    def is_process(self) -> bool:
        """A process measure: shown as a descriptive pattern only."""
        return self.role == PROCESS

    def codes_with_missing(self) -> np.ndarray:
        """Codes where "not recorded" is the extra level ``size`` (int64, computed once)."""
        if self._with_missing is None:
            self._with_missing = np.where(self.codes < 0, self.size, self.codes).astype("int64")
        return self._with_missing


class ClosedView:
    """Columns of the closed deals, taken on demand (a million-row frame is never copied whole)."""

    def __init__(self, deals: pd.DataFrame, mask: np.ndarray) -> None:
        self._deals = deals
        self._rows = np.flatnonzero(mask)
        self._cache: dict[str, pd.Series] = {}

    @property
    def columns(self) -> pd.Index:
        """The deals' columns."""
        return self._deals.columns

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> np.ndarray:
        """Positions of the closed deals among all deals."""
        return self._rows

    def __getitem__(self, name: str) -> pd.Series:
        if name not in self._cache:
            self._cache[name] = self._deals[name].iloc[self._rows].reset_index(drop=True)
        return self._cache[name]


@dataclass
class Prepared:
    """The closed deals and everything derived from them once."""

    closed: ClosedView
    won: np.ndarray
    amount: np.ndarray
    cycle: np.ndarray
    no_decision: np.ndarray
    dims: list[Dimension]
    config: Config
    open_count: int
    #: engine data-quality rows: (Check, Count, Detail)
    quality: list[tuple[str, int, str]] = field(default_factory=list)
    #: table name -> note, collected while preparing
    notes: dict[str, str] = field(default_factory=dict)
    #: True when lost deals all carry amount 0 / blank (CRMs that store only won value)
    amount_won_only: bool = False
    #: the closed deals' accounts, when the deals carry an account key
    accounts: Accounts | None = None
    #: dimension -> why it was left out although it had values (restates the outcome)
    left_out: dict[str, str] = field(default_factory=dict)
    #: the qualification score's own scale (1, 10 or 100)
    score_scale: float = 1.0
    #: open deals that carry a qualification score (a score only open deals carry is not judged)
    open_scored: int = 0

    @property
    def n(self) -> int:
        """Closed deals."""
        return len(self.won)

    @property
    def total_won(self) -> int:
        """Won deals."""
        return int(self.won.sum())

    def dim(self, name: str) -> Dimension | None:
        """The dimension of canonical field (or extra header) ``name``, if present."""
        for d in self.dims:
            if d.field == name:
                return d
        return None


def finite_values(values: pd.Series) -> np.ndarray:
    """A numeric column as float64, with text, infinities and NaN all as NaN (not recorded)."""
    out = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isfinite(out), out, np.nan)


def object_values(values: pd.Series) -> np.ndarray:
    """The values as a plain object array (factorising it skips the string-array NA pass)."""
    if isinstance(values.dtype, pd.CategoricalDtype) or pd.api.types.is_numeric_dtype(values):
        return values.to_numpy()
    return values.to_numpy(dtype=object)


def text_codes(values: pd.Series, mapping: dict[str, str] | None = None) -> tuple[np.ndarray, list[str]]:
    """Factorise a text column: trimmed, blanks missing, optional label mapping; levels sorted.

    Work is done on the distinct values only. ``mapping`` maps a normalised
    value (see :func:`fields.normalize_header`) to its display label; an empty
    display label means "not recorded".
    """
    codes, uniques = pd.factorize(object_values(values), use_na_sentinel=True)
    cleaned: list[str] = []
    for u in uniques:
        text = str(int(u)) if isinstance(u, float) and u.is_integer() else str(u).strip()
        if mapping is not None and text:
            text = mapping.get(normalize_header(text), text)
        cleaned.append(text)
    labels = sorted({c for c in cleaned if c}, key=lambda s: (s.casefold(), s))
    index = {lab: i for i, lab in enumerate(labels)}
    remap = np.array([index.get(c, -1) if c else -1 for c in cleaned] + [-1], dtype="int32")
    return remap[codes], labels


def _levels_in_use(codes: np.ndarray, levels: list[str]) -> tuple[np.ndarray, list[str]]:
    """Drop the levels no code refers to (values seen only on open deals), keeping the order."""
    used = np.bincount(codes[codes >= 0], minlength=len(levels)) > 0
    if used.all():
        return codes, levels
    remap = np.full(len(levels) + 1, -1, dtype=codes.dtype)  # code -1 reads the last entry
    remap[np.flatnonzero(used)] = np.arange(int(used.sum()))
    return remap[codes], [lab for lab, keep in zip(levels, used) if keep]


def prepare(dealset: DealSet, config: Config) -> Prepared:
    """Closed deals, outcome and amount arrays, accounts, and every usable dimension."""
    deals = dealset.deals
    outcome = deals["outcome"].to_numpy(dtype=object)
    is_open = outcome == OUTCOME_OPEN
    closed = ClosedView(deals, ~is_open)
    won = outcome[closed.rows] == OUTCOME_WON
    amount = finite_values(closed["amount"])
    cycle = finite_values(closed["sales_cycle_days"])
    nd = closed["no_decision"].astype("boolean").fillna(False).to_numpy(dtype=bool) & ~won
    prep = Prepared(closed, won, amount, cycle, nd, [], config, open_count=int(is_open.sum()),
                    score_scale=dealset.score_scale)
    if is_open.any():
        prep.open_scored = int(deals["qualification_score"].notna().to_numpy()[is_open].sum())
    prep.amount_won_only = amount_records_won_value_only(amount, won)
    if prep.amount_won_only:
        prep.quality.append((
            "Deal size not compared", int((~won).sum()),
            "every lost deal has amount 0 or blank, so the amount records won value only; deal size "
            "is left out of the comparisons, the value win rate and the lost amounts"))
    prep.accounts = _accounts(deals, closed, won)
    skipped: list[str] = []
    for name in (*DIMENSION_FIELDS, *dealset.extra_dimensions):
        if name not in closed.columns or (name == "amount" and prep.amount_won_only):
            continue
        dim = _dimension(prep, dealset, name)
        if dim is None:
            continue
        if dim.size < 2:
            if (dim.codes >= 0).any():
                skipped.append(dim.label)
            continue
        if _restates_outcome(prep, dealset, dim):
            prep.left_out[name] = RESTATES
            continue
        prep.dims.append(dim)
    if skipped:
        prep.quality.append(("Dimensions with one value", len(skipped),
                             "not compared (every recorded deal has the same value): "
                             + ", ".join(skipped)))
    if prep.left_out:
        prep.quality.append(("Columns that restate the outcome, left out", len(prep.left_out),
                             ", ".join(f"'{field_label(n)}'" for n in prep.left_out)
                             + ": their values put almost every closed deal in a group that is "
                             "all won or all lost"))
    return prep


def _dimension(prep: Prepared, dealset: DealSet, name: str) -> Dimension | None:
    """One dimension of the closed deals: text levels, integer codes or numeric bands."""
    closed = prep.closed
    if name in FIELD_BY_NAME:
        role = FIELD_BY_NAME[name].role
        kind = NUMBER if is_numeric_field(name) else TEXT
    else:
        info = dealset.extra(name)
        role, kind = info.role, info.kind
    if kind == NUMBER:
        dim = _numeric_dimension(prep, name, closed[name])
    elif kind == CODE:
        dim = _code_dimension(name, closed[name])
    else:
        # coded over all deals, then narrowed to the closed ones: no text column is copied
        aliases = prep.config.competitor_alias_table() if name == "competitor" else None
        codes, levels = text_codes(dealset.deals[name], aliases)
        codes, levels = _levels_in_use(codes[closed.rows], levels)
        dim = Dimension(name, field_label(name), codes, levels)
    if dim is not None:
        dim.role = PROCESS if role == PROCESS else ATTRIBUTE
    return dim


def _code_dimension(name: str, col: pd.Series) -> Dimension | None:
    """Integer codes (a 1-7 size category): one level per code, in numeric order."""
    values = finite_values(col)
    known = ~np.isnan(values)
    if not known.any():
        return None
    uniq, inverse = np.unique(values[known], return_inverse=True)
    codes = np.full(len(values), -1, dtype="int32")
    codes[known] = inverse.astype("int32")
    labels = [f"{v:.0f}" for v in uniq]
    return Dimension(name, field_label(name), codes, labels, "code")


def _accounts(deals: pd.DataFrame, closed: ClosedView, won: np.ndarray) -> Accounts | None:
    """The closed deals' accounts, when at least two distinct accounts are recorded."""
    keys = deals["account_key"]
    if keys.isna().all():
        return None
    codes, _ = pd.factorize(object_values(keys).astype(object), use_na_sentinel=True)
    closed_codes = codes[closed.rows]
    if len(np.unique(closed_codes[closed_codes >= 0])) < 2:
        return None
    return Accounts.from_codes(closed_codes, won)


def _restates_outcome(prep: Prepared, dealset: DealSet, dim: Dimension) -> bool:
    """The data rule of :mod:`.leaks`, on categories and on continuous extra dimensions."""
    if dim.method == "quantile" and dim.field not in FIELD_BY_NAME:
        return leaks.restates_by_order(finite_values(prep.closed[dim.field]), prep.won)
    if dim.method in ("configured", "quantile"):
        return False
    return leaks.restates_by_groups(dim.codes, dim.size, prep.won)


def amount_records_won_value_only(amount: np.ndarray, won: np.ndarray) -> bool:
    """True when won deals have positive amounts but no lost deal does (amount = won value only)."""
    lost = ~won
    if not lost.any() or not won.any():
        return False
    won_positive = np.nan_to_num(amount[won], nan=0.0) > 0
    lost_positive = np.nan_to_num(amount[lost], nan=0.0) > 0
    return bool(won_positive.mean() >= 0.5 and not lost_positive.any())


def _numeric_dimension(prep: Prepared, name: str, col: pd.Series) -> Dimension | None:
    values = finite_values(col)
    if np.isnan(values).all():
        return None
    cfg = prep.config
    known = FIELD_BY_NAME.get(name)
    in_days = known.kind == "days" if known is not None else "days" in header_words(name)
    unit = "days" if in_days else ""
    if name == "company_revenue" and cfg.revenue_bands:
        return _revenue_dimension(prep, values)
    banding = bands.band_quantiles(values, cfg.quantile_bands, unit)
    return Dimension(name, field_label(name), banding.codes, banding.labels, "quantile")


def _revenue_dimension(prep: Prepared, values: np.ndarray) -> Dimension:
    """Company revenue in the configured bands, unless quantile bands split the deals better."""
    cfg = prep.config
    configured = bands.band_configured(values, cfg.revenue_bands)
    label = field_label("company_revenue")
    if bands.splits_well(configured, cfg.min_deals):  # the usual case: no quantiles needed
        return Dimension("company_revenue", label, configured.codes, configured.labels, "configured")
    quantile = bands.band_quantiles(values, cfg.quantile_bands)
    if not bands.better_split(quantile, configured, cfg.min_deals):
        return Dimension("company_revenue", label, configured.codes, configured.labels, "configured")
    prep.quality.append((
        "Revenue bands fitted to the data", int((~np.isnan(values)).sum()),
        "the configured company-revenue bands ("
        + ", ".join(b[0] for b in cfg.revenue_bands)
        + ") would put nearly all deals in one band, so readable quantile bands are used: "
        + ", ".join(quantile.labels),
    ))
    return Dimension("company_revenue", label, quantile.codes, quantile.labels, "quantile")


def restrict(prep: Prepared, keep: np.ndarray, open_count: int = 0) -> Prepared:
    """The closed deals of ``keep`` (a mask over ``prep``'s closed deals) with ``prep``'s own
    dimensions, levels and bands: a period of a comparison, analysed on the segments both
    periods share (so its findings name segments that exist in the other period too)."""
    keep = np.flatnonzero(np.asarray(keep, dtype=bool))  # positions, found once for every array
    mask = np.zeros(len(prep.closed._deals), dtype=bool)
    mask[prep.closed.rows[keep]] = True
    dims = [Dimension(d.field, d.label, d.codes.take(keep), d.levels, d.method, d.role)
            for d in prep.dims]
    accounts = None
    if prep.accounts is not None:
        _, codes = np.unique(prep.accounts.codes[keep], return_inverse=True)
        if codes.size and codes.max() >= 1:
            accounts = Accounts.from_codes(codes.astype("int64"), prep.won[keep])
    return Prepared(ClosedView(prep.closed._deals, mask), prep.won[keep], prep.amount[keep],
                    prep.cycle[keep], prep.no_decision[keep], dims, prep.config, open_count,
                    amount_won_only=prep.amount_won_only, accounts=accounts,
                    left_out=dict(prep.left_out), score_scale=prep.score_scale)
