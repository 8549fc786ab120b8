"""Every formula gives exactly the rows of the headless report made with the same settings.

Hypothesis draws deal tables of mixed cells (bools, 1/0 numbers, Decimals, datetimes and
Excel serial dates, blanks, error text) under the headers a user's export would have,
which differ from the report's labels ("Sector" for Industry, "Sales Agent" for Owner),
and a random valid Config. The headless side writes the cells to an .xlsx and the
settings to a TOML file and runs them as ``winloss-xl analyze`` would; the formula side
hands the same cells to the formulas as xlwings would, with the settings as a key/value
range. Their tables must agree cell for cell.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
from decimal import Decimal

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from winloss_xl.excel import udfs
from winloss_xl.report.cells import frame_rows
from winloss_xl.session import WinLoss

#: The acceptance asks for at least 500 examples under the CI profile.
EXAMPLES = 500 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 25

OUTCOMES = {  # header -> the cells that spell won, lost and open in it
    "Deal Stage": (["Closed Won", "Won"], ["Closed Lost", "Lost"], ["Prospecting", "Negotiation"]),
    "Won": ([True], [False], []),
    "IsWon": ([1.0], [0.0], []),
}
SECTORS = ["Retail", "Software", "Health", "Finance", None, "", "#N/A"]
AGENTS = ["Ana", "Bo", "Cy", "Dee", None]
REASONS = ["Price", "Timing", "Competitor", "No budget", None, "#N/A"]


def _date(rng: random.Random, serial: bool) -> object:
    day = dt.datetime(2023, 1, 2) + dt.timedelta(days=rng.randrange(0, 720))
    if rng.random() < 0.08:
        return None
    return float((day - dt.datetime(1899, 12, 30)).days) if serial else day


@st.composite
def deal_ranges(draw) -> list[list[object]]:
    """A header-first deals range as xlwings hands it over."""
    outcome = draw(st.sampled_from(sorted(OUTCOMES)))
    won, lost, opened = OUTCOMES[outcome]
    n = draw(st.integers(60, 260))
    p_won = draw(st.sampled_from([0.2, 0.4, 0.6]))
    partner_as = draw(st.sampled_from(["bool", "number"]))
    serial = draw(st.booleans())
    amount_as = draw(st.sampled_from(["decimal", "float", "text"]))
    with_score = draw(st.booleans())
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    header = [outcome, "Sector", "Sales Agent", "Deal Value", "Closed On", "Partner", "Closed Lost Reason"]
    if with_score:
        header.append("Lead Score")
    rows: list[list[object]] = [header]
    for _ in range(n):
        sector = rng.choice(SECTORS)
        partner = rng.random() < 0.4
        # real differences, and one only the two together make (a driver)
        edge = 0.15 * (sector == "Health") + 0.1 * partner + 0.45 * (sector == "Health" and partner)
        kind = "open" if opened and rng.random() < 0.1 else (
            "won" if rng.random() < p_won + edge else "lost")
        cell = rng.choice({"won": won, "lost": lost, "open": opened or lost}[kind])
        value = round(rng.uniform(500, 90_000), 2)
        amount = {"decimal": Decimal(str(value)), "float": value, "text": f"${value:,.2f}"}[amount_as]
        row = [cell, sector, rng.choice(AGENTS), None if rng.random() < 0.05 else amount,
               _date(rng, serial), partner if partner_as == "bool" else float(partner),
               rng.choice(REASONS) if kind == "lost" else None]
        if with_score:
            row.append(None if rng.random() < 0.1 else float(rng.randrange(0, 101)))
        rows.append(row)
    return rows


configs = st.fixed_dictionaries({
    "min_deals": st.sampled_from([3, 5, 8]),
    "fdr": st.sampled_from([0.05, 0.1, 0.2, 0.25]),
    "confidence": st.sampled_from([0.9, 0.95, 0.99]),
    "quantile_bands": st.sampled_from([2, 3, 4]),
    "lead_rate": st.sampled_from(["all", "excl_no_decision"]),
})


def _headless(rows, config: dict, tmp) -> WinLoss:
    """The report as the command line makes it: the cells in an .xlsx, the settings in TOML."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Deals"
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    deals, toml = tmp / "deals.xlsx", tmp / "settings.toml"
    book.save(deals)
    toml.write_text("".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in config.items()))
    return WinLoss(str(deals), config=str(toml))


def _report_rows(report, name: str) -> list[list[object]]:
    return frame_rows(report.table(name).frame, blank="", guard=False)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
    return a == b and type(a) is type(b)


def _assert_rows_equal(formula, report, what: str) -> None:
    assert len(formula) == len(report), f"{what}: {len(formula)} rows against {len(report)}"
    for i, (f, r) in enumerate(zip(formula, report)):
        assert len(f) == len(r) and all(_same(x, y) for x, y in zip(f, r)), (what, i, f, r)


def _without_note(rows: list[list[object]]) -> list[list[object]]:
    """An empty table's formula adds its note as one row; the report shows it beside the table."""
    return rows[:1] if len(rows) == 2 and isinstance(rows[1][0], str) and all(
        c == "" for c in rows[1][1:]) and rows[1][0].endswith(".") else rows


@settings(max_examples=EXAMPLES)
@given(deal_ranges(), configs)
def test_formulas_equal_the_headless_report(tmp_path_factory, rows, config):
    udfs.clear_caches()
    tmp = tmp_path_factory.mktemp("formulas")
    session = _headless(rows, config, tmp)
    if session.prepared.n == 0:
        return
    report = session.report()
    cfg = [[k, v] for k, v in config.items()]
    for formula, name in ((udfs.DEAL_SUMMARY, "tblSummary"), (udfs.LOSS_REASONS, "tblLossReasons"),
                          (udfs.KEY_DRIVERS, "tblDrivers"), (udfs.QUAL_THRESHOLD, "tblQualification")):
        got = formula(rows, config=cfg)
        assert not str(got[0][0]).startswith("#WINLOSS!"), (name, got)
        _assert_rows_equal(_without_note(got), _report_rows(report, name), name)
    patterns = report.table("tblPatterns").frame
    for header, label in (("Sector", "Industry"), ("Sales Agent", "Owner"), ("Partner", "Partner"),
                          ("Deal Value", "Deal size")):
        dim = session.dimension(label)
        got = udfs.WINRATE_BY(rows, header, None, None, cfg)
        if not (patterns["Dimension"] == dim.label).any():
            assert str(got[0][0]).startswith("#WINLOSS!"), (header, got)  # not a dimension here
            continue
        rows_of = patterns[patterns["Dimension"] == dim.label].drop(columns=["Dimension"])
        _assert_rows_equal(got, frame_rows(rows_of, blank="", guard=False), f"WINRATE_BY {header}")
        for segment, rate in zip(rows_of["Segment"], rows_of["Win rate"]):
            if header in ("Sector", "Sales Agent") and segment in SECTORS + AGENTS:
                assert _same(udfs.WINRATE(rows, header, segment, cfg), float(rate)), (header, segment)
    overall = session.analysis.summary_value("Win rate")
    assert _same(udfs.WINRATE(rows, config=cfg), float(overall))
