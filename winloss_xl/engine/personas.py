"""Buyer personas: who is in the deals we win, compared with the deals we lose.

``persona_analysis(deals, contacts, config)`` reads each contact's title as a persona
(:mod:`winloss_xl.engine.titles`), then compares, for every persona, the deals that
have one with the deals that do not (each deal counts once per persona), and the
win rate by the size of the buying committee.

Tables (``PersonaResult.tables``):

- ``tblPersonas``: the contract columns (DESIGN.md), then ``CI low``, ``CI high``
  (Wilson interval of "Win rate with"), ``p-value``, ``Lift within committee size``
  (wins of the deals with the persona over the wins their committee sizes alone predict;
  a persona whose lift vanishes there is shown but not recommended) and ``Recommendation``.
  Sorted by evidence (q-value, then p-value, then deals), then persona label.
- ``tblCommittee``: win rate by the number of contacts recorded on a deal, in bands
  "1", "2", "3", "4+" ("0" too when some deals have none); the contract columns,
  then ``Lost``, ``Share of wins``, ``Lift``, ``p-value``, ``Verdict``. Each band is
  tested against the other deals; q-values are Benjamini-Hochberg over the bands.
- ``tblCommitteeSeniority``: the second committee view, by the number of distinct
  seniority levels among a deal's contacts (titles of unknown level not counted);
  first column ``Seniorities on deal``, the other columns as tblCommittee.
- ``tblDecisionMakers``: who the decision makers are in won deals, most common first,
  up to five personas (``Pattern`` "Persona") and the seniority levels (``Pattern``
  "Seniority"), each with its lift and q-value.

When only won deals carry contacts (the legacy nested JSON), comparison is
impossible: the tables give frequencies among wins only, win rates, lifts and
q-values are empty, the Verdict is "Frequency only", ``frequency_only`` is True and
there are no findings. Contacts carry no names or emails here, and none are added.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import stats
from ..config import Config
from ..fields import OUTCOME_LOST, OUTCOME_WON
from ..numbers_text import p_text
from . import titles as tt
from .findings import Finding, evidence_words

AREA = "Personas"
FREQUENCY_ONLY = "Frequency only"
#: Most decision-maker personas listed in tblDecisionMakers.
TOP_DECISION_MAKERS = 5

PERSONA_COLUMNS = ["Persona", "Seniority", "Function", "Deals with", "Won with", "Lost with",
                   "Share of wins", "Share of losses", "Win rate with", "Win rate without",
                   "Lift", "q-value", "Verdict", "Typical role"]
#: Wins of the deals with a persona over the wins expected from their committee sizes alone.
WITHIN_COMMITTEE = "Lift within committee size"
PERSONA_EXTRA_COLUMNS = ["CI low", "CI high", "p-value", WITHIN_COMMITTEE, "Recommendation"]
#: A persona's lift "goes with committee size" when, within committee-size bands, it is
#: closer to 1 than this (the persona mostly marks larger or smaller buying committees).
COMMITTEE_EXPLAINS = 0.05
_GOES_WITH_COMMITTEE = "Goes with committee size: not recommended on its own"
COMMITTEE_COLUMNS = ["Contacts on deal", "Deals", "Won", "Win rate", "CI low", "CI high", "q-value"]
COMMITTEE_EXTRA_COLUMNS = ["Lost", "Share of wins", "Lift", "p-value", "Verdict"]
SENIORITY_VIEW_FIRST = "Seniorities on deal"
DECISION_MAKER_COLUMNS = ["Pattern", "Decision maker", "Won with", "Share of wins", "Deals with",
                          "Lost with", "Share of losses", "Win rate with", "Win rate without", "Lift",
                          "CI low", "CI high", "p-value", "q-value", "Verdict"]

_BANDS = ("0", "1", "2", "3", "4+")

#: A persona or buying group is recommended only with at least this many deals with it.
MIN_RECOMMEND_DEALS = 20
#: ... and a practical effect: |lift - 1| at least this (lift = with / without) ...
PRACTICAL_LIFT = 0.10
#: ... and win rates with and without at least this far apart (3 points).
PRACTICAL_POINTS = 0.03
#: Verdict of the rows that hold what could not be read (Other, "(other function)", ...).
CATCH_ALL = "Catch-all (not a persona)"
BUYING_GROUP_COLUMNS = ["Function", "Deals with", "Won with", "Win rate with", "Win rate without",
                        "Lift", "q-value", "Verdict"]
BUYING_GROUP_EXTRA_COLUMNS = ["Lost with", "Share of wins", "CI low", "CI high", "p-value",
                              "Recommendation"]
#: Buying groups in the words a sales leader uses.
BUYING_GROUP_NAMES: dict[str, str] = {
    tt.FINANCE: "the finance buyer", tt.IT: "the IT buyer", tt.PROCUREMENT: "procurement",
    tt.EXECUTIVE: "the executive sponsor", tt.LEGAL: "legal", tt.SECURITY: "security",
    tt.HR: "HR", tt.OPERATIONS: "the buyer's operations team", tt.SALES: "the buyer's sales team",
    tt.MARKETING: "the buyer's marketing team", tt.PRODUCT: "the buyer's product team",
    tt.CUSTOMER_SUCCESS: "the buyer's customer-success team", tt.DATA: "the buyer's data team",
}

_RECOMMENDATIONS = {
    stats.STRONG: "Engage early: win rate higher when present",
    stats.POOR: "Review: win rate lower when present",
    stats.LEANING_STRONG: "Test further",
    stats.LEANING_POOR: "Test further",
    stats.IN_LINE: "No action: win rate as usual",
    stats.TOO_FEW: "Too few deals to judge",
    FREQUENCY_ONLY: "Frequency among wins only, not a driver",
    CATCH_ALL: "Catch-all row: titles not read as a persona, never a target",
}
_SMALL = f"Test further: fewer than {MIN_RECOMMEND_DEALS} deals"
_TINY = "No action: the difference is too small to act on"


@dataclass
class PersonaResult:
    """Persona tables (tblPersonas, tblCommittee, tblCommitteeSeniority, tblDecisionMakers),
    notes, findings, and whether only frequencies among wins could be given."""

    tables: dict[str, pd.DataFrame]
    notes: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    frequency_only: bool = False
    #: rows for the Data Quality table: (Check, Count, Detail)
    quality: list[tuple[str, int, str]] = field(default_factory=list)


def persona_columns() -> list[str]:
    return PERSONA_COLUMNS + PERSONA_EXTRA_COLUMNS


def committee_columns(first: str = "Contacts on deal") -> list[str]:
    return [first, *COMMITTEE_COLUMNS[1:], *COMMITTEE_EXTRA_COLUMNS]


def empty_tables() -> dict[str, pd.DataFrame]:
    """Every persona table with its columns and no rows."""
    return {
        "tblPersonas": pd.DataFrame(columns=persona_columns()),
        "tblCommittee": pd.DataFrame(columns=committee_columns()),
        "tblCommitteeSeniority": pd.DataFrame(columns=committee_columns(SENIORITY_VIEW_FIRST)),
        "tblDecisionMakers": pd.DataFrame(columns=DECISION_MAKER_COLUMNS),
        "tblBuyingGroups": pd.DataFrame(columns=BUYING_GROUP_COLUMNS + BUYING_GROUP_EXTRA_COLUMNS),
    }


def _empty_result(note: str) -> PersonaResult:
    tables = empty_tables()
    return PersonaResult(tables=tables, notes=dict.fromkeys(tables, note))


# ------------------------------------------------------------------------ main entry

def persona_analysis(deals: pd.DataFrame, contacts: pd.DataFrame | None,
                     config: Config) -> PersonaResult:
    """Persona and buying-committee tables for the closed ``deals`` and their ``contacts``.

    ``deals`` needs ``deal_id`` and ``outcome`` ("won"/"lost"; other outcomes are
    ignored); ``contacts`` has ``deal_id``, ``title``, ``role`` and optionally
    ``department`` and ``seniority`` (raw text). Contacts of deals not in ``deals``
    are ignored.
    """
    closed = deals.loc[deals["outcome"].isin([OUTCOME_WON, OUTCOME_LOST]), ["deal_id", "outcome"]]
    closed = closed.drop_duplicates("deal_id")
    if contacts is None or len(contacts) == 0 or "deal_id" not in contacts.columns:
        return _empty_result("No contacts were given, so there are no personas to compare.")
    if len(closed) == 0:
        return _empty_result("No deal is won or lost yet, so there are no personas to compare.")
    # one hash pass: closed deals take codes 0..n-1 in order, contacts of other deals >= n
    n_closed = len(closed)
    codes, _ = pd.factorize(np.concatenate([_keys(closed["deal_id"]), _keys(contacts["deal_id"])]))
    pos = codes[n_closed:].astype("int64")
    keep = (pos >= 0) & (pos < n_closed)
    if not keep.any():
        return _empty_result("No contacts were given for the won or lost deals, so there are "
                             "no personas to compare.")
    pos = pos[keep]
    won = (closed["outcome"] == OUTCOME_WON).to_numpy()
    per_deal = np.bincount(pos, minlength=len(closed))
    band = np.minimum(per_deal, len(_BANDS) - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        band_rate = (np.bincount(band[won], minlength=len(_BANDS))
                     / np.bincount(band, minlength=len(_BANDS)))
    ctx = _Context(
        n=len(closed), won=won, total_won=int(won.sum()), config=config,
        frequency_only=not bool((~won[pos]).any()), committee_rate=band_rate[band],
    )
    enc = tt.encode_contacts(contacts, tt.get_reader(config.titles))
    enc = tt.EncodedContacts(enc.persona[keep], enc.infos, enc.role[keep],
                             enc.unread_script[keep])

    personas, persona_note = _persona_table(ctx, pos, enc)
    groups, group_note = _buying_group_table(ctx, pos, enc)
    committee = _committee_table(ctx, per_deal, "Contacts on deal")
    sen_codes = _seniority_codes(enc)
    known = sen_codes >= 0
    levels = _distinct_per_deal(pos[known], sen_codes[known], len(tt.SENIORITIES), ctx.n)
    by_seniority = _committee_table(ctx, levels, SENIORITY_VIEW_FIRST)
    decision_makers, dm_note = _decision_maker_table(ctx, pos, enc, sen_codes)

    notes = {"tblPersonas": persona_note}
    if ctx.frequency_only:
        why = ("there are no lost deals" if ctx.total_lost == 0
               else "only won deals carry contacts")
        notes["tblCommittee"] = (f"Counts only: {why}, so win rates by the number of contacts "
                                 "cannot be compared.")
        notes["tblCommitteeSeniority"] = (f"Counts only: {why}, so win rates by the number of "
                                          "seniority levels cannot be compared.")
    else:
        notes["tblCommittee"] = (
            "Contacts on deal counts the contacts recorded on each won or lost deal; each band "
            "is tested against the other deals (Fisher's exact test, Benjamini-Hochberg q-values).")
        notes["tblCommitteeSeniority"] = (
            "Seniorities on deal counts the distinct seniority levels (C-level, VP, Director, "
            "Manager, Individual contributor) among a deal's contacts; titles of unknown level "
            "are not counted.")
    notes["tblDecisionMakers"] = dm_note
    notes["tblBuyingGroups"] = group_note

    findings: list[Finding] = []
    if not ctx.frequency_only:
        findings += _persona_findings(ctx, personas)
        findings += _buying_group_findings(ctx, groups)
        findings += _committee_findings(ctx, committee, seniority_view=False)
        said = frozenset((str(b), int(n), int(w)) for b, n, w in
                         zip(committee[COMMITTEE_COLUMNS[0]], committee["Deals"], committee["Won"]))
        findings += _committee_findings(ctx, by_seniority, seniority_view=True, skip=said)
        findings.sort(key=lambda f: (-f.strength, f.sentence))
    quality = _quality_rows(ctx, per_deal, enc)
    return PersonaResult(
        tables={"tblPersonas": personas, "tblCommittee": committee,
                "tblCommitteeSeniority": by_seniority, "tblDecisionMakers": decision_makers,
                "tblBuyingGroups": groups},
        notes=notes, findings=findings, frequency_only=ctx.frequency_only, quality=quality,
    )


def _quality_rows(ctx: _Context, per_deal: np.ndarray, enc: tt.EncodedContacts
                  ) -> list[tuple[str, int, str]]:
    """Data Quality rows (Check, Count, Detail) of the persona analysis."""
    quality: list[tuple[str, int, str]] = []
    if ctx.frequency_only:
        with_contacts = int((per_deal > 0).sum())
        why = ("There are no lost deals" if ctx.total_lost == 0
               else "Only won deals carry contacts (no lost deal has any)")
        quality.append((
            "Personas: frequency only", with_contacts,
            f"{why}, so personas are shown as frequencies among wins and are not compared with "
            "losses or recommended."))
    unreadable = int((enc.persona == [i.persona for i in enc.infos].index(tt.OTHER)).sum()
                     if any(i.persona == tt.OTHER for i in enc.infos) else 0)
    if unreadable:
        quality.append(("Contact titles not recognised", unreadable,
                        "Titles with no known level or function word count as persona Other; "
                        "add company-specific titles in the config's [titles] section."))
    foreign = int(enc.unread_script.sum()) if enc.unread_script is not None else 0
    if foreign:
        quality.append(("Contact titles in a script the reader does not read", foreign,
                        "Titles written in a script the title tables do not cover (for example "
                        "Cyrillic, Chinese or Japanese) count as persona Other; they are kept as "
                        "written, never transliterated or guessed."))
    return quality


@dataclass(frozen=True)
class _Context:
    n: int
    won: np.ndarray
    total_won: int
    config: Config
    frequency_only: bool
    #: each deal's expected win rate from its committee band (win rate of deals with as many
    #: contacts), for "Lift within committee size"
    committee_rate: np.ndarray

    @property
    def total_lost(self) -> int:
        return self.n - self.total_won


# --------------------------------------------------------------------------- helpers

def _keys(ids: pd.Series) -> np.ndarray:
    """Deal keys as text (so 101, 101.0 and "101" meet); missing keys stay missing."""
    if pd.api.types.is_string_dtype(ids):
        return ids.to_numpy(dtype=object)
    codes, uniques = pd.factorize(ids)
    text = np.array([_key_text(v) for v in uniques] + [None], dtype=object)
    return text[codes]


def _key_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _unique_sorted(x: np.ndarray) -> np.ndarray:
    """np.unique for int64 by sorting (much faster than the hash path on big arrays)."""
    if len(x) == 0:
        return x
    x = np.sort(x, kind="stable")
    keep = np.empty(len(x), dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


def _seniority_codes(enc: tt.EncodedContacts) -> np.ndarray:
    """Index into titles.SENIORITIES of each contact's seniority, -1 when unknown."""
    index = {s: i for i, s in enumerate(tt.SENIORITIES)}
    by_persona = np.array([index.get(i.seniority, -1) for i in enc.infos] or [-1], dtype="int64")
    return by_persona[enc.persona]


def _presence(pos: np.ndarray, codes: np.ndarray, n_codes: int, won: np.ndarray,
              expected: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Deals with and won deals with each code, each deal counted once per code; with
    ``expected`` (a rate per deal) also the sum of that rate over the deals with each code."""
    if n_codes == 0:
        empty = np.zeros(0, dtype="int64")
        return (empty, empty) if expected is None else (empty, empty, empty.astype("float64"))
    pairs = _unique_sorted(pos * n_codes + codes)
    deal = pairs // n_codes
    code = pairs % n_codes
    deals_with = np.bincount(code, minlength=n_codes).astype("int64")
    won_with = np.bincount(code[won[deal]], minlength=n_codes).astype("int64")
    if expected is None:
        return deals_with, won_with
    return deals_with, won_with, np.bincount(code, weights=expected[deal], minlength=n_codes)


def _distinct_per_deal(pos: np.ndarray, codes: np.ndarray, n_codes: int, n_deals: int) -> np.ndarray:
    """Number of distinct codes on each deal."""
    if len(pos) == 0:
        return np.zeros(n_deals, dtype="int64")
    pairs = _unique_sorted(pos * n_codes + codes)
    return np.bincount(pairs // n_codes, minlength=n_deals)


def _share(part, whole: int) -> np.ndarray:
    part = np.asarray(part, dtype="float64")
    return part / whole if whole else np.full(part.shape, np.nan)


def _rate_without(won_with, deals_with, ctx: _Context) -> np.ndarray:
    rest_n = ctx.n - np.asarray(deals_with, dtype="float64")
    rest_won = ctx.total_won - np.asarray(won_with, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rest_n > 0, rest_won / np.where(rest_n > 0, rest_n, 1), np.nan)


def _tested(ctx: _Context, labels, won_with, deals_with, *, with_without: bool = False,
            catch_all=None) -> pd.DataFrame:
    """stats.segment_table (with vs without) or, when frequency only, the same columns empty.

    With ``with_without`` (personas, buying groups, decision makers: a deal counts in several
    rows), Lift is win rate with / win rate without and the verdict follows that lift;
    ``catch_all`` rows are shown but not tested (their verdict is CATCH_ALL).
    """
    cfg = ctx.config
    if not ctx.frequency_only:
        seg = stats.segment_table(labels, won_with, deals_with, total_won=ctx.total_won,
                                  total_n=ctx.n, min_deals=cfg.min_deals, fdr=cfg.fdr,
                                  confidence=cfg.confidence)
        if not with_without:
            return seg
        skip = np.zeros(len(seg), dtype=bool) if catch_all is None else np.asarray(catch_all, bool)
        p = seg["p-value"].to_numpy(dtype="float64").copy()
        p[skip] = np.nan
        seg["p-value"] = p
        seg["q-value"] = stats.benjamini_hochberg(p)
        seg["Lift"] = _lift_with_without(ctx, won_with, deals_with)
        seg["Verdict"] = [
            CATCH_ALL if c else stats.verdict(int(n), float(lift), float(q),
                                              min_deals=cfg.min_deals, fdr=cfg.fdr)
            for c, n, lift, q in zip(skip, seg["Deals"], seg["Lift"], seg["q-value"])]
        return seg
    k = np.asarray(won_with, dtype="int64")
    m = np.asarray(deals_with, dtype="int64")
    nan = np.full(len(k), np.nan)
    return pd.DataFrame({"Segment": list(labels), "Deals": m, "Won": k, "Lost": nan,
                         "Win rate": nan, "CI low": nan, "CI high": nan, "Lift": nan,
                         "p-value": nan, "q-value": nan, "Verdict": [FREQUENCY_ONLY] * len(k)})


def _lift_with_without(ctx: _Context, won_with, deals_with) -> np.ndarray:
    """Win rate of the deals with a row over the win rate of the deals without it (DESIGN.md:
    a deal can count in several rows, so the overall rate is not the comparison)."""
    n = np.asarray(deals_with, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_with = np.asarray(won_with, dtype="float64") / n
        lift = rate_with / _rate_without(won_with, deals_with, ctx)
    return np.where(np.isfinite(lift), lift, np.nan)


def practical_effect(lift: float, rate_with: float, rate_without: float) -> bool:
    """The practical-effect rule: |lift - 1| >= 0.10 and at least 3 points of win rate."""
    if any(x != x for x in (lift, rate_with, rate_without)):
        return False
    return abs(lift - 1) >= PRACTICAL_LIFT and abs(rate_with - rate_without) >= PRACTICAL_POINTS - 1e-12


def _recommendation_cell(verdict: str, deals: int, lift: float, wr: float, wo: float,
                         within: float = float("nan")) -> str:
    """tblPersonas / tblBuyingGroups Recommendation text of one row."""
    if verdict in _ACTIONABLE:
        if not practical_effect(lift, wr, wo):
            return _TINY
        if _explained_by_committee(verdict, within):
            return _GOES_WITH_COMMITTEE
        if deals < MIN_RECOMMEND_DEALS:
            return _SMALL
    return _RECOMMENDATIONS[verdict]


def _evidence_order(table: pd.DataFrame, label: str, count: str, won: str) -> pd.DataFrame:
    """Sort by q-value, p-value, deals (most first), then label; frequency tables by wins."""
    if table["q-value"].notna().any():
        keys = pd.DataFrame({
            "untested": table["q-value"].isna(), "q": table["q-value"], "p": table["p-value"],
            "n": -table[count], "label": table[label]})
        order = keys.sort_values(["untested", "q", "p", "n", "label"], kind="mergesort").index
    else:
        keys = pd.DataFrame({"w": -table[won], "n": -table[count], "label": table[label]})
        order = keys.sort_values(["w", "n", "label"], kind="mergesort").index
    return table.loc[order].reset_index(drop=True)


def _catch_all_last(table: pd.DataFrame, label: str) -> pd.DataFrame:
    """The same rows with the catch-all rows moved to the end (order otherwise kept)."""
    last = table[label].map(tt.is_catch_all).to_numpy(dtype=bool)
    return pd.concat([table[~last], table[last]], ignore_index=True)


# -------------------------------------------------------------------------- personas

def _persona_table(ctx: _Context, pos: np.ndarray, enc: tt.EncodedContacts
                   ) -> tuple[pd.DataFrame, str]:
    codes = enc.persona
    labels = [i.persona for i in enc.infos]
    n_codes = len(labels)
    deals_with, won_with, expected = _presence(pos, codes, n_codes, ctx.won, ctx.committee_rate)
    n_roles = len(tt.ROLES)
    counts = np.bincount(codes * n_roles + enc.role, minlength=n_codes * n_roles)
    counts = counts.reshape(n_codes, n_roles)
    # personas seen only on open deals are not shown
    present = np.flatnonzero(deals_with)
    labels = [labels[i] for i in present]
    seniority = [enc.infos[i].seniority for i in present]
    function = [enc.infos[i].function for i in present]
    deals_with, won_with, counts = deals_with[present], won_with[present], counts[present]
    expected = expected[present]
    n_codes = len(present)
    best = counts.argmax(axis=1)
    best_share = counts[np.arange(n_codes), best] / counts.sum(axis=1)
    typical = [f"{tt.role_label(tt.ROLES[b])} ({s:.0%})" for b, s in zip(best, best_share)]

    catch_all = np.array([tt.is_catch_all(label) for label in labels], dtype=bool)
    seg = _tested(ctx, labels, won_with, deals_with, with_without=True, catch_all=catch_all)
    freq = ctx.frequency_only
    lost_with = deals_with - won_with
    nan = np.full(n_codes, np.nan)
    table = pd.DataFrame({
        "Persona": labels,
        "Seniority": seniority,
        "Function": function,
        "Deals with": deals_with,
        "Won with": won_with,
        "Lost with": nan if freq else lost_with,
        "Share of wins": _share(won_with, ctx.total_won),
        "Share of losses": nan if freq else _share(lost_with, ctx.total_lost),
        "Win rate with": seg["Win rate"].to_numpy(),
        "Win rate without": nan if freq else _rate_without(won_with, deals_with, ctx),
        "Lift": seg["Lift"].to_numpy(),
        "q-value": seg["q-value"].to_numpy(),
        "Verdict": seg["Verdict"].to_numpy(dtype=object),
        "Typical role": typical,
        "CI low": seg["CI low"].to_numpy(),
        "CI high": seg["CI high"].to_numpy(),
        "p-value": seg["p-value"].to_numpy(),
    })
    with np.errstate(divide="ignore", invalid="ignore"):
        within = np.where(expected > 0, won_with / np.where(expected > 0, expected, 1), np.nan)
    table[WITHIN_COMMITTEE] = nan if freq else within
    table["Recommendation"] = [
        _recommendation_cell(r["Verdict"], r["Deals with"], r["Lift"], r["Win rate with"],
                             r["Win rate without"], r[WITHIN_COMMITTEE])
        for r in table.to_dict("records")]
    table = _catch_all_last(_evidence_order(table, "Persona", "Deals with", "Won with"),
                            "Persona")

    other = labels.index(tt.OTHER) if tt.OTHER in labels else -1
    unreadable = int((codes == other).sum()) if other >= 0 else 0
    tail = (f" {unreadable} contact(s) had a title that could not be read and count as Other."
            if unreadable else "")
    if freq:
        why = ("There are no lost deals" if ctx.total_lost == 0
               else "Only won deals carry contacts (no lost deal has any)")
        note = (f"Frequency only: {why}, so these are shares among wins and say nothing about "
                "what wins deals; no win rates, lifts or tests are given." + tail)
    else:
        tested = int(table["p-value"].notna().sum())
        note = (f"Each deal counts once per persona, and a deal with several personas counts in "
                f"each of their rows, so the shares of wins and losses add up to more than 100%. "
                f"Lift here is the win rate with the persona divided by the win rate without it. "
                f"Win rates with and without are compared with Fisher's exact test; q-values are "
                f"Benjamini-Hochberg over the {tested} personas tested (significant at q <= "
                f"{ctx.config.fdr:g}); personas in fewer than {ctx.config.min_deals} deals are "
                f"not tested, and a persona is recommended only with at least "
                f"{MIN_RECOMMEND_DEALS} deals and a difference large enough to act on. Catch-all "
                f"rows (Other, \"(other function)\", \"(other level)\") come last and are never "
                f"tested or recommended." + tail)
        explained = int(sum(r == _GOES_WITH_COMMITTEE for r in table["Recommendation"]))
        if explained:
            note += (f" {explained} persona(s) win more or less only as far as their committee size "
                     f"predicts ({WITHIN_COMMITTEE} near 1), so they are not recommended.")
    return table, note


def _pct(x: float) -> str:
    return f"{x:.0%}" if x == x else "n/a"


def _evidence(n: int, won: int, rate: float, low: float, high: float, lift: float, q: float,
              conf: float, comparison: str) -> str:
    """'N deals, W won, win rate R (95% CI L-H) vs R' <comparison>, lift X, q = Q'."""
    return (f"{int(n):,} deals, {int(won):,} won, win rate {_pct(rate)} "
            f"({conf:.0%} CI {_pct(low)}-{_pct(high)}) vs {comparison}, lift {lift:.2f}, "
            f"q {p_text(q, equals=True)}")


def _strength(q: float) -> float:
    """-log10 q (capped at 300), as the engine orders findings."""
    return float(min(300.0, -math.log10(max(q, 1e-300)))) if q == q else 0.0


_ACTIONABLE = (stats.STRONG, stats.POOR, stats.LEANING_STRONG, stats.LEANING_POOR)


def _explained_by_committee(verdict: str, within: float) -> bool:
    """True when a persona's effect vanishes once committee size is taken into account."""
    if within != within:
        return False
    if verdict in (stats.STRONG, stats.LEANING_STRONG):
        return within <= 1 + COMMITTEE_EXPLAINS
    if verdict in (stats.POOR, stats.LEANING_POOR):
        return within >= 1 - COMMITTEE_EXPLAINS
    return False


def _evidence_words(q: float, significant: bool) -> str:
    """How strong the evidence is, in words (the one wording of engine/findings.py)."""
    return evidence_words(q, significant=significant)


def _actionable(ctx: _Context, row: dict, deals: str = "Deals with") -> bool | None:
    """True: recommend; False: "Test further" at most; None: no finding at all.

    A recommendation needs a significant verdict, a practical effect (|lift - 1| >= 0.10 and
    3 points of win rate) and at least MIN_RECOMMEND_DEALS deals; a leaning row, or a
    significant one with fewer deals, is "Test further"; a row without a practical effect,
    a catch-all row and an in-line row give no finding.
    """
    verdict = row["Verdict"]
    if verdict not in _ACTIONABLE:
        return None
    if not practical_effect(row["Lift"], row["Win rate with"], row["Win rate without"]):
        return None
    significant = verdict in (stats.STRONG, stats.POOR)
    return significant and int(row[deals]) >= MIN_RECOMMEND_DEALS


def _persona_findings(ctx: _Context, table: pd.DataFrame) -> list[Finding]:
    out = []
    for row in table.to_dict("records"):
        outright = _actionable(ctx, row)
        if outright is None or tt.is_catch_all(row["Persona"]):
            continue  # catch-all rows are not a persona anyone can target
        verdict = row["Verdict"]
        if _explained_by_committee(verdict, row[WITHIN_COMMITTEE]):
            continue  # the committee findings say it better
        who = row["Persona"]
        wr, wo, q, lift = row["Win rate with"], row["Win rate without"], row["q-value"], row["Lift"]
        strong = verdict in (stats.STRONG, stats.LEANING_STRONG)
        sentence = (f"Deals involving {who} win {_pct(wr)} against {_pct(wo)} without "
                    f"({_evidence_words(q, outright)}).")
        role = str(row["Typical role"]).split(" (")[0].lower()
        if strong:
            as_role = f", typically as {role}" if role != tt.OTHER_ROLE else ""
            rec = f"Target {who}: engage them early in every deal{as_role}"
        else:
            rec = f"Review deals involving {who}: find out why they are lost more often"
        if not outright:
            rec = f"Test further: {rec[0].lower()}{rec[1:]}"
        evidence = f"{who}: " + _evidence(row["Deals with"], row["Won with"], wr, row["CI low"],
                                          row["CI high"], lift, q, ctx.config.confidence,
                                          f"{_pct(wo)} without")
        evidence += f", lift within committee size {row[WITHIN_COMMITTEE]:.2f}"
        plain = f"{int(row['Deals with']):,} deals with {who}: {_pct(wr)} won against {_pct(wo)} without"
        out.append(Finding(AREA, sentence, evidence, _strength(q), bool(outright), rec,
                           plain=plain, topic="Personas"))
    return out


# ------------------------------------------------------------------- buying groups

def _buying_group_table(ctx: _Context, pos: np.ndarray, enc: tt.EncodedContacts
                        ) -> tuple[pd.DataFrame, str]:
    """tblBuyingGroups: per function, the deals where anyone of that function appears."""
    columns = BUYING_GROUP_COLUMNS + BUYING_GROUP_EXTRA_COLUMNS
    index = {f: i for i, f in enumerate(tt.FUNCTIONS)}
    by_persona = np.array([index.get(i.function, -1) for i in enc.infos] or [-1], dtype="int64")
    codes = by_persona[enc.persona]
    known = codes >= 0
    if not known.any():
        return (pd.DataFrame(columns=columns),
                "No contact's title names a function, so there are no buying groups to compare.")
    deals_with, won_with = _presence(pos[known], codes[known], len(tt.FUNCTIONS), ctx.won)
    present = np.flatnonzero(deals_with)
    labels = [tt.FUNCTIONS[i] for i in present]
    deals_with, won_with = deals_with[present], won_with[present]
    seg = _tested(ctx, labels, won_with, deals_with, with_without=True)
    freq = ctx.frequency_only
    table = pd.DataFrame({
        "Function": labels,
        "Deals with": deals_with,
        "Won with": won_with,
        "Win rate with": seg["Win rate"].to_numpy(),
        "Win rate without": np.nan if freq else _rate_without(won_with, deals_with, ctx),
        "Lift": seg["Lift"].to_numpy(),
        "q-value": seg["q-value"].to_numpy(),
        "Verdict": seg["Verdict"].to_numpy(dtype=object),
        "Lost with": np.nan if freq else deals_with - won_with,
        "Share of wins": _share(won_with, ctx.total_won),
        "CI low": seg["CI low"].to_numpy(),
        "CI high": seg["CI high"].to_numpy(),
        "p-value": seg["p-value"].to_numpy(),
    })
    table["Recommendation"] = [
        _recommendation_cell(r["Verdict"], r["Deals with"], r["Lift"], r["Win rate with"],
                             r["Win rate without"])
        for r in table.to_dict("records")]
    table = _evidence_order(table, "Function", "Deals with", "Won with")[columns]
    if freq:
        return table, ("Frequency only: lost deals carry no contacts, so these are shares among "
                       "wins; no win rates, lifts or tests are given.")
    tested = int(table["p-value"].notna().sum())
    return table, (
        "A buying group is every deal where anyone of that function appears (the finance buyer, "
        "the IT buyer, procurement, the executive sponsor, ...), whatever their seniority; a "
        "deal counts in every group it involves. Lift is the win rate with the group divided by "
        "the win rate without it; q-values are Benjamini-Hochberg over the "
        f"{tested} groups tested; a group is recommended only with at least "
        f"{MIN_RECOMMEND_DEALS} deals and a difference large enough to act on.")


def _buying_group_findings(ctx: _Context, table: pd.DataFrame) -> list[Finding]:
    out = []
    for row in table.to_dict("records"):
        outright = _actionable(ctx, row)
        if outright is None:
            continue
        function = row["Function"]
        group = BUYING_GROUP_NAMES.get(function, function)
        wr, wo, q, lift = row["Win rate with"], row["Win rate without"], row["q-value"], row["Lift"]
        strong = row["Verdict"] in (stats.STRONG, stats.LEANING_STRONG)
        sentence = (f"Deals where {group} is involved win {_pct(wr)} against {_pct(wo)} without "
                    f"({_evidence_words(q, outright)}).")
        rec = (f"Involve {group} early in every deal" if strong
               else f"Review deals where {group} is involved: find out why they are lost more often")
        if not outright:
            rec = f"Test further: {rec[0].lower()}{rec[1:]}"
        evidence = f"Buying group {function}: " + _evidence(
            row["Deals with"], row["Won with"], wr, row["CI low"], row["CI high"], lift, q,
            ctx.config.confidence, f"{_pct(wo)} without")
        plain = (f"{int(row['Deals with']):,} deals with {group} involved: {_pct(wr)} won against "
                 f"{_pct(wo)} without")
        out.append(Finding(AREA, sentence, evidence, _strength(q), bool(outright), rec,
                           plain=plain, topic="Buying groups"))
    return out


# ------------------------------------------------------------------------- committee

def _committee_table(ctx: _Context, per_deal: np.ndarray, first: str) -> pd.DataFrame:
    band = np.minimum(per_deal, len(_BANDS) - 1)
    n = np.bincount(band, minlength=len(_BANDS))
    k = np.bincount(band[ctx.won], minlength=len(_BANDS))
    shown = [i for i in range(len(_BANDS)) if i > 0 or n[0] > 0]
    labels = [_BANDS[i] for i in shown]
    seg = _tested(ctx, labels, k[shown], n[shown])
    table = pd.DataFrame({
        first: labels,
        "Deals": n[shown].astype("int64"),
        "Won": k[shown].astype("int64"),
        "Win rate": seg["Win rate"].to_numpy(),
        "CI low": seg["CI low"].to_numpy(),
        "CI high": seg["CI high"].to_numpy(),
        "q-value": seg["q-value"].to_numpy(),
        "Lost": (n[shown] - k[shown]).astype("int64"),
        "Share of wins": _share(k[shown], ctx.total_won),
        "Lift": seg["Lift"].to_numpy(),
        "p-value": seg["p-value"].to_numpy(),
        "Verdict": seg["Verdict"].to_numpy(dtype=object),
    })
    if ctx.frequency_only:
        table["Lost"] = np.nan
    return table


def _band_words(band: str, seniority_view: bool) -> str:
    count = "4 or more" if band == "4+" else band
    if seniority_view:
        return f"contacts at {count} seniority level{'' if band == '1' else 's'}"
    return f"{count} contact{'' if band == '1' else 's'} recorded"


def _committee_findings(ctx: _Context, table: pd.DataFrame, *, seniority_view: bool,
                        skip: frozenset[tuple[str, int, int]] = frozenset()) -> list[Finding]:
    """At most one finding per direction (the strongest band winning more, the strongest
    losing more); band "0" reflects record keeping more than the committee and is left out;
    a band in ``skip`` (same band, deals and wins as already said) is not repeated."""
    first = table.columns[0]
    more = ("Multi-thread across levels: reach more seniority levels of the buyer's organisation"
            if seniority_view else "Multi-thread: involve more people on each deal")
    best: dict[bool, tuple[float, Finding]] = {}
    for row in table.to_dict("records"):
        band, verdict = row[first], row["Verdict"]
        if band == "0" or verdict not in _ACTIONABLE or (band, row["Deals"], row["Won"]) in skip:
            continue
        rest_n = ctx.n - row["Deals"]
        rest = (ctx.total_won - row["Won"]) / rest_n if rest_n else float("nan")
        wr, q, lift = row["Win rate"], row["q-value"], row["Lift"]
        what = _band_words(band, seniority_view)
        significant = verdict in (stats.STRONG, stats.POOR)
        strong = verdict in (stats.STRONG, stats.LEANING_STRONG)
        higher = _BANDS.index(band) >= 2
        sentence = (f"Deals with {what} win {_pct(wr)} against {_pct(rest)} for other deals "
                    f"({lift:.2f} times the overall rate" + (")." if significant else
                                                             "; not significant yet)."))
        rec = more if strong == higher else f"Review what sets deals with {what} apart"
        if not significant:
            rec = f"Test further: {rec[0].lower()}{rec[1:]}"
        evidence = f"{first} {band}: " + _evidence(row["Deals"], row["Won"], wr, row["CI low"],
                                                   row["CI high"], lift, q, ctx.config.confidence,
                                                   f"{_pct(rest)} for other deals")
        plain = (f"{int(row['Deals']):,} deals with {what}: {_pct(wr)} won against {_pct(rest)} "
                 "for other deals")
        finding = Finding(AREA, sentence, evidence, _strength(q), significant, rec, plain=plain,
                          topic="Committee")
        key = (not significant, q)
        if strong not in best or key < best[strong][0]:
            best[strong] = (key, finding)
    return [best[k][1] for k in (True, False) if k in best]


# ------------------------------------------------------------------- decision makers

def _decision_maker_table(ctx: _Context, pos: np.ndarray, enc: tt.EncodedContacts,
                          sen_codes: np.ndarray) -> tuple[pd.DataFrame, str]:
    is_dm = enc.role == tt.ROLES.index(tt.DECISION_MAKER)
    if not is_dm.any():
        return (pd.DataFrame(columns=DECISION_MAKER_COLUMNS),
                "No contact is marked as a decision maker (or economic buyer, approver, signer).")
    persona_labels = [i.persona for i in enc.infos]
    parts = []
    for pattern, all_codes, all_labels in (("Persona", enc.persona, persona_labels),
                                           ("Seniority", sen_codes, list(tt.SENIORITIES))):
        codes = all_codes[is_dm]
        keep = codes >= 0
        catch_all = np.array([tt.is_catch_all(label) for label in all_labels] or [False])
        keep &= ~catch_all[np.where(codes >= 0, codes, 0)]  # never a catch-all row
        if not keep.any():
            continue
        deals_with, won_with = _presence(pos[is_dm][keep], codes[keep], len(all_labels), ctx.won)
        present = np.flatnonzero(deals_with)
        labels = [all_labels[i] for i in present]
        deals_with, won_with = deals_with[present], won_with[present]
        seg = _tested(ctx, list(labels), won_with, deals_with, with_without=True)
        freq = ctx.frequency_only
        part = pd.DataFrame({
            "Pattern": pattern,
            "Decision maker": list(labels),
            "Won with": won_with,
            "Share of wins": _share(won_with, ctx.total_won),
            "Deals with": deals_with,
            "Lost with": np.nan if freq else deals_with - won_with,
            "Share of losses": np.nan if freq else _share(deals_with - won_with, ctx.total_lost),
            "Win rate with": seg["Win rate"].to_numpy(),
            "Win rate without": np.nan if freq else _rate_without(won_with, deals_with, ctx),
            "Lift": seg["Lift"].to_numpy(),
            "CI low": seg["CI low"].to_numpy(),
            "CI high": seg["CI high"].to_numpy(),
            "p-value": seg["p-value"].to_numpy(),
            "q-value": seg["q-value"].to_numpy(),
            "Verdict": seg["Verdict"].to_numpy(dtype=object),
        })
        part = part.sort_values(["Won with", "Deals with", "Decision maker"],
                                ascending=[False, False, True], kind="mergesort")
        parts.append(part.head(TOP_DECISION_MAKERS))
    if not parts:
        return (pd.DataFrame(columns=DECISION_MAKER_COLUMNS),
                "No decision maker has a title that could be read, so there is no pattern to show.")
    table = pd.concat(parts, ignore_index=True)
    return table, _decision_maker_note(ctx, table)


def _decision_maker_note(ctx: _Context, table: pd.DataFrame) -> str:
    """One sentence each for the persona and the seniority decision makers most often have."""
    said = []
    for pattern, what in (("Persona", "persona"), ("Seniority", "seniority")):
        rows = table[table["Pattern"] == pattern]
        if rows.empty or rows["Won with"].iloc[0] == 0:
            continue
        top = rows.iloc[0]
        detail = f"in {top['Share of wins']:.0%} of wins"
        if not ctx.frequency_only and not math.isnan(top["Lift"]):
            detail += f", lift {top['Lift']:.2f} with vs without, {top['Verdict']}"
        said.append(f"their {what} is most often {top['Decision maker']} ({detail})")
    if not said:
        return "No won deal names a decision maker."
    text = ("In won deals the decision maker's " + "; ".join(said)[len("their "):] + ". "
            "Persona and seniority are separate views of the same decision makers; a deal "
            "counts once in each row that applies.")
    if ctx.frequency_only:
        text += " Frequency among wins only: lost deals carry no contacts to compare with."
    return text
