"""Recommendations from findings (tblRecommendations), each with its evidence and confidence.

Only significant findings (q <= fdr after Benjamini-Hochberg within their family, or
p <= fdr for the single trend and threshold tests) become recommendations; "Leaning"
segments and near-miss threshold changes appear as "Test further". Confidence: High
needs very strong evidence (q <= 0.01) and a practical effect; Medium otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .findings import Finding

RECOMMENDATION_COLUMNS = ["Priority", "Area", "Recommendation", "Evidence", "Confidence"]

HIGH, MEDIUM, TEST_FURTHER = "High", "Medium", "Test further"
#: At most this many "Test further" items in the recommendations.
MAX_TEST_FURTHER = 5
#: At most this many significant recommendations.
MAX_SIGNIFICANT = 25


def confidence_of(f: Finding, fdr: float) -> str:
    """High / Medium / Test further from a finding's significance, strength and effect size.

    "High" needs very strong evidence (q <= 0.01) *and* a practical effect; process
    observations are never "High".
    """
    if not f.significant:
        return TEST_FURTHER
    return HIGH if f.strength >= 2 and f.practical and not f.process else MEDIUM


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Significant first, then by strength; ties by area and sentence (deterministic)."""
    return sorted(findings, key=lambda f: (not f.significant, -round(f.strength, 9), f.area, f.sentence))


def recommendations_table(findings: list[Finding], fdr: float) -> pd.DataFrame:
    """tblRecommendations from sorted findings."""
    sig = [f for f in findings if f.significant][:MAX_SIGNIFICANT]
    lean = [f for f in findings if not f.significant][:MAX_TEST_FURTHER]
    rows = []
    seen: set[str] = set()
    for f in [*sig, *lean]:
        rec = f.recommendation or f.sentence
        if rec in seen:
            continue
        seen.add(rec)
        rows.append((len(rows) + 1, f.area, rec, f.evidence, confidence_of(f, fdr)))
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in RECOMMENDATION_COLUMNS})
    t = pd.DataFrame(rows, columns=RECOMMENDATION_COLUMNS)
    t["Priority"] = np.arange(1, len(t) + 1)
    return t
