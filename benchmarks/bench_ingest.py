"""Ingestion benchmark: load time and peak memory of load_deals on large synthetic exports.

    python benchmarks/bench_ingest.py                 # 1,000,000-row CSV and 100,000-row XLSX
    python benchmarks/bench_ingest.py --rows 200000   # smaller CSV
    python benchmarks/bench_ingest.py --keep DIR      # keep the generated files in DIR

The files are generated deterministically (numpy default_rng(20240601)) in the
shape of a Salesforce report: text dates in US order, text stages, a few
blank cells. Each load runs in a fresh interpreter so the peak resident memory
(ru_maxrss) belongs to that load alone. Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240601
STAGES = np.array(["Closed Won", "Closed Lost", "Prospecting", "Negotiation/Review"])
INDUSTRIES = np.array(["Software", "Retail", "Healthcare", "Manufacturing", "Finance", "Energy"])
REGIONS = np.array(["North America", "EMEA", "APAC", "LATAM"])
SOURCES = np.array(["Web", "Partner", "Event", "Outbound"])
REASONS = np.array(["Price", "No budget", "Lost to competitor", "Timing", ""])


def frame(rows: int) -> pd.DataFrame:
    """A deterministic Salesforce-report-shaped deals table."""
    rng = np.random.default_rng(SEED)
    created = np.datetime64("2023-01-01") + rng.integers(0, 700, rows).astype("timedelta64[D]")
    closed = created + rng.integers(3, 240, rows).astype("timedelta64[D]")
    stage = STAGES[rng.choice(4, rows, p=[0.35, 0.45, 0.1, 0.1])]
    return pd.DataFrame({
        "Opportunity ID": np.char.add("006", np.arange(rows).astype(str)),
        "Account Name": np.char.add("Account ", rng.integers(0, 20_000, rows).astype(str)),
        "Stage": stage,
        "Amount": np.round(rng.lognormal(10, 1, rows), 2),
        "Close Date": pd.to_datetime(closed).strftime("%m/%d/%Y"),
        "Created Date": pd.to_datetime(created).strftime("%m/%d/%Y"),
        "Opportunity Owner": np.char.add("Rep ", rng.integers(0, 60, rows).astype(str)),
        "Lead Source": SOURCES[rng.integers(0, 4, rows)],
        "Type": np.where(rng.random(rows) < 0.6, "New Business", "Renewal"),
        "Industry": INDUSTRIES[rng.integers(0, 6, rows)],
        "Region": REGIONS[rng.integers(0, 4, rows)],
        "Loss Reason": np.where(stage == "Closed Lost", REASONS[rng.integers(0, 5, rows)], ""),
        "Qualification Score": rng.integers(0, 101, rows),
    })


def write_csv(path: Path, rows: int) -> Path:
    frame(rows).to_csv(path, index=False)
    return path


def write_xlsx(path: Path, rows: int) -> Path:
    from openpyxl import Workbook

    df = frame(rows)
    df["Close Date"] = pd.to_datetime(df["Close Date"], format="%m/%d/%Y")
    df["Created Date"] = pd.to_datetime(df["Created Date"], format="%m/%d/%Y")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Deals")
    ws.append(list(df.columns))
    for rec in df.itertuples(index=False):
        ws.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else
                   (v.item() if hasattr(v, "item") else v) for v in rec])
    wb.save(path)
    return path


def measure(path: Path) -> dict:
    """Load once in this process; time and peak RSS (MiB)."""
    import resource

    from winloss_xl import load_deals

    start, cpu = time.perf_counter(), time.process_time()
    ds = load_deals(path)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"file": path.name, "rows": len(ds.deals), "closed": len(ds.closed),
            "seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2),
            "peak_rss_mib": round(peak_kib / 1024), "load_average": round(os.getloadavg()[0], 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV rows (default 1,000,000)")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="XLSX rows (default 100,000)")
    parser.add_argument("--keep", metavar="DIR", help="write and keep the files in DIR")
    parser.add_argument("--measure", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure))))
        return 0
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="winloss-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, rows, writer in (("deals_csv", args.rows, write_csv),
                               ("deals_xlsx", args.xlsx_rows, write_xlsx)):
        ext = ".csv" if writer is write_csv else ".xlsx"
        path = folder / f"{name}_{rows}{ext}"
        if not path.exists():
            t = time.perf_counter()
            writer(path, rows)
            print(f"generated {path.name} ({path.stat().st_size / 2**20:.0f} MiB) "
                  f"in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        files.append(path)
    print(f"python {sys.version.split()[0]}, pandas {pd.__version__}, {os.cpu_count()} CPUs")
    for path in files:
        out = subprocess.run([sys.executable, __file__, "--measure", str(path)], check=True,
                             capture_output=True, text=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['file']:<28} {r['rows']:>9,} deals  {r['seconds']:>6.2f} s wall  "
              f"{r['cpu_seconds']:>6.2f} s CPU  peak RSS {r['peak_rss_mib']:,} MiB  "
              f"(load average {r['load_average']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
