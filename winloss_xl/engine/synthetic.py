"""Generated canonical deals with known, planted effects (tests and benchmarks).

``make_deals(n, seed)`` returns a canonical deals frame (see dealset.py) whose
win probability depends only on the effects given: a dict of
``column -> {level: log-odds shift}``. Every other dimension is noise.

``make_deals(..., accounts=A)`` puts the deals in ``A`` accounts (each with its own
industry and region, and an account-level random effect on the win odds, so deals
of one account are correlated), and ``traps=True`` adds what must never become a
recommendation: a 40-deal lead source that is one account winning 90%, a
"Deal Health" column that restates the outcome, and a process duration
("Days in Stage") that is short on lost deals because they are closed out early.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

INDUSTRIES = ("Technology", "Retail", "Healthcare", "Finance", "Manufacturing", "Education",
              "Energy", "Media")
REGIONS = ("EMEA", "North America", "APAC", "LATAM", "Nordics")
LEAD_SOURCES = ("Inbound", "Outbound", "Partner", "Event", "Referral", "Web")
DEAL_TYPES = ("New business", "Upsell", "Renewal")
PRODUCTS = ("Core", "Pro", "Enterprise", "Analytics", "Add-on", "Services", "Starter")
COMPETITORS = ("Microsoft", "MSFT", "Salesforce", "Oracle", "Acme Soft", "Globex")
REASONS = ("Price too high", "Budget cut", "Bad timing", "Went with competitor", "No decision",
           "Not a fit", "Champion left", "Missing feature", "Other")
STAGES = ("Discovery", "Demo", "Proposal", "Negotiation")

DEFAULT_EFFECTS: dict[str, dict[str, float]] = {
    "industry": {"Technology": 0.8, "Retail": -0.8},
    "region": {"EMEA": 0.6},
}


def _levels(rng: np.random.Generator, name: str, k: int, n: int) -> np.ndarray:
    labels = np.array([f"{name} {i + 1:02d}" for i in range(k)], dtype=object)
    return labels[rng.integers(0, k, n)]


def make_deals(
    n: int = 4000,
    seed: int = 0,
    *,
    base_rate: float = 0.45,
    effects: dict[str, dict[str, float]] | None = None,
    noise_dimensions: int = 1,
    noise_levels: int = 12,
    owners: int = 25,
    open_share: float = 0.05,
    accounts: int | None = None,
    traps: bool = False,
) -> tuple[pd.DataFrame, list[str]]:
    """A canonical deals frame and the names of its extra (noise) dimensions."""
    rng = np.random.default_rng(seed)
    if accounts is not None or traps:
        return _clustered_deals(n, rng, accounts or n, traps, base_rate, effects, noise_dimensions,
                                noise_levels, owners, open_share)
    eff = DEFAULT_EFFECTS if effects is None else effects
    df = pd.DataFrame({
        "deal_id": np.char.add("D", np.arange(n).astype(str)).astype(object),
        "industry": np.array(INDUSTRIES, dtype=object)[rng.integers(0, len(INDUSTRIES), n)],
        "region": np.array(REGIONS, dtype=object)[rng.integers(0, len(REGIONS), n)],
        "lead_source": np.array(LEAD_SOURCES, dtype=object)[rng.integers(0, len(LEAD_SOURCES), n)],
        "deal_type": np.array(DEAL_TYPES, dtype=object)[rng.integers(0, len(DEAL_TYPES), n)],
        "product": np.array(PRODUCTS, dtype=object)[rng.integers(0, len(PRODUCTS), n)],
        "owner": np.array([f"Rep {i + 1:03d}" for i in range(owners)], dtype=object)[
            rng.integers(0, owners, n)],
    })
    comp = np.array((*COMPETITORS, None, None, None), dtype=object)
    df["competitor"] = comp[rng.integers(0, len(comp), n)]
    df["company_revenue"] = np.round(np.exp(rng.normal(np.log(30e6), 1.3, n)), -3)
    df["employees"] = np.round(np.exp(rng.normal(np.log(300), 1.2, n)))
    df["amount"] = np.round(np.exp(rng.normal(np.log(20_000), 0.9, n)), 0)
    cycle = np.round(rng.gamma(3.0, 25.0, n))
    df["sales_cycle_days"] = cycle
    close = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    df["close_date"] = close
    df["created_date"] = close - pd.to_timedelta(cycle, unit="D")
    extras = []
    for i in range(noise_dimensions):
        name = f"Noise {i + 1}"
        df[name] = _levels(rng, f"N{i + 1}", noise_levels, n)
        extras.append(name)
    logit = np.full(n, np.log(base_rate / (1 - base_rate)))
    for col, shifts in eff.items():
        values = df[col].to_numpy()
        for level, shift in shifts.items():
            logit += np.where(values == level, shift, 0.0)
    prob = 1 / (1 + np.exp(-logit))
    won = rng.random(n) < prob
    outcome = np.where(won, "won", "lost").astype(object)
    outcome[rng.random(n) < open_share] = "open"
    df["outcome"] = outcome
    lost = outcome == "lost"
    reasons = np.array(REASONS, dtype=object)[rng.integers(0, len(REASONS), n)]
    df["loss_reason"] = np.where(lost, reasons, None)
    df["no_decision"] = lost & (reasons == "No decision")
    df["lost_stage"] = np.where(lost, np.array(STAGES, dtype=object)[rng.integers(0, 4, n)], None)
    score = np.clip(prob + rng.normal(0, 0.2, n), 0, 1)
    df["qualification_score"] = np.round(score, 2)
    return df, extras


#: Account-level random effect (sd of the log-odds shift) of clustered deals.
ACCOUNT_EFFECT_SD = 0.3
TRAP_SOURCE = "Partner Direct"
TRAP_DEALS = 40


def _clustered_deals(n: int, rng: np.random.Generator, accounts: int, traps: bool, base_rate: float,
                     effects: dict | None, noise_dimensions: int, noise_levels: int, owners: int,
                     open_share: float) -> tuple[pd.DataFrame, list[str]]:
    """Deals in accounts (industry and region belong to the account), with optional traps."""
    acc = rng.integers(0, accounts, n)
    acc_industry = np.array(INDUSTRIES, dtype=object)[rng.integers(0, len(INDUSTRIES), accounts)]
    acc_region = np.array(REGIONS, dtype=object)[rng.integers(0, len(REGIONS), accounts)]
    acc_effect = rng.normal(0, ACCOUNT_EFFECT_SD, accounts)
    df = pd.DataFrame({
        "deal_id": np.char.add("D", np.arange(n).astype(str)).astype(object),
        "account_key": np.char.add("Account ", acc.astype(str)).astype(object),
        "industry": acc_industry[acc], "region": acc_region[acc],
        "lead_source": np.array(LEAD_SOURCES, dtype=object)[rng.integers(0, len(LEAD_SOURCES), n)],
        "deal_type": np.array(DEAL_TYPES, dtype=object)[rng.integers(0, len(DEAL_TYPES), n)],
        "product": np.array(PRODUCTS, dtype=object)[rng.integers(0, len(PRODUCTS), n)],
        "owner": np.array([f"Rep {i + 1:03d}" for i in range(owners)], dtype=object)[
            rng.integers(0, owners, n)],
        "amount": np.round(np.exp(rng.normal(np.log(20_000), 0.9, n)), 0),
    })
    extras = []
    for i in range(noise_dimensions):
        df[f"Noise {i + 1}"] = _levels(rng, f"N{i + 1}", noise_levels, n)
        extras.append(f"Noise {i + 1}")
    logit = np.full(n, np.log(base_rate / (1 - base_rate))) + acc_effect[acc]
    for col, shifts in (DEFAULT_EFFECTS if effects is None else effects).items():
        values = df[col].to_numpy()
        for level, shift in shifts.items():
            logit += np.where(values == level, shift, 0.0)
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    if traps:  # one account, 40 deals, 90% won: a "segment" that is one customer
        trap = rng.choice(n, TRAP_DEALS, replace=False)
        df.loc[trap, "account_key"] = "Account trap"
        df.loc[trap, "lead_source"] = TRAP_SOURCE
        won[trap] = rng.random(TRAP_DEALS) < 0.9
    outcome = np.where(won, "won", "lost").astype(object)
    outcome[rng.random(n) < open_share] = "open"
    df["outcome"] = outcome
    close = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    df["close_date"] = close
    if traps:
        health = np.where(won, "Green", "Red").astype(object)
        health[rng.random(n) < 0.015] = "Amber"  # 98.5% of deals in groups all won or all lost
        df["Deal Health"] = health
        # lost deals are closed out early: the stage duration follows from the outcome
        df["Days in Stage"] = np.round(rng.gamma(2.0, np.where(won, 30.0, 8.0)))
        extras += ["Deal Health", "Days in Stage"]
    return df, extras
