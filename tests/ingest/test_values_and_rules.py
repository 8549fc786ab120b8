"""Per-column value decisions and the ingestion rules recorded in the quality log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from winloss_xl import Config, load_deals
from winloss_xl.ingestion.header import find_header_row, is_footer_text
from winloss_xl.ingestion.outcome import OutcomeWords
from winloss_xl.ingestion.values import parse_dates, parse_numbers, parse_scores


def s(*values: object) -> pd.Series:
    return pd.Series(list(values), dtype=object)


def test_numbers_money_text() -> None:
    got = parse_numbers(s("$1,234.50", "(1,200)", "25M", "1.2B", "250K", "€ 3", None, "#N/A", "x"))
    assert got.values.tolist()[:6] == [1234.5, -1200.0, 25e6, 1.2e9, 250e3, 3.0]
    assert np.isnan(got.values.iloc[6]) and np.isnan(got.values.iloc[7])
    assert got.bad == 1


def test_numbers_decimal_comma_decided_per_column() -> None:
    eu = parse_numbers(s("1.234,50", "12,5", "7", "1.000"))
    assert eu.values.tolist() == [1234.5, 12.5, 7.0, 1000.0]
    assert eu.note == "decimal comma"
    us = parse_numbers(s("1,234", "2,500,000", "7.5"))
    assert us.values.tolist() == [1234.0, 2_500_000.0, 7.5]
    ambiguous = parse_numbers(s("1,500", "2,250"), decimal_hint=",")
    assert ambiguous.values.tolist() == [1.5, 2.25]


@pytest.mark.parametrize(("values", "expected"), [
    (s(0.2, 0.9, None), [0.2, 0.9]),
    (s(20, 90, 55), [0.2, 0.9, 0.55]),
    (s(1, 10, 5), [0.1, 1.0, 0.5]),
    (s("85%", "40%"), [0.85, 0.4]),
])
def test_scores_scale_per_column(values: pd.Series, expected: list[float]) -> None:
    got = parse_scores(values).values.dropna().tolist()
    assert got == pytest.approx(expected)


def test_dates_order_decided_per_column() -> None:
    us = parse_dates(s("3/11/2017", "10/20/2016", "12/31/2016"))
    assert us.values.tolist()[0] == pd.Timestamp("2017-03-11")
    eu = parse_dates(s("11/03/2017", "20/10/2016"))
    assert eu.values.tolist() == [pd.Timestamp("2017-03-11"), pd.Timestamp("2016-10-20")]
    ambiguous = parse_dates(s("03/04/2024", "05/06/2024"))
    assert ambiguous.values.iloc[0] == pd.Timestamp("2024-03-04") and "ambiguous" in ambiguous.note
    forced = parse_dates(s("03/04/2024", "05/06/2024"), order="dmy")
    assert forced.values.iloc[0] == pd.Timestamp("2024-04-03")


def test_dates_serials_iso_and_objects() -> None:
    assert parse_dates(pd.Series([45000.0, 45001.5])).values.iloc[0] == pd.Timestamp("2023-03-15")
    mixed = parse_dates(s(dt.datetime(2024, 1, 2, 9), dt.date(2024, 1, 3), 45000,
                          "2024-01-04T10:00:00.000Z", "#N/A", "soon"))
    assert mixed.values.iloc[:4].tolist() == [
        pd.Timestamp("2024-01-02 09:00"), pd.Timestamp("2024-01-03"),
        pd.Timestamp("2023-03-15"), pd.Timestamp("2024-01-04 10:00")]
    assert mixed.bad == 1
    assert str(mixed.values.dtype) == "datetime64[ns]"


@pytest.mark.parametrize(("word", "outcome", "nd"), [
    ("Closed Won", "won", False), ("#09 WON", "won", False),
    ("Closed Won - Renewal", "won", False), ("closedwon", "won", False),
    ("Closed lost", "lost", False), ("Closed - No Decision", "lost", True),
    ("Disqualified", "lost", True), ("Canceled", "lost", True),
    ("Negotiation/Review", "open", False), ("Engaging", "open", False),
    ("Deleted", "deleted", False), ("", "blank", False),
])
def test_outcome_words(word: str, outcome: str, nd: bool) -> None:
    assert OutcomeWords.from_config(Config()).classify(word) == (outcome, nd)


def test_config_extra_words() -> None:
    words = OutcomeWords.from_config(Config(won_words=("Signed contract",), lost_words=("Dead",)))
    assert words.classify("Signed Contract")[0] == "won"
    assert words.classify("dead")[0] == "lost"


def test_header_and_footer_detection() -> None:
    rows = [["Pipeline report", None], ["Filtered by: all"], [], ["Stage", "Amount", "Owner"]]
    assert find_header_row(rows) == 3
    assert is_footer_text("Grand Totals (42 records)")
    assert is_footer_text("Confidential Information - Do Not Distribute")
    assert is_footer_text("Copyright (c) 2000-2025 salesforce.com, inc.")
    assert is_footer_text("Total")
    assert not is_footer_text("Totally Fit Ltd")


def _write(tmp: Path, text: str, name: str = "d.csv") -> Path:
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p


def test_rules_recorded_in_quality(tmp_path: Path) -> None:
    text = (
        "Deal ID,Stage,Amount,Created Date,Close Date,Exclude,Champion Title,Competitor,"
        "Loss Reason,Segment,Email,Notes\n"
        "1,Closed Won,100,2024-01-01,2024-02-01,,VP Sales,MSFT,,SMB,a@x.com,call back\n"
        "2,Closed Lost,200,2024-03-01,2024-02-01,,,Microsoft,Price; Timing,SMB,b@x.com,\n"
        "2,Closed Lost,200,2024-03-01,2024-02-01,,,,,SMB,,\n"
        "3,Closed Lost,300,2024-01-01,1900-01-01,,,none,No decision,Enterprise,,\n"
        "4,Closed Won,400,2024-01-01,2024-05-01,yes,,,,Enterprise,,\n"
        ",,,,,,,,,,,\n"
        "5,Prospecting,500,2024-01-01,2024-06-01,,,,,Enterprise,,\n"
        "6,Closed Won,abc,2024-01-01,2024-06-01,,Director of IT,,,Enterprise,,\n"
        "Total,,1700,,,,,,,,,\n"
    )
    ds = load_deals(_write(tmp_path, text))
    q = ds.quality
    assert q.count_of("Duplicate deal IDs") == 1
    assert q.count_of("Created after close") == 1
    assert q.count_of("Close before 1990") == 1
    assert q.count_of("Deals excluded on purpose") == 1
    assert q.count_of("Blank rows dropped") == 1
    assert q.count_of("Footer rows dropped") == 1
    assert q.count_of("Unparseable values") == 1
    assert q.count_of("Open deals excluded") == 1
    d = ds.deals.set_index("deal_id")
    assert list(d.index) == ["1", "2", "3", "5", "6"]
    assert np.isnan(d.loc["2", "sales_cycle_days"]) and d.loc["2", "outcome"] == "lost"
    assert d.loc["2", "loss_reasons"] == ("Price", "Timing")
    assert bool(d.loc["3", "no_decision"]) is True
    assert d.loc["1", "competitor"] == "Microsoft" and d.loc["2", "competitor"] == "Microsoft"
    assert d.loc["3", "competitor"] == "No competitor"  # "none" in a competitor column is a value
    assert ds.extra_dimensions == ["Segment"]
    fates, roles = q.fates(), q.roles()
    assert roles["Email"] == "personal" and roles["Notes"] == "personal"
    assert fates["Champion Title"] == "contact (champion title)"
    assert sorted(ds.contacts["title"]) == ["Director of IT", "VP Sales"]
    assert set(ds.contacts["role"]) == {"champion"}
    # privacy: no cell values in the quality record
    blob = " ".join(f"{e.check} {e.detail}" for e in q.entries)
    for secret in ("a@x.com", "call back", "VP Sales", "Price"):
        assert secret not in blob


def test_accounts_and_contacts_tables(tmp_path: Path) -> None:
    deals = _write(tmp_path, "Opportunity ID,Account Name,Stage,Amount,Industry\n"
                             "A1,Acme  Corp,Won,10,\nA2,BETA LTD,Lost,20,Retail\n"
                             "A3,Gamma,Lost,30,\nA4,,Won,5,\n", "deals.csv")
    accounts = _write(tmp_path, "Account Name,Industry,Annual Revenue,Employees,Billing Country\n"
                                "acme corp,Software,25M,120,Germany\n"
                                "Beta Ltd,Finance,\"1,200,000\",15,France\n", "accounts.csv")
    contacts = _write(tmp_path, "Opportunity ID,Contact: Full Name,Email,Contact: Title,Role,"
                                "Is Primary\nA1,Ann Example,ann@example.com,VP Sales,Champion,1\n"
                                "A2,Bob Example,bob@example.com,CFO,Economic Buyer,0\n"
                                "ZZ,Cy Example,cy@example.com,CEO,Decision Maker,0\n", "contacts.csv")
    ds = load_deals(deals, accounts=accounts, contacts=contacts)
    d = ds.deals.set_index("deal_id")
    assert d.loc["A1", "industry"] == "Software" and d.loc["A1", "company_revenue"] == 25e6
    assert d.loc["A2", "industry"] == "Retail"  # the deal's own value wins
    assert d.loc["A2", "region"] == "France" and d.loc["A2", "company_revenue"] == 1.2e6
    q = ds.quality
    assert q.count_of("Accounts: Unmatched account keys") == 1
    assert q.count_of("Accounts: Deals without an account") == 1
    assert q.count_of("Contacts without a matching deal") == 1
    assert list(ds.contacts.columns) == ["deal_id", "title", "role", "department", "seniority"]
    assert sorted(ds.contacts["title"]) == ["CFO", "VP Sales"]
    roles = q.roles()
    assert roles["Contacts: Email"] == "personal"
    assert roles["Contacts: Contact: Full Name"] == "personal"
    assert "Ann" not in ds.contacts.to_string()


def test_utf16_tab_and_pipe(tmp_path: Path) -> None:
    text = "Stage\tAmount\tClose Date\r\nWon\t1\t2024-01-01\r\nLost\t2\t2024-01-02\r\n"
    p = tmp_path / "u16.txt"
    p.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert load_deals(p).deals["amount"].sum() == 3
    p2 = _write(tmp_path, "\ufeffStage|Amount\nWon|5\nLost|6\n", "pipe.txt")
    assert load_deals(p2).deals["amount"].sum() == 11


def test_xlsx_sheet_choice(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Notes"
    wb.active.append(["read me"])
    other = wb.create_sheet("Pipeline")
    other.append(["Stage", "Amount"])
    other.append(["Won", 5])
    deals = wb.create_sheet("Deals")
    deals.append(["Stage", "Amount"])
    deals.append(["Lost", 7])
    p = tmp_path / "book.xlsx"
    wb.save(p)
    assert load_deals(p).deals["amount"].tolist() == [7.0]
    assert load_deals(p, sheet="pipeline").deals["amount"].tolist() == [5.0]
    del wb["Deals"]
    wb.save(p)
    assert load_deals(p).deals["amount"].tolist() == [5.0]


def test_large_file_path_matches_small_path(tmp_path: Path) -> None:
    """Above 50,000 lines text columns are read as categories; results must not change."""
    rng = np.random.default_rng(1)
    n = 60_000
    df = pd.DataFrame({
        "Opportunity ID": [f"00{i}" for i in range(n)],
        "Stage": rng.choice(["Closed Won", "Closed Lost", "Prospecting", " Total"], n),
        "Amount": rng.choice(["$1,200.50", "(300)", "25K", "", "#N/A"], n),
        "Close Date": rng.choice(["3/11/2024", "12/1/2023", ""], n),
        "Industry": rng.choice(["Retail ", "Software", "", "Health  care"], n),
        "Segment": rng.choice(["SMB", "MM", "ENT"], n),
    })
    p = tmp_path / "big.csv"
    df.to_csv(p, index=False)
    big = load_deals(p)
    small = load_deals(pd.read_csv(p, dtype=str, keep_default_na=False))
    assert list(big.deals.dtypes) == list(small.deals.dtypes)
    assert big.deals.drop(columns="loss_reasons").equals(small.deals.drop(columns="loss_reasons"))
    assert big.deals["deal_id"].iloc[0] == "000"
    assert big.quality.count_of("Unparseable values") == small.quality.count_of("Unparseable values")


def test_numeric_outcome_and_yyyymmdd_dates() -> None:
    ds = load_deals([["Won/Lost", "Close Date", "Amount"], [1, 20240115, 5.0], [0, 20240302, 7.0]],
                    name="cells")
    assert ds.deals["outcome"].tolist() == ["won", "lost"]
    assert ds.deals["close_date"].tolist() == [pd.Timestamp("2024-01-15"), pd.Timestamp("2024-03-02")]


def test_salesforce_csv_report_title_and_footer_lines(tmp_path: Path) -> None:
    text = (
        '"Opportunities by Stage"\n"As of 1/31/2025"\n\n'
        '"Opportunity Name","Stage","Amount","Close Date"\n'
        '"A deal","Closed Won","1,000.00","1/5/2025"\n'
        '"B deal","Closed Lost","250.00","1/6/2025"\n'
        '\n"Grand Totals (2 records)","","1,250.00",""\n\n'
        '"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."\n'
        '"Confidential Information - Do Not Distribute"\n"Generated By:  Jane Admin  1/31/2025"\n'
        '"Acme Org"\n'
    )
    ds = load_deals(_write(tmp_path, text, "report.csv"))
    assert ds.deals["outcome"].tolist() == ["won", "lost"]
    assert ds.deals["amount"].tolist() == [1000.0, 250.0]
    q = ds.quality
    assert q.count_of("Title rows above the header skipped") == 3
    assert q.count_of("Footer rows dropped") == 4
    assert q.count_of("Rows without an outcome dropped") == 1


def test_one_workbook_with_deals_contacts_accounts_sheets(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Accounts"
    ws.append(["Account Name", "Industry"])
    ws.append(["Acme", "Retail"])
    ws = wb.create_sheet("Contacts")
    ws.append(["Opportunity ID", "Title", "Role"])
    ws.append(["O1", "VP Sales", "Champion"])
    ws = wb.create_sheet("Deals")
    ws.append(["Opportunity ID", "Account Name", "Stage", "Amount"])
    ws.append(["O1", "acme", "Closed Won", 10])
    ws.append(["O2", "Acme", "Closed Lost", 5])
    p = tmp_path / "WinLoss.xlsx"
    wb.save(p)
    ds = load_deals(p, contacts=p, accounts=p)
    assert ds.deals["industry"].tolist() == ["Retail", "Retail"]
    assert ds.contacts["title"].tolist() == ["VP Sales"]


def test_inline_champion_names_are_not_contacts(tmp_path: Path) -> None:
    p = _write(tmp_path, "Stage,Champion,Decision Maker Title\n"
                         "Won,Ann Example,Chief Financial Officer\nLost,Bob Sample,\n"
                         "Won,Cy Person,VP Sales\n", "inline.csv")
    ds = load_deals(p)
    fates = ds.quality.fates()
    assert fates["Champion"] == "left out: personal (names, not job titles)"
    assert fates["Decision Maker Title"] == "contact (decision maker title)"
    assert sorted(ds.contacts["title"]) == ["Chief Financial Officer", "VP Sales"]
