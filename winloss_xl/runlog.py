"""The audit trail of one command-line run: a run id on every log line, text or JSON lines.

Every run of ``winloss-xl`` gets a short random run id (:func:`start_run`). It is on
each log line, in ``--json`` and on the report's Data Quality sheet, so a report, its
log lines and a monitoring alert can be matched up. ``--log-format json`` writes one
JSON object per line, for cron and systemd jobs that are watched by a log collector:

    {"time": "2026-01-02T06:00:01.250Z", "level": "INFO", "run_id": "3f9c2a71",
     "event": "analysed", "counts": {"closed_deals": 1985, "won": 1220}}

A JSON line holds only the time, level, run id, an event name and counts: never a
file, account, contact or deal name. Code that logs tags its records with
``extra=event("name", key=count, ...)``; an untagged record's event is "message".

``WINLOSS_RUN_ID`` (environment) sets the id instead: a scheduler passes its own job
id through (e.g. systemd's ``$INVOCATION_ID``), and a fixed id reproduces a report byte
for byte (same input, same settings, same run id: same bytes).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import secrets
import sys
from typing import Any, TextIO

#: The formats ``--log-format`` accepts.
LOG_FORMATS = ("text", "json")
_TEXT = "%(asctime)s %(levelname)s run=%(run_id)s %(message)s"
_TTY = "%(message)s [run %(run_id)s]"

#: A run id given in WINLOSS_RUN_ID: letters, digits and ``_ . : -``, at most 64 characters.
_GIVEN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
ENV_RUN_ID = "WINLOSS_RUN_ID"

_current: str | None = None


def new_run_id() -> str:
    """A short random hex id (8 characters) for one run, or the one WINLOSS_RUN_ID gives."""
    given = os.environ.get(ENV_RUN_ID, "").strip()
    return given if _GIVEN_ID.fullmatch(given) else secrets.token_hex(4)


def current_run_id() -> str | None:
    """The id of the run in progress (None outside a command-line run)."""
    return _current


def event(name: str, /, **counts: int | float | None) -> dict[str, Any]:
    """The ``extra=`` of a log call: an event name and its counts (numbers only)."""
    return {"event": name, "counts": {k: v for k, v in counts.items()
                                      if v is None or isinstance(v, (int, float))}}


class _RunFilter(logging.Filter):
    """Stamps the run id (and an event name when the call gave none) on each record."""

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id

    def filter(self, record: logging.LogRecord) -> bool:
        record.run_id = self.run_id
        if not hasattr(record, "event"):
            record.event = "message"
        if not hasattr(record, "counts"):
            record.counts = {}
        return True


class JsonLineFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, run_id, event, counts."""

    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created, dt.UTC)
        return json.dumps({
            "time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "run_id": getattr(record, "run_id", None),
            "event": getattr(record, "event", "message"),
            "counts": getattr(record, "counts", {}),
        }, sort_keys=False)


def start_run(quiet: bool = False, log_format: str = "text", stream: TextIO | None = None) -> str:
    """Start a run: a new run id, and log lines (text or JSON) on ``stream`` (stderr).

    Like ``logging.basicConfig``, a handler is installed only when the root logger has
    none of its own (a host such as pytest keeps its handlers); a later run replaces the
    handler of an earlier one in the same process.
    """
    global _current
    _current = new_run_id()
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_winloss_run", False)]:
        root.removeHandler(old)
    if root.handlers:
        return _current
    out = stream if stream is not None else sys.stderr
    handler = logging.StreamHandler(out)
    handler._winloss_run = True  # type: ignore[attr-defined]
    handler.addFilter(_RunFilter(_current))
    if log_format == "json":
        handler.setFormatter(JsonLineFormatter())
    else:
        tty = bool(getattr(out, "isatty", lambda: False)())
        handler.setFormatter(logging.Formatter(_TTY if tty else _TEXT))
    root.addHandler(handler)
    root.setLevel(logging.ERROR if quiet else logging.INFO)
    return _current
