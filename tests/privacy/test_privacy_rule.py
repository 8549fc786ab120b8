"""The privacy rule (winloss_xl.privacy) and its use in the report, the file names and the logs.

Free text leaves the tool only as a category, or as a raw value shared by at
least 3 deals that contains no email, phone number or personal name (issue 17).
"""

from __future__ import annotations

import logging
import re

import openpyxl
import pandas as pd
import pytest
from hostile.builders import write_csv
from hostile.checks import all_sheet_text, file_hashes

from winloss_xl import privacy
from winloss_xl.cli import main
from winloss_xl.engine.losses import categorize, split_reasons

# ------------------------------------------------------------------ the rule itself

PERSONAL = [
    "call back Qwertyson on 415 555 0199",
    "email jane.q@example.org about the renewal",
    "see @example.org thread",
    "Spoke with Mr Xylofane: too expensive",
    "Dr. Ækvilbrandt wants a discount",
    "Jane Qzorblatt left the company",
    "per Umberto: budget cut",
    "ring +44 20 7946 0958",
    "(555) 867-5309 is the CFO's line",
    "details on www.vexqort.com",
]
NOT_PERSONAL = [
    "Price", "Too expensive", "Went with a competitor", "Budget cut Q4", "Timing - next year",
    "No decision", "Champion left", "Lost to competitor from Germany", "Closed 2024-01-15",
    "Missing SSO integration", "Chose in-house build", "Call with procurement went badly",
]


@pytest.mark.parametrize("text", PERSONAL)
def test_personal_texts_are_recognised(text):
    assert privacy.looks_personal(text), text


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_ordinary_reasons_are_not_personal(text):
    assert not privacy.looks_personal(text), text


def test_known_values_match_as_words_not_inside_words():
    known = privacy.normalize_known(["Zyxwvut Holdings", "Acme Corp", "Bo", None, float("nan")])
    assert "bo" not in known  # too short: would match inside words
    assert privacy.looks_personal("Lost to Zyxwvut", known)  # the distinctive first word
    assert privacy.looks_personal("lost to ACME  corp again", known)
    assert not privacy.looks_personal("acmeology is a word", known)
    assert not privacy.looks_personal("Holdings of shares", known)  # a generic word alone


def test_may_show_needs_three_deals():
    assert not privacy.may_show("Price", 2)
    assert privacy.may_show("Price", privacy.MIN_SHARED_DEALS)
    assert not privacy.may_show("call Jane Doe", 100)


def test_hide_unshareable_folds_per_group_and_keeps_totals():
    table = pd.DataFrame({
        "Loss reason": ["Price", "call back Smith", "Timing", "jane@example.org says no", "Cost"],
        "Category": ["Price", "Other", "Timing", "Other", "Price"],
        "Lost deals": [7, 4, 2, 3, 1],
        "Share of losses": [7 / 17, 4 / 17, 2 / 17, 3 / 17, 1 / 17],
    })
    out = privacy.hide_unshareable(table, "Loss reason", "Lost deals", group_cols=["Category"],
                                   sum_cols=["Share of losses"])
    assert list(out.columns) == list(table.columns)
    assert out["Lost deals"].sum() == table["Lost deals"].sum()
    assert out["Share of losses"].sum() == pytest.approx(1.0)
    shown = out[out["Loss reason"] != privacy.NOT_SHOWN]
    assert shown["Loss reason"].tolist() == ["Price"]
    folded = out[out["Loss reason"] == privacy.NOT_SHOWN].set_index("Category")["Lost deals"]
    assert folded.to_dict() == {"Other": 7, "Price": 1, "Timing": 2}


def test_personal_share_of_a_column():
    emails = [f"buyer{i}@example.org" for i in range(10)] + ["n/a"]
    assert privacy.personal_share(emails) >= privacy.PERSONAL_COLUMN_SHARE
    assert privacy.personal_share(["EMEA", "AMER", "APAC", None, ""]) == 0.0
    assert privacy.personal_share([]) == 0.0


def test_safe_label():
    assert privacy.safe_label("EMEA", 10, 1) == "EMEA"
    assert privacy.safe_label("EMEA", 2, 4) == "part-04"
    assert privacy.safe_label("jane@example.org", 50, 2) == "part-02"
    assert privacy.safe_label("Zyxwvut Holdings", 50, 3,
                              privacy.normalize_known(["Zyxwvut Holdings"])) == "part-03"


def test_a_huge_text_is_examined_on_its_first_part_only():
    import time

    text = "Price " + "x" * 5_000_000 + " call back Smith"
    start = time.perf_counter()
    privacy.looks_personal(text)
    assert time.perf_counter() - start < 1.0


# ------------------------------------------------------- planted data, end to end

NAMES = ["Jane Qzorblatt", "Umberto Xylofane", "Søren Ækvilbrandt"]
EMAILS = ["jane.q@example.org", "u.xylofane@example.net", "soren@aekvil.example.com"]
PHONES = ["+1 415 555 0199", "+44 20 7946 0958", "(555) 867-5309"]
ACCOUNTS = ["Zyxwvut Holdings", "Qwplmnb Industries", "Vexqort Logistics"]
TOKENS = ["qzorblatt", "xylofane", "ækvilbrandt", "aekvil", "@example.", "555 0199", "7946 0958",
          "867-5309", "zyxwvut", "qwplmnb", "vexqort"]
STAGES = ["Closed Won", "Closed Lost", "Closed Lost", "Closed Won", "Negotiation"]
PLAIN_REASONS = ["Price", "Timing", "Competitor"]


def _free_text(i: int) -> str:
    k = i % 3
    return [f"call back {NAMES[k].split()[1]} on {PHONES[k]}",
            f"{NAMES[k]} left; email {EMAILS[k]}",
            f"lost to {ACCOUNTS[k]}'s own team",
            f"Spoke with Mr {NAMES[k].split()[1]}: too expensive"][i % 4]


def _planted(n: int = 120, regions: tuple[str, ...] = ("EMEA", "AMER", "APAC")) -> list[list[object]]:
    rows: list[list[object]] = [["Opportunity ID", "Account Name", "Stage", "Amount", "Close Date",
                                 "Industry", "Loss Reason", "Champion Title", "Region"]]
    for i in range(n):
        stage = STAGES[i % 5]
        reason = ""
        if stage == "Closed Lost":
            reason = _free_text(i) if i % 3 else PLAIN_REASONS[i % 3]
        rows.append([f"006{i:09d}", ACCOUNTS[i % 3], stage, 1000 + 17 * i,
                     f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", ["Retail", "Software"][i % 2], reason,
                     [f"VP Sales ({NAMES[i % 3]})", f"CFO {NAMES[(i + 1) % 3]}", "Head of IT"][i % 3],
                     regions[i % len(regions)]])
    return rows


def _scan(texts: list[tuple[str, str]]) -> list[str]:
    hits = []
    for where, text in texts:
        low = text.lower()
        hits += [f"{where}: {t!r} in {text[:100]!r}" for t in TOKENS if t in low]
    return hits


def _run(argv, capsys, caplog) -> tuple[int, list[tuple[str, str]]]:
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        rc = main(argv)
    cap = capsys.readouterr()
    texts = [("stdout", cap.out), ("stderr", cap.err)]
    texts += [(f"log {r.levelname}", r.getMessage()) for r in caplog.records]
    return rc, texts


def _expected_citations(rows: list[list[object]]) -> dict[str, int]:
    """Lost deals per category, counted independently of the report from the planted rows."""
    counts: dict[str, int] = {}
    for r in rows[1:]:
        if r[2] != "Closed Lost":
            continue
        cats = {categorize(p) for p in split_reasons(r[6])} or {"Unspecified"}
        for c in cats:
            counts[c] = counts.get(c, 0) + 1
    return counts


def test_planted_personal_data_leaves_no_trace(tmp_path, capsys, caplog):
    """Names, emails, phones and account names in free text and titles: only categories come out."""
    rows = _planted()
    deals = write_csv(tmp_path / "deals.csv", rows)
    before = file_hashes([deals])
    out = tmp_path / "report.xlsx"
    texts: list[tuple[str, str]] = []
    for argv in (["analyze", str(deals), "-o", str(out), "--json"], ["inspect", str(deals)],
                 ["inspect", str(deals), "--json"]):
        rc, t = _run(argv, capsys, caplog)
        assert rc == 0, t
        texts += t
    hits = _scan(texts + all_sheet_text(out))
    assert not hits, f"{len(hits)} leaks, e.g.:\n" + "\n".join(hits[:15])
    assert file_hashes([deals]) == before
    # categories still count every planted reason (counted independently from the rows)
    wb = openpyxl.load_workbook(out)
    ws = wb["Loss Reasons"]
    got = {r[0].value: r[1].value for r in ws[ws.tables["tblLossReasons"].ref][1:]}
    assert got == _expected_citations(rows)
    raw = [(r[0].value, r[2].value) for r in ws[ws.tables["tblLossReasonsRaw"].ref][1:]]
    # the raw table counts each distinct reason of a deal; nothing is lost by folding
    lost = [r[6] for r in rows[1:] if r[2] == "Closed Lost"]
    assert sum(n for _, n in raw) == sum(max(len(split_reasons(c)), 1) for c in lost)
    assert {v for v, _ in raw} <= {"Price", "Timing", "Competitor", privacy.NOT_SHOWN}


def test_planted_split_by_and_where_values_stay_out_of_names_titles_and_logs(tmp_path, capsys, caplog):
    """--split-by / --where on a column whose values include a phone and an email."""
    rows = _planted(regions=("EMEA", "AMER", PHONES[1], EMAILS[0]))
    deals = write_csv(tmp_path / "deals.csv", rows)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    texts: list[tuple[str, str]] = []
    for argv in (["analyze", str(deals), "--split-by", "Region", "-o", str(out_dir / "r.xlsx"),
                  "--json"],
                 ["analyze", str(deals), "--where", f"Region={PHONES[1]}", "-o",
                  str(out_dir / "where.xlsx"), "--json"]):
        rc, t = _run(argv, capsys, caplog)
        assert rc == 0, t
        texts += t
    made = sorted(p.name for p in out_dir.iterdir())
    assert {"r-AMER.xlsx", "r-EMEA.xlsx", "where.xlsx"} <= set(made)
    assert len([n for n in made if re.fullmatch(r"r-part-\d\d\.xlsx", n)]) == 2, made
    texts += [("file name", n) for n in made]
    for p in out_dir.iterdir():
        texts += [(f"{p.name} {w}", s) for w, s in all_sheet_text(p)]
    hits = _scan(texts)
    assert not hits, f"{len(hits)} leaks, e.g.:\n" + "\n".join(hits[:15])
