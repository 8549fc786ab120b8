"""Did last period's recommendations happen, and did they work? (tblFollowUp)

The baseline's recommendations are read as text (tblRecommendations of the baseline
analysis, or of an earlier report, which is what leadership saw) and matched to the
segment they name: "Industry = Healthcare", a two-condition driver ("A = a and B = b"),
a revenue sweet spot, or a competitor. Each names a direction: more of these deals
(prioritise, sweet spot, make part of the ICP, seek out) or fewer (qualify or screen
harder). Then, with the deals of both periods:

- *too few deals to tell*: fewer than ``min_deals`` segment deals in either period;
- *acted on*: the segment's share of deals moved the recommended way, significantly
  (Fisher exact test of the two shares, BH over the follow-up rows);
- *and it held* / *but the win rate fell*: the segment's win rate did not / did fall
  significantly (Fisher exact test of the two rates, BH over the follow-up rows);
- *not acted on*: otherwise.

Recommendations that name no segment (loss reasons, the trend, a threshold, coaching one
owner, a battlecard) are not followed here; the note counts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import stats
from .prepare import Prepared

FOLLOWUP_COLUMNS = ["Recommendation", "Segment", "Baseline share of deals", "Current share of deals",
                    "Baseline win rate", "Current win rate", "Outcome", "Baseline deals",
                    "Current deals", "Share q-value", "Win rate q-value"]
HELD = "acted on, and it held"
FELL = "acted on, but the win rate fell"
NOT_ACTED = "not acted on"
TOO_FEW_TO_TELL = "too few deals to tell"
OUTCOMES = (HELD, FELL, NOT_ACTED, TOO_FEW_TO_TELL)

#: Wordings that ask for more of a segment's deals, and for fewer (see engine/findings.py).
MORE = re.compile(r"\b(prioritise|sweet spot|ideal customer profile|seek out)\b", re.IGNORECASE)
FEWER = re.compile(r"\b(qualify .* harder|screen .* harder)\b", re.IGNORECASE)
_SWEET_SPOT = re.compile(r"companies with revenue (?P<value>.+)$", re.IGNORECASE)
_AGAINST = re.compile(r"deals against (?P<value>.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Advice:
    """A recommendation and the segment it names: (dimension index, level) conditions."""

    recommendation: str
    conditions: tuple[tuple[int, int], ...]
    #: +1 for more of these deals, -1 for fewer
    direction: int

    def label(self, prep: Prepared) -> str:
        return " and ".join(f"{prep.dims[d].label} = {prep.dims[d].levels[lv]}"
                            for d, lv in self.conditions)


def read_advice(text: str, prep: Prepared) -> Advice | None:
    """The segment and direction a recommendation names, or None when it names neither."""
    direction = 1 if MORE.search(text) else -1 if FEWER.search(text) else 0
    if not direction:
        return None
    conditions = []
    for i, dim in enumerate(prep.dims):
        level = _named_level(text, dim.label, dim.levels)
        if level is not None:
            conditions.append((i, level))
    if not conditions:
        conditions = _special(text, prep)
    return Advice(text, tuple(conditions), direction) if conditions else None


def _named_level(text: str, label: str, levels: list[str]) -> int | None:
    """The level of ``label = level`` in ``text`` (the longest that fits, ending at a word)."""
    best = None
    for j, level in enumerate(levels):
        key = f"{label} = {level}"
        at = text.find(key)
        if at < 0:
            continue
        after = text[at + len(key):at + len(key) + 1]
        if after and after not in " :;,.":
            continue
        if best is None or len(level) > len(levels[best]):
            best = j
    return best


def _special(text: str, prep: Prepared) -> list[tuple[int, int]]:
    """The revenue sweet spot and competitor wordings, which name a level without its label."""
    for pattern, field in ((_SWEET_SPOT, "company_revenue"), (_AGAINST, "competitor")):
        hit = pattern.search(text.strip())
        dim = prep.dim(field)
        if hit is None or dim is None:
            continue
        value = hit.group("value").strip().rstrip(".")
        if value in dim.levels:
            return [(prep.dims.index(dim), dim.levels.index(value))]
    return []


def follow_up(prep: Prepared, baseline: np.ndarray, current: np.ndarray,
              recommendations: list[str]) -> tuple[pd.DataFrame, str]:
    """tblFollowUp for ``recommendations`` (the baseline's, in priority order) and a note."""
    cfg = prep.config
    advice = [a for a in (read_advice(str(r), prep) for r in recommendations) if a is not None]
    skipped = len(recommendations) - len(advice)
    if not recommendations:
        return _empty(), "The baseline period gave no recommendation to follow up."
    if not advice:
        return _empty(), (f"None of the baseline's {len(recommendations)} recommendations asks for "
                          "more or fewer deals of a segment (they are process observations, loss "
                          "reasons, the trend, a threshold, coaching or a battlecard), so there is "
                          "no share of deals to follow.")
    base, cur = np.asarray(baseline, dtype=bool), np.asarray(current, dtype=bool)
    total = np.array([base.sum(), cur.sum()], dtype="int64")
    n, k = np.zeros((len(advice), 2), "int64"), np.zeros((len(advice), 2), "int64")
    for i, a in enumerate(advice):
        seg = np.ones(prep.n, dtype=bool)
        for d, level in a.conditions:
            seg &= prep.dims[d].codes == level
        for j, period in enumerate((base, cur)):
            n[i, j] = int((seg & period).sum())
            k[i, j] = int((seg & period & prep.won).sum())
    enough = n.min(axis=1) >= cfg.min_deals
    share_q = _q(stats.two_rates_p(n[:, 1], np.full(len(n), total[1]), n[:, 0],
                                   np.full(len(n), total[0])), enough)
    rate_q = _q(stats.two_rates_p(k[:, 1], n[:, 1], k[:, 0], n[:, 0]), enough)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = n / np.maximum(total, 1)
        rate = np.where(n > 0, k / np.maximum(n, 1), np.nan)
    outcome = []
    for i, a in enumerate(advice):
        moved = np.sign(share[i, 1] - share[i, 0]) == a.direction and share_q[i] <= cfg.fdr
        fell = rate[i, 1] < rate[i, 0] and rate_q[i] <= cfg.fdr
        outcome.append(TOO_FEW_TO_TELL if not enough[i] else NOT_ACTED if not moved
                       else FELL if fell else HELD)
    table = pd.DataFrame({
        "Recommendation": [a.recommendation for a in advice],
        "Segment": [a.label(prep) for a in advice],
        "Baseline share of deals": share[:, 0], "Current share of deals": share[:, 1],
        "Baseline win rate": rate[:, 0], "Current win rate": rate[:, 1], "Outcome": outcome,
        "Baseline deals": n[:, 0], "Current deals": n[:, 1],
        "Share q-value": share_q, "Win rate q-value": rate_q,
    })
    note = ("Acted on: the segment's share of deals moved the way the recommendation asked, "
            "significantly (exact test of the two shares); it held unless the segment's win rate "
            f"fell significantly. q-values are BH-corrected over these {len(advice)} rows; "
            f"significant means q <= {cfg.fdr:g}.")
    if skipped:
        note += (f" Not followed here: {skipped} of the baseline's {len(recommendations)} "
                 "recommendations, which name no segment (loss reasons, the trend, a threshold, "
                 "coaching, a battlecard).")
    return table, note


def _q(p: np.ndarray, testable: np.ndarray) -> np.ndarray:
    """BH q-values over the testable rows (NaN elsewhere)."""
    return stats.benjamini_hochberg(np.where(testable, p, np.nan))


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in FOLLOWUP_COLUMNS})

