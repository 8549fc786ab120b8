"""``winloss-xl inspect``: show how an export is read, before any analysis.

Prints the deal counts, the column map (source column -> field or why it is
ignored) and the data-quality record as aligned tables, or the same as JSON
with ``--json``. It reads the inputs and writes nothing else. Like the
record itself, the output holds counts and column names, never cell values.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from .config import OVERRIDABLE_FIELDS, Config, unknown_key_error
from .dealset import DealSet
from .errors import InputError
from .fields import OUTCOME_LOST, OUTCOME_OPEN, OUTCOME_WON
from .ingest import load_deals


def config_from_args(args: argparse.Namespace) -> Config:
    """The run's Config: ``--config`` TOML (if any) plus ``--column FIELD=HEADER`` overrides."""
    config = Config.from_toml(args.config) if getattr(args, "config", None) else Config()
    overrides = dict(config.columns)
    for item in getattr(args, "column", None) or []:
        fld, sep, header = str(item).partition("=")
        fld = fld.strip().lower().replace(" ", "_")
        header = header.strip().strip("'\"")
        if not sep or not fld or not header:
            raise InputError(f"--column '{item}' is not FIELD=HEADER", file="command line",
                             expected="e.g. --column outcome=\"Deal Phase\"")
        if fld not in OVERRIDABLE_FIELDS:
            raise unknown_key_error(fld, list(OVERRIDABLE_FIELDS), "command line", " in --column")
        overrides[fld] = header
    return config.merged(columns=overrides) if overrides else config


def summary_of(ds: DealSet) -> dict[str, Any]:
    """Counts of the loaded deals: won, lost, open, closed, contacts, extra dimensions."""
    outcome = ds.deals["outcome"]
    won = int((outcome == OUTCOME_WON).sum())
    lost = int((outcome == OUTCOME_LOST).sum())
    return {
        "source": ds.source,
        "deals": len(ds.deals),
        "closed": won + lost,
        "won": won,
        "lost": lost,
        "open_excluded": int((outcome == OUTCOME_OPEN).sum()),
        "no_decision": int(ds.deals["no_decision"].sum()),
        "contacts": len(ds.contacts),
        "extra_dimensions": list(ds.extra_dimensions),
    }


def inspection_dict(ds: DealSet) -> dict[str, Any]:
    """Everything ``inspect --json`` prints."""
    return {
        "summary": summary_of(ds),
        "column_map": [{"source_column": s, "mapped_to": m, "role": r, "how_matched": h}
                       for s, m, r, h in ds.quality.column_map],
        "data_quality": [{"check": e.check, "count": e.count, "detail": e.detail}
                         for e in ds.quality.entries],
    }


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
                 right: Sequence[int] = ()) -> str:
    """Plain aligned text table (numbers right-aligned for the columns in ``right``)."""
    cells = [[str(h) for h in headers]] + [["" if c is None else
                                             (f"{c:,}" if isinstance(c, int) else str(c))
                                             for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        parts = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(row)]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_text(ds: DealSet) -> str:
    """The human-readable inspection: summary lines, column map, data quality."""
    s = summary_of(ds)
    out = [
        f"Source: {s['source']}",
        f"Closed deals: {s['closed']:,} ({s['won']:,} won, {s['lost']:,} lost"
        + (f", {s['no_decision']:,} no decision" if s["no_decision"] else "") + ")",
        f"Open deals excluded: {s['open_excluded']:,}",
        f"Contacts: {s['contacts']:,}",
    ]
    if s["extra_dimensions"]:
        out.append("Extra dimensions: " + ", ".join(s["extra_dimensions"]))
    out += ["", "Column map", format_table(["Source column", "Mapped to", "Role", "How matched"],
                                           ds.quality.column_map)]
    out += ["", "Data quality", format_table(
        ["Check", "Count", "Detail"],
        [(e.check, e.count, e.detail) for e in ds.quality.entries], right=(1,))]
    return "\n".join(out) + "\n"


def run_inspect(args: argparse.Namespace, stream: TextIO | None = None) -> int:
    """Run ``inspect``: load the inputs, print the map and quality record; returns the exit code."""
    stream = stream or sys.stdout
    config = config_from_args(args)
    ds = load_deals(
        Path(args.deals),
        contacts=Path(args.contacts) if getattr(args, "contacts", None) else None,
        accounts=Path(args.accounts) if getattr(args, "accounts", None) else None,
        config=config,
        sheet=getattr(args, "sheet", None),
    )
    if getattr(args, "json", False):
        run_id = getattr(args, "run_id", None)
        payload = {**({"run_id": run_id} if run_id else {}), **inspection_dict(ds)}
        stream.write(json.dumps(payload, indent=2) + "\n")
    else:
        stream.write(render_text(ds))
    return 0
