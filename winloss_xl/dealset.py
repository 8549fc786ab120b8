"""DealSet: the canonical deals, their contacts and the data-quality record, together.

Ingestion produces a DealSet; the engine consumes one. It is plain data: no
I/O, no Excel. The columns of ``deals`` are the registry's in-frame fields
(:data:`winloss_xl.fields.DEAL_COLUMNS`), then the extra dimensions:

==================== =============== ==============================================
column               dtype           meaning
==================== =============== ==============================================
deal_id              str             key; generated ``row-<n>`` when the export has none
outcome              str             ``won`` / ``lost`` / ``open``
no_decision          bool            a loss through no decision or disqualification
amount               float           deal value (NaN when unknown)
close_date           datetime64[ns]  NaT when unknown
created_date         datetime64[ns]  NaT when unknown
sales_cycle_days     float           given, or close - created; NaN when impossible
industry ... competitor  str / None  categorical dimensions
company_revenue      float           in currency units (25M -> 25_000_000)
employees            float
loss_reason          str / None      raw reason text as exported (cleaned of spaces)
loss_reasons         object (tuple)  the reasons split on ``;`` ``|`` ``/`` newline
qualification_score  float           normalised to 0..1
lost_stage           str / None      stage at which a lost deal died, when exported
account_key          str / None      join key to Accounts; never reported
==================== =============== ==============================================
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from .fields import ATTRIBUTE, CONTACT_COLUMNS, DEAL_COLUMNS, OUTCOME_OPEN
from .quality import QualityLog

#: Kinds of extra dimension: text levels, integer codes (levels in numeric order), or
#: continuous numbers (readable quantile bands).
TEXT, CODE, NUMBER = "text", "code", "number"


@dataclass(frozen=True)
class ExtraDimension:
    """How the engine reads one extra dimension: its kind and role (attribute or process)."""

    kind: str = TEXT
    role: str = ATTRIBUTE


@dataclass
class DealSet:
    """Canonical deals (open ones included), contacts without names, and what ingestion did.

    Attributes:
        deals: one row per deal, columns ``fields.DEAL_COLUMNS`` then extra dimensions.
        contacts: one row per contact on a deal, columns ``fields.CONTACT_COLUMNS``.
        quality: the data-quality record (Data Quality sheet).
        extra_dimensions: columns of ``deals`` that are extra dimensions (source headers).
        source: a short name for messages, e.g. the file name.
        extra_info: kind and role of each extra dimension (text attribute when absent).
        headers: source header -> deals column, for every column a user may name
            (``--where``, ``--split-by``, formulas): fields and extra dimensions.
        score_scale: the qualification score's own scale (1, 10 or 100).
        currency: the export's currency code when one is known (e.g. "USD").
    """

    deals: pd.DataFrame
    contacts: pd.DataFrame = field(default_factory=lambda: empty_contacts())
    quality: QualityLog = field(default_factory=QualityLog)
    extra_dimensions: list[str] = field(default_factory=list)
    source: str = "deals"
    extra_info: dict[str, ExtraDimension] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    score_scale: float = 1.0
    currency: str | None = None

    def extra(self, name: str) -> ExtraDimension:
        """Kind and role of extra dimension ``name``."""
        return self.extra_info.get(name, ExtraDimension())

    @property
    def closed(self) -> pd.DataFrame:
        """Won and lost deals only."""
        return self.deals[self.deals["outcome"] != OUTCOME_OPEN]

    @property
    def open_count(self) -> int:
        """Open deals, excluded from every rate and counted in the summary."""
        return int((self.deals["outcome"] == OUTCOME_OPEN).sum())

    def with_deals(self, deals: pd.DataFrame) -> DealSet:
        """The same set restricted to ``deals`` (contacts follow their deals)."""
        keep = self.contacts["deal_id"].isin(deals["deal_id"])
        return replace(self, deals=deals, contacts=self.contacts[keep])

    @classmethod
    def from_frame(
        cls,
        deals: pd.DataFrame,
        contacts: pd.DataFrame | None = None,
        extra_dimensions: list[str] | None = None,
        source: str = "deals",
        extra_info: dict[str, ExtraDimension] | None = None,
    ) -> DealSet:
        """Wrap an already-canonical frame (tests, generators); missing columns are added empty.

        >>> ds = DealSet.from_frame(pd.DataFrame({"outcome": ["won", "lost", "open"]}))
        >>> ds.open_count, len(ds.closed)
        (1, 2)
        """
        frame = canonical_frame(deals)
        cont = empty_contacts() if contacts is None else contacts.reindex(
            columns=list(CONTACT_COLUMNS))
        return cls(frame, cont, QualityLog(), list(extra_dimensions or []), source,
                   dict(extra_info or {}))


def empty_contacts() -> pd.DataFrame:
    """A contacts frame with the canonical columns and no rows."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in CONTACT_COLUMNS})


def canonical_frame(deals: pd.DataFrame) -> pd.DataFrame:
    """Add missing canonical columns (empty, right dtype) and put them first, in order.

    The result never shares changes with ``deals`` (pandas copy-on-write); a frame that is
    complete and in order already is not copied cell by cell.
    """
    if list(deals.columns[:len(DEAL_COLUMNS)]) == list(DEAL_COLUMNS):
        return deals.copy(deep=False)
    out = deals.copy()
    n = len(out)
    for col in DEAL_COLUMNS:
        if col in out.columns:
            continue
        if col == "deal_id":
            out[col] = [f"row-{i + 1}" for i in range(n)]
        elif col == "no_decision":
            out[col] = False
        elif col in ("close_date", "created_date"):
            out[col] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
        elif col in ("amount", "sales_cycle_days", "company_revenue", "employees",
                     "qualification_score"):
            out[col] = pd.Series(float("nan"), index=out.index, dtype="float64")
        elif col == "loss_reasons":
            out[col] = pd.Series([() for _ in range(n)], index=out.index, dtype="object")
        else:
            out[col] = pd.Series([None] * n, index=out.index, dtype="object")
    extras = [c for c in out.columns if c not in DEAL_COLUMNS]
    return out[list(DEAL_COLUMNS) + extras]
