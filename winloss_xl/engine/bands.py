"""Readable bands for numeric dimensions (company revenue, employees, deal size, sales cycle).

Numbers become ordered segments with labels a sales leader reads at a glance:
``0-10M``, ``10K-25K``, ``30-60 days``, ``100M+``. Company revenue uses the
configured bands unless they would not split the data; every other numeric
field (and revenue in that case) uses quantile edges rounded to nice numbers.
Everything is vectorised: banding a million values is one ``searchsorted``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..config import short_money

#: Mantissas edges are snapped to (times a power of ten).
NICE_MANTISSAS: tuple[float, ...] = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5, 8.0, 10.0)

#: Configured bands "hold nearly all deals" in one band at this share or more.
NEARLY_ALL = 0.80


@dataclass(frozen=True)
class Banding:
    """Band codes (``-1`` = no value) and labels in band order."""

    codes: np.ndarray
    labels: list[str]
    edges: tuple[float, ...]
    method: str  # "configured" or "quantile"


def nice_number(value: float) -> float:
    """Snap a positive number to the nearest nice value (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8 x 10^k).

    >>> nice_number(47_800), nice_number(12_345), nice_number(0)
    (50000.0, 12000.0, 0.0)
    """
    if value <= 0 or not math.isfinite(value):
        return 0.0 if value <= 0 else value
    log = math.log10(value)
    exp = math.floor(log)
    scale = 10.0 ** exp
    mant = value / scale if scale > 0 and math.isfinite(scale) else 10 ** (log - exp)
    best = min(NICE_MANTISSAS, key=lambda m: (abs(m - mant), m))
    nice = best * 10.0 ** exp
    # at the ends of the float range (subnormal or near 1e308) keep the value itself
    return float(nice) if math.isfinite(nice) and nice > 0 else float(value)


def _fmt(value: float, unit: str) -> str:
    if unit == "days":
        return f"{value:.0f}" if value == int(value) else f"{value:g}"
    return short_money(value)


def band_labels(edges: tuple[float, ...], unit: str = "") -> list[str]:
    """Labels of the bands ``[e0, e1), [e1, e2), ..., [e_last, inf)``.

    >>> band_labels((0, 10_000, 25_000))
    ['0-10K', '10K-25K', '25K+']
    >>> band_labels((0, 30, 90), "days")
    ['0-30 days', '30-90 days', '90+ days']
    """
    suffix = " days" if unit == "days" else ""
    out = []
    for i, low in enumerate(edges):
        if i + 1 < len(edges):
            out.append(f"{_fmt(low, unit)}-{_fmt(edges[i + 1], unit)}{suffix}")
        else:
            out.append(f"{_fmt(low, unit)}+{suffix}")
    return out


def apply_edges(values: np.ndarray, edges: tuple[float, ...]) -> np.ndarray:
    """Band index of each value (``-1`` for NaN or below the first edge)."""
    v = np.asarray(values, dtype="float64")
    codes = np.searchsorted(np.asarray(edges, dtype="float64"), v, side="right") - 1
    codes[np.isnan(v)] = -1
    return codes.astype("int32")


def quantile_edges(values: np.ndarray, bands: int) -> tuple[float, ...]:
    """Quantile edges of the known values, snapped to nice numbers, distinct and increasing.

    The first edge is 0 when every value is non-negative, so the first band reads ``0-...``.
    """
    v = np.asarray(values, dtype="float64")
    v = v[~np.isnan(v)]
    if v.size == 0:
        return ()
    lowest = float(v.min())
    qs = np.quantile(v, np.arange(1, bands) / bands)
    inner = sorted({nice_number(float(q)) if q > 0 else float(q) for q in qs})
    start = 0.0 if lowest >= 0 else math.floor(lowest)
    edges = [start] + [e for e in inner if e > start]
    # drop edges that leave a band empty of data (keeps labels honest)
    arr = np.asarray(edges)
    counts = np.bincount(np.searchsorted(arr, v, side="right") - 1, minlength=len(arr))
    kept = [e for e, c in zip(edges, counts) if c > 0 or e == start]
    return tuple(kept)


def band_quantiles(values: np.ndarray, bands: int, unit: str = "") -> Banding:
    """Readable quantile bands of ``values``."""
    edges = quantile_edges(values, bands)
    if not edges:
        return Banding(np.full(len(values), -1, dtype="int32"), [], (), "quantile")
    return Banding(apply_edges(values, edges), band_labels(edges, unit), edges, "quantile")


def band_configured(values: np.ndarray, bands: tuple[tuple[str, float, float], ...]) -> Banding:
    """The configured ``(label, low, high)`` bands (assumed contiguous and increasing)."""
    ordered = sorted(bands, key=lambda b: b[1])
    edges = tuple(float(b[1]) for b in ordered)
    codes = apply_edges(values, edges)
    # values at or above the last band's upper bound (when finite) are outside every band
    last_high = float(ordered[-1][2])
    if math.isfinite(last_high):
        codes[np.asarray(values, dtype="float64") >= last_high] = -1
    return Banding(codes, [b[0] for b in ordered], edges, "configured")


def split_quality(banding: Banding, min_deals: int) -> tuple[bool, float]:
    """(at least two bands hold ``min_deals`` values, share of the largest band); NaN-free."""
    known = banding.codes[banding.codes >= 0]
    if known.size == 0:
        return False, 1.0
    counts = np.bincount(known, minlength=len(banding.labels))
    return bool((counts >= min_deals).sum() >= 2), float(counts.max() / known.size)


def splits_well(banding: Banding, min_deals: int) -> bool:
    """At least two bands of ``min_deals`` values and no band holding nearly all of them."""
    ok, top = split_quality(banding, min_deals)
    return ok and top < NEARLY_ALL


def better_split(quantile: Banding, configured: Banding, min_deals: int) -> bool:
    """True when the configured bands fail to split the deals (fewer than two bands of
    ``min_deals`` deals, or one band holding nearly all of them) and the quantile bands do
    split them: into at least two such bands, with a smaller largest band.

    >>> values = np.array([1e6] * 4 + [20e6] * 4)
    >>> better_split(band_quantiles(values, 4), band_configured(values, (("0-10M", 0, 1e7),
    ...     ("10-50M", 1e7, 5e7))), 5)
    False
    """
    if splits_well(configured, min_deals):
        return False
    c_ok, c_top = split_quality(configured, min_deals)
    q_ok, q_top = split_quality(quantile, min_deals)
    if not q_ok:
        return False
    return not c_ok or q_top < c_top
