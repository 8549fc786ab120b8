"""Accounts and contacts: firmographics joined by account key, contacts by deal key.

Account keys are compared case- and space-insensitively ("Acme Corp" ==
"acme  corp"); firmographics from Accounts only fill what the deals lack.
Contacts keep title, role, department and seniority; names and emails never
leave this module.
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from ..config import Config
from ..errors import InputError
from ..fields import CONTACT_COLUMNS, CONTACT_FIELDS, FIELD_BY_NAME, normalize_header
from ..quality import QualityLog
from ..runlog import event
from .mapping import ColumnPlan, find_column, match_header, missing_column_error, plan_columns
from .readers import RawTable
from .values import clean_text, parse_numbers

log = logging.getLogger("winloss_xl.ingest")
#: An Accounts "revenue" column whose values all stay below this is in millions (Maven).
MILLIONS_BELOW = 100_000
#: A join that matches fewer than this share of the deals with an account key says so.
FEW_MATCHES = 0.5
_FIRMOGRAPHICS = ("industry", "region", "company_revenue", "employees")


def account_join_key(values: pd.Series) -> pd.Series:
    """Case- and space-insensitive key: lower-cased with all whitespace removed."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    keys = np.array([*("".join(str(u).split()).casefold() for u in uniques), None], dtype=object)
    return pd.Series(keys[codes], index=values.index, dtype=object)


def join_accounts(deals: pd.DataFrame, raw: RawTable, config: Config,
                  quality: QualityLog) -> tuple[pd.DataFrame, dict[str, str]]:
    """Fill industry, company_revenue, employees and region from an Accounts table.

    The accounts' key column is the one named by ``[join] accounts_key``, else, among the
    columns that could be a key (Account Name, Account ID, Id, ...), the one whose values
    match the most deals. Returns the deals and the accounts' headers of the fields they filled.
    """
    pre = "Accounts: "
    frame = raw.frame
    for check, count, detail in raw.notes:
        quality.add(pre + check, count, detail)
    if deals["account_key"].isna().all() if "account_key" in deals else True:
        raise InputError(
            "accounts were given but the deals have no account column", file=raw.label,
            expected="an account column on the deals, named one of: "
                     + ", ".join(FIELD_BY_NAME["account_key"].synonyms),
            advice="Or name it in the config: [join] deals_account_key = \"Your Header\"",
        )
    keys = account_join_key(deals["account_key"])
    plan = plan_columns(list(frame.columns), table="accounts", label=raw.label)
    key_col = _accounts_key(frame, plan, keys, config, raw.label)
    acc = _account_table(frame, plan, key_col, quality, pre)
    _record_account_columns(frame, plan, key_col, quality, pre)
    matched = keys.isin(acc.index)
    _record_matches(keys, matched, key_col, quality, pre)
    headers = {col: f for f in _FIRMOGRAPHICS if (col := plan.column(f)) and col != key_col}
    return _fill_firmographics(deals, keys, acc, quality, pre), headers


def _key_candidates(frame: pd.DataFrame, plan: ColumnPlan) -> list[str]:
    cands = list(plan.fields.get("account_key", []))
    for col in frame.columns:
        hit = match_header(col, "accounts")
        if hit and hit[0] == "account_key" and col not in cands:
            cands.append(col)
    return cands


def _accounts_key(frame: pd.DataFrame, plan: ColumnPlan, deal_keys: pd.Series, config: Config,
                  label: str) -> str:
    wanted = config.join_key("accounts_key")
    if wanted:
        col = find_column(list(frame.columns), wanted)
        if col is None:
            raise missing_column_error(wanted, list(frame.columns), label, "[join] accounts_key")
        return col
    cands = _key_candidates(frame, plan)
    if not cands:
        raise InputError("no account key column in the accounts table", file=label,
                         expected="a column named one of: "
                                  + ", ".join(FIELD_BY_NAME["account_key"].synonyms) + ", Id",
                         advice="Or name it in the config: [join] accounts_key = \"Your Header\"")
    wanted_keys = set(deal_keys.dropna())
    def hits(col: str) -> int:
        return int(account_join_key(clean_text(frame[col])).isin(wanted_keys).sum())
    return max(cands, key=lambda c: (hits(c), -cands.index(c)))


def _account_table(frame: pd.DataFrame, plan: ColumnPlan, key_col: str, quality: QualityLog,
                   pre: str) -> pd.DataFrame:
    acc = pd.DataFrame({"key": account_join_key(clean_text(frame[key_col]))}, index=frame.index)
    for fld in ("industry", "region"):
        col = plan.column(fld)
        if col is not None and col != key_col:
            acc[fld] = clean_text(frame[col])
    for fld in ("company_revenue", "employees"):
        col = plan.column(fld)
        if col is None or col == key_col:
            continue
        res = parse_numbers(frame[col], decimal_hint=None)
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
    return acc.set_index("key")


def _record_account_columns(frame: pd.DataFrame, plan: ColumnPlan, key_col: str,
                            quality: QualityLog, pre: str) -> None:
    for col in frame.columns:
        info = plan.columns[col]
        if col == key_col:
            quality.map_column(pre + col, "join key", "identifier", info.how or "values")
        elif info.field in _FIRMOGRAPHICS:
            quality.map_column(pre + col, info.fate, info.role, info.how)
        else:
            quality.map_column(pre + col, info.fate if info.fate.startswith("left out") else
                               "left out: not a firmographic field", info.role, info.how)


def _record_matches(keys: pd.Series, matched: pd.Series, key_col: str, quality: QualityLog,
                    pre: str) -> None:
    has_key = keys.notna()
    quality.add(pre + "Deals matched to an account", int(matched.sum()), f"by '{key_col}'")
    unmatched = int((has_key & ~matched).sum())
    if unmatched:
        quality.add(pre + "Unmatched account keys", unmatched,
                    "deals whose account is not in the accounts table")
    if has_key.any() and matched.sum() < FEW_MATCHES * has_key.sum():
        quality.add(pre + "Join matched few deals", int(matched.sum()),
                    f"only {int(matched.sum()):,} of {int(has_key.sum()):,} deals found their account "
                    f"by '{key_col}'. Name the keys in the config: [join] accounts_key = \"...\" "
                    "(the accounts' key) and deals_account_key = \"...\" (the deals' account column)")
        log.warning("accounts join matched %d of %d deals", int(matched.sum()), int(has_key.sum()),
                    extra=event("accounts_join_low", matched=int(matched.sum()),
                                deals_with_key=int(has_key.sum())))
    if (~has_key).any():
        quality.add(pre + "Deals without an account", int((~has_key).sum()), "")


def _fill_firmographics(deals: pd.DataFrame, keys: pd.Series, acc: pd.DataFrame,
                        quality: QualityLog, pre: str) -> pd.DataFrame:
    out = deals.copy()
    for fld in _FIRMOGRAPHICS:
        if fld not in acc:
            continue
        numeric = fld in ("company_revenue", "employees")
        looked = keys.map(acc[fld])
        if fld in out:
            filled = out[fld].isna() & looked.notna()
            out[fld] = out[fld].where(~filled, looked).astype("float64" if numeric else object)
        else:
            filled = looked.notna()
            out[fld] = looked.astype("float64") if numeric else looked.astype(object).where(
                looked.notna(), None)
        if filled.any():
            quality.add(pre + "Filled from accounts", int(filled.sum()), f"{fld}")
    return out


def contacts_from_table(raw: RawTable, config: Config, quality: QualityLog,
                        prefix: str = "Contacts: ") -> pd.DataFrame:
    """A contacts export (deal key, title, role, ...) -> canonical contact rows."""
    frame = raw.frame
    key = config.join_key("contacts_key")
    overrides = {"deal_id": key} if key else None
    plan = plan_columns(list(frame.columns), table="contacts", overrides=overrides, label=raw.label)
    if plan.column("deal_id") is None:
        raise InputError("no deal key column in the contacts table", file=raw.label,
                         expected="a column named one of: " + ", ".join(CONTACT_FIELDS["deal_id"]),
                         advice="Or name it in the config: [join] contacts_key = \"Your Header\"")
    if plan.column("title") is None and plan.column("role") is None:
        raise InputError(
            "no title or role column in the contacts table", file=raw.label,
            expected="a column named one of: "
                     + ", ".join(CONTACT_FIELDS["title"] + CONTACT_FIELDS["role"]),
        )
    out = pd.DataFrame(index=frame.index)
    for fld in CONTACT_COLUMNS:
        col = plan.column(fld)
        out[fld] = clean_text(frame[col]) if col is not None else None
    for col in frame.columns:
        info = plan.columns[col]
        if info.field is not None:
            quality.map_column(f"{prefix}{col}", f"contact {info.field}", "attribute", info.how)
        else:
            quality.map_column(f"{prefix}{col}", info.fate or "left out: not a contact field",
                               info.role, info.how)
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
