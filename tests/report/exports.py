"""CRM-like CSV exports written from generated deals (for CLI, e2e and install tests)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from winloss_xl.engine.synthetic import make_deals

HEADERS = {
    "deal_id": "Opportunity ID", "amount": "Amount", "close_date": "Close Date",
    "created_date": "Created Date", "industry": "Industry", "region": "Region",
    "lead_source": "Lead Source", "deal_type": "Type", "product": "Product",
    "owner": "Opportunity Owner", "competitor": "Primary Competitor", "loss_reason": "Loss Reason",
    "company_revenue": "Annual Revenue", "employees": "Employees",
    "qualification_score": "Qualification Score",
}
STAGES = {"won": "Closed Won", "lost": "Closed Lost", "open": "Negotiation/Review"}


def export_frame(n: int = 600, seed: int = 3, *, hostile: bool = False) -> pd.DataFrame:
    """A Salesforce-like export of ``n`` generated deals."""
    deals, _ = make_deals(n, seed=seed)
    out = pd.DataFrame({"Stage": deals["outcome"].map(STAGES)})
    for col, header in HEADERS.items():
        out[header] = deals[col]
    for col in ("Close Date", "Created Date"):
        out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d")
    if hostile:
        # a whole industry spelled like a formula: big enough to be a segment of its own
        mask = out["Industry"] == "Media"
        out.loc[mask, "Industry"] = '=HYPERLINK("http://x","y")'
    return out


def write_export(path: Path, n: int = 600, seed: int = 3, *, hostile: bool = False) -> Path:
    export_frame(n, seed, hostile=hostile).to_csv(path, index=False)
    return path
