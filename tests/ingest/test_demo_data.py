"""The shipped demo CSVs are exactly what the generator makes, and load with their planted effects."""

from __future__ import annotations

from winloss_xl.demo_data import (
    CONTACTS_FILE,
    DEALS_FILE,
    N_CLOSED,
    N_OPEN,
    data_dir,
    demo_dealset,
    generate,
    render_csv,
)


def test_shipped_files_equal_fresh_generation() -> None:
    deals, contacts = generate()
    assert (data_dir() / DEALS_FILE).read_bytes() == render_csv(deals)
    assert (data_dir() / CONTACTS_FILE).read_bytes() == render_csv(contacts)


def test_demo_dealset_loads_with_planted_effects() -> None:
    ds = demo_dealset()
    closed = ds.closed
    assert len(closed) == N_CLOSED and ds.open_count == N_OPEN
    assert ds.quality.count_of("Unparseable values") == 0
    rate = closed.assign(won=closed["outcome"] == "won").groupby("industry")["won"].mean()
    assert rate.idxmax() == "Healthcare" and rate["Healthcare"] > rate.drop("Healthcare").max() + 0.1
    lost = closed[closed["outcome"] == "lost"]
    top = lost["loss_reasons"].explode().value_counts()
    assert top.index[0] == "Price"
    assert (lost["loss_reasons"].str.len() > 1).sum() > 20
    # names are mapped away: never in the deals or contacts frames
    roles = ds.quality.roles()
    assert roles["Opportunity Name"] == "personal"
    assert roles["Contacts: Contact: Full Name"] == "personal"
    assert "@example.com" not in ds.contacts.to_string()
    assert {"VP Sales", "Chief Financial Officer", "Director of IT", "Procurement Manager"} <= set(
        ds.contacts["title"])


def test_examples_load() -> None:
    from pathlib import Path

    from winloss_xl import load_deals

    folder = Path(__file__).resolve().parents[2] / "examples"
    for name in ("salesforce_opportunities.csv", "hubspot_deals.csv", "pipedrive_deals.csv",
                 "dynamics_opportunities.csv", "european_semicolon.csv"):
        ds = load_deals(folder / name)
        assert len(ds.closed) == 100 and ds.open_count == 20, name
        assert int((ds.deals["outcome"] == "won").sum()) == 42, name
    ds = load_deals(folder / "salesforce_opportunities.csv",
                    contacts=folder / "salesforce_contact_roles.csv")
    assert len(ds.contacts) > 100
