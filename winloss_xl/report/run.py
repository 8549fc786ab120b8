"""The headless commands: ``demo``, ``analyze`` and ``template``.

Each returns an exit code; :class:`InputError` propagates to ``cli.main``
(exit 3). Progress goes to stderr: a short line per stage on a terminal,
plain log lines otherwise, nothing but errors with ``--quiet``. Log lines hold
counts and file names only, never account, contact or deal names.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import InputError
from ..runlog import current_run_id, event
from .output import OutputBatch

log = logging.getLogger("winloss_xl")


class Progress:
    """Stage messages: ``[2/4] Analysing ...`` on a terminal, log lines otherwise (always log
    lines with ``--log-format json``; each names its event, see :mod:`winloss_xl.runlog`)."""

    def __init__(self, quiet: bool = False, total: int = 4, stream: Any = None,
                 log_format: str = "text") -> None:
        self.quiet = quiet
        self.total = total
        self.step = 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = log_format != "json" and bool(getattr(self.stream, "isatty", lambda: False)())
        self.t0 = time.perf_counter()

    def stage(self, message: str, name: str = "stage", **counts: int) -> None:
        self.step += 1
        if self.quiet:
            return
        if self.tty:
            print(f"[{min(self.step, self.total)}/{self.total}] {message}", file=self.stream, flush=True)
        else:
            log.info("%s", message, extra=event(name, **counts))

    def done(self, message: str, **counts: int) -> None:
        if self.quiet:
            return
        elapsed = time.perf_counter() - self.t0
        if self.tty:
            print(f"{message} ({elapsed:.1f} s)", file=self.stream, flush=True)
        else:
            log.info("%s (%.1f s)", message, elapsed,
                     extra=event("done", seconds=round(elapsed, 3), **counts))


# --------------------------------------------------------------------------- helpers

def _config(args: argparse.Namespace) -> Config:
    from ..inspection import config_from_args

    config = config_from_args(args)
    min_deals = getattr(args, "min_deals", None)
    if min_deals is not None:
        config = config.merged(min_deals=min_deals)
        config.validate("--min-deals")
    return config


#: A --where that compares rather than equals: "Close date>=2025-10-01", "Amount<5000", "a!=b".
_COMPARISON = re.compile(r"(?:>=|<=|!=|<>|=>|=<|[<>])")


def parse_where(items: list[str]) -> dict[str, str]:
    """``["Region=EMEA", "Type=New"]`` -> ``{"Region": "EMEA", "Type": "New"}``.

    Only equality: a comparison (``>=``, ``<``, ``!=`` ...) is refused with a pointer to
    ``--period``, rather than read as a column named "Close date>" (``==`` reads as ``=``).
    """
    where: dict[str, str] = {}
    for item in items or []:
        col, sep, value = str(item).partition("=")
        value = value[1:] if value.startswith("=") else value
        op = _COMPARISON.search(col + sep + value[:1]) if sep else _COMPARISON.search(str(item))
        if op:
            raise InputError(f"--where '{item}' compares ({op.group(0)}), but --where only selects "
                             "deals whose column equals a value", file="command line",
                             expected="COL=VALUE, e.g. --where Region=EMEA",
                             advice="To select deals by close date use --period, e.g. --period "
                                    "2025Q4, --period 2025-10 or --period 2025-10-01..2025-12-31")
        if not sep or not col.strip():
            raise InputError(f"--where '{item}' is not COL=VALUE", file="command line",
                             expected='e.g. --where Region=EMEA or --where "Lead source=Web"')
        where[col.strip()] = value.strip().strip("'\"")
    return where


def safe_file_part(value: object, max_len: int = 60) -> str:
    """A file-name-safe form of a segment value: ``"North America/East"`` -> ``North-America-East``."""
    text = re.sub(r"[^0-9A-Za-z._-]+", "-", str(value)).strip("-._")
    text = text[:max_len].strip("-._")
    if not text or text.upper() in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                                     *(f"LPT{i}" for i in range(1, 10))}:
        text = f"segment-{text or 'blank'}"
    return text


def _summary_numbers(analysis: Any) -> dict[str, Any]:
    def num(metric: str) -> float | int | None:
        try:
            v = analysis.summary_value(metric)
        except KeyError:
            return None
        try:
            f = float(v)
        except (TypeError, ValueError):
            return None
        if f != f:  # NaN
            return None
        return int(f) if metric in ("Closed deals", "Won", "Lost", "Open deals excluded") else f

    return {
        "closed_deals": num("Closed deals"), "won": num("Won"), "lost": num("Lost"),
        "open_excluded": num("Open deals excluded"), "win_rate": num("Win rate"),
        "ci_low": num("Win rate CI low"), "ci_high": num("Win rate CI high"),
        "win_rate_excl_no_decision": num("Win rate excl. no decision"),
    }


def _report_summary(analysis: Any, output: Path, segment: str | None) -> dict[str, Any]:
    from .layout import headline_sentences

    out = {"segment": segment, "output": str(output), **_summary_numbers(analysis)}
    out["findings"] = headline_sentences(analysis)
    out["significant_findings"] = sum(1 for f in analysis.findings if f.significant)
    return out


def _log_numbers(nums: dict[str, Any]) -> None:
    rate = nums.get("win_rate")
    counts = {k: nums.get(k) for k in ("closed_deals", "won", "lost", "open_excluded", "win_rate")}
    log.info("closed deals %s (won %s, lost %s, open excluded %s); win rate %s",
             nums.get("closed_deals"), nums.get("won"), nums.get("lost"), nums.get("open_excluded"),
             f"{rate:.1%}" if isinstance(rate, float) else "n/a", extra=event("analysed", **counts))


def produce(wl: Any, output: Path, *, template: str | None, inputs: list[str],
            progress: Progress, title: str | None = None, segment: str | None = None,
            batch: Any = None) -> dict[str, Any]:
    """Analyse one WinLoss and write its report (or stage it in ``batch``); returns the JSON entry."""
    from .xlsx import report_bytes, write_report

    progress.stage(f"Analysing {len(wl.dealset.deals):,} deals" + (" (one segment)" if segment else ""),
                   "analysing", deals=len(wl.dealset.deals))
    report = wl.report(title)
    progress.stage(f"Writing {output.name}", "writing")
    if batch is not None:
        batch.stage(output, report_bytes(report, output, template=template, inputs=inputs))
    else:
        write_report(report, output, template=template, inputs=inputs)
    entry = _report_summary(wl.analysis, output, segment)
    changes = wl.comparison.changes
    entry["change"] = {"baseline": changes.baseline, "current": changes.current,
                       "sentence": wl.comparison.sentence()}
    if not progress.quiet:
        _log_numbers(entry)
    return entry


def split_targets(output: Path, whole: Any, parts: dict[str, Any]) -> list[tuple[Path, str, Any]]:
    """(file, label, part) per ``--split-by`` part of ``whole`` (WinLoss.split): ``<output>-<label>.xlsx``.

    The label is the one the part's title carries (``whole.safe_value``): the value itself
    when the privacy rule allows it (shared by at least 3 deals, naming no one and no
    account), else ``part-NN``; file names, titles and log lines never carry a name or an
    email. Names are made unique.
    """
    out, stems = [], set()
    for index, (value, part) in enumerate(parts.items(), start=1):
        label = whole.safe_value(value, len(part.dealset.deals), index)
        stem = f"{output.stem}-{safe_file_part(label)}"
        base, n = stem, 1
        while stem.lower() in stems:
            n += 1
            stem = f"{base}-{n}"
        stems.add(stem.lower())
        out.append((output.with_name(stem + (output.suffix or ".xlsx")), label, part))
    return out


def check_report_path(output: Path, inputs: list[str]) -> None:
    """Refuse a report path before any work: an input, not .xlsx, or in a missing folder."""
    from .output import check_output

    check_output(output, inputs)
    if output.suffix.lower() != ".xlsx":
        raise InputError("the report must be an .xlsx file", file=str(output),
                         expected="an output name ending in .xlsx")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("the output folder does not exist", file=str(folder.absolute()),
                         expected="an existing folder", advice="Create it, or choose another -o")


def _template_notes(template: str | None) -> list[tuple[str, int, str]]:
    """Data Quality rows for what the template carried that the report drops (checks it too)."""
    if not template:
        return []
    from .template import template_quality

    return template_quality(Path(template))


def _print_json(payload: dict[str, Any]) -> None:
    json.dump(payload, sys.stdout, indent=2, sort_keys=False, default=str)
    sys.stdout.write("\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------- commands

def run_analyze(args: argparse.Namespace) -> int:
    """``winloss-xl analyze DEALS ...``: one WinLoss, filtered by --period and --where, maybe split."""
    from ..periods import parse_period
    from ..session import WinLoss

    deals = Path(args.deals)
    output = Path(args.output) if args.output else Path(f"{deals.stem}-winloss.xlsx")
    inputs = [str(p) for p in (args.deals, args.contacts, args.accounts, args.config,
                               args.template, getattr(args, "baseline_report", None)) if p]
    check_report_path(output, inputs)  # before the (long) analysis, not after it
    progress = Progress(args.quiet, total=3, log_format=getattr(args, "log_format", "text"))
    config = _config(args)
    where = parse_where(args.where)
    period = None
    if getattr(args, "period", None):
        period = _period_arg(args.period, config.fiscal_year_start_month, parse_period)
    comparing = _comparison_args(args, config.fiscal_year_start_month, parse_period)
    progress.stage(f"Reading {deals.name}", "reading")
    template_notes = _template_notes(args.template)  # a bad template stops before the analysis
    wl = WinLoss(args.deals, contacts=args.contacts, accounts=args.accounts, config=config,
                 sheet=getattr(args, "sheet", None))
    for check, count, detail in template_notes:
        wl.dealset.quality.add(check, count, detail)
    run_id = _note_run(wl, args)
    if period is not None:
        wl = wl.in_period(period)
        if not progress.quiet:
            log.info("%d deals closed in %s", len(wl.dealset.deals), period.label,
                     extra=event("period", deals=len(wl.dealset.deals)))
    if where:
        try:
            wl = wl.where(where)
        except InputError as exc:
            raise exc.with_file(str(deals)) from None
        if not progress.quiet:
            log.info("%d deals match the --where filter", len(wl.dealset.deals),
                     extra=event("where", deals=len(wl.dealset.deals)))
        if wl.dealset.deals.empty:
            raise InputError("no deal matches every --where filter together", file=str(deals),
                             expected="filters that some deals meet all at once")
    reports = _write_reports(wl, args, output, inputs, progress, comparing)
    progress.done(f"Wrote {len(reports)} report(s)", reports=len(reports))
    if getattr(args, "json", False):
        _print_json({"run_id": run_id, **_json_payload(reports, args.split_by, period)})
    return 0


def _note_run(wl: Any, args: argparse.Namespace) -> str | None:
    """Put the run id on Data Quality (a row of the quality record); returns it."""
    run_id = getattr(args, "run_id", None) or current_run_id()
    if run_id:
        wl.dealset.quality.add("Run id", 0, f"{run_id}: the id on this run's log lines and --json")
    return run_id


def _period_arg(text: str, start_month: int, parse: Any) -> Any:
    try:
        return parse(text, start_month)
    except InputError as exc:
        raise exc.with_file("--period") from None


def _comparison_args(args: argparse.Namespace, start_month: int, parse: Any) -> dict[str, Any]:
    """What --baseline / --baseline-report ask of the Changes sheet (read before any analysis:
    a bad period or an earlier workbook without tblRecommendations stops here)."""
    out: dict[str, Any] = {}
    if getattr(args, "baseline", None):
        try:
            out["baseline"] = parse(args.baseline, start_month)
        except InputError as exc:
            raise exc.with_file("--baseline") from None
    old = getattr(args, "baseline_report", None)
    if old:
        from .earlier import read_recommendations

        out["recommendations"] = read_recommendations(old)
        out["source"] = f"the {len(out['recommendations'])} recommendations of {Path(old).name}"
    return out


def _compared(wl: Any, comparing: dict[str, Any]) -> Any:
    """``wl`` with its Changes sheet compared as --baseline / --baseline-report ask."""
    if comparing:
        try:
            wl.comparison = wl.compare(**comparing)
        except InputError as exc:
            raise exc.with_file("--baseline") from None
    return wl


def _write_reports(wl: Any, args: argparse.Namespace, output: Path, inputs: list[str],
                   progress: Progress, comparing: dict[str, Any] | None = None
                   ) -> list[dict[str, Any]]:
    """One report, or one per --split-by value (all written, or none)."""
    comparing = comparing or {}
    if not args.split_by:
        return [produce(_compared(wl, comparing), output, template=args.template, inputs=inputs,
                        progress=progress)]
    parts = wl.split(args.split_by)
    if not parts:
        raise InputError("--split-by found no values to split on", file=str(args.deals),
                         column=args.split_by, expected="a column with at least one value")
    targets = split_targets(output, wl, parts)
    from .output import check_output

    for target, _label, _part in targets:  # every name checked before any work
        check_output(target, inputs)
    progress.total = 1 + 2 * len(parts)
    reports = []
    with OutputBatch() as batch:
        for target, label, part in targets:
            reports.append(produce(_compared(part, comparing), target, template=args.template,
                                   inputs=inputs, progress=progress, segment=label, batch=batch))
        batch.commit()  # all parts, or none
    return reports


def _json_payload(reports: list[dict[str, Any]], split_by: str | None, period: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"outputs": [r["output"] for r in reports]}
    if period is not None:
        payload["period"] = {"label": period.label, "start": period.start.isoformat(),
                             "end": period.end.isoformat()}
    if len(reports) == 1 and not split_by:
        payload.update({k: v for k, v in reports[0].items() if k != "segment"})
    else:
        payload["split_by"] = split_by
    payload["reports"] = reports
    return payload


def run_demo(args: argparse.Namespace) -> int:
    """``winloss-xl demo [-o FILE]``: the report of the bundled sample deals."""
    from ..session import WinLoss

    output = Path(args.output)
    check_report_path(output, [])  # before the analysis
    progress = Progress(args.quiet, log_format=getattr(args, "log_format", "text"))
    progress.stage("Loading the bundled sample deals", "reading")
    wl = WinLoss.of(_demo_dealset(), Config())
    _note_run(wl, args)
    produce(wl, output, title="Win/Loss report (sample data)", template=None, inputs=[],
            progress=progress)
    progress.done(f"Wrote {output}")
    return 0


def _demo_dealset() -> Any:
    """The bundled sample deals (``winloss_xl.demo_data``), else generated ones of the same shape."""
    try:
        from ..demo_data import demo_dealset
    except ModuleNotFoundError:
        from ..dealset import DealSet
        from ..engine.synthetic import make_deals

        deals, extra = make_deals(4000, seed=7)
        return DealSet.from_frame(deals, extra_dimensions=extra, source="sample deals")
    return demo_dealset()


def run_template(args: argparse.Namespace) -> int:
    """``winloss-xl template [-o FILE]``: a fresh workbook to paste deals into."""
    from .output import atomic_write_bytes
    from .template import template_bytes

    output = Path(args.output)
    if output.suffix.lower() != ".xlsx":
        raise InputError("the template must be an .xlsx file", file=str(output),
                         expected="a name ending in .xlsx")
    if output.exists():
        raise InputError("file exists; not overwriting it", file=str(output),
                         advice="choose another name with -o or delete the file")
    atomic_write_bytes(output, template_bytes())
    if not args.quiet:
        log.info("wrote %s: paste deals into the Deals sheet, then run "
                 "winloss-xl analyze %s -o report.xlsx", output, output, extra=event("wrote_template"))
    return 0
