"""WinLoss.in_period: which deals it keeps, what Data Quality says, and that filters carry it."""

from __future__ import annotations

import pandas as pd
import pytest

from winloss_xl import WinLoss
from winloss_xl.dealset import DealSet
from winloss_xl.errors import InputError
from winloss_xl.periods import parse_period


@pytest.fixture()
def session() -> WinLoss:
    # 10 deals: 4 closed in 2025 Q4, 3 closed outside it, 1 closed without a date, 2 open
    frame = pd.DataFrame({
        "outcome": ["won", "lost", "won", "lost", "won", "lost", "won", "lost", "open", "open"],
        "close_date": pd.to_datetime(["2025-10-01", "2025-11-15", "2025-12-31T17:30", "2025-12-01",
                                      "2025-09-30", "2026-01-01", "2024-11-01", None,
                                      "2025-11-20", None], format="ISO8601"),
        "region": ["EMEA", "EMEA", "AMER", "AMER", "EMEA", "AMER", "EMEA", "AMER", "EMEA", "AMER"],
    })
    return WinLoss.of(DealSet.from_frame(frame))


def _quality(wl: WinLoss) -> dict[str, tuple[int, str]]:
    return {e.check: (e.count, e.detail) for e in wl.dealset.quality.entries}


def test_in_period_keeps_the_deals_that_closed_in_it(session):
    q4 = session.in_period("2025Q4")
    assert q4.period == parse_period("2025Q4")
    assert q4.prepared.n == 4 and int(q4.prepared.won.sum()) == 2
    assert q4.win_rate() == pytest.approx(2 / 4)
    quality = _quality(q4)
    assert quality["Period"][0] == 4 and "2025-10-01 to 2025-12-31" in quality["Period"][1]
    assert quality["Closed deals outside the period"][0] == 3
    assert quality["Closed deals without a close date"][0] == 1
    assert quality["Open deals outside the period"][0] == 1
    assert "2025 Q4 (2025-10-01 to 2025-12-31)" in q4.title()
    assert "Period" not in _quality(session)  # the source's record is untouched


def test_period_survives_where_split_and_settings(session):
    q4 = session.in_period("2025Q4")
    emea = q4.where({"Region": "emea"})
    assert emea.period == q4.period and emea.prepared.n == 2
    assert "Period" in _quality(emea)
    parts = q4.split("region")
    assert {k: p.prepared.n for k, p in parts.items()} == {"AMER": 2, "EMEA": 2}
    assert all(p.period == q4.period for p in parts.values())
    assert q4.with_config({"min_deals": 3}).period == q4.period


def test_fiscal_period_reads_the_fiscal_start(session):
    fy = session.with_config({"fiscal_year_start_month": 10}).in_period("FY2026Q1")
    assert fy.prepared.n == 4 and fy.period.label == "FY2026 Q1"


def test_empty_period_names_the_close_dates(session):
    with pytest.raises(InputError) as err:
        session.in_period("2023")
    assert "2024-11-01" in err.value.message and "2026-01-01" in err.value.message


def test_the_changes_baseline_of_a_half_year_is_the_half_year_before(maven_dir):
    import pandas as pd

    from winloss_xl import WinLoss

    maven = maven_dir / "sales_pipeline.csv"
    session = WinLoss(maven).in_period("2017-07..2017-12")
    changes = session.comparison.changes
    assert (changes.baseline, changes.current) == ("2017-01-01 to 2017-06-30",
                                                   "2017-07-01 to 2017-12-31")
    raw = pd.read_csv(maven, parse_dates=["close_date"])
    closed = raw[raw["deal_stage"].isin(["Won", "Lost"])]
    first_half = closed[(closed["close_date"] >= "2017-01-01") & (closed["close_date"] <= "2017-06-30")]
    second_half = closed[closed["close_date"] >= "2017-07-01"]
    owners = changes.segments[changes.segments["Dimension"] == "Owner"]
    assert int(owners["Baseline deals"].sum()) == len(first_half) > 0  # every deal has an agent
    assert int(owners["Current deals"].sum()) == len(second_half) > 0
