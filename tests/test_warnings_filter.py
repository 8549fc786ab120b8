"""The pytest filter in pyproject.toml: DeprecationWarnings from winloss_xl code fail the tests."""

from __future__ import annotations

import warnings

import pytest


def test_a_deprecation_from_our_code_is_an_error():
    with pytest.raises(DeprecationWarning):
        warnings.warn_explicit("generic unit", DeprecationWarning, "values.py", 1,
                               module="winloss_xl.ingestion.values")


def test_a_deprecation_from_elsewhere_is_not():
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("default")
        warnings.warn_explicit("old api", DeprecationWarning, "lib.py", 1, module="somelib.core")
    assert len(seen) == 1  # recorded, not raised


def test_numpy_datetimes_use_explicit_units():
    """The NaT fills of ingestion: a generic-unit NaT is deprecated in numpy 2.5."""
    import pandas as pd

    from winloss_xl.ingestion.values import parse_dates

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        texts = parse_dates(pd.Series(["2025-01-31", None, "31/12/2025", "x"], dtype=object))
        serials = parse_dates(pd.Series([45000.0, None, 45001.5]))
    assert str(texts.values.dtype) == str(serials.values.dtype) == "datetime64[ns]"
    assert texts.values.isna().tolist() == [False, True, False, True]
    assert serials.values.iloc[0] == pd.Timestamp("2023-03-15")
