"""The ``winloss-xl`` command line.

Exit codes: 0 done; 2 usage; 3 the input cannot be analysed (the message names
the file, the column and what was expected); 1 only for a bug.

This module only parses arguments and dispatches; the work lives in
``inspection`` (inspect), ``report.run`` (demo, analyze, template),
``excel.addin`` (addin) and ``doctor`` (doctor).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from . import __version__
from .errors import InputError
from .runlog import LOG_FORMATS, event, start_run

EXIT_OK = 0
EXIT_BUG = 1
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3

log = logging.getLogger("winloss_xl")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (kept separate so tests and docs can read its help)."""
    parser = argparse.ArgumentParser(
        prog="winloss-xl",
        description="Honest win/loss analysis and buyer personas from CRM exports, "
                    "written as an Excel report.",
        epilog="Exit codes: 0 done, 2 usage error, 3 input cannot be analysed, 1 bug.",
    )
    parser.add_argument("--version", action="version", version=f"winloss-xl {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.add_argument("--log-format", choices=LOG_FORMATS, default="text",
                        help="log lines as text (default) or one JSON object per line "
                             "(time, level, run_id, event, counts)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # -q and --log-format also work after the command (winloss-xl analyze deals.csv -q), for cron
    quiet = argparse.ArgumentParser(add_help=False)
    quiet.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                       help="print errors only")
    quiet.add_argument("--log-format", choices=LOG_FORMATS, default=argparse.SUPPRESS,
                       help="log lines as text (default) or JSON lines")

    def add_input_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("deals", metavar="DEALS",
                       help="deals export: .csv .tsv .txt .xlsx .xlsm or .json")
        p.add_argument("--contacts", metavar="F", help="contact roles export (deal key, title, role)")
        p.add_argument("--accounts", metavar="F", help="accounts export (account key, firmographics)")
        p.add_argument("--config", metavar="F.toml", help="settings and column overrides (TOML)")
        p.add_argument("--sheet", metavar="NAME", help="sheet to read from an xlsx (default: Deals, "
                       "else the first sheet with a recognisable header)")
        p.add_argument("--column", action="append", default=[], metavar="FIELD=HEADER",
                       help="map a source header to a field, e.g. --column outcome='Deal Phase'")

    demo = sub.add_parser("demo", parents=[quiet], help="report from the bundled sample deals")
    demo.add_argument("-o", "--output", metavar="FILE", default="winloss-demo.xlsx",
                      help="report file to write (default: winloss-demo.xlsx)")

    analyze = sub.add_parser("analyze", parents=[quiet], help="write the win/loss report for a deals export")
    add_input_options(analyze)
    analyze.add_argument("--template", metavar="F", help="report template workbook to fill")
    analyze.add_argument("-o", "--output", metavar="FILE",
                         help="report file (default: <deals name>-winloss.xlsx)")
    analyze.add_argument("--where", action="append", default=[], metavar="COL=VALUE",
                         help="analyse only deals whose column (your header or a report label) "
                              "equals the value (repeatable; dates: use --period)")
    analyze.add_argument("--period", metavar="P",
                         help="analyse only deals that closed in P (also the Changes sheet's "
                              "current period): 2025Q4, 2025-10, 2025, FY2026Q1 "
                              "(fiscal, from fiscal_year_start_month) or 2025-10-01..2025-12-31")
    baseline = analyze.add_mutually_exclusive_group()
    baseline.add_argument("--baseline", metavar="P",
                          help="the Changes sheet's baseline period (forms as --period; default: "
                               "the period of the same length just before the current one)")
    baseline.add_argument("--baseline-report", metavar="OLD.xlsx",
                          help="an earlier report made by winloss-xl: the Changes sheet follows up "
                               "its recommendations (what leadership saw)")
    analyze.add_argument("--split-by", metavar="COL",
                         help="one report per value of COL (files named <output>-<value>.xlsx)")
    analyze.add_argument("--json", action="store_true",
                         help="print a machine-readable summary on stdout")
    analyze.add_argument("--min-deals", type=int, metavar="N",
                         help="smallest segment that is tested (default 5, at least 3)")

    inspect = sub.add_parser("inspect", parents=[quiet], help="column mapping and data quality only")
    add_input_options(inspect)
    inspect.add_argument("--json", action="store_true", help="print JSON instead of tables")

    template = sub.add_parser("template", parents=[quiet], help="a fresh workbook to paste deals into")
    template.add_argument("-o", "--output", metavar="FILE", default="WinLoss.xlsx",
                          help="workbook to write (default: WinLoss.xlsx)")

    addin = sub.add_parser("addin", help="the Excel 'Win/Loss' ribbon add-in")
    addin.add_argument("action", choices=["build", "install", "remove"])
    addin.add_argument("-o", "--output", metavar="FILE",
                       help="with build: where to write winloss_xl.xlam")

    doctor = sub.add_parser("doctor", help="is this machine ready: Python, packages, add-in, Excel")
    doctor.add_argument("--json", action="store_true", help="print the checks as JSON")
    doctor.add_argument("--excel", action="store_true",
                        help="also open Excel, run Analyze on the demo and one formula "
                             "(Windows and macOS)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    args.run_id = start_run(args.quiet, args.log_format)
    log.info("winloss-xl %s %s", __version__, args.command, extra=event(f"start_{args.command}"))
    try:
        return _dispatch(args)
    except InputError as exc:
        if args.log_format == "json":  # the text line is the message below
            log.error("input cannot be analysed", extra=event("input_error", exit_code=EXIT_BAD_INPUT))
        print(f"winloss-xl: {exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("winloss-xl: interrupted; nothing was written.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `analyze --json | head`: the reader left; the report is written
        # Python would report the pipe again while flushing stdout at exit: point it elsewhere
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "inspect":
        from .inspection import run_inspect

        return run_inspect(args)
    if args.command == "addin":
        from .excel.addin import run_addin_command

        return run_addin_command(args)
    if args.command == "doctor":
        from .doctor import run_doctor

        return run_doctor(args)
    from .report import run

    return {"demo": run.run_demo, "analyze": run.run_analyze,
            "template": run.run_template}[args.command](args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
