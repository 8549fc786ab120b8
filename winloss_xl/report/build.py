"""The whole report: every generated sheet, in the contract's order (report/model.py).

Each sheet is laid out by its own function (report/layout.py, report/changes_sheet.py);
this module only puts them in order, so the sheet modules need not import each other.
"""

from __future__ import annotations

from ..engine.analysis import Analysis
from . import layout
from .changes_sheet import changes_sheet
from .model import Report


def build_report(analysis: Analysis, title: str = "Win/Loss report") -> Report:
    """The whole report for ``analysis``: the eight generated sheets in contract order."""
    sheets = [
        layout.summary_sheet(analysis, title),
        changes_sheet(analysis),
        layout.patterns_sheet(analysis),
        layout.drivers_sheet(analysis),
        layout.loss_sheet(analysis),
        layout.personas_sheet(analysis),
        layout.recommendations_sheet(analysis),
        layout.quality_sheet(analysis),
    ]
    return Report(sheets=sheets, title=title)
