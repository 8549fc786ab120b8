"""The Excel ribbon button (``main``) and the ``winloss-xl addin build|install|remove`` command.

The "Win/Loss" tab's Analyze button runs the add-in's VBA macro ``RibbonMyAddin.RunMain``,
which runs ``import winloss_xl; winloss_xl.main()`` through xlwings' RunPython.
``xw.Book.caller()`` is then the user's active workbook. ``main`` reads its ``Deals``
sheet (and the optional ``Contacts``, ``Accounts`` and ``Config`` sheets), runs the same
ingestion, engine and layout as the headless report, and writes the report tabs with
:func:`winloss_xl.report.live.write_report_live`.

Screen updating and calculation mode are restored even when the run fails; a failure is
shown in a message box (``App.alert``), never as a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError
from .xlam import ADDIN_FILENAME, build_xlam

log = logging.getLogger("winloss_xl.excel")

ALERT_TITLE = "Win/Loss"
INPUT_SHEET_DEALS = "Deals"
OPTIONAL_SHEETS = ("Contacts", "Accounts", "Config")
#: Exception classes Excel's automation raises when it refuses a change.
_EXCEL_REFUSED = {"com_error", "CommandError"}
#: A first Config row that only labels the columns.
_CONFIG_HEADER_KEYS = {"setting", "settings", "key", "name", "option", "parameter"}


# --------------------------------------------------------------------------- the button

def main() -> None:
    """Entry point of the Analyze button (called through RunPython)."""
    import xlwings as xw

    run_button(xw.Book.caller())


def run_button(book: Any) -> str | None:
    """Analyze ``book`` and write its report tabs; every failure ends in a message box.

    Returns the error text shown (None when the run succeeded).
    """
    app = book.app
    saved = _suspend(app)
    shown: str | None = None
    try:
        analyze_book(book, progress=lambda text: _status(app, text))
    except InputError as exc:
        shown = exc.message
    except Exception as exc:  # a bug: a plain message, details (no data) to a log file
        where = _log_bug(exc)
        if type(exc).__name__ in _EXCEL_REFUSED:  # pywin32 / appscript errors from Excel
            shown = ("Excel refused a change while the report was being written. Is the "
                     "workbook or a sheet protected, or is a cell still being edited? Press Esc, "
                     "remove the protection (Review tab), then click Analyze again.")
        else:
            shown = ("winloss-xl hit an unexpected problem and stopped "
                     f"({type(exc).__name__}). Your Deals, Contacts, Accounts and Config sheets "
                     "were not changed.")
        if where:
            shown += f" Details for support: {where}"
    finally:
        _restore(app, saved)
    if shown is not None:
        try:
            app.alert(shown, title=ALERT_TITLE, buttons="ok", mode="critical")
        except Exception:  # no UI to show it in: at least leave it in the status bar / log
            log.error("%s", shown)
    return shown


def analyze_book(book: Any, progress: Callable[[str], None] | None = None) -> Any:
    """Read the input sheets of an open workbook, analyse, write the report; returns it."""
    from ..config import Config
    from ..report.live import write_report_live
    from ..session import WinLoss

    say = progress or (lambda _text: None)
    say("Win/Loss: reading the Deals sheet...")
    sheets = {s.name.strip().lower(): s for s in book.sheets}
    deals_sheet = sheets.get(INPUT_SHEET_DEALS.lower())
    if deals_sheet is None:
        raise InputError(
            "this workbook has no sheet named 'Deals'",
            file=str(book.name),
            advice="Paste your CRM export (header row first) into a sheet named Deals, or "
                   "start from the template: winloss-xl template -o WinLoss.xlsx",
        )
    deals = read_sheet_values(deals_sheet)
    if not _has_data(deals):
        raise InputError("the Deals sheet is empty", file=str(book.name),
                         advice="Paste your CRM export into it, header row first")
    extra: dict[str, list[list[Any]] | None] = {}
    for name in OPTIONAL_SHEETS:
        sheet = sheets.get(name.lower())
        values = read_sheet_values(sheet) if sheet is not None else None
        # a header row alone (the template's empty Contacts / Accounts) means "not given"
        given = values is not None and _has_data(values[1:] if name != "Config" else values)
        extra[name] = values if given else None
    config = None
    if extra["Config"] is not None:
        config = Config.from_pairs(_config_rows(extra["Config"]), source="Config sheet")
    say(f"Win/Loss: checking {max(len(deals) - 1, 0):,} rows of deals...")
    session = WinLoss(deals, contacts=extra["Contacts"], accounts=extra["Accounts"],
                      config=config, name="Deals sheet")
    session.dealset  # noqa: B018 - read now, so the status bar says which step is slow
    say("Win/Loss: analysing...")
    report = session.report()  # the analysis and the Changes sheet's comparison of two quarters
    say("Win/Loss: writing the report sheets...")
    write_report_live(report, book)
    say("Win/Loss: done.")
    return report


def read_sheet_values(sheet: Any) -> list[list[Any]]:
    """All cell values of a sheet's used range, always as a 2-D list."""
    values = sheet.used_range.options(ndim=2).value
    return values if values is not None else [[None]]


def _has_data(values: list[list[Any]]) -> bool:
    return any(v is not None and v != "" for row in values for v in row)


def _config_rows(values: list[list[Any]]) -> list[list[Any]]:
    rows = [r for r in values if r and any(v is not None and v != "" for v in r)]
    if rows and str(rows[0][0] or "").strip().lower() in _CONFIG_HEADER_KEYS:
        rows = rows[1:]
    return rows


def _suspend(app: Any) -> dict[str, Any]:
    """Turn screen updating off and calculation to manual; returns what to restore."""
    saved: dict[str, Any] = {}
    for attr, value in (("screen_updating", False), ("calculation", "manual")):
        try:
            saved[attr] = getattr(app, attr)
            setattr(app, attr, value)
        except Exception:  # e.g. calculation cannot be read while a cell is edited
            log.debug("could not set %s", attr)
    return saved


def _restore(app: Any, saved: dict[str, Any]) -> None:
    for attr, value in saved.items():
        try:
            setattr(app, attr, value)
        except Exception:
            log.debug("could not restore %s", attr)
    try:
        app.status_bar = False  # hand the status bar back to Excel
    except Exception:
        log.debug("could not reset the status bar")


def _status(app: Any, text: str) -> None:
    try:
        app.status_bar = text
    except Exception:
        log.debug("status bar unavailable")


def _log_bug(exc: BaseException) -> str | None:
    """Write where the bug happened (code locations only, no cell values) to a log file."""
    try:
        folder = Path.home() / ".winloss-xl"
        folder.mkdir(exist_ok=True)
        path = folder / "last-error.log"
        frames = "".join(f"  {Path(f.filename).name}:{f.lineno} in {f.name}\n"
                         for f in traceback.extract_tb(exc.__traceback__))
        path.write_text(f"{type(exc).__name__}\n{frames}", encoding="utf-8")
        return str(path)
    except OSError:
        return None


# --------------------------------------------------------------------------- add-in file

def build_addin(output: Path, interpreter: str) -> Path:
    """Build ``winloss_xl.xlam`` at ``output`` from the installed xlwings ribbon template.

    ``output`` may be a directory (the file is written inside it) or a path ending in
    ``winloss_xl.xlam``; ``interpreter`` is the absolute path of the Python that has
    winloss_xl installed (written to Interpreter_Win, and to Interpreter_Mac when the macOS
    shell takes it as one word; on macOS any other path is refused, see
    :func:`winloss_xl.excel.xlam.check_mac_interpreter`).
    """
    output = Path(output)
    if output.is_dir():
        output = output / ADDIN_FILENAME
    return build_xlam(output, interpreter)


def run_addin_command(args: argparse.Namespace) -> int:
    """``winloss-xl addin build|install|remove [-o FILE]``; returns the exit code."""
    import os

    from .install import install_addin, remove_addin

    interpreter = sys.executable
    if args.action == "build":
        out = build_addin(Path(args.output or ADDIN_FILENAME), interpreter)
        print(f"Built {out} (formulas module winloss_xl.excel.udfs, Python {interpreter}).")
        return 0
    folder_env = os.environ.get("WINLOSS_XL_ADDIN_DIR")
    folder = Path(folder_env) if folder_env else None
    if args.action == "install":
        result = install_addin(folder, interpreter)
        print(result.message())
        if result.applescript is not None:
            print(f"xlwings RunPython script in place: {result.applescript}")
        return 0
    if args.action == "remove":
        removed = remove_addin(folder)
        if removed is None:
            print("The Win/Loss add-in was not installed; nothing to remove.")
        else:
            print(f"Removed {removed}. Restart Excel to drop the 'Win/Loss' tab.")
        return 0
    raise InputError(f"unknown addin action '{args.action}'",
                     expected="build, install or remove")
