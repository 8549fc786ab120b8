"""winloss-xl: honest win/loss analysis and buyer personas for Sales Ops, in Excel.

Public API:

>>> from winloss_xl import load_deals, analyze      # doctest: +SKIP
>>> result = analyze(load_deals("q4.csv"))          # doctest: +SKIP
>>> result.summary_value("Win rate")                # doctest: +SKIP
>>> read_title("Kaufmännische Geschäftsführerin")
('CFO', 'C-level', 'Finance')

``main()`` is the entry point of the Excel ribbon's Analyze button.
"""

from __future__ import annotations

from .config import Config
from .dealset import DealSet
from .engine import Analysis, analyze
from .errors import InputError
from .ingest import load_deals
from .session import WinLoss
from .titles import read_title

__version__ = "0.1.0"

__all__ = ["Analysis", "Config", "DealSet", "InputError", "WinLoss", "__version__", "analyze",
           "load_deals", "main", "read_title"]


def main() -> None:
    """Analyze button: read the active workbook's Deals sheet and write the report tabs."""
    from .excel.addin import main as _addin_main

    _addin_main()
