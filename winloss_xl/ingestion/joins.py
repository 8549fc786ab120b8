"""Accounts and contacts: firmographics joined by account key, contacts by deal key.

Account keys are compared case- and space-insensitively ("Acme Corp" ==
"acme  corp"); firmographics from Accounts only fill what the deals lack.
Contacts keep title, role, department and seniority; names and emails never
leave this module.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import InputError
from ..quality import QualityLog
from ..schema import CONTACT_COLUMNS, CONTACT_SYNONYMS, HEADER_SYNONYMS, Config, normalize_header
from .mapping import ColumnPlan, header_fate, plan_columns
from .readers import RawTable
from .values import clean_text, parse_numbers

#: An Accounts "revenue" column whose values all stay below this is in millions (Maven).
MILLIONS_BELOW = 100_000


def account_join_key(values: pd.Series) -> pd.Series:
    """Case- and space-insensitive key: lower-cased with all whitespace removed."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    keys = np.array([*("".join(str(u).split()).casefold() for u in uniques), None], dtype=object)
    return pd.Series(keys[codes], index=values.index, dtype=object)


def join_accounts(deals: pd.DataFrame, raw: RawTable, config: Config,
                  quality: QualityLog) -> pd.DataFrame:
    """Fill industry, company_revenue, employees and region from an Accounts table."""
    pre = "Accounts: "
    frame = raw.frame
    for check, count, detail in raw.notes:
        quality.add(pre + check, count, detail)
    plan = plan_columns(list(frame.columns), kind="accounts", overrides=None, label=raw.label)
    key_col = _key_column(plan, "account_key", "no account key column in the accounts table",
                          HEADER_SYNONYMS["account_key"], raw.label)
    if "account_key" not in deals:
        raise InputError(
            "accounts were given but the deals have no account column", file=raw.label,
            expected="an account column on the deals, named one of: "
                     + ", ".join(HEADER_SYNONYMS["account_key"]),
        )
    acc = pd.DataFrame({"key": account_join_key(clean_text(frame[key_col]))}, index=frame.index)
    for fld in ("industry", "region"):
        col = plan.column(fld)
        if col is not None:
            acc[fld] = clean_text(frame[col])
    for fld in ("company_revenue", "employees"):
        col = plan.column(fld)
        if col is None:
            continue
        res = parse_numbers(frame[col], decimal_hint=raw.decimal_hint)
        if res.bad:
            quality.add(pre + "Unparseable values", res.bad, f"'{col}': not a number; left empty")
        vals = res.values
        if (fld == "company_revenue" and normalize_header(col) == "revenue"
                and vals.notna().any() and vals.max() < MILLIONS_BELOW):
            vals = vals * 1e6
            quality.add(pre + "Revenue read in millions", int(vals.notna().sum()),
                        f"'{col}': every value below {MILLIONS_BELOW:,}, so read as millions")
        acc[fld] = vals
    acc = acc[acc["key"].notna()]
    dup = acc["key"].duplicated(keep="first")
    if dup.any():
        quality.add(pre + "Duplicate account keys", int(dup.sum()), "first row kept")
        acc = acc[~dup]
    acc = acc.set_index("key")
    for col in frame.columns:
        fate = plan.fates.get(col)
        if fate is None:
            fate = header_fate(col) or "ignored: not a firmographic field"
        quality.map_column(f"{pre}{col}", fate)

    keys = account_join_key(deals["account_key"])
    has_key = keys.notna()
    matched = keys.isin(acc.index)
    quality.add(pre + "Deals matched to an account", int(matched.sum()), "")
    if (has_key & ~matched).any():
        quality.add(pre + "Unmatched account keys", int((has_key & ~matched).sum()),
                    "deals whose account is not in the accounts table")
    if (~has_key).any():
        quality.add(pre + "Deals without an account", int((~has_key).sum()), "")
    out = deals.copy()
    for fld in ("industry", "region", "company_revenue", "employees"):
        if fld not in acc:
            continue
        looked = keys.map(acc[fld])
        if fld in out:
            filled = out[fld].isna() & looked.notna()
            out[fld] = out[fld].where(~filled, looked)
            out[fld] = out[fld].astype("float64" if fld in ("company_revenue", "employees")
                                      else object)
        else:
            filled = looked.notna()
            out[fld] = looked.astype("float64") if fld in ("company_revenue", "employees") \
                else looked.astype(object).where(looked.notna(), None)
        if filled.any():
            quality.add(pre + "Filled from accounts", int(filled.sum()), f"{fld}")
    return out


def _key_column(plan: ColumnPlan, field: str, problem: str, accepted: tuple[str, ...],
                label: str) -> str:
    """The join-key column of an Accounts or Contacts table, or an InputError listing the names."""
    column = plan.column(field)
    if column is None:
        raise InputError(problem, file=label,
                         expected="a column named one of: " + ", ".join(accepted))
    return column


def contacts_from_table(raw: RawTable, config: Config, quality: QualityLog,
                        prefix: str = "Contacts: ") -> pd.DataFrame:
    """A contacts export (deal key, title, role, ...) -> canonical contact rows."""
    frame = raw.frame
    plan = plan_columns(list(frame.columns), kind="contacts", overrides=None, label=raw.label)
    _key_column(plan, "deal_id", "no deal key column in the contacts table",
                CONTACT_SYNONYMS["deal_id"], raw.label)
    if plan.column("title") is None and plan.column("role") is None:
        raise InputError(
            "no title or role column in the contacts table", file=raw.label,
            expected="a column named one of: "
                     + ", ".join(CONTACT_SYNONYMS["title"] + CONTACT_SYNONYMS["role"]),
        )
    out = pd.DataFrame(index=frame.index)
    for fld in CONTACT_COLUMNS:
        col = plan.column(fld)
        out[fld] = clean_text(frame[col]) if col is not None else None
    for col in frame.columns:
        fate = plan.fates.get(col) or header_fate(col) or "ignored: not a contact field"
        quality.map_column(f"{prefix}{col}", fate)
    empty = out["title"].isna() & out["role"].isna()
    if empty.any():
        quality.add(prefix + "Contacts without title or role dropped", int(empty.sum()), "")
    nokey = out["deal_id"].isna() & ~empty
    if nokey.any():
        quality.add(prefix + "Contacts without a deal key dropped", int(nokey.sum()), "")
    return out.loc[~empty & ~nokey].reset_index(drop=True)


#: Words that mark a job title; a column of values without them holds names, not titles.
TITLE_WORDS = frozenset({
    "vp", "svp", "evp", "avp", "vice", "president", "director", "manager", "head", "chief",
    "officer", "ceo", "cfo", "cto", "cio", "coo", "cmo", "cro", "ciso", "cso", "lead", "engineer",
    "analyst", "specialist", "administrator", "admin", "buyer", "owner", "partner", "consultant",
    "coordinator", "executive", "founder", "architect", "developer", "procurement", "purchasing",
    "controller", "accountant", "counsel", "principal", "supervisor", "associate", "assistant",
    "representative", "rep", "sales", "marketing", "finance", "operations", "it", "hr", "legal",
    "it-manager", "board", "member", "chair", "chairman", "treasurer", "secretary", "dean",
    "professor", "teacher", "nurse", "physician", "doctor", "md", "gm", "general", "senior",
    "junior", "staff", "team", "product", "project", "program", "strategy", "business", "user",
})


def looks_like_titles(values: pd.Series) -> bool:
    """True when at least a third of the distinct values contain a job-title word, or a
    level the title reader knows in any of its languages ("Leiterin Einkauf", "Gérant")."""
    from ..titles import OTHER, read_title

    distinct = [v for v in pd.unique(values.dropna()) if isinstance(v, str)][:500]
    if not distinct:
        return True
    hits = sum(any(w in TITLE_WORDS for w in re.findall(r"[a-z]+", v.lower()))
               or read_title(v)[1] != OTHER for v in distinct)
    return hits >= len(distinct) / 3


def inline_contacts(frame: pd.DataFrame, deal_ids: pd.Series,
                    columns: list[tuple[str, str]]) -> tuple[pd.DataFrame, list[str]]:
    """Inline title columns ("Champion Title") -> one contact row per filled cell.

    A column whose values hold no job-title words (a "Champion" column of
    people's names) is skipped: names never become contacts. Returns the contact
    rows and the skipped columns.
    """
    parts = []
    skipped: list[str] = []
    for col, role in columns:
        titles = clean_text(frame[col])
        if not looks_like_titles(titles):
            skipped.append(col)
            continue
        has = titles.notna()
        parts.append(pd.DataFrame({
            "deal_id": deal_ids[has].to_numpy(), "title": titles[has].to_numpy(),
            "role": role, "department": None, "seniority": None,
        }))
    if not parts:
        return pd.DataFrame(columns=list(CONTACT_COLUMNS)), skipped
    return pd.concat(parts, ignore_index=True), skipped
