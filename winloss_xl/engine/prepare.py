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

from ..dealset import DealSet
from ..schema import OUTCOME_OPEN, OUTCOME_WON, Config, field_label, normalize_header
from . import bands

#: Segment label of deals whose value of a dimension is not recorded.
NOT_RECORDED = "Not recorded"

#: Dimensions in the order the report shows them (extra dimensions follow).
DIMENSION_ORDER: tuple[str, ...] = (
    "industry",
    "company_revenue",
    "employees",
    "amount",
    "region",
    "lead_source",
    "deal_type",
    "product",
    "owner",
    "sales_cycle_days",
    "competitor",
)
NUMERIC_UNITS: dict[str, str] = {
    "company_revenue": "money",
    "employees": "count",
    "amount": "money",
    "sales_cycle_days": "days",
}


@dataclass
class Dimension:
    """One dimension over the closed deals: codes (``-1`` = not recorded) and level labels."""

    field: str
    label: str
    codes: np.ndarray
    levels: list[str]
    method: str = "category"  # "category", "configured" bands or "quantile" bands
    _with_missing: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def size(self) -> int:
        """Number of recorded levels."""
        return len(self.levels)

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
    value (see :func:`schema.normalize_header`) to its display label; an empty
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
    """Closed deals, outcome and amount arrays, and every usable dimension."""
    deals = dealset.deals
    outcome = deals["outcome"].to_numpy(dtype=object)
    is_open = outcome == OUTCOME_OPEN
    closed = ClosedView(deals, ~is_open)
    won = outcome[closed.rows] == OUTCOME_WON
    amount = finite_values(closed["amount"])
    cycle = finite_values(closed["sales_cycle_days"])
    nd = closed["no_decision"].astype("boolean").fillna(False).to_numpy(dtype=bool) & ~won
    prep = Prepared(closed, won, amount, cycle, nd, [], config,
                    open_count=int(is_open.sum()))
    prep.amount_won_only = amount_records_won_value_only(amount, won)
    if prep.amount_won_only:
        prep.quality.append((
            "Deal size not compared", int((~won).sum()),
            "every lost deal has amount 0 or blank, so the amount records won value only; deal size "
            "is left out of the comparisons, the value win rate and the lost amounts"))
    aliases = config.competitor_alias_table()
    skipped: list[str] = []
    for name in (*DIMENSION_ORDER, *dealset.extra_dimensions):
        if name not in closed.columns or (name == "amount" and prep.amount_won_only):
            continue
        if name in NUMERIC_UNITS:
            dim = _numeric_dimension(prep, name, closed[name])
        else:
            # coded over all deals, then narrowed to the closed ones: no text column is copied
            codes, levels = text_codes(deals[name], aliases if name == "competitor" else None)
            codes, levels = _levels_in_use(codes[closed.rows], levels)
            dim = Dimension(name, field_label(name), codes, levels)
        if dim is None:
            continue
        if dim.size < 2:
            if (dim.codes >= 0).any():
                skipped.append(dim.label)
            continue
        prep.dims.append(dim)
    if skipped:
        prep.quality.append(("Dimensions with one value", len(skipped),
                             "not compared (every recorded deal has the same value): "
                             + ", ".join(skipped)))
    return prep


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
    unit = "days" if NUMERIC_UNITS[name] == "days" else ""
    if name == "company_revenue" and cfg.revenue_bands:
        configured = bands.band_configured(values, cfg.revenue_bands)
        if bands.splits_data(configured, cfg.min_deals):
            return Dimension(name, field_label(name), configured.codes, configured.labels, "configured")
        banding = bands.band_quantiles(values, cfg.quantile_bands, unit)
        prep.quality.append((
            "Revenue bands fell back to quantiles", int((~np.isnan(values)).sum()),
            "the configured company-revenue bands ("
            + ", ".join(b[0] for b in cfg.revenue_bands)
            + ") would not split these deals, so readable quantile bands are used: "
            + ", ".join(banding.labels),
        ))
        return Dimension(name, field_label(name), banding.codes, banding.labels, "quantile")
    banding = bands.band_quantiles(values, cfg.quantile_bands, unit)
    return Dimension(name, field_label(name), banding.codes, banding.labels, "quantile")
