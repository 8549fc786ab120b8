"""Two-sided Fisher exact p-values of many segments at once, each against the rest.

A report tests thousands of segments and driver pairs over up to a million deals.
``scipy.stats.fisher_exact`` evaluates every term of a tail by prime factorisation, about
25 ms per 50,000 deals of a segment, where the ratio recurrence here takes about 4 ms for
all of them; the results equal scipy's to floating-point error (tests/test_stats.py checks
them on random tables and on a million deals).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special as _sp


def fisher_vs_rest_fast(won, n, total_won, total_n) -> np.ndarray:
    """Vectorised two-sided Fisher exact p of segments (won, n) vs the rest of a population.

    ``total_won`` and ``total_n`` may be scalars or arrays (one population per
    segment, e.g. a driver's parent segment). Follows scipy's ``fisher_exact``:
    p = P(tail containing the observation) + P(opposite tail no more likely
    than the observation, relative tolerance 1e-7), with the opposite boundary
    found by bisection over the unimodal hypergeometric pmf; equal to
    ``scipy.stats.fisher_exact`` within floating-point error.
    """
    k = np.atleast_1d(np.asarray(won, dtype="int64"))
    m = np.atleast_1d(np.asarray(n, dtype="int64"))
    big_k = np.broadcast_to(np.asarray(total_won, dtype="int64"), k.shape)
    big_n = np.broadcast_to(np.asarray(total_n, dtype="int64"), k.shape)
    out = np.ones(k.shape, dtype="float64")
    ok = (m > 0) & (m < big_n) & (big_k > 0) & (big_k < big_n)
    if not ok.any():
        return out
    k, m, big_k, big_n = k[ok], m[ok], big_k[ok], big_n[ok]
    lo = np.maximum(0, m - (big_n - big_k))
    hi = np.minimum(m, big_k)
    mode = np.clip(((m + 1) * (big_k + 1)) // (big_n + 2), lo, hi)
    p = np.ones(k.shape, dtype="float64")
    for side in ("below", "above"):
        idx = np.flatnonzero(k < mode if side == "below" else k > mode)
        if idx.size == 0:
            continue
        dist = _Hypergeom(big_n[idx], big_k[idx], m[idx])
        ks = k[idx]
        threshold = dist.logpmf(ks) + math.log1p(1e-7)
        down, up = np.full(idx.size, -1), np.full(idx.size, 1)
        if side == "below":
            # observed in the left tail: smallest x in [mode, hi] with pmf <= observed
            x = _first_at_or_below(dist, threshold, mode[idx], hi[idx], increasing_side=False)
            p[idx] = dist.tail(ks, down) + dist.tail(x, up)  # P(X <= k) + P(X >= x)
        else:
            x = _first_at_or_below(dist, threshold, lo[idx], mode[idx], increasing_side=True)
            p[idx] = dist.tail(ks, up) + dist.tail(x, down)  # P(X >= k) + P(X <= x)
    out[ok] = np.clip(p, 0.0, 1.0)
    return out


class _Hypergeom:
    """Hypergeometric pmf and tail sums, vectorised over one distribution per segment.

    ``logpmf`` uses log-gamma without scipy's per-call argument checks. ``tail`` sums a
    tail exactly term by term from the pmf's ratio recurrence (scipy's cdf/sf evaluate
    every term by prime factorisation, some 70 us per segment over 50,000 deals).
    """

    #: A tail sum stops once the terms left are below this share of it (double precision).
    TAIL_TOLERANCE = 1e-17

    def __init__(self, population, successes, draws) -> None:
        self.big_n, self.big_k, self.m = population, successes, draws
        self._norm = _lnchoose(population, draws)
        self.lo = np.maximum(0, draws - (population - successes))
        self.hi = np.minimum(draws, successes)

    def logpmf(self, x, mask=None):
        if mask is None:
            big_n, big_k, m, norm = self.big_n, self.big_k, self.m, self._norm
        else:
            big_n, big_k, m, norm = self.big_n[mask], self.big_k[mask], self.m[mask], self._norm[mask]
        return _lnchoose(big_k, x) + _lnchoose(big_n - big_k, m - x) - norm

    def tail(self, start, step) -> np.ndarray:
        """P(X <= start) where ``step`` is -1, P(X >= start) where it is +1, per segment.

        ``start`` must lie where the pmf falls in the ``step`` direction (the mode or beyond),
        as the tails of a two-sided test do. Terms are pmf(start) times running products of
        pmf(i + step) / pmf(i), summed in windows that grow until what is left of the tail is
        provably negligible: the terms fall, so the rest is at most the last term times the
        number of terms left.

        >>> d = _Hypergeom(np.array([8]), np.array([4]), np.array([4]))
        >>> [round(float(d.tail(np.array([1]), np.array([-1]))[0] * 70), 6)]  # (1 + 16) / 70
        [17.0]
        """
        start = np.asarray(start, dtype="int64")
        step = np.asarray(step, dtype="int64")
        length = np.where(step < 0, start - self.lo + 1, self.hi - start + 1)
        out = np.zeros(start.shape, dtype="float64")
        todo = np.flatnonzero(length > 0)
        if todo.size == 0:
            return out
        first = np.exp(self.logpmf(start[todo], todo))
        width = 64
        while todo.size:
            s, d, n_left = start[todo], step[todo], length[todo]
            big_n, big_k, m = self.big_n[todo], self.big_k[todo], self.m[todo]
            w = int(min(width, n_left.max()))
            t = np.arange(w)
            i = (s[:, None] + d[:, None] * t[None, :]).astype("float64")
            bk, bn, mm = big_k[:, None], big_n[:, None], m[:, None]
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                ratio = np.where(d[:, None] < 0,
                                 i * (bn - bk - mm + i) / ((bk - i + 1) * (mm - i + 1)),
                                 (bk - i) * (mm - i) / ((i + 1) * (bn - bk - mm + i + 1)))
                rel = np.ones((todo.size, w))
                rel[:, 1:] = np.cumprod(ratio[:, :-1], axis=1)
            rel = np.where(t[None, :] < n_left[:, None], rel, 0.0)
            total = rel.sum(axis=1)
            rest_bound = rel[:, -1] * np.maximum(n_left - w, 0)
            done = (n_left <= w) | (rest_bound <= total * self.TAIL_TOLERANCE)
            out[todo[done]] = total[done] * first[done]
            todo, first = todo[~done], first[~done]
            width *= 4
        return out


def _lnchoose(n, k):
    n = np.asarray(n, dtype="float64")
    k = np.asarray(k, dtype="float64")
    return _sp.gammaln(n + 1) - _sp.gammaln(k + 1) - _sp.gammaln(n - k + 1)


def _first_at_or_below(dist: _Hypergeom, threshold, start, stop, *, increasing_side: bool):
    """Bisection on the monotone part of a hypergeometric pmf (one search per segment).

    With ``increasing_side`` False, [start, stop] is the decreasing part
    (mode..hi): return the smallest x with logpmf(x) <= threshold, or stop + 1.
    With ``increasing_side`` True, [start, stop] is the increasing part
    (lo..mode): return the largest x with logpmf(x) <= threshold, or start - 1.
    """
    if not increasing_side:
        a = start.astype("int64").copy()
        b = stop.astype("int64") + 1  # answer in [a, b]
        for _ in range(70):
            live = np.flatnonzero(a < b)
            if live.size == 0:
                break
            mid = (a[live] + b[live]) // 2
            hit = dist.logpmf(mid, live) <= threshold[live]
            b[live] = np.where(hit, mid, b[live])
            a[live] = np.where(hit, a[live], mid + 1)
        return a
    a = start.astype("int64") - 1  # answer in [a, b]
    b = stop.astype("int64").copy()
    for _ in range(70):
        live = np.flatnonzero(a < b)
        if live.size == 0:
            break
        mid = (a[live] + b[live] + 1) // 2
        hit = dist.logpmf(mid, live) <= threshold[live]
        a[live] = np.where(hit, mid, a[live])
        b[live] = np.where(hit, b[live], mid - 1)
    return b
