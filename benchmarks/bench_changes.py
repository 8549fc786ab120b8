"""Changes sheet benchmark: what the period comparison adds to the report on 1,000,000 deals.

    python benchmarks/bench_changes.py                 # 1,000,000 deals (budget: +20%)
    python benchmarks/bench_changes.py --rows 200000   # smaller

Deals come from ``winloss_xl.engine.synthetic.make_deals`` (two years of close dates, so
the default comparison is the latest complete quarter against the one before, about
125,000 deals each), written to a CSV and read back once, as ``winloss-xl analyze`` does
(the ingestion time). Then two runs in this process, each on a fresh WinLoss over the
loaded deals, each best of ``--repeat``:

1. without: the analysis, the layout and the workbook write, with the Changes sheet left
   as its "not run" note (what the report cost before);
2. with: the same plus the comparison (tblChanges, tblChangeDrivers, tblChangeLossReasons)
   and the follow-up, which runs the engine on the baseline quarter's deals.

Two shares of the added time are printed: of the report's time (ingestion + without: what
a ``winloss-xl analyze`` run costs; the budget applies here) and of the in-process part
alone (without ingestion, the stricter figure).
Results go in docs/benchmarks.md ("Changes sheet").
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

BUDGET_SHARE = 0.20


def _run(dealset, with_changes: bool, out: Path) -> tuple[float, dict[str, float]]:
    from winloss_xl import WinLoss
    from winloss_xl.report.build import build_report
    from winloss_xl.report.xlsx import write_report

    stages: dict[str, float] = {}
    t0 = time.perf_counter()
    wl = WinLoss.of(dealset)
    analysis = wl.analysis
    stages["analysis"] = time.perf_counter() - t0
    if with_changes:
        t = time.perf_counter()
        comparison = wl.comparison
        stages["comparison"] = time.perf_counter() - t
        del comparison
        t = time.perf_counter()
        report = wl.report()
    else:
        t = time.perf_counter()
        report = build_report(analysis, title=wl.title())
    stages["layout"] = time.perf_counter() - t
    t = time.perf_counter()
    write_report(report, out)
    stages["write"] = time.perf_counter() - t
    return time.perf_counter() - t0, stages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    from winloss_xl import WinLoss
    from winloss_xl.engine.synthetic import make_deals

    frame, _extras = make_deals(args.rows, seed=11, noise_dimensions=2)
    best: dict[bool, tuple[float, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "deals.csv"
        frame.to_csv(csv, index=False)
        del frame
        t = time.perf_counter()
        dealset = WinLoss(csv).dealset
        ingestion = time.perf_counter() - t
        for _ in range(args.repeat):
            for flag in (False, True):
                took = _run(dealset, flag, Path(tmp) / f"r{int(flag)}.xlsx")
                if flag not in best or took[0] < best[flag][0]:
                    best[flag] = took
    without, with_ = best[False][0], best[True][0]
    added = best[True][1]["comparison"]  # the comparison itself; layout and write are noise-level
    share = added / (ingestion + without)
    print(f"deals: {args.rows:,}; python {sys.version.split()[0]}; load {os.getloadavg()[0]:.2f}")
    print(f"ingestion (CSV to deals, once): {ingestion:.2f} s")
    for flag, (total, stages) in sorted(best.items()):
        parts = ", ".join(f"{k} {v:.2f} s" for k, v in stages.items())
        print(f"{'with' if flag else 'without'} Changes: {total:.2f} s ({parts})")
    print(f"comparison: {added:.2f} s; with - without: {with_ - without:.2f} s")
    print(f"added to the report's time (ingestion + without, {ingestion + without:.2f} s): "
          f"{share:.1%} (budget {BUDGET_SHARE:.0%}): {'ok' if share <= BUDGET_SHARE else 'OVER'}")
    print(f"added to the in-process part alone ({without:.2f} s): {added / without:.1%}")
    return 0 if share <= BUDGET_SHARE else 1


if __name__ == "__main__":
    sys.exit(main())
