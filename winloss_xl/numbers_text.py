"""Numbers as the report writes them in words: p- and q-values, differences in points.

One rule for the engine's sentences (findings, evidence, the trend and change sentences)
and for the report's cells (report/cells.py re-exports it; theme's "pvalue" format follows
:data:`P_FLOOR`), so a q-value reads the same wherever it appears.
"""

from __future__ import annotations

import math

#: The smallest p- or q-value printed as a number; anything smaller reads "< 0.0001". The
#: Excel format of p/q cells (theme.EXCEL_FORMATS["pvalue"]) and every sentence follow it.
P_FLOOR = 0.0001


def p_text(value: object, equals: bool = False) -> str:
    """A p- or q-value as text: "< 0.0001" below :data:`P_FLOOR`, else at most four decimals
    and two significant digits, never an exponent and never "0"; "n/a" when missing.
    ``equals=True`` prefixes "= " to a number so that "q " + text reads either way.

    >>> p_text(1.5e-34), p_text(0.00075), p_text(0.021), p_text(0.5), p_text(0.021, equals=True)
    ('< 0.0001', '0.0008', '0.021', '0.50', '= 0.021')
    """
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "n/a"
    if not math.isfinite(v):
        return "n/a"
    if v < P_FLOOR:
        return "< 0.0001"
    decimals = 2 if v >= 0.1 else 3 if v >= 0.01 else 4
    text = f"{v:.{decimals}f}"
    return f"= {text}" if equals else text


def points_text(diff_points: float, signed: bool = False) -> str:
    """A difference of two rates in percentage points: "4.0 pts" ("+4.0 pts" when signed)."""
    return f"{diff_points:+.1f} pts" if signed else f"{abs(diff_points):.1f} pts"
