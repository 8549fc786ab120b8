"""The Excel formulas over arbitrary ranges: a number / table or one #WINLOSS! cell, never an exception."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from winloss_xl.excel import udfs

from .strategies import tables

BYS = ["Industry", "Stage", "Amount", "Deal size", "Region", "Nonexistent", "", "Lead source"]


def _single(value):
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list) and len(value[0]) == 1:
        return value[0][0]
    return value


def _is_error(value) -> bool:
    v = _single(value)
    return isinstance(v, str) and v.startswith("#WINLOSS!")


@given(tables(), st.sampled_from(BYS), st.integers(0, 3))
def test_formulas_never_raise(rows, by, which):
    rate = udfs.WINRATE(rows)
    v = _single(rate)
    if not _is_error(rate):
        assert isinstance(v, (int, float)) and not isinstance(v, bool), f"WINRATE gave {rate!r}"
        assert math.isnan(v) or 0.0 <= v <= 1.0, f"WINRATE {v} outside [0, 1]"
    # one table formula per example keeps the cost per example down
    table = (udfs.WINRATE_BY(rows, by) if which == 0 else udfs.DEAL_SUMMARY(rows) if which == 1
             else udfs.LOSS_REASONS(rows) if which == 2 else udfs.WINRATE(rows, "Industry", "Retail"))
    if which == 3:
        v = _single(table)
        assert _is_error(table) or (isinstance(v, (int, float)) and (math.isnan(v) or 0 <= v <= 1)), table
        return
    assert _is_error(table) or (isinstance(table, list) and table
                                and all(isinstance(r, list) for r in table)), f"got {str(table)[:200]}"
    if not _is_error(table):
        width = len(table[0])
        assert all(len(r) == width for r in table), "ragged table would not spill"
        for r in table:
            for c in r:
                assert not (isinstance(c, float) and math.isinf(c)), f"infinity in a spilled table: {r}"
