"""Python / pandas values -> Excel cell values for the formulas.

The one converter lives in :mod:`winloss_xl.report.cells` (both report writers use it
too); this module only keeps the names the formulas import.
"""

from __future__ import annotations

from ..report.cells import frame_rows, to_cell

__all__ = ["frame_rows", "to_cell"]
