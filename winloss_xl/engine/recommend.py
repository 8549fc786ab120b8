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


# ------------------------------------------------------------------------ tblActions

ACTION_COLUMNS = ["Priority", "Action", "Evidence", "Area", "Confidence"]
#: At most this many actions on the Summary sheet, and this many about one topic.
MAX_ACTIONS = 5
MAX_PER_TOPIC = 2
NO_ACTION = "Keep the current plan: no change is backed by strong enough evidence yet"
PROCESS_CAVEAT = "a process measure, which partly follows from the outcome"


def _action_row(f: Finding, fdr: float, words: str | None = None) -> tuple[str, str, str, str]:
    action = f.action or f.recommendation or f.sentence
    evidence = f.plain or f.sentence.rstrip(".")
    return action, f"{evidence}, {words or f.strength_words()}", f.topic or f.area, confidence_of(f, fdr)


def actions_table(findings: list[Finding], fdr: float, overall: float, closed: int) -> pd.DataFrame:
    """tblActions: the 1-5 actions a sales leader takes away, evidence in plain words.

    The actions are the recommendations that rest on significant findings (process
    observations excepted: they partly follow from the outcome), High confidence first, at
    most :data:`MAX_PER_TOPIC` about one topic. When none is significant the first row says
    so and the second names the best "Test further" candidate (else the strongest process
    observation, marked as such).
    """
    listed = [f for f in findings if f.significant][:MAX_SIGNIFICANT]
    ranked = sorted((f for f in listed if not f.process),
                    key=lambda f: (confidence_of(f, fdr) != HIGH, -round(f.strength, 9), f.area,
                                   f.sentence))
    rows: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    per_topic: dict[str, int] = {}
    for f in ranked:
        row = _action_row(f, fdr)
        topic = f.topic or f.area
        if row[0] in seen or per_topic.get(topic, 0) >= MAX_PER_TOPIC:
            continue
        seen.add(row[0])
        per_topic[topic] = per_topic.get(topic, 0) + 1
        rows.append(row)
        if len(rows) == MAX_ACTIONS:
            break
    if not rows:
        rows = _no_action_rows(findings, fdr, overall, closed)
    table = pd.DataFrame(rows, columns=ACTION_COLUMNS[1:])
    table.insert(0, "Priority", np.arange(1, len(table) + 1))
    return table


def _no_action_rows(findings: list[Finding], fdr: float, overall: float,
                    closed: int) -> list[tuple[str, str, str, str]]:
    rate = f"{overall:.0%}" if overall == overall else "the"
    rows = [(NO_ACTION, f"No segment, persona, competitor or loss reason differs from the {rate} "
             f"average win rate by more than chance would explain ({closed:,} closed deals)",
             "All areas", "")]
    lean = [f for f in findings if not f.significant and not f.process]
    if lean:
        best = max(lean, key=lambda f: f.strength)
        action, evidence, area, conf = _action_row(best, fdr)
        if not action.lower().startswith("test further"):
            action = f"Test further: {action[0].lower()}{action[1:]}"
        rows.append((action, evidence, area, conf))
        return rows
    process = [f for f in findings if f.process]
    if process:
        best = max(process, key=lambda f: f.strength)
        action, evidence, area, _ = _action_row(best, fdr, PROCESS_CAVEAT)
        rows.append((f"Test further: {action[0].lower()}{action[1:]}", evidence, area, TEST_FURTHER))
    return rows


def with_follow_up_action(actions: pd.DataFrame, row: tuple[str, str, str, str] | None) -> pd.DataFrame:
    """tblActions with one action from the Changes sheet (a segment that declined
    significantly since the baseline), in place of the last one when five are listed already;
    the "keep the current plan" row gives way to it."""
    if row is None:
        return actions
    kept = actions[actions["Action"] != NO_ACTION].drop(columns="Priority")
    kept = kept.iloc[:MAX_ACTIONS - 1]
    table = pd.concat([kept, pd.DataFrame([row], columns=ACTION_COLUMNS[1:])], ignore_index=True)
    table.insert(0, "Priority", np.arange(1, len(table) + 1))
    return table
