"""What the machine checks speak of: one check's result, and the machine they look at.

Shared by :mod:`winloss_xl.doctor` (the checks of ``winloss-xl doctor``) and
:mod:`winloss_xl.excel.smoke` (its ``--excel`` smoke test), which therefore need not
import each other.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

OK, FIX, NA = "OK", "FIX", "N/A"
NOT_ON_LINUX = "not available on Linux"
ADDIN_DIR_ENV = "WINLOSS_XL_ADDIN_DIR"
#: Trust Center "Trust access to the VBA project object model": a policy key overrides
#: the user's own setting; the first key that holds the value decides.
VBA_TRUST_KEYS = (
    r"HKCU\Software\Policies\Microsoft\Office\16.0\Excel\Security",
    r"HKLM\Software\Policies\Microsoft\Office\16.0\Excel\Security",
    r"HKCU\Software\Microsoft\Office\16.0\Excel\Security",
)
PACKAGES = ("winloss-xl", "xlwings", "pandas", "openpyxl")


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: str
    status: str
    detail: str
    fix: str = ""
    required: bool = True

    def line(self) -> str:
        text = f"{self.status:<4} {self.name}: {self.detail}"
        if self.status == FIX:
            text += f". Fix: {self.fix}" + ("" if self.required else " (optional)")
        return text


@dataclass
class Machine:
    """What the checks look at; the defaults are this machine."""

    platform: str = field(default_factory=lambda: sys.platform)
    home: Path = field(default_factory=Path.home)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    interpreter: str = field(default_factory=lambda: sys.executable)
    which: Callable[[str], str | None] = shutil.which
    #: (registry key, value name) -> DWORD, or None when absent (Windows only)
    registry: Callable[[str, str], int | None] | None = None
    #: the startup folder a running Excel reports (macOS); None: ask this machine's Excel
    ask_excel: Callable[[], Path | None] | None = None

    @property
    def system(self) -> str:
        if self.platform.startswith("win"):
            return "Windows"
        return "macOS" if self.platform == "darwin" else "Linux"

    @property
    def has_excel(self) -> bool:
        return self.system in ("Windows", "macOS")

    def startup_folder(self) -> Path:
        """Excel's startup folder on this machine (macOS: as a running Excel reports it)."""
        from .excel.install import excel_startup_path, startup_folder

        ask = self.ask_excel
        if ask is None:
            ask = excel_startup_path if self.platform == sys.platform else (lambda: None)
        return startup_folder(self.platform, self.home, self.env, ask_excel=ask)


def addin_folder(machine: Machine) -> Path | None:
    """Where the add-in is looked for: $WINLOSS_XL_ADDIN_DIR, else Excel's startup folder."""
    given = machine.env.get(ADDIN_DIR_ENV)
    if given:
        return Path(given)
    if not machine.has_excel:
        return None
    return machine.startup_folder()
