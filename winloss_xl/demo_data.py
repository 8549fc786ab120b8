"""Bundled demo deals: a deterministic synthetic CRM export with a few real effects planted.

``demo_dealset()`` loads the shipped ``data/demo_deals.csv`` and
``data/demo_contacts.csv`` through :func:`winloss_xl.ingest.load_deals`, exactly
as a user's export would be loaded. The files are produced by
:func:`generate` (numpy ``default_rng`` with a fixed seed), and
``python -m winloss_xl.demo_data`` rewrites them; a test checks that the
shipped files equal a fresh generation.

What is planted (so the report has something true to find), everything else
being noise:

- Healthcare accounts win clearly more often than other industries;
- accounts with 50-100M revenue win clearly more often than other bands;
- a "VP Sales" champion on the deal raises the win rate;
- a higher qualification score raises the win rate;
- price-related reasons (Price, Budget, Discount) dominate the losses.

Lead source, region, deal type and owner carry no effect. Company, deal and
contact names are invented; they are there to prove they are never reported.
"""

from __future__ import annotations

import io
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .dealset import DealSet

SEED = 20_240_917
N_CLOSED = 2_000
N_OPEN = 300
DEALS_FILE = "demo_deals.csv"
CONTACTS_FILE = "demo_contacts.csv"
TODAY = pd.Timestamp("2025-01-15")

INDUSTRIES = ("Software", "Healthcare", "Manufacturing", "Retail", "Financial Services",
              "Education", "Logistics", "Energy")
INDUSTRY_P = (0.22, 0.14, 0.16, 0.12, 0.14, 0.08, 0.08, 0.06)
BANDS = ((0.5e6, 10e6), (10e6, 50e6), (50e6, 100e6), (100e6, 2e9))
BAND_P = (0.34, 0.30, 0.16, 0.20)
REGIONS = ("North America", "EMEA", "APAC", "LATAM")
LEAD_SOURCES = ("Web", "Partner", "Event", "Outbound", "Referral")
DEAL_TYPES = ("New Business", "Renewal", "Upsell")
PRODUCTS = ("Core", "Pro", "Enterprise", "Add-on")
PRODUCT_PRICE = (12_000, 35_000, 90_000, 6_000)
COMPETITORS = ("Acme Cloud", "Globex", "Initech", "Umbrella Systems", "")
OWNERS = ("Jordan Blake", "Priya Raman", "Tomas Novak", "Grace Okafor", "Liam Chen",
          "Sofia Marquez", "Noah Fischer", "Amara Diallo", "Ethan Walsh", "Mei Tanaka",
          "Lucas Moreau", "Hannah Berg")
LOSS_REASONS = ("Price", "Budget", "Discount not approved", "Lost to competitor", "No decision",
                "Timing", "Missing feature", "Went with incumbent")
LOSS_P = (0.26, 0.16, 0.08, 0.14, 0.10, 0.10, 0.10, 0.06)
OPEN_STAGES = ("Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review")
#: (title, role, weight); the champion VP Sales is drawn separately (the planted effect).
CONTACT_TITLES = (
    ("Chief Financial Officer", "Economic Buyer", 0.10),
    ("Director of IT", "Technical Buyer", 0.14),
    ("Procurement Manager", "Influencer", 0.12),
    ("Head of Operations", "Decision Maker", 0.10),
    ("Chief Information Officer", "Decision Maker", 0.07),
    ("IT Manager", "Evaluator", 0.12),
    ("Sales Operations Manager", "Business User", 0.10),
    ("VP Marketing", "Influencer", 0.07),
    ("Chief Executive Officer", "Executive Sponsor", 0.05),
    ("Finance Director", "Economic Decision Maker", 0.07),
    ("Senior Buyer", "Influencer", 0.06),
)
_SYL_A = ("North", "Blue", "Silver", "Bright", "Iron", "Green", "Summit", "Clear", "Red", "Oak",
          "River", "Stone", "Nova", "Prime", "Cedar", "Atlas")
_SYL_B = ("wind", "ridge", "field", "point", "gate", "wave", "works", "line", "stack", "forge",
          "path", "bay", "leaf", "core")
_SUFFIX = ("Ltd", "Inc", "GmbH", "Group", "Corp", "Partners", "Holdings", "AG")
_FIRST = ("Alex", "Sam", "Robin", "Casey", "Taylor", "Morgan", "Jamie", "Avery", "Riley",
          "Quinn", "Drew", "Parker")
_LAST = ("Smith", "Jones", "Brown", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Clark",
         "Lewis", "Young", "Hall")


def _accounts(rng: np.random.Generator, n: int = 640) -> pd.DataFrame:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        name = (f"{rng.choice(_SYL_A)}{rng.choice(_SYL_B)} "
                f"{rng.choice(_SUFFIX)}")
        if name in seen:
            name = f"{name} {len(names) % 97 + 2}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    band = rng.choice(len(BANDS), size=n, p=BAND_P)
    low = np.array([BANDS[b][0] for b in band])
    high = np.array([BANDS[b][1] for b in band])
    revenue = np.exp(rng.uniform(np.log(low), np.log(high)))
    employees = np.maximum(5, revenue / rng.uniform(150_000, 400_000, n)).round()
    return pd.DataFrame({
        "name": names,
        "industry": rng.choice(INDUSTRIES, size=n, p=INDUSTRY_P),
        "band": band,
        "revenue": (revenue / 1000).round() * 1000,
        "employees": employees,
        "region": rng.choice(REGIONS, size=n, p=(0.45, 0.30, 0.17, 0.08)),
    })


def generate(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The demo deals export and its contact-roles export, deterministic for ``seed``."""
    rng = np.random.default_rng(seed)
    acc = _accounts(rng)
    n = N_CLOSED + N_OPEN
    a = rng.integers(0, len(acc), n)
    account = acc.iloc[a].reset_index(drop=True)
    product = rng.choice(len(PRODUCTS), size=n, p=(0.35, 0.30, 0.15, 0.20))
    amount = np.round(np.array(PRODUCT_PRICE)[product] * rng.lognormal(0, 0.45, n), -1)
    score = np.clip(rng.normal(58, 18, n), 1, 100).round()
    vp_champion = rng.random(n) < 0.28

    logit = (-0.85
             + 1.00 * (account["industry"].to_numpy() == "Healthcare")
             + 0.90 * (account["band"].to_numpy() == 2)
             + 0.95 * vp_champion
             + 0.025 * (score - 58)
             + rng.normal(0, 0.35, n))
    won = rng.random(n) < 1 / (1 + np.exp(-logit))

    created = pd.Timestamp("2023-01-02") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    cycle = np.round(rng.gamma(3.0, 22.0, n) + np.where(won, 12, 0))
    close = created + pd.to_timedelta(cycle, unit="D")
    is_open = np.zeros(n, dtype=bool)
    is_open[N_CLOSED:] = True
    # open deals: recently created, expected to close after "today"
    created = created.where(~is_open, TODAY - pd.to_timedelta(rng.integers(5, 120, n), unit="D"))
    close = close.where(~is_open, TODAY + pd.to_timedelta(rng.integers(10, 150, n), unit="D"))

    stage = np.where(won, "Closed Won", "Closed Lost").astype(object)
    stage[is_open] = rng.choice(OPEN_STAGES, size=int(is_open.sum()))
    lost = ~won & ~is_open
    reason = np.full(n, "", dtype=object)
    picks = rng.choice(len(LOSS_REASONS), size=n, p=LOSS_P)
    second = rng.choice(len(LOSS_REASONS), size=n, p=LOSS_P)
    two = rng.random(n) < 0.12
    for i in np.flatnonzero(lost):
        r = LOSS_REASONS[picks[i]]
        if two[i] and second[i] != picks[i]:
            r = f"{r}; {LOSS_REASONS[second[i]]}"
        reason[i] = r
    competitor = rng.choice(COMPETITORS, size=n, p=(0.22, 0.18, 0.14, 0.10, 0.36))
    dtype_ = rng.choice(DEAL_TYPES, size=n, p=(0.55, 0.30, 0.15))
    ids = [f"006DEMO{k:05d}" for k in range(1, n + 1)]
    order = np.argsort(np.asarray(created.values), kind="stable")

    deals = pd.DataFrame({
        "Opportunity ID": ids,
        "Opportunity Name": [f"{account['name'][i]} - {PRODUCTS[product[i]]} {dtype_[i]}"
                             for i in range(n)],
        "Account Name": account["name"],
        "Stage": stage,
        "Amount": amount,
        "Created Date": created.strftime("%Y-%m-%d"),
        "Close Date": close.strftime("%Y-%m-%d"),
        "Opportunity Owner": rng.choice(OWNERS, size=n),
        "Lead Source": rng.choice(LEAD_SOURCES, size=n, p=(0.30, 0.20, 0.15, 0.25, 0.10)),
        "Type": dtype_,
        "Product": [PRODUCTS[p] for p in product],
        "Industry": account["industry"],
        "Annual Revenue": account["revenue"],
        "Employees": account["employees"].astype(int),
        "Region": account["region"],
        "Primary Competitor": competitor,
        "Loss Reason": reason,
        "Qualification Score": score.astype(int),
    }).iloc[order].reset_index(drop=True)

    # contacts: 1-4 per deal; a VP Sales champion where planted
    rows = []
    weights = np.array([w for _, _, w in CONTACT_TITLES])
    weights = weights / weights.sum()
    for i in range(n):
        k = int(rng.integers(1, 4))
        if vp_champion[i]:
            rows.append((ids[i], "VP Sales", "Champion"))
        elif rng.random() < 0.35:
            rows.append((ids[i], str(rng.choice(("Sales Director", "Head of Sales", "IT Manager"))),
                         "Champion"))
        for t in rng.choice(len(CONTACT_TITLES), size=k, replace=False, p=weights):
            rows.append((ids[i], CONTACT_TITLES[t][0], CONTACT_TITLES[t][1]))
    contacts = pd.DataFrame(rows, columns=["Opportunity ID", "Contact: Title", "Role"])
    m = len(contacts)
    first = rng.choice(_FIRST, size=m)
    last = rng.choice(_LAST, size=m)
    contacts.insert(1, "Contact: Full Name", [f"{f} {s}" for f, s in zip(first, last)])
    contacts.insert(2, "Contact: Email",
                    [f"{f.lower()}.{s.lower()}{j}@example.com" for j, (f, s) in
                     enumerate(zip(first, last))])
    contacts["Is Primary"] = (contacts.groupby("Opportunity ID").cumcount() == 0).astype(int)
    return deals, contacts


def render_csv(frame: pd.DataFrame) -> bytes:
    """The exact bytes shipped: UTF-8, ``\\n`` line ends, no index."""
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def data_dir() -> Path:
    """Folder of the shipped demo files (inside the installed package)."""
    return Path(str(resources.files("winloss_xl") / "data"))


def demo_dealset() -> DealSet:
    """The bundled demo deals and contacts, loaded like any user export."""
    from .ingest import load_deals

    folder = data_dir()
    return load_deals(folder / DEALS_FILE, contacts=folder / CONTACTS_FILE, name="demo deals")


def write_demo_files(folder: Path | None = None) -> list[Path]:
    """Regenerate the shipped CSVs (developer tool; the library itself never writes)."""
    folder = folder or data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    deals, contacts = generate()
    out = []
    for name, frame in ((DEALS_FILE, deals), (CONTACTS_FILE, contacts)):
        path = folder / name
        path.write_bytes(render_csv(frame))
        out.append(path)
    return out


if __name__ == "__main__":  # pragma: no cover - developer entry point
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    for written in write_demo_files(target):
        sys.stdout.write(f"wrote {written}\n")
