"""Run one CLI call or one load_deals + analyze in a child process, under a memory limit.

Used by the runner for ``dangerous`` cases (zip bombs, entity expansion) so a
missing guard fails a test instead of exhausting the machine. Prints one JSON
line: {"kind": "ok" | "input_error" | "bug", "rc", "message", "seconds", "max_rss_mb"}.

    python probe.py cli analyze deals.xlsx -o out.xlsx
    python probe.py lib deals.xlsx [contacts|-] [accounts|-]
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import sys
import time
import traceback

#: address-space cap for the child; a bomb that inflates past it dies with MemoryError
MEMORY_LIMIT = int(os.environ.get("HOSTILE_PROBE_MEMORY", str(4 * 1024**3)))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str]) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    mode, rest = argv[0], argv[1:]
    start = time.perf_counter()
    out: dict[str, object] = {}
    err = io.StringIO()
    try:
        if mode == "cli":
            from winloss_xl.cli import main as cli_main

            with contextlib.redirect_stderr(err):
                rc = cli_main(rest)
            out = {"kind": {0: "ok", 3: "input_error"}.get(rc, "bug"), "rc": rc,
                   "message": err.getvalue()}
        else:
            from winloss_xl.engine import analyze
            from winloss_xl.errors import InputError
            from winloss_xl.ingest import load_deals

            deals, contacts, accounts = ([*rest, "-", "-"])[:3]
            try:
                ds = load_deals(deals, contacts=None if contacts == "-" else contacts,
                                accounts=None if accounts == "-" else accounts)
                analyze(ds)
                out = {"kind": "ok", "rc": 0, "message": ""}
                name = os.environ.get("HOSTILE_CASE")
                if name:
                    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
                    from hostile.corpus import CASE_BY_NAME

                    check = CASE_BY_NAME[name].check
                    if check is not None:
                        try:
                            check(ds)
                        except AssertionError as exc:
                            out = {"kind": "check_failed", "rc": 0, "message": str(exc)}
            except InputError as exc:
                out = {"kind": "input_error", "rc": 3, "message": exc.message}
    except BaseException as exc:
        out = {"kind": "bug", "rc": 1,
               "message": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-3000:]
               + err.getvalue()[-1000:]}
    out["seconds"] = round(time.perf_counter() - start, 3)
    out["max_rss_mb"] = round(_rss_mb(), 1)
    sys.stdout.write("\nPROBE " + json.dumps(out) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
