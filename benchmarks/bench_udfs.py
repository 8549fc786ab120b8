"""Formula benchmark: ``WINRATE_BY`` over a 50,000-row deals range, cold and warm.

The range is what xlwings hands a formula for ``Deals!A1:R50001`` (ndim=2,
err_to_str=True): a header row, then text, floats, some ``Decimal`` amounts
(currency cells), datetimes with some serial-float dates, bools, ``None``
blanks and ``#N/A`` error text. It is built from the synthetic demo deals.

Every call gets the values as *new* Python objects (strings, floats, datetimes,
Decimals), as Excel converts the range afresh on every call.

- **cold**: the formula's caches are empty (the range was just edited): the
  values go through ``load_deals`` and the engine's pattern statistics. Modules
  are imported before timing (Excel's Python process stays alive between
  recalculations).
- **warm**: the same content again, so the content lookup compares fresh
  objects; the parse and the statistics come from the cache.

Targets: cold <= 0.5 s, warm <= 0.05 s of Python time. Prints wall and CPU
time (median of ``--repeat`` runs), the load average and the pass/fail of each.

Run from the repository root: ``python benchmarks/bench_udfs.py [--rows N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from typing import Any

EPOCH = dt.datetime(1899, 12, 30)
HEADER = ["Opportunity ID", "Stage", "Amount", "Close Date", "Created Date", "Industry",
          "Region", "Lead Source", "Type", "Product", "Opportunity Owner", "Competitor",
          "Annual Revenue", "Employees", "Loss Reason", "Qualification Score", "Strategic",
          "Partner Region"]


def excel_range(rows: int, seed: int = 1) -> list[list[Any]]:
    """A deals range as a formula receives it."""
    import pandas as pd

    from winloss_xl.engine.synthetic import make_deals

    frame, _ = make_deals(rows, seed=seed)
    out: list[list[Any]] = [list(HEADER)]

    def val(x: Any) -> Any:
        return None if x is None or (not isinstance(x, str) and pd.isna(x)) else x

    for i, r in enumerate(frame.itertuples(index=False)):
        is_open = r.outcome not in ("won", "lost")
        close = None if is_open or val(r.close_date) is None else r.close_date.to_pydatetime()
        created = r.created_date.to_pydatetime() if val(r.created_date) is not None else None
        amount: Any = float(r.amount) if val(r.amount) is not None else None
        if amount is not None and i % 4 == 0:
            amount = Decimal(str(amount))
        if i % 6 == 1:
            close = (close - EPOCH).days if close else None
            created = float((created - EPOCH).days) if created else None
            close = float(close) if close is not None else None
        out.append([r.deal_id, {"won": "Closed Won", "lost": "Closed Lost"}.get(
                        r.outcome, "Negotiation"),
                    amount, close, created, r.industry, r.region, r.lead_source, r.deal_type,
                    r.product, r.owner, val(r.competitor), float(r.company_revenue),
                    float(r.employees), val(r.loss_reason) if r.outcome == "lost" else None,
                    val(r.qualification_score), i % 3 == 0,
                    "#N/A" if is_open else r.region])
    return out


def fresh_copy(rows: list[list[Any]]) -> list[list[Any]]:
    """The same content as new objects, as Excel converts a range on every call.

    New strings (no cached hashes), floats, datetimes and Decimals; bools and None are
    singletons in Python anyway.
    """
    def fresh(v: Any) -> Any:
        kind = type(v)
        if kind is str:
            return (v + "\0")[:-1]
        if kind is float:
            return v * 1.0  # a new float; -0.0 and NaN keep their value
        if kind is dt.datetime:
            return v.replace()
        if kind is Decimal:
            return Decimal(str(v))
        return v

    return [[fresh(v) for v in row] for row in rows]


def timed(fn) -> tuple[float, float, Any]:
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - w0, time.process_time() - c0, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--by", default="Industry")
    args = parser.parse_args(argv)

    from winloss_xl.excel import udfs

    values = excel_range(args.rows)
    # import everything the formula path uses, outside the timing
    udfs.WINRATE_BY(values[:200], args.by)

    cold_w, cold_c, warm_w, warm_c = [], [], [], []
    result: Any = None
    for _ in range(args.repeat):
        udfs.clear_caches()
        batch = fresh_copy(values)
        w, c, result = timed(lambda b=batch: udfs.WINRATE_BY(b, args.by))
        cold_w.append(w)
        cold_c.append(c)
        for _ in range(3):
            batch = fresh_copy(values)
            w, c, _r = timed(lambda b=batch: udfs.WINRATE_BY(b, args.by))
            warm_w.append(w)
            warm_c.append(c)
    if not isinstance(result, list) or str(result[0][0]).startswith("#WINLOSS!"):
        print(f"formula failed: {result}", file=sys.stderr)
        return 1

    cold, warm = statistics.median(cold_w), statistics.median(warm_w)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"WINRATE_BY(range of {args.rows:,} deals x {len(HEADER)} columns, {args.by!r}) -> "
          f"{len(result) - 1} segments")
    print(f"  cold: {cold:.3f} s wall, {statistics.median(cold_c):.3f} s CPU "
          f"(median of {len(cold_w)}; target 0.5 s: {'PASS' if cold <= 0.5 else 'FAIL'})")
    print(f"  warm: {warm:.4f} s wall, {statistics.median(warm_c):.4f} s CPU "
          f"(median of {len(warm_w)}; target 0.05 s: {'PASS' if warm <= 0.05 else 'FAIL'})")
    print(f"  load average {load:.2f} on {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")

    # where the cold time goes (with the collector paused, as inside the formula)
    from winloss_xl.config import Config
    from winloss_xl.engine import patterns
    from winloss_xl.engine.prepare import prepare
    from winloss_xl.excel.cache import gc_paused
    from winloss_xl.ingest import load_deals

    batch = fresh_copy(values)
    with gc_paused():
        t_load, c_load, ds = timed(lambda: load_deals(batch, name="deals range"))
        t_prep, c_prep, prep = timed(lambda: prepare(ds, Config()))
        t_pat, c_pat, _ = timed(lambda: patterns.patterns_table(prep))
    print(f"  cold split (wall / CPU): load_deals {t_load:.3f} / {c_load:.3f} s, prepare "
          f"{t_prep:.3f} / {c_prep:.3f} s, pattern statistics {t_pat:.3f} / {c_pat:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
