"""Write small synthetic exports shaped like each CRM's (run from the repo root).

    python examples/make_examples.py

Every file is cut from the bundled demo deals (winloss_xl.demo_data.generate),
reshaped the way Salesforce, HubSpot, Pipedrive and Dynamics 365 export them
(see docs in CRM_EXPORTS.md): labels, prefixes, stage words, number and date
formats. Try any of them with ``winloss-xl inspect examples/<file>``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from winloss_xl.demo_data import generate

HERE = Path(__file__).resolve().parent
ROWS = 120


def _base() -> tuple[pd.DataFrame, pd.DataFrame]:
    deals, contacts = generate()
    # a mix of closed and open deals
    pick = pd.concat([deals[deals["Stage"].str.startswith("Closed")].head(ROWS - 20),
                      deals[~deals["Stage"].str.startswith("Closed")].head(20)])
    return pick.reset_index(drop=True), contacts[contacts["Opportunity ID"].isin(
        pick["Opportunity ID"])].reset_index(drop=True)


def _write(frame: pd.DataFrame, name: str, **kw: object) -> Path:
    path = HERE / name
    frame.to_csv(path, index=False, lineterminator="\n", **kw)
    return path


def salesforce(d: pd.DataFrame, c: pd.DataFrame) -> list[Path]:
    """Report export (labels) plus the contact-roles report."""
    out = d.drop(columns=["Opportunity ID"]).rename(columns={"Region": "Billing Country"})
    out.insert(3, "Probability (%)", np.where(d["Stage"] == "Closed Won", 100,
                                              np.where(d["Stage"] == "Closed Lost", 0, 40)))
    out["Close Date"] = pd.to_datetime(d["Close Date"]).dt.strftime("%-m/%-d/%Y")
    out["Created Date"] = pd.to_datetime(d["Created Date"]).dt.strftime("%-m/%-d/%Y")
    out.insert(0, "Opportunity ID", d["Opportunity ID"])
    roles = c.rename(columns={"Contact: Full Name": "Contact: Full Name"})
    return [_write(out, "salesforce_opportunities.csv"),
            _write(roles, "salesforce_contact_roles.csv")]


def hubspot(d: pd.DataFrame) -> Path:
    stage = d["Stage"].map({"Closed Won": "Closed won", "Closed Lost": "Closed lost"}).fillna(
        "Contract sent")
    created = pd.to_datetime(d["Created Date"]) + pd.to_timedelta(
        (np.arange(len(d)) * 37) % 600, unit="m")
    out = pd.DataFrame({
        "Record ID": np.arange(18_000_001, 18_000_001 + len(d)),
        "Deal Name": d["Opportunity Name"],
        "Deal Stage": stage,
        "Pipeline": "Sales Pipeline",
        "Amount": d["Amount"].map(lambda v: f"${v:,.2f}"),
        "Close Date": pd.to_datetime(d["Close Date"]).dt.strftime("%Y-%m-%d 17:00"),
        "Create Date": created.dt.strftime("%Y-%m-%d %H:%M"),
        "Deal owner": d["Opportunity Owner"],
        "Deal Type": d["Type"].str.lower().str.replace(" ", ""),
        "Closed Lost Reason": d["Loss Reason"],
        "Associated Company": d["Account Name"],
        "Is Closed Won": (d["Stage"] == "Closed Won").map({True: "true", False: "false"}),
        "HubSpot Score": d["Qualification Score"],
    })
    return _write(out, "hubspot_deals.csv")


def pipedrive(d: pd.DataFrame) -> Path:
    status = d["Stage"].map({"Closed Won": "Won", "Closed Lost": "Lost"}).fillna("Open")
    close = pd.to_datetime(d["Close Date"]).dt.strftime("%Y-%m-%d 16:30:00")
    out = pd.DataFrame({
        "Deal - ID": np.arange(501, 501 + len(d)),
        "Deal - Title": d["Opportunity Name"],
        "Deal - Value": d["Amount"],
        "Deal - Currency": "EUR",
        "Deal - Status": status,
        "Deal - Lost reason": d["Loss Reason"],
        "Deal - Won time": close.where(status == "Won", ""),
        "Deal - Lost time": close.where(status == "Lost", ""),
        "Deal - Deal created": pd.to_datetime(d["Created Date"]).dt.strftime("%Y-%m-%d 09:00:00"),
        "Deal - Owner": d["Opportunity Owner"],
        "Organization - Name": d["Account Name"],
        "Organization - Industry": d["Industry"],
    })
    out.loc[len(out)] = [999, "Duplicate entry", 0, "EUR", "Deleted", "", "", "",
                         "2024-01-02 09:00:00", d["Opportunity Owner"][0], "Removed Ltd", ""]
    return _write(out, "pipedrive_deals.csv")


def dynamics(d: pd.DataFrame) -> Path:
    status = d["Stage"].map({"Closed Won": "Won", "Closed Lost": "Lost"}).fillna("Open")
    reason = np.where(status == "Won", "Won", np.where(status == "Open", "In Progress",
                      np.where(d["Loss Reason"].str.contains("No decision"), "Canceled",
                               "Out-Sold")))
    close = pd.to_datetime(d["Close Date"]).dt.strftime("%-m/%-d/%Y")
    out = pd.DataFrame({
        "Topic": d["Opportunity Name"],
        "Potential Customer": d["Account Name"],
        "Status": status,
        "Status Reason": reason,
        "Est. Revenue": d["Amount"].map(lambda v: f"{v:,.2f}"),
        "Est. Close Date": close,
        "Actual Close Date": close.where(status != "Open", ""),
        "Created On": pd.to_datetime(d["Created Date"]).dt.strftime("%-m/%-d/%Y 10:00 AM"),
        "Owner": d["Opportunity Owner"],
    })
    return _write(out, "dynamics_opportunities.csv", encoding="utf-8-sig")


def european(d: pd.DataFrame) -> Path:
    """`;`-separated, Windows-1252, decimal commas, day-first dates."""
    out = pd.DataFrame({
        "Opportunity ID": d["Opportunity ID"],
        "Account Name": d["Account Name"],
        "Stage": d["Stage"],
        "Amount": d["Amount"].map(lambda v: f"{v:,.2f}".replace(",", " ").replace(".", ",")
                                  .replace(" ", ".")),
        "Close Date": pd.to_datetime(d["Close Date"]).dt.strftime("%d.%m.%Y"),
        "Created Date": pd.to_datetime(d["Created Date"]).dt.strftime("%d.%m.%Y"),
        "Owner": d["Opportunity Owner"],
        "Industry": d["Industry"],
    })
    path = HERE / "european_semicolon.csv"
    out.to_csv(path, index=False, sep=";", encoding="cp1252", lineterminator="\r\n")
    return path


def main() -> None:
    d, c = _base()
    written = [*salesforce(d, c), hubspot(d), pipedrive(d), dynamics(d), european(d)]
    for p in written:
        print(f"wrote {p.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
