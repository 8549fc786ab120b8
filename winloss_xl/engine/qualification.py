"""Qualification score: how well it separates won from lost deals, and where to cut.

A deal "passes" a threshold when its score is at or above it. Candidate
thresholds are the distinct scores (or a 0.01 grid when there are more than
101 of them) plus the configured current threshold. The accuracy-optimal
threshold is the one with the highest accuracy; ties go to the one closest to
the current threshold, then the lower one. The change from the current
threshold is tested with the exact McNemar test on the same deals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import stats
from .prepare import Prepared, finite_values

QUAL_COLUMNS = ["Threshold", "Accuracy", "Precision", "Recall", "False positives", "False negatives",
                "True positives", "True negatives", "Deals passing", "Note"]

MAX_DISTINCT = 101


@dataclass(frozen=True)
class QualResult:
    """The threshold table and what it says."""

    table: pd.DataFrame
    auc: float
    auc_p: float
    best: float
    current: float
    best_accuracy: float
    current_accuracy: float
    mcnemar_p: float
    deals: int
    sentence: str


def scored(prep: Prepared) -> tuple[int, int]:
    """(won deals with a score, lost deals with a score)."""
    ok = ~np.isnan(finite_values(prep.closed["qualification_score"]))
    return int((ok & prep.won).sum()), int((ok & ~prep.won).sum())


def missing_note(prep: Prepared) -> str:
    """Why the score is not assessed: no scores, or scores on one outcome (or open deals) only."""
    won, lost = scored(prep)
    if won + lost == 0:
        return ("No qualification score was recorded on the closed deals"
                + (f"; {prep.open_scored:,} open deals carry one, but a score can only be judged "
                   "against deals that closed." if prep.open_scored else "."))
    return (f"The qualification score is recorded on {won:,} won and {lost:,} lost deals; judging a "
            f"threshold needs at least {prep.config.min_deals} of each, so the score is not assessed.")


def current_threshold(prep: Prepared) -> float:
    """The configured threshold as a 0..1 score: a value above 1 is on the score's own scale."""
    value = float(prep.config.current_threshold)
    if value <= 1:
        return value
    scale = prep.score_scale if prep.score_scale > 1 else (10.0 if value <= 10 else 100.0)
    return min(value / scale, 1.0)


def qualification(prep: Prepared) -> QualResult | None:
    """Threshold table, AUC and the optimal-vs-current comparison; None unless both won and
    lost deals carry scores (at least ``min_deals`` of each)."""
    cfg = prep.config
    score = finite_values(prep.closed["qualification_score"])
    ok = ~np.isnan(score)
    won_scored, lost_scored = scored(prep)
    if min(won_scored, lost_scored) < cfg.min_deals:
        return None
    s, w = score[ok], prep.won[ok]
    sw, sl = np.sort(s[w]), np.sort(s[~w])
    distinct = np.unique(s)
    cands = distinct if distinct.size <= MAX_DISTINCT else np.round(np.linspace(0, 1, 101), 2)
    current = current_threshold(prep)
    cands = np.unique(np.concatenate([cands, [current]]))
    tp = len(sw) - np.searchsorted(sw, cands, side="left")
    fp = len(sl) - np.searchsorted(sl, cands, side="left")
    fn = len(sw) - tp
    tn = len(sl) - fp
    total = len(s)
    acc = (tp + tn) / total
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), np.nan)
        recall = np.where(len(sw) > 0, tp / max(len(sw), 1), np.nan)
    order = sorted(range(len(cands)), key=lambda i: (-round(acc[i], 12), abs(cands[i] - current), cands[i]))
    best_i = order[0]
    cur_i = int(np.flatnonzero(cands == current)[0])
    notes = [""] * len(cands)
    notes[cur_i] = "Current threshold"
    notes[best_i] = "Best accuracy" if best_i != cur_i else "Current threshold, best accuracy"
    table = pd.DataFrame({
        "Threshold": cands, "Accuracy": acc, "Precision": precision, "Recall": recall,
        "False positives": fp, "False negatives": fn, "True positives": tp, "True negatives": tn,
        "Deals passing": tp + fp, "Note": notes,
    })
    best, cur = float(cands[best_i]), current
    # McNemar: deals the best threshold classifies right and the current one wrong, and back
    right_best = (s >= best) == w
    right_cur = (s >= cur) == w
    mc = stats.mcnemar_p(int((right_best & ~right_cur).sum()), int((~right_best & right_cur).sum()))
    a, ap = stats.auc_test(sw, sl)
    sentence = _sentence(a, ap, best, float(acc[best_i]), cur, float(acc[cur_i]), mc, total, cfg.fdr)
    return QualResult(table, a, ap, best, cur, float(acc[best_i]), float(acc[cur_i]), mc, total, sentence)


def _sentence(a: float, ap: float, best: float, best_acc: float, cur: float, cur_acc: float,
              mc: float, deals: int, fdr: float) -> str:
    if np.isnan(a):
        head = f"The qualification score is recorded on {deals:,} closed deals, but only for one outcome"
        return head + ", so its power to separate wins from losses cannot be measured."
    power = ("separates won from lost deals better than chance" if ap <= fdr
             else "does not separate won from lost deals better than chance")
    text = f"The qualification score {power} (AUC {a:.2f} over {deals:,} scored closed deals, p = {ap:.2g}). "
    if best == cur or best_acc <= cur_acc:
        return text + f"The current threshold of {cur:g} is already the most accurate ({cur_acc:.0%})."
    gain = (best_acc - cur_acc) * 100
    sig = "a significant improvement" if mc <= fdr else "not a significant improvement"
    return text + (f"A threshold of {best:g} would classify {best_acc:.0%} of deals correctly, against "
                   f"{cur_acc:.0%} at the current {cur:g} ({gain:.1f} points; {sig}, McNemar p = {mc:.2g}).")
