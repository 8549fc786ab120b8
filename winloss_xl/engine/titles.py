"""Contacts as personas: titles read by :mod:`winloss_xl.titles`, plus the seniority,
department and role columns of a contacts table.

The title reader itself (word tables per language, deputies, assistants, combined
titles) lives in :mod:`winloss_xl.titles`; this module applies it to contact tables:
:func:`classify_titles` and :func:`encode_contacts` read each distinct spelling once
(cached), so 100k contacts cost only as much as their distinct titles. A seniority or
department column fills in what the title leaves unknown. Contact roles ("Economic
Buyer", "Champion") are normalised to :data:`ROLES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..titles import (
    C_LEVEL,
    CUSTOMER_SUCCESS,
    DATA,
    DIRECTOR,
    EXECUTIVE,
    FINANCE,
    FUNCTIONS,
    HR,
    IC,
    IT,
    LEGAL,
    MANAGER,
    MARKETING,
    OPERATIONS,
    OTHER,
    OTHER_INFO,
    PROCUREMENT,
    PRODUCT,
    SALES,
    SECURITY,
    SENIORITIES,
    VP,
    TitleInfo,
    TitleReader,
    get_reader,
    is_catch_all,
    persona_label,
    unread_script,
)
from ..titles.vocabulary import fold

__all__ = ["CUSTOMER_SUCCESS", "C_LEVEL", "DATA", "DIRECTOR", "EXECUTIVE", "FINANCE",
           "FUNCTIONS", "HR", "IC", "IT", "LEGAL", "MANAGER", "MARKETING", "OPERATIONS",
           "OTHER", "OTHER_INFO", "PROCUREMENT", "PRODUCT", "ROLES", "SALES", "SECURITY",
           "SENIORITIES", "VP", "EncodedContacts", "TitleInfo", "classify_contacts",
           "classify_titles", "encode_contacts", "is_catch_all", "normalize_role",
           "normalize_roles", "parse_title", "persona_label", "unread_script"]

#: Buying roles (normalised), in display order.
CHAMPION = "champion"
DECISION_MAKER = "decision maker"
INFLUENCER = "influencer"
EXECUTIVE_SPONSOR = "executive sponsor"
BLOCKER = "blocker"
OTHER_ROLE = "other"
ROLES: tuple[str, ...] = (CHAMPION, DECISION_MAKER, INFLUENCER, EXECUTIVE_SPONSOR, BLOCKER, OTHER_ROLE)


def role_label(role: str) -> str:
    """Display form of a normalised role: 'decision maker' -> 'Decision maker'."""
    return role[:1].upper() + role[1:]


def parse_title(title: object) -> TitleInfo:
    """Read one job title with the built-in tables (see :mod:`winloss_xl.titles`).

    >>> parse_title("SVP, Worldwide Sales")
    TitleInfo(persona='VP Sales', seniority='VP', function='Sales')
    >>> parse_title("Head of Procurement").persona
    'Director Procurement'
    """
    return get_reader().read(title)


_NON_WORD_RE = re.compile(r"[^0-9a-z]+")


def normalize_text(text: object) -> str:
    """Lower-case words separated by single spaces ('Sr. Mgr., Ventas' -> 'sr mgr ventas')."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = fold(str(text)).replace("&", " and ")
    return _NON_WORD_RE.sub(" ", s).strip()


# ----------------------------------------------------------------- seniority / department

_SENIORITY_VALUES: dict[str, str] = {
    **dict.fromkeys(("c level", "c suite", "cxo", "c", "executive", "executives", "owner", "partner",
                     "board", "c level executive", "c suite executive", "chief"), C_LEVEL),
    **dict.fromkeys(("vp", "vp level", "vice president", "svp", "evp", "avp"), VP),
    **dict.fromkeys(("director", "director level", "head", "senior director"), DIRECTOR),
    **dict.fromkeys(("manager", "manager level", "management", "senior manager", "team lead"),
                    MANAGER),
    **dict.fromkeys(("non manager", "individual contributor", "ic", "senior", "entry",
                     "entry level", "staff", "training", "unpaid", "intern", "junior", "mid",
                     "mid level", "associate", "employee", "professional", "non management",
                     "contributor", "specialist"), IC),
}


@lru_cache(maxsize=10_000)
def normalize_seniority(text: object) -> str:
    """A seniority column's value as one of SENIORITIES, or "Other".

    >>> normalize_seniority("VP-Level"), normalize_seniority("Non-Manager")
    ('VP', 'Individual contributor')
    """
    norm = normalize_text(text)
    if not norm:
        return OTHER
    hit = _SENIORITY_VALUES.get(norm)
    return hit if hit is not None else parse_title(text).seniority


@lru_cache(maxsize=10_000)
def normalize_function(text: object) -> str:
    """A department column's value as one of FUNCTIONS, or "Other".

    >>> normalize_function("Engineering"), normalize_function("Purchasing")
    ('IT / Engineering', 'Procurement')
    """
    return parse_title(text).function


# ------------------------------------------------------------------------------ roles

_ROLE_PATTERNS: dict[str, str] = {
    BLOCKER: "blocker|blockers|detractor|detractors|opponent|anti champion|naysayer|saboteur",
    EXECUTIVE_SPONSOR: "executive sponsor|exec sponsor|executive|sponsor|patrocinador|parrain",
    DECISION_MAKER: "economic decision maker|decision maker|decision makers|decision|dm|"
                    "economic buyer|eb|approver|final approver|approval|signer|signatory|"
                    "signing authority|budget holder|budget owner|decider|entscheider|"
                    "decisor|decideur",
    CHAMPION: "champion|champions|coach|advocate|internal champion",
    INFLUENCER: "influencer|influencers|evaluator|technical evaluator|technical buyer|user|"
                "users|business user|end user|user buyer|technical|influenceur|influenciador|"
                "beeinflusser",
}
_ROLE_RE = re.compile("|".join(
    f"(?P<r{i}>\\b(?:{'|'.join(sorted(pat.split('|'), key=len, reverse=True))})\\b)"
    for i, pat in enumerate(_ROLE_PATTERNS.values())))
_ROLE_BY_GROUP = {f"r{i}": role for i, role in enumerate(_ROLE_PATTERNS)}


@lru_cache(maxsize=10_000)
def normalize_role(text: object) -> str:
    """A contact role as one of ROLES; the first role word in the text wins.

    >>> normalize_role("Economic Buyer"), normalize_role("Technical Buyer")
    ('decision maker', 'influencer')
    >>> normalize_role("Is Primary")
    'other'
    """
    norm = normalize_text(text)
    if not norm:
        return OTHER_ROLE
    m = _ROLE_RE.search(norm)
    if m is None:
        return OTHER_ROLE
    return _ROLE_BY_GROUP[m.lastgroup]


# ------------------------------------------------------------------- vectorised forms

def _map_unique(values: pd.Series, func) -> tuple[np.ndarray, list]:
    """Codes of ``values`` and ``func`` applied once per distinct value (NaN -> func(None))."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [func(u) for u in uniques]
    results.append(func(None))  # code -1 (missing) reads the last entry
    return codes, results


def classify_titles(titles: pd.Series, reader: TitleReader | None = None) -> pd.DataFrame:
    """Persona, seniority and function of every title, parsed once per distinct spelling."""
    read = (reader or get_reader()).read
    codes, infos = _map_unique(pd.Series(titles, dtype="object"), read)
    cols = {name: np.array([getattr(i, name) for i in infos], dtype=object)[codes]
            for name in ("persona", "seniority", "function")}
    return pd.DataFrame(cols, index=getattr(titles, "index", None))


def normalize_roles(roles: pd.Series) -> pd.Series:
    """Normalised role of every value (see :func:`normalize_role`)."""
    codes, results = _map_unique(pd.Series(roles, dtype="object"), normalize_role)
    return pd.Series(np.array(results, dtype=object)[codes], index=getattr(roles, "index", None),
                     dtype=object)


@dataclass(frozen=True)
class EncodedContacts:
    """Contacts as small integer codes (fast to group) plus what each code means.

    ``persona[i]`` indexes ``infos`` (one TitleInfo per distinct persona label);
    ``role[i]`` indexes :data:`ROLES`.
    """

    persona: np.ndarray
    infos: tuple[TitleInfo, ...]
    role: np.ndarray
    #: per contact: True when the title is written in a script the word tables do not cover
    unread_script: np.ndarray | None = None


def _column(contacts: pd.DataFrame, name: str) -> pd.Series | None:
    if name not in contacts.columns:
        return None
    col = contacts[name]
    return col if col.notna().any() else None


def encode_contacts(contacts: pd.DataFrame, reader: TitleReader | None = None) -> EncodedContacts:
    """Read every contact's title (and role) once per distinct spelling.

    The title decides; a given seniority or department column fills in what the title
    leaves unknown ("Director" with department "Finance" is Director Finance). ``reader``
    adds company-specific titles (the built-in tables when None).
    """
    n = len(contacts)
    title = _column(contacts, "title")
    unread = np.zeros(n, dtype=bool)
    if title is None:
        key = np.zeros(n, dtype="int64")
        tinfos: list[TitleInfo] = [OTHER_INFO]
    else:
        key, tinfos = _map_unique(title, (reader or get_reader()).read)
        key = np.where(key < 0, len(tinfos) - 1, key).astype("int64")
        other = np.array([info == OTHER_INFO for info in tinfos], dtype=bool)
        if other.any():  # how many unread titles are in a script the tables do not cover
            _, foreign = _map_unique(title, unread_script)
            unread = (np.array(foreign, dtype=bool) & other)[key]
    given: list[tuple[str, list[str]]] = []
    for col, func, target in (("seniority", normalize_seniority, "seniority"),
                              ("department", normalize_function, "function")):
        values = _column(contacts, col)
        if values is None:
            continue
        codes, results = _map_unique(values, func)
        codes = np.where(codes < 0, len(results) - 1, codes)
        key = key * len(results) + codes
        given.append((target, results))
    combo_codes, combos = pd.factorize(key)
    labels: dict[str, int] = {}
    infos: list[TitleInfo] = []
    combo_to_label = np.empty(len(combos), dtype="int64")
    for j, k in enumerate(combos):
        k = int(k)
        fill: dict[str, str] = {}
        for target, results in reversed(given):
            k, code = divmod(k, len(results))
            fill[target] = results[code]
        info = tinfos[k]
        sen = info.seniority if info.seniority != OTHER else fill.get("seniority", OTHER)
        func = info.function if info.function != OTHER else fill.get("function", OTHER)
        if (sen, func) != (info.seniority, info.function):
            info = TitleInfo(persona_label(sen, func), sen, func)
        if info.persona not in labels:
            labels[info.persona] = len(infos)
            infos.append(info)
        combo_to_label[j] = labels[info.persona]
    persona = combo_to_label[combo_codes] if n else np.zeros(0, dtype="int64")
    role_col = _column(contacts, "role")
    if role_col is None:
        role = np.full(n, ROLES.index(OTHER_ROLE), dtype="int64")
    else:
        rcodes, rvalues = _map_unique(role_col, normalize_role)
        role = np.array([ROLES.index(r) for r in rvalues], dtype="int64")[rcodes]
    return EncodedContacts(persona.astype("int64"), tuple(infos), role, unread)


def classify_contacts(contacts: pd.DataFrame, reader: TitleReader | None = None) -> pd.DataFrame:
    """persona, seniority, function and role of each contact row (same index); see
    :func:`encode_contacts` for the rules."""
    enc = encode_contacts(contacts, reader)
    out = {name: np.array([getattr(i, name) for i in enc.infos] or [OTHER], dtype=object)[enc.persona]
           for name in ("persona", "seniority", "function")}
    out["role"] = np.array(ROLES, dtype=object)[enc.role]
    return pd.DataFrame(out, index=contacts.index)
