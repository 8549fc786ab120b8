"""The analysis engine: canonical deals in, typed results out. Pure pandas, no I/O.

``analyze(dealset, config)`` returns an :class:`Analysis` whose ``tables`` are
keyed by the report contract's table names (tblSummary, tblPatterns, ...) and
whose columns match ../shared/DESIGN.md. The report layout, the headless
writer, the Excel writer and the formulas all read these same tables.
"""

from __future__ import annotations

from .analysis import Analysis, analyze
from .findings import Finding

__all__ = ["Analysis", "Finding", "analyze"]
