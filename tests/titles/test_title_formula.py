"""read_title and =TITLE_PERSONA agree with the report; TITLE_PERSONA spills over a column.

Values are shaped as xlwings hands them over (ndim=2, err_to_str=True): a list of rows,
blanks as None, numbers as float, currency cells as Decimal, error cells as "#N/A" text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from title_data import labelled_titles

from winloss_xl import read_title
from winloss_xl.config import Config
from winloss_xl.engine import titles as tt
from winloss_xl.engine.personas import persona_analysis
from winloss_xl.excel import udfs

TITLES = [r["title"] for r in labelled_titles()]


def test_read_title_equals_the_reports_classification():
    contacts = pd.DataFrame({"deal_id": [f"D{i}" for i in range(len(TITLES))], "title": TITLES,
                             "role": "Champion"})
    report = tt.classify_contacts(contacts)
    got = [read_title(t) for t in TITLES]
    assert got == list(zip(report["persona"], report["seniority"], report["function"]))


def test_title_persona_spills_one_row_per_title_and_agrees_with_the_report():
    column = [[t] for t in TITLES]
    rows = udfs.TITLE_PERSONA(column)
    assert len(rows) == len(TITLES) and all(len(r) == 3 for r in rows)
    assert [tuple(r) for r in rows] == [read_title(t) for t in TITLES]
    deals = pd.DataFrame({"deal_id": [f"D{i}" for i in range(len(TITLES))],
                          "outcome": ["won", "lost"] * (len(TITLES) // 2) + ["won"] * (len(TITLES) % 2)})
    contacts = pd.DataFrame({"deal_id": deals["deal_id"], "title": TITLES, "role": "Champion"})
    personas = persona_analysis(deals, contacts, Config()).tables["tblPersonas"]
    assert set(personas["Persona"]) == {r[0] for r in rows}
    by_label = personas.set_index("Persona")
    for persona, seniority, function in rows:
        assert (by_label.loc[persona, "Seniority"], by_label.loc[persona, "Function"]) == (
            seniority, function)


def test_title_persona_with_excel_shaped_values():
    values = [["Geschäftsführer (CFO)"], [None], [""], ["  "], [12.0], [Decimal("7")],
              ["#N/A"], [dt.datetime(2025, 1, 1)], [True], ["VP Sales"]]
    rows = udfs.TITLE_PERSONA(values)
    assert rows[0] == ["CFO", "C-level", "Finance"]
    assert rows[1] == rows[2] == rows[3] == ["", "", ""]  # blanks stay blank, rows stay aligned
    for row in rows[4:9]:
        assert row == ["Other", "Other", "Other"]
    assert rows[9] == ["VP Sales", "VP", "Sales"]
    assert len(rows) == len(values)


def test_title_persona_one_cell_a_row_range_and_an_empty_cell():
    assert udfs.TITLE_PERSONA([["Kfm. Leiterin"]]) == [["Director Finance", "Director", "Finance"]]
    assert udfs.TITLE_PERSONA("CFO") == [["CFO", "C-level", "Finance"]]  # a VBA caller's scalar
    assert udfs.TITLE_PERSONA([["CFO", "Head of IT"]]) == [
        ["CFO", "C-level", "Finance"], ["Director IT", "Director", "IT / Engineering"]]
    assert udfs.TITLE_PERSONA(None) == [["", "", ""]]
    assert udfs.TITLE_PERSONA([[None]]) == [["", "", ""]]


def test_title_persona_reads_company_titles_from_a_config_range():
    config = [["Key", "Value"], ["title:Revenue Champion", "Director Sales"], [None, None],
              ["min_deals", 5.0]]
    assert udfs.TITLE_PERSONA([["Revenue Champion"]], config) == [
        ["Director Sales", "Director", "Sales"]]
    assert udfs.TITLE_PERSONA([["Revenue Champion"]], [[None, None]]) == [
        ["Sales (other level)", "Other", "Sales"]]


@pytest.mark.parametrize("config", [
    [["title:Revenue Champion", "Chief Wizard"]],
    [["no_such_setting", 3.0]],
])
def test_title_persona_bad_config_is_one_winloss_cell(config):
    out = udfs.TITLE_PERSONA([["CFO"]], config)
    assert len(out) == 1 and len(out[0]) == 1
    assert out[0][0].startswith("#WINLOSS! ") and "Traceback" not in out[0][0]
