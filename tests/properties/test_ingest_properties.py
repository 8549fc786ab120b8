"""Ingestion over arbitrary Excel-shaped tables: InputError or a sane canonical DealSet, nothing else."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hostile.builders import csv_text
from hypothesis import given
from hypothesis import strategies as st

from winloss_xl.errors import InputError
from winloss_xl.fields import DEAL_COLUMNS
from winloss_xl.ingest import load_deals

from .strategies import tables

#: how a drawn table reaches load_deals: as xlwings cells, or saved as a CSV file
SOURCES = ["cells", "cells", "csv", "csv;cp1252"]


def _load(rows, source: str):
    if source == "cells":
        return load_deals(rows, name="property range")
    sep, enc = (";", "cp1252") if source == "csv;cp1252" else (",", "utf-8")
    text = csv_text(rows, sep=sep, newline="\r\n" if sep == ";" else "\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deals.csv"
        data = text.encode(enc, errors="replace")
        path.write_bytes(data)
        try:
            return load_deals(path)
        except InputError as exc:
            assert "deals.csv" in exc.message, f"the message does not name the file: {exc.message}"
            raise
        finally:
            assert path.read_bytes() == data, "load_deals changed the input file"


@given(tables(), st.sampled_from(SOURCES))
def test_load_deals_raises_only_input_error(rows, source):
    snapshot = [list(r) for r in rows]
    try:
        ds = _load(rows, source)
    except InputError as exc:
        assert exc.message.strip(), "an InputError without a message"
        assert _same(rows, snapshot), "load_deals changed its input"
        return
    assert _same(rows, snapshot), "load_deals changed its input"
    deals = ds.deals
    assert list(deals.columns[: len(DEAL_COLUMNS)]) == list(DEAL_COLUMNS)
    assert len(deals) <= len(rows) - 1, "more deals than data rows"
    assert set(deals["outcome"].dropna().unique()) <= {"won", "lost", "open"}
    assert deals["outcome"].notna().all(), "a deal without an outcome was kept"
    assert deals["deal_id"].is_unique, "duplicate deal ids kept"
    nd = deals["no_decision"].astype(bool)
    assert (deals.loc[nd, "outcome"] == "lost").all(), "no-decision marked on a deal that is not lost"
    # infinite numbers are checked separately (test_infinite_numbers_are_not_values) so that
    # known finding does not stop hypothesis from looking for crashes
    q = deals["qualification_score"].dropna()
    assert ((q >= 0) & (q <= 1)).all(), f"qualification score outside 0..1: {q.tolist()}"
    for e in ds.quality.entries:
        assert e.count >= 0


def _same(a, b) -> bool:
    """Equal, treating NaN as equal to NaN."""
    if len(a) != len(b):
        return False
    for ra, rb in zip(a, b):
        if len(ra) != len(rb):
            return False
        for x, y in zip(ra, rb):
            if x is y:
                continue
            if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
                continue
            if type(x) is not type(y) or x != y:
                return False
    return True


NUMERIC_HEADERS = {"Amount": "amount", "Employees": "employees", "Annual Revenue": "company_revenue",
                   "Days to close": "sales_cycle_days"}


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), "inf", "-inf", "Infinity", "1e400",
                                   "-1e999"])
def test_infinite_numbers_are_not_values(value):
    """Schema: numeric fields hold a number or NaN ("unknown"); infinity is not a deal value."""
    header = ["Stage", *NUMERIC_HEADERS]
    rows = [header] + [[s, value, value, value, value] for s in ("Closed Won", "Closed Lost") * 3]
    ds = load_deals(rows, name="range")
    for col in NUMERIC_HEADERS.values():
        values = pd.to_numeric(ds.deals[col], errors="coerce").to_numpy(dtype="float64")
        assert not any(math.isinf(v) for v in values), f"{col} holds {values.tolist()} from {value!r}"


_BLANKISH = st.sampled_from(["", " ", "#N/A", "#n/a", " N/A ", "null", "NULL", "None", "none", "-",
                             "n/a", "#REF!", "nan", "NaN", "(blank)", "TBD", "Other"])


@given(st.lists(st.one_of(_BLANKISH, st.text(max_size=6)), max_size=40),
       st.sampled_from([frozenset(), frozenset({"none"})]))
def test_the_fast_text_path_decides_blanks_like_is_blank_value(values, keep):
    # a million unique IDs take the fast path; it must read every cell as the cell-by-cell rule does
    from winloss_xl.ingestion.values import _clean_strings, _text_of

    assert list(_clean_strings(values, keep)) == [_text_of(v, keep) for v in values]
