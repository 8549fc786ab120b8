"""winloss_xl.periods: every form against days counted by hand, fiscal years as the trend names them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from winloss_xl.engine.trend import fiscal_quarters, period_bounds, period_label
from winloss_xl.errors import InputError
from winloss_xl.periods import Period, last_complete_quarter, parse_period, quarter_before, quarter_of

D = dt.date


@pytest.mark.parametrize("text, start, end, label, days", [
    ("2025Q4", D(2025, 10, 1), D(2025, 12, 31), "2025 Q4", 31 + 30 + 31),
    ("2025-q1", D(2025, 1, 1), D(2025, 3, 31), "2025 Q1", 31 + 28 + 31),
    (" 2024 Q1 ", D(2024, 1, 1), D(2024, 3, 31), "2024 Q1", 31 + 29 + 31),  # leap year
    ("2025-10", D(2025, 10, 1), D(2025, 10, 31), "2025-10", 31),
    ("2024-2", D(2024, 2, 1), D(2024, 2, 29), "2024-02", 29),
    ("2025", D(2025, 1, 1), D(2025, 12, 31), "2025", 365),
    ("2025-10-01", D(2025, 10, 1), D(2025, 10, 1), "2025-10-01", 1),
    ("2025-10-01..2025-12-31", D(2025, 10, 1), D(2025, 12, 31), "2025-10-01 to 2025-12-31", 92),
    ("2025-10..2025-11", D(2025, 10, 1), D(2025, 11, 30), "2025-10-01 to 2025-11-30", 61),
    ("2024Q4..2025Q1", D(2024, 10, 1), D(2025, 3, 31), "2024-10-01 to 2025-03-31", 92 + 90),
])
def test_calendar_forms(text, start, end, label, days):
    period = parse_period(text)
    assert (period.start, period.end, period.label, period.days) == (start, end, label, days)


@pytest.mark.parametrize("text, start_month, start, end, label", [
    ("FY2026Q1", 10, D(2025, 10, 1), D(2025, 12, 31), "FY2026 Q1"),
    ("FY2026Q2", 10, D(2026, 1, 1), D(2026, 3, 31), "FY2026 Q2"),
    ("fy2026q4", 10, D(2026, 7, 1), D(2026, 9, 30), "FY2026 Q4"),
    ("FY2026Q1", 7, D(2025, 7, 1), D(2025, 9, 30), "FY2026 Q1"),
    ("FY2025Q3", 2, D(2024, 8, 1), D(2024, 10, 31), "FY2025 Q3"),
    ("FY2026Q1", 1, D(2026, 1, 1), D(2026, 3, 31), "FY2026 Q1"),
    ("FY2026", 10, D(2025, 10, 1), D(2026, 9, 30), "FY2026"),
    ("FY2026", 1, D(2026, 1, 1), D(2026, 12, 31), "FY2026"),
])
def test_fiscal_forms(text, start_month, start, end, label):
    period = parse_period(text, fiscal_year_start_month=start_month)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_calendar_quarter_ignores_the_fiscal_start():
    assert parse_period("2025Q4", fiscal_year_start_month=10) == parse_period("2025Q4")


@pytest.mark.parametrize("start_month", range(1, 13))
def test_quarters_agree_with_the_trend_table(start_month):
    """Every quarter of 2019-2027: the trend's key, bounds and label are this module's."""
    days = pd.Series(pd.date_range("2019-01-01", "2027-12-31", freq="7D"))
    _, _, keys = fiscal_quarters(days, start_month)
    for day, key in zip(days, keys, strict=True):
        ours = quarter_of(day.date(), start_month)
        start, end = period_bounds(int(key), start_month)
        assert (ours.start, ours.end) == (start.date(), end.date())
        assert ours.label == period_label(int(key), start_month)
        if start_month != 1:
            assert parse_period(ours.label.replace(" ", ""), start_month) == ours


@pytest.mark.parametrize("as_of, start_month, label", [
    (D(2026, 1, 2), 1, "2025 Q4"),
    (D(2026, 1, 1), 1, "2025 Q4"),
    (D(2025, 12, 31), 1, "2025 Q4"),   # the last day is in the data: complete
    (D(2025, 12, 30), 1, "2025 Q3"),
    (D(2025, 4, 15), 1, "2025 Q1"),
    (D(2026, 1, 5), 10, "FY2026 Q1"),
    (D(2025, 10, 1), 10, "FY2025 Q4"),
    (D(2025, 10, 1), 7, "FY2026 Q1"),
])
def test_last_complete_quarter(as_of, start_month, label):
    period = last_complete_quarter(as_of, start_month)
    assert period.label == label
    assert period.end <= as_of < period.end + dt.timedelta(days=93)


def test_quarter_before():
    assert quarter_before(parse_period("2025Q1")) == parse_period("2024Q4")
    fiscal = parse_period("FY2026Q1", 10)
    assert quarter_before(fiscal, 10) == parse_period("FY2025Q4", 10)
    assert quarter_before(fiscal, 10).start == D(2025, 7, 1)
    assert quarter_before(parse_period("2025-11")) == parse_period("2025Q3")


def test_contains_counts_by_hand():
    dates = pd.Series([pd.Timestamp("2025-09-30 23:59"), pd.Timestamp("2025-10-01"),
                       pd.Timestamp("2025-12-31 18:00"), pd.Timestamp("2026-01-01"), pd.NaT,
                       "2025-11-15", "not a date", None])
    assert parse_period("2025Q4").contains(dates).tolist() == [
        False, True, True, False, False, True, False, False]
    aware = pd.Series(pd.to_datetime(["2025-10-01T00:00:00Z", "2026-01-01T00:00:00Z"]))
    assert parse_period("2025Q4").contains(aware).tolist() == [True, False]


def test_describe():
    assert parse_period("2025Q4").describe() == "2025 Q4 (2025-10-01 to 2025-12-31)"
    assert parse_period("2025-10-01..2025-10-31").describe() == "2025-10-01 to 2025-10-31"
    assert isinstance(parse_period("2025"), Period)


@pytest.mark.parametrize("text, says", [
    ("2025Q5", "Q5 is not a quarter"), ("2025Q0", "Q0 is not a quarter"),
    ("2025-13", "13 is not a month"), ("2025-02-30", "not a date of the calendar"),
    ("Q4", "is not a period"), ("last quarter", "is not a period"), ("", "is not a period"),
    ("2025-12-31..2025-10-01", "ends before it starts"), ("2025..", "a first and a last"),
    ("..2025", "a first and a last"), ("2025..2026..2027", "a first and a last"),
    ("1066", "outside"), ("FY99999", "is not a period"), ("x" * 500, "..."),
])
def test_malformed_periods_say_why_and_show_the_forms(text, says):
    with pytest.raises(InputError) as err:
        parse_period(text)
    assert says in err.value.message
    assert "2025Q4" in err.value.message and "FY2026Q1" in err.value.message
    assert len(err.value.message) < 400


@pytest.mark.parametrize(("period", "fiscal", "before"), [
    ("2025Q1", 1, "2024Q4"), ("2025-10", 1, "2025-09"), ("2025-01", 1, "2024-12"),
    ("2025", 1, "2024"), ("FY2026", 10, "FY2025"), ("FY2026Q1", 10, "FY2025Q4"),
    ("2025-04..2025-09", 1, "2024-10..2025-03"), ("2025", 10, "2024"),
])
def test_period_before_is_the_same_kind_and_length(period, fiscal, before):
    from winloss_xl.periods import period_before

    got = period_before(parse_period(period, fiscal), fiscal)
    want = parse_period(before, fiscal)
    assert (got.start, got.end) == (want.start, want.end)
    if ".." not in before:
        assert got.label == want.label


def test_period_before_a_range_of_days_is_as_many_days():
    from winloss_xl.periods import period_before

    got = period_before(parse_period("2025-03-10..2025-03-23"))
    assert (got.start, got.end, got.days) == (D(2025, 2, 24), D(2025, 3, 9), 14)
