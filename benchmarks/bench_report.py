"""Report benchmark: 1,000,000 deals from CSV to the finished workbook.

    python benchmarks/bench_report.py                 # 1,000,000 deals (budget: 15 s end to end)
    python benchmarks/bench_report.py --rows 100000   # smaller
    python benchmarks/bench_report.py --keep DIR      # keep the CSV and the report in DIR

The CSV is generated deterministically (numpy default_rng(SEED)) in the shape of
a Salesforce report, with planted effects so the report has findings. Two
measurements:

1. end to end: ``winloss-xl -q analyze deals.csv -o report.xlsx`` in a fresh
   interpreter, wall clock (interpreter start, imports, read, analyse, lay out,
   write), its CPU time (user + system; what the wall clock would be on an idle
   machine, near enough, since the run is single-threaded), the load average and
   its peak resident memory;
2. in process: the time of each stage (load_deals, analyze, build_report,
   write_report), to see where the time goes.

The report never holds per-deal rows, so its size does not grow with the deals.
Results go in docs/benchmarks.md ("Report").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20251123
BUDGET_S = 15.0
INDUSTRIES = np.array(["Software", "Retail", "Healthcare", "Manufacturing", "Finance", "Energy",
                       "Media", "Education"])
REGIONS = np.array(["North America", "EMEA", "APAC", "LATAM"])
SOURCES = np.array(["Web", "Partner", "Event", "Outbound", "Referral"])
TYPES = np.array(["New Business", "Upsell", "Renewal"])
PRODUCTS = np.array(["Core", "Pro", "Enterprise", "Analytics", "Services"])
COMPETITORS = np.array(["", "Salesforce", "HubSpot", "Microsoft", "Oracle"])
REASONS = np.array(["Price", "No budget", "Lost to competitor", "Timing", "No decision", "Not a fit"])


def frame(rows: int) -> pd.DataFrame:
    """Deterministic deals with planted effects (Software and EMEA win more, Retail less)."""
    rng = np.random.default_rng(SEED)
    industry = rng.integers(0, len(INDUSTRIES), rows)
    region = rng.integers(0, len(REGIONS), rows)
    logit = -0.3 + 0.6 * (industry == 0) - 0.6 * (industry == 1) + 0.4 * (region == 1)
    won = rng.random(rows) < 1 / (1 + np.exp(-logit))
    is_open = rng.random(rows) < 0.08
    stage = np.where(is_open, "Negotiation/Review", np.where(won, "Closed Won", "Closed Lost"))
    created = np.datetime64("2023-01-01") + rng.integers(0, 900, rows).astype("timedelta64[D]")
    closed = created + rng.integers(3, 240, rows).astype("timedelta64[D]")
    lost = stage == "Closed Lost"
    return pd.DataFrame({
        "Opportunity ID": np.char.add("006", np.arange(rows).astype(str)),
        "Stage": stage,
        "Amount": np.round(rng.lognormal(10, 1, rows), 2),
        "Close Date": pd.to_datetime(closed).strftime("%Y-%m-%d"),
        "Created Date": pd.to_datetime(created).strftime("%Y-%m-%d"),
        "Opportunity Owner": np.char.add("Rep ", rng.integers(0, 60, rows).astype(str)),
        "Lead Source": SOURCES[rng.integers(0, len(SOURCES), rows)],
        "Type": TYPES[rng.integers(0, len(TYPES), rows)],
        "Product": PRODUCTS[rng.integers(0, len(PRODUCTS), rows)],
        "Industry": INDUSTRIES[industry],
        "Region": REGIONS[region],
        "Annual Revenue": np.round(rng.lognormal(17, 1.5, rows), -3),
        "Employees": rng.integers(5, 20_000, rows),
        "Primary Competitor": COMPETITORS[rng.integers(0, len(COMPETITORS), rows)],
        "Loss Reason": np.where(lost, REASONS[rng.integers(0, len(REASONS), rows)], ""),
        "Qualification Score": np.round(np.clip(rng.normal(0.5 + 0.15 * won, 0.2), 0, 1), 2),
    })


def end_to_end(csv: Path, out: Path) -> dict:
    """One CLI run in a fresh interpreter: wall seconds and peak RSS (MB)."""
    usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage0.ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "winloss_xl", "-q", "analyze", str(csv), "-o", str(out)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"analyze failed ({proc.returncode}): {proc.stderr}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (usage.ru_utime - usage0.ru_utime) + (usage.ru_stime - usage0.ru_stime)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "load_average": load,
            "peak_rss_mb": round(max(usage.ru_maxrss, before) / 1024, 0),
            "report_kb": round(out.stat().st_size / 1024, 1)}


def stages(csv: Path, out: Path) -> dict:
    """The same pipeline in process, timed stage by stage."""
    from winloss_xl import analyze, load_deals
    from winloss_xl.report.build import build_report
    from winloss_xl.report.xlsx import write_report

    times = {}
    t = time.perf_counter()
    ds = load_deals(str(csv))
    times["load_deals"] = time.perf_counter() - t
    t = time.perf_counter()
    analysis = analyze(ds)
    times["analyze"] = time.perf_counter() - t
    t = time.perf_counter()
    report = build_report(analysis)
    times["build_report"] = time.perf_counter() - t
    t = time.perf_counter()
    write_report(report, out)
    times["write_report"] = time.perf_counter() - t
    rows = sum(len(tb.frame) for s in report.sheets for tb in s.tables())
    return {**{k: round(v, 2) for k, v in times.items()}, "report_table_rows": rows,
            "win_rate": round(float(analysis.summary_value("Win rate")), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="folder for the CSV and reports (kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        csv = folder / f"deals-{args.rows}.csv"
        t = time.perf_counter()
        frame(args.rows).to_csv(csv, index=False)
        gen = time.perf_counter() - t
        e2e = end_to_end(csv, folder / "report-cli.xlsx")
        inproc = stages(csv, folder / "report-stages.xlsx")
        same = (folder / "report-cli.xlsx").read_bytes() == (folder / "report-stages.xlsx").read_bytes()
        result = {
            "rows": args.rows, "csv_mb": round(csv.stat().st_size / 2**20, 1),
            "generate_s": round(gen, 1), "end_to_end": e2e, "stages_s": inproc,
            "budget_s": BUDGET_S, "within_budget": e2e["seconds"] <= BUDGET_S,
            "cli_and_in_process_reports_identical": same,
            "python": platform.python_version(), "pandas": pd.__version__,
            "cpus": os.cpu_count(), "machine": platform.machine(),
        }
    print(json.dumps(result, indent=2))
    if not result["within_budget"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
