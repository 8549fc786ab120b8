"""Reports to write: one from the real pipeline, one contract-shaped with hostile text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def demo_values():
    sys.path.insert(0, str(TESTS / "udf"))
    from excel_shaped import demo_export

    return demo_export(900, seed=5)[0]


@pytest.fixture(scope="session")
def pipeline_report(demo_values):
    from winloss_xl import analyze, load_deals
    from winloss_xl.report.build import build_report

    return build_report(analyze(load_deals(demo_values, name="Deals sheet")))


@pytest.fixture(scope="session")
def contract_report():
    """The report team's contract-shaped analysis (holds '=HYPERLINK(...)' segment text)."""
    sys.path.insert(0, str(TESTS / "report"))
    from fake_analysis import fake_analysis

    from winloss_xl.report.build import build_report

    return build_report(fake_analysis())
