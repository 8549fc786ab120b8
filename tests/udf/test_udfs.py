"""The formulas give the headless report's numbers, never raise, and parse a range once."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from winloss_xl.excel import udfs

NO_HEADER = ("#WINLOSS! the range has no header row: include it (e.g. Deals!A1:P900, or "
             "tblDeals[#All] for a Table)")


def as_rows(frame: pd.DataFrame) -> list[list[object]]:
    """A report table as the formula returns it (header row, blanks as "")."""
    out: list[list[object]] = [list(map(str, frame.columns))]
    for rec in frame.itertuples(index=False, name=None):
        out.append(["" if (v is None or (isinstance(v, float) and math.isnan(v))
                           or v is pd.NA) else v for v in rec])
    return out


def assert_same_table(got: list[list[object]], want: pd.DataFrame) -> None:
    expected = as_rows(want)
    assert got[0] == expected[0]
    assert len(got) == len(expected), (len(got), len(expected))
    for g_row, e_row in zip(got[1:], expected[1:]):
        for g, e in zip(g_row, e_row):
            if isinstance(e, (float, np.floating)) and not isinstance(g, str):
                assert g == pytest.approx(float(e), rel=1e-12, abs=1e-15), (g_row, e_row)
            else:
                assert g == (e.item() if isinstance(e, np.generic) else e), (g_row, e_row)


def assert_plain_cells(rows: list[list[object]]) -> None:
    """Only types Excel takes: no numpy scalars, NaN, NaT or pandas objects."""
    for row in rows:
        for v in row:
            assert type(v) in (str, int, float, bool, dt.datetime), (type(v), v)
            if isinstance(v, float):
                assert math.isfinite(v)


def industry_rows(analysis) -> pd.DataFrame:
    p = analysis.table("tblPatterns")
    return p[p["Dimension"] == "Industry"].drop(columns=["Dimension"])


# ------------------------------------------------------------------ headless equality

def test_maven_winrate_by_industry_equals_report(maven_values, maven_headless) -> None:
    got = udfs.WINRATE_BY(maven_values, "Industry")
    assert_plain_cells(got)
    assert len(got) > 5
    assert_same_table(got, industry_rows(maven_headless))


def test_maven_winrate_equals_summary(maven_values, maven_headless) -> None:
    rate = udfs.WINRATE(maven_values)
    assert isinstance(rate, float)
    assert rate == pytest.approx(float(maven_headless.analysis.summary_value("Win rate")), rel=1e-12)


def test_maven_values_really_are_excel_shaped(maven_values) -> None:
    kinds = {type(v) for row in maven_values[1:] for v in row}
    assert {str, float, Decimal, dt.datetime, type(None)} <= kinds
    assert any(v == "#N/A" for row in maven_values for v in row)
    serials = [row[6] for row in maven_values[1:] if isinstance(row[6], float)]
    assert serials and all(40000 < s < 50000 for s in serials)


def test_maven_segment_winrate_equals_its_pattern_row(maven_values, maven_headless) -> None:
    rows = industry_rows(maven_headless)
    retail = rows[rows["Segment"] == "retail"]["Win rate"].iloc[0]
    # header synonym, canonical field and label all name the same dimension
    for column in ("Sector", "industry", "Industry"):
        assert udfs.WINRATE(maven_values, column, "Retail") == pytest.approx(retail, rel=1e-12)


def test_demo_winrate_by_equals_headless_file(demo) -> None:
    values, _path, headless = demo
    kinds = {type(v) for row in values[1:] for v in row}
    assert {str, float, Decimal, dt.datetime, bool, type(None)} <= kinds
    got = udfs.WINRATE_BY(values, "Industry")
    assert_plain_cells(got)
    assert_same_table(got, industry_rows(headless))
    assert udfs.WINRATE(values) == pytest.approx(float(headless.analysis.summary_value("Win rate")),
                                                 rel=1e-12)


def test_demo_every_dimension_matches(demo) -> None:
    values, _path, headless = demo
    patterns = headless.table("tblPatterns")
    for label in patterns["Dimension"].unique():
        got = udfs.WINRATE_BY(values, label)
        want = patterns[patterns["Dimension"] == label].drop(columns=["Dimension"])
        assert_same_table(got, want)


def test_demo_min_deals_matches_configured_run(demo) -> None:
    from winloss_xl import Config, analyze, load_deals

    values, path, _ = demo
    cfg = Config(min_deals=3)
    want = analyze(load_deals(path, config=cfg), cfg)
    assert_same_table(udfs.WINRATE_BY(values, "Owner", 3.0),
                      want.table("tblPatterns").query("Dimension == 'Owner'")
                      .drop(columns=["Dimension"]))


@pytest.mark.parametrize("formula,table", [
    (udfs.DEAL_SUMMARY, "tblSummary"),
    (udfs.LOSS_REASONS, "tblLossReasons"),
    (udfs.KEY_DRIVERS, "tblDrivers"),
    (udfs.QUAL_THRESHOLD, "tblQualification"),
    (udfs.PERSONAS, "tblPersonas"),
])
def test_table_formulas_equal_report_tables(demo, formula, table) -> None:
    values, _path, headless = demo
    got = formula(values)
    assert_plain_cells(got)
    want = headless.table(table)
    if want.empty:
        assert got[0] == [str(c) for c in want.columns] and len(got) == 2
        assert isinstance(got[1][0], str) and got[1][0]
    else:
        assert_same_table(got, want)


def test_personas_with_a_contacts_range() -> None:
    deals = [["Deal ID", "Stage", "Industry"]]
    contacts = [["Deal ID", "Title", "Role"]]
    for i in range(60):
        deals.append([f"D{i}", "Closed Won" if i % 3 else "Closed Lost", "Retail"])
        contacts.append([f"D{i}", "VP Finance" if i % 2 else "IT Manager", "Decision Maker"])
    got = udfs.PERSONAS(deals, contacts)
    assert got[0][:3] == ["Persona", "Seniority", "Function"]
    assert len(got) > 1 and not str(got[0][0]).startswith("#WINLOSS!")


# ------------------------------------------------------------------------ bad input

def test_range_without_header_row(maven_values) -> None:
    assert udfs.WINRATE_BY(maven_values[1:], "Industry") == [[NO_HEADER]]
    assert udfs.WINRATE(maven_values[1:]) == NO_HEADER
    assert udfs.DEAL_SUMMARY(maven_values[1:50]) == [[NO_HEADER]]


def test_table_body_of_text_only_is_caught() -> None:
    body = [["D1", "Closed Won", "Retail"], ["D2", "Closed Lost", "Retail"]]
    assert udfs.WINRATE_BY(body, "Industry") == [[NO_HEADER]]


@pytest.mark.parametrize("values", [
    None, [[None]], [[""]], [["a"]], [["Stage"]], [["Stage", "Industry"], ["Won", None]],
    [["x", "y"], [1.0, 2.0]], [[1.0, 2.0], [3.0, 4.0]], [["#N/A"]], [[True]],
    [["Stage", "Industry"]] + [["Open", "Retail"]] * 10, "not a range", 42.0,
    [["Stage", "Amount"], ["Won", float("nan")], ["Lost", float("inf")]],
])
def test_bad_input_gives_one_winloss_cell(values) -> None:
    for formula in udfs.FORMULAS:
        by = formula in (udfs.WINRATE_BY, udfs.WINRATE_CHANGE)
        got = formula(values, "Industry") if by else formula(values)
        if formula is udfs.WINRATE:
            if isinstance(got, float):
                continue  # a tiny but valid range has a win rate
            assert isinstance(got, str) and got.startswith("#WINLOSS! ")
        elif not (len(got) > 1 and isinstance(got[0][0], str) and
                  not got[0][0].startswith("#WINLOSS!")):
            assert len(got) == 1 and len(got[0]) == 1, got
            assert got[0][0].startswith("#WINLOSS! "), got
            assert "Traceback" not in got[0][0]


def test_bad_arguments(maven_values) -> None:
    out = udfs.WINRATE_BY(maven_values, "Colour")
    assert out[0][0].startswith("#WINLOSS! no dimension 'Colour'") and "Industry" in out[0][0]
    assert udfs.WINRATE_BY(maven_values, "Industry", 1)[0][0].startswith("#WINLOSS! ")
    assert udfs.WINRATE_BY(maven_values, "Industry", "lots")[0][0].startswith("#WINLOSS! ")
    assert udfs.WINRATE_BY(maven_values, "")[0][0].startswith("#WINLOSS! ")
    assert udfs.WINRATE(maven_values, "Industry").startswith("#WINLOSS! ")
    miss = udfs.WINRATE(maven_values, "Industry", "Nowhere")
    assert miss.startswith("#WINLOSS! ") and "no closed deal has Industry = 'Nowhere'" in miss
    assert "retail" in miss  # the values there are are listed


def test_unexpected_error_is_a_short_message(monkeypatch, maven_values) -> None:
    from winloss_xl.engine import patterns

    def boom(*_a, **_k):
        raise ZeroDivisionError("secret account name")

    monkeypatch.setattr(patterns, "patterns_table", boom)
    out = udfs.WINRATE_BY(maven_values, "Industry")
    assert out == [["#WINLOSS! unexpected problem (ZeroDivisionError). Check that the range is a "
                    "deals export with its header row."]]


def test_optional_arguments_given_as_blank_cells(maven_values) -> None:
    assert udfs.WINRATE_BY(maven_values, "Industry", None, None) == udfs.WINRATE_BY(
        maven_values, "Industry", "", "")


# ----------------------------------------------------------------------------- cache

def test_same_values_are_parsed_once(monkeypatch, maven_values) -> None:
    import copy

    import winloss_xl.ingest as ingest

    calls = []
    real = ingest.load_deals

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(ingest, "load_deals", counting)
    first = udfs.WINRATE_BY(maven_values, "Industry")
    # Excel hands over a new list each time: same content, new objects
    again = udfs.WINRATE_BY(copy.deepcopy(maven_values), "Region")
    udfs.WINRATE(copy.deepcopy(maven_values))
    udfs.DEAL_SUMMARY(copy.deepcopy(maven_values))
    assert len(calls) == 1
    assert first != again
    edited = copy.deepcopy(maven_values)
    edited[5][4] = "Lost" if edited[5][4] == "Won" else "Won"
    udfs.WINRATE(edited)
    assert len(calls) == 2


def test_cache_is_bounded() -> None:
    from winloss_xl.excel.cache import LRUCache, content_key

    cache = LRUCache(3)
    for i in range(10):
        cache.get_or_compute(content_key([["h"], [i]]), lambda i=i: i)
    assert len(cache) == 3
    assert content_key([["a", 1.0]]) != content_key([["a", 2.0]])
    assert content_key([["a", None]]) != content_key([["a", ""]])
    assert content_key([[dt.datetime(2024, 1, 1)]]) != content_key([[dt.datetime(2024, 1, 2)]])
    assert content_key([[1.0, 2.0]]) != content_key([[1.0], [2.0]])


# ------------------------------------------------------------- the bundled demo export

@pytest.fixture(scope="module")
def bundled():
    from excel_shaped import bundled_demo

    from winloss_xl.demo_data import demo_dealset
    from winloss_xl.session import WinLoss

    deals, contacts = bundled_demo()
    return deals, contacts, WinLoss.of(demo_dealset())


def test_bundled_demo_winrate_by_industry_equals_report(bundled) -> None:
    deals, _contacts, headless = bundled
    kinds = {type(v) for row in deals[1:] for v in row}
    assert {str, float, Decimal, dt.datetime, type(None)} <= kinds
    assert any(v == "#N/A" for row in deals for v in row)
    assert any(isinstance(v, float) and 40000 < v < 50000 for row in deals[1:] for v in row[5:7])
    got = udfs.WINRATE_BY(deals, "Industry")
    assert_plain_cells(got)
    assert_same_table(got, industry_rows(headless))
    assert udfs.WINRATE(deals) == pytest.approx(float(headless.analysis.summary_value("Win rate")),
                                                rel=1e-12)


def test_bundled_demo_every_dimension_and_personas(bundled) -> None:
    deals, contacts, headless = bundled
    patterns = headless.table("tblPatterns")
    for label in patterns["Dimension"].unique():
        want = patterns[patterns["Dimension"] == label].drop(columns=["Dimension"])
        assert_same_table(udfs.WINRATE_BY(deals, label), want)
    assert any(isinstance(v, bool) for row in contacts[1:] for v in row)
    personas = headless.table("tblPersonas")
    assert not personas.empty
    assert_same_table(udfs.PERSONAS(deals, contacts), personas)


def test_content_index_is_exact_and_bounded() -> None:
    import copy

    from winloss_xl.excel.cache import ContentIndex

    index = ContentIndex(2)
    rows = [["Stage", "Amount"], ["Won", 1.0], ["Lost", Decimal("2.50")]]
    tok = index.token(rows)
    assert index.token(copy.deepcopy(rows)) == tok
    rows[1][1] = 3.0  # the caller edits its own list: the snapshot is not affected
    assert index.token(rows) != tok
    assert index.token([["Stage", "Amount"], ["Won", 1.0], ["Lost", Decimal("2.50")]]) == tok
    index.token([["x"]])
    index.token([["y"]])
    assert len(index) == 2
    assert index.token([["Stage", "Amount"], ["Won", 1.0], ["Lost", Decimal("2.50")]]) != tok


def test_content_keys_of_odd_shapes_tuple_rows_and_unhashable_cells(bundled) -> None:
    from winloss_xl.excel.cache import ContentIndex

    index = ContentIndex(4)
    assert index.find([["a", ["nested"]], ["b", 1.0]]) is None  # unhashable cell in a sampled row
    assert index.add([["a", ["nested"]], ["b", 1.0]]) is None
    assert len(index) == 0
    rows = [["Stage", "Amount"], ["Won", 1.0]]
    tok = index.add(rows)
    assert index.find([("Stage", "Amount"), ("Won", 1.0)]) is None  # tuples never equal the lists
    assert index.find([["Stage", "Amount"], ["Won", 1.0]]) == tok
    assert index.find([["Stage", "Amount"], 5, ["Won", 1.0]]) is None  # a scalar where a row goes

    # through the formula: tuple rows (a VBA caller) are keyed by a hash and still cached
    values = bundled[0]
    as_tuples = [tuple(r) for r in values]
    assert udfs._token(as_tuples) == udfs._token([tuple(r) for r in values])
    assert udfs._token(as_tuples) != udfs._token(values)
    mixed = [values[0], 5, *values[1:]]  # read as a one-cell row without an outcome, dropped
    assert udfs.WINRATE_BY(mixed, "Industry") == udfs.WINRATE_BY(values, "Industry")


def test_warm_lookup_skips_the_row_type_pass(monkeypatch, bundled) -> None:
    values = bundled[0]
    first = udfs._token(values)
    checked = []
    real_map = map

    def spying_map(fn, *its):
        if fn is type:
            checked.append(True)
        return real_map(fn, *its)

    monkeypatch.setattr("builtins.map", spying_map)
    assert udfs._token([list(r) for r in values]) == first  # a hit: no pass over row types
    assert not checked
    udfs._token([[*r, ""] for r in values])  # a miss: rows checked before they are indexed
    assert checked


def test_gc_paused_restores_the_collector_after_nesting_and_errors() -> None:
    import gc

    from winloss_xl.excel.cache import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer user still holds it
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), gc_paused():
        raise ZeroDivisionError
    assert gc.isenabled()
    gc.disable()  # a host that runs with the collector off keeps it off
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_formulas_parse_with_the_collector_paused(monkeypatch, maven_values) -> None:
    import gc

    seen = []
    real = udfs._winrate_by

    def spying(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(udfs, "_winrate_by", spying)
    udfs.WINRATE_BY(maven_values, "Industry")
    assert udfs.WINRATE_BY(maven_values, 42)[0][0].startswith(udfs.ERROR_PREFIX)
    assert seen == [False, False]
    assert gc.isenabled()


def test_equal_ranges_of_other_types_get_their_own_answers() -> None:
    """TRUE == 1.0 in Python, but a TRUE/FALSE column is a yes/no attribute and a 1/0 column
    a code: each range gets its own correct answer, whichever was cached first."""
    def deals(partner: list) -> list[list]:
        rows = [["Stage", "Amount", "Partner"]]
        for i in range(40):
            rows.append(["Won" if i % 3 else "Lost", float(1000 + i), partner[i % 2]])
        return rows

    flags, numbers = deals([True, False]), deals([1.0, 0.0])
    assert flags == numbers  # equal under Python ==
    fresh = {}
    for name, rows in (("flags", flags), ("numbers", numbers)):
        udfs.clear_caches()
        fresh[name] = udfs.WINRATE_BY(rows, "Partner")
    assert [r[0] for r in fresh["flags"][1:]] == ["False", "True"]
    assert [r[0] for r in fresh["numbers"][1:]] == ["0", "1"]
    for order in ((flags, numbers), (numbers, flags)):
        udfs.clear_caches()
        for rows in order:
            want = fresh["flags"] if rows[1][2] is True else fresh["numbers"]
            assert udfs.WINRATE_BY(rows, "Partner") == want
