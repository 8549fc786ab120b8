"""Configured revenue bands read like the default ones (DESIGN.md: 0-10M, 10-50M, ...)."""

from __future__ import annotations

import os

import pytest

from winloss_xl.config import DEFAULT_REVENUE_BANDS, Config, band_label, parse_revenue_bands
from winloss_xl.errors import InputError


def test_configured_default_edges_reproduce_the_default_bands():
    assert parse_revenue_bands("0, 10M, 50M, 100M") == DEFAULT_REVENUE_BANDS


@pytest.mark.parametrize(
    ("low", "high", "label"),
    [(0, 10e6, "0-10M"), (10e6, 50e6, "10-50M"), (500e3, 2e6, "500K-2M"),
     (2.5e6, 7.5e6, "2.5-7.5M"), (1e9, float("inf"), "1B+")],
)
def test_band_labels(low, high, label):
    assert band_label(low, high) == label


def test_bands_from_a_config_mapping():
    cfg = Config.from_mapping({"revenue_bands": "0, 5M, 25M"})
    assert [b[0] for b in cfg.revenue_bands] == ["0-5M", "5-25M", "25M+"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_config_path_that_is_a_pipe_or_folder_is_refused_not_read(tmp_path):
    pipe = tmp_path / "settings.toml"
    os.mkfifo(pipe)  # reading it would block for ever
    with pytest.raises(InputError, match="not a regular file"):
        Config.from_toml(pipe)
    with pytest.raises(InputError, match="folder"):
        Config.from_toml(tmp_path)
    with pytest.raises(InputError, match="file not found") as err:
        Config.from_toml(tmp_path / "missing.toml")
    assert str(tmp_path) in str(err.value)  # the full path, not the base name
