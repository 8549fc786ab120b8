"""A contract-shaped Analysis for report tests that must not depend on the engine.

Every table of ``CONTRACT_TABLES`` is present with the DESIGN.md columns and
plausible rows; ``empty_personas=True`` gives the no-contacts case.
"""

from __future__ import annotations

import pandas as pd

from winloss_xl.engine.analysis import Analysis, Finding

WIN_RATE = 0.3125


def _patterns() -> pd.DataFrame:
    rows = [
        ("Industry", "Software", 120, 52, 68, 0.4333, 0.3478, 0.5232, 1.39, 0.0004, 0.0030, "Strong fit"),
        ("Industry", "Retail", 90, 18, 72, 0.2000, 0.1305, 0.2936, 0.64, 0.0061, 0.0220, "Poor fit"),
        ("Industry", "Healthcare", 60, 22, 38, 0.3667, 0.2546, 0.4952, 1.17, 0.3500, 0.5200, "In line"),
        ("Industry", "Finance", 4, 3, 1, 0.7500, 0.3006, 0.9544, 2.40, None, None, "Too few deals"),
        ("Industry", '=HYPERLINK("http://x","y")', 30, 13, 17, 0.4333, 0.2738, 0.6078, 1.39, 0.2000,
         0.4000, "Leaning strong"),
        ("Region", "EMEA", 150, 50, 100, 0.3333, 0.2614, 0.4140, 1.07, 0.5000, 0.6000, "In line"),
        ("Region", "North America", 154, 45, 109, 0.2922, 0.2245, 0.3704, 0.94, 0.5000, 0.6000,
         "In line"),
        ("Company revenue", "0-10M", 100, 25, 75, 0.2500, 0.1755, 0.3430, 0.80, 0.1200, 0.3000,
         "Leaning poor"),
        ("Company revenue", "100M+", 80, 33, 47, 0.4125, 0.3098, 0.5234, 1.32, 0.0400, 0.0900,
         "Strong fit"),
    ]
    return pd.DataFrame(rows, columns=["Dimension", "Segment", "Deals", "Won", "Lost", "Win rate",
                                       "CI low", "CI high", "Lift", "p-value", "q-value", "Verdict"])


def fake_analysis(*, empty_personas: bool = False) -> Analysis:
    """A plausible analysis of 304 closed deals (95 won)."""
    summary = pd.DataFrame({
        "Metric": ["Closed deals", "Won", "Lost", "Open deals excluded", "Win rate",
                   "Win rate CI low", "Win rate CI high", "Win rate excl. no decision",
                   "Value win rate", "Avg won amount", "Avg lost amount",
                   "Median cycle won (days)", "Median cycle lost (days)"],
        "Value": [304, 95, 209, 41, WIN_RATE, 0.2626, 0.3670, 0.3400, 0.2800, 48250.5, 39100.0,
                  62.0, 75.5],
    })
    trend = pd.DataFrame({
        "Period": ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"],
        "Deals": [55, 62, 60, 63, 64], "Won": [15, 19, 18, 20, 23], "Lost": [40, 43, 42, 43, 41],
        "Win rate": [0.2727, 0.3065, 0.3, 0.3175, 0.3594],
        "CI low": [0.1729, 0.2040, 0.1989, 0.2147, 0.2518],
        "CI high": [0.4022, 0.4325, 0.4255, 0.4418, 0.4836],
    })
    owners = pd.DataFrame({
        "Owner": ["Rep A", "Rep B", "Rep C"], "Deals": [100, 104, 100], "Won": [40, 25, 30],
        "Win rate": [0.40, 0.2404, 0.30], "Expected win rate": [0.31, 0.32, 0.30],
        "Difference": [0.09, -0.0796, 0.0], "q-value": [0.08, 0.12, 0.9],
    })
    drivers = pd.DataFrame({
        "Segment": ["Industry = Software", "Company revenue = 100M+", "Industry = Retail"],
        "Deals": [120, 80, 90], "Won": [52, 33, 18], "Win rate": [0.4333, 0.4125, 0.2],
        "CI low": [0.3478, 0.3098, 0.1305], "CI high": [0.5232, 0.5234, 0.2936],
        "Lift": [1.39, 1.32, 0.64], "q-value": [0.003, 0.09, 0.022],
    })
    losses = pd.DataFrame({
        "Loss reason": ["Price", "No decision", "Lost to competitor", "Timing", "+cmd"],
        "Lost deals": [70, 55, 44, 30, 10], "Share of losses": [0.335, 0.263, 0.211, 0.144, 0.048],
        "Lost amount": [3_100_000.0, 2_000_000.0, 1_900_000.0, 900_000.0, 100_000.0],
        "Share of lost amount": [0.3875, 0.25, 0.2375, 0.1125, 0.0125],
    })
    competitors = pd.DataFrame({
        "Competitor": ["Salesforce", "HubSpot"], "Deals": [80, 40], "Won": [20, 15], "Lost": [60, 25],
        "Win rate": [0.25, 0.375], "CI low": [0.1678, 0.2422], "CI high": [0.3555, 0.5291],
        "q-value": [0.2, 0.5],
    })
    if empty_personas:
        personas = pd.DataFrame(columns=["Persona", "Seniority", "Function", "Deals with", "Won with",
                                         "Lost with", "Share of wins", "Share of losses",
                                         "Win rate with", "Win rate without", "Lift", "q-value",
                                         "Verdict", "Typical role"])
        committee = pd.DataFrame(columns=["Contacts on deal", "Deals", "Won", "Win rate", "CI low",
                                          "CI high", "q-value"])
    else:
        personas = pd.DataFrame({
            "Persona": ["VP Finance", "IT Manager", "CIO"], "Seniority": ["VP", "Manager", "C-level"],
            "Function": ["Finance", "IT", "IT"], "Deals with": [80, 120, 6], "Won with": [40, 30, 3],
            "Lost with": [40, 90, 3], "Share of wins": [0.42, 0.316, 0.03],
            "Share of losses": [0.19, 0.43, 0.014], "Win rate with": [0.5, 0.25, 0.5],
            "Win rate without": [0.2435, 0.3553, 0.3081], "Lift": [1.6, 0.8, 1.6],
            "q-value": [0.001, 0.04, None], "Verdict": ["Strong fit", "Poor fit", "Too few deals"],
            "Typical role": ["Decision maker", "Evaluator", "Executive sponsor"],
        })
        committee = pd.DataFrame({
            "Contacts on deal": ["1", "2-3", "4+"], "Deals": [100, 150, 54], "Won": [20, 50, 25],
            "Win rate": [0.2, 0.3333, 0.463], "CI low": [0.1333, 0.2614, 0.3371],
            "CI high": [0.2888, 0.4140, 0.5937], "q-value": [0.01, 0.6, 0.05],
        })
    qualification = pd.DataFrame({
        "Threshold": [0.5, 0.6, 0.7], "Accuracy": [0.61, 0.68, 0.66], "Precision": [0.42, 0.5, 0.55],
        "Recall": [0.8, 0.66, 0.45], "False positives": [105, 63, 35], "False negatives": [19, 32, 52],
    })
    recs = pd.DataFrame({
        "Priority": [1, 2, 3], "Area": ["Industry", "Personas", "Loss reasons"],
        "Recommendation": ["Prioritise Software accounts", "Engage VP Finance early",
                           "Test further: pricing for small companies"],
        "Evidence": ["120 deals, 43% win rate (35%-52%), lift 1.39x, q=0.003",
                     "80 deals, 50% win rate, lift 1.6x, q=0.001", "100 deals, lift 0.80x, q=0.30"],
        "Confidence": ["High", "High", "Test further"],
    })
    dq = pd.DataFrame({"Check": ["Rows read", "Open deals excluded", "Amount not parsed"],
                       "Count": [345, 41, 3], "Detail": ["", "open stages", "column 'Amount'"]})
    colmap = pd.DataFrame({"Source column": ["Stage", "Amount", "Industry", "Deal Name"],
                           "Mapped to": ["outcome", "amount", "industry", "ignored: personal/free text"]})
    actions = pd.DataFrame({
        "Priority": [1, 2], "Action": ["Prioritise Software deals", "Engage VP Finance early"],
        "Evidence": ["120 deals, 43% won against 31% overall, strong evidence",
                     "80 deals with VP Finance: 50% won against 24% without, very strong evidence"],
        "Area": ["Industry", "Personas"], "Confidence": ["High", "High"],
    })
    tables = {
        "tblActions": actions, "tblSummary": summary, "tblPatterns": _patterns(), "tblOwners": owners,
        "tblDrivers": drivers,
        "tblTrend": trend, "tblLossReasons": losses, "tblCompetitors": competitors,
        "tblPersonas": personas, "tblCommittee": committee, "tblQualification": qualification,
        "tblRecommendations": recs, "tblDataQuality": dq, "tblColumnMap": colmap,
    }
    notes = {"tblQualification": "A qualification score of 0.6 or more separates wins best (AUC 0.71)."}
    if empty_personas:
        notes["tblPersonas"] = "No contacts were given, so there are no personas to compare."
        notes["tblCommittee"] = "No contacts were given."
    findings = [
        Finding("Industry", "Software deals win 43% of the time, 1.4x the average.",
                "120 deals, q=0.003", 2.5, True),
        Finding("Industry", "Retail deals win only 20%.", "90 deals, q=0.022", 1.7, True),
        Finding("Company revenue", "Companies above 100M win 41%.", "80 deals, q=0.09", 1.0, True),
    ]
    sentences = {
        "headline_1": "Software deals win 43% of the time, 1.4x the average (120 deals).",
        "headline_2": "Retail deals win only 20% of the time (90 deals).",
        "headline_3": "Companies with revenue above 100M win 41% of the time (80 deals).",
        "trend": "Win rate rose from 32% in 2024-Q4 to 36% in 2025-Q1 (64 deals); "
                 "the change is within the noise.",
        "qualification": "A qualification score of 0.6 or more separates wins best.",
        "lead_rate": "Win rate counts no-decision closes as losses.",
    }
    return Analysis(tables=tables, notes=notes, findings=findings, sentences=sentences)
