"""Why deals are lost (tblLossReasons, tblLossReasonsRaw, tblLossStages) and against whom (tblCompetitors).

Loss reasons: every lost deal's reason cell is split into its reasons (``;``
``|`` ``/`` and new lines), each reason is mapped to one category by keyword
(first matching category in :data:`CATEGORY_RULES` order), and a blank cell is
"Unspecified" (or "No decision" when the deal closed as no decision). A deal
citing several categories counts once in each. **Shares are over citations**
(deal x category pairs): "Share of losses" is a category's citations over all
citations, so the column sums to 1; with one reason per deal it equals the
share of lost deals. "Share of lost deals" (deals citing / lost deals) is given
too and may sum above 1. Lost amount follows the same rule.

Work is done once per distinct reason text, then spread over deals with
``bincount``, so a million deals cost little more than their distinct reasons.

"Loss reasons as exported" (tblLossReasonsRaw) shows a raw reason only when
:func:`winloss_xl.privacy.may_show` allows it (at least 3 lost deals cite it and
it names no one, nor an account of the lost deals); the others are folded into
one "not shown" row per category, so every citation still counts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import privacy, stats
from ..config import Config
from ..fields import normalize_header
from .prepare import NOT_RECORDED, Prepared, object_values, text_codes

UNSPECIFIED = "Unspecified"
OTHER = "Other"
NO_DECISION = "No decision"

#: Category -> keyword pattern, in matching priority order.
CATEGORY_RULES: tuple[tuple[str, str], ...] = (
    (NO_DECISION, r"no\s*decision|status\s*quo|do\s*nothing|went\s*dark|\bdark\b|unresponsive|"
                  r"no\s*response|ghost|stalled|lost\s*contact|cancel"),
    ("Champion left", r"champion|sponsor|left\s+the\s+company|contact\s+left|re-?org|"
                      r"key\s+contact|turnover|new\s+management|leadership\s+change"),
    ("Competitor", r"competit|lost\s+to\b|went\s+with|chose|another\s+vendor|incumbent|"
                   r"alternative|in[-\s]?house|built\s+internally|other\s+vendor"),
    ("Budget", r"budget|funding|\bfunds?\b|no\s+money|spending|afford|cut"),
    ("Price", r"pric|expensive|\bcosts?\b|cheaper|discount|too\s+high|quote|\btco\b|\broi\b"),
    ("Timing", r"timing|\btime|later|next\s+(year|quarter)|postpon|delay|not\s+now|not\s+ready|"
               r"priorit|on\s+hold|\bhold\b"),
    ("Product gap", r"feature|functional|missing|product\s*gap|\bgap\b|integrat|capabilit|roadmap|"
                    r"technical|security|compliance|performance|not\s+support|requirement"),
    ("Poor fit", r"\bfit\b|not\s+qualified|disqualif|unqualified|too\s+small|too\s+big|wrong|"
                 r"use\s*case|not\s+a\s+match|no\s+need|\bicp\b|out\s+of\s+scope"),
)
CATEGORIES: tuple[str, ...] = (
    "Price", "Budget", "Timing", "Competitor", NO_DECISION, "Poor fit", "Champion left",
    "Product gap", OTHER, UNSPECIFIED,
)
_RULES = [(cat, re.compile(pat, re.IGNORECASE)) for cat, pat in CATEGORY_RULES]
_SPLIT = re.compile(r"[;|/\n]+")
_COMP_SPLIT = re.compile(r"[;|/\n,]+|\s+&\s+|\s+and\s+")

LOSS_COLUMNS = ["Loss reason", "Lost deals", "Share of losses", "Lost amount", "Share of lost amount",
                "Share of lost deals", "Most over-represented in", "Lift there"]
RAW_COLUMNS = ["Loss reason", "Category", "Lost deals", "Share of losses"]
STAGE_COLUMNS = ["Lost at stage", "Lost deals", "Share of losses", "Lost amount"]
COMPETITOR_COLUMNS = ["Competitor", "Deals", "Won", "Lost", "Win rate", "CI low", "CI high", "q-value",
                      "Lift", "p-value", "Verdict"]


def categorize(reason: str) -> str:
    """The category of one reason text.

    >>> categorize("Too expensive"), categorize("Went with a competitor"), categorize("??")
    ('Price', 'Competitor', 'Other')
    """
    text = str(reason).strip()
    if not text:
        return UNSPECIFIED
    for cat, rx in _RULES:
        if rx.search(text):
            return cat
    return OTHER


def split_reasons(cell: object) -> list[str]:
    """The distinct trimmed reasons of one cell, in order.

    >>> split_reasons("Price; timing | price")
    ['Price', 'timing']
    """
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return []
    seen: dict[str, str] = {}
    for part in _SPLIT.split(str(cell)):
        p = part.strip()
        if p and p.casefold() not in seen:
            seen[p.casefold()] = p
    return list(seen.values())


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def _reason_cells(prep: Prepared, lost_mask: np.ndarray) -> pd.Series:
    """The raw reason text per lost deal (joined from ``loss_reasons`` when ``loss_reason`` is empty)."""
    cells = prep.closed["loss_reason"][lost_mask]
    if cells.notna().any() or "loss_reasons" not in prep.closed.columns:
        return cells
    return prep.closed["loss_reasons"][lost_mask].map(
        lambda t: "; ".join(str(x) for x in t) if isinstance(t, (tuple, list)) and t else None)


@dataclass(frozen=True)
class ReasonCategories:
    """The loss categories of a set of lost deals, worked out once per distinct reason cell."""

    #: per lost deal, the index of its distinct reason cell
    codes: np.ndarray
    #: distinct cell x category: 1 where the cell cites the category (see :data:`CATEGORIES`)
    ind: np.ndarray
    #: per distinct cell, its (reason as written, category) pairs ("(blank)" for a blank cell)
    cited: list[list[tuple[str, str]]]


def reason_categories(prep: Prepared, lost_mask: np.ndarray) -> ReasonCategories:
    """Which categories every lost deal of ``lost_mask`` cites (blank: Unspecified or No decision).

    Used by tblLossReasons and by the period comparison (:mod:`.changes`), so both count
    a loss reason the same way.
    """
    nd = prep.no_decision[lost_mask]
    cells = _reason_cells(prep, lost_mask)
    codes, uniques = pd.factorize(object_values(cells), use_na_sentinel=True)
    u_parts = [split_reasons(u) for u in uniques]
    # extra "unique" slots for blank cells: plain blank, and blank closed as no decision
    blank, blank_nd = len(uniques), len(uniques) + 1
    codes = np.where(codes < 0, np.where(nd, blank_nd, blank), codes).astype("int64")
    for i, parts in enumerate(u_parts):
        if not parts:  # cell of separators only
            codes[codes == i] = blank
    u_parts += [[], []]
    used = np.bincount(codes, minlength=len(u_parts)) > 0
    cat_index = {c: i for i, c in enumerate(CATEGORIES)}
    ind = np.zeros((len(u_parts), len(CATEGORIES)), dtype="float64")
    cited: list[list[tuple[str, str]]] = []
    for i, parts in enumerate(u_parts):
        pairs: list[tuple[str, str]] = []
        if used[i] and not parts:
            pairs = [("(blank)", NO_DECISION if i == blank_nd else UNSPECIFIED)]
        elif used[i]:
            pairs = [(part, categorize(part)) for part in parts]
        for _, cat in pairs:
            ind[i, cat_index[cat]] = 1
        cited.append(pairs)
    return ReasonCategories(codes, ind, cited)


def loss_tables(prep: Prepared) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """tblLossReasons, tblLossReasonsRaw and (when stages exist) tblLossStages, with notes."""
    notes: dict[str, str] = {}
    tables: dict[str, pd.DataFrame] = {}
    lost_mask = ~prep.won
    n_lost = int(lost_mask.sum())
    if n_lost == 0:
        notes["tblLossReasons"] = "There are no lost deals, so there are no loss reasons to show."
        tables["tblLossReasons"] = _empty(LOSS_COLUMNS)
        tables["tblLossReasonsRaw"] = _empty(RAW_COLUMNS)
        return tables, notes
    amount = np.nan_to_num(prep.amount[lost_mask], nan=0.0)
    cats = reason_categories(prep, lost_mask)
    codes, ind = cats.codes, cats.ind
    u_count = np.bincount(codes, minlength=len(cats.cited))
    u_amount = np.bincount(codes, weights=amount, minlength=len(cats.cited))
    raw_counts: Counter[tuple[str, str]] = Counter()
    for i, cited in enumerate(cats.cited):
        for pair in cited:
            raw_counts[pair] += int(u_count[i])
    deals_c = u_count @ ind
    with np.errstate(over="ignore", invalid="ignore"):
        amount_c = u_amount @ ind
        amount_total = amount_c.sum()
    amount_c = np.where(np.isfinite(amount_c), amount_c, np.nan)
    citations = deals_c.sum()
    present = np.flatnonzero(deals_c > 0)
    over_seg, over_lift = _over_represented(prep, codes, ind, deals_c / n_lost)
    table = pd.DataFrame({
        "Loss reason": [CATEGORIES[i] for i in present],
        "Lost deals": deals_c[present].round().astype("int64"),
        "Share of losses": deals_c[present] / citations,
        "Lost amount": amount_c[present],
        "Share of lost amount": (amount_c[present] / amount_total)
        if np.isfinite(amount_total) and amount_total > 0
        else np.full(len(present), np.nan),
        "Share of lost deals": deals_c[present] / n_lost,
        "Most over-represented in": [over_seg[i] for i in present],
        "Lift there": [over_lift[i] for i in present],
    })
    table["_order"] = present
    table = table.sort_values(["Lost deals", "_order"], ascending=[False, True], kind="mergesort")
    tables["tblLossReasons"] = table.drop(columns="_order").reset_index(drop=True)
    if np.isnan(prep.amount[lost_mask]).all() or prep.amount_won_only:
        tables["tblLossReasons"]["Lost amount"] = np.nan
        tables["tblLossReasons"]["Share of lost amount"] = np.nan
    notes["tblLossReasons"] = (
        "A lost deal citing several reasons counts once in each; shares are over reason citations, "
        "so Share of losses sums to 100%. Share of lost deals is over lost deals and may exceed 100% "
        "in total.")
    total_raw = sum(raw_counts.values())
    raw = pd.DataFrame(
        [(r, c, n, n / total_raw) for (r, c), n in raw_counts.items()], columns=RAW_COLUMNS)
    raw = raw.sort_values(["Lost deals", "Loss reason", "Category"], ascending=[False, True, True],
                          kind="mergesort").reset_index(drop=True)
    tables["tblLossReasonsRaw"] = privacy.hide_unshareable(
        raw, "Loss reason", "Lost deals", group_cols=["Category"], sum_cols=["Share of losses"],
        known=_known_names(prep, lost_mask))
    if set(tables["tblLossReasons"]["Loss reason"]) <= {UNSPECIFIED}:
        notes["tblLossReasons"] = "No loss reasons were recorded, so every loss is Unspecified."
    stage = _stage_table(prep.closed["lost_stage"][lost_mask] if "lost_stage" in prep.closed.columns
                         else None, amount)
    if stage is not None:
        tables["tblLossStages"] = stage
        notes["tblLossStages"] = "Where lost deals died: share of lost deals by the stage they were lost at."
    return tables, notes


def _known_names(prep: Prepared, lost_mask: np.ndarray) -> frozenset[str]:
    """The lost deals' account keys: free text naming one of them is never shown raw."""
    if "account_key" not in prep.closed.columns:
        return frozenset()
    keys = prep.closed["account_key"][lost_mask]
    return privacy.normalize_known(pd.unique(object_values(keys)))


def _over_represented(prep: Prepared, codes: np.ndarray, ind: np.ndarray, base_share: np.ndarray):
    """Per category: the segment where it is cited most above its overall share, and that lift."""
    cfg = prep.config
    lost_mask = ~prep.won
    n_cat = ind.shape[1]
    best_lift = np.full(n_cat, np.nan)
    best_seg = [""] * n_cat
    n_u = ind.shape[0]
    for dim in prep.dims:
        if dim.field == "owner":
            continue
        seg = dim.codes[lost_mask].astype("int64")
        has = seg >= 0
        mat = np.bincount(seg[has] * n_u + codes[has], minlength=dim.size * n_u).reshape(dim.size, n_u)
        seg_lost = mat.sum(axis=1)
        cited = mat @ ind  # segments x categories
        with np.errstate(divide="ignore", invalid="ignore"):
            share = cited / seg_lost[:, None]
            lift = share / base_share[None, :]
        ok = (seg_lost[:, None] >= cfg.min_deals) & (cited >= cfg.min_deals) & np.isfinite(lift)
        lift = np.where(ok, lift, -np.inf)
        for c in range(n_cat):
            s = int(np.argmax(lift[:, c]))
            val = lift[s, c]
            if np.isfinite(val) and val > 1 and (np.isnan(best_lift[c]) or val > best_lift[c] + 1e-12):
                best_lift[c] = val
                best_seg[c] = f"{dim.label} = {dim.levels[s]}"
    return best_seg, best_lift


def _stage_table(stages: pd.Series | None, amount: np.ndarray) -> pd.DataFrame | None:
    if stages is None or stages.isna().all():
        return None
    codes, levels = text_codes(stages)
    if not levels:
        return None
    c = np.where(codes < 0, len(levels), codes)
    n = np.bincount(c, minlength=len(levels) + 1)
    amt = np.bincount(c, weights=amount, minlength=len(levels) + 1)
    labels = [*levels, NOT_RECORDED]
    keep = np.flatnonzero(n > 0)
    t = pd.DataFrame({
        "Lost at stage": [labels[i] for i in keep],
        "Lost deals": n[keep],
        "Share of losses": n[keep] / n.sum(),
        "Lost amount": amt[keep],
    })
    return t.sort_values(["Lost deals", "Lost at stage"], ascending=[False, True],
                         kind="mergesort").reset_index(drop=True)


def competitor_labels(uniques, counts: np.ndarray, config: Config) -> tuple[list[list[int]], list[str]]:
    """Per distinct competitor cell, the indices of the competitors it names; and their labels.

    Variants are merged by their normalised spelling and the configured aliases;
    a variant without an alias shows its most common spelling.
    """
    aliases = config.competitor_alias_table()
    spellings: dict[str, Counter[str]] = {}
    cell_keys: list[list[str]] = []
    for u, cnt in zip(uniques, counts):
        keys = []
        for part in _COMP_SPLIT.split(str(u)):
            p = part.strip()
            if not p:
                continue
            # names in non-Latin scripts normalise to nothing: keep them by their own spelling
            key = normalize_header(p) or "text:" + p.casefold()
            if key in aliases:
                display = aliases[key]
                if not display:
                    continue
                key = "alias:" + display
                spellings.setdefault(key, Counter())[display] += int(cnt)
            else:
                spellings.setdefault(key, Counter())[p] += int(cnt)
            if key not in keys:
                keys.append(key)
        cell_keys.append(keys)
    display = {k: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for k, c in spellings.items()}
    labels = sorted(set(display.values()), key=lambda s: (s.casefold(), s))
    index = {lab: i for i, lab in enumerate(labels)}
    cells = [sorted({index[display[k]] for k in keys}) for keys in cell_keys]
    return cells, labels


def competitors_table(prep: Prepared) -> tuple[pd.DataFrame, str]:
    """tblCompetitors: win rate against each named competitor, tested vs the other competitive deals."""
    cfg = prep.config
    col = prep.closed["competitor"]
    if col.isna().all():
        return _empty(COMPETITOR_COLUMNS), "No competitor was logged on any closed deal."
    codes, uniques = pd.factorize(object_values(col), use_na_sentinel=True)
    u_n = np.bincount(codes[codes >= 0], minlength=len(uniques))
    cells, labels = competitor_labels(uniques, u_n, cfg)
    if not labels:
        return _empty(COMPETITOR_COLUMNS), "No named competitor was logged on any closed deal."
    ind = np.zeros((len(uniques), len(labels)))
    for i, idx in enumerate(cells):
        ind[i, idx] = 1
    has = codes >= 0
    u_k = np.bincount(codes[has], weights=prep.won[has], minlength=len(uniques))
    n = (u_n @ ind).round().astype("int64")
    k = (u_k @ ind).round().astype("int64")
    competitive_u = ind.sum(axis=1) > 0
    comp_n = int(u_n[competitive_u].sum())
    comp_k = round(u_k[competitive_u].sum())
    table = stats.segment_table(labels, k, n, total_won=comp_k, total_n=comp_n,
                                min_deals=cfg.min_deals, fdr=cfg.fdr, confidence=cfg.confidence)
    table = table.rename(columns={"Segment": "Competitor"})
    table = table[table["Deals"] > 0].sort_values(["Deals", "Competitor"], ascending=[False, True],
                                                  kind="mergesort").reset_index(drop=True)
    none_n = prep.n - comp_n
    none_k = prep.total_won - comp_k
    note = (f"Win rates against a competitor count only the {comp_n:,} closed deals where one was logged "
            f"({comp_k / comp_n:.0%} won); each competitor is tested against the other competitive deals "
            f"and lift is against that competitive win rate. ")
    if none_n > 0:
        note += (f"The {none_n:,} closed deals with no competitor logged "
                 f"({none_k / none_n:.0%} won) are left out.")
    return table[COMPETITOR_COLUMNS], note.strip()
