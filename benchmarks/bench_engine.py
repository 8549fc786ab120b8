"""Engine benchmark: full analysis of 1,000,000 generated deals with 12 dimensions.

Measures, in the same run and on the same deals:

- ``analyze``: the whole engine (summary, patterns with exact tests and BH,
  drivers over every pair of dimensions, owners with standardisation, trend,
  loss reasons, competitors, qualification, recommendations);
- a bare pandas baseline: for each of the same 12 dimensions (numeric ones cut
  into quartiles with ``pd.qcut``), ``groupby(...).agg(["sum", "count"])`` of
  the won flag over the closed deals -- the least work that gives a win rate by
  dimension.

Run from the repository root: ``python benchmarks/bench_engine.py [--deals N] [--repeat R]``.
Prints both figures (best of R runs) and their ratio.
"""

from __future__ import annotations

import argparse
import sys
import time

import pandas as pd

from winloss_xl.dealset import DealSet
from winloss_xl.engine import analyze
from winloss_xl.engine.synthetic import make_deals

CATEGORY_DIMS = ["industry", "region", "lead_source", "deal_type", "product", "owner", "competitor"]
NUMERIC_DIMS = ["company_revenue", "employees", "amount", "sales_cycle_days"]


def baseline(deals: pd.DataFrame, extras: list[str]) -> None:
    """The bare groupby win rate over the 12 dimensions."""
    closed = deals[deals["outcome"] != "open"]
    won = (closed["outcome"] == "won").rename("won")
    for col in CATEGORY_DIMS + extras:
        won.groupby(closed[col], observed=True).agg(["sum", "count"])
    for col in NUMERIC_DIMS:
        won.groupby(pd.qcut(closed[col], 4, duplicates="drop"), observed=True).agg(["sum", "count"])


def timed(fn, *args):
    """(wall seconds, process CPU seconds, result) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    df, extras = make_deals(args.deals, seed=42, noise_dimensions=1, owners=40)
    dealset = DealSet.from_frame(df, extra_dimensions=extras)
    dims = len(CATEGORY_DIMS) + len(NUMERIC_DIMS) + len(extras)
    print(f"generated {args.deals:,} deals, {dims} dimensions in {time.perf_counter() - t0:.1f} s")
    engine_times, base_times, engine_cpu, base_cpu = [], [], [], []
    analysis = None
    for _ in range(args.repeat):
        wall, cpu, _ = timed(baseline, dealset.deals, extras)
        base_times.append(wall)
        base_cpu.append(cpu)
        wall, cpu, analysis = timed(analyze, dealset)
        engine_times.append(wall)
        engine_cpu.append(cpu)
    engine, base = min(engine_times), min(base_times)
    assert analysis is not None
    patterns = analysis.tables["tblPatterns"]
    print(f"pandas groupby baseline: {base:.2f} s wall, {min(base_cpu):.2f} s CPU (walls: "
          + ", ".join(f"{t:.2f}" for t in base_times) + ")")
    print(f"full analysis:           {engine:.2f} s wall, {min(engine_cpu):.2f} s CPU (walls: "
          + ", ".join(f"{t:.2f}" for t in engine_times) + ")")
    print(f"ratio analysis / groupby: {engine / base:.2f}x wall, {min(engine_cpu) / min(base_cpu):.2f}x CPU")
    print(f"segments tested: {int(patterns['p-value'].notna().sum())}, drivers: "
          f"{len(analysis.tables['tblDrivers'])}, recommendations: "
          f"{len(analysis.tables['tblRecommendations'])}")
    ok = engine <= 10.0 and engine <= 3 * base
    print("within budget (<= 10 s and <= 3x baseline):", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
