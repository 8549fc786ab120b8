"""Source headers -> fields and roles, using only the field registry (:mod:`winloss_xl.fields`).

A header matches a field when, after normalising, it equals a synonym (an
*exact* match), equals one once a CRM object prefix such as "Deal - " is
dropped (*prefix*), or, for fields that allow it, once unit, currency and total
words are dropped ("Opportunity Amount USD", "Amount in company currency":
*similar*). Settings come first and must name a real column.

When several columns match one field the best match wins: exact before prefix
before similar, then the synonym's rank, then the column's position. Two
documented exceptions: an amount stated in the company's currency ("Amount in
company currency", "Amount (converted)") beats the amount as entered, because
amounts in different currencies cannot be compared; date fields keep the other
matches as fallbacks that fill gaps (Pipedrive's "Won time" and "Lost time").
Every other column gets a role from its header when the header decides it
(:func:`winloss_xl.fields.role_by_header`), else later from its values.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import InputError
from ..fields import (
    ACCOUNT_FIELD_REDIRECTS,
    ATTRIBUTE,
    CONTACT_FIELDS,
    FIELD_BY_NAME,
    FIELDS,
    IDENTIFIER,
    INLINE_CONTACT_ROLES,
    PROCESS,
    header_variants,
    header_words,
    loose_variants,
    normalize_header,
    role_by_header,
)

EXACT, PREFIX, SIMILAR, SETTING = "exact name", "name without its CRM prefix", \
    "similar name (unit words ignored)", "setting"
_QUALITY = {EXACT: 0, PREFIX: 1, SIMILAR: 2}


@dataclass
class ColumnInfo:
    """What one source column is: its field (if any), role, how it was matched, and its fate."""

    source: str
    field: str | None = None
    role: str = ATTRIBUTE
    how: str = ""
    fate: str = ""


@dataclass
class ColumnPlan:
    """Which source column feeds which field, and what every other column is."""

    columns: dict[str, ColumnInfo] = field(default_factory=dict)
    fields: dict[str, list[str]] = field(default_factory=dict)
    inline_contacts: list[tuple[str, str]] = field(default_factory=list)

    def column(self, name: str) -> str | None:
        """The primary source column of a field (None when the export lacks it)."""
        cols = self.fields.get(name)
        return cols[0] if cols else None

    @property
    def unmapped(self) -> list[str]:
        """Columns that feed no field and are not contacts or left out: candidates for dimensions."""
        return [c for c, info in self.columns.items() if info.field is None and not info.fate]

    def assign(self, col: str, fld: str, how: str, fate: str | None = None) -> None:
        """Make ``col`` feed field ``fld`` (appended after columns already feeding it)."""
        self.fields.setdefault(fld, []).append(col)
        known = FIELD_BY_NAME.get(fld)
        info = self.columns[col]
        info.field, info.how = fld, how
        info.role = known.role if known is not None else ATTRIBUTE
        info.fate = fate or (known.label if known is not None else fld)

    def leave_out(self, col: str, role: str, fate: str, how: str = "") -> None:
        """Record that ``col`` is not analysed, with its role and why."""
        info = self.columns[col]
        info.role, info.fate = role, fate
        if how:
            info.how = how


@lru_cache(maxsize=8)
def _synonyms(table: str) -> dict[str, tuple[str, int, bool]]:
    """normalised synonym -> (field, rank, loose allowed) for one kind of table."""
    out: dict[str, tuple[str, int, bool]] = {}
    if table == "contacts":
        for fld, words in CONTACT_FIELDS.items():
            for rank, w in enumerate(words):
                out.setdefault(normalize_header(w), (fld, rank, False))
        return out
    for f in FIELDS:
        name = f.name
        if table == "accounts":
            name = ACCOUNT_FIELD_REDIRECTS.get(name, name)
            if "accounts" not in FIELD_BY_NAME[name].tables:
                continue
        for rank, w in enumerate(f.synonyms):
            out.setdefault(normalize_header(w), (name, rank, f.loose))
    return out


def match_header(header: str, table: str = "deals") -> tuple[str, str, int] | None:
    """(field, how, rank) of the field a header names, or None.

    >>> match_header("Opportunity Amount USD")[:2]
    ('amount', 'similar name (unit words ignored)')
    >>> match_header("Deal - Lost reason")[:2]
    ('loss_reason', 'name without its CRM prefix')
    """
    look = _synonyms(table)
    for i, variant in enumerate(header_variants(header)):
        hit = look.get(variant)
        if hit:
            return hit[0], (EXACT if i == 0 else PREFIX), hit[1]
    for variant in loose_variants(header):
        hit = look.get(variant)
        if hit and hit[2]:
            return hit[0], SIMILAR, hit[1]
    return None


def in_company_currency(header: str) -> bool:
    """True for an amount stated in one company currency ("Amount in company currency")."""
    words = set(header_words(header))
    return "converted" in words or {"company", "currency"} <= words


def find_column(columns: Sequence[str], wanted: str) -> str | None:
    """The column called ``wanted`` (exactly, else case- and punctuation-insensitively)."""
    if wanted in columns:
        return wanted
    norm = normalize_header(wanted)
    return next((c for c in columns if normalize_header(c) == norm), None)


def missing_column_error(wanted: str, columns: Sequence[str], label: str, what: str) -> InputError:
    """An InputError for a setting naming a column that is not there, with the nearest header."""
    near = difflib.get_close_matches(wanted, list(columns), n=1, cutoff=0.5)
    return InputError(
        f"the column '{wanted}' set for {what} is not in the table", file=label, column=wanted,
        expected=(f"did you mean '{near[0]}'? " if near else "")
        + "one of the columns " + ", ".join(f"'{c}'" for c in columns),
    )


def plan_columns(columns: Sequence[str], *, table: str = "deals",
                 overrides: Mapping[str, str] | None = None,
                 exclude: Sequence[str] = (), label: str = "") -> ColumnPlan:
    """Decide the field, role and how-matched of every column of a ``table``."""
    plan = ColumnPlan({c: ColumnInfo(c) for c in columns})
    for wanted in exclude:
        col = find_column(columns, wanted)
        if col is None:
            raise missing_column_error(wanted, columns, label, "exclude")
        plan.leave_out(col, plan.columns[col].role, "left out (exclude setting)", SETTING)
    for fld, wanted in (overrides or {}).items():
        col = find_column(columns, wanted)
        if col is None:
            raise missing_column_error(wanted, columns, label, fld)
        plan.assign(col, fld, SETTING)
    _match_all(plan, table)
    for col, info in plan.columns.items():
        if info.field is None and not info.fate:
            decided = role_by_header(col)
            if decided is None:
                continue
            info.role, info.how = decided[0], "header"
            if decided[0] != PROCESS:  # process measures stay: descriptive dimensions
                info.fate = f"left out: {decided[1]}"
    return plan


def _match_all(plan: ColumnPlan, table: str) -> None:
    inline = {normalize_header(h): role for h, role in INLINE_CONTACT_ROLES.items()}
    candidates: dict[str, list[tuple[tuple, str, str]]] = {}
    for pos, (col, info) in enumerate(plan.columns.items()):
        if info.field is not None or info.fate:
            continue
        if table == "deals" and normalize_header(col) in inline:
            plan.inline_contacts.append((col, inline[normalize_header(col)]))
            info.fate, info.how = f"contact ({inline[normalize_header(col)]} title)", EXACT
            continue
        hit = match_header(col, table)
        if hit is None:
            continue
        fld, how, rank = hit
        if fld in plan.fields and plan.columns[plan.fields[fld][0]].how == SETTING:
            info.fate = f"left out: the {_label(fld)} column is set by a setting"
            info.role = FIELD_BY_NAME[fld].role if fld in FIELD_BY_NAME else ATTRIBUTE
            continue
        currency_first = 0 if (fld == "amount" and in_company_currency(col)) else 1
        candidates.setdefault(fld, []).append(((currency_first, _QUALITY[how], rank, pos), col, how))
    for fld, cands in candidates.items():
        cands.sort()
        _, best, how = cands[0]
        plan.assign(best, fld, how)
        for _, col, how2 in cands[1:]:
            coalesce = fld in FIELD_BY_NAME and FIELD_BY_NAME[fld].coalesce
            if coalesce:
                plan.assign(col, fld, how2, fate=f"{_label(fld)} (fills gaps)")
            else:
                info = plan.columns[col]
                info.role = FIELD_BY_NAME[fld].role if fld in FIELD_BY_NAME else ATTRIBUTE
                info.how, info.fate = how2, f"left out: '{best}' is the {_label(fld)} column"


def _label(fld: str) -> str:
    return FIELD_BY_NAME[fld].label.lower() if fld in FIELD_BY_NAME else fld


def is_key_header(header: str) -> bool:
    """A deal or account key (read as text so "00123" keeps its zeros)."""
    for table in ("deals", "contacts"):
        hit = match_header(header, table)
        if hit and hit[0] in ("deal_id", "account_key"):
            return True
    decided = role_by_header(header)
    return decided is not None and decided[0] == IDENTIFIER
