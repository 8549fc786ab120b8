"""Install / remove ``winloss_xl.xlam`` in Excel's startup folder (no Excel needed).

We do this ourselves instead of ``xlwings addin install --file``, which only prints its
errors and exits 0. Every function takes the folders as arguments, so the tests run
install and remove against a temporary directory on any platform.

* Windows: ``%APPDATA%\\Microsoft\\Excel\\XLSTART``.
* macOS: the folder Excel reports (``App.startup_path``) when Excel is running, else
  ``~/Library/Group Containers/UBF8T346G9.Office/User Content.localized/
  Startup.localized/Excel``; plus the xlwings AppleScript that RunPython needs in
  ``~/Library/Application Scripts/com.microsoft.Excel/``.

An add-in already installed with the same winloss-xl version, xlwings version and
interpreter is left alone (it may hold the formulas the installer imported into it).
Otherwise it is rebuilt, and the result says which of the three changed: a new
winloss-xl brings its ribbon and settings, and the VBA names the DLL / AppleScript of
one exact xlwings version.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath

from ..errors import InputError
from .xlam import ADDIN_FILENAME, ADDIN_MODE, build_xlam, built_info, check_mac_interpreter

CLOSE_EXCEL = "close Excel first (quit it completely), then run the command again"


#: What an add-in records, in the order a change is reported.
STAMPS = ("winloss-xl", "xlwings", "interpreter")


def winloss_version() -> str:
    """The running winloss-xl version (read at call time, as the add-in stamp is)."""
    import winloss_xl

    return winloss_xl.__version__


@dataclass(frozen=True)
class InstallResult:
    """What ``install_addin`` did: ``action`` is "installed", "rebuilt" or "unchanged";
    ``changes`` lists what differed from the installed add-in (for "rebuilt")."""

    action: str
    path: Path
    xlwings_version: str
    previous_version: str | None = None
    applescript: Path | None = None
    changes: tuple[str, ...] = ()

    def message(self) -> str:
        if self.action == "unchanged":
            return (f"The Win/Loss add-in is already installed and up to date "
                    f"(winloss-xl {winloss_version()}, xlwings {self.xlwings_version}): {self.path}")
        if self.action == "rebuilt":
            return (f"Rebuilt the Win/Loss add-in ({'; '.join(self.changes)}): {self.path}. "
                    "Re-import the formulas (the installer does this) and restart Excel.")
        return (f"Installed the Win/Loss add-in: {self.path}. Start (or restart) Excel and "
                "look for the 'Win/Loss' tab.")


def stale_stamps(info: dict[str, str], interpreter: str) -> tuple[str, ...]:
    """What differs between an installed add-in's stamps (``built_info``) and this install,
    in words: ``"winloss-xl 0.1.0 -> 0.2.0"``. Empty when it is up to date."""
    import xlwings

    now = {"winloss-xl": winloss_version(), "xlwings": xlwings.__version__, "interpreter": interpreter}
    changes = []
    for key in STAMPS:
        was = info.get(key)
        same = (same_interpreter(was, now[key]) if key == "interpreter" and was
                else was == now[key])
        if not same:
            changes.append(f"{key} {was or 'unknown'} -> {now[key]}")
    return tuple(changes)


_PYTHON_NAME = re.compile(r"python(\d+(\.\d+)?)?(\.exe)?", re.IGNORECASE)


def same_interpreter(a: str, b: str) -> bool:
    """True for the same environment's Python under another of its names
    (``venv/bin/python`` and ``venv/bin/python3``: ``sys.executable`` differs between
    ``python -m winloss_xl`` and the ``winloss-xl`` command). Links are not followed:
    every venv's ``python`` links to the same base interpreter.

    >>> same_interpreter("/v/bin/python", "/v/bin/python3.11")
    True
    >>> same_interpreter("/v/bin/python", "/w/bin/python")
    False
    """
    if a == b:
        return True
    pa, pb = PurePath(a), PurePath(b)
    return (pa.parent == pb.parent and bool(_PYTHON_NAME.fullmatch(pa.name))
            and bool(_PYTHON_NAME.fullmatch(pb.name)))


def startup_folder(platform: str | None = None, home: Path | None = None,
                   env: Mapping[str, str] | None = None,
                   ask_excel: Callable[[], Path | None] | None = None) -> Path:
    """Excel's per-user startup folder on this platform.

    On macOS the folder Excel reports is used when ``ask_excel`` (default:
    :func:`excel_startup_path`, when the call is for this machine) finds a running Excel;
    else the folder of current Excel for Mac versions.
    """
    platform = platform or sys.platform
    env = os.environ if env is None else env
    if platform.startswith("win"):
        home = Path(home) if home is not None else Path.home()
        appdata = env.get("APPDATA")
        base = Path(appdata) if appdata else home / "AppData" / "Roaming"
        return base / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        if ask_excel is None and home is None and sys.platform == "darwin":
            ask_excel = excel_startup_path
        reported = ask_excel() if ask_excel is not None else None
        if reported is not None:
            return reported
        home = Path(home) if home is not None else Path.home()
        return (home / "Library" / "Group Containers" / "UBF8T346G9.Office"
                / "User Content.localized" / "Startup.localized" / "Excel")
    raise InputError(
        f"Excel add-ins install on Windows and macOS only (this is {platform})",
        advice="Use the command line instead: winloss-xl analyze DEALS -o report.xlsx",
    )


def excel_startup_path() -> Path | None:
    """The startup folder a running Excel reports (``xlwings.App.startup_path``).

    None when no Excel runs (``xlwings.apps.keys()`` lists running instances without
    starting one) or it cannot be asked.
    """
    try:
        import xlwings as xw

        if not xw.apps.keys():
            return None
        app = xw.apps.active
        path = app.startup_path if app is not None else None
    except Exception:  # no Excel engine on this platform, or Excel did not answer
        return None
    return Path(path) if path else None


def applescript_folder(home: Path | None = None) -> Path:
    """Where RunPython's AppleScript lives on macOS."""
    home = Path(home) if home is not None else Path.home()
    return home / "Library" / "Application Scripts" / "com.microsoft.Excel"


def xlwings_applescript() -> Path:
    """The AppleScript of the installed xlwings version."""
    import xlwings

    return Path(xlwings.__file__).resolve().parent / f"xlwings-{xlwings.__version__}.applescript"


def install_addin(folder: Path | None = None, interpreter: str | None = None, *,
                  platform: str | None = None, home: Path | None = None,
                  force: bool = False) -> InstallResult:
    """Build (when needed) and copy ``winloss_xl.xlam`` into ``folder``.

    Raises InputError with "close Excel first" when the installed copy is open in Excel.
    """
    import xlwings

    platform = platform or sys.platform
    folder = Path(folder) if folder is not None else startup_folder(platform, home)
    interpreter = interpreter or sys.executable
    if platform == "darwin":
        check_mac_interpreter(interpreter)  # before anything is changed
    target = folder / ADDIN_FILENAME
    info = built_info(target) if target.exists() else {}
    previous = info.get("xlwings")
    changes = stale_stamps(info, interpreter)
    script = None
    if platform == "darwin":
        script = _install_applescript(applescript_folder(home))
    if target.exists() and not force and not changes:
        return InstallResult("unchanged", target, xlwings.__version__, previous, script)
    folder.mkdir(parents=True, exist_ok=True)
    if target.exists():
        _ensure_not_open(target)
    with tempfile.TemporaryDirectory(prefix="winloss-xl-addin-") as tmp:
        built = build_xlam(Path(tmp) / ADDIN_FILENAME, interpreter, platform=platform)
        try:
            shutil.copyfile(built, target)
            os.chmod(target, ADDIN_MODE)
        except PermissionError:
            raise InputError(f"cannot write {target}: the add-in is open in Excel",
                             advice="Please " + CLOSE_EXCEL) from None
    if not info:
        return InstallResult("installed", target, xlwings.__version__, previous, script)
    return InstallResult("rebuilt", target, xlwings.__version__, previous, script,
                         changes or ("reinstall asked for",))


def remove_addin(folder: Path | None = None, *, platform: str | None = None,
                 home: Path | None = None) -> Path | None:
    """Delete the installed add-in; returns its path, or None when none was installed.

    The xlwings AppleScript on macOS is left in place: other xlwings add-ins share it.
    """
    platform = platform or sys.platform
    folder = Path(folder) if folder is not None else startup_folder(platform, home)
    target = folder / ADDIN_FILENAME
    if not target.exists():
        return None
    _ensure_not_open(target)
    try:
        target.unlink()
    except PermissionError:
        raise InputError(f"cannot delete {target}: the add-in is open in Excel",
                         advice="Please " + CLOSE_EXCEL) from None
    return target


def _ensure_not_open(target: Path) -> None:
    """Raise "close Excel first" when Excel holds the file (lock file or sharing lock)."""
    owner = target.with_name("~$" + target.name)
    if owner.exists():
        raise InputError(f"{target.name} is open in Excel", file=str(target.parent),
                         advice="Please " + CLOSE_EXCEL)
    try:
        # Windows refuses write access to a workbook Excel has open
        with open(target, "r+b"):
            pass
    except PermissionError:
        raise InputError(f"{target.name} is open in Excel", file=str(target.parent),
                         advice="Please " + CLOSE_EXCEL) from None


def _install_applescript(dest_dir: Path) -> Path:
    src = xlwings_applescript()
    if not src.is_file():
        raise InputError(f"the installed xlwings has no {src.name}", file=str(src.parent))
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / src.name
    if not dest.exists() or dest.read_bytes() != src.read_bytes():
        shutil.copyfile(src, dest)
    return dest
