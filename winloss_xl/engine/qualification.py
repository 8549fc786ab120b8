"""Qualification score: how well it separates won from lost deals, and where to cut.

A deal "passes" a threshold when its score is at or above it. Candidate
thresholds are the distinct scores (or a 0.01 grid when there are more than
101 of them) plus the configured current threshold. The accuracy-optimal
threshold is the one with the highest accuracy; ties go to the one closest to
the current threshold, then the lower one. The change from the current
threshold is tested with the exact McNemar test on the same deals.

Scores are held as 0-1 fractions; the table and the sentences show them on the
score's own scale (0-1, 0-10 or 0-100), in at most :data:`MAX_ROWS` rows: an even
grid over the recorded scores that always holds the current and the best threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import stats
from ..numbers_text import p_text, points_text
from .prepare import Prepared, finite_values

QUAL_COLUMNS = ["Threshold", "Accuracy", "Precision", "Recall", "False positives", "False negatives",
                "True positives", "True negatives", "Deals passing", "Note"]

MAX_DISTINCT = 101
#: At most this many thresholds are shown (the search itself uses every candidate).
MAX_ROWS = 20


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
    #: the score's own scale (1, 10 or 100): thresholds are shown multiplied by it
    scale: float = 1.0

    def shown(self, threshold: float) -> str:
        """A 0-1 threshold as text on the score's own scale ("0.7", "70")."""
        return on_scale(threshold, self.scale)


def on_scale(threshold: float, scale: float) -> str:
    """A 0-1 threshold as text on a score's own scale.

    >>> on_scale(0.7, 100), on_scale(0.75, 1), on_scale(0.35, 10)
    ('70', '0.75', '3.5')
    """
    return f"{round(threshold * scale, 4):g}"


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
    acc = _counts(sw, sl, cands)[4]
    total = len(s)
    order = sorted(range(len(cands)), key=lambda i: (-round(acc[i], 12), abs(cands[i] - current), cands[i]))
    best_i = order[0]
    cur_i = int(np.flatnonzero(cands == current)[0])
    best, cur = float(cands[best_i]), current
    scale = prep.score_scale if prep.score_scale > 1 else 1.0
    table = _table(sw, sl, shown_thresholds(s, cur, best, scale), cur, best, scale)
    # McNemar: deals the best threshold classifies right and the current one wrong, and back
    right_best = (s >= best) == w
    right_cur = (s >= cur) == w
    mc = stats.mcnemar_p(int((right_best & ~right_cur).sum()), int((~right_best & right_cur).sum()))
    a, ap = stats.auc_test(sw, sl)
    sentence = _sentence(a, ap, on_scale(best, scale), float(acc[best_i]), on_scale(cur, scale),
                         float(acc[cur_i]), mc, total, cfg.fdr)
    return QualResult(table, a, ap, best, cur, float(acc[best_i]), float(acc[cur_i]), mc, total,
                      sentence, scale)


def _counts(sw: np.ndarray, sl: np.ndarray, cands: np.ndarray) -> tuple[np.ndarray, ...]:
    """(true pos., false pos., false neg., true neg., accuracy) at each threshold, from the
    sorted won and lost scores."""
    tp = len(sw) - np.searchsorted(sw, cands, side="left")
    fp = len(sl) - np.searchsorted(sl, cands, side="left")
    fn, tn = len(sw) - tp, len(sl) - fp
    return tp, fp, fn, tn, (tp + tn) / (len(sw) + len(sl))


def shown_thresholds(scores: np.ndarray, current: float, best: float, scale: float) -> np.ndarray:
    """At most MAX_ROWS thresholds (0-1) that show the curve: a grid of round steps on the
    score's own scale across the recorded scores, plus the current and best thresholds."""
    lo, hi = float(np.min(scores)), float(np.max(scores))
    must = {round(current, 12), round(best, 12)}
    room = MAX_ROWS - len(must)
    step = next((st / scale for st in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20,
                                       25, 50) if (hi - lo) / (st / scale) + 1 <= room), 1.0)
    first = math.ceil(lo / step - 1e-9) * step if np.isfinite(lo) else 0.0
    grid = first + step * np.arange(max(room, 1))
    grid = grid[grid <= hi + 1e-12]
    picked = {round(float(g), 12) for g in grid} | must
    return np.array(sorted(picked))


def _table(sw: np.ndarray, sl: np.ndarray, shown: np.ndarray, cur: float, best: float,
           scale: float) -> pd.DataFrame:
    tp, fp, fn, tn, acc = _counts(sw, sl, shown)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), np.nan)
        recall = np.where(len(sw) > 0, tp / max(len(sw), 1), np.nan)
    notes = []
    for t in shown:
        is_cur, is_best = abs(t - cur) < 1e-9, abs(t - best) < 1e-9
        notes.append("Current threshold, best accuracy" if is_cur and is_best else
                     "Current threshold" if is_cur else "Best accuracy" if is_best else "")
    return pd.DataFrame({
        "Threshold": np.round(shown * scale, 6), "Accuracy": acc, "Precision": precision,
        "Recall": recall, "False positives": fp, "False negatives": fn, "True positives": tp,
        "True negatives": tn, "Deals passing": tp + fp, "Note": notes,
    })


def _sentence(a: float, ap: float, best: str, best_acc: float, cur: str, cur_acc: float,
              mc: float, deals: int, fdr: float) -> str:
    if np.isnan(a):
        head = f"The qualification score is recorded on {deals:,} closed deals, but only for one outcome"
        return head + ", so its power to separate wins from losses cannot be measured."
    power = ("separates won from lost deals better than chance" if ap <= fdr
             else "does not separate won from lost deals better than chance")
    text = (f"The qualification score {power} (separation, AUC {a:.2f}, where 0.5 is chance "
            f"and 1.0 perfect, over {deals:,} scored closed deals; p {p_text(ap, equals=True)}). ")
    if best == cur or best_acc <= cur_acc:
        return text + f"The current threshold of {cur} is already the most accurate ({cur_acc:.0%})."
    gain = (best_acc - cur_acc) * 100
    sig = "a significant improvement" if mc <= fdr else "not a significant improvement"
    return text + (f"A threshold of {best} would classify {best_acc:.0%} of deals correctly, against "
                   f"{cur_acc:.0%} at the current {cur} ({points_text(gain, signed=True)}; {sig}, "
                   f"paired test p {p_text(mc, equals=True)}).")
