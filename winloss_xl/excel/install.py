"""Install / remove ``winloss_xl.xlam`` in Excel's startup folder (no Excel needed).

We do this ourselves instead of ``xlwings addin install --file``, which only prints its
errors and exits 0. Every function takes the folders as arguments, so the tests run
install and remove against a temporary directory on any platform.

* Windows: ``%APPDATA%\\Microsoft\\Excel\\XLSTART``.
* macOS: ``~/Library/Group Containers/UBF8T346G9.Office/User Content.localized/
  Startup.localized/Excel``, plus the xlwings AppleScript that RunPython needs in
  ``~/Library/Application Scripts/com.microsoft.Excel/``.

An add-in already installed and built with the same xlwings version and interpreter is
left alone (it may hold the formulas the installer imported into it); one built with
another xlwings version is rebuilt, because its VBA names the DLL / AppleScript of that
exact version.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .xlam import ADDIN_FILENAME, build_xlam, built_info

CLOSE_EXCEL = "close Excel first (quit it completely), then run the command again"


@dataclass(frozen=True)
class InstallResult:
    """What ``install_addin`` did: ``action`` is "installed", "rebuilt" or "unchanged"."""

    action: str
    path: Path
    xlwings_version: str
    previous_version: str | None = None
    applescript: Path | None = None

    def message(self) -> str:
        if self.action == "unchanged":
            return (f"The Win/Loss add-in is already installed and up to date "
                    f"(xlwings {self.xlwings_version}): {self.path}")
        if self.action == "rebuilt":
            return (f"Rebuilt the Win/Loss add-in for xlwings {self.xlwings_version} (it was "
                    f"built with {self.previous_version or 'another version'}): {self.path}. "
                    "Re-import the formulas (the installer does this) and restart Excel.")
        return (f"Installed the Win/Loss add-in: {self.path}. Start (or restart) Excel and "
                "look for the 'Win/Loss' tab.")


def startup_folder(platform: str | None = None, home: Path | None = None,
                   env: Mapping[str, str] | None = None) -> Path:
    """Excel's per-user startup folder on this platform."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    home = Path(home) if home is not None else Path.home()
    if platform.startswith("win"):
        appdata = env.get("APPDATA")
        base = Path(appdata) if appdata else home / "AppData" / "Roaming"
        return base / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return (home / "Library" / "Group Containers" / "UBF8T346G9.Office"
                / "User Content.localized" / "Startup.localized" / "Excel")
    raise InputError(
        f"Excel add-ins install on Windows and macOS only (this is {platform})",
        advice="Use the command line instead: winloss-xl analyze DEALS -o report.xlsx",
    )


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
    target = folder / ADDIN_FILENAME
    info = built_info(target) if target.exists() else {}
    previous = info.get("xlwings")
    script = None
    if platform == "darwin":
        script = _install_applescript(applescript_folder(home))
    if (target.exists() and not force and previous == xlwings.__version__
            and info.get("interpreter") == interpreter):
        return InstallResult("unchanged", target, xlwings.__version__, previous, script)
    folder.mkdir(parents=True, exist_ok=True)
    if target.exists():
        _ensure_not_open(target)
    with tempfile.TemporaryDirectory(prefix="winloss-xl-addin-") as tmp:
        built = build_xlam(Path(tmp) / ADDIN_FILENAME, interpreter)
        try:
            shutil.copyfile(built, target)
        except PermissionError:
            raise InputError(f"cannot write {target}: the add-in is open in Excel",
                             advice="Please " + CLOSE_EXCEL) from None
    action = "rebuilt" if previous and previous != xlwings.__version__ else "installed"
    return InstallResult(action, target, xlwings.__version__, previous, script)


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
