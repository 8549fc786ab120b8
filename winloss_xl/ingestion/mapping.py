"""Source headers -> canonical fields, using only the synonym table in schema.py.

A header matches a field when its normalised form (or the form without a CRM
prefix such as "Deal - ") equals a normalised synonym. When several columns
match one field the best one wins (exact before prefix-stripped, then the
synonym's position in the table); date fields keep the others as fallbacks
that fill gaps (Pipedrive's "Won time" and "Lost time"). Config overrides come
first and must name a real column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import InputError
from ..schema import (
    ACCOUNT_FIELD_REDIRECTS,
    CONTACT_SYNONYMS,
    HEADER_SYNONYMS,
    ID_HEADER_WORDS,
    INLINE_CONTACT_ROLES,
    OUTCOME_DERIVED_HEADERS,
    PERSONAL_HEADER_WORDS,
    header_variants,
    normalize_header,
)

#: Fields whose extra matching columns fill gaps instead of being ignored.
COALESCED_FIELDS = ("close_date", "created_date")
#: Fields an Accounts table may provide.
ACCOUNT_FIELDS = ("account_key", "industry", "company_revenue", "employees", "region")


@dataclass
class ColumnPlan:
    """Which source column feeds which field, and the fate of every other column."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    inline_contacts: list[tuple[str, str]] = field(default_factory=list)
    fates: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)

    def column(self, name: str) -> str | None:
        """The primary source column of a field (None when the export lacks it)."""
        cols = self.fields.get(name)
        return cols[0] if cols else None


@lru_cache(maxsize=4)
def _lookup(kind: str) -> dict[str, tuple[str, int]]:
    table = CONTACT_SYNONYMS if kind == "contacts" else HEADER_SYNONYMS
    out: dict[str, tuple[str, int]] = {}
    for fld, words in table.items():
        if kind == "accounts":
            fld = ACCOUNT_FIELD_REDIRECTS.get(fld, fld)
            if fld not in ACCOUNT_FIELDS:
                continue
        for rank, w in enumerate(words):
            out.setdefault(normalize_header(w), (fld, rank))
    return out


def _match(header: str, kind: str) -> tuple[str, int, int] | None:
    look = _lookup(kind)
    for vi, variant in enumerate(header_variants(header)):
        hit = look.get(variant)
        if hit:
            return hit[0], vi, hit[1]
    return None


def _find_column(columns: Sequence[str], wanted: str) -> str | None:
    for c in columns:
        if c == wanted:
            return c
    norm = normalize_header(wanted)
    for c in columns:
        if normalize_header(c) == norm:
            return c
    return None


def plan_columns(columns: Sequence[str], *, kind: str = "deals",
                 overrides: Mapping[str, str] | None = None, label: str = "") -> ColumnPlan:
    """Decide the field of every column of a ``kind`` table ("deals", "accounts", "contacts")."""
    plan = ColumnPlan()
    taken: set[str] = set()
    for fld, wanted in (overrides or {}).items():
        fld_norm = fld.strip().lower().replace(" ", "_")
        col = _find_column(columns, wanted)
        if col is None:
            raise InputError(
                f"the column '{wanted}' set for {fld_norm} is not in the table", file=label,
                column=wanted, expected="one of the columns " + ", ".join(f"'{c}'" for c in columns),
            )
        plan.fields[fld_norm] = [col]
        plan.fates[col] = fld_norm + " (setting)"
        taken.add(col)
    inline = {normalize_header(h): role for h, role in INLINE_CONTACT_ROLES.items()}
    candidates: dict[str, list[tuple[int, int, int, str]]] = {}
    for pos, col in enumerate(columns):
        if col in taken:
            continue
        if kind == "deals" and normalize_header(col) in inline:
            plan.inline_contacts.append((col, inline[normalize_header(col)]))
            plan.fates[col] = f"contact ({inline[normalize_header(col)]} title)"
            continue
        hit = _match(col, kind)
        if hit is None:
            plan.unmapped.append(col)
            continue
        fld, vi, rank = hit
        if fld in plan.fields and plan.fates.get(plan.fields[fld][0], "").endswith("(setting)"):
            plan.unmapped.append(col)
            continue
        candidates.setdefault(fld, []).append((vi, rank, pos, col))
    for fld, cands in candidates.items():
        cands.sort()
        best = cands[0][3]
        plan.fields[fld] = [best]
        plan.fates[best] = fld
        for _, _, _, col in cands[1:]:
            if fld in COALESCED_FIELDS:
                plan.fields[fld].append(col)
                plan.fates[col] = f"{fld} (fills gaps)"
            else:
                plan.fates[col] = f"ignored: another column is {fld}"
    return plan


_PERSONAL = frozenset(w.replace(" ", "") for w in PERSONAL_HEADER_WORDS)
_DERIVED = frozenset(normalize_header(h) for h in OUTCOME_DERIVED_HEADERS)


def _words(header: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(header))
    return re.findall(r"[a-z]+", spaced.lower())


def header_fate(header: str) -> str | None:
    """The fate a header alone decides: personal, ID or outcome-derived (else None)."""
    variants = header_variants(header)
    if any(v in _DERIVED for v in variants):
        return "ignored: set by the outcome"
    words = _words(header)
    norm = normalize_header(header)
    if any(w in _PERSONAL for w in words) or any(p in norm for p in ("email", "phone", "nextstep")):
        return "ignored: personal"
    if any(w in ID_HEADER_WORDS for w in words) or re.search(r"(Id|ID)$", str(header).strip()):
        return "ignored: ID"
    return None


def is_key_header(header: str) -> bool:
    """A deal or account key (read as text so "00123" keeps its zeros)."""
    for kind in ("deals", "contacts"):
        hit = _match(header, kind)
        if hit and hit[0] in ("deal_id", "account_key"):
            return True
    return header_fate(header) == "ignored: ID"
